"""The answer to one question: text, language, mode, citations, tool calls, findings, grounding.

``Answer.to_dict()`` is the ``revops ask --json`` object of SPEC §5 (plus ``fallback`` and
``intent``); ``Answer.render_text()`` is what the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.chat.grounding import GroundingReport
from assistant.language import Lang

Mode = Literal["offline", "llm"]


@dataclass(frozen=True)
class Citation:
    """A playbook passage the answer relies on."""

    topic: str
    source: str
    excerpt: str
    title: str = ""
    lang: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"topic": self.topic, "source": self.source, "excerpt": self.excerpt}


@dataclass(frozen=True)
class ToolCall:
    """One tool the agent ran for this answer, with its arguments."""

    name: str
    args: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "args": dict(self.args)}


@dataclass
class Answer:
    """A grounded, cited answer (SPEC §5 ``revops ask --json``)."""

    answer: str
    language: Lang
    mode: Mode
    citations: list[Citation] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    grounding: GroundingReport = field(default_factory=GroundingReport)
    #: why the remote model was not used for this answer (None when it was, or never configured)
    fallback: str | None = None
    intent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``revops ask --json`` object."""
        return {
            "answer": self.answer,
            "language": self.language,
            "mode": self.mode,
            "citations": [c.to_dict() for c in self.citations],
            "tool_calls": [t.to_dict() for t in self.tool_calls],
            "findings": list(self.findings),
            "grounding": self.grounding.to_dict(),
            "fallback": self.fallback,
            "intent": self.intent,
        }

    def render_text(self) -> str:
        """The answer followed by its sources, for a terminal."""
        ja = self.language == "ja"
        lines = [self.answer.rstrip()]
        if self.citations:
            lines.append("")
            lines.append("出典:" if ja else "Sources:")
            lines.extend(f"  [{c.topic}] {c.title or c.source} ({c.source})" for c in self.citations)
        if self.grounding.ungrounded:
            lines.append("")
            label = "未検証の数値" if ja else "Unverified numbers"
            lines.append(f"{label}: {', '.join(self.grounding.ungrounded)}")
        return "\n".join(lines)
