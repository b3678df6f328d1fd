"""``quarter_forecast``: the method of ``tools.revenue.forecast``, replayed on every quarter of the history.

Two kinds of snapshot are taken of the opportunities, both vectorised over the deals:

* a *reference* snapshot at a day ``r`` with the horizon ``h`` the forecast quarter has left:
  which deals were open at ``r``, how old, in which segment, and which were won by ``r + h``; and
  the revenue of deals opened after ``r`` and won by ``r + h`` (the run rate);
* a *quarter* snapshot at the same day of a quarter as the analysis date: what had closed by
  then, what was open (amounts by age and segment), and what the quarter finally won.

The reference days form one grid (every ``SPACING_DAYS`` back from the live cut), so the live
forecast and the backtest of each past quarter pool the same snapshots: each quarter uses only
the reference days whose horizon had ended by its own cut.

The first year of a history is warm-up and never a reference: an export that starts at a date
holds no deals from leads created before it, so its first months look emptier than the business
was, and the stalled deals that make old open deals unlikely to win take months to appear.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.columns import DAY_NS, NAT
from tools.periods import ONE_DAY, Window, code_window
from tools.revenue.bridge_flows import known_codes
from tools.revenue.forecast import (
    AGE_EDGES,
    MAX_SEGMENTS,
    MIN_AT_RISK,
    MIN_REFERENCES,
    MIN_WINS,
    REFERENCE_DAYS,
    RUN_RATE_DAYS,
    SEGMENT_DIMENSION,
    SPACING_DAYS,
    Z80,
    BacktestQuarter,
    Forecast,
    ForecastBacktest,
)
from tools.revenue.target_windows import target_in_window
from tools.schema import CREATED_COLUMN, PHASE_COLUMN, PHASE_PROBABILITIES

WARM_UP_DAYS = 365
#: A cell's own rate is shrunk towards its wider band by this many deals' worth.
PRIOR_DEALS = 5.0
METHOD = (
    "closed so far + open pipeline × P(won by quarter end | age, segment) from {n} reference days "
    "over the last {years:.1f} years + run rate of deals opened and won inside the quarter; "
    "80% normal interval"
)
PHASE_METHOD = (
    "closed so far + open pipeline × playbook phase probabilities (history too thin) + run rate; "
    "80% normal interval"
)


@dataclass
class _Snapshot:
    """Open deals at a cut, by cell (age bucket × segment), and what happened by ``end``."""

    cut: int  # ns
    end: int  # ns
    at_risk: np.ndarray
    won: np.ndarray  # of the open deals, those won by ``end``
    open_amount: np.ndarray
    open_squares: np.ndarray
    open_deals: int
    run_rate: float  # revenue of deals opened after the cut and won by ``end``
    run_squares: float  # their sum of squared amounts (a compound-Poisson variance)


class _Deals:
    """The opportunities of the data as numpy columns."""

    def __init__(self, ctx: AnalysisContext) -> None:
        arrays = ctx.arrays
        rows = np.flatnonzero(arrays.reached("opportunity"))
        self.rows = rows
        self.opened = arrays.stage("opportunity")[rows]  # cached: the pipeline measures read it too
        self.won = arrays.reached("won")[rows]
        self.open_now = ~self.won & ~arrays.lost()[rows]
        closed_at = arrays.closed()[rows]
        self.won_at = np.where(self.won, arrays.dates("won_date")[rows], NAT)
        self.amount = arrays.amount_or_zero()[rows]
        self.segments = 1
        self.segment = np.zeros(len(rows), dtype=np.int64)
        known = known_codes(ctx, SEGMENT_DIMENSION, MAX_SEGMENTS)
        if known is not None:
            self.segment, self.segments = known[0][rows], len(known[1])
        known = self.opened != NAT
        # a deal that closed without a close date has no known timing: never open, never a win
        self.open_until = np.where(self.open_now, np.iinfo(np.int64).max, np.where(closed_at != NAT, closed_at, NAT))
        self.opened = np.where(known, self.opened, np.iinfo(np.int64).max)

    def snapshot(self, cut: int, end: int) -> _Snapshot:
        rows = np.flatnonzero((self.opened < cut) & (self.open_until >= cut))  # open at the cut
        age = (cut - self.opened[rows]) / DAY_NS
        cell = (np.searchsorted(AGE_EDGES, age, side="right") - 1) * self.segments + self.segment[rows]
        k = len(AGE_EDGES) * self.segments
        won_at = self.won_at[rows]
        won_by_end = self.won[rows] & (won_at >= cut) & (won_at < end)
        amount = self.amount[rows]
        # opened after the cut and won by the end (an unknown opening date is never after a cut)
        run = self.won & (self.won_at >= cut) & (self.won_at < end) & (self.opened >= cut) & (self.opened < end)
        return _Snapshot(
            cut=cut,
            end=end,
            at_risk=np.bincount(cell, minlength=k).astype("float64"),
            won=np.bincount(cell[won_by_end], minlength=k).astype("float64"),
            open_amount=np.bincount(cell, weights=amount, minlength=k),
            open_squares=np.bincount(cell, weights=amount**2, minlength=k),
            open_deals=len(rows),
            run_rate=float(self.amount[run].sum()),
            run_squares=float((self.amount[run] ** 2).sum()),
        )

    def closed_between(self, start: int, end: int) -> float:
        """Revenue won in ``[start, end)``."""
        return float(self.amount[self.won & (self.won_at >= start) & (self.won_at < end)].sum())


def _pooled_rates(refs: list[_Snapshot], segments: int) -> tuple[np.ndarray, np.ndarray]:
    """P(won by the end | open at the cut) per cell, and the deal count behind each estimate.

    Each cell's own rate is shrunk towards a wider one by ``PRIOR_DEALS`` deals' worth: the
    narrowest band of neighbouring age buckets of its own segment holding ``MIN_AT_RISK`` deals
    (segments close at different speeds: an SMB rate would over-price a young Enterprise deal),
    else its age bucket over all segments, else all deals. A full cell keeps nearly its own rate;
    an empty one takes the band's. (Replacing a thin cell by the band outright biases it: a young
    Enterprise deal is less likely to close this quarter than its older neighbours.)
    """
    at_risk = np.sum([r.at_risk for r in refs], axis=0).reshape(-1, segments)
    won = np.sum([r.won for r in refs], axis=0).reshape(-1, segments)
    buckets = len(at_risk)
    # the wider rate: the bucket over all segments if it has enough deals, else all deals ...
    by_age_n = np.broadcast_to(at_risk.sum(axis=1, keepdims=True), at_risk.shape)
    by_age_x = np.broadcast_to(won.sum(axis=1, keepdims=True), won.shape)
    enough = by_age_n >= MIN_AT_RISK
    n = np.where(enough, by_age_n, at_risk.sum())
    x = np.where(enough, by_age_x, won.sum())
    # ... unless a band of neighbouring ages within the segment has enough: the narrowest one
    cum_n = np.vstack([np.zeros((1, segments)), np.cumsum(at_risk, axis=0)])
    cum_x = np.vstack([np.zeros((1, segments)), np.cumsum(won, axis=0)])
    b = np.arange(buckets)[:, None]
    for width in range(buckets - 1, -1, -1):
        lo, hi = np.maximum(b - width, 0), np.minimum(b + width + 1, buckets)
        band_n = cum_n[hi[:, 0]] - cum_n[lo[:, 0]]
        band_x = cum_x[hi[:, 0]] - cum_x[lo[:, 0]]
        enough = band_n >= MIN_AT_RISK
        n, x = np.where(enough, band_n, n), np.where(enough, band_x, x)
    prior = np.divide(x, n, out=np.zeros_like(x), where=n > 0)
    p = (won + PRIOR_DEALS * prior) / (at_risk + PRIOR_DEALS)
    return p.ravel(), (at_risk + PRIOR_DEALS).ravel()


def _predict(now: _Snapshot, refs: list[_Snapshot], segments: int) -> tuple[float, float, float]:
    """(expected from open deals, run rate, variance) at ``now`` from reference snapshots.

    A deal open for a couple of months sits in about two reference snapshots a month apart, so
    the probabilities' estimation error counts half as many independent deals as snapshots.
    """
    p, n = _pooled_rates(refs, segments)
    independent = n / 2.0
    pipeline = float((p * now.open_amount).sum())
    var = float((p * (1 - p) * now.open_squares).sum())
    var += float((now.open_amount**2 * p * (1 - p) / np.maximum(independent, 1)).sum())
    recent = [r for r in refs if r.end > refs[0].end - RUN_RATE_DAYS * DAY_NS]
    # references see the live quarter's days left; a past quarter of another length has a few more or fewer
    days_left = (now.end - now.cut) / (recent[0].end - recent[0].cut)
    run_rate = float(np.mean([r.run_rate for r in recent])) * days_left
    # deals arriving and closing inside the quarter: a compound Poisson sum, plus the error of the
    # mean it is estimated with (reference days a month apart overlap: about two per horizon)
    var += float(np.mean([r.run_squares for r in recent])) * days_left * (1 + 2 / len(recent))
    return pipeline, run_rate, var


def _interval(closed: float, pipeline: float, run_rate: float, var: float) -> tuple[float, float]:
    expected = closed + pipeline + run_rate
    half = Z80 * math.sqrt(max(var, 0.0))
    return max(closed, expected - half), expected + half


def quarter_forecast(ctx: AnalysisContext) -> Forecast | None:
    """The forecast of the quarter holding the day after the analysis date (see ``tools.revenue.forecast``)."""
    if not ctx.has_amounts or "won_date" not in ctx.frame or not ctx.arrays.reached("opportunity").any():
        return None
    first = ctx.frame[CREATED_COLUMN].min()
    if pd.isna(first):
        return None
    cut = ctx.as_of + ONE_DAY
    live = code_window(cut.year * 4 + (cut.month - 1) // 3, "quarter")
    horizon = live.end - cut
    deals = _Deals(ctx)
    warm = pd.Timestamp(first).normalize() + ONE_DAY * WARM_UP_DAYS
    refs: list[_Snapshot] = []  # newest first
    day = cut - horizon
    while day >= warm:
        refs.append(deals.snapshot(day.value, (day + horizon).value))
        day -= ONE_DAY * SPACING_DAYS
    now = deals.snapshot(cut.value, live.end.value)
    closed = deals.closed_between(live.start.value, cut.value)
    target = None if ctx.targets is None else target_in_window(ctx.targets, "revenue", live, whole=True)
    common = {
        "period": live.label,
        "window": live,
        "cut": cut,
        "closed": closed,
        "open_deals": now.open_deals,
        "open_pipeline": float(now.open_amount.sum()),
        "target": target,
        "backtest": _backtest(deals, refs, live, cut - live.start, warm),
    }
    usable = _references(refs, cut.value)
    if usable:
        pipeline, run_rate, var = _predict(now, usable, deals.segments)
        low, high = _interval(closed, pipeline, run_rate, var)
        span = (usable[0].cut - usable[-1].cut) / DAY_NS / 365.25
        method = METHOD.format(n=len(usable), years=span)
        return Forecast(from_pipeline=pipeline, run_rate=run_rate, low=low, high=high, method=method, **common)  # type: ignore[arg-type]
    return _phase_forecast(ctx, deals, now, refs, closed, common)


def _references(refs: list[_Snapshot], cut: int) -> list[_Snapshot]:
    """The reference snapshots a forecast at ``cut`` may use (their horizon over by then), or none
    when the history is thin."""
    usable = [r for r in refs if r.end <= cut]
    usable = [r for r in usable if r.cut > usable[0].cut - REFERENCE_DAYS * DAY_NS] if usable else []
    at_risk = sum(float(r.at_risk.sum()) for r in usable)
    wins = sum(float(r.won.sum()) for r in usable)
    if len(usable) < MIN_REFERENCES or at_risk < MIN_AT_RISK or wins < MIN_WINS:
        return []
    return usable


def _backtest(
    deals: _Deals, refs: list[_Snapshot], live: Window, offset: pd.Timedelta, warm: pd.Timestamp
) -> ForecastBacktest | None:
    """The method replayed at the same day of every past quarter with enough history before it."""
    quarters = []
    code = live.start.year * 4 + (live.start.month - 1) // 3 - 1
    while True:
        window = code_window(code, "quarter")
        if window.start < warm:
            break
        cut = min(window.start + offset, window.end - ONE_DAY)
        usable = _references(refs, cut.value)
        if usable:
            snapshot = deals.snapshot(cut.value, window.end.value)
            closed = deals.closed_between(window.start.value, cut.value)
            pipeline, run_rate, var = _predict(snapshot, usable, deals.segments)
            low, high = _interval(closed, pipeline, run_rate, var)
            actual = deals.closed_between(window.start.value, window.end.value)
            quarters.append(BacktestQuarter(window.label, closed + pipeline + run_rate, low, high, actual))
        code -= 1
    return ForecastBacktest(quarters[::-1]) if quarters else None


def _phase_forecast(
    ctx: AnalysisContext,
    deals: _Deals,
    now: _Snapshot,
    refs: list[_Snapshot],
    closed: float,
    common: dict[str, object],
) -> Forecast:
    """Thin history: price open deals with the playbook phase probabilities."""
    is_open = deals.open_now & (deals.opened < now.cut)
    notes = []
    if PHASE_COLUMN in ctx.frame:
        phase = ctx.frame[PHASE_COLUMN].to_numpy(dtype=object)[deals.rows[is_open]]
        probability = np.array([PHASE_PROBABILITIES.get(str(v), np.nan) for v in phase], dtype="float64")
    else:
        probability = np.full(int(np.count_nonzero(is_open)), np.nan)
    known = ~np.isnan(probability)
    fill = float(probability[known].mean()) if known.any() else PHASE_PROBABILITIES["engaging"]
    if not known.all():
        notes.append(f"{int((~known).sum())} open deals without a known phase priced at {fill:.0%}")
    probability = np.where(known, probability, fill)
    amount = deals.amount[is_open]
    pipeline = float((probability * amount).sum())
    var = float((probability * (1 - probability) * amount**2).sum())
    usable = [r for r in refs if r.end <= now.cut]
    run_rate = float(np.mean([r.run_rate for r in usable])) if usable else 0.0
    if not usable:
        notes.append("no earlier history to measure the run rate of deals opened and won inside the quarter")
    low, high = _interval(closed, pipeline, run_rate, var + run_rate**2)
    return Forecast(
        from_pipeline=pipeline, run_rate=run_rate, low=low, high=high, method=PHASE_METHOD,
        phase_priced_deals=int(is_open.sum()), notes=notes, **common,  # type: ignore[arg-type]
    )
