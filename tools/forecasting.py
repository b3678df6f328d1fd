"""``quarter_forecast``: the method of ``tools.forecast``, replayed on every quarter of the history.

Each quarter of the history is looked at once, at the same day of the quarter as the analysis
date (its *cut*): which opportunities were open, how old, in which segment, for how much, and
which of them were won by the quarter end; what had closed by the cut; what was opened after it
and won inside the quarter. A forecast for any quarter then pools the tables of the quarters
before it, so the live forecast and the backtest are the same code on the same numbers.

The first half-year of a history is warm-up and never a reference: an export that starts at a
date holds no deals from leads created before it, so its first quarters look emptier than the
business was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.columns import DAY_NS, NAT
from tools.forecast import (
    AGE_EDGES,
    MAX_SEGMENTS,
    MIN_AT_RISK,
    MIN_REFERENCE_QUARTERS,
    REFERENCE_QUARTERS,
    RUN_RATE_QUARTERS,
    SEGMENT_DIMENSION,
    Z80,
    BacktestQuarter,
    Forecast,
    ForecastBacktest,
)
from tools.periods import ONE_DAY, Window, code_window
from tools.schema import CREATED_COLUMN, PHASE_COLUMN, PHASE_PROBABILITIES
from tools.target_windows import target_in_window

WARM_UP_DAYS = 365
METHOD = (
    "closed so far + open pipeline × P(won by quarter end | age, segment) from the same day of the "
    "last {n} quarters + run rate of deals opened and won inside the quarter (last {m} quarters); "
    "80% normal interval"
)
PHASE_METHOD = (
    "closed so far + open pipeline × playbook phase probabilities (history too thin) + run rate; "
    "80% normal interval"
)


@dataclass
class _QuarterTable:
    """One quarter seen at its cut (see the module docstring); cells are age bucket × segment."""

    window: Window
    cut: int  # ns
    at_risk: np.ndarray
    won: np.ndarray
    open_amount: np.ndarray
    open_squares: np.ndarray
    open_deals: int
    closed: float
    run_rate: float
    run_squares: float  # sum of squared amounts of the run-rate deals (their compound-Poisson variance)
    actual: float


class _Deals:
    """The opportunities of the data as numpy columns."""

    def __init__(self, ctx: AnalysisContext) -> None:
        arrays = ctx.arrays
        rows = np.flatnonzero(arrays.reached("opportunity"))
        self.rows = rows
        self.opened = arrays.stage("opportunity")[rows]
        self.won = arrays.reached("won")[rows]
        self.lost = arrays.lost()[rows]
        self.open_now = ~self.won & ~self.lost
        self.closed_at = arrays.closed()[rows]
        self.won_at = np.where(self.won, arrays.dates("won_date")[rows], NAT)
        self.amount = arrays.amount_or_zero()[rows]
        self.segments = 1
        self.segment = np.zeros(len(rows), dtype=np.int64)
        if SEGMENT_DIMENSION in ctx.data.dimensions:
            codes, labels = ctx.dimension_codes(SEGMENT_DIMENSION)
            if len(labels) <= MAX_SEGMENTS:
                self.segment, self.segments = codes[rows], len(labels)

    def table(self, window: Window, cut: int) -> _QuarterTable:
        start, end = window.start.value, window.end.value
        known = self.opened != NAT
        still_open = self.open_now | ((self.closed_at != NAT) & (self.closed_at >= cut))
        is_open = known & (self.opened < cut) & still_open
        age = (cut - np.where(is_open, self.opened, cut)) / DAY_NS
        cell = (np.searchsorted(AGE_EDGES, age, side="right") - 1) * self.segments + self.segment
        k = len(AGE_EDGES) * self.segments
        won_in = self.won & (self.won_at >= start) & (self.won_at < end)
        won_later = won_in & (self.won_at >= cut)

        def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
            w = None if weights is None else weights[mask]
            return np.bincount(cell[mask], weights=w, minlength=k).astype("float64")

        amount = self.amount
        return _QuarterTable(
            window=window,
            cut=cut,
            at_risk=count(is_open),
            won=count(is_open & won_later),
            open_amount=count(is_open, amount),
            open_squares=count(is_open, amount**2),
            open_deals=int(np.count_nonzero(is_open)),
            closed=float(amount[won_in & (self.won_at < cut)].sum()),
            run_rate=float(amount[won_later & known & (self.opened >= cut)].sum()),
            run_squares=float((amount[won_later & known & (self.opened >= cut)] ** 2).sum()),
            actual=float(amount[won_in].sum()),
        )


def _pooled_rates(refs: list[_QuarterTable], segments: int) -> tuple[np.ndarray, np.ndarray]:
    """P(won by the end | open at the cut) per cell, and the at-risk count behind each estimate.

    A cell with fewer than ``MIN_AT_RISK`` deals widens to its neighbouring age buckets within its
    own segment (segments close at different speeds: an SMB rate would over-price a young
    Enterprise deal), then to its age bucket over all segments, then to all deals.
    """
    at_risk = np.sum([r.at_risk for r in refs], axis=0).reshape(-1, segments)
    won = np.sum([r.won for r in refs], axis=0).reshape(-1, segments)
    buckets = len(at_risk)
    n = np.full(at_risk.shape, at_risk.sum())
    x = np.full(won.shape, won.sum())
    by_age_n, by_age_x = at_risk.sum(axis=1), won.sum(axis=1)
    for b in range(buckets):
        for s in range(segments):
            if by_age_n[b] >= MIN_AT_RISK:
                n[b, s], x[b, s] = by_age_n[b], by_age_x[b]
            for width in range(buckets - 1, -1, -1):  # the narrowest band with enough deals wins
                lo, hi = max(b - width, 0), b + width + 1
                if at_risk[lo:hi, s].sum() >= MIN_AT_RISK:
                    n[b, s], x[b, s] = at_risk[lo:hi, s].sum(), won[lo:hi, s].sum()
    return np.divide(x, n, out=np.zeros_like(x), where=n > 0).ravel(), n.ravel()


def _predict(table: _QuarterTable, refs: list[_QuarterTable], segments: int) -> tuple[float, float, float]:
    """(expected from open deals, run rate, variance) of ``table``'s quarter from its references."""
    p, n = _pooled_rates(refs, segments)
    pipeline = float((p * table.open_amount).sum())
    var = float((p * (1 - p) * table.open_squares).sum())
    var += float((table.open_amount**2 * p * (1 - p) / np.maximum(n, 1)).sum())
    recent = refs[-RUN_RATE_QUARTERS:]
    run_rate = float(np.mean([r.run_rate for r in recent]))
    # deals arriving and closing inside the quarter: a compound Poisson sum, plus the error of
    # the mean it is estimated with
    var += float(np.mean([r.run_squares for r in recent])) * (1 + 1 / len(recent))
    return pipeline, run_rate, var


def _interval(closed: float, pipeline: float, run_rate: float, var: float) -> tuple[float, float]:
    expected = closed + pipeline + run_rate
    half = Z80 * math.sqrt(max(var, 0.0))
    return max(closed, expected - half), expected + half


def quarter_forecast(ctx: AnalysisContext) -> Forecast | None:
    """The forecast of the quarter holding the day after the analysis date (see ``tools.forecast``)."""
    if not ctx.has_amounts or "won_date" not in ctx.frame or not ctx.arrays.reached("opportunity").any():
        return None
    cut = ctx.as_of + ONE_DAY
    live = code_window(cut.year * 4 + (cut.month - 1) // 3, "quarter")
    offset = cut - live.start
    deals = _Deals(ctx)
    first = ctx.frame[CREATED_COLUMN].min()
    if pd.isna(first):
        return None
    warm = pd.Timestamp(first) + ONE_DAY * WARM_UP_DAYS
    history: list[_QuarterTable] = []
    code = pd.Timestamp(first).year * 4 + (pd.Timestamp(first).month - 1) // 3
    while True:
        window = code_window(code, "quarter")
        if window.start >= live.start:
            break
        if window.start >= warm:
            quarter_cut = min(window.start + offset, window.end - ONE_DAY)
            history.append(deals.table(window, quarter_cut.value))
        code += 1
    now = deals.table(live, cut.value)
    backtest = _backtest(history, deals.segments)
    refs = history[-REFERENCE_QUARTERS:]
    target = None if ctx.targets is None else target_in_window(ctx.targets, "revenue", live, whole=True)
    common = {
        "period": live.label,
        "window": live,
        "cut": cut,
        "closed": now.closed,
        "open_deals": now.open_deals,
        "open_pipeline": float(now.open_amount.sum()),
        "target": target,
        "backtest": backtest,
    }
    if len(refs) >= MIN_REFERENCE_QUARTERS and sum(float(r.at_risk.sum()) for r in refs) >= MIN_AT_RISK:
        pipeline, run_rate, var = _predict(now, refs, deals.segments)
        low, high = _interval(now.closed, pipeline, run_rate, var)
        method = METHOD.format(n=len(refs), m=min(len(refs), RUN_RATE_QUARTERS))
        return Forecast(from_pipeline=pipeline, run_rate=run_rate, low=low, high=high, method=method, **common)
    return _phase_forecast(ctx, deals, now, refs, common)


def _backtest(history: list[_QuarterTable], segments: int) -> ForecastBacktest | None:
    quarters = []
    for k in range(MIN_REFERENCE_QUARTERS, len(history)):
        refs = history[max(0, k - REFERENCE_QUARTERS) : k]
        if sum(float(r.at_risk.sum()) for r in refs) < MIN_AT_RISK:
            continue
        table = history[k]
        pipeline, run_rate, var = _predict(table, refs, segments)
        low, high = _interval(table.closed, pipeline, run_rate, var)
        quarters.append(BacktestQuarter(table.window.label, table.closed + pipeline + run_rate, low, high, table.actual))
    return ForecastBacktest(quarters) if quarters else None


def _phase_forecast(
    ctx: AnalysisContext, deals: _Deals, now: _QuarterTable, refs: list[_QuarterTable], common: dict[str, object]
) -> Forecast:
    """Thin history: price open deals with the playbook phase probabilities."""
    is_open = deals.open_now & (deals.opened != NAT) & (deals.opened < now.cut)
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
    run_rate = float(np.mean([r.run_rate for r in refs])) if refs else 0.0
    if not refs:
        notes.append("no earlier quarter to measure the run rate of deals opened and won inside the quarter")
    low, high = _interval(now.closed, pipeline, run_rate, var + run_rate**2)
    return Forecast(
        from_pipeline=pipeline, run_rate=run_rate, low=low, high=high, method=PHASE_METHOD,
        phase_priced_deals=int(is_open.sum()), notes=notes, **common,  # type: ignore[arg-type]
    )
