"""The remote path: real ``openai`` client + LangChain agent against a local scripted server.

Checks that tool calls are executed, the final answer is grounded, no raw cell value (canary
owner names, e-mails) ever reaches the endpoint, and every failure falls back to offline.
"""

from __future__ import annotations

import json

import pytest

from assistant.chat.conversation import answer_question
from assistant.settings import Settings
from tests.fake_openai_server import FakeOpenAI, Reply, tool_results
from tests.net import free_port
from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario

pytestmark = pytest.mark.slow

CANARY_OWNERS = ["Zelda Canaryfield", "Quentin Tarantula-Smith", "山田カナリア"]
CANARY_EMAIL = "canary.person@example-corp.test"


@pytest.fixture(scope="module", autouse=True)
def _built_store() -> None:
    """Build the playbook store first: a cold build (5-30 s) would eat the whole-question deadline."""
    from assistant.knowledge_access import open_knowledge

    open_knowledge()


@pytest.fixture(scope="module")
def canary_data():  # noqa: ANN201
    scenario = generate_scenario("kpi_green_revenue_flat", seed=1, months=18, leads_per_month=150)
    frame = scenario.frame.copy()
    frame["owner"] = [CANARY_OWNERS[i % 3] for i in range(len(frame))]
    source = frame["lead_source"].astype("object")
    source[source == "Referral"] = CANARY_EMAIL
    frame["lead_source"] = source
    return from_canonical(frame), scenario.targets


def _settings(base_url: str, **extra: object) -> Settings:
    options: dict[str, object] = {"llm_max_retries": 0, "llm_timeout": 5.0, **extra}
    return Settings(llm="openai", OPENAI_API_KEY="test-key", OPENAI_BASE_URL=base_url, **options)  # type: ignore[arg-type]


def _final_from_metric(body: dict) -> Reply:
    results = tool_results(body)
    rate = results[0]["total"]["value"]
    return Reply(content=f"Your win rate is {rate * 100:.1f}% [opportunity-phases].")


def test_tools_are_executed_and_answer_is_grounded(canary_data) -> None:  # noqa: ANN001
    script = [
        Reply(tool_calls=[("query_metric", {"metric": "win_rate"}),
                          ("search_playbook", {"query": "win rate", "topics": ["opportunity-phases"]})]),
        _final_from_metric,
    ]
    with FakeOpenAI(script) as server:
        answer = answer_question("What is our win rate?", canary_data[0], settings=_settings(server.base_url))
    assert answer.mode == "llm" and answer.fallback is None
    assert [t.name for t in answer.tool_calls] == ["query_metric", "search_playbook"]
    assert answer.grounding.numbers == 1 and answer.grounding.ungrounded == []
    assert [c.topic for c in answer.citations] == ["opportunity-phases"]
    assert server.requests[0]["tools"], "tools must be offered to the model"
    assert server.requests[1]["messages"][-1]["role"] == "tool"


def test_invented_number_is_flagged(canary_data) -> None:  # noqa: ANN001
    script = [Reply(tool_calls=[("query_metric", {"metric": "win_rate"})]),
              Reply(content="Win rate is 87.5%, far above peers.")]
    with FakeOpenAI(script) as server:
        answer = answer_question("What is our win rate?", canary_data[0], settings=_settings(server.base_url))
    assert answer.grounding.ungrounded == ["87.5%"]
    assert "87.5% [unverified]" in answer.answer


def test_no_raw_cell_value_is_sent(canary_data) -> None:  # noqa: ANN001
    script = [
        Reply(tool_calls=[("funnel_summary", {"by_dimension": "owner"}),
                          ("funnel_summary", {"by_dimension": "lead_source"}),
                          ("query_metric", {"metric": "win_rate", "by": "owner"}),
                          ("diagnose_funnel", {})]),
        Reply(tool_calls=[("funnel_summary", {"segment_dimension": "owner", "segment_value": "Rep A"})]),
        Reply(content="Rep A owns the most leads."),
    ]
    with FakeOpenAI(script) as server:
        chat_settings = _settings(server.base_url)
        answer = answer_question("Compare owners and sources", canary_data[0], targets=canary_data[1],
                                 settings=chat_settings, history=[("Who owns Zelda Canaryfield's deals?", "ok")])
    sent = b"".join(server.raw).decode("utf-8")
    assert "Rep A" in sent and "Label 1" in sent  # pseudonyms went out ...
    for canary in [*CANARY_OWNERS, CANARY_EMAIL]:
        assert canary not in sent, canary  # ... never the names or e-mails
        assert canary.encode("unicode_escape").decode() not in sent
    assert "error" not in server.requests[-1]["messages"][-1]["content"]  # "Rep A" resolved locally
    assert answer.mode == "llm"
    assert any(name in answer.answer for name in CANARY_OWNERS)  # revealed for the local user only



@pytest.mark.parametrize(("status", "delay", "expected"), [
    (401, 0.0, "401"), (429, 0.0, "429"), (200, 3.0, "timed out"), (None, 0.0, "could not be reached"),
])
def test_remote_failures_fall_back_to_offline(canary_data, status, delay, expected) -> None:  # noqa: ANN001
    question = "What is our win rate?"
    if status is None:
        settings = _settings(f"http://127.0.0.1:{free_port()}/v1")
        answer = answer_question(question, canary_data[0], settings=settings)
    else:
        with FakeOpenAI([Reply(content="late")], status=status, delay=delay) as server:
            settings = _settings(server.base_url, llm_timeout=1.0)
            answer = answer_question(question, canary_data[0], settings=settings)
    assert answer.mode == "offline"
    assert answer.fallback is not None and expected in answer.fallback
    assert answer.answer.startswith("Note: answered by the offline assistant")
    assert answer.to_dict()["fallback"] == answer.fallback
    assert answer.grounding.ungrounded == []
    assert [t.name for t in answer.tool_calls][0] == "query_metric"


def test_japanese_fallback_note(canary_data) -> None:  # noqa: ANN001
    with FakeOpenAI([], status=429) as server:
        answer = answer_question("受注率は？", canary_data[0], settings=_settings(server.base_url))
    assert answer.language == "ja" and answer.answer.startswith("注:")


def test_the_model_fills_the_metric_query_schema(canary_data) -> None:  # noqa: ANN001
    """The same metric layer as a tool: the schema lists the catalogue and takes filters, periods and rankings."""

    def answer(body: dict) -> Reply:
        (result,) = tool_results(body)
        best = result["values"][0]
        return Reply(content=f"{best['group']} leads at {best['value'] * 100:.1f}% (n={best['n']}).")

    call = {"metric": "win_rate", "by": "segment", "rank": "top", "period": "last_12_months",
            "filters": [{"dimension": "icp_fit", "value": "yes"}]}
    with FakeOpenAI([Reply(tool_calls=[("query_metric", call)]), answer]) as server:
        result = answer_question("Which segment wins best among ICP-fit leads this past year?", canary_data[0],
                                 settings=_settings(server.base_url))
    schema = next(t for t in server.requests[0]["tools"] if t["function"]["name"] == "query_metric")["function"]
    params = schema["parameters"]["properties"]
    assert "win_rate" in str(params["metric"]) and "lead_to_won" in str(params["metric"])
    assert "dimension" in str(params["filters"]) and "top" in str(params["rank"])
    assert result.mode == "llm" and result.grounding.ungrounded == [] and "[unverified]" not in result.answer
    assert result.tool_calls[0].args["by"] == "segment"
    assert [e.kind for e in result.exhibits] == ["bar"]  # the same chart as offline, from the same result


def test_the_remote_model_can_break_down_by_an_upload_s_own_column() -> None:
    """An undated lead list's 'Lead Origin' (kept as the extra dimension x_lead_origin) reaches the
    remote model's query_metric; the figures it gets back are plain pandas's, the prospect ids never."""
    from pathlib import Path

    import pandas as pd

    from tools.ingest.loading import load_exports

    path = Path(__file__).parent / "data" / "corpus" / "classes" / "undated_leads" / "leads.csv"
    data = load_exports([path])
    raw = pd.read_csv(path)
    expected = raw.groupby("Lead Origin")["Converted"].agg(["mean", "size"])

    def final(body: dict) -> Reply:
        result = tool_results(body)[0]
        best = max(result["values"], key=lambda v: v["value"])
        return Reply(content=f"{best['group']} converts best at {best['value'] * 100:.1f}%.")

    script = [Reply(tool_calls=[("query_metric", {"metric": "lead_to_opportunity", "by": "x_lead_origin"})]), final]
    with FakeOpenAI(script) as server:
        answer = answer_question("Which lead origin converts best?", data, settings=_settings(server.base_url))
    assert answer.mode == "llm" and answer.fallback is None
    values = {v["group"]: (v["value"], v["n"]) for v in tool_results(server.requests[1])[0]["values"]}
    for origin, row in expected.iterrows():
        if row["size"] >= 30:  # rankings leave out smaller groups, by design
            assert values[str(origin)][1] == row["size"]
            assert values[str(origin)][0] == pytest.approx(row["mean"])
    sent = json.dumps(server.requests)
    assert not any(pid in sent for pid in raw["Prospect ID"].head(50))
