"""Amount-weighted measures beside the count-based ones (the playbook's performance-management page).

A count-based win rate treats a 1M SMB deal and a 15M Enterprise deal alike, so an Enterprise
collapse hides behind SMB volume: the overall rate barely moves while revenue falls by a
quarter. Here each segment's win rate is measured on its own deals, then weighed by value:

* ``by_amount``: won amount / closed amount, overall and per segment (the value view);
* ``like_for_like``: the per-segment count-based win rates combined with fixed weights, each
  segment's share of the closed amount in the baseline. A composition change cannot move it,
  only the segments' own rates can, and a segment counts by what it is worth. It is one test for
  the whole funnel, so a value-heavy segment's fall needs no multiple-comparison penalty over
  every segment cell to show; the segment carrying most of the weighted fall localises it.

Cohorts: a win rate is ``won / (won + lost)`` of deals *closed* in the window (closing is the
event; no cohort has to mature), measured within each segment, so a segment whose deals take
three times longer is only ever compared with itself. Windows are the per-deal rate windows of
``AnalysisContext.rate_windows`` (the baseline year before the current window's year-ago window,
and the current window).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.revenue.bridge_flows import known_codes
from tools.stats import (
    Comparison,
    compare_proportions,
    compare_standardised_rates,
    compare_weighted_proportions,
)

SEGMENT_DIMENSION = "segment"
MAX_SEGMENTS = 12
#: The segment carrying at least this share of the weighted fall localises it.
LOCALISE_SHARE = 0.5


@dataclass(frozen=True)
class WinRateByValue:
    """Win rate by count and by amount for one slice (``segment`` None: the whole funnel)."""

    segment: tuple[str, str] | None
    by_count: Comparison
    by_amount: Comparison
    #: the slice's share of the closed amount in the baseline window (its weight)
    value_share: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": None if self.segment is None else {"dimension": self.segment[0], "value": self.segment[1]},
            "by_count": self.by_count.to_dict(),
            "by_amount": self.by_amount.to_dict(),
            "value_share": round(self.value_share, 4),
        }


@dataclass
class AmountWeightedWinRates:
    """Win rates by value, overall and per segment, with the value-weighted like-for-like test."""

    baseline_label: str
    current_label: str
    overall: WinRateByValue
    segments: list[WinRateByValue] = field(default_factory=list)
    like_for_like: Comparison | None = None

    def weighted_changes(self) -> dict[str, float]:
        """Each segment's part of the like-for-like change (its weight × its own rate change)."""
        total = sum(s.value_share for s in self.segments if _both(s.by_count))
        out = {}
        for s in self.segments:
            if s.segment is not None and _both(s.by_count) and total > 0:
                out[s.segment[1]] = s.value_share / total * ((s.by_count.current or 0.0) - (s.by_count.baseline or 0.0))
        return out

    def largest_fall(self) -> WinRateByValue | None:
        """The segment carrying at least half of the like-for-like fall, if one does."""
        changes = self.weighted_changes()
        fall = sum(v for v in changes.values() if v < 0)
        if not changes or fall >= 0:
            return None
        value = min(changes, key=lambda k: changes[k])
        if changes[value] / fall < LOCALISE_SHARE:
            return None
        return next(s for s in self.segments if s.segment is not None and s.segment[1] == value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_window": self.baseline_label,
            "current_window": self.current_label,
            "definition": "won / (won + lost) of deals closed in the window; by amount: won amount / closed amount",
            "overall": self.overall.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "like_for_like": None if self.like_for_like is None else self.like_for_like.to_dict(),
        }


def _both(comp: Comparison) -> bool:
    return comp.baseline is not None and comp.current is not None


def amount_weighted_win_rates(ctx: AnalysisContext) -> AmountWeightedWinRates | None:
    """Win rates by value, current window vs the baseline year; ``None`` without amounts or closes."""
    wins = ctx.rate_windows
    if wins is None or not ctx.has_amounts or "won_date" not in ctx.frame:
        return None
    arrays = ctx.arrays
    won = arrays.reached("won")
    closed = np.flatnonzero(won | arrays.lost())  # everything below works on the closed deals alone
    closed_at = arrays.closed()[closed]
    base, cur = wins[0].mask(closed_at), wins[1].mask(closed_at)
    if not base.any() or not cur.any():
        return None
    keep = base | cur
    rows = closed[keep]
    won, amount, base, cur = won[rows], arrays.amount()[rows], base[keep], cur[keep]
    priced = ~np.isnan(amount)
    overall = _slice(None, won, amount, priced, base, cur, 1.0)
    segments: list[WinRateByValue] = []
    like_for_like = None
    known = known_codes(ctx, SEGMENT_DIMENSION, MAX_SEGMENTS)
    if known is not None and len(known[1]) >= 2:
        codes, labels = known
        segments, like_for_like = _by_segment(codes[rows], labels, won, amount, priced, base, cur)
    return AmountWeightedWinRates(wins[0].label, wins[1].label, overall, segments, like_for_like)


def _slice(
    segment: tuple[str, str] | None,
    won: np.ndarray,
    amount: np.ndarray,
    priced: np.ndarray,
    base: np.ndarray,
    cur: np.ndarray,
    value_share: float,
) -> WinRateByValue:
    by_count = compare_proportions(
        int(np.count_nonzero(won & base)), int(np.count_nonzero(base)),
        int(np.count_nonzero(won & cur)), int(np.count_nonzero(cur)),
    )
    b, c = base & priced, cur & priced
    by_amount = compare_weighted_proportions(amount[b], won[b], amount[c], won[c])
    return WinRateByValue(segment, by_count, by_amount, value_share)


def _by_segment(
    codes: np.ndarray,
    labels: list[str],
    won: np.ndarray,
    amount: np.ndarray,
    priced: np.ndarray,
    base: np.ndarray,
    cur: np.ndarray,
) -> tuple[list[WinRateByValue], Comparison]:
    k = len(labels)
    value = np.where(priced, amount, 0.0)
    weights = np.bincount(codes[base], weights=value[base], minlength=k)
    share = weights / weights.sum() if weights.sum() > 0 else np.full(k, 1.0 / k)
    x0 = np.bincount(codes[base & won], minlength=k)
    n0 = np.bincount(codes[base], minlength=k)
    x1 = np.bincount(codes[cur & won], minlength=k)
    n1 = np.bincount(codes[cur], minlength=k)
    like_for_like = compare_standardised_rates(x0, n0, x1, n1, share)
    out = []
    for i, label in enumerate(labels):
        if n0[i] + n1[i] == 0:
            continue
        mine = codes == i
        out.append(_slice((SEGMENT_DIMENSION, label), won, amount, priced, base & mine, cur & mine, float(share[i])))
    return out, like_for_like
