"""A chat about one upload: ``Conversation(data).ask("Where is the funnel leaking?")``.

``Conversation.ask`` answers one question and remembers the turn, so "and for SMB?" or "why is
that?" resolve against the previous answer's subject. Pass ``diagnosis=`` when the caller has
already diagnosed the upload (the UI does): the chat reuses it. ``answer_question`` is the
one-shot form the CLI uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.chat.answer import Answer
from assistant.chat.answering import answer_in_conversation, stream_in_conversation
from assistant.chat.routing import route
from assistant.chat.state import ChatState
from assistant.settings import Settings


class Conversation(ChatState):
    """A chat about one upload: its state plus ``ask`` / ``ask_stream``."""

    def ask(self, question: str) -> Answer:
        """Answer one question in this conversation and remember the turn."""
        with self._lock:
            return answer_in_conversation(self, question)

    def ask_stream(self, question: str) -> Iterator[str | Answer]:
        """Yield progress lines ("running diagnose_funnel…") and finally the ``Answer``."""
        with self._lock:
            yield from stream_in_conversation(self, question)

    def write_memo(self, output: Path, lang: str | None = None) -> Path:
        """The improvement memo of this upload with this chat's questions and what-ifs (.md/.docx/.pdf).

        Hands the turns to the memo builder with the diagnosis and currency the chat already has, so
        nothing is computed twice; ``lang`` defaults to the language of the last question.
        """
        from assistant.memo.build import write_memo

        data = self.context.require_data()
        language = lang or (self.turns[-1].answer.language if self.turns else "en")
        return write_memo(data, Path(output), self.targets, language, diagnosis=self.context.diagnosis(),
                          conversation=list(self.turns), currency=self.context.currency)


def answer_question(
    question: str,
    data: Any,
    targets: Any = None,
    settings: Settings | None = None,
    history: Conversation | Sequence[tuple[str, str]] | None = None,
    diagnosis: Any = None,
) -> Answer:
    """Answer one question about ``data`` (a ``LoadedData`` or ``None``; ``diagnosis`` its precomputed
    ``Diagnosis``, if any)."""
    if isinstance(history, Conversation):
        conversation = history
        if conversation.data is None and data is not None:
            conversation.set_data(data, targets, diagnosis)
        conversation.settings = conversation.settings or settings
        return conversation.ask(question)
    conversation = Conversation(data=data, targets=targets, settings=settings, diagnosis=diagnosis)
    for previous_question, previous_answer in history or []:
        routed = route(previous_question, conversation.context.vocabulary(), conversation.last_route)
        conversation.remember(previous_question, Answer(previous_answer, routed.lang, "offline"), routed)
    return conversation.ask(question)
