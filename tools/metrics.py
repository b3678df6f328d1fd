"""Sales metrics: win rate, deal size, cycle and stage times, follow-up, aging, pipeline, churn.

Plain functions over a canonical frame returning floats, dicts or small dataclasses. Windowed
variants take a ``Window`` (see ``tools.periods``). All vectorised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from tools.columns import HOUR_NS, NAT, FrameArrays, elapsed
from tools.periods import Window, infer_as_of
from tools.schema import (
    AMOUNT_COLUMN,
    PHASE_COLUMN,
    PHASE_PROBABILITIES,
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


#: A canonical frame, or its numpy views (``tools.columns``) to share one cache across metrics.
Frame: TypeAlias = pd.DataFrame | FrameArrays


def _arrays(data: Frame) -> FrameArrays:
    """Numpy views of ``data`` (pass the diagnosis's ``FrameArrays`` to share its cache)."""
    return data if isinstance(data, FrameArrays) else FrameArrays(data)


def _won(arrays: FrameArrays) -> np.ndarray:
    return arrays.reached("won")


def _open_deals(arrays: FrameArrays) -> np.ndarray:
    return arrays.memo(("open",), lambda: arrays.reached("opportunity") & ~_won(arrays) & ~arrays.lost())


def win_counts(data: Frame) -> tuple[int, int]:
    """(won, lost) deals: the counts behind the win rate."""
    arrays = _arrays(data)
    return int(np.count_nonzero(_won(arrays))), int(np.count_nonzero(arrays.lost()))


def win_rate(data: Frame) -> float | None:
    """``won / (won + lost)`` over closed deals."""
    won, lost = win_counts(data)
    return won / (won + lost) if won + lost else None


def won_amounts(data: Frame) -> np.ndarray:
    """Amounts of won deals that carry one (empty without an amount column)."""
    arrays = _arrays(data)
    if not arrays.has(AMOUNT_COLUMN):
        return np.empty(0)
    amounts = arrays.amount()[_won(arrays)]
    return amounts[~np.isnan(amounts)]


def average_deal_size(data: Frame) -> float | None:
    """Mean amount of won deals that carry an amount."""
    amounts = won_amounts(data)
    return float(amounts.mean()) if len(amounts) else None


def stage_entries(data: Frame, stage: str, window: Window) -> np.ndarray:
    """Records that entered ``stage`` inside ``window`` (its own date, else the next later stage's;
    leads by creation date): what a stage target of that period counts."""
    arrays = _arrays(data)
    dates = arrays.dates(STAGE_DATE_COLUMNS["lead"]) if stage == "lead" else arrays.stage(stage, fallback="later")
    return window.mask(dates) & arrays.reached(stage)


def won_revenue(data: Frame, window: Window | None = None) -> float:
    """Sum of won amounts (optionally for deals won inside ``window``)."""
    arrays = _arrays(data)
    if not arrays.has(AMOUNT_COLUMN):
        return 0.0
    mask = _won(arrays)
    if window is not None:
        mask = mask & window.mask(arrays.dates("won_date"))
    return float(arrays.amount_or_zero()[mask].sum())


def _won_rows(arrays: FrameArrays) -> np.ndarray:
    return arrays.memo(("won_rows",), lambda: np.flatnonzero(_won(arrays)))


def _cycle_lags(arrays: FrameArrays) -> np.ndarray:
    """Opportunity-to-won days per won deal, in ``_won_rows`` order (NaN where a date is missing)."""
    def make() -> np.ndarray:
        rows = _won_rows(arrays)
        return elapsed(arrays.stage("opportunity", rows=rows), arrays.dates("won_date")[rows])

    return arrays.memo(("cycle_days",), make)


def cycle_days(data: Frame) -> pd.Series:
    """Days from opportunity to won, per won deal with both dates."""
    arrays = _arrays(data)
    lag = _cycle_lags(arrays)
    keep = lag >= 0  # NaN compares False
    return pd.Series(lag[keep], index=arrays.frame.index[_won_rows(arrays)[keep]])


def median_cycle_days(data: Frame) -> float | None:
    """Median opportunity-to-won days."""
    lag = _cycle_lags(_arrays(data))
    days = lag[lag >= 0]
    return float(np.median(days)) if len(days) else None


def stage_lags(data: Frame, transition: str) -> np.ndarray | None:
    """Days between the two stage dates of ``transition`` per record that moved (None without the dates)."""
    arrays = _arrays(data)
    a, b = TRANSITION_STAGES[transition]
    if not arrays.has(STAGE_DATE_COLUMNS[a]) or not arrays.has(STAGE_DATE_COLUMNS[b]):
        return None
    # a to-stage date implies reaching that stage: only those records can have a lag
    rows = np.flatnonzero(arrays.reached(b))
    lag = elapsed(arrays.dates(STAGE_DATE_COLUMNS[a])[rows], arrays.dates(STAGE_DATE_COLUMNS[b])[rows])
    return lag[lag >= 0]


def stage_days(data: Frame) -> dict[str, float | None]:
    """Median days spent between consecutive stages, per transition, among records that moved."""
    out: dict[str, float | None] = {}
    for t in TRANSITIONS:
        days = stage_lags(data, t)
        out[t] = float(np.median(days)) if days is not None and len(days) else None
    return out


def follow_up_hours(data: Frame) -> pd.Series:
    """Hours from MQL to first inside-sales touch, per record with both dates."""
    arrays = _arrays(data)
    if not arrays.has("first_touch_date") or not arrays.has("mql_date"):
        return pd.Series(dtype="float64")
    hours = arrays.between("mql_date", "first_touch_date", HOUR_NS)
    keep = hours >= 0
    return pd.Series(hours[keep], index=arrays.frame.index[keep])


def never_contacted(data: Frame) -> np.ndarray | None:
    """MQLs with no first inside-sales touch that never became SQL (None without touch dates)."""
    arrays = _arrays(data)
    if not arrays.has("first_touch_date"):
        return None
    return arrays.reached("mql") & ~arrays.reached("sql") & (arrays.dates("first_touch_date") == NAT)


def follow_up_summary(data: Frame) -> dict[str, float | int | None]:
    """Median and 90th-percentile follow-up hours and the share within the SLA."""
    hours = follow_up_hours(data).to_numpy()
    if not len(hours):
        return {"n": 0, "median_hours": None, "p90_hours": None, "within_sla": None}
    return {
        "n": int(len(hours)),
        "median_hours": float(np.median(hours)),
        "p90_hours": float(np.quantile(hours, 0.9)),
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


@dataclass(frozen=True)
class OpenDeals:
    """Open deals (row positions), their age in days at the analysis date and which are stalled."""

    rows: np.ndarray
    age_days: np.ndarray
    stalled: np.ndarray
    threshold: float | None
    by_segment: dict[str, float]


def open_deals(data: Frame, as_of: pd.Timestamp | None = None) -> OpenDeals:
    """Deals that reached the opportunity stage and are neither won nor lost, aged at ``as_of``;
    older than the 90th percentile won cycle (of their segment when it has enough wins) is stalled."""
    arrays = _arrays(data)
    frame = arrays.frame
    as_of = infer_as_of(frame) if as_of is None else as_of
    rows = np.flatnonzero(_open_deals(arrays))
    age = elapsed(arrays.stage("opportunity")[rows], np.full(len(rows), pd.Timestamp(as_of).value))
    cycles = cycle_days(arrays)
    threshold = float(np.quantile(cycles.to_numpy(), STALL_QUANTILE)) if len(cycles) else None
    limit = np.full(len(rows), np.inf if threshold is None else threshold)
    by_segment = _segment_stall_thresholds(frame, cycles)
    if by_segment:
        # an enterprise deal at day 110 is on schedule when enterprise deals take 105 days to win
        segment = frame[SEGMENT_STALL_DIMENSION].iloc[rows].astype("string")
        limit = segment.map(by_segment).astype("float64").fillna(pd.Series(limit, index=segment.index)).to_numpy()
    return OpenDeals(rows, age, age > limit, threshold, by_segment)  # NaN age (no date) is not stalled


def stage_aging(data: Frame, as_of: pd.Timestamp | None = None) -> AgingSummary:
    """Age of open deals; deals older than the 90th percentile won cycle are stalled."""
    arrays = _arrays(data)
    frame = arrays.frame
    deals = open_deals(arrays, as_of)
    rows, age, stalled, threshold, by_segment = (deals.rows, deals.age_days, deals.stalled, deals.threshold,
                                                 deals.by_segment)
    amount = arrays.amount_or_zero()[rows]
    by_phase: dict[str, int] = {}
    if PHASE_COLUMN in frame:
        counts = frame[PHASE_COLUMN].iloc[rows].astype("string").fillna("(none)").value_counts()
        by_phase = {str(k): int(v) for k, v in counts.items()}
    known_age = age[~np.isnan(age)]
    return AgingSummary(
        open_deals=len(rows),
        open_amount=float(amount.sum()),
        median_age_days=float(np.median(known_age)) if len(known_age) else None,
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


def weighted_pipeline(data: Frame) -> dict[str, object] | None:
    """Open amount weighted by the five-phase probabilities; ``None`` without phases/amounts."""
    arrays = _arrays(data)
    frame = arrays.frame
    if PHASE_COLUMN not in frame or AMOUNT_COLUMN not in frame:
        return None
    deals = frame[[PHASE_COLUMN, AMOUNT_COLUMN]].iloc[np.flatnonzero(_open_deals(arrays))]
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


def churn_in_window(data: Frame, window: Window) -> ChurnSummary:
    """Customers active at the window start (won before it, not churned) and those who churned in it."""
    arrays = _arrays(data)
    won_at = arrays.dates("won_date")
    churn_at = arrays.dates("churn_date")
    start = window.start.value
    active = _won(arrays) & (won_at != NAT) & (won_at < start) & ((churn_at == NAT) | (churn_at >= start))
    churned = active & window.mask(churn_at)
    amount = arrays.amount_or_zero()
    n_active = int(np.count_nonzero(active))
    n_churned = int(np.count_nonzero(churned))
    return ChurnSummary(
        window=window.label,
        active_customers=n_active,
        churned=n_churned,
        churn_rate=n_churned / n_active if n_active else None,
        active_amount=float(amount[active].sum()),
        churned_amount=float(amount[churned].sum()),
    )


def simple_ltv(deal_size: float | None, churn_rate: float | None, periods_per_year: int) -> float | None:
    """Annual contract value × expected lifetime in years (1 / annual churn)."""
    if deal_size is None or churn_rate is None or churn_rate <= 0:
        return None
    annual_churn = 1.0 - (1.0 - churn_rate) ** periods_per_year
    return deal_size / annual_churn if annual_churn > 0 else None


#: Open pipeline below this multiple of the revenue still to win is low coverage (the usual 3x rule).
COVERAGE_FLOOR = 3.0


def pipeline_coverage(
    data: Frame, revenue_target: float | None, won_so_far: float = 0.0
) -> dict[str, float | None]:
    """Open pipeline over the revenue still to win (target minus won so far)."""
    aging = stage_aging(data)
    weighted = weighted_pipeline(data)
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


def amount_stats(values: pd.Series | np.ndarray) -> tuple[float, float, int]:
    """(mean, sample variance, n) of non-missing values."""
    raw = values.to_numpy(dtype="float64", na_value=np.nan) if isinstance(values, pd.Series) else values
    clean = raw[~np.isnan(raw)]
    if len(clean) == 0:
        return (float("nan"), float("nan"), 0)
    var = float(np.var(clean, ddof=1)) if len(clean) > 1 else 0.0
    return (float(clean.mean()), var, int(len(clean)))
