"""What the memo's section builders share: language, data, diagnosis, tool log, playbook topics."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from assistant.memo.model import ToolCall
from tools.dataset import LoadedData

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
    """What the section builders share: language, data, diagnosis, tool log, playbook topics."""

    lang: str
    data: LoadedData
    diagnosis: dict[str, Any]
    targets: Any = None
    calls: list[ToolCall] = field(default_factory=list)
    topics: dict[str, TopicRef] = field(default_factory=dict)
    knowledge_available: bool = False

    def call(self, name: str, func: Callable[..., Any], /, **args: Any) -> Any:
        """Run a tool on this memo's data and record the call (``args`` exclude the data)."""
        result = func(self.data, **args)
        self.calls.append(ToolCall(name, _jsonable(args), _jsonable(result)))
        return result

    def record(self, name: str, args: dict[str, Any], result: Any) -> None:
        """Record a call that was run elsewhere (e.g. the diagnosis passed in)."""
        self.calls.append(ToolCall(name, _jsonable(args), _jsonable(result)))

    def used_topics(self) -> list[str]:
        """Playbook topics the findings cite, in first-cited order."""
        seen: dict[str, None] = {}
        for finding in self.diagnosis.get("findings", []):
            for topic in finding.get("playbook_topics", []) or []:
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
