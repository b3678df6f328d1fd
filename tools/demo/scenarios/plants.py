"""The planted causes: what each one changes in the recent window, and the truth it implies.

A plant is a handful of multipliers on the baseline business (``tools.demo.scenarios.profile``). It
acts from the first day of the recent window (``recent_months``, default the last 6 calendar
months up to ``as_of``) on whatever enters the stage it changes from then on: leads created
(volume, source mix, the giveaway source), MQLs (follow-up time), SQLs (meeting quality),
opportunities opened (enterprise win rate, deal size, cycle time), churn events (churn rate).
Everything before the window is untouched, so a direct before/after comparison on mature cohorts
shows the planted change and nothing else. Magnitudes: see ``tools.demo.scenarios`` (package docstring).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, get_args

import numpy as np

import tools.demo.scenarios.profile as p
from tools.schema import FINDING_CODES, LEVERS

PlantedCause = Literal[
    "kpi_green_revenue_flat",
    "slow_follow_up",
    "segment_win_rate_drop",
    "churn_increase",
    "lead_volume_decline",
    "deal_size_drop",
    "cycle_time_increase",
    "meeting_quality_drop",
    "mix_shift",
    "enterprise_win_collapse",
    "segment_mix_shift",
    "healthy",
]
PLANTED_CAUSES: tuple[str, ...] = get_args(PlantedCause)


@dataclass(frozen=True)
class Truth:
    """What the diagnosis should find for a planted cause (``None`` fields for the healthy control)."""

    cause: str
    lever: str | None
    finding: str | None
    segment: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "cause": self.cause,
            "lever": self.lever,
            "finding": self.finding,
            "segment": {"dimension": self.segment[0], "value": self.segment[1]} if self.segment else None,
        }


@dataclass(frozen=True)
class Plant:
    """Multipliers applied to the recent window (1.0 / baseline values = no change)."""

    monthly_growth: float = p.HEALTHY_MONTHLY_GROWTH
    lead_volume_factor: float = 1.0
    #: extra Giveaway Campaign leads per month, as a share of the baseline lead volume
    giveaway_ratio: float = 0.0
    #: source shares for recent cohorts (None = baseline shares)
    recent_source_share: tuple[float, ...] | None = None
    #: segment shares (SMB, Mid-Market, Enterprise) for recent leads, whatever their source
    #: (None = the baseline P(segment | source))
    recent_segment_share: tuple[float, float, float] | None = None
    follow_up_median_days: float = p.FOLLOW_UP_MEDIAN_DAYS
    sql_to_opp_factor: float = 1.0
    enterprise_win_factor: float = 1.0
    acv_factor: float = 1.0
    cycle_factor: float = 1.0
    monthly_churn: float = p.MONTHLY_CHURN
    #: targets for recent months = plan x this (the stretch plan of the KPI-green story)
    plan_uplift: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _mix_shift_share() -> tuple[float, ...]:
    """Paid Search grows from 22% to 55% of leads; the other sources shrink proportionally."""
    share = p.SOURCE_SHARE.copy()
    others = np.arange(len(share)) != p.PAID_SEARCH
    share[others] *= (1.0 - 0.55) / share[others].sum()
    share[p.PAID_SEARCH] = 0.55
    return tuple(float(s) for s in share)


PLANTS: dict[str, Plant] = {
    # flat core business; +50% extra leads from a giveaway that converts to MQL/SQL like the rest
    # but SQL->opp 14% (vs ~58%) and win 12%; volume targets (plan x1.2) met, revenue not
    "kpi_green_revenue_flat": Plant(monthly_growth=0.0, giveaway_ratio=0.5, plan_uplift=1.2),
    "slow_follow_up": Plant(follow_up_median_days=3.0),
    "segment_win_rate_drop": Plant(enterprise_win_factor=0.4),
    "churn_increase": Plant(monthly_churn=0.035),
    "lead_volume_decline": Plant(lead_volume_factor=0.65),
    "deal_size_drop": Plant(acv_factor=0.70),
    "cycle_time_increase": Plant(cycle_factor=2.0),
    "meeting_quality_drop": Plant(sql_to_opp_factor=0.55),
    "mix_shift": Plant(recent_source_share=_mix_shift_share()),
    # the value-heavy segment stops winning: Enterprise ~21% -> ~3.4%; counts barely move overall
    "enterprise_win_collapse": Plant(enterprise_win_factor=0.16),
    # Enterprise 20% -> 3% of new leads, SMB 50% -> 67% (Mid-Market stays at 30%); every
    # within-segment rate unchanged
    "segment_mix_shift": Plant(recent_segment_share=(0.67, 0.30, 0.03)),
    "healthy": Plant(),
}
NEUTRAL = Plant()

TRUTHS: dict[str, Truth] = {
    "kpi_green_revenue_flat": Truth(
        "kpi_green_revenue_flat",
        "sql_to_opportunity",
        "kpi_green_revenue_flat",
        ("lead_source", "Giveaway Campaign"),
    ),
    "slow_follow_up": Truth("slow_follow_up", "mql_to_sql", "slow_follow_up"),
    "segment_win_rate_drop": Truth(
        "segment_win_rate_drop", "opportunity_to_won", "conversion_drop", ("segment", "Enterprise")
    ),
    "churn_increase": Truth("churn_increase", "retention", "churn_increase"),
    "lead_volume_decline": Truth("lead_volume_decline", "lead_volume", "lead_volume_decline"),
    "deal_size_drop": Truth("deal_size_drop", "deal_size", "deal_size_drop"),
    "cycle_time_increase": Truth("cycle_time_increase", "cycle_time", "cycle_time_increase"),
    "meeting_quality_drop": Truth("meeting_quality_drop", "sql_to_opportunity", "conversion_drop"),
    "mix_shift": Truth("mix_shift", "mql_to_sql", "mix_shift", ("lead_source", "Paid Search")),
    "enterprise_win_collapse": Truth(
        "enterprise_win_collapse", "opportunity_to_won", "conversion_drop", ("segment", "Enterprise")
    ),
    "segment_mix_shift": Truth("segment_mix_shift", None, "revenue_decline", ("segment", "Enterprise")),
    "healthy": Truth("healthy", None, None),
}

assert set(PLANTS) == set(PLANTED_CAUSES) == set(TRUTHS)
assert all(t.lever is None or t.lever in LEVERS for t in TRUTHS.values())
assert all(t.finding is None or t.finding in FINDING_CODES for t in TRUTHS.values())
