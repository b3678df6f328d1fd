"""Honest comparison windows: grain, current vs baseline, and cohort maturity.

Recent leads have not had time to convert. A cohort (records grouped by the date they entered a
stage) is *mature* for a transition once more time has passed since the end of its period than
the ``MATURITY_QUANTILE`` of the observed lag for that transition. Conversion is then measured as
"converted within that lag", the same for current and baseline, so a young cohort is never
mistaken for a drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tools.columns import NAT, elapsed, to_ns
from tools.schema import CREATED_COLUMN, DATE_COLUMNS

Grain = Literal["month", "quarter"]
GRAINS: tuple[str, ...] = ("month", "quarter")

#: Share of conversions that must have happened before a cohort counts as mature.
MATURITY_QUANTILE = 0.9
#: Data spanning at least this many days is compared in quarter-long windows, shorter data by month.
QUARTER_GRAIN_MIN_SPAN_DAYS = 180
ONE_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """One calendar period ``[start, end)``."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    def mask(self, ns: np.ndarray) -> np.ndarray:
        """Boolean array of int64-ns dates (``tools.columns``) inside the window (NaT is outside)."""
        return (ns >= self.start.value) & (ns < self.end.value)

    @property
    def days(self) -> int:
        return int((self.end - self.start) / ONE_DAY)

    def to_dict(self) -> dict[str, str]:
        return {
            "label": self.label,
            "start": self.start.date().isoformat(),
            "end": (self.end - ONE_DAY).date().isoformat(),
        }


@dataclass(frozen=True)
class Periods:
    """The grain and the two windows every volume comparison uses."""

    grain: Grain
    as_of: pd.Timestamp
    current: Window | None
    baseline: Window | None

    def to_dict(self) -> dict[str, object]:
        return {
            "grain": self.grain,
            "current": self.current.label if self.current else None,
            "baseline": self.baseline.label if self.baseline else None,
            "current_window": self.current.to_dict() if self.current else None,
            "baseline_window": self.baseline.to_dict() if self.baseline else None,
        }


def infer_as_of(frame: pd.DataFrame) -> pd.Timestamp:
    """The latest date anywhere in the data (the export date, as far as we can tell)."""
    # int64 ns: a missing date (NaT) is the smallest value, so a plain max skips it
    latest = max((int(to_ns(frame[c]).max()) for c in DATE_COLUMNS if c in frame and len(frame)), default=NAT)
    if latest == NAT:
        return pd.Timestamp.today().normalize()
    return pd.Timestamp(latest).normalize()


def choose_grain(frame: pd.DataFrame, as_of: pd.Timestamp) -> Grain:
    """Quarter-long windows once there are six months of data (enough deals per window)."""
    first = frame[CREATED_COLUMN].min()
    if pd.isna(first):
        return "month"
    span_days = (as_of - first) / ONE_DAY
    return "quarter" if span_days >= QUARTER_GRAIN_MIN_SPAN_DAYS else "month"


def window_months(grain: Grain) -> int:
    """Calendar months in one comparison window."""
    return 1 if grain == "month" else 3


def month_start(ts: pd.Timestamp) -> pd.Timestamp:
    """First day of the month containing ``ts``."""
    return pd.Timestamp(year=ts.year, month=ts.month, day=1)


def make_window(start: pd.Timestamp, months: int) -> Window:
    """A window of ``months`` whole months from ``start``, labelled ``YYYY-MM``, ``YYYY-Qn`` or a range."""
    end = start + pd.DateOffset(months=months)
    if months == 12 and start.month == 1:
        label = f"{start.year:04d}"
    elif months == 1:
        label = f"{start.year:04d}-{start.month:02d}"
    elif months == 3 and start.month % 3 == 1:
        label = f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    else:
        last = end - pd.DateOffset(months=1)
        label = f"{start.year:04d}-{start.month:02d}..{last.year:04d}-{last.month:02d}"
    return Window(label, start, end)


def latest_mature_windows(
    as_of: pd.Timestamp,
    grain: Grain,
    lag_days: float = 0.0,
    first_date: pd.Timestamp | None = None,
    *,
    wide_baseline: bool = False,
) -> tuple[Window, Window | None]:
    """(current, baseline) windows of whole months.

    The current window ends at the last month end that leaves ``lag_days`` for its cohorts to
    mature before ``as_of``. The baseline is the same window one year earlier when the data
    reaches back that far (seasonality-neutral), otherwise the window right before; ``None``
    when the data does not reach the baseline either. With ``wide_baseline`` (for rates, whose
    baseline needs samples more than seasonality matching) the baseline is the twelve months
    ending with that year-ago window, when the data covers them.
    """
    months = window_months(grain)
    horizon = as_of + ONE_DAY - pd.Timedelta(days=float(lag_days))
    end = month_start(horizon)  # months ending on or before the horizon are complete
    current = make_window(end - pd.DateOffset(months=months), months)
    year_ago = make_window(current.start - pd.DateOffset(months=12), months)
    previous = make_window(current.start - pd.DateOffset(months=months), months)
    if first_date is None or pd.isna(first_date):
        return current, year_ago
    first_month = month_start(pd.Timestamp(first_date))
    if wide_baseline:
        wide_start = year_ago.end - pd.DateOffset(months=12)
        if wide_start >= first_month:
            return current, make_window(wide_start, 12)
    if year_ago.start >= first_month:
        return current, year_ago
    if previous.start >= first_month:
        return current, previous
    return current, None


def choose_periods(
    frame: pd.DataFrame, *, as_of: pd.Timestamp | None = None, grain: Grain | None = None
) -> Periods:
    """Pick the grain and the current/baseline windows for volume (event) comparisons."""
    as_of = infer_as_of(frame) if as_of is None else pd.Timestamp(as_of).normalize()
    grain = choose_grain(frame, as_of) if grain is None else grain
    first = frame[CREATED_COLUMN].min()
    if pd.isna(first):
        return Periods(grain, as_of, None, None)
    current, baseline = latest_mature_windows(as_of, grain, 0.0, first)
    return Periods(grain, as_of, current, baseline)


def period_codes(dates: pd.Series, grain: Grain) -> pd.Series:
    """Integer calendar-period index per date (vectorised; NaT -> -1)."""
    year = dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    month = dates.dt.month.to_numpy(dtype="float64", na_value=np.nan)
    code = year * 12 + month - 1 if grain == "month" else year * 4 + (month - 1) // 3
    return pd.Series(np.where(np.isnan(code), -1, code).astype("int64"), index=dates.index)


def code_label(code: int, grain: Grain) -> str:
    """``YYYY-MM`` or ``YYYY-Qn`` for an integer code from ``period_codes``."""
    if grain == "month":
        return f"{code // 12:04d}-{code % 12 + 1:02d}"
    return f"{code // 4:04d}-Q{code % 4 + 1}"


def code_window(code: int, grain: Grain) -> Window:
    """The calendar period (month or quarter) of an integer code from ``period_codes``."""
    if grain == "month":
        start = pd.Timestamp(year=code // 12, month=code % 12 + 1, day=1)
        return Window(code_label(code, grain), start, start + pd.DateOffset(months=1))
    start = pd.Timestamp(year=code // 4, month=3 * (code % 4) + 1, day=1)
    return Window(code_label(code, grain), start, start + pd.DateOffset(months=3))


def maturity_lag_days(from_dates: pd.Series | np.ndarray, to_dates: pd.Series | np.ndarray) -> float:
    """The ``MATURITY_QUANTILE`` of observed lags (0 when nothing converted with both dates)."""
    return maturity_lag(elapsed(to_ns(from_dates), to_ns(to_dates)))


def maturity_lag(lags: np.ndarray) -> float:
    """``maturity_lag_days`` from already measured lags in days (NaN and negative ones ignored)."""
    lags = lags[lags >= 0]
    if not len(lags):
        return 0.0
    return float(np.ceil(np.quantile(lags, MATURITY_QUANTILE)))
