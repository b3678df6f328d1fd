"""The answer to one question: text, language, mode, citations, tool calls, findings, grounding.

``Answer.to_dict()`` is the ``revops ask --json`` object of SPEC §5 (plus ``fallback`` and
``intent``); ``Answer.render_text()`` is what the CLI prints.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.chat.grounding import GroundingReport
from assistant.language import Lang

Mode = Literal["offline", "llm"]
ExhibitKind = Literal["bar", "line", "waterfall", "before_after", "funnel"]
ExhibitUnit = Literal["percent", "money", "count", "days", "hours", "number"]


@dataclass(frozen=True)
class Exhibit:
    """The chart an answer shows, with the table of numbers behind it (one tool result's values).

    ``columns``/``rows`` are the numbers exactly as the tool returned them (downloadable as CSV);
    the UI draws ``kind`` from them: a breakdown -> ``bar``, a trend -> ``line``, a revenue
    bridge -> ``waterfall``, a what-if -> ``before_after``, the funnel -> ``funnel``. ``x`` names
    the category column and ``y`` the value columns; ``unit`` says how values are formatted
    (``tools.wording`` formats). Titles and column labels are already in the answer's language.
    """

    kind: ExhibitKind
    title: str
    columns: list[str]
    rows: list[list[Any]]
    x: str
    y: list[str]
    unit: ExhibitUnit = "number"
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "x": self.x, "y": list(self.y), "unit": self.unit,
                "currency": self.currency}

    def to_csv(self) -> str:
        """The numbers behind the chart as CSV text (header row first)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()


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
    #: charts that answer the question (the UI shows them inline; ``--json`` lists them)
    exhibits: list[Exhibit] = field(default_factory=list)

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
            "exhibits": [e.to_dict() for e in self.exhibits],
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
