"""One place words each finding in both languages (``tools.wording.findings``, ``finding_sentence``).

Every SPEC finding code has a Japanese sentence, and no Japanese sentence leaks an English label:
an ASCII word of three or more letters is allowed only when it is a name (MQL, SQL, KPI, the IS/FS/CS
teams…) or a value from the data (inside 「」, where segment and source values are quoted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pytest

from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario
from tools.diagnosis import diagnose
from tools.findings.model import Finding
from tools.schema import FINDING_CODES
from tools.wording import findings as words
from tools.wording.finding_sentence import FROM_EVIDENCE, finding_sentence

#: Names the Japanese text keeps in Latin letters.
ALLOWED = {"MQL", "SQL", "KPI", "SLA", "ICP", "LTV", "RevOps"}
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(japanese: str, data_values: Iterable[str] = ()) -> list[str]:
    """ASCII words of 3+ letters outside quoted data values (「…」), the allowed names and the
    words of ``data_values`` (segment names the sentence lists unquoted, e.g. "SMB 66日")."""
    outside_values = re.sub(r"「[^」]*」", "", japanese)
    allowed = ALLOWED | {w for value in data_values for w in ASCII_WORD.findall(value)}
    return [w for w in ASCII_WORD.findall(outside_values) if w not in allowed]


def test_the_check_catches_an_untranslated_label() -> None:
    assert english_words("リードソース「Paid Search」の転換率") == []
    assert english_words("MQL → SQL の転換率が低下しました") == []
    assert english_words("lead source「Paid Search」のwin rateが低下") == ["lead", "source", "win", "rate"]
    assert english_words("（SMB 66日、Mid-Market 109日）を超えて", {"SMB", "Mid-Market"}) == []
    assert english_words("（SMB 66日、Mid-Market 109日）を超えて") == ["SMB", "Mid", "Market"]


def test_every_spec_code_is_worded_from_its_evidence() -> None:
    assert set(FROM_EVIDENCE) == set(FINDING_CODES)


SEGMENT = ("lead_source", "Paid Search")
CHANGE = words.Change(0.42, 0.31, 400, 380, 0.0004)
#: One call per code (the detectors' arguments), both languages.
CALLS: dict[str, Any] = {
    "conversion_drop": lambda lang: words.conversion_drop(lang, "sql_to_opportunity", CHANGE, segment=SEGMENT,
                                                          rest=words.Change(0.5, 0.49)),
    "mix_shift": lambda lang: words.mix_shift(lang, "mql_to_sql", SEGMENT, words.Change(0.22, 0.55), 0.21, 0.45),
    "lead_quality_decline": lambda lang: words.lead_quality_decline(
        lang, "sql_to_opportunity", ("lead_source", "Giveaway Campaign"), words.Change(0.0, 0.33), 0.14, 0.59),
    "slow_follow_up": lambda lang: words.slow_follow_up(lang, CHANGE, (4.0, 72.0), words.Change(0.37, 0.28)),
    "lead_volume_decline": lambda lang: words.lead_volume_decline(lang, words.Change(3600, 2340),
                                                                  ("2026-02..2026-04", "2026-05..2026-07"), SEGMENT),
    "deal_size_drop": lambda lang: words.deal_size_drop(lang, words.Change(4.1e6, 2.9e6, 90, 85, 0.001), 0.7,
                                                        ("2026-02..2026-04", "2026-05..2026-07")),
    "cycle_time_increase": lambda lang: words.cycle_time_increase(lang, CHANGE, 90.0, (45.0, 88.0)),
    "churn_increase": lambda lang: words.churn_increase(lang, words.Change(0.03, 0.1), ("Q1", "Q2"), 1.2e7),
    "kpi_green_revenue_flat": lambda lang: words.kpi_green_revenue_flat(
        lang, segment=SEGMENT, targets_met=True, attainment_missed={"opportunities": 0.8, "revenue": 0.7},
        quality_slice=words.QualitySlice(SEGMENT, "sql_to_opportunity", 0.14, 0.59)),
    "stalled_pipeline": lambda lang: words.stalled_pipeline(lang, 40, 120, 0.35, 180.0, {"SMB": 60.0}),
    "recycle_opportunity": lambda lang: words.recycle_opportunity(lang, 300, 9.0e8, 1200, 90),
    "pipeline_coverage_low": lambda lang: words.pipeline_coverage_low(lang, words.CoverageFacts(
        1.4, "2026-Q4", 1.4e8, 1.0e8, 2.0e8, 1.6e8, 1.3e8, 1.9e8, 4.0e7)),
    "revenue_decline": lambda lang: words.revenue_decline(
        lang, 3.0e8, 2.0e8, -1 / 3, "2026-02..2026-04 → 2026-05..2026-07",
        words.BridgeDriver("mix", "segment", "Enterprise", -8.0e7)),
}


def test_every_code_has_a_sentence_in_both_languages() -> None:
    assert set(CALLS) == set(FINDING_CODES)
    for code, call in CALLS.items():
        english, japanese = call("en"), call("ja")
        assert english and japanese and english != japanese, code
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", english), (code, english)
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese), (code, japanese)
        assert english_words(japanese, {"SMB"}) == [], (code, japanese)


Planted = tuple[list[Finding], set[str]]


@pytest.fixture(scope="module")
def planted() -> Planted:
    """Findings the engine makes on planted causes (most codes, including mix shift and quality),
    and the data's segment, source and ICP values."""
    found: list[Finding] = []
    values: set[str] = set()
    for cause in ("kpi_green_revenue_flat", "mix_shift", "slow_follow_up", "churn_increase", "deal_size_drop"):
        scenario = generate_scenario(cause, seed=1)
        for column in ("segment", "lead_source", "icp_fit"):
            values.update(scenario.frame[column].dropna().astype(str).unique())
        found += diagnose(from_canonical(scenario.frame), scenario.targets).findings
    return found, values


def test_engine_findings_read_the_same_in_every_shell(planted: Planted) -> None:
    planted_findings, data_values = planted
    codes = {f.code for f in planted_findings}
    assert {"kpi_green_revenue_flat", "mix_shift", "slow_follow_up", "churn_increase"} <= codes
    for f in planted_findings:
        spec = json.loads(json.dumps(f.to_dict()))  # what ui/ and the JSON boundary hold
        japanese = finding_sentence(f, "ja")
        assert finding_sentence(f, "en") == f.summary == spec["summary"]
        assert finding_sentence(spec, "ja") == japanese, f.code
        assert japanese != f.summary and english_words(japanese, data_values) == [], (f.code, japanese)


def test_a_sentence_carries_the_findings_own_numbers(planted: Planted) -> None:
    """The Japanese sentence states the rates of the evidence (independently formatted here)."""
    checked = 0
    for f in planted[0]:
        part = f.evidence.get("within_sla") if f.code == "slow_follow_up" else f.evidence.get("churn")
        if f.code in ("slow_follow_up", "churn_increase") and isinstance(part, dict):
            japanese = finding_sentence(f, "ja")
            assert f"{part['baseline'] * 100:.1f}%" in japanese and f"{part['current'] * 100:.1f}%" in japanese
            checked += 1
    assert checked >= 2
