"""The conversation in the web app: streamed answers with their charts, language switches, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.chat.answer import Answer, Citation, Exhibit, ToolCall
from tools.errors import RevOpsInputError
from ui import chat_handlers
from ui.state import ChatTurn, TabState

WIN_RATE = Exhibit("bar", "Win rate by segment", ["segment", "win rate", "n"],
                   [["Enterprise", 0.246, 122], ["SMB", 0.279, 812]], "segment", ["win rate"], "percent")


def answer(exhibits: list[Exhibit] | None = None) -> Answer:
    return Answer(
        answer="Win rate is 24.6% in Enterprise and 27.9% in SMB; " + "the gap is within noise. " * 8,
        language="en", mode="offline",
        citations=[Citation("kpi-design", "knowledge/docs/en/kpi-design.md", "Good KPIs …", title="KPI design")],
        tool_calls=[ToolCall("metric_query", {"metric": "win_rate", "by": "segment"})],
        exhibits=list(exhibits or []),
    )


class ScriptedConversation:
    """Stands in for ``Conversation``: the tools it 'runs', then a fixed answer (or an error)."""

    def __init__(self, reply: Answer | Exception) -> None:
        self.reply = reply
        self.questions: list[str] = []

    def ask_stream(self, question: str) -> Iterator[str | Answer]:
        self.questions.append(question)
        yield "metric_query"
        if isinstance(self.reply, Exception):
            raise self.reply
        yield self.reply

    def set_data(self, data: Any, targets: Any = None) -> None:
        return None


def session_with(reply: Answer | Exception) -> tuple[TabState, ScriptedConversation]:
    session = TabState()
    conversation = ScriptedConversation(reply)
    session.conversation = conversation  # type: ignore[assignment]
    return session, conversation


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in messages if isinstance(m["content"], str)]


def test_answer_streams_tools_then_text_then_its_chart_with_the_csv_behind_it() -> None:
    session, conversation = session_with(answer([WIN_RATE]))
    updates = list(chat_handlers.stream_answer("Win rate by segment?", session, "en"))
    assert conversation.questions == ["Win rate by segment?"]
    pending = updates[1][-1]
    assert pending["metadata"]["status"] == "pending" and "running metric_query" in pending["content"]
    japanese = chat_handlers.messages(TabState(turns=[ChatTurn("?", progress=["query_metric"])]), "ja")
    assert japanese[-1]["content"] == "- 指標を集計しています…"
    growing = [u[2]["content"] for u in updates[2:-1]]
    assert len(growing) > 3 and all(b.startswith(a) for a, b in zip(growing, growing[1:], strict=False))
    final = updates[-1]
    assert [m["role"] for m in final] == ["user"] + ["assistant"] * 4
    chart = next(m for m in final if isinstance(m["content"], list))
    plot, csv_file = chart["content"]
    assert isinstance(plot, gr.Plot) and plotted_y(plot) == [0.246, 0.279]
    path = Path(csv_file["path"])
    assert path.read_bytes().decode("utf-8-sig") == WIN_RATE.to_csv()
    assert session.turns[0].csv_files == [path]
    assert final[-1]["metadata"]["title"] == "Sources (1)"


def plotted_y(plot: gr.Plot) -> list[float]:
    """The y values of the first trace of a chat plot (Gradio keeps the figure as plotly JSON)."""
    return list(json.loads(plot.value["plot"])["data"][0]["y"])


def test_the_chart_message_holds_the_exhibit_numbers_and_names_its_csv_in_the_ui_language() -> None:
    from ui.conversation_view import exhibit_message

    message = exhibit_message(WIN_RATE, Path("x.csv"), "ja")
    plot = message["content"][0]
    assert isinstance(plot, gr.Plot) and plotted_y(plot) == [0.246, 0.279]
    assert message["content"][1] == {"path": "x.csv", "alt_text": "このグラフの数値 (CSV)"}


def test_language_switch_keeps_the_conversation_and_redraws_its_frame() -> None:
    session, _ = session_with(answer([WIN_RATE]))
    list(chat_handlers.stream_answer("Win rate by segment?", session, "en"))
    english = chat_handlers.messages(session, "en")
    japanese = chat_handlers.messages(session, "ja")
    assert len(english) == len(japanese) and japanese[0]["content"] == "Win rate by segment?"
    assert japanese[1]["metadata"]["title"] == "計算の内訳" and japanese[-1]["metadata"]["title"] == "出典 (1)"
    assert english[2]["content"] == japanese[2]["content"]  # the answer itself is kept as it was given
    assert chat_handlers.messages(session, "ja") is not japanese  # a new list each time…
    assert session.turns[0].rendered["ja"] == japanese  # …from figures drawn once per language


def test_errors_are_shown_in_the_chat_and_it_keeps_working() -> None:
    session, conversation = session_with(RevOpsInputError("no data uploaded", hint="Upload CSV exports first"))
    final = list(chat_handlers.stream_answer("Where is the leak?", session, "en"))[-1]
    assert "Could not answer" in final[-1]["content"] and "no data uploaded" in final[-1]["content"]
    conversation.reply = answer()
    final = list(chat_handlers.stream_answer("And now?", session, "en"))[-1]
    assert texts(final)[0] == "Where is the leak?" and final[-2]["content"].startswith("Win rate is 24.6%")


def test_every_tool_the_assistant_runs_has_a_working_note_in_both_languages() -> None:
    from assistant.chat.answering import CITED_TOOLS
    from assistant.chat.tools.catalog import build_tools
    from assistant.chat.tools.runtime import ToolRuntime
    from ui.labels import TOOL_NAMES

    names = {t.name for t in build_tools(ToolRuntime(None))} | set(CITED_TOOLS)
    assert names <= set(TOOL_NAMES["en"]) and names <= set(TOOL_NAMES["ja"])


def test_empty_questions_change_nothing() -> None:
    session, conversation = session_with(answer())
    assert list(chat_handlers.stream_answer("   ", session, "en")) == [[]]
    assert conversation.questions == [] and session.turns == []


def test_transcript_has_questions_answers_chart_numbers_calls_and_sources() -> None:
    session, _ = session_with(answer([WIN_RATE]))
    assert chat_handlers.write_transcript(session, "en") is None
    list(chat_handlers.stream_answer("Win rate by segment?", session, "en"))
    path = chat_handlers.write_transcript(session, "ja")
    assert path is not None
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("# 会話の記録") and "## あなた\n\nWin rate by segment?" in text
    assert "| segment | win rate | n |" in text and "| Enterprise | 24.6% | 122 |" in text
    assert 'metric_query(metric="win_rate", by="segment")' in text and "**\\[kpi-design\\] KPI design**" in text


def test_start_over_forgets_the_turns_and_the_conversation() -> None:
    session, _ = session_with(answer())
    list(chat_handlers.stream_answer("Q?", session, "en"))
    assert chat_handlers.on_clear(session) == [] and session.turns == [] and session.conversation is None
