"""The metric layer against sums done independently with plain pandas, on a planted frame and the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.dataset import from_canonical
from tools.diagnosis import diagnose
from tools.errors import RevOpsInputError
from tools.metric_layer import METRICS, MetricQuery, MetricUnavailableError, PeriodSpec, make_scope, run_query
from tools.metric_layer.periods import parse_period_code


def _planted() -> pd.DataFrame:
    """Two segments with known win rates: A wins 30 of 40 closed deals, B wins 5 of 25 (B is small)."""
    rows = []
    start = pd.Timestamp("2025-01-01")
    for seg, won, lost in (("A", 30, 10), ("B", 5, 20)):
        for i in range(won + lost):
            created = start + pd.Timedelta(days=i * 3)
            closed = created + pd.Timedelta(days=20 + i % 7)
            rows.append({
                "record_id": f"{seg}{i}", "created_date": created, "mql_date": created + pd.Timedelta(days=1),
                "first_touch_date": created + pd.Timedelta(days=1, hours=2 + i % 40),
                "sql_date": created + pd.Timedelta(days=3), "opportunity_date": created + pd.Timedelta(days=5),
                "won_date": closed if i < won else pd.NaT, "lost_date": closed if i >= won else pd.NaT,
                "amount": 1_000_000.0 * (1 + i % 3) if i < won else 500_000.0, "segment": seg,
                "lead_source": "Webinar" if i % 2 else "Referral",
            })
    for i in range(60):  # leads that never went further
        created = start + pd.Timedelta(days=i * 4)
        rows.append({"record_id": f"L{i}", "created_date": created, "segment": "A" if i % 3 else "B",
                     "lead_source": "Webinar"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def planted():  # noqa: ANN201
    frame = _planted()
    return frame, from_canonical(frame)


def test_win_rate_by_segment_matches_pandas_and_carries_n_and_interval(planted) -> None:  # noqa: ANN001
    frame, data = planted
    result = run_query(data, MetricQuery("win_rate", by="segment"))
    closed = frame[frame["won_date"].notna() | frame["lost_date"].notna()]
    expected = closed.groupby("segment")["won_date"].apply(lambda s: s.notna().mean())
    got = {v.group: v for v in result.values}
    for seg, rate in expected.items():
        assert got[seg].value == pytest.approx(rate)
        assert got[seg].n == int((closed["segment"] == seg).sum())
        assert got[seg].low < rate < got[seg].high
    assert result.total.value == pytest.approx(35 / 65)


def test_ranking_skips_groups_under_min_n_and_says_so(planted) -> None:  # noqa: ANN001
    _, data = planted
    result = run_query(data, MetricQuery("win_rate", by="segment", rank="top", min_n=30))
    assert [v.group for v in result.values] == ["A"]
    assert [v.group for v in result.skipped] == ["B"] and result.skipped[0].n == 25
    assert any(n.code == "below_min_n" for n in result.notes)
    bottom = run_query(data, MetricQuery("win_rate", by="segment", rank="bottom", min_n=10))
    assert [v.group for v in bottom.values] == ["B", "A"]  # worst first


def test_filters_period_and_counts(planted) -> None:  # noqa: ANN001
    frame, data = planted
    result = run_query(data, MetricQuery("mqls", filters=(("lead_source", "webinar"),),
                                         period=PeriodSpec("named", "2025-Q1")))
    mql = frame["mql_date"]
    expected = ((frame["lead_source"] == "Webinar") & (mql >= "2025-01-01") & (mql < "2025-04-01")).sum()
    assert result.total.value == expected and result.period_label == "2025-Q1"
    with pytest.raises(RevOpsInputError, match="unknown lead_source 'Podcast'"):
        run_query(data, MetricQuery("mqls", filters=(("lead_source", "Podcast"),)))


def test_average_deal_size_and_revenue_by_period(planted) -> None:  # noqa: ANN001
    frame, data = planted
    won = frame[frame["won_date"].notna()]
    result = run_query(data, MetricQuery("won_revenue", by="quarter"))
    by_quarter = won.groupby(won["won_date"].dt.to_period("Q").astype(str).str.replace("Q", "-Q"))["amount"].sum()
    assert {v.group: v.value for v in result.values} == pytest.approx(by_quarter.to_dict())
    deal = run_query(data, MetricQuery("average_deal_size"))
    assert deal.total.value == pytest.approx(won["amount"].mean()) and deal.total.n == len(won)


def test_follow_up_median_and_sla_share(planted) -> None:  # noqa: ANN001
    frame, data = planted
    hours = ((frame["first_touch_date"] - frame["mql_date"]).dt.total_seconds() / 3600).dropna()
    median = run_query(data, MetricQuery("median_follow_up_hours")).total
    sla = run_query(data, MetricQuery("follow_up_within_sla")).total
    assert median.value == pytest.approx(hours.median()) and median.n == len(hours)
    assert sla.value == pytest.approx((hours <= 24).mean()) and sla.successes == int((hours <= 24).sum())


def test_comparison_of_a_year_ago_and_partial_periods_compare_like_for_like(planted) -> None:  # noqa: ANN001
    frame, data = planted
    result = run_query(data, MetricQuery("leads", period=PeriodSpec("named", "2025-Q2"), compare="year_ago"))
    assert result.comparison is not None
    assert result.comparison.baseline_label == "2024-Q2" and result.comparison.baseline.value == 0
    created = frame["created_date"]
    assert result.total.value == ((created >= "2025-04-01") & (created < "2025-07-01")).sum()


def test_attainment_against_uploaded_targets(planted) -> None:  # noqa: ANN001
    frame, data = planted
    targets = pd.DataFrame({"period": ["2025-02"], "metric": ["mql"], "target": [10]})
    result = run_query(data, MetricQuery("mqls", period=PeriodSpec("named", "2025-02"), against_target=True), targets)
    mql = frame["mql_date"]
    actual = ((mql >= "2025-02-01") & (mql < "2025-03-01")).sum()
    assert result.total.target == 10 and result.total.attainment == pytest.approx(actual / 10)


def test_missing_columns_say_what_the_upload_lacks() -> None:
    frame = _planted().drop(columns=["amount", "first_touch_date"])
    data = from_canonical(frame)
    with pytest.raises(MetricUnavailableError, match="no amount column"):
        run_query(data, MetricQuery("won_revenue"))
    with pytest.raises(MetricUnavailableError, match="first_touch_date"):
        run_query(data, MetricQuery("median_follow_up_hours"))


def test_snapshots_ignore_the_period_and_say_so(planted) -> None:  # noqa: ANN001
    _, data = planted
    result = run_query(data, MetricQuery("recycle_lost_deals", period=PeriodSpec("named", "2025-Q1")))
    assert result.period_label is None and any(n.code == "snapshot" for n in result.notes)
    assert result.total.value == 30  # 10 + 20 lost deals


def test_period_codes_for_tool_arguments() -> None:
    assert parse_period_code("2025-q3") == PeriodSpec("named", "2025-Q3")
    assert parse_period_code("last_6_months") == PeriodSpec("last", grain="month", count=6)
    assert parse_period_code("this_quarter") == PeriodSpec("this", grain="quarter")
    assert parse_period_code(None) is None
    with pytest.raises(RevOpsInputError, match="unknown period"):
        parse_period_code("someday")


@pytest.mark.slow
def test_one_definition_the_diagnosis_and_the_layer_agree_on_the_demo() -> None:
    from tools.demo.sample import demo_dataset

    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    diagnosis = diagnose(data, targets=scenario.targets)
    scope = make_scope(data, diagnosis.periods)
    for metric in ("win_rate", "average_deal_size", "median_cycle_days", "median_follow_up_hours",
                   "follow_up_within_sla", "won_revenue", "open_pipeline", "weighted_pipeline"):
        assert run_query(scope, MetricQuery(metric)).total.value == pytest.approx(diagnosis.metrics[metric]), metric
    assert run_query(scope, MetricQuery("stalled_deals")).total.value == diagnosis.metrics["stalled_deals"]
    assert run_query(scope, MetricQuery("churn_rate")).total.value == pytest.approx(diagnosis.metrics["churn_rate"])
    for stage in diagnosis.stages:
        metric = {"lead": "leads", "mql": "mqls", "sql": "sqls", "opportunity": "opportunities", "won": "won_deals"}
        assert run_query(scope, MetricQuery(metric[stage.stage])).total.value == stage.count
    kpi = next(f for f in diagnosis.findings if f.code == "kpi_green_revenue_flat")
    for name, target_metric in (("mqls", "mql"), ("sqls", "sql"), ("won_revenue", "revenue")):
        query = MetricQuery(name, period=PeriodSpec("current"), against_target=True)
        result = run_query(scope, query, scenario.targets)
        assert result.total.attainment == pytest.approx(kpi.evidence["attainment"][target_metric]), name
    coverage = run_query(scope, MetricQuery("pipeline_coverage"), scenario.targets)
    window = diagnosis.periods.current
    targets = scenario.targets
    months = pd.period_range(window.start, window.end - pd.Timedelta(days=1), freq="M").astype(str)
    target = targets[(targets["metric"] == "revenue") & targets["period"].isin(months)]["target"].sum()
    won = frame_won = scenario.frame[scenario.frame["won_date"].notna()]
    won_in_window = frame_won[(won["won_date"] >= window.start) & (won["won_date"] < window.end)]["amount"].sum()
    assert won_in_window > 0  # a finished window is judged on its whole target, as the coverage finding does
    assert coverage.total.value == pytest.approx(diagnosis.metrics["open_pipeline"] / target)
    recycle = next(f for f in diagnosis.findings if f.code == "recycle_opportunity")
    assert run_query(scope, MetricQuery("recycle_mqls")).total.value == recycle.evidence["unconverted_mqls"]
    assert run_query(scope, MetricQuery("recycle_lost_deals")).total.value == recycle.evidence["lost_deals"]


def test_every_catalogue_metric_runs_or_names_the_missing_column(planted) -> None:  # noqa: ANN001
    frame, data = planted
    scope = make_scope(data)
    for metric in METRICS:
        try:
            result = run_query(scope, MetricQuery(metric))
        except MetricUnavailableError as err:
            assert all(c not in frame or frame[c].isna().all() for c in err.needs), metric
            continue
        except RevOpsInputError as err:  # coverage needs uploaded revenue targets
            assert metric == "pipeline_coverage" and "targets" in str(err)
            continue
        assert result.total.value is None or np.isfinite(result.total.value), metric


def test_an_upload_that_starts_at_opportunities_has_no_leads_or_mqls_to_count() -> None:
    from tools.metric_layer import StageNotInUploadError

    frame = _planted()
    deals = frame[frame["opportunity_date"].notna()].drop(columns=["mql_date", "sql_date", "first_touch_date"])
    deals = deals.assign(created_date=deals["opportunity_date"])
    data = from_canonical(deals)
    with pytest.raises(StageNotInUploadError, match="starts at the opportunity stage"):
        run_query(data, MetricQuery("mqls"))
    with pytest.raises(StageNotInUploadError):
        run_query(data, MetricQuery("lead_to_mql"))
    assert run_query(data, MetricQuery("opportunities")).total.value == len(deals)
    assert run_query(data, MetricQuery("win_rate")).total.value == pytest.approx(35 / 65)


def test_periods_outside_the_data_say_so(planted) -> None:  # noqa: ANN001
    _, data = planted
    after = run_query(data, MetricQuery("mqls", period=PeriodSpec("named", "2031")))
    before = run_query(data, MetricQuery("mqls", period=PeriodSpec("named", "1999")))
    assert after.total.value == 0 and [n.code for n in after.notes] == ["after_data"]
    assert before.total.value == 0 and "before_data" in [n.code for n in before.notes]


def test_days_between_any_two_stages_match_pandas(planted) -> None:  # noqa: ANN001
    frame, data = planted
    for start, end, column_a, column_b in (("mql", "opportunity", "mql_date", "opportunity_date"),
                                           ("lead", "won", "created_date", "won_date"),
                                           ("sql", "won", "sql_date", "won_date")):
        days = ((frame[column_b] - frame[column_a]).dt.total_seconds() / 86400).dropna()
        result = run_query(data, MetricQuery(f"days_{start}_to_{end}"))
        assert result.total.value == pytest.approx(float(days[days >= 0].median()))
        assert result.total.n == int((days >= 0).sum())


def test_open_and_stalled_deals_break_down_by_phase() -> None:
    frame = _planted()
    frame = pd.concat([frame, pd.DataFrame([
        {"record_id": f"O{i}", "created_date": pd.Timestamp("2025-06-01"), "opportunity_date": pd.Timestamp("2025-06-05"),
         "amount": 100.0 * (i + 1), "segment": "A", "phase": ("proposal", "commit", "proposal")[i]} for i in range(3)])])
    data = from_canonical(frame)
    result = run_query(data, MetricQuery("open_deals", by="phase"))
    got = {v.group: v.value for v in result.values if v.value}
    assert got == {"proposal": 2.0, "commit": 1.0}
    amounts = {v.group: v.value for v in run_query(data, MetricQuery("open_pipeline", by="phase")).values if v.value}
    assert amounts == {"proposal": 100.0 + 300.0, "commit": 200.0}
    with pytest.raises(RevOpsInputError, match="phase"):
        run_query(from_canonical(_planted()), MetricQuery("open_deals", by="phase"))


def test_a_phase_filters_the_open_pipeline_and_never_contacted_is_a_share_of_mqls() -> None:
    frame = _planted()
    frame = pd.concat([frame, pd.DataFrame([
        {"record_id": f"O{i}", "created_date": pd.Timestamp("2025-06-01"), "opportunity_date": pd.Timestamp("2025-06-05"),
         "amount": 100.0 * (i + 1), "segment": "A", "phase": ("proposal", "negotiation", "proposal")[i]}
        for i in range(3)])])
    untouched = [{"record_id": f"M{i}", "created_date": pd.Timestamp("2025-03-01"), "mql_date": pd.Timestamp("2025-03-02"),
                  "segment": "B"} for i in range(7)]  # MQLs with no first touch that never became SQL
    frame = pd.concat([frame, pd.DataFrame(untouched)])
    data = from_canonical(frame)
    negotiation = run_query(data, MetricQuery("open_pipeline", filters=(("phase", "Negotiation"),)))
    assert (negotiation.total.value, negotiation.total.n) == (200.0, 1)
    assert run_query(data, MetricQuery("open_deals", filters=(("phase", "proposal"),))).total.value == 2.0
    share = run_query(data, MetricQuery("never_contacted_share")).total
    later = ["mql_date", "sql_date", "opportunity_date", "won_date", "lost_date"]  # an MQL, or any later stage
    mqls = int(frame[later].notna().any(axis=1).sum())
    assert (share.successes, share.n) == (7, mqls)
    assert share.value == pytest.approx(7 / mqls)
    with pytest.raises(RevOpsInputError, match="phase"):
        run_query(from_canonical(_planted()), MetricQuery("open_deals", filters=(("phase", "proposal"),)))


def test_a_month_range_is_a_period(planted) -> None:  # noqa: ANN001
    frame, data = planted
    result = run_query(data, MetricQuery("mqls", period=PeriodSpec("named", "2025-02..2025-04")))
    mql = frame["mql_date"]
    assert result.total.value == ((mql >= "2025-02-01") & (mql < "2025-05-01")).sum()
    with pytest.raises(RevOpsInputError):
        run_query(data, MetricQuery("mqls", period=PeriodSpec("named", "2025-04..2025-02")))
