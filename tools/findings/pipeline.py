"""Pipeline findings: stalled open deals and the recycle pool worth re-nurturing."""

from __future__ import annotations

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.findings.model import Finding
from tools.recycle import RECYCLE_MIN_AGE_DAYS, recycle_pool
from tools.wording import findings as words

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
            words.stalled_pipeline("en", aging.stalled_deals, aging.open_deals, share, aging.stall_threshold_days,
                                   aging.stall_threshold_by_segment),
            {**aging.to_dict(), "stalled_share": share},
            transition="opportunity_to_won",
        )
    ]


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
    return [
        Finding(
            "recycle_opportunity",
            "info",
            words.recycle_opportunity("en", n_lost, lost_amount, n_mql, RECYCLE_MIN_AGE_DAYS),
            evidence,
        )
    ]


def pipeline_findings(ctx: AnalysisContext) -> list[Finding]:
    """Stalled pipeline and recycle pool."""
    return stalled_finding(ctx) + recycle_finding(ctx)
