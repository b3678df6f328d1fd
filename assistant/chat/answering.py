"""Answer a question about the uploaded data: route, run the tools, ground, cite, fall back.

``stream_in_conversation(state, question)`` yields progress (tool names) and finally the
``Answer``; ``answer_in_conversation`` returns only the answer. ``assistant.chat.conversation``
wraps both (``Conversation.ask``, ``answer_question``).

Flow per question: the question is routed against the conversation (intent, metric-layer
queries, follow-ups). A remote model, when configured, runs in the LangChain agent loop over the
session's tools (``_answer_remote``); otherwise, or when it fails for any reason, the offline
planner runs the same tools directly and composes the answer (``_answer_offline``), with a
visible note after a failure. The answer's numbers are checked against that turn's tool results;
only a remote model's unsupported numbers are marked "[unverified]": the offline text is built
from tool values and never is.

The remote run is bounded as a whole by ``REVOPS_LLM_TIMEOUT`` — first request to final answer,
retries included (``assistant.chat.deadline``) — and its final text is checked before it is shown
(``assistant.chat.reply_check``): a claimed action the product cannot take, or an answer right
after a failed or unknown tool call, is not shown; the offline answer replaces it, with the note.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterator
from typing import Any

from assistant.chat.answer import Answer, Citation, ToolCall
from assistant.chat.deadline import DeadlineExceeded, iterate_with_deadline
from assistant.chat.exhibits import exhibits_for
from assistant.chat.grounding import check_grounding, mark_ungrounded
from assistant.chat.question import Route
from assistant.chat.routing import route
from assistant.chat.state import ChatState
from assistant.chat.tools.runtime import ToolRecord, log_calls_into
from assistant.settings import Settings, get_settings

FALLBACK_NOTE = {
    "en": "Note: answered by the offline assistant because {reason}.",
    "ja": "注: {reason} のため、オフラインのアシスタントが回答しました。",
}
REASONS_JA = {"timed out": "リモートモデルがタイムアウトした", "401": "APIキーが拒否された（401）",
              "429": "レート制限（429）", "could not be reached": "リモートモデルに接続できなかった",
              "claimed an action": "リモートモデルの回答が、このアシスタントにはできない操作をしたと主張していた",
              "failed or unknown tool": "リモートモデルが失敗した（または存在しない）ツール呼び出しの直後に回答した"}
#: intents answered locally whatever the model: a refusal never reaches a remote model
LOCAL_INTENTS = frozenset({"refusal"})
CITED_TOOLS = ("search_playbook", "playbook_passage")


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
    if _remote_configured(settings) and routed.intent not in LOCAL_INTENTS:
        try:
            answer = yield from _answer_remote(conversation, question, routed, settings)
        except Exception as err:  # any remote failure falls back; the reason is shown to the user
            fallback = _failure_reason(err)
    if answer is None:
        answer = yield from _answer_offline(conversation, question, routed, fallback)
    conversation.remember(question, answer, routed)
    yield answer


def _remote_configured(settings: Settings) -> bool:
    from assistant.chat.models import resolve_mode

    return resolve_mode(settings) == "openai"


class FlaggedReply(RuntimeError):
    """The remote model's final text must not be shown as the answer (``reply_check``)."""


def _failure_reason(err: Exception) -> str:
    """The one-line reason shown when the remote answer is not used."""
    from assistant.chat.models import describe_remote_failure

    if isinstance(err, DeadlineExceeded):
        return f"the remote model timed out: no final answer within REVOPS_LLM_TIMEOUT ({err.seconds:g} s)"
    if isinstance(err, FlaggedReply):
        return str(err)
    if isinstance(err, RuntimeError):
        return "the remote model returned no answer"
    return describe_remote_failure(err)


def _answer_offline(conversation: ChatState, question: str, routed: Route,
                    fallback: str | None) -> Generator[str, None, Answer]:
    """The embedded planner: run the route's tools directly and compose from their typed results."""
    from assistant.offline.compose import compose_answer
    from assistant.offline.planner import run_plan
    from assistant.offline.words import Words

    ctx = conversation.context
    records = run_plan(routed, ctx)
    for record in records:
        yield record.name
    start = ctx.data.capabilities.funnel_start if ctx.data is not None else "lead"
    words = Words(routed.lang, ctx.currency, tuple(ctx.dimension_labels.items()), start)
    composed = compose_answer(routed, records, words, has_data=conversation.data is not None)
    note = _localised_note(fallback, routed.lang) if fallback else None
    text = f"{note}\n\n{composed.text}" if note else composed.text
    sources = _sources(records, question) + [note or "", *composed.sources]
    return Answer(
        answer=text,
        language=routed.lang,
        mode="offline",
        citations=_citations(records, text, "offline"),
        tool_calls=[ToolCall(r.name, r.args) for r in records],
        findings=composed.findings,
        grounding=check_grounding(text, sources),
        fallback=fallback,
        intent=routed.intent,
        exhibits=exhibits_for(records, routed.lang, ctx.currency, routed.intent),
    )


def _answer_remote(conversation: ChatState, question: str, routed: Route,
                   settings: Settings) -> Generator[str, None, Answer]:
    """A remote model in the LangChain agent loop over the session's tools; raises on any failure.

    The whole run — every request and retry, and the tools it calls — must end within
    ``settings.llm_timeout`` (``DeadlineExceeded`` otherwise: the run is cancelled, its open request
    closed). Its calls are logged apart, so one still finishing after the deadline cannot leak into
    the offline answer that replaces it. A final text ``reply_check`` flags raises ``FlaggedReply``.
    """
    from assistant.chat.agent import AgentRun, astream_agent
    from assistant.chat.models import make_remote_model
    from assistant.chat.prompts import system_prompt
    from assistant.chat.reply_check import reply_problem
    from assistant.chat.tools.catalog import build_tools

    started = time.monotonic()
    ctx = conversation.context
    model = make_remote_model(settings)
    if ctx.tools is None:
        ctx.tools = build_tools(ctx)  # pydantic schemas cost ~0.1 s per build
    tools = ctx.tools
    history = [(ctx.privacy.scrub(q), ctx.privacy.scrub(a)) for q, a in conversation.history_pairs()]
    calls: list[ToolRecord] = []

    def stream() -> Any:
        log_calls_into(calls)  # runs inside the run's own task: its context, not the caller's
        return astream_agent(model, tools, ctx.privacy.scrub(question), system_prompt=system_prompt(routed.lang),
                             history=history, max_tool_calls=settings.max_tool_calls)

    run: AgentRun | None = None
    for event in iterate_with_deadline(stream, settings.llm_timeout, started=started):
        if isinstance(event, AgentRun):
            run = event
        else:
            yield str(event)
    if run is None or not run.answer.strip():
        raise RuntimeError("empty answer")
    problem = reply_problem(run.answer, run.messages, {t.name for t in tools})
    if problem:
        raise FlaggedReply(problem)
    ctx.log = calls
    records = _in_call_order(list(calls), run)
    text = run.answer.strip()
    sources = _sources(records, question)
    grounding = check_grounding(text, sources)
    if grounding.ungrounded:
        text = mark_ungrounded(text, sources, " [unverified]" if routed.lang == "en" else "［未検証］")
    findings: list[str] = []
    for record in records:
        if record.name == "diagnose_funnel" and record.ok:
            findings += [f.code for f in record.result.findings_by_severity() if f.code not in findings]
    text = ctx.privacy.reveal(text)
    return Answer(
        answer=text,
        language=routed.lang,
        mode="llm",
        citations=_citations(records, text, "llm"),
        tool_calls=[ToolCall(r.name, r.args) for r in records],
        findings=findings,
        grounding=grounding,
        fallback=None,
        intent=routed.intent,
        exhibits=exhibits_for(records, routed.lang, ctx.currency, routed.intent),
    )


def _sources(records: list[ToolRecord], question: str) -> list[Any]:
    """What an answer's numbers may come from: tool results, tool arguments and the question itself."""
    return [r.output for r in records] + [r.args for r in records] + [question]


def _in_call_order(records: list[ToolRecord], run: Any) -> list[ToolRecord]:
    """Tool records in the order the model asked for them (parallel calls finish in any order)."""
    calls = [(c["name"], {k: v for k, v in dict(c["args"]).items() if v is not None})
             for m in run.messages for c in (getattr(m, "tool_calls", None) or [])]

    def position(record: ToolRecord) -> int:
        return next((i for i, call in enumerate(calls) if call[0] == record.name), len(calls))

    return sorted(records, key=position)  # stable: unmatched records keep their order at the end


def _localised_note(reason: str, lang: str) -> str:
    if lang == "ja":
        reason = next((ja for key, ja in REASONS_JA.items() if key in reason), reason)
    return FALLBACK_NOTE[lang].format(reason=reason)


def _citations(records: list[ToolRecord], text: str, mode: str) -> list[Citation]:
    found: dict[str, Citation] = {}
    for r in records:
        if r.name not in CITED_TOOLS or not r.ok:
            continue
        passages = r.result if isinstance(r.result, list) else [r.result]
        for p in passages:
            if p.topic not in found:
                found[p.topic] = Citation(p.topic, p.source, p.excerpt[:300], p.title, p.lang)
    cited = set(re.findall(r"\[([a-z0-9:-]+)\]", text))
    chosen = [c for t, c in found.items() if t in cited]
    return chosen or (list(found.values()) if mode == "llm" else [])
