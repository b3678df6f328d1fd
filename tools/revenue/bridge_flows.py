"""The flows behind a window's won revenue, per segment and lead source, for ``tools.revenue.bridge``.

Each upstream flow (new leads, MQLs, SQLs, opportunities) is counted in the revenue window shifted
back by the segment's median time from that stage to a win, measured on its won deals; wins and
won amounts are counted in the window itself. Every window is whole days, so the flows are
counted once per day and key and any shifted window is a difference of two cumulative counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.columns import DAY_NS, elapsed
from tools.funnel import MISSING_LABEL
from tools.periods import ONE_DAY, Window
from tools.schema import CREATED_COLUMN

#: Segmenting dimension of the chain and the mix dimension inside it.
SEGMENT_DIMENSION = "segment"
SOURCE_DIMENSION = "lead_source"
#: More values than this and the dimension is not used (a free-text column, not a segment).
MAX_SEGMENTS = 12
MAX_SOURCES = 30
#: A segment's lags are its own when it has at least this many won deals with dates.
MIN_WON_FOR_LAGS = 10
#: The upstream flows, in chain order.
FLOW_STAGES = ("lead", "mql", "sql", "opportunity")


@dataclass
class Chain:
    """Flows of one segment in one window side, by lead source: rows follow the source codes."""

    volume: float  # all new leads in this segment's lead window
    flows: np.ndarray  # shape (6, sources): leads, MQL, SQL, opportunity, won, won amount
    squares: np.ndarray  # per source: sum of squared won amounts (the variance of revenue per lead)

    @property
    def amount_squares(self) -> float:
        """Sum of squared won amounts over every source."""
        return float(self.squares.sum())


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a (LMDI's weight)."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def known_codes(ctx: AnalysisContext, dimension: str, limit: int) -> tuple[np.ndarray, list[str]] | None:
    """Factorised ``dimension`` when it has values and at most ``limit`` of them (else None)."""
    if dimension not in ctx.frame:
        return None
    codes, labels = ctx.dimension_codes(dimension)
    if not 1 <= len(labels) <= limit or labels == [MISSING_LABEL]:
        return None
    return codes, labels


def segment_codes(ctx: AnalysisContext, dimension: str, limit: int) -> tuple[np.ndarray, list[str]]:
    """Factorised ``dimension`` or one code ``all`` when it is absent or has too many values."""
    known = known_codes(ctx, dimension, limit)
    return known if known is not None else (np.zeros(len(ctx.frame), dtype=np.int64), ["all"])


def stage_lags(ctx: AnalysisContext, segments: np.ndarray, k: int, baseline: Window) -> np.ndarray:
    """Median whole days from each flow stage to a win, per segment (shape k × 4).

    A segment with few dated wins uses the overall medians; no lag reaches back before the data
    starts, so every shifted baseline window lies inside the history.
    """
    arrays = ctx.arrays
    rows = np.flatnonzero(arrays.reached("won"))
    won_at = arrays.dates("won_date")[rows]
    seg = segments[rows]
    longest = max(math.floor((baseline.start - ctx.first_date.normalize()) / ONE_DAY), 0)
    out = np.zeros((k, len(FLOW_STAGES)))
    for i, stage in enumerate(FLOW_STAGES):
        entered = arrays.dates(CREATED_COLUMN)[rows] if stage == "lead" else arrays.stage(stage, rows=rows)
        days = elapsed(entered, won_at)
        ok = days >= 0  # NaN compares False
        overall = float(np.median(days[ok])) if ok.any() else 0.0
        for s in range(k):
            mine = ok & (seg == s)
            value = float(np.median(days[mine])) if np.count_nonzero(mine) >= MIN_WON_FOR_LAGS else overall
            out[s, i] = min(round(value), longest)
    return out


class DailyFlows:
    """Daily counts of each flow per (segment, source), so any shifted window is two lookups.

    One pass over the records per flow: every window is whole days (month starts shifted by
    whole days), so a window's count is a difference of cumulative daily counts.
    """

    def __init__(
        self,
        ctx: AnalysisContext,
        segments: np.ndarray,
        n_segments: int,
        sources: np.ndarray,
        n_sources: int,
        earliest: pd.Timestamp,
        current: Window,
        lags: np.ndarray,
    ) -> None:
        """Daily counts from ``earliest`` (the first window start) less the longest lag to ``current``.

        Each flow looks only at the records that reached its stage, and at their dates inside the
        span: a million-row upload costs one pass over the creation dates and small ones after.
        """
        arrays = ctx.arrays
        self.n_sources = n_sources
        self.lags = lags
        self.origin = earliest - ONE_DAY * float(lags.max(initial=0.0))
        self.days = int((current.end - self.origin) / ONE_DAY)
        n_keys = n_segments * n_sources
        keys = segments * n_sources + sources

        def key(rows: np.ndarray) -> np.ndarray:
            return keys[rows]

        created = arrays.dates(CREATED_COLUMN)
        rows = np.flatnonzero(self._inside(created))
        day = self._day(created[rows])
        self.volume = self._cumulative(day, np.zeros(len(rows), dtype=np.int64), 1)
        self.flows = [self._cumulative(day, key(rows), n_keys)]
        for stage in FLOW_STAGES[1:]:
            reached = np.flatnonzero(arrays.reached(stage))
            # the opportunity dates are cached for the whole frame (the pipeline measures read them)
            dates = arrays.stage(stage)[reached] if stage == "opportunity" else arrays.stage(stage, rows=reached)
            inside = self._inside(dates)
            self.flows.append(self._cumulative(self._day(dates[inside]), key(reached[inside]), n_keys))
        won = np.flatnonzero(arrays.reached("won"))
        dates = arrays.dates("won_date")[won]
        inside = self._inside(dates)
        rows, day = won[inside], self._day(dates[inside])
        amount = arrays.amount_or_zero()[rows]
        self.flows.append(self._cumulative(day, key(rows), n_keys))
        self.flows.append(self._cumulative(day, key(rows), n_keys, amount))
        self.squares = self._cumulative(day, key(rows), n_keys, amount**2)

    def _inside(self, dates: np.ndarray) -> np.ndarray:
        """Which ``dates`` fall in the span (NaT, the smallest int64, never does)."""
        start = self.origin.value
        return (dates >= start) & (dates < start + self.days * DAY_NS)

    def _day(self, dates: np.ndarray) -> np.ndarray:
        return (dates - self.origin.value) // DAY_NS

    def _cumulative(
        self, day: np.ndarray, key: np.ndarray, n_keys: int, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Cumulative daily totals per key, shape (n_keys, days + 1)."""
        daily = np.bincount(key * self.days + day, weights=weights, minlength=n_keys * self.days)
        daily = daily.reshape(n_keys, self.days)
        return np.concatenate([np.zeros((n_keys, 1)), np.cumsum(daily, axis=1)], axis=1)

    def _count(self, cumulative: np.ndarray, window: Window, lag: float) -> np.ndarray:
        start = int((window.start - self.origin) / ONE_DAY) - int(lag)
        end = start + window.days
        return cumulative[:, end] - cumulative[:, start]

    def chain(self, window: Window, s: int) -> Chain:
        """Segment ``s``'s flows behind ``window``'s revenue, by source."""
        rows = slice(s * self.n_sources, (s + 1) * self.n_sources)
        flows = np.zeros((6, self.n_sources))
        for i, cumulative in enumerate(self.flows):
            lag = self.lags[s, i] if i < len(FLOW_STAGES) else 0.0
            flows[i] = self._count(cumulative[rows], window, lag)
        volume = float(self._count(self.volume, window, self.lags[s, 0])[0])
        return Chain(volume, flows, self._count(self.squares[rows], window, 0.0))
