"""Volume and value findings: lead volume, deal size, cycle time, churn, KPI-green-revenue-flat."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.findings.model import Finding, severity_for
from tools.metrics import stage_entries
from tools.periods import Window
from tools.revenue.bridge import RevenueBridge
from tools.revenue.target_windows import target_in_window
from tools.schema import CREATED_COLUMN, TARGET_METRIC_STAGE
from tools.stats import Comparison
from tools.wording import findings as words
from tools.wording.findings import Change

MATERIAL = {"lead_volume": 0.10, "deal_size": 0.10, "cycle_time": 0.15, "churn": 0.25}
#: Revenue growth below this (relative) counts as "flat".
FLAT_REVENUE = 0.05
VOLUME_METRICS = ("leads", "mql", "sql")
#: The downstream targets volume should turn into: missing any of them while volume is green is
#: the story (revenue alone is noisy: a few large deals swing a window by tens of percent).
DOWNSTREAM_METRICS = ("opportunities", "won", "revenue")
#: Attainment below this counts as a miss.
MISSED = 0.95


def _rel(comp: Comparison | None) -> float:
    return 0.0 if comp is None or comp.relative_change is None else comp.relative_change


def lead_volume_finding(ctx: AnalysisContext) -> list[Finding]:
    """Fewer new leads than in the baseline window, localised to a source when one explains it."""
    comp = ctx.stage_volume("lead")
    if comp is None:
        return []
    severity = severity_for(comp, -_rel(comp), MATERIAL["lead_volume"])
    if severity is None:
        return []
    segment = None
    evidence: dict[str, object] = {"leads": comp.to_dict()}
    if "lead_source" in ctx.data.dimensions:
        masks = ctx.in_windows(ctx.arrays.dates(CREATED_COLUMN))
        assert masks is not None
        codes, labels = ctx.dimension_codes("lead_source")
        base = np.bincount(codes[masks[0] & (codes >= 0)], minlength=len(labels))
        cur = np.bincount(codes[masks[1] & (codes >= 0)], minlength=len(labels))
        change = pd.Series(cur - base, index=labels, dtype="float64")
        total_drop = float(comp.baseline or 0) - float(comp.current or 0)
        worst = str(change.idxmin())
        if total_drop > 0 and -float(change[worst]) >= 0.6 * total_drop:
            segment = ("lead_source", worst)
        evidence["by_lead_source"] = {str(k): float(v) for k, v in change.items()}
    start = ctx.data.capabilities.funnel_start  # an opportunity-only export counts new opportunities
    if start != "lead":
        evidence["volume_of"] = start
    return [
        Finding(
            "lead_volume_decline",
            severity,
            words.lead_volume_decline("en", Change.of(comp), _windows(ctx), segment, volume_of=start),
            evidence,
            segment=segment,
        )
    ]


def _windows(ctx: AnalysisContext) -> tuple[str, str]:
    p = ctx.periods
    return (p.baseline.label if p.baseline else "?", p.current.label if p.current else "?")


def deal_size_finding(ctx: AnalysisContext) -> list[Finding]:
    """Smaller won deals (segment-adjusted test)."""
    comp = ctx.deal_size()
    if comp is None:
        return []
    adjusted = ctx.deal_size_adjusted_ratio
    # the effect is the estimate the test is about: the like-for-like (within-stratum) ratio. The
    # plain average of a window's few dozen won deals swings by +-30% with which segments happened
    # to close, so it neither vetoes nor makes a deal-size finding.
    effect = -_rel(comp) if adjusted is None else 1.0 - adjusted
    severity = severity_for(comp, effect, MATERIAL["deal_size"])
    if severity is None:
        return []
    return [
        Finding(
            "deal_size_drop",
            severity,
            words.deal_size_drop("en", Change.of(comp), adjusted, _windows(ctx)),
            {"deal_size": comp.to_dict(), "adjusted_ratio": adjusted},
            transition="opportunity_to_won",
        )
    ]


def cycle_finding(ctx: AnalysisContext) -> list[Finding]:
    """Deals take longer to close (fewer opportunities closed within the usual time)."""
    cycle = ctx.cycle()
    if cycle is None:
        return []
    comp, med0, med1, horizon = cycle
    severity = severity_for(comp, -_rel(comp), MATERIAL["cycle_time"])
    if severity is None or med1 <= med0:
        return []
    return [
        Finding(
            "cycle_time_increase",
            severity,
            words.cycle_time_increase("en", Change.of(comp), horizon, (med0, med1)),
            {
                "closed_in_time": comp.to_dict(),
                "horizon_days": horizon,
                "median_days_baseline": med0,
                "median_days_current_estimate": med1,
            },
            transition="opportunity_to_won",
        )
    ]


def churn_finding(ctx: AnalysisContext) -> list[Finding]:
    """Churn on the active customer base rose."""
    churn = ctx.churn()
    if churn is None:
        return []
    comp, active_amount = churn
    severity = severity_for(comp, _rel(comp), MATERIAL["churn"])
    if severity is None:
        return []
    lost = ((comp.current or 0) - (comp.baseline or 0)) * active_amount
    return [
        Finding(
            "churn_increase",
            severity,
            words.churn_increase("en", Change.of(comp), _windows(ctx), lost),
            {"churn": comp.to_dict(), "active_amount": active_amount},
            revenue_impact=lost,
        )
    ]


def _actual_in_window(ctx: AnalysisContext, metric: str, window: Window) -> float:
    arrays = ctx.arrays
    mask = stage_entries(arrays, TARGET_METRIC_STAGE[metric], window)
    if metric == "revenue":
        return float(arrays.amount_or_zero()[mask].sum()) if ctx.has_amounts else 0.0
    return float(np.count_nonzero(mask))


def kpi_green_finding(
    ctx: AnalysisContext, earlier: list[Finding], bridge: RevenueBridge | None = None
) -> list[Finding]:
    """Volume KPIs met (or grew) while revenue or win rate did not; names the low-quality slice.

    Revenue is the revenue bridge's (``tools.revenue.bridge``; the same windows), whose drivers go into
    the evidence: lead volume adding revenue while the conversion steps and the mix take it away.
    """
    window = ctx.periods.current
    if window is None:
        return []
    evidence: dict[str, object] = {}
    volume_green = revenue_short = False
    if ctx.targets is not None:
        attainment = {}
        for metric in (*VOLUME_METRICS, *DOWNSTREAM_METRICS):
            target = target_in_window(ctx.targets, metric, window)
            if target:
                attainment[metric] = _actual_in_window(ctx, metric, window) / target
        evidence["attainment"] = attainment
        volume = [attainment[m] for m in VOLUME_METRICS if m in attainment]
        volume_green = bool(volume) and min(volume) >= 1.0
        missed = [m for m in DOWNSTREAM_METRICS if m in attainment and attainment[m] < MISSED]
        revenue_short = bool(missed)
        evidence["missed"] = missed
    leads = ctx.stage_volume("lead")
    revenue = (bridge.baseline_revenue, bridge.current_revenue) if bridge is not None else ctx.won_revenue()
    if bridge is not None:
        evidence["revenue_bridge"] = [d.to_dict() for d in bridge.by_driver()]
    grew = leads is not None and leads.significant() and _rel(leads) >= MATERIAL["lead_volume"]
    flat = (
        revenue is not None
        and revenue[0] > 0
        and revenue[1] / revenue[0] - 1 < min(FLAT_REVENUE, _rel(leads) / 3)
    )
    if revenue is not None:
        evidence["won_revenue"] = {"baseline": revenue[0], "current": revenue[1]}
    if leads is not None:
        evidence["leads"] = leads.to_dict()
    slice_ = next((f for f in earlier if f.code == "lead_quality_decline" and f.segment is not None), None)
    if not ((volume_green and revenue_short) or (grew and flat and slice_ is not None)):
        return []
    drops = [
        f for f in earlier if f.code in ("conversion_drop", "lead_quality_decline") and f.severity != "low"
    ]
    if not drops:
        return []
    quality = None
    if slice_ is not None and slice_.segment is not None:
        ev = slice_.evidence
        quality = words.QualitySlice(slice_.segment, slice_.transition, ev.get("driver_rate", 0), ev.get("others_rate", 0))
    attained = evidence.get("attainment")
    missed_attainment = (
        {m: attained[m] for m in missed} if volume_green and revenue_short and isinstance(attained, dict) else None
    )
    revenue_change = revenue[1] / revenue[0] - 1 if revenue is not None and revenue[0] > 0 else None
    severity = "high" if slice_ is not None and (volume_green or grew) else "medium"
    return [
        Finding(
            "kpi_green_revenue_flat",
            severity,
            words.kpi_green_revenue_flat("en", targets_met=volume_green, lead_change=_rel(leads),
                                         attainment_missed=missed_attainment, revenue_change=revenue_change,
                                         quality_slice=quality),
            evidence,
            transition=slice_.transition if slice_ else drops[0].transition,
            segment=slice_.segment if slice_ else None,
        )
    ]


def value_findings(ctx: AnalysisContext, earlier: list[Finding], bridge: RevenueBridge | None = None) -> list[Finding]:
    """Volume, value, churn and KPI-green findings (coverage: ``tools.findings.revenue``)."""
    out = lead_volume_finding(ctx) + deal_size_finding(ctx) + cycle_finding(ctx) + churn_finding(ctx)
    out += kpi_green_finding(ctx, earlier, bridge)
    return out
