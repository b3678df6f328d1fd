"""Answer a question about the uploaded data: route, run the agent, ground, cite, fall back.

``stream_in_conversation(state, question)`` yields progress and finally the ``Answer``;
``answer_in_conversation`` returns only the answer. ``assistant.chat.conversation`` wraps both
(``Conversation.ask``, ``answer_question``).

Flow per question: the question is routed (intent, segment, follow-up) against the conversation;
the selected chat model (remote, or the offline planner) runs in the LangChain agent loop over
the session-bound tools; the answer's numbers are checked against that turn's tool results; a
remote failure of any kind re-runs the question offline with a visible note.

The remote run is bounded as a whole by ``REVOPS_LLM_TIMEOUT`` — first request to final answer,
retries included (``assistant.chat.deadline``) — and its final text is checked before it is shown
(``assistant.chat.reply_check``): a claimed action the product cannot take, or an answer right
after a failed or unknown tool call, is not shown; the offline answer replaces it, with the note.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterator, Sequence
from typing import Any

from assistant.chat.agent import AgentRun, astream_agent, build_agent, stream_agent
from assistant.chat.answer import Answer, Citation, ToolCall
from assistant.chat.deadline import DeadlineExceeded, iterate_with_deadline
from assistant.chat.grounding import check_grounding, mark_ungrounded
from assistant.chat.models import describe_remote_failure, make_chat_model, make_remote_model, resolve_mode
from assistant.chat.prompts import system_prompt
from assistant.chat.question import Route
from assistant.chat.reply_check import reply_problem
from assistant.chat.routing import route
from assistant.chat.state import ChatState
from assistant.chat.tools.catalog import build_tools
from assistant.chat.tools.runtime import ToolRecord, log_calls_into
from assistant.offline.planner import OfflinePlannerModel
from assistant.settings import Settings, get_settings

FALLBACK_NOTE = {
    "en": "Note: answered by the offline assistant because {reason}.",
    "ja": "注: {reason} のため、オフラインのアシスタントが回答しました。",
}
REASONS_JA = {"timed out": "リモートモデルがタイムアウトした", "401": "APIキーが拒否された（401）",
              "429": "レート制限（429）", "could not be reached": "リモートモデルに接続できなかった",
              "claimed an action": "リモートモデルの回答が、このアシスタントにはできない操作をしたと主張していた",
              "failed or unknown tool": "リモートモデルが失敗した（または存在しない）ツール呼び出しの直後に回答した"}


class FlaggedReply(RuntimeError):
    """The remote model's final text must not be shown as the answer (``reply_check``)."""


def answer_in_conversation(conversation: ChatState, question: str) -> Answer:
    """Answer within a conversation (``Conversation.ask`` calls this under its lock)."""
    answer: Answer | None = None
    for event in stream_in_conversation(conversation, question):
        if isinstance(event, Answer):
            answer = event
    assert answer is not None
    return answer


def stream_in_conversation(conversation: ChatState, question: str) -> Iterator[str | Answer]:
    """Yield progress (tool names as they run) and finally the ``Answer``; remembers the turn."""
    settings = conversation.settings or get_settings()
    ctx = conversation.context
    question = question.strip()
    routed = route(question, ctx.vocabulary(), conversation.last_route)
    fallback: str | None = None
    answer: Answer | None = None
    if resolve_mode(settings) == "openai":
        try:
            run = yield from _remote_run(conversation, question, routed, settings)
            if not run.answer.strip():
                raise RuntimeError("empty answer")
            problem = reply_problem(run.answer, run.messages, {t.name for t in _tools(conversation)})
            if problem:
                raise FlaggedReply(problem)
            answer = _finish(run, conversation, question, routed, "llm", None)
        except Exception as err:  # any remote failure falls back; the reason is shown to the user
            fallback = _failure_reason(err)
    if answer is None:
        model, agent = _offline_agent(conversation, settings)
        model.routed = routed
        model.has_data = conversation.data is not None
        run = yield from _run(model, conversation, question, routed, settings, prompt=None, history=(), agent=agent)
        answer = _finish(run, conversation, question, routed, "offline", fallback)
    conversation.remember(question, answer, routed)
    yield answer


def _run(
    model: Any,
    conversation: ChatState,
    question: str,
    routed: Route,
    settings: Settings,
    *,
    prompt: str | None,
    history: Sequence[tuple[str, str]],
    agent: Any = None,
) -> Generator[str, None, AgentRun]:
    ctx = conversation.context
    ctx.log = []
    run: AgentRun | None = None
    for event in stream_agent(model, _tools(conversation), question, system_prompt=prompt, history=history,
                              max_tool_calls=settings.max_tool_calls, agent=agent):
        if isinstance(event, AgentRun):
            run = event
        else:
            yield str(event)
    assert run is not None
    return run


def _remote_run(
    conversation: ChatState, question: str, routed: Route, settings: Settings
) -> Generator[str, None, AgentRun]:
    """The remote model's agent run, bounded as a whole by ``settings.llm_timeout``.

    Yields tool names as they are called; raises ``DeadlineExceeded`` when the deadline passes
    (the run is cancelled, its open request closed). Its tool calls are logged apart, so a call
    still finishing after the deadline cannot leak into the offline answer that replaces it.
    """
    started = time.monotonic()
    ctx = conversation.context
    model = make_remote_model(settings)
    tools = _tools(conversation)
    history = [(ctx.privacy.scrub(q), ctx.privacy.scrub(a)) for q, a in conversation.history_pairs()]
    records: list[ToolRecord] = []

    def stream() -> Any:
        log_calls_into(records)  # runs inside the run's own task: its context, not the caller's
        return astream_agent(model, tools, ctx.privacy.scrub(question), system_prompt=system_prompt(routed.lang),
                             history=history, max_tool_calls=settings.max_tool_calls)

    run: AgentRun | None = None
    for event in iterate_with_deadline(stream, settings.llm_timeout, started=started):
        if isinstance(event, AgentRun):
            run = event
        else:
            yield str(event)
    assert run is not None
    ctx.log = records
    return run


def _failure_reason(err: BaseException) -> str:
    """The one-line reason shown when the remote answer is not used."""
    if isinstance(err, DeadlineExceeded):
        return f"the remote model timed out: no final answer within REVOPS_LLM_TIMEOUT ({err.seconds:g} s)"
    if isinstance(err, FlaggedReply):
        return str(err)
    if isinstance(err, RuntimeError):
        return "the remote model returned no answer"
    return describe_remote_failure(err)


def _tools(conversation: ChatState) -> list[Any]:
    """The conversation's tools, built once (pydantic schemas cost ~0.1 s per build)."""
    ctx = conversation.context
    if ctx.tools is None:
        ctx.tools = build_tools(ctx)
    return ctx.tools


def _offline_agent(conversation: ChatState, settings: Settings) -> tuple[OfflinePlannerModel, Any]:
    """The conversation's offline planner and its compiled agent graph, built once and re-planned per turn."""
    ctx = conversation.context
    if ctx.offline is None or ctx.offline[2] != settings.max_tool_calls:
        model = make_chat_model(settings.model_copy(update={"llm": "offline"}))
        assert isinstance(model, OfflinePlannerModel)
        ctx.offline = (model, build_agent(model, _tools(conversation), None, settings.max_tool_calls),
                       settings.max_tool_calls)
    return ctx.offline[0], ctx.offline[1]


def _in_call_order(records: list[Any], run: AgentRun) -> list[Any]:
    """Tool records in the order the model asked for them (parallel calls finish in any order)."""
    calls = [(c["name"], {k: v for k, v in dict(c["args"]).items() if v is not None})
             for m in run.messages for c in (getattr(m, "tool_calls", None) or [])]

    def position(record: Any) -> int:
        return next((i for i, call in enumerate(calls) if call == (record.name, record.args)), len(calls))

    return sorted(records, key=position)  # stable: unmatched records keep their order at the end


def _localised_note(reason: str, lang: str) -> str:
    if lang == "ja":
        reason = next((ja for key, ja in REASONS_JA.items() if key in reason), reason)
    return FALLBACK_NOTE[lang].format(reason=reason)


def _citations(records: list[Any], text: str, mode: str) -> list[Citation]:
    found: dict[str, Citation] = {}
    for r in records:
        if r.name != "search_playbook":
            continue
        for p in (r.payload or {}).get("results", []) or []:
            topic = p.get("topic")
            if topic and topic not in found:
                found[topic] = Citation(topic, str(p.get("source", "")), str(p.get("excerpt", ""))[:300],
                                        str(p.get("title", "")), str(p.get("lang", "")))
    cited = set(re.findall(r"\[([a-z0-9-]+)\]", text))
    chosen = [c for t, c in found.items() if t in cited]
    return chosen or (list(found.values()) if mode == "llm" else [])


def _finish(
    run: AgentRun, conversation: ChatState, question: str, routed: Route, mode: str, fallback: str | None
) -> Answer:
    ctx = conversation.context
    records = _in_call_order(list(ctx.log), run)
    text = run.answer.strip()
    note = _localised_note(fallback, routed.lang) if fallback else None
    if note:
        text = f"{note}\n\n{text}"
    sources: list[Any] = [r.output for r in records] + [r.args for r in records] + [question, note or ""]
    grounding = check_grounding(text, sources)
    if grounding.ungrounded:
        text = mark_ungrounded(text, sources, " [unverified]" if routed.lang == "en" else "［未検証］")
    findings: list[str] = []
    for r in records:
        if r.name == "diagnose_funnel":
            for f in (r.payload or {}).get("findings", []) or []:
                if f.get("code") and f["code"] not in findings:
                    findings.append(f["code"])
    return Answer(
        answer=ctx.privacy.reveal(text),
        language=routed.lang,
        mode="llm" if mode == "llm" else "offline",
        citations=_citations(records, text, mode),
        tool_calls=[ToolCall(r.name, r.args) for r in records],
        findings=findings,
        grounding=grounding,
        fallback=fallback,
        intent=routed.intent,
    )
