"""Improvement memos (SPEC §8): one diagnosis run rendered as Markdown, DOCX or PDF.

``build_memo`` runs the deterministic tools (diagnosis, funnel splits, what-if), records every
call with its parameters and result, and fills a :class:`~assistant.memo.model.Memo`;
``write_memo`` renders it in the format the output file's extension names. The memo's numbers
are the tools' numbers, formatted, never recomputed here; the same input gives the same memo
except for the date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from assistant.memo import sections
from assistant.memo.context import MemoContext, TopicRef
from assistant.memo.model import Memo
from assistant.memo.render.docx import write_docx
from assistant.memo.render.markdown import write_markdown
from assistant.memo.render.pdf import write_pdf
from tools.dataset import LoadedData
from tools.errors import RevOpsInputError

FORMATS: tuple[str, ...] = (".md", ".docx", ".pdf")
_AUTO = "auto"


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
        write_markdown(memo, output)
    elif suffix == ".docx":
        write_docx(memo, output)
    else:
        write_pdf(memo, output)
    return output
