"""Reverse planning and sales capacity, checked against hand computations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tools.errors import RevOpsInputError
from tools.planning import capacity_plan, reverse_plan

RATES = {"lead_to_mql": 0.4, "mql_to_sql": 0.3, "sql_to_opportunity": 0.5, "opportunity_to_won": 0.25}


def test_reverse_plan_walks_the_funnel_backwards() -> None:
    plan = reverse_plan(100_000_000, RATES, 2_000_000)
    # by hand: 100M / 2M = 50 wins; / 0.25 = 200 opps; / 0.5 = 400 SQL; / 0.3 = 1333.3 -> 1334 MQL;
    # 1334 / 0.4 = 3335 leads
    assert plan.required == {"lead": 3335, "mql": 1334, "sql": 400, "opportunity": 200, "won": 50}
    assert plan.required_exact["mql"] == pytest.approx(1333.3333, rel=1e-6)
    assert plan.required_exact["lead"] == pytest.approx(3333.3333, rel=1e-6)
    assert list(plan.required) == ["lead", "mql", "sql", "opportunity", "won"]


def test_reverse_plan_rounds_every_stage_up_to_whole_records() -> None:
    rates = {"lead_to_mql": 0.45, "mql_to_sql": 0.35, "sql_to_opportunity": 0.6, "opportunity_to_won": 0.3}
    plan = reverse_plan(10_000_000, rates, 3_000_000)
    # 3.33 -> 4 wins; 4 / 0.3 = 13.3 -> 14; 14 / 0.6 = 23.3 -> 24; 24 / 0.35 = 68.6 -> 69; 69 / 0.45 = 153.3 -> 154
    assert plan.required == {"lead": 154, "mql": 69, "sql": 24, "opportunity": 14, "won": 4}


def test_reverse_plan_float_noise_does_not_add_a_record() -> None:
    rates = {"lead_to_mql": 0.5, "mql_to_sql": 0.5, "sql_to_opportunity": 0.5, "opportunity_to_won": 0.1}
    plan = reverse_plan(3_000_000, rates, 1_000_000)  # 3 / 0.1 is 30.000000000000004 in floats
    assert plan.required["opportunity"] == 30
    assert plan.required == {"lead": 240, "mql": 120, "sql": 60, "opportunity": 30, "won": 3}


def test_reverse_plan_gap_against_current_counts() -> None:
    plan = reverse_plan(100_000_000, RATES, 2_000_000, current={"lead": 3000, "won": 42})
    assert plan.gap == {"lead": 335, "won": 8}


def test_reverse_plan_accepts_numpy_numbers_and_serialises() -> None:
    rates = {k: np.float64(v) for k, v in RATES.items()}
    plan = reverse_plan(np.int64(100_000_000), rates, np.float64(2_000_000))  # type: ignore[arg-type]
    assert plan.required["lead"] == 3335
    assert json.loads(json.dumps(plan.to_dict()))["required"]["won"] == 50


def test_reverse_plan_missing_rate_message() -> None:
    rates = {k: v for k, v in RATES.items() if k != "mql_to_sql"}
    with pytest.raises(RevOpsInputError) as err:
        reverse_plan(1_000_000, rates, 100_000)
    assert str(err.value) == (
        "missing conversion rate: mql_to_sql. Reverse planning needs every stage rate; "
        "use the current rates from the diagnosis."
    )


def test_reverse_plan_unknown_rate_message() -> None:
    with pytest.raises(RevOpsInputError) as err:
        reverse_plan(1_000_000, {**RATES, "lead_to_won": 0.01}, 100_000)
    assert str(err.value) == (
        "unknown conversion rate 'lead_to_won'. "
        "Valid rates: lead_to_mql, mql_to_sql, sql_to_opportunity, opportunity_to_won."
    )


def test_reverse_plan_percent_instead_of_fraction_message() -> None:
    with pytest.raises(RevOpsInputError) as err:
        reverse_plan(1_000_000, {**RATES, "mql_to_sql": 35}, 100_000)
    assert str(err.value) == (
        "conversion rate 'mql_to_sql' must be a fraction between 0 (exclusive) and 1. "
        "Examples: '35'. Pass rates as fractions, e.g. 0.35 for 35%."
    )


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "100", None, True])
def test_reverse_plan_rejects_bad_targets(bad: object) -> None:
    with pytest.raises(RevOpsInputError, match="revenue_target must be a positive number"):
        reverse_plan(bad, RATES, 100_000)  # type: ignore[arg-type]


def test_reverse_plan_rejects_zero_rate_and_deal_size() -> None:
    with pytest.raises(RevOpsInputError, match="opportunity_to_won"):
        reverse_plan(1_000_000, {**RATES, "opportunity_to_won": 0.0}, 100_000)
    with pytest.raises(RevOpsInputError, match="average_deal_size must be a positive number"):
        reverse_plan(1_000_000, RATES, 0)


def test_reverse_plan_rejects_unknown_current_stage() -> None:
    with pytest.raises(RevOpsInputError, match="unknown stage 'deals'"):
        reverse_plan(1_000_000, RATES, 100_000, current={"deals": 3})


def test_capacity_plan_at_80_percent_attainment() -> None:
    plan = capacity_plan(120_000_000, 10_000_000)
    # by hand: a rep delivers 10M x 0.8 = 8M; 120M / 8M = 15 reps; they carry 150M of quota
    assert plan.productive_capacity_per_rep == pytest.approx(8_000_000)
    assert plan.reps_needed == 15 and plan.reps_needed_exact == pytest.approx(15.0)
    assert plan.total_quota == pytest.approx(150_000_000)
    assert plan.current_reps is None and plan.new_hires_needed is None


def test_capacity_plan_gap_and_ramping_hires() -> None:
    plan = capacity_plan(120_000_000, 10_000_000, attainment=0.8, ramp=0.5, current_reps=12)
    # by hand: 12 x 8M = 96M; gap 24M; a new hire delivers 8M x 0.5 = 4M -> 6 hires; 15 - 12 = 3
    assert plan.current_capacity == pytest.approx(96_000_000)
    assert plan.revenue_gap == pytest.approx(24_000_000)
    assert plan.reps_gap == 3 and plan.new_hires_needed == 6
    assert plan.attainment_required_of_current_team == pytest.approx(1.0)  # 120M / (12 x 10M)


def test_capacity_plan_rounds_up_and_reports_spare_capacity() -> None:
    plan = capacity_plan(100_000_000, 9_000_000, attainment=0.75, current_reps=20)
    # 9M x 0.75 = 6.75M; 100 / 6.75 = 14.8 -> 15 reps; 20 reps deliver 135M: no gap, 5 spare
    assert plan.reps_needed == 15 and plan.reps_needed_exact == pytest.approx(14.8148, rel=1e-4)
    assert plan.revenue_gap == 0 and plan.new_hires_needed == 0 and plan.reps_gap == -5
    assert json.loads(json.dumps(plan.to_dict()))["reps_needed"] == 15


def test_capacity_plan_with_no_current_reps() -> None:
    plan = capacity_plan(16_000_000, 10_000_000, current_reps=0)
    assert plan.reps_needed == 2 and plan.new_hires_needed == 4  # 16M / (8M x 0.5)
    assert plan.attainment_required_of_current_team is None


def test_capacity_plan_messages() -> None:
    with pytest.raises(RevOpsInputError) as err:
        capacity_plan(100_000_000, 10_000_000, attainment=80)
    assert str(err.value) == (
        "attainment must be a fraction between 0 (exclusive) and 2. Examples: '80'. "
        "Pass the average share of quota reps attain, e.g. 0.8 for 80%."
    )
    with pytest.raises(RevOpsInputError, match="quota_per_rep must be a positive number"):
        capacity_plan(100_000_000, 0)
    with pytest.raises(RevOpsInputError, match="current_reps must be a whole number"):
        capacity_plan(100_000_000, 10_000_000, current_reps=2.5)  # type: ignore[arg-type]
    with pytest.raises(RevOpsInputError, match="ramp must be a fraction"):
        capacity_plan(100_000_000, 10_000_000, ramp=0)


def test_inside_sales_headcount_rounds_up_and_rejects_bad_input() -> None:
    from tools.planning import inside_sales_plan

    assert inside_sales_plan(326, 150).reps_needed == 3
    assert inside_sales_plan(300, 150).reps_needed == 2
    with pytest.raises(RevOpsInputError, match="mqls_per_rep must be a positive number"):
        inside_sales_plan(300, 0)
