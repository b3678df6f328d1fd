"""Per-conversation state: the uploaded data, targets, history and what follow-ups refer to.

The data stays here, in the Python process; the agent's tools read it through a closure and
only their aggregates reach any model. ``Conversation.ask`` answers one question and remembers
the turn, so "and for enterprise only?" reuses the previous question's intent with a new segment.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.answer import Answer

if TYPE_CHECKING:
    from assistant.intents import Plan
    from assistant.settings import Settings
    from assistant.tool_context import ToolContext
    from tools.dataset import LoadedData

#: How many earlier turns are replayed to a remote model as context.
HISTORY_TURNS = 6


@dataclass
class Turn:
    """One question and its answer."""

    question: str
    answer: Answer
    plan: Plan | None = None


@dataclass
class SegmentFilter:
    """A dimension value the conversation is focused on (``segment=enterprise``)."""

    dimension: str
    value: str

    def to_args(self) -> dict[str, str]:
        return {"segment_dimension": self.dimension, "segment_value": self.value}


@dataclass
class Conversation:
    """A chat about one upload: ``Conversation(data).ask("Where is the funnel leaking?")``."""

    data: LoadedData | None = None
    targets: Any = None
    settings: Settings | None = None
    turns: list[Turn] = field(default_factory=list)
    #: the segment the last answer was about (follow-ups inherit it unless they name another)
    segment: SegmentFilter | None = None
    _context: ToolContext | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set_data(self, data: LoadedData | None, targets: Any = None) -> None:
        """Replace the upload (a new upload starts a fresh analysis but keeps the chat)."""
        self.data = data
        self.targets = targets
        self.segment = None
        self._context = None

    @property
    def context(self) -> ToolContext:
        """The tool context over this conversation's data (built once, caches diagnoses)."""
        if self._context is None:
            from assistant.tool_context import ToolContext

            self._context = ToolContext(self.data, self.targets, self.settings)
        return self._context

    @property
    def last_plan(self) -> Plan | None:
        """The routed plan of the previous question, if any."""
        for turn in reversed(self.turns):
            if turn.plan is not None:
                return turn.plan
        return None

    def history_pairs(self, limit: int = HISTORY_TURNS) -> list[tuple[str, str]]:
        """The last ``limit`` turns as (question, answer text) pairs."""
        return [(t.question, t.answer.answer) for t in self.turns[-limit:]]

    def ask(self, question: str) -> Answer:
        """Answer one question in this conversation and remember the turn."""
        from assistant.service import answer_in_conversation

        with self._lock:
            return answer_in_conversation(self, question)

    def ask_stream(self, question: str) -> Iterator[str | Answer]:
        """Yield progress lines ("running diagnose_funnel…") and finally the ``Answer``."""
        from assistant.service import stream_in_conversation

        with self._lock:
            yield from stream_in_conversation(self, question)

    def remember(self, question: str, answer: Answer, plan: Plan | None) -> None:
        """Record a finished turn and the segment it focused on."""
        self.turns.append(Turn(question, answer, plan))
        if plan is not None:
            self.segment = plan.segment
