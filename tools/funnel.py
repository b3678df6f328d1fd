"""Funnel math: reached counts and amounts per stage, and stage-to-stage conversion.

Overall conversion is ``reached(to) / reached(from)`` over the whole data, count-based and
amount-based. Current-vs-baseline conversion is cohort-based (see ``tools.cohorts``). Everything
is vectorised (one groupby per table) so it runs on millions of rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from tools.dataset import LoadedData
from tools.errors import RevOpsInputError
from tools.periods import GRAINS, Grain, choose_periods, code_window, maturity_lag_days, period_codes
from tools.schema import (
    AMOUNT_COLUMN,
    CREATED_COLUMN,
    DIMENSION_COLUMNS,
    REACHED_COLUMNS,
    STAGE_DATE_COLUMNS,
    STAGES,
    TRANSITION_STAGES,
    TRANSITIONS,
    is_extra_dimension,
)


@dataclass(frozen=True)
class StageCount:
    """Records (and their amount) that reached a stage."""

    stage: str
    count: int
    amount: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class StageConversion:
    """Conversion from one stage to the next, by count and by amount."""

    transition: str
    from_count: int
    to_count: int
    rate: float | None
    amount_rate: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def has_amounts(frame: pd.DataFrame) -> bool:
    """The frame carries at least one deal amount."""
    return AMOUNT_COLUMN in frame and bool(frame[AMOUNT_COLUMN].notna().any())


#: Share of a stage's own records that must carry an amount for the stage's amount to mean something.
AMOUNT_DEFINED_SHARE = 0.5


def amount_stages(frame: pd.DataFrame) -> tuple[str, ...]:
    """Stages whose amount is meaningful: from the first stage whose own records carry amounts.

    A stage's own records are those that reached it and went no further. Amounts are a deal
    attribute (the opportunity stage in a CRM export): leads that never became a deal carry none,
    so lead/MQL/SQL amounts would only repeat the amounts of the later deals and are undefined.
    """
    if not has_amounts(frame):
        return ()
    carries = frame[AMOUNT_COLUMN].notna().to_numpy()
    for i, stage in enumerate(STAGES):
        reached = frame[REACHED_COLUMNS[stage]].to_numpy(dtype=bool)
        if i + 1 < len(STAGES):
            reached = reached & ~frame[REACHED_COLUMNS[STAGES[i + 1]]].to_numpy(dtype=bool)
        n = int(np.count_nonzero(reached))
        if n and int(np.count_nonzero(carries & reached)) >= AMOUNT_DEFINED_SHARE * n:
            return STAGES[i:]
    return ()


def stage_table(frame: pd.DataFrame, keys: list[pd.Series] | None = None) -> pd.DataFrame:
    """Reached counts ``<stage>`` and amounts ``<stage>_amount`` per group (one row if no keys).

    Amount columns exist only for the stages of ``amount_stages``.
    """
    with_amount = amount_stages(frame)
    amount = frame[AMOUNT_COLUMN].fillna(0.0).to_numpy() if with_amount else None
    reached = {stage: frame[REACHED_COLUMNS[stage]].to_numpy(dtype=bool) for stage in STAGES}
    if not keys:
        # one row of totals straight from numpy (no million-row frame to build and sum)
        totals: dict[str, float | int] = {}
        for stage in STAGES:
            totals[stage] = int(np.count_nonzero(reached[stage]))
            if amount is not None and stage in with_amount:
                totals[f"{stage}_amount"] = float(np.where(reached[stage], amount, 0.0).sum())
        return pd.DataFrame([totals])
    data: dict[str, np.ndarray] = {}
    for stage in STAGES:
        data[stage] = reached[stage].astype(np.int64)
        if amount is not None and stage in with_amount:
            data[f"{stage}_amount"] = np.where(reached[stage], amount, 0.0)
    table = pd.DataFrame(data, index=frame.index)
    return table.groupby([k.rename(k.name or f"key{i}") for i, k in enumerate(keys)], observed=True).sum()


def _stage_amount(row: pd.Series, stage: str) -> float | None:
    key = f"{stage}_amount"
    return float(row[key]) if key in row.index else None


def stage_counts(frame: pd.DataFrame) -> list[StageCount]:
    """Records that reached each stage over the whole data (SPEC §5 ``funnel.stages``).

    ``amount`` is ``None`` for stages before amounts are defined (see ``amount_stages``).
    """
    return counts_from_row(stage_table(frame).iloc[0])


def counts_from_row(row: pd.Series) -> list[StageCount]:
    """Stage counts from one row of ``stage_table``."""
    return [StageCount(s, int(row[s]), _stage_amount(row, s)) for s in STAGES]


def conversions_from_row(row: pd.Series) -> list[StageConversion]:
    """Stage conversions from one row of ``stage_table``; amount-based only between amount stages."""
    out = []
    for t in TRANSITIONS:
        a, b = TRANSITION_STAGES[t]
        n_from, n_to = int(row[a]), int(row[b])
        amount_from, amount_to = _stage_amount(row, a), _stage_amount(row, b)
        amount_rate = None
        if amount_from and amount_to is not None:
            amount_rate = amount_to / amount_from
        out.append(StageConversion(t, n_from, n_to, n_to / n_from if n_from else None, amount_rate))
    return out


def stage_conversions(frame: pd.DataFrame) -> list[StageConversion]:
    """Whole-data conversion per transition (count- and amount-based)."""
    return conversions_from_row(stage_table(frame).iloc[0])


def check_dimension(frame: pd.DataFrame, by: str) -> None:
    """Raise a message the caller (or the model) can act on when ``by`` cannot be used.

    The canonical dimensions, and the upload's extra dimensions (``x_...`` columns on the frame).
    """
    extras = [c for c in frame.columns if is_extra_dimension(c)]
    if by not in DIMENSION_COLUMNS and by not in extras:
        raise RevOpsInputError(
            f"unknown dimension '{by}'", hint="Valid dimensions: " + ", ".join([*DIMENSION_COLUMNS, *extras])
        )
    if by not in frame or not frame[by].notna().any():
        present = [d for d in [*DIMENSION_COLUMNS, *extras] if d in frame and frame[d].notna().any()]
        raise RevOpsInputError(
            f"the data has no '{by}' column",
            hint="Dimensions present: " + (", ".join(present) if present else "none"),
        )


#: Label of records without a value in a dimension.
MISSING_LABEL = "(missing)"


def dimension_key(frame: pd.DataFrame, by: str) -> pd.Series:
    """The dimension as a string key with missing values labelled ``(missing)``."""
    col = frame[by]
    if by == "employee_count":
        col = employee_band(col)
    return col.astype("string").fillna(MISSING_LABEL).rename(by)


def employee_band(counts: pd.Series) -> pd.Series:
    """Bucket employee counts into the usual company-size bands."""
    bins = [-np.inf, 49, 249, 999, np.inf]
    labels = ["1-49", "50-249", "250-999", "1000+"]
    return pd.cut(pd.to_numeric(counts, errors="coerce"), bins=bins, labels=labels).astype("string")


def funnel_summary(
    data: LoadedData | pd.DataFrame,
    by: str | None = None,
    period: Grain | None = None,
) -> dict[str, object]:
    """Funnel stages and conversions, overall or split by a dimension and/or a cohort period.

    Args:
        data: the loaded dataset (or a canonical frame with stage flags).
        by: a dimension (lead_source, segment, industry, employee_count, icp_fit, owner, region).
        period: "month" or "quarter" to split by lead-creation cohort.

    Returns:
        ``{"by", "period", "groups": [{"key": {...}, "stages": [...], "conversions": [...]}]}``;
        period groups carry ``immature`` transitions whose cohort has not had time to convert.
    """
    frame = data.frame if isinstance(data, LoadedData) else data
    keys: list[pd.Series] = []
    if by is not None:
        check_dimension(frame, by)
        keys.append(dimension_key(frame, by))
    if period is not None:
        if period not in GRAINS:
            raise RevOpsInputError(f"unknown period '{period}'", hint="Use month or quarter")
        keys.append(period_codes(frame[CREATED_COLUMN], period).rename("period"))
    table = stage_table(frame, keys)
    lags = transition_lags(frame) if period is not None else {}
    as_of = choose_periods(frame).as_of if period is not None else None
    groups = []
    for idx, row in table.iterrows():
        key_values = idx if isinstance(idx, tuple) else (idx,)
        key: dict[str, object] = {}
        if keys:
            key = {k.name: v for k, v in zip(keys, key_values, strict=True)}
        group: dict[str, object] = {
            "key": key,
            "stages": [{"stage": s, "count": int(row[s]), "amount": _stage_amount(row, s)} for s in STAGES],
            "conversions": [c.to_dict() for c in conversions_from_row(row)],
        }
        if period is not None and as_of is not None:
            window = code_window(int(key["period"]), period)  # type: ignore[call-overload]
            key["period"] = window.label
            end = window.end
            group["immature"] = [t for t in TRANSITIONS if end + pd.Timedelta(days=lags[t]) > as_of]
        groups.append(group)
    return {"by": by, "period": period, "groups": groups}


def transition_lags(frame: pd.DataFrame) -> dict[str, float]:
    """Maturity lag (days) per transition, from creation, for period-split funnels."""
    out = {}
    for t in TRANSITIONS:
        _, b = TRANSITION_STAGES[t]
        col = STAGE_DATE_COLUMNS[b]
        out[t] = maturity_lag_days(frame[CREATED_COLUMN], frame[col]) if col in frame else 0.0
    return out


def factorise_dimension(frame: pd.DataFrame, dimension: str) -> tuple[np.ndarray, list[str]]:
    """``pd.factorize(dimension_key(frame, dimension))`` as (codes, labels), cheaply for text columns."""
    column = frame[dimension]
    if dimension == "employee_count" or not isinstance(column.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(dimension_key(frame, dimension))
        return np.asarray(codes), [str(u) for u in uniques]
    codes, uniques = pd.factorize(column)
    codes = np.asarray(codes)
    labels = [str(u) for u in uniques]
    missing = codes < 0
    if not missing.any():
        return codes, labels
    if MISSING_LABEL in labels:  # a literal "(missing)" value merges with the gaps: the slow way
        codes, uniques = pd.factorize(dimension_key(frame, dimension))
        return np.asarray(codes), [str(u) for u in uniques]
    # the gaps get the code their first appearance would have had
    first = int(np.argmax(missing))
    k = int(codes[:first].max()) + 1 if first else 0
    codes = np.where(codes >= k, codes + 1, codes)
    codes[missing] = k
    labels.insert(k, MISSING_LABEL)
    return codes, labels
