"""Targets over any window: the sum of the target periods it overlaps, prorated by days."""

from __future__ import annotations

import pandas as pd

from tools.periods import ONE_DAY, Window, month_start


def target_in_window(targets: pd.DataFrame, metric: str, window: Window, *, whole: bool = False) -> float | None:
    """Target for ``metric`` over ``window``, prorating quarter/year targets by days.

    ``None`` when no target period overlaps the window, or, with ``whole``, when the target
    periods leave part of the window uncovered (a quarter with only its first month's target has
    no quarter target).
    """
    rows = targets[targets["metric"] == metric]
    total, covered, found = 0.0, 0.0, False
    for period, target in zip(rows["period"], rows["target"], strict=True):
        span = period_span(str(period))
        if span is None:
            continue
        start, end = span
        overlap = (min(end, window.end) - max(start, window.start)) / ONE_DAY
        if overlap > 0:
            total += float(target) * overlap / ((end - start) / ONE_DAY)
            covered += overlap
            found = True
    if not found or (whole and covered < window.days):
        return None
    return total


def period_span(period: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``[start, end)`` of a target period ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` (None if unreadable)."""
    try:
        if "-Q" in period:
            year, q = period.split("-Q")
            start = pd.Timestamp(year=int(year), month=3 * (int(q) - 1) + 1, day=1)
            return start, start + pd.DateOffset(months=3)
        if len(period) == 4:
            start = pd.Timestamp(year=int(period), month=1, day=1)
            return start, start + pd.DateOffset(years=1)
        start = month_start(pd.Timestamp(period + "-01"))
        return start, start + pd.DateOffset(months=1)
    except (ValueError, TypeError):
        return None
