"""``detect_findings``: run every detector over one ``AnalysisContext``.

The detectors live in ``tools.findings.conversion`` (conversion drops, mix shift, lead quality,
follow-up), ``tools.findings.value`` (volume, deal size, cycle, churn, KPI green / revenue flat,
coverage) and ``tools.findings.pipeline`` (stalled deals, recycle pool); the ``Finding`` type and
the severity rule they share live in ``tools.findings.model``.
"""

from __future__ import annotations

from tools.analysis_context import AnalysisContext
from tools.findings.conversion import DIMENSION_PRIORITY, conversion_findings
from tools.findings.model import Finding
from tools.findings.pipeline import pipeline_findings
from tools.findings.value import value_findings


def detect_findings(ctx: AnalysisContext) -> list[Finding]:
    """Run every detector; findings come back in detector order (sort by severity to present)."""
    findings: list[Finding] = []
    if ctx.comparable:
        ctx.prefetch_dimension_codes(DIMENSION_PRIORITY)
        findings += conversion_findings(ctx)
        findings += value_findings(ctx, findings)
    findings += pipeline_findings(ctx)
    return findings
