"""Offline answer wording: findings as sentences, metrics with context, explanatory citations, reuse."""

from __future__ import annotations

import pytest

from assistant.chat.grounding import check_grounding
from assistant.chat.tools.catalog import explanatory
from assistant.offline.compose_findings import finding_line
from assistant.offline.compose_metrics import metric_lines

STALLED = {
    "code": "stalled_pipeline", "severity": "medium", "transition": "opportunity_to_won", "segment": None,
    "summary": "108 of 251 open deals have been open longer than 94 days; close them out or re-qualify them.",
    "evidence": {"open_deals": 251, "open_amount": 1492030000.0, "median_age_days": 119.0,
                 "stall_threshold_days": 94.3, "stalled_deals": 108, "stalled_amount": 751810000.0},
}
QUALITY = {
    "code": "lead_quality_decline", "severity": "high", "transition": "sql_to_opportunity",
    "segment": {"dimension": "lead_source", "value": "Giveaway Campaign"},
    "summary": "Lead growth came from lead_source = Giveaway Campaign (0% → 46% of the cohort), which converts "
               "at 14.3% on sql to opportunity vs 53.6% for the rest",
    "evidence": {"driver_share_baseline": 0.0, "driver_share_current": 0.46, "driver_rate": 0.143,
                 "others_rate": 0.536, "overall": {"baseline": 0.541, "current": 0.344}},
}


def test_japanese_finding_is_a_sentence_not_an_evidence_dump() -> None:
    line = finding_line(STALLED, "ja")
    assert "、進行中の金額" not in line and "経過日数の中央値" not in line  # the old "label value、…" dump
    assert "251件" in line and "108件" in line and line.endswith("。")
    assert check_grounding(line, [STALLED]).ungrounded == []


def test_japanese_finding_without_a_grounded_engine_sentence_still_reads_as_one() -> None:
    slow = {"code": "slow_follow_up", "severity": "high", "evidence": {
        "within_sla": {"baseline": 0.917, "current": 0.159}, "median_hours_baseline": 4.0,
        "median_hours_current": 70.5}}
    line = finding_line(slow, "ja")
    assert "91.7%" in line and "15.9%" in line and line.endswith("。")
    assert check_grounding(line, [slow]).ungrounded == []  # the engine's fixed "24時間" is not a tool number


def test_english_finding_uses_words_not_codes() -> None:
    stalled, quality = finding_line(STALLED, "en"), finding_line(QUALITY, "en")
    assert "opportunity→won (win rate):" not in stalled and stalled.startswith("Stalled pipeline (medium")
    assert "lead_source =" not in quality and "sql to opportunity" not in quality
    assert 'lead source "Giveaway Campaign"' in quality and "SQL→opportunity" in quality
    assert check_grounding(quality, [QUALITY]).ungrounded == []


def test_citations_prefer_explanatory_sections() -> None:
    related = {"topic": "flexible-qualification", "heading": "Related findings", "excerpt": "lead_quality_decline — …"}
    body = {"topic": "flexible-qualification", "heading": "Why definitions move", "excerpt": "MQL criteria are a valve"}
    ja_related = {"topic": "kpi-design", "heading": "関連する診断結果（Related findings）", "excerpt": "…"}
    picked = explanatory([related, ja_related, body])
    assert picked == [body, ja_related]  # a topic with only its related-findings chunk keeps it


SEGMENT_WIN_RATE = {
    "metric": "win_rate", "by": None, "values": {"all": 0.262},
    "segment": {"dimension": "segment", "value": "Enterprise"},
    "n": {"won": 48, "lost": 135}, "overall": 0.303,
    "trend": {"baseline": 0.291, "current": 0.216, "baseline_window": "2024-11..2025-10",
              "current_window": "2026-08..2026-10", "n_baseline": 102, "n_current": 34, "p_value": 0.01,
              "significant": True},
}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_metric_answer_has_n_comparison_trend_and_reading(lang: str) -> None:
    text = "\n".join(metric_lines(SEGMENT_WIN_RATE, lang))
    for shown in ("26.2%", "48", "135", "30.3%", "29.1%", "21.6%", "2024-11..2025-10"):
        assert shown in text
    assert ("Reading:" if lang == "en" else "読み方:") in text
    assert ("lags the company" if lang == "en" else "全体を下回り") in text
    assert check_grounding(text, [SEGMENT_WIN_RATE]).ungrounded == []


@pytest.mark.slow
def test_segment_metric_question_on_demo_data_has_context_and_reuses_work(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.chat.answering as service
    from assistant.chat.conversation import Conversation
    from tools.dataset import from_canonical
    from tools.demo.scenarios import generate_scenario

    builds: list[int] = []
    real_build = service.build_tools
    monkeypatch.setattr(service, "build_tools", lambda ctx: builds.append(1) or real_build(ctx))
    scenario = generate_scenario("kpi_green_revenue_flat", seed=0)
    chat = Conversation(from_canonical(scenario.frame), scenario.targets)
    first = chat.ask("What is our win rate?")
    answer = chat.ask("エンタープライズだけだと受注率は？")
    seg = next(r for r in chat.context.log if r.name == "lookup_metric").payload  # this turn's lookup
    assert answer.language == "ja" and answer.grounding.ungrounded == [] and first.grounding.ungrounded == []
    assert f"{seg['values']['all'] * 100:.1f}%" in answer.answer  # the segment's value ...
    assert f"{seg['overall'] * 100:.1f}%" in answer.answer  # ... against the whole upload
    assert f"失注 {seg['n']['lost']:,} 件" in answer.answer and "読み方:" in answer.answer
    assert "比較期間（" in answer.answer  # the baseline window the engine compares against
    assert builds == [1]  # tools (and the offline agent) are built once per conversation


def test_intent_example_vectors_are_cached_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    import knowledge.embeddings as emb
    from assistant.chat import routing as intents

    monkeypatch.setenv("REVOPS_HOME", str(tmp_path))
    calls: list[int] = []
    real = emb.embed_texts
    monkeypatch.setattr(emb, "embed_texts", lambda texts, **kw: calls.append(len(texts)) or real(texts, **kw))
    intents._example_matrix.cache_clear()
    try:
        first = intents._example_matrix()[1]
        intents._example_matrix.cache_clear()  # a new process: only the file is left
        second = intents._example_matrix()[1]
    finally:
        intents._example_matrix.cache_clear()
    assert len(calls) == 1 and list((tmp_path / "cache").glob("intent-examples-*.npy"))
    assert (first == second).all()
