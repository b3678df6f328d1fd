"""Improvement memos (SPEC §8): one diagnosis rendered as Markdown, DOCX or PDF.

``build_memo`` takes the typed ``Diagnosis`` the caller already computed (it diagnoses only when
none is given), runs the few extra tools the memo needs (funnel splits for the charts, what-ifs),
records every call with its parameters and result, and fills a :class:`~assistant.memo.model.Memo`;
``write_memo`` renders it in the format the output file's extension names. The memo's numbers are
the tools' numbers, formatted, never recomputed; the same input gives the same memo except for
the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.memo import sections
from assistant.memo.context import MemoContext
from assistant.memo.model import Memo
from assistant.memo.playbook import AUTO, load_topics
from assistant.memo.render.docx import write_docx
from assistant.memo.render.markdown import write_markdown
from assistant.memo.render.pdf import write_pdf
from assistant.memo.words import Words
from tools.dataset import LoadedData
from tools.diagnosis import Diagnosis, diagnose
from tools.errors import RevOpsInputError
from tools.wording import check_lang

FORMATS: tuple[str, ...] = (".md", ".docx", ".pdf")


def memo_currency(data: LoadedData, currency: str | None = None) -> str | None:
    """The currency amounts are written in: the caller's, else the upload's, else the
    ``REVOPS_CURRENCY`` setting; None (no symbol) when nobody knows."""
    if currency:
        return currency.upper()
    found = data.currency
    if found:
        return str(found).upper()
    try:
        from assistant.settings import Settings

        setting = getattr(Settings(), "currency", None)
    except Exception:  # settings that do not load must not stop a memo
        setting = None
    return str(setting).upper() if setting else None


def build_memo(
    data: LoadedData,
    targets: Any = None,
    lang: str = "en",
    *,
    diagnosis: Diagnosis | None = None,
    conversation: Sequence[Any] | None = None,
    currency: str | None = None,
    knowledge: Any = AUTO,
    today: dt.date | None = None,
    charts: bool = True,
) -> Memo:
    """Build the memo's document model.

    Args:
        data: the loaded dataset.
        targets: optional targets (used when the diagnosis has to be computed here).
        lang: "en" or "ja".
        diagnosis: the typed diagnosis already computed for ``data`` (computed when omitted).
        conversation: the chat's turns (question + Answer) the memo was asked from, if any.
        currency: ISO code for amounts (default: the upload's, then the settings').
        knowledge: a knowledge base for playbook titles, None to use the built-in files only,
            "auto" to open the configured store.
        today: the memo date (default: today), the only thing that varies between runs.
        charts: render the chart images (off for fast text-only checks).
    """
    words = Words(check_lang(lang), memo_currency(data, currency))
    if diagnosis is None:
        diagnosis = diagnose(data, targets=targets)
    if not isinstance(diagnosis, Diagnosis):
        raise TypeError("build_memo takes the typed Diagnosis (tools.diagnosis.diagnose), not its JSON")
    ctx = MemoContext(words=words, data=data, diagnosis=diagnosis, targets=targets, conversation=conversation or ())
    summary = sections.dataset_summary(data)
    ctx.record("diagnose", {"targets": targets is not None}, diagnosis)
    ctx.record("dataset_summary", {}, summary)
    ctx.topics, ctx.knowledge_available = load_topics(words.lang, knowledge)
    return sections.assemble(ctx, today or dt.date.today(), summary, charts=charts)


def write_memo(
    data: LoadedData,
    output: Path,
    targets: Any = None,
    lang: str = "en",
    *,
    diagnosis: Diagnosis | None = None,
    conversation: Sequence[Any] | None = None,
    currency: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write the improvement memo to ``output`` (.md, .docx or .pdf) and return its path.

    This is what the CLI's ``revops memo`` and the UI's memo button call; pass the session's
    ``diagnosis`` (and the chat's turns as ``conversation``) so nothing is computed twice.
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise RevOpsInputError(
            f"unknown memo format '{output.suffix or output.name}'",
            hint="Use -o memo.md, memo.docx or memo.pdf",
        )
    memo = build_memo(data, targets=targets, lang=lang, diagnosis=diagnosis, conversation=conversation,
                      currency=currency, today=today)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        write_markdown(memo, output)
    elif suffix == ".docx":
        write_docx(memo, output)
    else:
        write_pdf(memo, output)
    return output
