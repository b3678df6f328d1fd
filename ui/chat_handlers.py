"""The conversation's event handlers: ask (streamed), start over, export, re-render on a language switch.

The session keeps the turns (question, progress, ``Answer``); the chat component only ever shows
``conversation_messages(turns)``, so a language switch redraws the same conversation in the new
UI language and nothing round-trips through the browser.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import RevOpsInputError
from tools.wording import Lang
from ui import views
from ui.conversation_view import (
    Message,
    answer_messages,
    conversation_messages,
    exhibit_files,
    transcript_markdown,
    user_message,
)
from ui.state import ChatTurn, TabState
from ui.warmup import playbook_pending
from ui.web_guards import DOWNLOADS

if TYPE_CHECKING:
    from assistant.chat.answer import Answer

#: The number of growing pieces the answer text is revealed in, and the pause between them (s): an
#: offline answer is composed at once, and a paced reveal reads as the answer arriving, not as a jump.
STREAM_CHUNKS = 12
STREAM_PAUSE = 0.02
TRANSCRIPT_NAME = "revops-conversation.md"


def exhibits_folder(session: TabState) -> Path:
    return session.workdir / "charts"


def messages(session: TabState, lang: Lang) -> list[Message]:
    """The whole conversation as chat messages in ``lang``."""
    return conversation_messages(session.turns, lang, exhibits_folder(session))


def text_chunks(text: str, pieces: int = STREAM_CHUNKS) -> list[str]:
    """Growing prefixes of ``text`` cut at whitespace (what the chat shows while streaming)."""
    if len(text) < 80:
        return [text]
    step = max(1, len(text) // pieces)
    cuts, pos = [], step
    while pos < len(text):
        space = text.find(" ", pos)
        newline = text.find("\n", pos)
        cut = min(c for c in (space, newline, len(text)) if c != -1)
        cuts.append(text[:cut])
        pos = cut + step
    cuts.append(text)
    return cuts


def stream_answer(question: str, session: TabState, lang: Lang) -> Iterator[list[Message]]:
    """Answer ``question`` in the session's conversation, yielding the chat as it grows.

    First the question and a pending note listing the tools as they run, then the answer text in
    growing pieces, finally the answer with its charts (and their CSVs) and its sources.
    """
    question = (question or "").strip()
    if not question:
        yield messages(session, lang)
        return
    turn = ChatTurn(question, waiting_for_playbook=playbook_pending())
    session.turns.append(turn)
    yield messages(session, lang)
    answer: Answer | None = None
    try:
        for item in session.chat().ask_stream(question):
            if isinstance(item, str):
                turn.progress.append(item)
                yield messages(session, lang)
            else:
                answer = item
    except RevOpsInputError as err:
        turn.error = str(err)
    except Exception as err:  # the edge: the chat keeps working after an internal error
        turn.error = views.internal_error(err)
    if answer is None and turn.error is None:
        turn.error = ""
    if turn.error is not None:
        yield messages(session, lang)
        return
    assert answer is not None
    earlier = conversation_messages(session.turns[:-1], lang, exhibits_folder(session))
    question_message = user_message(question)
    for prefix in text_chunks(answer.answer.rstrip())[:-1]:
        yield [*earlier, question_message, *answer_messages(answer, lang, [], turn.progress, text=prefix)]
        time.sleep(STREAM_PAUSE)
    turn.answer = answer
    for path in exhibit_files(turn, exhibits_folder(session)):
        DOWNLOADS.bind(path, session.browser)  # the chart CSVs are this browser's downloads only
    yield messages(session, lang)


def write_transcript(session: TabState, lang: Lang) -> str | None:
    """The conversation as Markdown in the session's folder (``None`` before the first answer)."""
    if not any(t.answer is not None for t in session.turns):
        return None
    path = session.workdir / TRANSCRIPT_NAME
    path.write_text(transcript_markdown(session.turns, lang), encoding="utf-8")
    DOWNLOADS.bind(path, session.browser)  # this browser's download only (ui.web_guards)
    return str(path)


def on_clear(session: TabState) -> list[Message]:
    """Start over: a new conversation over the same data."""
    session.reset_chat()
    return []
