"""``detect_findings``: run every detector over one ``AnalysisContext``.

The detectors live in ``tools.findings.conversion`` (conversion drops, mix shift, lead quality,
follow-up), ``tools.findings.value`` (volume, deal size, cycle, churn, KPI green / revenue flat),
``tools.findings.revenue`` (value-weighted win rate, revenue decline, coverage from the forecast) and ``tools.findings.pipeline`` (stalled deals, recycle pool); the ``Finding`` type and
the severity rule they share live in ``tools.findings.model``.
"""

from __future__ import annotations

from tools.amount_weighted import AmountWeightedWinRates
from tools.analysis_context import AnalysisContext
from tools.bridge import RevenueBridge
from tools.findings.conversion import DIMENSION_PRIORITY, conversion_findings
from tools.findings.model import Finding
from tools.findings.pipeline import pipeline_findings
from tools.findings.revenue import coverage_finding, revenue_findings
from tools.findings.value import value_findings
from tools.forecast import Forecast


def detect_findings(
    ctx: AnalysisContext,
    *,
    bridge: RevenueBridge | None = None,
    rates: AmountWeightedWinRates | None = None,
    forecast: Forecast | None = None,
) -> list[Finding]:
    """Run every detector; findings come back in detector order (sort by severity to present).

    ``bridge``, ``rates`` and ``forecast`` are the revenue views the diagnosis computed (the
    revenue bridge, win rates by value, the quarter forecast); without them their findings
    (``revenue_decline``, the value-weighted win-rate fall, ``pipeline_coverage_low``) are skipped.
    """
    findings: list[Finding] = []
    if ctx.comparable:
        ctx.prefetch_dimension_codes(DIMENSION_PRIORITY)
        findings += conversion_findings(ctx)
        findings += value_findings(ctx, findings, bridge)
        findings += revenue_findings(ctx, findings, bridge, rates)
    findings += coverage_finding(forecast)
    findings += pipeline_findings(ctx)
    return findings
