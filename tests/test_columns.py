"""The numpy views the diagnosis runs on agree with the plain pandas definitions they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.columns import DAY_NS, HOUR_NS, NAT, FrameArrays, elapsed, to_ns
from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario
from tools.periods import Window, maturity_lag_days
from tools.schema import CREATED_COLUMN, STAGE_DATE_COLUMNS, STAGES


def _stage_date(frame: pd.DataFrame, stage: str, fallback: str) -> pd.Series:
    """The definition written plainly in pandas: the stage's date, else the creation date
    ("earlier") or the first later stage date ("later")."""
    dates = frame[STAGE_DATE_COLUMNS[stage]]
    if fallback == "earlier":
        return dates.fillna(frame[CREATED_COLUMN])
    for later in STAGES[STAGES.index(stage) + 1 :]:
        dates = dates.fillna(frame[STAGE_DATE_COLUMNS[later]])
    return dates


def _ns(values: list[str | None]) -> np.ndarray:
    return to_ns(pd.Series(pd.to_datetime(values, format="ISO8601")))


def test_missing_dates_are_nat_and_compare_below_every_window() -> None:
    dates = _ns(["2025-01-31 23:59:59", None, "2025-02-01"])
    assert dates[1] == NAT
    january = Window("2025-01", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"))
    assert january.mask(dates).tolist() == [True, False, False]
    early = Window("1900", pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01"))
    assert early.mask(dates).tolist() == [True, False, True]


def test_elapsed_is_exact_and_nan_where_a_date_is_missing() -> None:
    start = _ns(["2025-01-01 00:00", "2025-01-01", None, "2025-03-01 12:00"])
    end = _ns(["2025-01-03 06:00", None, "2025-01-05", "2025-03-01 00:00"])
    days = elapsed(start, end)
    assert days[0] == 2.25 and days[3] == -0.5
    assert np.isnan(days[1]) and np.isnan(days[2])
    assert elapsed(start, end, HOUR_NS)[0] == 54.0


def test_lags_match_pandas_timedelta_arithmetic() -> None:
    rng = np.random.default_rng(3)
    base = pd.Timestamp("2024-01-01")
    start = pd.Series(base + pd.to_timedelta(rng.integers(0, 10**7, 500), unit="s"))
    end = start + pd.to_timedelta(rng.integers(-10**5, 10**7, 500), unit="s")
    start[rng.random(500) < 0.2] = pd.NaT
    end[rng.random(500) < 0.2] = pd.NaT
    expected = (end - start) / pd.Timedelta(days=1)
    days = elapsed(to_ns(start), to_ns(end))
    assert np.array_equal(days, expected.to_numpy(dtype="float64", na_value=np.nan), equal_nan=True)
    expected = expected[expected.notna() & (expected >= 0)]
    assert maturity_lag_days(start, end) == float(np.ceil(expected.quantile(0.9)))


@pytest.mark.parametrize("gap_share", [0.05, 0.9])  # sparse gaps (looked up) and mostly gaps (merged)
def test_stage_dates_and_close_dates_match_the_series_definitions(gap_share: float) -> None:
    frame = generate_scenario("healthy", 4, months=14, leads_per_month=150).frame.copy()
    rng = np.random.default_rng(5)
    for column in ("mql_date", "sql_date", "opportunity_date"):
        frame.loc[rng.random(len(frame)) < gap_share, column] = pd.NaT
    data = from_canonical(frame)
    arrays = FrameArrays(data.frame)
    for stage in STAGES:
        # the records that reached the stage: few gaps, or mostly gaps with ``gap_share`` 0.9
        rows = np.flatnonzero(arrays.reached(stage))
        for fallback in ("earlier", "later"):
            expected = to_ns(_stage_date(data.frame, stage, fallback))
            assert np.array_equal(arrays.stage(stage, fallback), expected), (stage, fallback)
            assert np.array_equal(arrays.stage(stage, fallback, rows=rows), expected[rows]), (stage, fallback)
    assert np.array_equal(arrays.closed(), to_ns(data.frame["won_date"].fillna(data.frame["lost_date"])))


def test_cached_views_are_read_only() -> None:
    data = from_canonical(generate_scenario("healthy", 1, months=12, leads_per_month=30).frame)
    arrays = FrameArrays(data.frame)
    with pytest.raises(ValueError):
        arrays.reached("won")[0] = True
    with pytest.raises(ValueError):
        arrays.stage("sql")[0] = 0
    assert arrays.between("mql_date", "sql_date") is arrays.between("mql_date", "sql_date")


def test_amounts_and_absent_columns() -> None:
    frame = pd.DataFrame({
        "record_id": ["a", "b", "c"],
        "created_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
        "won_date": pd.to_datetime([None, "2025-02-01", None]),
        "amount": [np.nan, 100.0, 5.0],
    })
    arrays = FrameArrays(from_canonical(frame).frame)
    assert arrays.amount_or_zero().tolist() == [0.0, 100.0, 5.0]
    assert (arrays.dates("churn_date") == NAT).all() and not arrays.has("churn_date")
    assert arrays.closed()[1] - arrays.dates("created_date")[1] == 30 * DAY_NS
