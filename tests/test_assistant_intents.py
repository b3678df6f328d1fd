"""Intent routing in English and Japanese, parameters, and follow-ups."""

import pytest

from assistant.chat.question_params import find_lever, find_money, find_percent
from assistant.chat.routing import route
from assistant.language import detect_language

VOCAB = {"segment": ["Enterprise", "Mid-Market", "SMB"], "lead_source": ["Webinar", "Giveaway Campaign"]}

CASES = [
    ("Where is our funnel leaking?", "diagnose"),
    ("ファネルのどこで漏れていますか？", "diagnose"),
    ("Why is revenue flat though our KPIs are green?", "kpi_green_flat"),
    ("KPIは達成しているのに売上が伸びないのはなぜ？", "kpi_green_flat"),
    ("What is our win rate?", "metric"),
    ("平均単価は？", "metric"),
    ("What if the win rate improves by 5%?", "what_if"),
    ("リードが20%増えたら売上はどうなる？", "what_if"),
    ("How many leads do we need to reach 300 million?", "reverse_plan"),
    ("How many reps do we need?", "capacity"),
    ("営業は何人必要？", "capacity"),
    ("What is an MQL?", "playbook"),
    ("SLAとは何ですか？", "playbook"),
    ("Write an improvement memo for leadership", "memo"),
    ("Show me the funnel by lead source", "funnel"),
]


@pytest.mark.parametrize(("question", "intent"), CASES)
def test_routing(question: str, intent: str) -> None:
    assert route(question, VOCAB).intent == intent


def test_language_by_script() -> None:
    assert detect_language("KPIは?") == "ja"
    assert detect_language("What is our MQL rate?") == "en"


def test_parameters() -> None:
    assert find_percent("what if win rate drops by 5 points") == pytest.approx(-0.05)
    assert find_money("to reach ¥1.2億") == pytest.approx(1.2e8)
    assert find_money("to hit $2M next quarter") == pytest.approx(2e6)
    assert find_lever("受注率が上がったら") == "opportunity_to_won"


def test_follow_up_keeps_intent_and_changes_segment() -> None:
    first = route("What is our win rate?", VOCAB)
    follow = route("and for enterprise only?", VOCAB, previous=first)
    assert follow.followup and follow.intent == "metric" and follow.segment is not None
    assert follow.segment.value == "Enterprise"
    new = route("Where is the bottleneck for SMB?", VOCAB, previous=first)
    assert new.intent == "diagnose" and new.segment is not None and new.segment.value == "SMB"
