"""The quarter forecast (tools/revenue/forecast.py, tools/revenue/forecasting.py) on histories whose truth is known.

The hand-made history: from 2024-01-01 two SMB opportunities open every day, worth 1,000 each;
one is won 20 days later, the other lost 40 days later. The export is cut at 2026-11-15, so Q4
2026 will have won exactly one deal a day: 92,000.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.analysis_context import AnalysisContext
from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario
from tools.diagnosis import diagnose
from tools.revenue.forecast import Forecast
from tools.revenue.forecasting import quarter_forecast

AS_OF = pd.Timestamp("2026-11-15")
Q4_TRUTH = 92 * 1_000.0


def history(start: str = "2024-01-01", *, phases: bool = False) -> pd.DataFrame:
    days = pd.date_range(start, AS_OF, freq="D")
    rows = []
    for day in days:
        for i, (won, close) in enumerate(((True, 20), (False, 40))):
            closed = day + pd.Timedelta(days=close)
            done = closed <= AS_OF
            rows.append(
                {
                    "record_id": f"D{day:%Y%m%d}{i}",
                    "created_date": day,
                    "opportunity_date": day,
                    "won_date": closed if won and done else pd.NaT,
                    "lost_date": closed if not won and done else pd.NaT,
                    "amount": 1_000.0,
                    "segment": "SMB",
                    "phase": ("won" if won else "lost") if done else ("commit" if won else "engaging") if phases else None,
                }
            )
    return pd.DataFrame(rows)


def forecast_of(frame: pd.DataFrame, targets: pd.DataFrame | None = None) -> Forecast:
    result = quarter_forecast(AnalysisContext.build(from_canonical(frame), targets, as_of=AS_OF))
    assert result is not None
    return result


def test_closed_pipeline_and_run_rate_add_up_to_the_quarter() -> None:
    f = forecast_of(history())
    assert f.period == "2026-Q4"
    assert f.closed == 46 * 1_000.0  # one win a day, Oct 1 - Nov 15
    # open at the cut: 20 future winners (opened in the last 20 days) and 40 future losers
    assert f.open_deals == 60 and f.open_pipeline == 60_000.0
    assert f.from_pipeline == pytest.approx(20_000.0)
    # opened after the cut and won by Dec 31: 26 deals, as every reference day with the same 46 days left saw
    assert f.run_rate == pytest.approx(26_000.0)
    assert f.expected == pytest.approx(Q4_TRUTH)
    assert f.closed <= f.low <= Q4_TRUTH <= f.high
    assert f.method.startswith("closed so far + open pipeline × P(won by quarter end | age, segment)")


def test_backtest_replays_the_method_on_past_quarters() -> None:
    f = forecast_of(history())
    assert f.backtest is not None
    # 2024 is warm-up; a quarter needs six reference days (half a year) whose horizon ended before its cut
    assert f.backtest.quarters[0].period == "2025-Q3"
    for q in f.backtest.quarters:
        days = (pd.Period(q.period, "Q").end_time.normalize() - pd.Period(q.period, "Q").start_time).days + 1
        assert q.actual == days * 1_000.0
        assert q.expected == pytest.approx(q.actual, abs=1_000.0)  # references see 46 days left, not 44-46
        assert q.low <= q.actual <= q.high
    assert f.backtest.interval_hit_rate == 1.0


def test_target_gap_and_coverage() -> None:
    targets = pd.DataFrame({"period": ["2026-Q4"], "metric": ["revenue"], "target": [120_000.0]})
    f = forecast_of(history(), targets)
    assert f.target == 120_000.0
    assert f.gap == pytest.approx(120_000.0 - f.expected)
    assert f.remaining == 74_000.0 and f.coverage == pytest.approx(60_000.0 / 74_000.0)


def test_a_target_covering_part_of_the_quarter_is_no_quarter_target() -> None:
    targets = pd.DataFrame({"period": ["2026-10"], "metric": ["revenue"], "target": [40_000.0]})
    f = forecast_of(history(), targets)
    assert f.target is None and f.gap is None and f.coverage is None


def test_low_coverage_is_a_finding_from_the_forecast() -> None:
    targets = pd.DataFrame({"period": ["2026-10", "2026-11", "2026-12"], "metric": ["revenue"] * 3,
                            "target": [40_000.0, 40_000.0, 40_000.0]})
    result = diagnose(from_canonical(history()), targets, as_of=AS_OF)
    coverage = [f for f in result.findings if f.code == "pipeline_coverage_low"]
    assert len(coverage) == 1 and coverage[0].severity == "medium"
    assert coverage[0].evidence["coverage"] == pytest.approx(60_000.0 / 74_000.0)
    assert "2026-Q4" in coverage[0].summary
    assert result.to_dict()["forecast"]["coverage"] == pytest.approx(60_000.0 / 74_000.0, abs=1e-4)


def test_thin_history_falls_back_to_the_phase_probabilities() -> None:
    # three months of history: no reference day is past the warm-up
    f = forecast_of(history("2026-08-01", phases=True))
    assert f.method.startswith("closed so far + open pipeline × playbook phase probabilities")
    # 20 open winners in "commit" (75%) and 40 open losers in "engaging" (25%)
    assert f.from_pipeline == pytest.approx(20 * 0.75 * 1_000 + 40 * 0.25 * 1_000)
    assert f.phase_priced_deals == 60 and f.run_rate == 0.0 and f.backtest is None
    assert any("run rate" in note for note in f.notes)


def test_no_amounts_no_forecast() -> None:
    frame = history().drop(columns=["amount"])
    assert quarter_forecast(AnalysisContext.build(from_canonical(frame), as_of=AS_OF)) is None


def test_no_open_pipeline_forecasts_closed_plus_run_rate() -> None:
    frame = history()
    frame = frame[frame["won_date"].notna() | frame["lost_date"].notna()]
    f = forecast_of(frame)
    assert f.open_deals == 0 and f.from_pipeline == 0.0 and f.expected == f.closed + f.run_rate


@pytest.mark.slow
@pytest.mark.parametrize("leads_per_month", [600, 1500])
def test_intervals_hold_the_actual_70_to_90_percent_of_the_time_on_generated_histories(leads_per_month: int) -> None:
    hits = quarters = 0
    for seed in range(20):
        sc = generate_scenario("healthy", seed, leads_per_month=leads_per_month, months=36)
        f = quarter_forecast(AnalysisContext.build(sc.to_loaded_data(), sc.targets, as_of=sc.as_of))
        assert f is not None and f.backtest is not None
        hits += sum(q.hit for q in f.backtest.quarters)
        quarters += f.backtest.periods
    assert quarters >= 80
    assert 0.7 <= hits / quarters <= 0.9, (hits, quarters)


def test_forecast_is_in_the_json_and_the_report() -> None:
    from tools.report import render_diagnosis_text

    sc = generate_scenario("healthy", 0)
    result = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)
    out = result.to_dict()["forecast"]
    assert out["period"] == "2026-Q4" and out["low"] <= out["expected"] <= out["high"]
    assert set(out["backtest"]) >= {"periods", "interval_hit_rate"}
    assert out["target"] == pytest.approx(float(sc.targets.query("metric == 'revenue' and period >= '2026-10'")["target"].sum()))
    assert np.isclose(out["gap"], out["target"] - out["expected"], atol=0.02)
    assert "Quarter forecast 2026-Q4" in render_diagnosis_text(result)
    assert "四半期の着地予測 2026-Q4" in render_diagnosis_text(result, "ja")
