"""Numpy views of a canonical frame for the diagnosis hot paths, computed once per run.

A diagnosis asks the same questions of a million-row frame dozens of times ("when did each
record enter the opportunity stage?", "which rows are won?"). ``FrameArrays`` answers each once
and keeps the answer as a plain numpy array, so the detectors do integer arithmetic instead of
repeated pandas datetime operations.

Dates are ``int64`` nanoseconds since the epoch with ``NAT`` (the smallest int64, numpy's own
encoding of NaT) for missing values: a missing date compares below every window start, so window
masks need no separate null check, and lags are exact integer differences.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from tools.schema import (
    AMOUNT_COLUMN,
    CREATED_COLUMN,
    LOST_FLAG,
    REACHED_COLUMNS,
    STAGE_DATE_COLUMNS,
    STAGES,
)

#: Missing date (numpy's NaT as int64).
NAT = np.iinfo(np.int64).min
DAY_NS = 86_400 * 10**9
HOUR_NS = 3_600 * 10**9


def to_ns(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as int64 nanoseconds (``NAT`` where missing); zero-copy for ``datetime64[ns]``."""
    if isinstance(dates, np.ndarray) and dates.dtype == np.int64:
        return dates
    if isinstance(dates, pd.Series):
        return dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return np.asarray(dates, dtype="datetime64[ns]").view(np.int64)


def fill_missing(dates: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """``dates`` with missing values taken from ``fallback``."""
    return np.where(dates == NAT, fallback, dates)


def elapsed(start: np.ndarray, end: np.ndarray, unit_ns: int = DAY_NS) -> np.ndarray:
    """``end - start`` in ``unit_ns`` units as float64; NaN where either date is missing."""
    with np.errstate(over="ignore"):
        delta = (end - start) / unit_ns
    return np.where((start == NAT) | (end == NAT), np.nan, delta)


class FrameArrays:
    """Cached numpy columns of one canonical frame (the frame must not change afterwards)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cache: dict[tuple[str, ...], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def memo(self, key: tuple[str, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        """The array ``make()`` returns, computed on the first call for ``key`` (read-only)."""
        if key not in self._cache:
            array = make()
            array.flags.writeable = False  # shared by every detector: nobody may change it in place
            self._cache[key] = array
        return self._cache[key]

    def dates(self, column: str) -> np.ndarray:
        """A date column as int64 ns (all ``NAT`` when the column is absent)."""
        def make() -> np.ndarray:
            if column not in self.frame:
                return np.full(len(self.frame), NAT, dtype=np.int64)
            return to_ns(self.frame[column])

        return self.memo(("dates", column), make)

    def has(self, column: str) -> bool:
        return column in self.frame

    def stage(self, stage: str, fallback: str = "earlier", rows: np.ndarray | None = None) -> np.ndarray:
        """The date a record reached ``stage``.

        When the stage has no date, ``fallback="earlier"`` uses the creation date (conservative for
        cohort entry) and ``fallback="later"`` the first later stage date (for conversion timing).
        With ``rows`` (positions), only those records, computed afresh (not cached).
        """
        def make() -> np.ndarray:
            own = STAGE_DATE_COLUMNS[stage]
            dates = self.dates(own) if rows is None else self.dates(own)[rows]
            if fallback == "earlier":
                if own == CREATED_COLUMN:
                    return dates  # the lead stage's date is the creation date itself
                sources = [CREATED_COLUMN]
            else:
                sources = [STAGE_DATE_COLUMNS[s] for s in STAGES[STAGES.index(stage) + 1 :]]
            return self._fill_gaps(dates, [s for s in sources if s in self.frame], rows)

        if rows is not None:
            if len(rows) * 2 > len(self.frame):
                # most rows: fill the whole column once (cached), then pick; cheaper than a fancy
                # index per fallback column, and the same values
                return self.stage(stage, fallback)[rows]
            return make()
        return self.memo(("stage", stage, fallback), make)

    def between(self, start: str, end: str, unit_ns: int = DAY_NS) -> np.ndarray:
        """Time from date column ``start`` to ``end`` in ``unit_ns`` units (NaN where either is missing)."""
        return self.memo(
            ("between", start, end, str(unit_ns)), lambda: elapsed(self.dates(start), self.dates(end), unit_ns)
        )

    def _fill_gaps(self, dates: np.ndarray, sources: list[str], rows: np.ndarray | None) -> np.ndarray:
        """``dates`` with each missing value taken from the first of ``sources`` that has one.

        Gaps are usually few: they are found once and only they are looked up in the sources
        (when most values are gaps, whole columns are merged instead).
        """
        missing = dates == NAT
        if len(dates) and np.count_nonzero(missing) > len(dates) // 4:
            for source in sources:
                column = self.dates(source)
                dates = fill_missing(dates, column if rows is None else column[rows])
            return dates
        gaps = np.flatnonzero(missing)
        if not len(gaps) or not sources:
            return dates
        dates = dates.copy()
        for source in sources:
            values = self.dates(source)[gaps if rows is None else rows[gaps]]
            found = values != NAT
            dates[gaps[found]] = values[found]
            gaps = gaps[~found]
            if not len(gaps):
                break
        return dates

    def closed(self) -> np.ndarray:
        """Won date, else lost date."""
        return self.memo(("closed",), lambda: self._fill_gaps(self.dates("won_date"), ["lost_date"], None))

    def reached(self, stage: str) -> np.ndarray:
        """Records that reached ``stage`` (bool)."""
        return self.memo(("reached", stage), lambda: self.frame[REACHED_COLUMNS[stage]].to_numpy(dtype=bool))

    def lost(self) -> np.ndarray:
        """Closed-lost deals (bool)."""
        return self.memo(("lost",), lambda: self.frame[LOST_FLAG].to_numpy(dtype=bool))

    def amount(self) -> np.ndarray:
        """Deal amount as float64 (NaN where missing or absent)."""
        def make() -> np.ndarray:
            if AMOUNT_COLUMN not in self.frame:
                return np.full(len(self.frame), np.nan)
            return self.frame[AMOUNT_COLUMN].to_numpy(dtype="float64", na_value=np.nan)

        return self.memo(("amount",), make)

    def amount_or_zero(self) -> np.ndarray:
        """Deal amount with missing amounts as 0 (for sums)."""
        return self.memo(("amount0",), lambda: np.where(np.isnan(self.amount()), 0.0, self.amount()))
