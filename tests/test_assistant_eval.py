"""The evaluation set: its checker catches wrong answers, and the development split passes.

The held-out split (``assistant/eval/heldout.jsonl``) is not run here: it is never looked at
while tuning; ``bench/bench_assistant.py --split heldout`` reports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pytest

from assistant.chat.grounding import GroundingReport
from assistant.eval.harness import check, load_items, stated_numbers
from assistant.eval.oracle import expected, prepare
from tools.demo.sample import demo_dataset


@dataclass
class FakeAnswer:
    answer: str
    intent: str = "metric"
    language: str = "en"
    findings: list[str] = field(default_factory=list)
    grounding: GroundingReport = field(default_factory=GroundingReport)


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    scenario = demo_dataset()
    return prepare(scenario.frame), scenario.targets


def test_numbers_are_read_with_their_units() -> None:
    stated = stated_numbers("¥69.6M, 6,958万円, 24.6%, +5.0 pts, 1,234 leads")
    assert 69.6e6 in stated.amounts and 69_580_000.0 in stated.amounts
    assert stated.percents == [24.6, 5.0] and 1234.0 in stated.plain


def test_the_checker_fails_wrong_figures_labels_and_unverified_text(demo) -> None:  # noqa: ANN001
    frame, targets = demo
    item = {"id": "t", "lang": "en", "intent": "metric", "question": "Win rate by segment?",
            "expect": [{"metric": "win_rate", "by": "segment"}]}
    figures = expected(item["expect"][0], frame, targets)
    right = "\n".join(f"- {f.label}: {f.value * 100:.1f}%" for f in figures)
    assert check(item, FakeAnswer(right), frame, targets) == []
    wrong = right.replace(f"{figures[0].value * 100:.1f}%", f"{figures[0].value * 100 + 1:.1f}%")
    assert any("missing percent" in p for p in check(item, FakeAnswer(wrong), frame, targets))
    assert any("missing label" in p for p in check(item, FakeAnswer(right.replace("SMB", "S.M.B.")), frame, targets))
    assert any("unverified" in p for p in check(item, FakeAnswer(right + " [unverified]"), frame, targets))
    assert any("intent" in p for p in check(item, FakeAnswer(right, intent="diagnose"), frame, targets))
    off = {"id": "o", "lang": "en", "intent": "off_topic", "question": "weather?"}
    assert any("figures" in p for p in check(off, FakeAnswer("It is 21 degrees.", intent="off_topic"), frame, targets))


def test_the_oracle_agrees_with_a_hand_count(demo) -> None:  # noqa: ANN001
    frame, targets = demo
    (mqls,) = expected({"metric": "mqls"}, frame, targets)
    assert mqls.value == (frame["mql_date"].notna() | frame["sql_date"].notna() | frame["opportunity_date"].notna()
                          | frame["won_date"].notna() | frame["lost_date"].notna()
                          | frame["phase"].isin(["mql", "sql", "won", "lost", "prospecting", "engaging", "proposal",
                                                 "negotiation", "commit"])).sum()


def test_the_sets_cover_every_question_type_in_both_languages() -> None:
    items = load_items("dev") + load_items("heldout")
    assert len(items) >= 200 and len(load_items("heldout")) >= 50
    assert 0.4 <= sum(i["lang"] == "ja" for i in items) / len(items) <= 0.6
    types = {i["type"] for i in items}
    for kind in types:
        for lang in ("en", "ja"):
            assert sum(i["type"] == kind and i["lang"] == lang for i in items) >= 2, (kind, lang)
    conversations = [c for c in {i["conversation"] for i in items} if sum(i["conversation"] == c for i in items) >= 3]
    assert {i["lang"] for i in items if i["conversation"] in conversations} == {"en", "ja"}


@pytest.mark.slow
def test_the_development_split_passes(demo) -> None:  # noqa: ANN001
    from assistant.chat.conversation import Conversation
    from assistant.eval.harness import run, summary
    from assistant.settings import Settings
    from tools.dataset import from_canonical

    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    settings = Settings(llm="offline", currency="JPY")
    results = run(load_items("dev"), lambda: Conversation(data, scenario.targets, settings=settings),
                  scenario.frame, scenario.targets)
    report = summary(results)
    failures = [f"{r.item['id']} {r.item['question']}: {r.problems}" for r in results if not r.passed]
    assert report["passed"] / report["total"] >= 0.95, failures
    assert not [r for r in results if any("ungrounded" in p or "unverified" in p for p in r.problems)]
