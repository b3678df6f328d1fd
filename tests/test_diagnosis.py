"""diagnose(): the SPEC §5 shape, honest windows, and the smaller tool-call pieces."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import pytest

from tests.engine_fixture import fixture_data
from tools.analysis_context import AnalysisContext
from tools.demo.scenarios import generate_scenario
from tools.diagnosis import Diagnosis, diagnose, metric_lookup
from tools.errors import RevOpsInputError
from tools.report import render_diagnosis_text
from tools.schema import FINDING_CODES, LEVERS, SEVERITIES, STAGES, TRANSITIONS


@lru_cache(maxsize=4)
def _scenario_diagnosis(cause: str) -> tuple[Diagnosis, object]:
    sc = generate_scenario(cause, 0)
    return diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of), sc


def test_to_dict_has_the_spec_shape() -> None:
    result, _ = _scenario_diagnosis("slow_follow_up")
    out = json.loads(json.dumps(result.to_dict()))
    assert set(out) >= {
        "as_of",
        "periods",
        "funnel",
        "metrics",
        "bottleneck",
        "findings",
        "data_quality",
        "mapping",
    }
    assert out["as_of"] == "2026-10-31"
    assert out["periods"]["grain"] in ("month", "quarter")
    assert isinstance(out["periods"]["current"], str) and isinstance(out["periods"]["baseline"], str)
    assert [s["stage"] for s in out["funnel"]["stages"]] == list(STAGES)
    assert [c["transition"] for c in out["funnel"]["conversions"]] == list(TRANSITIONS)
    for key in ("win_rate", "average_deal_size", "median_cycle_days"):
        assert isinstance(out["metrics"][key], float)
    assert out["bottleneck"]["lever"] in LEVERS
    assert out["bottleneck"]["revenue_impact"] > 0
    for f in out["findings"]:
        assert f["code"] in FINDING_CODES and f["severity"] in SEVERITIES
        assert f["transition"] is None or f["transition"] in TRANSITIONS
        assert f["playbook_topics"] and isinstance(f["evidence"], dict)


def test_stage_counts_are_whole_data_reach() -> None:
    result, sc = _scenario_diagnosis("healthy")
    frame = sc.frame  # type: ignore[attr-defined]
    counts = {s.stage: s.count for s in result.stages}
    assert counts["lead"] == len(frame)
    assert counts["won"] == int(frame["won_date"].notna().sum())


def test_immature_recent_cohorts_are_not_called_a_drop() -> None:
    result, sc = _scenario_diagnosis("healthy")
    frame = sc.frame  # type: ignore[attr-defined]
    # naively, last month's SQLs look far less converted than a year ago: they are just young
    last = frame["sql_date"] >= pd.Timestamp("2026-10-01")
    year_ago = frame["sql_date"].between(pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-31"))
    naive_now = frame.loc[last, "opportunity_date"].notna().mean()
    naive_then = frame.loc[year_ago, "opportunity_date"].notna().mean()
    assert naive_now < 0.8 * naive_then
    cohorts = AnalysisContext.build(sc.to_loaded_data(), as_of=sc.as_of).cohorts("sql_to_opportunity")  # type: ignore[attr-defined]
    assert cohorts.lag_days > 0
    assert cohorts.current.end + pd.Timedelta(days=cohorts.lag_days) <= result.as_of + pd.Timedelta(days=1)
    assert not [
        f for f in result.findings if f.code == "conversion_drop" and f.severity in ("high", "medium")
    ]


def test_a_handful_of_deals_gives_no_bottleneck_and_no_high_finding() -> None:
    result = diagnose(fixture_data())
    assert result.bottleneck.lever is None
    assert not [f for f in result.findings if f.severity in ("high", "medium")]


def test_metric_lookup_by_dimension() -> None:
    out = metric_lookup(fixture_data(), "win_rate", by="segment")
    assert out["values"] == {"Enterprise": 1.0, "SMB": 0.5}
    with pytest.raises(RevOpsInputError, match="unknown metric 'speed'"):
        metric_lookup(fixture_data(), "speed")


def test_text_report_in_both_languages() -> None:
    result, _ = _scenario_diagnosis("slow_follow_up")
    en = render_diagnosis_text(result, lang="en")
    ja = render_diagnosis_text(result, lang="ja")
    assert "Bottleneck" in en and "MQL → SQL" in en and "[High] Slow follow-up" in en
    assert "ボトルネック" in ja and "初回対応の遅れ" in ja and "[高]" in ja
    assert en.index("[High]") < en.index("[Info]")
