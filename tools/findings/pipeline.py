"""Pipeline findings: stalled open deals and the recycle pool worth re-nurturing."""

from __future__ import annotations

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.findings.model import Finding
from tools.recycle import RECYCLE_MIN_AGE_DAYS, recycle_pool

#: Share of open pipeline (by amount, else count) stalled beyond which the finding is "medium".
STALLED_MEDIUM_SHARE = 0.3


def stalled_finding(ctx: AnalysisContext) -> list[Finding]:
    """Open deals older than the 90th-percentile won cycle (of their segment when it has enough wins)."""
    aging = ctx.aging
    if aging.stalled_deals == 0 or aging.stall_threshold_days is None:
        return []
    share = (
        (aging.stalled_amount / aging.open_amount)
        if aging.open_amount
        else aging.stalled_deals / max(aging.open_deals, 1)
    )
    severity = "medium" if share >= STALLED_MEDIUM_SHARE and aging.stalled_deals >= 10 else "low"
    return [
        Finding(
            "stalled_pipeline",
            severity,
            f"{aging.stalled_deals} of {aging.open_deals} open deals ({share:.0%} of open pipeline) have been "
            f"open longer than {_thresholds(aging.stall_threshold_days, aging.stall_threshold_by_segment)}, "
            "the 90th percentile of won cycles; "
            "close them out or re-qualify them so the pipeline and forecast stay honest.",
            {**aging.to_dict(), "stalled_share": share},
            transition="opportunity_to_won",
        )
    ]


def _thresholds(overall: float, by_segment: dict[str, float]) -> str:
    if not by_segment:
        return f"{overall:.0f} days"
    parts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(by_segment.items(), key=lambda kv: kv[1]))
    return f"their segment's usual cycle ({parts} days)"


def recycle_finding(ctx: AnalysisContext) -> list[Finding]:
    """Lost deals and old unconverted MQLs: the pool to re-nurture."""
    pool = recycle_pool(ctx.arrays, ctx.as_of)
    n_lost, n_mql = int(np.count_nonzero(pool.lost)), int(np.count_nonzero(pool.unconverted_mqls))
    if n_lost + n_mql == 0:
        return []
    lost_amount = float(ctx.arrays.amount_or_zero()[pool.lost].sum()) if ctx.has_amounts else None
    evidence = {
        "lost_deals": n_lost,
        "lost_amount": lost_amount,
        "unconverted_mqls": n_mql,
        "min_age_days": RECYCLE_MIN_AGE_DAYS,
    }
    amount = f" worth {lost_amount:,.0f}" if lost_amount else ""
    return [
        Finding(
            "recycle_opportunity",
            "info",
            f"Recycle pool: {n_lost} lost deals{amount} and {n_mql} MQLs older than {RECYCLE_MIN_AGE_DAYS} days "
            "that never became SQL; most buyers purchase later, so route them back to nurturing.",
            evidence,
        )
    ]


def pipeline_findings(ctx: AnalysisContext) -> list[Finding]:
    """Stalled pipeline and recycle pool."""
    return stalled_finding(ctx) + recycle_finding(ctx)
