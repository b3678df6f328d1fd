"""Sales metrics: win rate, deal size, cycle and stage times, follow-up, aging, pipeline, churn.

Plain functions over a canonical frame returning floats, dicts or small dataclasses. Windowed
variants take a ``Window`` (see ``tools.periods``). All vectorised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd

from tools.cohorts import close_date, stage_date
from tools.periods import ONE_DAY, Window, infer_as_of, lag_days
from tools.schema import (
    AMOUNT_COLUMN,
    LOST_FLAG,
    PHASE_COLUMN,
    PHASE_PROBABILITIES,
    REACHED_COLUMNS,
    STAGE_DATE_COLUMNS,
    TRANSITION_STAGES,
    TRANSITIONS,
)

#: Follow-up service level: first touch within this many hours of becoming an MQL.
FOLLOW_UP_SLA_HOURS = 24.0
#: An open deal older than this quantile of historical won cycles counts as stalled.
STALL_QUANTILE = 0.9
#: Stall thresholds are per value of this dimension when it has at least STALL_MIN_WON won deals.
SEGMENT_STALL_DIMENSION = "segment"
STALL_MIN_WON = 30

MetricName = Literal[
    "win_rate",
    "average_deal_size",
    "median_cycle_days",
    "median_follow_up_hours",
    "follow_up_within_sla",
    "open_pipeline",
    "weighted_pipeline",
    "churn_rate",
    "retention_rate",
    "ltv",
    "won_revenue",
]
METRIC_NAMES: tuple[str, ...] = get_args(MetricName)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")


def _won(frame: pd.DataFrame) -> pd.Series:
    return frame[REACHED_COLUMNS["won"]].astype(bool)


def _open_deals(frame: pd.DataFrame) -> pd.Series:
    return frame[REACHED_COLUMNS["opportunity"]].astype(bool) & ~_won(frame) & ~frame[LOST_FLAG].astype(bool)


def win_rate(frame: pd.DataFrame) -> float | None:
    """``won / (won + lost)`` over closed deals."""
    won = int(_won(frame).sum())
    lost = int(frame[LOST_FLAG].sum())
    return won / (won + lost) if won + lost else None


def average_deal_size(frame: pd.DataFrame) -> float | None:
    """Mean amount of won deals that carry an amount."""
    if AMOUNT_COLUMN not in frame:
        return None
    amounts = frame.loc[_won(frame), AMOUNT_COLUMN].dropna()
    return float(amounts.mean()) if len(amounts) else None


def won_revenue(frame: pd.DataFrame, window: Window | None = None) -> float:
    """Sum of won amounts (optionally for deals won inside ``window``)."""
    if AMOUNT_COLUMN not in frame:
        return 0.0
    mask = _won(frame)
    if window is not None:
        mask &= window.contains(_col(frame, "won_date"))
    return float(frame.loc[mask, AMOUNT_COLUMN].fillna(0.0).sum())


def cycle_days(frame: pd.DataFrame) -> pd.Series:
    """Days from opportunity to won, per won deal with both dates."""
    won = frame[_won(frame)]
    return lag_days(stage_date(won, "opportunity"), _col(won, "won_date"))


def median_cycle_days(frame: pd.DataFrame) -> float | None:
    """Median opportunity-to-won days."""
    days = cycle_days(frame)
    return float(days.median()) if len(days) else None


def stage_days(frame: pd.DataFrame) -> dict[str, float | None]:
    """Median days spent between consecutive stages, per transition, among records that moved."""
    out: dict[str, float | None] = {}
    for t in TRANSITIONS:
        a, b = TRANSITION_STAGES[t]
        if STAGE_DATE_COLUMNS[a] not in frame or STAGE_DATE_COLUMNS[b] not in frame:
            out[t] = None
            continue
        days = lag_days(frame[STAGE_DATE_COLUMNS[a]], frame[STAGE_DATE_COLUMNS[b]])
        out[t] = float(days.median()) if len(days) else None
    return out


def follow_up_hours(frame: pd.DataFrame) -> pd.Series:
    """Hours from MQL to first inside-sales touch, per record with both dates."""
    if "first_touch_date" not in frame or "mql_date" not in frame:
        return pd.Series(dtype="float64")
    hours = (frame["first_touch_date"] - frame["mql_date"]) / pd.Timedelta(hours=1)
    return hours[hours.notna() & (hours >= 0)]


def follow_up_summary(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """Median and 90th-percentile follow-up hours and the share within the SLA."""
    hours = follow_up_hours(frame)
    if hours.empty:
        return {"n": 0, "median_hours": None, "p90_hours": None, "within_sla": None}
    return {
        "n": int(len(hours)),
        "median_hours": float(hours.median()),
        "p90_hours": float(hours.quantile(0.9)),
        "within_sla": float((hours <= FOLLOW_UP_SLA_HOURS).mean()),
        "sla_hours": FOLLOW_UP_SLA_HOURS,
    }


@dataclass(frozen=True)
class AgingSummary:
    """Open deals and how long they have been open."""

    open_deals: int
    open_amount: float
    median_age_days: float | None
    stall_threshold_days: float | None
    stalled_deals: int
    stalled_amount: float
    by_phase: dict[str, int]
    #: per-segment thresholds (days) where a segment has enough won deals; others use the overall one
    stall_threshold_by_segment: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def stage_aging(frame: pd.DataFrame, as_of: pd.Timestamp | None = None) -> AgingSummary:
    """Age of open deals; deals older than the 90th percentile won cycle are stalled."""
    as_of = infer_as_of(frame) if as_of is None else as_of
    open_mask = _open_deals(frame)
    deals = frame[open_mask]
    age = (as_of - stage_date(deals, "opportunity")) / ONE_DAY
    cycles = cycle_days(frame)
    threshold = float(cycles.quantile(STALL_QUANTILE)) if len(cycles) else None
    amount = deals[AMOUNT_COLUMN].fillna(0.0) if AMOUNT_COLUMN in deals else pd.Series(0.0, index=deals.index)
    limit = pd.Series(np.inf if threshold is None else threshold, index=deals.index, dtype="float64")
    by_segment = _segment_stall_thresholds(frame, cycles)
    if by_segment:
        # an enterprise deal at day 110 is on schedule when enterprise deals take 105 days to win
        limit = deals[SEGMENT_STALL_DIMENSION].astype("string").map(by_segment).astype("float64").fillna(limit)
    stalled = age > limit
    by_phase: dict[str, int] = {}
    if PHASE_COLUMN in deals:
        counts = deals[PHASE_COLUMN].astype("string").fillna("(none)").value_counts()
        by_phase = {str(k): int(v) for k, v in counts.items()}
    return AgingSummary(
        open_deals=int(open_mask.sum()),
        open_amount=float(amount.sum()),
        median_age_days=float(age.median()) if len(age.dropna()) else None,
        stall_threshold_days=threshold,
        stall_threshold_by_segment=by_segment,
        stalled_deals=int(stalled.sum()),
        stalled_amount=float(amount[stalled].sum()),
        by_phase=by_phase,
    )


def _segment_stall_thresholds(frame: pd.DataFrame, cycles: pd.Series) -> dict[str, float]:
    """The stall quantile of won cycles per segment (segments with enough won deals)."""
    if SEGMENT_STALL_DIMENSION not in frame or not len(cycles):
        return {}
    key = frame.loc[cycles.index, SEGMENT_STALL_DIMENSION].astype("string")
    grouped = cycles.groupby(key, observed=True)
    sizes = grouped.size()
    quantiles = grouped.quantile(STALL_QUANTILE)
    return {str(k): float(v) for k, v in quantiles.items() if sizes[k] >= STALL_MIN_WON}


def weighted_pipeline(frame: pd.DataFrame) -> dict[str, object] | None:
    """Open amount weighted by the five-phase probabilities; ``None`` without phases/amounts."""
    if PHASE_COLUMN not in frame or AMOUNT_COLUMN not in frame:
        return None
    deals = frame[_open_deals(frame)]
    phase = deals[PHASE_COLUMN].astype("string")
    known = phase.isin(list(PHASE_PROBABILITIES))
    if not known.any():
        return None
    probability = phase[known].map(PHASE_PROBABILITIES).astype("float64")
    amount = deals.loc[known, AMOUNT_COLUMN].fillna(0.0)
    by_phase = (amount * probability).groupby(phase[known]).sum()
    return {
        "open_amount": float(amount.sum()),
        "weighted_amount": float((amount * probability).sum()),
        "deals_with_phase": int(known.sum()),
        "by_phase": {str(k): float(v) for k, v in by_phase.items()},
    }


@dataclass(frozen=True)
class ChurnSummary:
    """Churn on the customer base active at the start of a window."""

    window: str
    active_customers: int
    churned: int
    churn_rate: float | None
    active_amount: float
    churned_amount: float

    @property
    def retention_rate(self) -> float | None:
        return None if self.churn_rate is None else 1.0 - self.churn_rate

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "retention_rate": self.retention_rate}


def churn_in_window(frame: pd.DataFrame, window: Window) -> ChurnSummary:
    """Customers active at the window start (won before it, not churned) and those who churned in it."""
    won_at = _col(frame, "won_date")
    churn_at = _col(frame, "churn_date")
    active = _won(frame) & (won_at < window.start) & (churn_at.isna() | (churn_at >= window.start))
    churned = active & window.contains(churn_at)
    amount = frame[AMOUNT_COLUMN].fillna(0.0) if AMOUNT_COLUMN in frame else pd.Series(0.0, index=frame.index)
    n_active = int(active.sum())
    return ChurnSummary(
        window=window.label,
        active_customers=n_active,
        churned=int(churned.sum()),
        churn_rate=int(churned.sum()) / n_active if n_active else None,
        active_amount=float(amount[active].sum()),
        churned_amount=float(amount[churned].sum()),
    )


def simple_ltv(deal_size: float | None, churn_rate: float | None, periods_per_year: int) -> float | None:
    """Annual contract value × expected lifetime in years (1 / annual churn)."""
    if deal_size is None or churn_rate is None or churn_rate <= 0:
        return None
    annual_churn = 1.0 - (1.0 - churn_rate) ** periods_per_year
    return deal_size / annual_churn if annual_churn > 0 else None


def pipeline_coverage(
    frame: pd.DataFrame, revenue_target: float | None, won_so_far: float = 0.0
) -> dict[str, float | None]:
    """Open pipeline over the revenue still to win (target minus won so far)."""
    aging = stage_aging(frame)
    weighted = weighted_pipeline(frame)
    gap = None if revenue_target is None else max(revenue_target - won_so_far, 0.0)
    coverage = aging.open_amount / gap if gap else None
    weighted_coverage = None
    if gap and weighted is not None:
        weighted_coverage = float(weighted["weighted_amount"]) / gap  # type: ignore[arg-type]
    return {
        "revenue_target": revenue_target,
        "won_so_far": won_so_far,
        "remaining": gap,
        "open_pipeline": aging.open_amount,
        "coverage": coverage,
        "weighted_coverage": weighted_coverage,
    }


def close_dates(frame: pd.DataFrame) -> pd.Series:
    """Re-export of the close date (won, else lost) for callers of this module."""
    return close_date(frame)


def amount_stats(values: pd.Series | np.ndarray) -> tuple[float, float, int]:
    """(mean, sample variance, n) of non-missing values."""
    raw = values.to_numpy(dtype="float64", na_value=np.nan) if isinstance(values, pd.Series) else values
    clean = raw[~np.isnan(raw)]
    if len(clean) == 0:
        return (float("nan"), float("nan"), 0)
    var = float(np.var(clean, ddof=1)) if len(clean) > 1 else 0.0
    return (float(clean.mean()), var, int(len(clean)))
