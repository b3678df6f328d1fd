"""Review fixes: stalled pipeline on hand-built frames, human labels, the bottleneck's evidence bar."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import pandas as pd
import pytest

from tools.analysis_context import AnalysisContext
from tools.bottleneck import ALPHA, MATERIAL_REVENUE, LeverChange, _add_localised
from tools.dataset import from_canonical
from tools.demo.sample import demo_dataset
from tools.diagnosis import Diagnosis, diagnose
from tools.findings.model import Finding
from tools.findings.pipeline import STALLED_MEDIUM_SHARE, stalled_finding
from tools.report import render_diagnosis_text
from tools.schema import LEVERS, TRANSITIONS

AS_OF = pd.Timestamp("2025-12-31")


def _deals(won_cycles: list[int], open_ages: list[int], segment: str = "SMB") -> pd.DataFrame:
    """Won deals with the given cycles (days) and open deals of the given ages, 1,000 each."""
    rows = []
    for i, days in enumerate(won_cycles):
        opened = AS_OF - pd.Timedelta(days=400 + i)
        rows.append((opened, opened + pd.Timedelta(days=days), "won"))
    for age in open_ages:
        rows.append((AS_OF - pd.Timedelta(days=age), None, "proposal"))
    frame = pd.DataFrame(rows, columns=["opportunity_date", "won_date", "phase"])
    n = len(frame)
    frame.insert(0, "record_id", [f"{segment[:3]}{i}" for i in range(n)])
    frame["created_date"] = frame["opportunity_date"] - pd.Timedelta(days=20)
    frame["mql_date"] = frame["created_date"] + pd.Timedelta(days=2)
    frame["sql_date"] = frame["created_date"] + pd.Timedelta(days=10)
    frame["amount"] = 1000.0
    frame["segment"] = segment
    return frame


def _stalled(frame: pd.DataFrame) -> list[Finding]:
    ctx = AnalysisContext.build(from_canonical(frame), as_of=AS_OF)
    return stalled_finding(ctx)


def test_a_genuinely_stalled_pipeline_is_a_medium_finding() -> None:
    # won cycles 20..59 days: 90th percentile ~55; 15 deals open 300 days, 15 open 5 days
    found = _stalled(_deals(list(range(20, 60)), [300] * 15 + [5] * 15))
    assert len(found) == 1 and found[0].severity == "medium"
    assert found[0].evidence["stalled_deals"] == 15
    assert found[0].evidence["stalled_share"] == pytest.approx(0.5)
    assert STALLED_MEDIUM_SHARE <= 0.5


def test_a_few_old_deals_are_only_low() -> None:
    found = _stalled(_deals(list(range(20, 60)), [300] * 2 + [5] * 28))
    assert [f.severity for f in found] == ["low"]


def test_long_enterprise_cycles_are_not_stalled() -> None:
    # SMB wins in 20-59 days, Enterprise in 100-179: an Enterprise deal open 120 days is on schedule
    smb = _deals(list(range(20, 60)), [5] * 10, "SMB")
    ent = _deals(list(range(100, 180, 2)), [120] * 10, "Enterprise")
    found = _stalled(pd.concat([smb, ent], ignore_index=True))
    assert not found or found[0].evidence["stalled_deals"] == 0
    ent_old = _deals(list(range(100, 180, 2)), [400] * 10, "Enterprise")
    found = _stalled(pd.concat([smb, ent_old], ignore_index=True))
    assert found and found[0].evidence["stalled_deals"] == 10


@lru_cache(maxsize=1)
def _demo() -> Diagnosis:
    sc = demo_dataset()
    return diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)


def test_summaries_and_explanation_use_human_labels() -> None:
    result = _demo()
    texts = [f.summary for f in result.findings] + [result.bottleneck.explanation]
    for text in texts:
        for raw in (*TRANSITIONS, *(t.replace("_", " ") for t in TRANSITIONS), "lead_source", "icp_fit"):
            assert raw not in text, (raw, text)
    quality = next(f for f in result.findings if f.code == "lead_quality_decline")
    assert "lead source 'Giveaway Campaign'" in quality.summary and "SQL → Opportunity" in quality.summary
    assert result.bottleneck.explanation.startswith("SQL → Opportunity conversion fell")
    # evidence keeps the ids the assistant reads
    assert quality.evidence["dimension"] == "lead_source" and quality.transition == "sql_to_opportunity"


def test_japanese_report_explains_the_bottleneck() -> None:
    result = _demo()
    ja = render_diagnosis_text(result, lang="ja")
    section = ja.split("ボトルネック", 1)[1].split("検出事項", 1)[0]
    b = result.bottleneck
    assert "SQL → 商談の転換率が" in section and "低下しました" in section
    assert f"{b.revenue_impact:,.0f}" in section
    assert "conversion" not in section and "restoring" not in section
    assert "リードソース「Giveaway Campaign」" in ja


def _localised(p_value: float, tests: int, p0: float = 0.30, p1: float = 0.20, n: int = 500) -> Finding:
    evidence = {
        "segment": {"baseline": p0, "current": p1, "p_value": p_value, "n_baseline": n, "n_current": n},
        "bonferroni_tests": tests,
    }
    return Finding(
        "conversion_drop", "medium", "x", evidence, transition="opportunity_to_won", segment=("lead_source", "X")
    )


def _pick(finding: Finding, share: float, reference: float = 1_000_000.0) -> LeverChange:
    lever = LeverChange("opportunity_to_won", 0.3, 0.3, None, False, 0.0)
    ctx = SimpleNamespace(revenue_share=lambda dim, value: share)
    _add_localised(ctx, [lever], [finding], reference)  # type: ignore[arg-type]
    return lever


def test_localised_drop_needs_family_wise_significance() -> None:
    tests = 11
    family = len(LEVERS) + tests * len(TRANSITIONS)
    # significant for its own transition's cells (a medium finding) but not over the whole search
    p_value = 0.5 * ALPHA / family * 4
    assert p_value * tests < 0.01
    assert not _pick(_localised(p_value, tests), share=0.5).significant
    strong = _pick(_localised(0.5 * ALPHA / family, tests), share=0.5)
    assert strong.significant and strong.segment == ("lead_source", "X")
    assert strong.revenue_impact == pytest.approx(1_000_000.0 * 0.5 * (0.30 / 0.20 - 1.0))


def test_localised_drop_needs_material_revenue() -> None:
    tiny_share = 0.5 * MATERIAL_REVENUE  # restore value = share x 50% < MATERIAL_REVENUE of revenue
    assert not _pick(_localised(1e-9, 11), share=tiny_share).significant


def test_localised_drop_needs_enough_deals() -> None:
    assert _pick(_localised(1e-9, 11), share=0.5).significant
    assert not _pick(_localised(1e-9, 11, n=20), share=0.5).significant
