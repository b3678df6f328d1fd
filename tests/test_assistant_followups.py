"""The second round of everyday questions, end to end on the demo: why-chains, slices of a revenue
change, overviews, stuck deals, open pipeline, playbook concepts and Japanese period labels.

Expected figures come from plain pandas (``assistant.eval.oracle``) or from the typed diagnosis the
chat is meant to quote (the bridge's largest driver); never from the chat's own code.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from assistant.chat.conversation import Conversation
from assistant.eval.harness import repeats
from assistant.eval.oracle import measure, prepare, stalled
from assistant.offline.words import Words
from assistant.settings import Settings
from tools.dataset import from_canonical
from tools.demo.sample import demo_dataset
from tools.diagnosis import diagnose

pytestmark = pytest.mark.slow
YEN = Settings(llm="offline", currency="JPY")


@pytest.fixture(scope="module")
def demo():  # noqa: ANN201
    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    return data, scenario.targets, diagnose(data, targets=scenario.targets), prepare(scenario.frame)


def _chat(demo) -> Conversation:  # noqa: ANN001
    data, targets, diagnosis, _ = demo
    return Conversation(data, targets, settings=YEN, diagnosis=diagnosis)


def _window(diagnosis, which: str) -> tuple[pd.Timestamp, pd.Timestamp]:  # noqa: ANN001
    window = getattr(diagnosis.periods, which)
    return window.start, window.end


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_why_goes_one_level_deeper_and_never_repeats(demo, lang: str) -> None:  # noqa: ANN001
    chat = _chat(demo)
    w = Words(lang, "JPY")
    first = chat.ask("Why did revenue drop?" if lang == "en" else "売上が下がったのはなぜ？")
    answers = [first] + [chat.ask("why is that?" if lang == "en" else "それはなぜ？") for _ in range(5)]
    texts = [a.answer for a in answers]
    for before, after in zip(texts, texts[1:], strict=False):
        assert not repeats(after, before)
    assert all(a.intent == "why" and not a.grounding.ungrounded for a in answers[1:])
    bridge = demo[2].revenue_bridge
    largest = bridge.largest_driver()
    assert w.lever(largest.driver) in texts[1] and w.money(abs(largest.amount)) in texts[1]  # level 1: the driver
    assert largest.value is None or largest.value in texts[1]  # ... and where it sits
    assert any(w.finding(code) in texts[2] for code in answers[2].findings)  # level 2: the finding behind it
    assert answers[3].citations and "[" in texts[3]  # level 3: the playbook's reason, cited


def test_a_slice_after_a_revenue_change_carries_the_slice(demo) -> None:  # noqa: ANN001
    chat = _chat(demo)
    diagnosis, frame = demo[2], demo[3]
    whole = chat.ask("Why did revenue go down?")
    sliced = chat.ask("and for Enterprise?")
    enterprise = frame[frame["segment"] == "Enterprise"]
    for which in ("current", "baseline"):
        value, _ = measure(enterprise, "won_revenue", _window(diagnosis, which), frame["created_date"].max())
        assert Words("en", "JPY").money(value) in sliced.answer
    company_now, _ = measure(frame, "won_revenue", _window(diagnosis, "current"), frame["created_date"].max())
    company = Words("en", "JPY").money(company_now)
    assert company in whole.answer and company not in sliced.answer  # no whole-company figure left over
    assert "Enterprise" in sliced.answer and sliced.intent == "revenue_change"


def test_an_overview_is_short_and_says_revenue_bottleneck_and_top_finding(demo) -> None:  # noqa: ANN001
    chat = _chat(demo)
    diagnosis, frame = demo[2], demo[3]
    overview = chat.ask("ざっくり状況を教えて")
    full = chat.ask("ファネルのどこで漏れていますか？")
    w = Words("ja", "JPY")
    for which in ("current", "baseline"):
        value, _ = measure(frame, "won_revenue", _window(diagnosis, which), frame["created_date"].max())
        assert w.money(value) in overview.answer
    assert w.lever(diagnosis.bottleneck.lever) in overview.answer
    top = next(f for f in diagnosis.findings_by_severity() if f.severity != "info")
    assert w.finding(top.code) in overview.answer and len(overview.answer) < len(full.answer)


def test_stuck_deals_say_where_they_are(demo) -> None:  # noqa: ANN001
    frame = demo[3]
    as_of = max(frame[c].max() for c in ("created_date", "won_date", "lost_date", "first_touch_date")).normalize()
    hit = stalled(frame, as_of, frame)
    answer = _chat(demo).ask("Are deals getting stuck anywhere?")
    assert f"Stalled deals (as of {as_of.date()}): {int(hit.sum())}" in answer.answer
    by_segment = frame[hit].groupby("segment").size()
    line = next(line for line in answer.answer.splitlines() if line.startswith("- By segment"))
    assert {seg: int(n) for seg, n in by_segment.items()} == {
        m.group(1): int(m.group(2)) for m in re.finditer(r"([A-Za-z-]+) (\d+)", line)}
    assert "- By phase:" in answer.answer and "- By owner:" in answer.answer


def test_open_deals_and_their_worth_in_one_answer(demo) -> None:  # noqa: ANN001
    frame = demo[3]
    answer = _chat(demo).ask("How many opportunities are open right now and what are they worth?")
    count, _ = measure(frame, "open_deals", None, frame["created_date"].max())
    amount, _ = measure(frame, "open_pipeline", None, frame["created_date"].max())
    assert f"Open deals (as of 2026-10-31): {int(count)}" in answer.answer
    assert Words("en", "JPY").money(amount) in answer.answer


@pytest.mark.parametrize(("question", "topic", "lang"), [
    ("What is an MQL?", "lead-stages", "en"), ("SLAとは？", "sla-handoff", "ja"),
    ("What should IS do with cold leads?", "lead-temperature", "en"), ("ナーチャリングとは何ですか？", "demand-generation", "ja"),
])
def test_a_concept_is_its_definition_in_a_few_sentences_cited(demo, question: str, topic: str, lang: str) -> None:  # noqa: ANN001
    answer = _chat(demo).ask(question)
    assert answer.intent == "playbook" and answer.language == lang
    assert [c.topic for c in answer.citations] == [topic]
    sentences = [s for s in re.split(r"(?<=[。.!?])\s*", answer.answer.split(f"[{topic}]")[0]) if s.strip()]
    assert 1 <= len(sentences) <= 3 and not answer.grounding.ungrounded
    assert ("の" in answer.answer) == (lang == "ja")


def test_japanese_answers_write_periods_the_japanese_way(demo) -> None:  # noqa: ANN001
    chat = _chat(demo)
    for question in ("前年同期比で売上はどう？", "先四半期のMQL数は？", "売上が減ったのはなぜ？", "今四半期は目標に届く？"):
        text = chat.ask(question).answer
        assert ".." not in text and not re.search(r"20\d\d-(?:\d\d|Q\d)", text), text
    assert "2026年8月〜10月" in chat.ask("前年同期比で売上はどう？").answer
    assert "2026年第3四半期" in chat.ask("先四半期のMQL数は？").answer


def test_without_amounts_the_answers_say_what_they_cannot_give(demo) -> None:  # noqa: ANN001
    frame = demo_dataset().frame.drop(columns=["amount", "phase"])
    chat = Conversation(from_canonical(frame), None, settings=YEN)
    for question in ("Quick overview", "Why did revenue drop?", "How many opportunities are open and what are they worth?"):
        text = chat.ask(question).answer
        assert "no amount column" in text and "¥0" not in text, text
    assert chat.ask("why is that?").answer != chat.ask("why is that?").answer
