"""Diagnosis findings: the ``Finding`` type and severity rule (``model``), the detectors (``conversion``, ``value``, ``pipeline``) and ``detect.detect_findings`` that runs them all."""
