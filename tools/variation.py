"""Is a revenue change material? Judged against the revenue's own month-to-month variation.

Won revenue is lumpy: a few large deals swing a month by tens of percent, so a 25% fall between
two quarters can be ordinary. The yardstick is the data's own history: the standard deviation of
month-on-month changes of monthly won revenue before the current window. If months vary
independently by ``σ`` around their level, a change between two windows of ``k`` months has a
standard deviation of ``σ·√(2k)``, and ``σ`` is the month-on-month standard deviation over √2.
Trend and seasonality only inflate that yardstick, so the test errs towards calling a change
ordinary. The months at the start of the history, before revenue has ramped up (deals opened
before the export began are not in it), are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.columns import NAT
from tools.stats import two_sided_p

#: A change is material beyond this many standard deviations of its month-to-month variation ...
MATERIAL_Z = 3.0
#: ... and beyond this relative size.
MATERIAL_RELATIVE = 0.10
#: A change beyond this many standard deviations is worth a hint ("low"), not an alarm.
NOTABLE_Z = 2.0
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
    z: float
    p_value: float

    @property
    def material(self) -> bool:
        return abs(self.z) >= MATERIAL_Z

    @property
    def notable(self) -> bool:
        return abs(self.z) >= NOTABLE_Z

    def to_dict(self) -> dict[str, object]:
        return {
            "months": self.months,
            "monthly_sd": round(self.monthly_sd, 2),
            "change_sd": round(self.change_sd, 2),
            "z": round(self.z, 3),
            "p_value": round(self.p_value, 6),
            "material": self.material,
            "material_z": MATERIAL_Z,
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


def revenue_variation(ctx: AnalysisContext, baseline: float, current: float) -> RevenueVariation | None:
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
    return RevenueVariation(len(revenue), monthly_sd, change_sd, z, two_sided_p(z))
