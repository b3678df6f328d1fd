"""What the memo's section builders share: words, data, the typed diagnosis, tool log, topics."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from assistant.memo.model import ToolCall
from assistant.memo.words import Words
from tools.dataset import LoadedData
from tools.diagnosis import ConversionRow, Diagnosis
from tools.findings.model import Finding

PACKAGE = "revops-assistant"


@dataclass(frozen=True)
class TopicRef:
    """A playbook topic as the knowledge base lists it (title and source in one language)."""

    topic: str
    title: str
    lang: str
    source: str


@dataclass
class MemoContext:
    """What the section builders share: words, data, diagnosis, tool log, playbook topics."""

    words: Words
    data: LoadedData
    diagnosis: Diagnosis
    targets: Any = None
    calls: list[ToolCall] = field(default_factory=list)
    topics: dict[str, TopicRef] = field(default_factory=dict)
    knowledge_available: bool = False
    #: the chat's turns the memo was asked from (``assistant.memo.conversation.TurnLike``)
    conversation: Sequence[Any] = ()

    @property
    def lang(self) -> str:
        return self.words.lang

    @property
    def grain(self) -> str:
        return self.diagnosis.periods.grain

    def call(self, name: str, func: Callable[..., Any], /, **args: Any) -> Any:
        """Run a tool on this memo's data and record the call (``args`` exclude the data)."""
        result = func(self.data, **args)
        self.calls.append(ToolCall(name, _jsonable(args), _jsonable(result)))
        return result

    def record(self, name: str, args: dict[str, Any], result: Any) -> None:
        """Record a call that was run elsewhere (e.g. the diagnosis passed in)."""
        self.calls.append(ToolCall(name, _jsonable(args), _jsonable(result)))

    def findings(self) -> list[Finding]:
        """Findings by severity (high first), the engine's order within a severity."""
        return self.diagnosis.findings_by_severity()

    def serious(self) -> list[Finding]:
        """High and medium findings."""
        return [f for f in self.findings() if f.severity in ("high", "medium")]

    def conversion(self, transition: str | None) -> ConversionRow | None:
        """The diagnosis's conversion row for ``transition``."""
        for row in self.diagnosis.conversions:
            if row.overall.transition == transition:
                return row
        return None

    def current_label(self) -> str | None:
        window = self.diagnosis.periods.current
        return window.label if window else None

    def baseline_label(self) -> str | None:
        window = self.diagnosis.periods.baseline
        return window.label if window else None

    def used_topics(self) -> list[str]:
        """Playbook topics the findings cite, in first-cited order."""
        seen: dict[str, None] = {}
        for finding in self.findings():
            for topic in finding.playbook_topics:
                seen.setdefault(topic, None)
        return list(seen)


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy (dataclasses via ``to_dict``; unknown objects as strings)."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        value = value.to_dict()
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def software_version() -> str:
    """The installed version of the product (``unknown`` when run from a bare checkout)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"
