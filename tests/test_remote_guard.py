"""The remote model is bounded and checked: one deadline for the whole question, no final text
that claims an impossible action or follows a failed tool call, labels capped as documented.

Everything runs against the local scripted server (``tests/fake_openai_server.py``); the deadline
test is the one place a wall-clock assertion is the point.
"""

from __future__ import annotations

import json
import time

import pytest

from assistant.chat.conversation import Conversation, answer_question
from assistant.chat.privacy import MAX_LABEL
from assistant.chat.reply_check import claims_action
from assistant.settings import Settings
from tests.fake_openai_server import FakeOpenAI, Reply, tool_results
from tools.dataset import LoadedData, from_canonical
from tools.demo.scenarios import generate_scenario

pytestmark = pytest.mark.slow

QUESTION = "What is our win rate?"
LONG_SOURCE = "Giveaway Campaign " + "x" * 79  # 97 characters, as in the probe
#: a metric query filtered on a segment the upload does not have: the tool returns an error
GALACTIC = {"metric": "win_rate", "filters": [{"dimension": "segment", "value": "Galactic"}]}


@pytest.fixture(scope="module")
def data() -> LoadedData:
    from assistant.knowledge_access import open_knowledge

    open_knowledge()  # a cold store build would count against the deadline: build it first
    scenario = generate_scenario("kpi_green_revenue_flat", seed=1, months=18, leads_per_month=150)
    loaded = from_canonical(scenario.frame)
    answer_question(QUESTION, loaded, settings=Settings(llm="offline"))  # warm the offline path once
    return loaded


def _remote(base_url: str, **extra: object) -> Settings:
    options: dict[str, object] = {"llm_max_retries": 0, "llm_timeout": 30.0, **extra}
    return Settings(llm="openai", OPENAI_API_KEY="test-key", OPENAI_BASE_URL=base_url, **options)  # type: ignore[arg-type]


# --- one deadline for the whole question -------------------------------------------------------


def test_trickling_server_is_cut_at_the_deadline(data: LoadedData) -> None:
    # Before: one byte every 2 s kept `revops ask` waiting 66 s with REVOPS_LLM_TIMEOUT=5 (each read
    # succeeds, so no read timeout ever fires); here a ~400-byte reply would take 13 minutes.
    deadline = 3.0
    with FakeOpenAI([Reply(content="too late")] * 4, trickle=0.5) as server:
        started = time.monotonic()
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url, llm_timeout=deadline,
                                                                  llm_max_retries=2))
        elapsed = time.monotonic() - started
        aborted = server.aborted.wait(5)
    assert elapsed < deadline + 1.0, f"answered after {elapsed:.2f} s"
    assert answer.mode == "offline"
    assert answer.fallback == "the remote model timed out: no final answer within REVOPS_LLM_TIMEOUT (3 s)"
    assert answer.answer.startswith("Note: answered by the offline assistant because the remote model timed out")
    assert [t.name for t in answer.tool_calls][0] == "query_metric"
    assert aborted, "the trickling request must be closed, not left running in the background"


def test_retries_are_inside_the_deadline(data: LoadedData) -> None:
    # Each attempt fails after 1.5 s with HTTP 500; three retries alone would need 6 s and more.
    with FakeOpenAI([], status=500, delay=1.5) as server:
        started = time.monotonic()
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url, llm_timeout=2.5,
                                                                  llm_max_retries=3))
        elapsed = time.monotonic() - started
    assert answer.mode == "offline" and "timed out" in (answer.fallback or "")
    assert len(server.requests) <= 2
    assert elapsed < 2.5 + 1.0


def test_a_fast_remote_answer_is_not_affected(data: LoadedData) -> None:
    script = [Reply(tool_calls=[("query_metric", {"metric": "win_rate"})]),
              lambda body: Reply(content=f"Win rate: {tool_results(body)[0]['total']['value'] * 100:.1f}%.")]
    with FakeOpenAI(script) as server:
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url, llm_timeout=20))
    assert answer.mode == "llm" and answer.fallback is None
    assert answer.grounding.ungrounded == []


# --- final texts that must not be shown --------------------------------------------------------


def test_claim_after_an_unknown_tool_is_not_the_answer(data: LoadedData) -> None:
    script = [Reply(tool_calls=[("delete_all_data", {"confirm": True})]), Reply(content="Done. All data deleted.")]
    with FakeOpenAI(script) as server:
        answer = answer_question("Clean up my data please", data, settings=_remote(server.base_url))
    assert answer.mode == "offline"
    assert answer.fallback == "the remote model answered right after a failed or unknown tool call (delete_all_data)"
    assert "deleted" not in answer.answer.lower()
    assert "delete_all_data" not in [t.name for t in answer.tool_calls]


def test_claimed_action_without_tools_is_not_the_answer(data: LoadedData) -> None:
    script = [Reply(content="I have emailed the report to your sales team and updated your CRM records.")]
    with FakeOpenAI(script) as server:
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url))
    assert answer.mode == "offline"
    assert answer.fallback == "the remote model's reply claimed an action this assistant cannot take"
    assert "emailed" not in answer.answer


def test_japanese_note_for_a_flagged_reply(data: LoadedData) -> None:
    with FakeOpenAI([Reply(content="データをすべて削除しました。")]) as server:
        answer = answer_question("受注率は？", data, settings=_remote(server.base_url))
    assert answer.mode == "offline" and answer.language == "ja"
    assert answer.answer.startswith("注: リモートモデルの回答が、このアシスタントにはできない操作をしたと主張していた")


def test_answer_after_a_corrected_call_is_shown(data: LoadedData) -> None:
    script = [
        Reply(tool_calls=[("query_metric", GALACTIC)]),
        Reply(tool_calls=[("query_metric", {"metric": "win_rate"})]),
        lambda body: Reply(content=f"There is no Galactic segment; overall win rate is "
                                   f"{tool_results(body)[-1]['total']['value'] * 100:.1f}%."),
    ]
    with FakeOpenAI(script) as server:
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url))
    assert "error" in json.dumps(tool_results(server.requests[1])[0])  # the first call really failed
    assert answer.mode == "llm" and answer.fallback is None


def test_answer_right_after_a_failed_call_is_not_shown(data: LoadedData) -> None:
    script = [
        Reply(tool_calls=[("query_metric", GALACTIC)]),
        Reply(content="The Galactic segment wins 97% of its deals."),
    ]
    with FakeOpenAI(script) as server:
        answer = answer_question(QUESTION, data, settings=_remote(server.base_url))
    assert answer.mode == "offline"
    assert "failed or unknown tool call (query_metric)" in (answer.fallback or "")
    assert "97%" not in answer.answer


@pytest.mark.parametrize("text", [
    "Done. All data deleted.", "I have deleted the Giveaway leads.", "I've sent an email to the team.",
    "We have updated your CRM records.", "Your records have been permanently erased.",
    "Completed: removed duplicates.", "I went ahead and reassigned the deals to Rep B.",
    "I updated the lead source field in Salesforce.", "データをすべて削除しました。", "担当者にメールを送信しました。",
])
def test_claims_of_actions_are_recognised(text: str) -> None:
    assert claims_action(text)


@pytest.mark.parametrize("text", [
    "Your win rate is 25.0% [opportunity-phases].", "Of the MQLs we sent to inside sales, 30% became SQL.",
    "Deals in the Contract Sent stage: 12.", "I recommend contacting leads within 24 hours.",
    "I have updated the analysis for Enterprise.", "12 rows were dropped because dates were missing.",
    "Lead volume changed from 500 to 800.", "今月は500件のリードが登録されました。", "分析を実行しました。",
    "売上は過去最高を更新しました。", "Emails sent per rep is not in this data.",
])
def test_ordinary_analysis_is_not_a_claim(text: str) -> None:
    assert not claims_action(text)


def test_no_offline_answer_of_the_question_set_reads_as_a_claim() -> None:
    # The offline composer's real answers to the evaluation set (dev and held out, en/ja, follow-ups)
    # are the natural negatives: flagging one would push a correct remote answer of that shape aside.
    from assistant.eval.harness import conversations, load_items
    from tools.demo.sample import demo_dataset

    scenario = demo_dataset()
    loaded = from_canonical(scenario.frame)
    flagged, asked = [], 0
    for split in ("dev", "heldout"):
        for items in conversations(load_items(split)):
            chat = Conversation(loaded, scenario.targets, settings=Settings(llm="offline"))
            for item in items:
                text = chat.ask(item["question"]).answer
                asked += 1
                if claims_action(text):
                    flagged.append((item["question"], text[:200]))
    assert asked > 200 and flagged == []


# --- labels sent remotely are capped ----------------------------------------------------------


def test_labels_sent_remotely_are_capped() -> None:
    scenario = generate_scenario("kpi_green_revenue_flat", seed=1, months=18, leads_per_month=150)
    frame = scenario.frame.copy()
    source = frame["lead_source"].astype("object")
    source[source == "Giveaway Campaign"] = LONG_SOURCE
    frame["lead_source"] = source
    script = [
        Reply(tool_calls=[("diagnose_funnel", {}), ("funnel_summary", {"by_dimension": "lead_source"}),
                          ("query_metric", {"metric": "win_rate", "by": "lead_source"})]),
        lambda body: Reply(tool_calls=[("funnel_summary", {
            "segment_dimension": "lead_source",
            "segment_value": next(v["group"] for v in tool_results(body)[2]["values"]
                                  if v["group"].startswith("Giveaway"))})]),
        Reply(content=f"{LONG_SOURCE[:MAX_LABEL - 1]}… drives the decline."),
    ]
    with FakeOpenAI(script) as server:
        answer = answer_question("Why is revenue flat?", from_canonical(frame), settings=_remote(server.base_url),
                                 history=[(f"What about {LONG_SOURCE}?", "It is a lead source.")])
    sent = b"".join(server.raw).decode("utf-8")
    assert "x" * (MAX_LABEL - len("Giveaway Campaign ")) not in sent  # never more than the cap
    assert LONG_SOURCE[: MAX_LABEL - 1] + "…" in sent  # the cut form went out, in every place
    assert "error" not in tool_results(server.requests[-1])[-1]  # the cut label resolves locally
    assert answer.mode == "llm" and LONG_SOURCE in answer.answer  # the local user sees it whole
