"""The memo from a conversation: what was asked and concluded in the chat, and the what-ifs run.

``build_memo(..., conversation=turns)`` takes the chat's turns (``assistant.chat.state.Turn``:
a question and its ``Answer`` with text, tool calls and exhibits). The memo lists each question
with the first lines of its answer, and re-runs every what-if the chat ran on the memo's own data,
so the figures are recorded in the memo's tool calls like the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from assistant.memo.context import MemoContext
from assistant.memo.model import Bullets, Paragraph, Section, Table

MAX_TURNS = 8
MAX_ANSWER_CHARS = 320
WHAT_IF_TOOLS = ("what_if",)


class AnswerLike(Protocol):
    answer: str
    tool_calls: Sequence[Any]


class TurnLike(Protocol):
    question: str
    answer: AnswerLike


def key_answer(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """The answer's opening (its conclusion), cut at a sentence end near ``limit`` characters."""
    flat = " ".join(line.strip() for line in text.strip().splitlines() if line.strip() and not line.startswith("#"))
    if len(flat) <= limit:
        return flat
    cut = max(flat.rfind(stop, 0, limit) for stop in (". ", "。"))
    return flat[: cut + 1] if cut > limit // 3 else flat[:limit].rstrip() + "…"


def _relative_change(args: dict[str, Any]) -> float | None:
    """The what-if's relative change: the chat's tool takes percent (``change_pct``: 20 = +20%),
    ``tools.planning.what_if`` a fraction (``change``: 0.2)."""
    for key, scale in (("change", 1.0), ("change_pct", 100.0)):
        value = args.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) / scale
    return None


def _what_ifs(turns: Sequence[Any]) -> list[tuple[str, float, str]]:
    """Distinct (lever, change, unit) what-ifs of the conversation, in the order they were run
    (``unit`` is the chat's: ``relative``, or ``points`` for an absolute change of a rate)."""
    calls: list[tuple[str, float, str]] = []
    for turn in turns:
        for call in getattr(turn.answer, "tool_calls", []) or []:
            args = dict(getattr(call, "args", {}) or {})
            change = _relative_change(args)
            if getattr(call, "name", "") in WHAT_IF_TOOLS and change is not None and args.get("lever"):
                entry = (str(args["lever"]), change, "points" if args.get("unit") == "points" else "relative")
                if entry not in calls:
                    calls.append(entry)
    return calls


def conversation_section(ctx: MemoContext) -> Section | None:
    """Questions with their key answers, and the what-ifs re-run on this memo's data (None when
    the memo was not asked from a conversation)."""
    turns = list(ctx.conversation)[-MAX_TURNS:]
    if not turns:
        return None
    w = ctx.words
    section = Section("conversation", w.label("conversation"))
    ctx.record("conversation", {"turns": len(turns)},
               [{"question": t.question, "answer": key_answer(t.answer.answer)} for t in turns])
    items = []
    for turn in turns:
        grounding = getattr(turn.answer, "grounding", None)
        flag = w.label("unverified") if getattr(grounding, "ungrounded", None) else ""
        items.append(f"{turn.question} → {key_answer(turn.answer.answer)}{flag}")
    section.add(Bullets(items, numbered=True))
    rows = []
    for lever, change, unit in _what_ifs(turns):
        try:
            from tools.planning import what_if

            result = ctx.call("what_if", what_if, lever=lever, change=change, unit=unit)
        except Exception:  # a what-if that no longer runs on this data is left out, not guessed
            continue
        rows.append([w.lever_measure(str(result["lever"])), f"{result['change'] * 100:+.0f}%",
                     w.money(result["revenue"]), w.money(result["new_revenue"]),
                     w.money(result["revenue_change"], signed=True)])
    if rows:
        per = w.label(f"grain_{ctx.grain}")
        heads = [w.label(k, per=per) for k in ("whatif_lever", "whatif_change", "whatif_today", "whatif_after",
                                                "whatif_difference")]
        sub = Section("conversation-what-ifs", w.label("conversation_what_ifs"))
        sub.add(Table(heads, rows, align=["left", "right", "right", "right", "right"], widths=[2, 0.8, 1.3, 1.2, 1.1]))
        section.subsections.append(sub)
    elif not items:
        section.add(Paragraph(w.label("na")))
    return section
