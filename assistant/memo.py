"""Improvement memos (SPEC §8): one diagnosis run rendered as Markdown, DOCX or PDF.

``build_memo`` runs the deterministic tools (diagnosis, funnel splits, what-if), records every
call with its parameters and result, and fills a :class:`~assistant.memo_model.Memo`;
``write_memo`` renders it in the format the output file's extension names. The memo's numbers
are the tools' numbers, formatted, never recomputed here; the same input gives the same memo
except for the date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from assistant.memo_model import Memo, ToolCall
from tools.dataset import LoadedData
from tools.errors import RevOpsInputError

FORMATS: tuple[str, ...] = (".md", ".docx", ".pdf")
PACKAGE = "revops-assistant"
_AUTO = "auto"


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


def run_diagnosis(data: LoadedData, targets: Any = None) -> dict[str, Any]:
    """The engine's diagnosis as SPEC §5 JSON."""
    from tools.diagnosis import diagnose

    return dict(diagnose(data, targets=targets).to_dict())


def load_topics(lang: str, knowledge: Any = _AUTO) -> tuple[dict[str, TopicRef], bool]:
    """Playbook topic titles and sources in ``lang`` from the knowledge base.

    Retrieval is optional: when the knowledge base cannot be opened the memo cites topic ids
    only. ``knowledge`` may be a ``KnowledgeBase``, ``None`` (skip) or ``"auto"`` (open it).
    """
    if knowledge is None:
        return {}, False
    try:
        if knowledge == _AUTO:
            from assistant.knowledge_access import open_knowledge

            knowledge = open_knowledge(auto_index=False)
        documents = list(knowledge.list_documents())
    except Exception:  # retrieval is a nicety here; the memo must still be written
        documents = []
    if not documents:
        try:  # the built-in playbook files still give titles without a vector store
            from knowledge.documents import load_builtin_documents

            documents = list(load_builtin_documents())
        except Exception:
            return {}, False
    topics: dict[str, TopicRef] = {}
    for doc in sorted(documents, key=lambda d: (d.topic, d.lang != lang, str(d.source))):
        if doc.topic not in topics or (topics[doc.topic].lang != lang and doc.lang == lang):
            topics[doc.topic] = TopicRef(doc.topic, doc.title, doc.lang, str(doc.source))
    return topics, bool(topics)


def build_memo(
    data: LoadedData,
    targets: Any = None,
    lang: str = "en",
    *,
    diagnosis: dict[str, Any] | None = None,
    knowledge: Any = _AUTO,
    today: dt.date | None = None,
    charts: bool = True,
) -> Memo:
    """Build the memo's document model from one diagnosis run.

    Args:
        data: the loaded dataset.
        targets: optional targets (passed to the diagnosis and planning tools).
        lang: "en" or "ja".
        diagnosis: an already computed diagnosis dict (SPEC §5); computed when omitted.
        knowledge: a knowledge base for playbook titles, None to skip, "auto" to open it.
        today: the memo date (default: today) — the only thing that varies between runs.
        charts: render the chart images (off for fast text-only checks).
    """
    from assistant import memo_sections as sections

    if lang not in ("en", "ja"):
        raise RevOpsInputError(f"unknown language '{lang}'", hint="Use en or ja")
    ctx = MemoContext(lang=lang, data=data, diagnosis={}, targets=targets)
    if diagnosis is None:
        diagnosis = run_diagnosis(data, targets)
    ctx.diagnosis = diagnosis
    ctx.record("diagnose", {"targets": targets is not None}, diagnosis)
    ctx.record("dataset_summary", {}, sections.dataset_summary(data))
    ctx.topics, ctx.knowledge_available = load_topics(lang, knowledge)
    return sections.assemble(ctx, today or dt.date.today(), charts=charts)


def write_memo(data: LoadedData, output: Path, targets: Any = None, lang: str = "en") -> Path:
    """Write the improvement memo to ``output`` (.md, .docx or .pdf) and return its path.

    This is what the CLI's ``revops memo`` and the UI's memo button call.
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise RevOpsInputError(
            f"unknown memo format '{output.suffix or output.name}'",
            hint="Use -o memo.md, memo.docx or memo.pdf",
        )
    memo = build_memo(data, targets=targets, lang=lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        from assistant.memo_render_md import write_markdown

        write_markdown(memo, output)
    elif suffix == ".docx":
        from assistant.memo_render_docx import write_docx

        write_docx(memo, output)
    else:
        from assistant.memo_render_pdf import write_pdf

        write_pdf(memo, output)
    return output
