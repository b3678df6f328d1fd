"""How each catalogue metric is measured on a slice of the upload, with the engine's own functions.

A slice is a boolean mask over the whole upload (filters × group × "the record's event date is in
the period"). Each metric calls the function the diagnosis uses for the same number
(``tools.metrics``, ``tools.funnel``, ``tools.recycle``) on that slice, so the chat, the memo and
the diagnosis agree to the unit. Snapshots (open, stalled, recycle) are computed once on the whole
upload at its latest date and then restricted, so a slice sees the same stall thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from tools.columns import NAT, FrameArrays
from tools.dataset import LoadedData
from tools.funnel import conversions_from_row, stage_table
from tools.load_report import Capabilities
from tools.metric_layer.catalog import CONVERSION_STAGES
from tools.metric_layer.model import MetricInfo, MetricValue
from tools.metrics import (
    FOLLOW_UP_SLA_HOURS,
    OpenDeals,
    churn_in_window,
    cycle_days,
    follow_up_hours,
    never_contacted,
    open_deals,
    stage_lags,
    weighted_pipeline,
    win_counts,
    won_amounts,
    won_revenue,
)
from tools.periods import Periods, Window, maturity_lag
from tools.recycle import RecyclePool, recycle_pool
from tools.schema import CREATED_COLUMN, STAGE_DATE_COLUMNS, STAGES, TRANSITION_STAGES, TRANSITIONS
from tools.stats import wilson_interval

Z95 = 1.96


@dataclass
class Scope:
    """The whole upload's numpy views, its latest date and comparison windows, and cached snapshots."""

    data: LoadedData
    as_of: pd.Timestamp
    periods: Periods
    _subsets: dict[bytes, FrameArrays] = field(default_factory=dict)

    @cached_property
    def arrays(self) -> FrameArrays:
        return FrameArrays(self.data.frame)

    @cached_property
    def open(self) -> OpenDeals:
        return open_deals(self.arrays, self.as_of)

    @cached_property
    def open_mask(self) -> np.ndarray:
        mask = np.zeros(len(self.arrays), dtype=bool)
        mask[self.open.rows] = True
        return mask

    @cached_property
    def recycle(self) -> RecyclePool:
        return recycle_pool(self.arrays, self.as_of)

    @cached_property
    def first_stage(self) -> str:
        """The earliest stage the upload really holds: one with its own dates, or records that stopped there.

        An opportunity-only export marks every record as having reached the lead, MQL and SQL stages
        (a later stage implies the earlier ones), but it holds no leads, MQLs or SQLs of its own.
        """
        arrays = self.arrays
        for stage, later in zip(STAGES, STAGES[1:], strict=False):
            own = STAGE_DATE_COLUMNS[stage]
            stopped = arrays.reached(stage) & ~arrays.reached(later)
            if stage == "lead" and np.count_nonzero(stopped):
                return stage
            if stage != "lead" and ((self.has(own) and bool((arrays.dates(own) != NAT).any()))
                                    or bool(np.count_nonzero(stopped))):
                return stage
        return STAGES[-1]

    @cached_property
    def capabilities(self) -> Capabilities:
        """What the upload observes (the loader's, or worked out from an in-memory frame once)."""
        return self.data.capabilities

    @cached_property
    def dated(self) -> bool:
        """Whether any record has a start date (an undated snapshot has no periods or trends)."""
        return bool((self.arrays.dates(CREATED_COLUMN) != NAT).any())

    def everything(self) -> np.ndarray:
        return np.ones(len(self.arrays), dtype=bool)

    def sub(self, rows: np.ndarray) -> FrameArrays:
        """Numpy views of the records in ``rows`` (a mask over the upload)."""
        if rows.all():
            return self.arrays
        return FrameArrays(self.data.frame.iloc[np.flatnonzero(rows)].reset_index(drop=True))

    def has(self, column: str) -> bool:
        frame = self.data.frame
        return column in frame and bool(frame[column].notna().any())

    def event_dates(self, event: str) -> np.ndarray | None:
        """The int64-ns date that puts each record in a period for ``event`` (None for snapshots)."""
        arrays = self.arrays
        if event.startswith("stage:"):
            stage = event.split(":", 1)[1]
            return arrays.dates(CREATED_COLUMN) if stage == "lead" else arrays.stage(stage, fallback="later")
        column = {"created": CREATED_COLUMN, "won": "won_date", "lost": "lost_date", "mql": "mql_date",
                  "churn": "churn_date"}.get(event)
        if column is not None:
            return arrays.dates(column)
        if event == "closed":
            return arrays.closed()
        return None

    def in_period(self, info: MetricInfo, window: Window | None) -> np.ndarray:
        """Records whose event falls in ``window`` (everything without a window or for snapshots)."""
        dates = self.event_dates(info.event) if info.event else None
        if window is None or dates is None:
            return self.everything()
        mask = window.mask(dates)
        if info.event and info.event.startswith("stage:"):
            mask &= self.arrays.reached(info.event.split(":", 1)[1])
        return mask

    def maturity_days(self, transition: str) -> float:
        """Days by which most (90%) of a transition's conversions have happened."""
        a, b = TRANSITION_STAGES[transition]
        lags = self.arrays.between(STAGE_DATE_COLUMNS[a], STAGE_DATE_COLUMNS[b]) if a != "lead" else \
            self.arrays.between(CREATED_COLUMN, STAGE_DATE_COLUMNS[b])
        return maturity_lag(np.asarray(lags))


def rate_value(group: str | None, successes: int, n: int) -> MetricValue:
    """A rate with its Wilson 95% interval."""
    interval = wilson_interval(successes, n)
    return MetricValue(group, successes / n if n else None, n, successes,
                       interval[0] if interval else None, interval[1] if interval else None)


def mean_value(group: str | None, values: np.ndarray) -> MetricValue:
    """A mean with a normal-approximation 95% interval."""
    n = len(values)
    if not n:
        return MetricValue(group, None, 0)
    mean = float(values.mean())
    if n < 2:
        return MetricValue(group, mean, n)
    half = Z95 * float(values.std(ddof=1)) / math.sqrt(n)
    return MetricValue(group, mean, n, None, mean - half, mean + half)


def median_value(group: str | None, values: np.ndarray) -> MetricValue:
    """A median with its distribution-free 95% interval (order statistics around n/2)."""
    values = np.sort(values[~np.isnan(values)])
    n = len(values)
    if not n:
        return MetricValue(group, None, 0)
    median = float(np.median(values))
    if n < 10:
        return MetricValue(group, median, n)
    half = Z95 * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half) - 1)
    hi = min(n - 1, math.ceil(n / 2 + half) - 1)
    return MetricValue(group, median, n, None, float(values[lo]), float(values[hi]))


def count_value(group: str | None, mask: np.ndarray) -> MetricValue:
    n = int(np.count_nonzero(mask))
    return MetricValue(group, float(n), n)


def measure(info: MetricInfo, scope: Scope, rows: np.ndarray, group: str | None,
            window: Window | None) -> MetricValue:
    """``info``'s value on the records in ``rows`` (already restricted to the period's events)."""
    metric, arrays = info.id, scope.arrays
    if info.event and info.event.startswith("stage:") and info.kind == "count":
        return count_value(group, rows & arrays.reached(info.event.split(":", 1)[1]))
    if metric == "lost_deals":
        return count_value(group, rows & arrays.lost())
    if metric in ("won_revenue", "lost_amount", "opportunity_amount"):
        if metric == "won_revenue":
            sub = scope.sub(rows)
            return MetricValue(group, won_revenue(sub), int(np.count_nonzero(rows & arrays.reached("won"))))
        mask = rows & (arrays.lost() if metric == "lost_amount" else arrays.reached("opportunity"))
        return MetricValue(group, float(arrays.amount_or_zero()[mask].sum()), int(np.count_nonzero(mask)))
    if metric == "win_rate":
        won, lost = win_counts(scope.sub(rows))
        return rate_value(group, won, won + lost)
    if metric == "win_rate_amount":
        amount = arrays.amount_or_zero()
        won_amount = float(amount[rows & arrays.reached("won")].sum())
        decided = won_amount + float(amount[rows & arrays.lost()].sum())
        n = int(np.count_nonzero(rows & (arrays.reached("won") | arrays.lost())))
        return MetricValue(group, won_amount / decided if decided else None, n)
    if metric == "average_deal_size":
        return mean_value(group, won_amounts(scope.sub(rows)))
    if metric == "median_cycle_days":
        return median_value(group, cycle_days(scope.sub(rows)).to_numpy(dtype="float64"))
    if metric.startswith("days_"):
        pair = metric.removeprefix("days_")
        lags = stage_lags(scope.sub(rows), pair) if pair in TRANSITIONS else _pair_lags(scope.sub(rows), pair)
        return median_value(group, lags if lags is not None else np.empty(0))
    if metric in CONVERSION_STAGES:
        return _conversion(metric, scope, rows, group)
    if metric in ("median_follow_up_hours", "follow_up_within_sla"):
        hours = follow_up_hours(scope.sub(rows & arrays.reached("mql"))).to_numpy(dtype="float64")
        if metric == "median_follow_up_hours":
            return median_value(group, hours)
        return rate_value(group, int(np.count_nonzero(hours <= FOLLOW_UP_SLA_HOURS)), len(hours))
    if metric == "never_contacted_mqls":
        flags = never_contacted(arrays)
        return count_value(group, rows & flags if flags is not None else np.zeros_like(rows))
    if metric == "never_contacted_share":  # of the MQLs in the slice, those never contacted
        flags = never_contacted(arrays)
        mqls = rows & arrays.reached("mql")
        never = int(np.count_nonzero(mqls & flags)) if flags is not None else 0
        return rate_value(group, never, int(np.count_nonzero(mqls)))
    if metric in ("open_deals", "open_pipeline", "stalled_deals", "stalled_amount", "median_open_age_days",
                  "weighted_pipeline", "stalled_share"):
        return _snapshot(metric, scope, rows, group)
    if metric.startswith("recycle_"):
        pool = scope.recycle
        if metric == "recycle_mqls":
            return count_value(group, rows & pool.unconverted_mqls)
        mask = rows & pool.lost
        if metric == "recycle_lost_deals":
            return count_value(group, mask)
        return MetricValue(group, float(arrays.amount_or_zero()[mask].sum()), int(np.count_nonzero(mask)))
    if metric in ("churn_rate", "retention_rate", "active_customers"):
        churn = churn_in_window(scope.sub(rows), window or scope.periods.current)  # type: ignore[arg-type]
        if metric == "active_customers":
            return MetricValue(group, float(churn.active_customers), churn.active_customers)
        kept = churn.active_customers - churn.churned
        return rate_value(group, churn.churned if metric == "churn_rate" else kept, churn.active_customers)
    if metric == "churned_customers":
        return count_value(group, rows & arrays.reached("won") & (arrays.dates("churn_date") != NAT))
    raise KeyError(metric)  # every catalogue metric is measured above


def _pair_lags(arrays: FrameArrays, pair: str) -> np.ndarray | None:
    """Days from one stage's own date to a later stage's own date, per record that has both
    (``tools.metrics.stage_lags`` for two stages that are not adjacent)."""
    start, end = (STAGE_DATE_COLUMNS[s] for s in pair.split("_to_"))
    if not arrays.has(start) or not arrays.has(end):
        return None
    lag = arrays.between(start, end)
    return lag[lag >= 0]


def _conversion(metric: str, scope: Scope, rows: np.ndarray, group: str | None) -> MetricValue:
    """Stage-to-stage conversion of the records in ``rows`` (the funnel's own stage table)."""
    transition = "opportunity_to_won" if metric == "opportunity_to_won_amount" else metric
    start, end = CONVERSION_STAGES[metric]
    cohort = rows & scope.arrays.reached(start)
    totals = stage_table(scope.sub(cohort).frame).iloc[0]
    if metric == "opportunity_to_won_amount":
        row = next(c for c in conversions_from_row(totals) if c.transition == transition)
        return MetricValue(group, row.amount_rate, row.from_count)
    return rate_value(group, int(totals[end]), int(totals[start]))


def _snapshot(metric: str, scope: Scope, rows: np.ndarray, group: str | None) -> MetricValue:
    deals = scope.open
    inside = rows[deals.rows]
    if metric == "open_deals":
        return MetricValue(group, float(np.count_nonzero(inside)), int(np.count_nonzero(inside)))
    if metric == "weighted_pipeline":
        weighted = weighted_pipeline(scope.sub(rows & scope.open_mask))
        n = int(weighted["deals_with_phase"]) if weighted else 0  # type: ignore[call-overload]
        return MetricValue(group, float(weighted["weighted_amount"]) if weighted else None, n)  # type: ignore[arg-type]
    if metric == "median_open_age_days":
        return median_value(group, deals.age_days[inside])
    amount = scope.arrays.amount_or_zero()[deals.rows]
    if metric == "open_pipeline":
        return MetricValue(group, float(amount[inside].sum()), int(np.count_nonzero(inside)))
    stalled = inside & deals.stalled
    if metric == "stalled_share":  # of the open deals in the slice, those stalled
        return rate_value(group, int(np.count_nonzero(stalled)), int(np.count_nonzero(inside)))
    if metric == "stalled_deals":
        return MetricValue(group, float(np.count_nonzero(stalled)), int(np.count_nonzero(stalled)))
    return MetricValue(group, float(amount[stalled].sum()), int(np.count_nonzero(stalled)))
