"""A routed question: its intent, language, the segment it focuses on and its tool arguments.

The shared types of the chat package: ``routing`` produces a ``Route``, the offline planner and
composers read it, and ``Conversation`` remembers it so follow-ups can inherit its segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.language import Lang


@dataclass
class SegmentFilter:
    """A dimension value the conversation is focused on (``segment=enterprise``)."""

    dimension: str
    value: str

    def to_args(self) -> dict[str, str]:
        return {"segment_dimension": self.dimension, "segment_value": self.value}


@dataclass(frozen=True)
class Route:
    """The routed intent of one question and the arguments its tools will get."""

    intent: str
    lang: Lang
    question: str = ""
    segment: SegmentFilter | None = None
    metric: str | None = None
    dimension: str | None = None
    grain: str | None = None
    lever: str | None = None
    change: float | None = None
    revenue_target: float | None = None
    reps: int | None = None
    quota: float | None = None
    followup: bool = False
    scores: dict[str, float] = field(default_factory=dict, compare=False)

    def segment_args(self) -> dict[str, Any]:
        """``segment_dimension`` / ``segment_value`` tool arguments, when focused on a segment."""
        return self.segment.to_args() if self.segment else {}
