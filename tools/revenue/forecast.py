"""The quarter forecast (SPEC §9.2): will we hit the quarter?

At the analysis date (the *cut*) the quarter's won revenue will be::

    closed so far
    + Σ open deal amount × P(won by the quarter end | open at the cut, its age, its segment)
    + the run rate of deals opened after the cut and won inside the quarter

The probabilities come from the data's own history: at reference days every ``SPACING_DAYS``
over the last two years, which deals were open, how old they were, and whether they were won
within the time the quarter has left. The export holds each deal's current phase only, not its
phase history, so history is conditioned on age (``AGE_EDGES``) and segment; a thin cell is shrunk
towards the neighbouring ages of its segment. When the history as a whole is thin (fewer than
``MIN_REFERENCES`` reference days, ``MIN_AT_RISK`` deals or ``MIN_WINS`` wins), the playbook's
phase probabilities (0/25/30/50/75%) price the open deals instead. The run rate is the mean, over
the last year's reference days, of the revenue from deals opened after the reference day and won
within the same time.

The 80% interval is normal: open deals win or lose independently (``a²·p·(1−p)``), each cell's
probability carries its estimation error, and the run rate is a compound Poisson sum.
``backtest`` replays the same method at the same day of every earlier quarter that has history
before it and reports how often the interval held the actual revenue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tools.periods import ONE_DAY, Window

#: Age buckets (days open at the cut) the history is measured in.
AGE_EDGES = np.array([0, 15, 30, 60, 90, 120, 180, 270, 365])
#: Reference days are this far apart, over at most ``REFERENCE_DAYS`` before the cut ...
SPACING_DAYS = 30
REFERENCE_DAYS = 730
#: ... the run rate is measured over the last ``RUN_RATE_DAYS`` of them ...
RUN_RATE_DAYS = 365
#: ... and history is thin below these: reference days, deals at risk in a cell, open deals
#: that went on to win (a history in which nothing open was ever won says nothing about odds).
MIN_REFERENCES = 6
MIN_AT_RISK = 20
MIN_WINS = 10
#: z of the two-sided 80% interval.
Z80 = 1.2816
SEGMENT_DIMENSION = "segment"
MAX_SEGMENTS = 12


@dataclass(frozen=True)
class BacktestQuarter:
    """One replayed quarter: what the method said at the same day, and what happened."""

    period: str
    expected: float
    low: float
    high: float
    actual: float

    @property
    def hit(self) -> bool:
        return self.low <= self.actual <= self.high


@dataclass(frozen=True)
class ForecastBacktest:
    """How often the 80% interval held the actual revenue on the data's own past quarters."""

    quarters: list[BacktestQuarter]

    @property
    def periods(self) -> int:
        return len(self.quarters)

    @property
    def interval_hit_rate(self) -> float | None:
        return sum(q.hit for q in self.quarters) / len(self.quarters) if self.quarters else None

    @property
    def mean_absolute_error(self) -> float | None:
        """Mean |expected − actual| / actual over the replayed quarters with revenue."""
        errors = [abs(q.expected - q.actual) / q.actual for q in self.quarters if q.actual > 0]
        return sum(errors) / len(errors) if errors else None

    def to_dict(self) -> dict[str, Any]:
        rate, mae = self.interval_hit_rate, self.mean_absolute_error
        return {
            "periods": self.periods,
            "interval_hit_rate": None if rate is None else round(rate, 4),
            "mean_absolute_error": None if mae is None else round(mae, 4),
            "quarters": [
                {"period": q.period, "expected": round(q.expected, 2), "low": round(q.low, 2),
                 "high": round(q.high, 2), "actual": round(q.actual, 2), "hit": q.hit}
                for q in self.quarters
            ],
        }


@dataclass(frozen=True)
class Forecast:
    """The quarter's won revenue: closed so far, expected, an 80% interval, and the target."""

    period: str
    window: Window
    cut: pd.Timestamp  # the first instant after the analysis date
    closed: float
    from_pipeline: float
    run_rate: float
    low: float
    high: float
    open_deals: int
    open_pipeline: float
    method: str
    target: float | None = None
    backtest: ForecastBacktest | None = None
    #: open deals priced with the playbook phase probabilities (thin history)
    phase_priced_deals: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def expected(self) -> float:
        return self.closed + self.from_pipeline + self.run_rate

    @property
    def gap(self) -> float | None:
        """Target minus expected revenue (positive: short of target)."""
        return None if self.target is None else self.target - self.expected

    @property
    def remaining(self) -> float | None:
        """Revenue still to win to reach the target."""
        return None if self.target is None else max(self.target - self.closed, 0.0)

    @property
    def coverage(self) -> float | None:
        """Open pipeline over the revenue still to win (the usual floor is 3×)."""
        remaining = self.remaining
        return self.open_pipeline / remaining if remaining else None

    def to_dict(self) -> dict[str, Any]:
        def money(v: float | None) -> float | None:
            return None if v is None else round(v, 2)

        return {
            "period": self.period,
            "closed": money(self.closed),
            "expected": money(self.expected),
            "low": money(self.low),
            "high": money(self.high),
            "target": money(self.target),
            "gap": money(self.gap),
            "coverage": None if self.coverage is None else round(self.coverage, 4),
            "method": self.method,
            "backtest": None if self.backtest is None else self.backtest.to_dict(),
            "from_pipeline": money(self.from_pipeline),
            "run_rate": money(self.run_rate),
            "open_deals": self.open_deals,
            "open_pipeline": money(self.open_pipeline),
            "remaining": money(self.remaining),
            "as_of": (self.cut - ONE_DAY).date().isoformat(),
            "window": self.window.to_dict(),
            "phase_priced_deals": self.phase_priced_deals,
            "notes": list(self.notes),
        }
