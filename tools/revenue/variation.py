"""Is a revenue change material? Judged against the revenue's own month-to-month variation.

Won revenue is lumpy: a few large deals swing a month by tens of percent, so a 25% fall between
two quarters can be ordinary. The yardstick is the data's own history: the standard deviation of
month-on-month changes of monthly won revenue before the current window. If months vary
independently by ``σ`` around their level, a change between two windows of ``k`` months has a
standard deviation of ``σ·√(2k)``, and ``σ`` is the month-on-month standard deviation over √2.
Trend and seasonality only inflate that yardstick, so the test errs towards calling a change
ordinary; a change of level inside the history moves a single month-on-month difference, so it
hardly does. The months at the start of the history, before revenue has ramped up (deals opened
before the export began are not in it), are left out.

The yardstick is itself estimated from a couple of dozen months, so the z statistic is read as a
Student t with that many degrees of freedom (Wallace's normal approximation of t): a 3.4 standard
deviation fall measured against 24 months is p ≈ 0.003, not 0.0007. A change is *material* when
it would be a medium finding: significant family-wise over the diagnosis's primary comparisons
(``tools.findings.model``), at least ``MATERIAL_RELATIVE``, on at least ``MIN_N`` won deals in each
window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.columns import NAT
from tools.findings.model import MEDIUM_ALPHA, PRIMARY_TESTS
from tools.stats import MIN_N, two_sided_p

#: A material change is at least this large (relative) ...
MATERIAL_RELATIVE = 0.10
#: ... and a change notable enough for a hint ("low") has p below this (on its own).
NOTABLE_P = 0.05
#: Months of history needed to measure the variation.
MIN_MONTHS = 7
#: The history starts at the first month with at least this share of the median month's revenue.
RAMP_SHARE = 0.5


@dataclass(frozen=True)
class RevenueVariation:
    """The change of won revenue between the windows against its month-to-month variation."""

    months: int  # months of history measured
    monthly_sd: float  # standard deviation of one month's revenue around its level
    change_sd: float  # standard deviation of the change between two windows of this length
    z: float  # change / change_sd
    p_value: float  # two-sided, t with months - 2 degrees of freedom
    relative_change: float | None
    won_deals: int  # deals won in the smaller of the two windows

    @property
    def material(self) -> bool:
        """Beyond the month-to-month variation as a medium finding would be (see the module docstring)."""
        return (
            self.p_value * PRIMARY_TESTS < MEDIUM_ALPHA
            and abs(self.relative_change or 0.0) >= MATERIAL_RELATIVE
            and self.won_deals >= MIN_N
        )

    @property
    def notable(self) -> bool:
        return self.p_value < NOTABLE_P and abs(self.relative_change or 0.0) >= MATERIAL_RELATIVE

    def to_dict(self) -> dict[str, object]:
        return {
            "months": self.months,
            "monthly_sd": round(self.monthly_sd, 2),
            "change_sd": round(self.change_sd, 2),
            "z": round(self.z, 3),
            "p_value": round(self.p_value, 6),
            "material": self.material,
            "won_deals": self.won_deals,
        }


def monthly_won_revenue(ctx: AnalysisContext) -> tuple[np.ndarray, np.ndarray]:
    """(month codes ``year*12 + month-1``, won revenue per month), months without wins included."""
    arrays = ctx.arrays
    won = arrays.reached("won") & (arrays.dates("won_date") != NAT)
    dates = arrays.dates("won_date")[won].view("datetime64[ns]")
    if not len(dates):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    months = dates.astype("datetime64[M]").astype(np.int64)
    first = int(months.min())
    revenue = np.bincount(months - first, weights=arrays.amount_or_zero()[won])
    return np.arange(first, first + len(revenue)), revenue


def t_to_z(t: float, df: int) -> float:
    """The normal deviate with the tail probability of Student's ``t`` (Wallace's approximation)."""
    if df <= 0 or math.isinf(t):
        return t
    return t * (1.0 - 1.0 / (4.0 * df)) / math.sqrt(1.0 + t * t / (2.0 * df))


def revenue_variation(
    ctx: AnalysisContext, baseline: float, current: float, won_deals: int = 0
) -> RevenueVariation | None:
    """``current − baseline`` against the month-to-month variation before the current window."""
    wins = ctx.windows()
    if wins is None:
        return None
    months, revenue = monthly_won_revenue(ctx)
    window_start = np.datetime64(wins[1].start.to_datetime64(), "M").astype(np.int64)
    before = months < window_start
    months, revenue = months[before], revenue[before]
    if len(revenue) < MIN_MONTHS:
        return None
    ramped = np.flatnonzero(revenue >= RAMP_SHARE * float(np.median(revenue)))
    revenue = revenue[ramped[0] :] if len(ramped) else revenue
    if len(revenue) < MIN_MONTHS:
        return None
    monthly_sd = float(np.std(np.diff(revenue), ddof=1)) / math.sqrt(2.0)
    k = round(wins[1].days / 30.4)
    change_sd = monthly_sd * math.sqrt(2.0 * max(k, 1))
    change = current - baseline
    z = change / change_sd if change_sd > 0 else (0.0 if change == 0 else math.copysign(math.inf, change))
    p_value = two_sided_p(t_to_z(z, len(revenue) - 2))
    relative = change / baseline if baseline else None
    return RevenueVariation(len(revenue), monthly_sd, change_sd, z, p_value, relative, won_deals)
