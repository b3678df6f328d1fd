"""The revenue bridge (tools/revenue/bridge.py): exact on every input, right on data whose truth is known.

Known truth: daily journeys with fixed lags (created → MQL +1 day → SQL +2 → opportunity +3 →
closed +10), the same every day of a regime, so every window of the same length holds the same
flows and the bridge's ratios are exact. One lever is changed between the baseline and current
regimes and the expected split is computed here by hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.analysis_context import AnalysisContext
from tools.dataset import LoadedData, from_canonical
from tools.demo.exports import write_export
from tools.demo.sample import DIALECT_FOLDERS, write_sample
from tools.demo.scenarios import PLANTED_CAUSES, generate_scenario
from tools.diagnosis import diagnose
from tools.ingest.loading import load_exports
from tools.revenue.bridge import RevenueBridge, revenue_bridge

AS_OF = pd.Timestamp("2026-06-30")
CHANGE = pd.Timestamp("2026-03-01")  # the current regime starts here (created dates)
BASE = {"SMB": (6, 4, 2, 2, 1, 1_000.0), "Enterprise": (4, 2, 2, 2, 2, 10_000.0)}


def _after(day: pd.Timestamp, days: int, reached: bool) -> pd.Timestamp:
    return day + pd.Timedelta(days=days) if reached else pd.NaT


def daily_journeys(current: dict[str, tuple[int, int, int, int, int, float]] | None = None) -> pd.DataFrame:
    """Every day from 2025-01-01: per segment (leads, MQL, SQL, opportunities, won, amount)."""
    rows = []
    current = {**BASE, **(current or {})}
    for day in pd.date_range("2025-01-01", AS_OF - pd.Timedelta(days=10), freq="D"):
        for segment in BASE:
            leads, mql, sql, opp, won, amount = (current if day >= CHANGE else BASE)[segment]
            for i in range(leads):
                rows.append(
                    {
                        "record_id": f"{segment[0]}{day:%Y%m%d}{i}",
                        "created_date": day,
                        "mql_date": _after(day, 1, i < mql),
                        "sql_date": _after(day, 2, i < sql),
                        "opportunity_date": _after(day, 3, i < opp),
                        "won_date": _after(day, 10, i < won),
                        "lost_date": _after(day, 10, won <= i < opp),
                        "amount": amount if i < opp else np.nan,
                        "segment": segment,
                        "lead_source": "Web",
                    }
                )
    return pd.DataFrame(rows)


def bridge_of(frame: pd.DataFrame, as_of: pd.Timestamp = AS_OF) -> RevenueBridge:
    ctx = AnalysisContext.build(from_canonical(frame), as_of=as_of)
    bridge = revenue_bridge(ctx)
    assert bridge is not None
    return bridge


def amounts(bridge: RevenueBridge) -> dict[tuple[str, str | None], float]:
    """Non-zero components by (driver, value)."""
    out: dict[tuple[str, str | None], float] = {}
    for c in bridge.parts:
        if abs(c.amount) > 1e-6:
            out[(c.driver, c.value)] = out.get((c.driver, c.value), 0.0) + c.amount
    return out


def pandas_revenue(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Won revenue of deals won in [start, end], computed with plain pandas."""
    won = frame["won_date"].notna() & (frame["won_date"] >= start) & (frame["won_date"] < end)
    if "reached_won" in frame:
        won &= frame["reached_won"]
    return float(frame.loc[won, "amount"].fillna(0.0).sum())


def test_windows_and_revenue_are_the_diagnosis_windows() -> None:
    frame = daily_journeys()
    bridge = bridge_of(frame)
    assert (bridge.baseline.label, bridge.current.label) == ("2025-Q2", "2026-Q2")
    # 91 days a quarter: SMB 1 win x 1,000 + Enterprise 2 wins x 10,000 a day
    assert bridge.baseline_revenue == bridge.current_revenue == 91 * 21_000
    assert amounts(bridge) == {} and bridge.residual == 0.0


def test_halved_enterprise_win_rate_is_all_opportunity_to_won_in_enterprise() -> None:
    bridge = bridge_of(daily_journeys({"Enterprise": (4, 2, 2, 2, 1, 10_000.0)}))
    assert bridge.change == -91 * 10_000
    parts = amounts(bridge)
    assert parts.keys() == {("opportunity_to_won", "Enterprise")}
    assert parts[("opportunity_to_won", "Enterprise")] == pytest.approx(bridge.change)
    top = bridge.largest_driver()
    assert top is not None and (top.driver, top.dimension, top.value) == ("opportunity_to_won", "segment", "Enterprise")


def test_more_leads_at_the_same_rates_is_all_lead_volume() -> None:
    bridge = bridge_of(daily_journeys({"SMB": (12, 8, 4, 4, 2, 1_000.0), "Enterprise": (8, 4, 4, 4, 4, 10_000.0)}))
    assert bridge.change == pytest.approx(91 * 21_000)
    assert amounts(bridge).keys() == {("lead_volume", None)}
    assert bridge.component("lead_volume") == pytest.approx(bridge.change)


def test_fewer_enterprise_leads_splits_into_volume_and_segment_mix_as_computed_by_hand() -> None:
    # Enterprise leads halve with every rate kept: total leads 10 -> 8 a day
    bridge = bridge_of(daily_journeys({"Enterprise": (2, 1, 1, 1, 1, 10_000.0)}))
    r_smb, r0_ent, r1_ent = 91 * 1_000.0, 91 * 20_000.0, 91 * 10_000.0
    volume = math.log(8 / 10)
    weight_ent = (r1_ent - r0_ent) / math.log(r1_ent / r0_ent)
    expected = {
        ("lead_volume", None): (r_smb + weight_ent) * volume,
        ("mix", "SMB"): r_smb * math.log((6 / 8) / (6 / 10)),
        ("mix", "Enterprise"): weight_ent * math.log((2 / 8) / (4 / 10)),
    }
    parts = amounts(bridge)
    assert parts.keys() == expected.keys()
    for key, value in expected.items():
        assert parts[key] == pytest.approx(value), key
    assert sum(parts.values()) == pytest.approx(bridge.change) and abs(bridge.residual) < 1e-6


def test_smaller_smb_deals_are_deal_size_in_smb() -> None:
    bridge = bridge_of(daily_journeys({"SMB": (6, 4, 2, 2, 1, 800.0)}))
    assert amounts(bridge) == {("deal_size", "SMB"): pytest.approx(-91 * 200.0)}


def test_a_segment_that_stops_winning_puts_its_whole_revenue_on_the_first_zero_step() -> None:
    bridge = bridge_of(daily_journeys({"Enterprise": (4, 2, 2, 2, 0, 10_000.0)}))
    assert amounts(bridge) == {("opportunity_to_won", "Enterprise"): pytest.approx(-91 * 20_000.0)}
    assert bridge.residual == pytest.approx(0.0, abs=1e-6)


def test_without_segments_the_chain_is_the_whole_funnel() -> None:
    # one chain: fewer Enterprise wins lower the win ratio (3 -> 2 wins of 4 opportunities a day)
    # and, with no segment to hold the mix, the average won deal (7,000 -> 5,500)
    frame = daily_journeys({"Enterprise": (4, 2, 2, 2, 1, 10_000.0)}).drop(columns=["segment"])
    bridge = bridge_of(frame)
    assert bridge.dimension is None
    r0, r1 = 91 * 21_000.0, 91 * 11_000.0
    weight = (r1 - r0) / math.log(r1 / r0)
    assert amounts(bridge) == {
        ("opportunity_to_won", None): pytest.approx(weight * math.log(2 / 3)),
        ("deal_size", None): pytest.approx(weight * math.log(5_500 / 7_000)),
    }


def test_no_amounts_or_no_won_dates_gives_no_bridge() -> None:
    frame = daily_journeys()
    assert revenue_bridge(AnalysisContext.build(from_canonical(frame.drop(columns=["amount"])), as_of=AS_OF)) is None
    no_won = frame.drop(columns=["won_date"])
    assert revenue_bridge(AnalysisContext.build(from_canonical(no_won), as_of=AS_OF)) is None


# --- exact on every scenario and every demo dialect ----------------------------------------------


def check_exact(result_dict: dict[str, object], frame: pd.DataFrame) -> None:
    """components + residual == change to the currency unit, and the revenue is plain pandas'."""
    bridge = result_dict["revenue_bridge"]
    assert isinstance(bridge, dict)
    total = math.fsum(c["amount"] for c in bridge["components"]) + bridge["residual"]
    assert abs(total - bridge["change"]) < 0.01
    window = result_dict["periods"]
    assert isinstance(window, dict)
    for side in ("baseline", "current"):
        w = window[f"{side}_window"]
        start, end = pd.Timestamp(w["start"]), pd.Timestamp(w["end"]) + pd.Timedelta(days=1)
        assert abs(bridge[side]["revenue"] - pandas_revenue(frame, start, end)) < 0.01
    assert abs(bridge["change"] - (bridge["current"]["revenue"] - bridge["baseline"]["revenue"])) < 0.01


@pytest.mark.parametrize("cause", PLANTED_CAUSES)
def test_bridge_is_exact_on_every_scenario(cause: str) -> None:
    sc = generate_scenario(cause, 1, leads_per_month=250)  # type: ignore[arg-type]
    data = sc.to_loaded_data()
    result = diagnose(data, sc.targets, as_of=sc.as_of)
    check_exact(result.to_dict(), data.frame)
    bridge = result.revenue_bridge
    assert bridge is not None
    # exact by construction where every flow is positive: what is left is the zero-flow chains
    assert abs(bridge.residual) <= 0.05 * (bridge.baseline_revenue + bridge.current_revenue)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("bridge_sample")
    write_sample(outdir)
    return outdir


@pytest.mark.parametrize("dialect", [*DIALECT_FOLDERS, "xlsx"])
def test_bridge_is_exact_on_every_demo_dialect(sample_dir: Path, dialect: str, tmp_path: Path) -> None:
    if dialect == "xlsx":
        import openpyxl

        frame = pd.read_csv(sample_dir / "canonical.csv")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in row])
        workbook.save(tmp_path / "canonical.xlsx")
        paths = [tmp_path / "canonical.xlsx"]
    else:
        paths = sorted((sample_dir / DIALECT_FOLDERS[dialect]).glob("*.csv"))
        if dialect == "canonical":
            paths = [sample_dir / "canonical.csv"]
    data = load_exports(paths)
    result = diagnose(data)
    assert result.revenue_bridge is not None, dialect
    check_exact(result.to_dict(), data.frame)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    records=st.integers(1, 400),
    segments=st.integers(1, 4),
    sources=st.integers(1, 4),
    won_share=st.floats(0.0, 1.0),
    missing_amounts=st.floats(0.0, 1.0),
    missing_dates=st.floats(0.0, 0.5),
)
def test_bridge_is_exact_on_random_funnels(
    seed: int, records: int, segments: int, sources: int, won_share: float, missing_amounts: float, missing_dates: float
) -> None:
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 540, records), unit="D")
    lag = lambda scale: pd.to_timedelta(rng.integers(0, scale, records), unit="D")  # noqa: E731
    stage = rng.integers(0, 6, records)  # 0 lead .. 4 opportunity, 5 closed
    won = (stage == 5) & (rng.random(records) < won_share)
    lost = (stage == 5) & ~won
    mql = created + lag(5)
    sql = mql + lag(10)
    opp = sql + lag(10)
    closed = opp + lag(200)

    def keep(dates: pd.DatetimeIndex, reached: np.ndarray) -> pd.Series:
        out = pd.Series(dates).where(reached)
        return out.where(rng.random(records) >= missing_dates)

    frame = pd.DataFrame(
        {
            "record_id": [f"R{i}" for i in range(records)],
            "created_date": created,
            "mql_date": keep(mql, stage >= 1),
            "sql_date": keep(sql, stage >= 2),
            "opportunity_date": keep(opp, stage >= 3),
            "won_date": pd.Series(closed).where(won),
            "lost_date": keep(closed, lost),
            "amount": np.where((stage >= 3) & (rng.random(records) >= missing_amounts), rng.lognormal(13, 1, records), np.nan),
            "segment": rng.choice([f"S{i}" for i in range(segments)], records),
            "lead_source": rng.choice([f"src{i}" for i in range(sources)], records),
        }
    )
    data = from_canonical(frame)
    result = diagnose(LoadedData(frame=data.frame), as_of=pd.Timestamp("2026-09-30"))
    if result.revenue_bridge is None:
        assert result.periods.baseline is None or frame["amount"].isna().all()
        return
    check_exact(result.to_dict(), data.frame)
    assert all(math.isfinite(c.amount) for c in result.revenue_bridge.parts)


def test_bridge_is_in_the_json_and_the_text_report() -> None:
    from tools.report import render_diagnosis_text

    sc = generate_scenario("segment_mix_shift", 0, leads_per_month=1500, months=36)
    result = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)
    bridge = result.to_dict()["revenue_bridge"]
    assert set(bridge) >= {"baseline", "current", "change", "components", "residual"}
    assert {c["driver"] for c in bridge["components"]} <= {
        "lead_volume", "lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "deal_size", "mix"
    }
    # one bar per driver (mix per dimension); the parts localise them and add up to the same change
    assert len(bridge["components"]) <= 8 and all(c["value"] is None for c in bridge["components"])
    assert abs(math.fsum(c["amount"] for c in bridge["parts"]) + bridge["residual"] - bridge["change"]) < 0.05
    top = bridge["largest_driver"]
    assert (top["driver"], top["dimension"], top["value"], top["beyond_noise"]) == ("mix", "segment", "Enterprise", True)
    assert top["noise_test"]["test"] == "shift-share value mix z" and top["noise_test"]["p_value_adjusted"] < 0.05
    # every bar carries its verdict; the parts carry theirs
    assert all("beyond_noise" in c and "noise_test" in c for c in bridge["components"] + bridge["parts"])
    text = render_diagnosis_text(result)
    assert "Revenue bridge (2025-08..2025-10 → 2026-08..2026-10)" in text and "Segment mix" in text
    assert "セグメント構成比" in render_diagnosis_text(result, "ja")


def test_canonical_written_by_the_exporter_loads_to_the_same_bridge(tmp_path: Path) -> None:
    frame = daily_journeys({"Enterprise": (4, 2, 2, 2, 1, 10_000.0)})
    direct = bridge_of(frame)
    loaded = load_exports(write_export(frame, "canonical", tmp_path))
    via_file = revenue_bridge(AnalysisContext.build(loaded, as_of=AS_OF))
    assert via_file is not None and amounts(via_file) == pytest.approx(amounts(direct))
