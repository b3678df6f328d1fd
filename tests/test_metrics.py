"""Metrics against hand computations on the fixture."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.engine_fixture import AS_OF, fixture_data
from tools.metrics import (
    average_deal_size,
    churn_in_window,
    follow_up_summary,
    median_cycle_days,
    simple_ltv,
    stage_aging,
    stage_days,
    weighted_pipeline,
    win_rate,
)
from tools.periods import make_window


def test_win_rate_and_deal_size() -> None:
    frame = fixture_data().frame
    assert win_rate(frame) == pytest.approx(2 / 3)  # A, C won; B lost
    assert average_deal_size(frame) == pytest.approx(2000.0)


def test_cycle_and_stage_days() -> None:
    frame = fixture_data().frame
    # A: Jan 20 -> Feb 19 = 30 days; C: Feb 1 -> Apr 2 = 60 days
    assert median_cycle_days(frame) == pytest.approx(45.0)
    days = stage_days(frame)
    # sql->opp: A 10, B 10, C 17, D 19, H 76 -> median 17
    assert days["sql_to_opportunity"] == pytest.approx(17.0)


def test_follow_up_hours() -> None:
    summary = follow_up_summary(fixture_data().frame)
    # A 3h, B 24h, C 1h, D 72h, E 12h, H 1h -> median 7.5h; within 24h: 5 of 6
    assert summary["n"] == 6
    assert summary["median_hours"] == pytest.approx(7.5)
    assert summary["within_sla"] == pytest.approx(5 / 6)


def test_stage_aging_and_weighted_pipeline() -> None:
    frame = fixture_data().frame
    aging = stage_aging(frame, AS_OF)
    # open deals: D (opened Mar 1, 121 days) and H (Jun 20, 10 days)
    assert aging.open_deals == 2
    assert aging.open_amount == pytest.approx(9000.0)
    assert aging.median_age_days == pytest.approx((121 + 10) / 2)
    # stall threshold = 90th percentile of won cycles (30, 60) = 57 days: D is stalled
    assert aging.stall_threshold_days == pytest.approx(57.0)
    assert aging.stalled_deals == 1
    weighted = weighted_pipeline(frame)
    assert weighted is not None
    assert weighted["weighted_amount"] == pytest.approx(4000 * 0.5 + 5000 * 0.30)


def test_churn_on_active_base_and_ltv() -> None:
    frame = fixture_data().frame
    q2 = make_window(pd.Timestamp("2025-04-01"), 3)
    churn = churn_in_window(frame, q2)
    # active on Apr 1: A (won Feb 19); C won Apr 2 is not yet a customer at the start
    assert churn.active_customers == 1
    assert churn.churned == 0
    h1 = make_window(pd.Timestamp("2025-05-01"), 2)
    churn = churn_in_window(frame, h1)
    assert (churn.active_customers, churn.churned) == (2, 1)
    assert churn.churn_rate == pytest.approx(0.5)
    assert churn.retention_rate == pytest.approx(0.5)
    # ACV 1,000 with 10% quarterly churn: annual churn 1 - 0.9^4
    assert simple_ltv(1000.0, 0.1, 4) == pytest.approx(1000.0 / (1 - 0.9**4))
    assert simple_ltv(1000.0, 0.0, 4) is None
