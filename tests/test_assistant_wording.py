"""Offline wording: narrow answers with n and interval, units stated, money rounded with the currency,
Japanese 万/億, findings as sentences, and every printed number grounded by the tool results."""

from __future__ import annotations

import pytest

from assistant.chat.grounding import check_grounding
from assistant.chat.tools.playbook import Passage, explanatory, topic_passage
from assistant.offline.compose_findings import finding_line
from assistant.offline.compose_metrics import metric_lines
from assistant.offline.compose_plans import what_if_lines
from assistant.offline.words import Words
from tools.findings.model import Finding
from tools.metric_layer import METRICS, MetricQuery, MetricResult, MetricValue, Note

WIN = MetricResult(MetricQuery("win_rate", filters=(("segment", "SMB"),)), METRICS["win_rate"], None,
                   MetricValue(None, 0.2786, 847, 236, 0.249, 0.310))
REVENUE = MetricResult(MetricQuery("won_revenue", by="region"), METRICS["won_revenue"], None,
                       MetricValue(None, 1_903_620_000.0, 456),
                       [MetricValue("Kanto", 786_600_000.0, 217), MetricValue("Kansai", 462_900_000.0, 97)])
RANKED = MetricResult(MetricQuery("win_rate", by="industry", rank="top"), METRICS["win_rate"], None,
                      MetricValue(None, 0.29, 1570),
                      [MetricValue("Healthcare", 0.333, 120), MetricValue("Retail", 0.31, 140)],
                      [MetricValue("Media", 0.5, 12)], notes=[Note("below_min_n", "30")])


def _grounded(text: str, *sources: object) -> None:
    assert check_grounding(text, [s.to_dict() if hasattr(s, "to_dict") else s for s in sources]).ungrounded == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_single_rate_states_value_n_and_interval(lang: str) -> None:
    text = "\n".join(metric_lines(WIN, Words(lang)))  # type: ignore[arg-type]
    for shown in ("27.9%", "236", "847", "24.9%", "31.0%", "SMB"):
        assert shown in text
    _grounded(text, WIN)


def test_money_is_rounded_with_the_currency_and_japanese_units() -> None:
    en = "\n".join(metric_lines(REVENUE, Words("en", "JPY")))
    ja = "\n".join(metric_lines(REVENUE, Words("ja", "JPY")))
    assert "¥787M" in en and "¥1.9B" in en and "786,600,000" not in en
    assert "7.866億円" in ja and "19.04億円" in ja
    _grounded(en, REVENUE)
    _grounded(ja, REVENUE)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_ranking_names_the_leader_and_the_groups_too_small_to_rank(lang: str) -> None:
    text = "\n".join(metric_lines(RANKED, Words(lang)))  # type: ignore[arg-type]
    assert text.index("Healthcare") < text.index("Retail") and "Media" in text and "30" in text
    assert ("not ranked" in text.lower()) if lang == "en" else ("除外" in text)
    _grounded(text, RANKED)


@pytest.mark.parametrize(("unit", "en", "ja"), [("points", "percentage points", "ポイント"), ("relative", "relative", "相対")])
def test_a_what_if_states_its_unit(unit: str, en: str, ja: str) -> None:
    result = {"lever": "mql_to_sql", "unit": unit, "change": 0.135, "points": 0.05, "current_value": 0.369,
              "new_value": 0.419, "revenue": 140_200_000.0, "new_revenue": 159_100_000.0,
              "revenue_change": 18_900_000.0}
    text_en = what_if_lines(result, Words("en", "JPY"))[0]
    text_ja = what_if_lines(result, Words("ja", "JPY"))[0]
    assert en in text_en and ja in text_ja and "36.9%" in text_en and "41.9%" in text_ja
    _grounded(text_en, result)
    _grounded(text_ja, result)


STALLED = Finding("stalled_pipeline", "medium", "108 of 251 open deals have been open longer than 94 days.",
                  {"open_deals": 251, "open_amount": 1492030000.0, "stalled_deals": 108, "stalled_amount": 751810000.0},
                  transition="opportunity_to_won")
QUALITY = Finding("lead_quality_decline", "high", "engine summary",
                  {"driver_share_baseline": 0.0, "driver_share_current": 0.46, "driver_rate": 0.143,
                   "others_rate": 0.536, "overall": {"baseline": 0.541, "current": 0.344}},
                  transition="sql_to_opportunity", segment=("lead_source", "Giveaway Campaign"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_findings_read_as_sentences_with_their_numbers(lang: str) -> None:
    w = Words(lang, "JPY")  # type: ignore[arg-type]
    stalled, quality = finding_line(STALLED, w), finding_line(QUALITY, w)
    assert "108" in stalled and "251" in stalled and ("¥752M" in stalled or "7.518億円" in stalled)
    assert "Giveaway Campaign" in quality and "14.3%" in quality and "53.6%" in quality
    assert "lead_source" not in quality and "sql_to_opportunity" not in quality
    _grounded(stalled, STALLED)
    _grounded(quality, QUALITY)


def test_playbook_sentences_come_from_the_page_and_carry_their_own_figures() -> None:
    passage = topic_passage("sla-handoff", "en", "contact within 24 hours")
    assert "24 hours" in passage.excerpt and passage.source.endswith("sla-handoff.md")
    ja = topic_passage("resource-management", "ja", "必要人数")
    assert "0.8" in ja.excerpt  # a decimal point is not the end of a sentence
    _grounded(f"[sla-handoff] {passage.excerpt}", passage)


def test_citations_prefer_explanatory_sections() -> None:
    related = Passage("flexible-qualification", "", "en", "", "lead_quality_decline — …", "Related findings")
    body = Passage("flexible-qualification", "", "en", "", "MQL criteria are a valve", "Why definitions move")
    ja_related = Passage("kpi-design", "", "ja", "", "…", "関連する診断結果（Related findings）")
    assert explanatory([related, ja_related, body]) == [body, ja_related]


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
