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
