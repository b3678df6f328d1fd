"""Deterministic data work: load exports, measure the funnel, diagnose it, plan against it.

Public API (imported lazily; pure pandas/numpy, no LangChain, Gradio or Chroma)::

    from tools import diagnose, load_exports, load_targets, render_diagnosis_text

    data = load_exports(["leads.csv", "opportunities.csv"])
    diagnosis = diagnose(data, load_targets("targets.csv"))
    print(render_diagnosis_text(diagnosis, lang="ja"))
    diagnosis.revenue_bridge, diagnosis.forecast   # RevenueBridge, Forecast (or None)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "LoadedData": "tools.dataset",
    "from_canonical": "tools.dataset",
    "RevOpsInputError": "tools.errors",
    "DataQualityIssue": "tools.errors",
    "load_exports": "tools.ingest.loading",
    "parse_mapping_overrides": "tools.ingest.loading",
    "load_targets": "tools.ingest.targets",
    "Targets": "tools.ingest.targets",
    "Diagnosis": "tools.diagnosis",
    "diagnose": "tools.diagnosis",
    "Finding": "tools.findings.model",
    "RevenueBridge": "tools.revenue.bridge",
    "Forecast": "tools.revenue.forecast",
    "AmountWeightedWinRates": "tools.revenue.amount_weighted",
    "funnel_summary": "tools.funnel",
    "what_if": "tools.planning",
    "reverse_plan": "tools.planning",
    "capacity_plan": "tools.planning",
    "render_diagnosis_text": "tools.report",
    "generate_scenario": "tools.demo.scenarios",
    "write_sample": "tools.demo.sample",
}

__all__ = [
    "AmountWeightedWinRates",
    "DataQualityIssue",
    "Diagnosis",
    "Finding",
    "Forecast",
    "LoadedData",
    "RevOpsInputError",
    "RevenueBridge",
    "Targets",
    "capacity_plan",
    "diagnose",
    "from_canonical",
    "funnel_summary",
    "generate_scenario",
    "load_exports",
    "load_targets",
    "parse_mapping_overrides",
    "render_diagnosis_text",
    "reverse_plan",
    "what_if",
    "write_sample",
]

if TYPE_CHECKING:
    from tools.dataset import LoadedData, from_canonical
    from tools.demo.sample import write_sample
    from tools.demo.scenarios import generate_scenario
    from tools.diagnosis import Diagnosis, diagnose
    from tools.errors import DataQualityIssue, RevOpsInputError
    from tools.findings.model import Finding
    from tools.funnel import funnel_summary
    from tools.ingest.loading import load_exports, parse_mapping_overrides
    from tools.ingest.targets import Targets, load_targets
    from tools.planning import capacity_plan, reverse_plan, what_if
    from tools.report import render_diagnosis_text
    from tools.revenue.amount_weighted import AmountWeightedWinRates
    from tools.revenue.bridge import RevenueBridge
    from tools.revenue.forecast import Forecast


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tools' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
