"""The conversation as Gradio chat messages, and as a Markdown transcript to download.

Each turn renders as: the question; a collapsible "how this was computed" note (the tools as they
run, then the exact calls); the answer text; one message per chart (``ui.exhibits``) with the CSV
of its numbers; and the collapsible sources. Chart figures and CSV files are made once per turn
and language, so streaming a new answer does not redraw the earlier ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from tools.safe_text import cap_text, code_block, code_span, defang_markdown, escape_markdown
from tools.wording import Lang
from ui.exhibits import column, exhibit_figure, format_value, write_csv
from ui.labels import label, tool_activity
from ui.state import ChatTurn
from ui.views import MAX_MESSAGE, cell

if TYPE_CHECKING:
    from assistant.chat.answer import Answer, Exhibit

Message = dict[str, Any]
MAX_EXCERPT = 420


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in args.items())


def tool_calls_markdown(answer: Answer) -> str:
    """The tool calls of an answer, one per line, as code (shown verbatim, whatever their arguments hold)."""
    calls = [f"{c.name}({_args(c.args)})" for c in answer.tool_calls]
    return code_block("\n".join(calls)) if calls else "—"


def citations_markdown(answer: Answer) -> str:
    """Each cited playbook passage: topic, title, source file and the excerpt."""
    parts = []
    for c in answer.citations:
        excerpt = " ".join(c.excerpt.split())
        if len(excerpt) > MAX_EXCERPT:
            excerpt = excerpt[:MAX_EXCERPT].rstrip() + "…"
        parts.append(f"**\\[{cell(c.topic)}\\] {cell(c.title or c.topic)}** — {code_span(c.source)}\n\n> {cell(excerpt)}")
    return "\n\n".join(parts)


def answer_text(answer: Answer, lang: Lang, text: str | None = None) -> str:
    """The answer body (or a streamed prefix of it) plus any fallback note and unverified-number warning.

    The body is the assistant's Markdown, which may quote data: ``defang_markdown`` keeps its
    formatting but lets no HTML, link or image form (each prefix on its own: a cut can open a code span).
    """
    body = defang_markdown((answer.answer if text is None else text).rstrip())
    if text is not None:
        return body
    if answer.fallback:
        body += "\n\n_" + label(lang, "fallback", reason=cell(answer.fallback)) + "_"
    ungrounded = getattr(answer.grounding, "ungrounded", None)
    if ungrounded:
        body += "\n\n_" + label(lang, "ungrounded", numbers=cell(", ".join(ungrounded))) + "_"
    return body


def working_message(progress: list[str], lang: Lang, *, done: bool = False, waiting: bool = False) -> Message:
    """The collapsible note that lists the tools as they run (pending until the answer is in)."""
    lines = [f"- {tool_activity(p, lang)}…" if not done else f"- {code_span(p)}" for p in progress]
    if waiting and not done:
        lines.insert(0, f"- {label(lang, 'playbook_pending')}")
    return {
        "role": "assistant",
        "content": "\n".join(lines) or "…",
        "metadata": {"title": label(lang, "how_computed" if done else "thinking"),
                     "status": "done" if done else "pending"},
    }


def exhibit_files(turn: ChatTurn, folder: Path) -> list[Path]:
    """The CSV of each of the turn's charts, written once."""
    if turn.answer is None:
        return []
    if len(turn.csv_files) != len(turn.answer.exhibits):
        turn.csv_files = [write_csv(e, folder, i + 1) for i, e in enumerate(turn.answer.exhibits)]
    return turn.csv_files


def exhibit_message(exhibit: Exhibit, csv_file: Path, lang: Lang) -> Message:
    """One chart, inline, with the CSV of the numbers behind it."""
    plot = gr.Plot(exhibit_figure(exhibit, lang), show_label=False, container=False)
    return {"role": "assistant", "content": [plot, {"path": str(csv_file), "alt_text": label(lang, "csv_caption")}]}


def answer_messages(answer: Answer, lang: Lang, csv_files: list[Path], progress: list[str] | None = None,
                    *, text: str | None = None) -> list[Message]:
    """The finished answer: how it was computed, the text, its charts and the sources.

    ``text`` shows a prefix of the answer while it streams (charts and sources come at the end).
    """
    how = tool_calls_markdown(answer)
    if progress and not answer.tool_calls:
        how = "\n".join(f"- {code_span(p)}" for p in progress)
    messages: list[Message] = [
        {"role": "assistant", "content": how, "metadata": {"title": label(lang, "how_computed"), "status": "done"}},
        {"role": "assistant", "content": answer_text(answer, lang, text)},
    ]
    if text is not None:
        return messages
    messages += [exhibit_message(e, f, lang) for e, f in zip(answer.exhibits, csv_files, strict=False)]
    if answer.citations:
        messages.append({
            "role": "assistant",
            "content": citations_markdown(answer),
            "metadata": {"title": label(lang, "sources", n=len(answer.citations)), "status": "done"},
        })
    return messages


def user_message(question: str) -> Message:
    """The question as the user typed it: literal text, never markup."""
    return {"role": "user", "content": escape_markdown(question, multiline=True)}


def error_text(error: str, lang: Lang) -> str:
    return f"**{label(lang, 'ask_failed')}:** {cell(cap_text(error, MAX_MESSAGE))}"


def turn_messages(turn: ChatTurn, lang: Lang, folder: Path) -> list[Message]:
    """A whole turn: the question, then its answer (or error, or the pending tools)."""
    messages: list[Message] = [user_message(turn.question)]
    if turn.error is not None:
        return [*messages, {"role": "assistant", "content": error_text(turn.error, lang)}]
    if turn.answer is None:
        return [*messages, working_message(turn.progress, lang, waiting=turn.waiting_for_playbook)]
    return messages + answer_messages(turn.answer, lang, exhibit_files(turn, folder), turn.progress)


def conversation_messages(turns: list[ChatTurn], lang: Lang, folder: Path) -> list[Message]:
    """Every turn's messages; a finished turn is rendered once per language and kept on the turn."""
    out: list[Message] = []
    for turn in turns:
        finished = turn.answer is not None or turn.error is not None
        if finished and lang in turn.rendered:
            out += turn.rendered[lang]
            continue
        rendered = turn_messages(turn, lang, folder)
        if finished:
            turn.rendered[lang] = rendered
        out += rendered
    return out


# --- transcript ---------------------------------------------------------------------------------


def exhibit_table(exhibit: Exhibit, lang: Lang) -> str:
    """A chart's numbers as a Markdown table, written as the chart writes them."""
    header = "| " + " | ".join(cell(c) for c in exhibit.columns) + " |"
    rule = "|" + "|".join("---:" if c in exhibit.y else "---" for c in exhibit.columns) + "|"
    columns = {name: column(exhibit, name) for name in exhibit.columns}
    rows = []
    for i in range(len(exhibit.rows)):
        cells = [format_value(columns[c][i], exhibit.unit, lang, exhibit.currency) if c in exhibit.y
                 else cell(columns[c][i]) for c in exhibit.columns]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join([f"**{cell(exhibit.title)}**", "", header, rule, *rows])


def transcript_markdown(turns: list[ChatTurn], lang: Lang) -> str:
    """The whole conversation: questions, answers, the numbers behind each chart, tool calls, sources."""
    out = [f"# {label(lang, 'transcript_title')}", ""]
    for turn in turns:
        out += [f"## {label(lang, 'you')}", "", escape_markdown(turn.question, multiline=True), "",
                f"## {label(lang, 'assistant')}", ""]
        if turn.error is not None:
            out += [error_text(turn.error, lang), ""]
            continue
        if turn.answer is None:
            continue
        out += [answer_text(turn.answer, lang), ""]
        for exhibit in turn.answer.exhibits:
            out += [exhibit_table(exhibit, lang), ""]
        if turn.answer.tool_calls:
            out += [f"**{label(lang, 'how_computed')}**", "", tool_calls_markdown(turn.answer), ""]
        if turn.answer.citations:
            out += [f"**{label(lang, 'sources', n=len(turn.answer.citations))}**", "",
                    citations_markdown(turn.answer), ""]
    return "\n".join(out).rstrip() + "\n"
