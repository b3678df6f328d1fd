"""The same data written in every dialect loads back to the same funnel (tools/exports.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tools.demo.exports import EXPORT_DIALECTS, expected_reach, write_export
from tools.ingest.loading import load_exports
from tools.schema import STAGES

FULL_DIALECTS = ("canonical", "hubspot", "salesforce", "japanese")


def hand_made() -> pd.DataFrame:
    """Twelve journeys covering every stage, open phases, won, lost, and gaps in the dates."""
    d = pd.Timestamp
    nat = pd.NaT
    rows = [
        # id, created, mql, sql, opp, won, lost, amount, phase, segment, icp
        ("L01", d("2025-01-02 09:00"), nat, nat, nat, nat, nat, np.nan, "lead", "SMB", "no"),
        ("L02", d("2025-01-03 10:30"), d("2025-01-04"), nat, nat, nat, nat, np.nan, "mql", "SMB", "yes"),
        ("L03", d("2025-01-05"), d("2025-01-06"), d("2025-01-08"), nat, nat, nat, np.nan, "sql", "Mid-Market", "yes"),
        ("L04", d("2025-01-06"), d("2025-01-07"), d("2025-01-09"), d("2025-01-15"), nat, nat, 900_000.0, "proposal",
         "Enterprise", "yes"),
        ("L05", d("2025-01-07"), d("2025-01-08"), d("2025-01-10"), d("2025-01-16"), d("2025-02-20"), nat,
         1_200_000.0, "won", "SMB", "yes"),
        ("L06", d("2025-01-08"), d("2025-01-09"), d("2025-01-11"), d("2025-01-18"), nat, d("2025-03-01"),
         800_000.0, "lost", "Enterprise", "no"),
        ("L07", d("2025-01-09"), nat, nat, nat, d("2025-03-05"), nat, 500_000.0, None, "SMB", "yes"),  # won, gaps
        ("L08", d("2025-01-10"), d("2025-01-11"), nat, nat, nat, d("2025-02-11"), np.nan, None, "Mid-Market", "no"),
        ("L09", d("2025-01-11"), nat, nat, nat, nat, nat, np.nan, "negotiation", "Enterprise", "yes"),  # phase only
        ("L10", d("2025-01-12"), d("2025-01-13"), nat, nat, nat, nat, np.nan, None, "SMB", None),
        ("L11", d("2025-01-13"), d("2025-01-14"), d("2025-01-15"), d("2025-01-20"), nat, nat, 2_000_000.0,
         "commit", "Enterprise", "yes"),
        ("L12", d("2025-01-14"), d("2025-01-15"), d("2025-01-16"), nat, nat, nat, np.nan, "sql", "Mid-Market", "no"),
    ]
    columns = ["record_id", "created_date", "mql_date", "sql_date", "opportunity_date", "won_date", "lost_date",
               "amount", "phase", "segment", "icp_fit"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["lead_source"] = ["Web", "Event", "Web", "Partner"] * 3
    frame["owner"] = ["Sato", "Suzuki", "Tanaka"] * 4
    return frame


def reach(loaded) -> dict[str, int]:  # noqa: ANN001
    return {s: int(loaded.frame[f"reached_{s}"].sum()) for s in STAGES}


def test_hand_made_frame_covers_every_stage() -> None:
    assert expected_reach(hand_made()) == {"lead": 12, "mql": 11, "sql": 9, "opportunity": 7, "won": 2}


@pytest.mark.parametrize("dialect", FULL_DIALECTS)
def test_every_dialect_gives_the_same_stage_counts(tmp_path: Path, dialect: str) -> None:
    frame = hand_made()
    loaded = load_exports(write_export(frame, dialect, tmp_path))
    assert reach(loaded) == expected_reach(frame)
    assert int(loaded.frame["is_lost"].sum()) == 2
    assert loaded.frame["amount"].sum() == pytest.approx(frame["amount"].sum())
    assert sorted(loaded.frame["record_id"]) == sorted(frame["record_id"])


@pytest.mark.parametrize("dialect", FULL_DIALECTS)
def test_segments_and_icp_fit_come_back_as_written(tmp_path: Path, dialect: str) -> None:
    frame = hand_made()
    loaded = load_exports(write_export(frame, dialect, tmp_path)).frame.set_index("record_id").sort_index()
    assert loaded["segment"].tolist() == frame["segment"].tolist()
    assert loaded["icp_fit"].fillna("?").tolist() == frame["icp_fit"].fillna("?").tolist()


def test_dialects_are_detected(tmp_path: Path) -> None:
    seen = {d: load_exports(write_export(hand_made(), d, tmp_path / d)).dialect for d in EXPORT_DIALECTS}
    assert seen == {d: d for d in EXPORT_DIALECTS}


def test_japanese_export_is_cp932_with_japanese_values(tmp_path: Path) -> None:
    (path,) = write_export(hand_made(), "japanese", tmp_path)
    text = path.read_bytes().decode("cp932")
    assert text.startswith("リードID,作成日,MQL化日,SQL化日,商談化日,受注日,失注日,金額")
    assert "2025/01/02 09:00" in text and "受注" in text and "中小企業" in text and "はい" in text
    assert '"￥1,200,000"' in text


def test_opportunity_only_export_loads_with_win_rate(tmp_path: Path) -> None:
    loaded = load_exports(write_export(hand_made(), "opportunity_only", tmp_path))
    assert loaded.rows == 7
    won, lost = int(loaded.frame["reached_won"].sum()), int(loaded.frame["is_lost"].sum())
    assert (won, lost) == (2, 2)
    assert won / (won + lost) == 0.5


def test_encoding_override(tmp_path: Path) -> None:
    (path,) = write_export(hand_made(), "canonical", tmp_path, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_exports([path]).files[0].encoding == "utf-8-sig"


def test_unknown_dialect(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export dialect 'pipedrive'"):
        write_export(hand_made(), "pipedrive", tmp_path)


scenarios = pytest.importorskip("tools.demo.scenarios")


@pytest.mark.parametrize("cause", ["kpi_green_revenue_flat", "healthy"])
def test_generated_scenario_round_trips_through_every_dialect(tmp_path: Path, cause: str) -> None:
    if cause not in getattr(scenarios, "PLANTED_CAUSES", (cause,)):
        pytest.skip(f"scenario generator has no cause {cause!r}")
    frame = scenarios.generate_scenario(cause, seed=3, months=12, leads_per_month=150).frame
    expected = expected_reach(frame)
    for dialect in FULL_DIALECTS:
        loaded = load_exports(write_export(frame, dialect, tmp_path / dialect))
        assert reach(loaded) == expected, dialect
        assert int(loaded.frame["is_lost"].sum()) == int(frame["lost_date"].notna().sum()), dialect
    opportunities = load_exports(write_export(frame, "opportunity_only", tmp_path / "opps"))
    assert int(opportunities.frame["reached_won"].sum()) == expected["won"]
    assert opportunities.rows == expected["opportunity"]
