"""Per-conversation state: the uploaded data, targets, history and what follow-ups refer to.

The data stays here, in the Python process; the agent's tools read it through a closure and
only their aggregates reach any model. ``assistant.chat.answering`` reads and updates a
``ChatState``; ``assistant.chat.conversation.Conversation`` is the same state with ``ask``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.chat.answer import Answer

if TYPE_CHECKING:
    from assistant.chat.question import Route, SegmentFilter
    from assistant.chat.tools.runtime import ToolRuntime
    from assistant.settings import Settings
    from tools.dataset import LoadedData
    from tools.diagnosis import Diagnosis

#: How many earlier turns are replayed to a remote model as context.
HISTORY_TURNS = 6


@dataclass
class Turn:
    """One question and its answer."""

    question: str
    answer: Answer
    routed: Route | None = None


@dataclass
class ChatState:
    """One chat's data, targets, settings, turns and focus (``Conversation`` adds ``ask``)."""

    data: LoadedData | None = None
    targets: Any = None
    settings: Settings | None = None
    #: the upload's diagnosis when the caller already has it (the UI computes one per upload):
    #: the chat reuses it instead of diagnosing again
    diagnosis: Diagnosis | None = None
    turns: list[Turn] = field(default_factory=list)
    #: the segment the last answer was about (follow-ups inherit it unless they name another)
    segment: SegmentFilter | None = None
    _context: ToolRuntime | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set_data(self, data: LoadedData | None, targets: Any = None, diagnosis: Diagnosis | None = None) -> None:
        """Replace the upload (a new upload starts a fresh analysis but keeps the chat)."""
        self.data = data
        self.targets = targets
        self.diagnosis = diagnosis
        self.segment = None
        self._context = None

    @property
    def context(self) -> ToolRuntime:
        """The tool runtime over this conversation's data (built once; holds the diagnosis)."""
        if self._context is None:
            from assistant.chat.tools.runtime import ToolRuntime

            self._context = ToolRuntime(self.data, self.targets, self.settings, self.diagnosis)
        return self._context

    @property
    def last_route(self) -> Route | None:
        """The routed plan of the previous question, if any."""
        for turn in reversed(self.turns):
            if turn.routed is not None:
                return turn.routed
        return None

    def history_pairs(self, limit: int = HISTORY_TURNS) -> list[tuple[str, str]]:
        """The last ``limit`` turns as (question, answer text) pairs."""
        return [(t.question, t.answer.answer) for t in self.turns[-limit:]]

    def remember(self, question: str, answer: Answer, routed: Route | None) -> None:
        """Record a finished turn and the segment it focused on."""
        self.turns.append(Turn(question, answer, routed))
        if routed is not None:
            self.segment = routed.segment
