"""Funnel math against hand counts on the fixture."""

from __future__ import annotations

import pytest

from tests.engine_fixture import fixture_data
from tools.errors import RevOpsInputError
from tools.funnel import funnel_summary, stage_conversions, stage_counts


def test_stage_counts_and_amounts() -> None:
    stages = {s.stage: s for s in stage_counts(fixture_data().frame)}
    # reached: lead all 8; mql A-F,H = 7; sql A-E,H = 6; opp A,B,C,D,H = 5; won A,C = 2
    assert [stages[s].count for s in ("lead", "mql", "sql", "opportunity", "won")] == [8, 7, 6, 5, 2]
    assert stages["opportunity"].amount == pytest.approx(15000.0)
    assert stages["won"].amount == pytest.approx(4000.0)


def test_conversions_count_and_amount_based() -> None:
    conv = {c.transition: c for c in stage_conversions(fixture_data().frame)}
    assert conv["lead_to_mql"].rate == pytest.approx(7 / 8)
    assert conv["mql_to_sql"].rate == pytest.approx(6 / 7)
    assert conv["sql_to_opportunity"].rate == pytest.approx(5 / 6)
    assert conv["opportunity_to_won"].rate == pytest.approx(2 / 5)
    assert conv["opportunity_to_won"].amount_rate == pytest.approx(4000 / 15000)


def test_funnel_by_dimension() -> None:
    summary = funnel_summary(fixture_data(), by="segment")
    groups = {g["key"]["segment"]: g for g in summary["groups"]}  # type: ignore[index]
    ent = {s["stage"]: s["count"] for s in groups["Enterprise"]["stages"]}
    assert ent == {"lead": 3, "mql": 2, "sql": 2, "opportunity": 2, "won": 1}


def test_funnel_by_period_flags_immature_cohorts() -> None:
    summary = funnel_summary(fixture_data(), period="month")
    groups = {g["key"]["period"]: g for g in summary["groups"]}  # type: ignore[index]
    assert set(groups) == {"2025-01", "2025-02", "2025-03", "2025-04"}
    assert groups["2025-01"]["stages"][0]["count"] == 3
    # April leads have had less time than the observed lead->won lag: flagged, not a drop
    assert "opportunity_to_won" in groups["2025-04"]["immature"]


def test_unknown_dimension_is_a_clear_message() -> None:
    with pytest.raises(RevOpsInputError, match="unknown dimension 'colour'.*Valid dimensions: lead_source"):
        funnel_summary(fixture_data(), by="colour")
    with pytest.raises(RevOpsInputError, match="no 'region' column.*Dimensions present: segment"):
        funnel_summary(fixture_data(), by="region")


def test_stage_amounts_only_where_amounts_are_defined() -> None:
    frame = fixture_data().frame
    stages = {s.stage: s for s in stage_counts(frame)}
    # amounts live on deals: every opportunity carries one, no lead that never became one does
    deals = frame["reached_opportunity"].astype(bool)
    assert frame.loc[deals, "amount"].notna().all() and frame.loc[~deals, "amount"].isna().all()
    for stage in ("lead", "mql", "sql"):
        assert stages[stage].amount is None, stage
    assert stages["opportunity"].amount == pytest.approx(float(frame.loc[deals, "amount"].sum()))
    conv = {c.transition: c for c in stage_conversions(frame)}
    for t in ("lead_to_mql", "mql_to_sql", "sql_to_opportunity"):
        assert conv[t].amount_rate is None, t
    assert conv["opportunity_to_won"].amount_rate is not None


def test_stage_amounts_from_lead_when_leads_carry_amounts() -> None:
    frame = fixture_data().frame.copy()
    frame["amount"] = frame["amount"].fillna(500.0)  # e.g. an expected value on every record
    stages = {s.stage: s for s in stage_counts(frame)}
    assert stages["lead"].amount == pytest.approx(float(frame["amount"].sum()))
    conv = {c.transition: c for c in stage_conversions(frame)}
    expected = frame.loc[frame["reached_mql"].astype(bool), "amount"].sum() / frame["amount"].sum()
    assert conv["lead_to_mql"].amount_rate == pytest.approx(expected)


def test_funnel_summary_groups_have_null_amounts_before_deals() -> None:
    summary = funnel_summary(fixture_data(), by="segment")
    for group in summary["groups"]:  # type: ignore[attr-defined]
        amounts = {s["stage"]: s["amount"] for s in group["stages"]}
        assert amounts["lead"] is None and amounts["sql"] is None
        assert amounts["opportunity"] is not None
