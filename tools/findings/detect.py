"""``detect_findings``: run every detector over one ``AnalysisContext``.

The detectors live in ``tools.findings.conversion`` (conversion drops, mix shift, lead quality,
follow-up), ``tools.findings.value`` (volume, deal size, cycle, churn, KPI green / revenue flat),
``tools.findings.revenue`` (value-weighted win rate, revenue decline, coverage from the forecast) and ``tools.findings.pipeline`` (stalled deals, recycle pool); the ``Finding`` type and
the severity rule they share live in ``tools.findings.model``.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.analysis_context import AnalysisContext
from tools.findings.conversion import DIMENSION_PRIORITY, conversion_findings
from tools.findings.model import Finding
from tools.findings.pipeline import pipeline_findings
from tools.findings.revenue import coverage_finding, revenue_findings
from tools.findings.value import value_findings
from tools.revenue.views import RevenueViews


def detect_findings(ctx: AnalysisContext, revenue: Callable[[], RevenueViews] | None = None) -> list[Finding]:
    """Run every detector; findings come back in detector order (sort by severity to present).

    ``revenue`` returns the revenue view (``tools.revenue.views``: the bridge, win rates by value, the
    quarter forecast); it is called once the conversion detectors are done, so the diagnosis can
    compute it on another core meanwhile. Without it the revenue findings (``revenue_decline``,
    the value-weighted win-rate fall, ``pipeline_coverage_low``) are skipped.
    """
    findings: list[Finding] = []
    if ctx.comparable:
        ctx.prefetch_dimension_codes(DIMENSION_PRIORITY)
        findings += conversion_findings(ctx)
    views = revenue() if revenue is not None else RevenueViews()
    if ctx.comparable:
        findings += value_findings(ctx, findings, views.bridge)
        findings += revenue_findings(ctx, findings, views.bridge, views.win_rates)
    findings += coverage_finding(views.forecast)
    findings += pipeline_findings(ctx)
    return findings
