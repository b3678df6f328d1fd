"""Targets files: long and wide forms, period grains, pro-rated lookups, clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tools.errors import TargetsError
from tools.ingest.targets import load_targets, period_bounds

HINT = ("Use a long file with columns period,metric,target or a wide one with period,leads,mql,sql,opportunities,"
        "won,revenue; periods look like 2025-04, 2025-Q2 or 2025.")


def write(tmp_path: Path, text: str, name: str = "targets.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_long_form(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, "period,metric,target\n2025-01,leads,500\n2025-02,leads,520\n"
                                           "2025-01,revenue,\"10,000,000\"\n"))
    assert targets.frame.to_dict(orient="records") == [
        {"period": "2025-01", "grain": "month", "metric": "leads", "target": 500.0},
        {"period": "2025-02", "grain": "month", "metric": "leads", "target": 520.0},
        {"period": "2025-01", "grain": "month", "metric": "revenue", "target": 10_000_000.0},
    ]
    assert targets.metrics == ["leads", "revenue"]


def test_wide_form_with_quarters_and_years(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, "period,leads,mql,sql,opportunities,won,revenue\n"
                                           "2025-Q1,1500,600,200,80,20,30000000\n2026,6000,,,,,\n"))
    frame = targets.frame
    assert set(frame["grain"]) == {"quarter", "year"}
    assert len(frame) == 7  # six Q1 metrics + the 2026 leads target; blanks are not targets
    assert frame.loc[(frame["period"] == "2026") & (frame["metric"] == "leads"), "target"].item() == 6000


def test_japanese_headers_and_period_spellings(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, "期間,指標,目標\n2025/4,受注金額,\"¥5,000,000\"\n2025Q3,商談数,40\n"))
    assert targets.frame[["period", "metric"]].values.tolist() == [["2025-Q3", "opportunities"],
                                                                   ["2025-04", "revenue"]]


def test_target_for_a_range_prorates_partial_periods(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, "period,revenue\n2025-Q1,900\n2025-Q2,910\n"))
    assert targets.target_for("revenue", date(2025, 1, 1), date(2025, 3, 31)) == pytest.approx(900)
    # February and March (59 of Q1's 90 days) + April (30 of Q2's 91 days) = 590 + 300
    assert targets.target_for("revenue", date(2025, 2, 1), date(2025, 4, 30)) == pytest.approx(890)
    assert targets.target_for("leads", date(2025, 1, 1), date(2025, 3, 31)) is None


def test_a_quarter_with_only_its_first_month_has_no_whole_target(tmp_path: Path) -> None:
    """The demo's targets end in October: October's 84.9M is not the fourth quarter's target."""
    targets = load_targets(write(tmp_path, "period,revenue\n2026-09,80\n2026-10,85\n"))
    q4 = (date(2026, 10, 1), date(2026, 12, 31))
    assert targets.target_for("revenue", *q4) == pytest.approx(85)  # what overlaps (the engine's findings use this)
    assert targets.target_for("revenue", *q4, whole=True) is None  # coverage and the forecast need the whole
    assert targets.target_for("revenue", date(2026, 9, 1), date(2026, 10, 31), whole=True) == pytest.approx(165)


def test_finest_grain_wins(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, "period,metric,target\n2025,won,120\n2025-01,won,9\n2025-02,won,11\n"))
    assert targets.target_for("won", date(2025, 1, 1), date(2025, 2, 28)) == pytest.approx(20)


def test_period_bounds() -> None:
    assert period_bounds("2024-02") == ("month", date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2025-Q4") == ("quarter", date(2025, 10, 1), date(2025, 12, 31))
    assert period_bounds("2025") == ("year", date(2025, 1, 1), date(2025, 12, 31))


def test_bad_periods(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "period,metric,target\n2025-13,leads,5\nQ1,leads,1\n2025-01,leads,3\n"))
    assert str(info.value) == ("targets.csv, column 'period': periods must look like 2025-04, 2025-Q2 or 2025 "
                               "(2 rows). Examples: '2025-13', 'Q1'. " + HINT)


def test_unknown_metric(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "period,metric,target\n2025-01,pipeline,5\n"))
    assert str(info.value) == ("targets.csv, column 'metric': unknown metric (1 row). Examples: 'pipeline'. "
                               "Valid metrics: leads, mql, sql, opportunities, won, revenue.")


def test_negative_or_text_targets(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "period,metric,target\n2025-01,leads,-5\n2025-02,leads,lots\n"))
    assert str(info.value) == ("targets.csv, column 'target': targets must be non-negative numbers (2 rows). "
                               "Examples: '-5', 'lots'. " + HINT)


def test_duplicate_period_metric(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "period,metric,target\n2025-01,leads,5\n2025-1,leads,6\n"))
    assert str(info.value) == ("targets.csv: the same period and metric appear more than once (2 rows). "
                               "Examples: '2025-01 leads'. Keep one target per period and metric.")


def test_no_period_column(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "when,leads\n2025-01,5\n"))
    assert str(info.value) == "targets.csv: no period column found. Columns found: 'when', 'leads'. " + HINT


def test_unreadable_targets_file(tmp_path: Path) -> None:
    with pytest.raises(TargetsError) as info:
        load_targets(write(tmp_path, "", name="empty.csv"))
    assert str(info.value) == "empty.csv: the file is empty. Export the report again with its header row and data."
