"""The memo as a document model, independent of the output format.

``assistant.memo.build.build_memo`` fills a :class:`Memo` from one diagnosis run; the renderers in
``assistant.memo.render`` (markdown, docx, pdf) turn the same model into Markdown, DOCX and PDF,
so the three formats always say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Align = Literal["left", "right"]


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``bold_lead`` is an optional emphasised label printed first."""

    text: str
    bold_lead: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list (``numbered`` for ordered steps)."""

    items: list[str]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table of already formatted cells; ``align`` per column (numbers right-aligned)."""

    columns: list[str]
    rows: list[list[str]]
    align: list[Align] = field(default_factory=list)
    caption: str = ""
    #: relative column widths (any scale); empty = equal widths
    widths: list[float] = field(default_factory=list)

    def alignment(self, index: int) -> Align:
        """Alignment of column ``index`` (left unless told otherwise)."""
        return self.align[index] if index < len(self.align) else "left"

    def column_widths(self) -> list[float]:
        """Widths normalised to sum to 1."""
        raw = self.widths if len(self.widths) == len(self.columns) else [1.0] * len(self.columns)
        total = sum(raw) or 1.0
        return [w / total for w in raw]


@dataclass(frozen=True)
class Figure:
    """A chart as PNG bytes, with the file name it gets next to a Markdown memo."""

    name: str
    png: bytes
    caption: str
    #: width on the page in centimetres (DOCX/PDF)
    width_cm: float = 15.0


Block = Paragraph | Bullets | Table | Figure


@dataclass
class Section:
    """A titled part of the memo; subsections render one heading level lower."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    #: start on a new page (DOCX, PDF)
    page_break: bool = False

    def add(self, block: Block) -> Section:
        """Append a block and return the section (for chaining)."""
        self.blocks.append(block)
        return self


@dataclass(frozen=True)
class ToolCall:
    """One deterministic tool call the memo's numbers come from (kept for the appendix)."""

    name: str
    args: dict[str, Any]
    result: Any = None


@dataclass
class Memo:
    """A complete improvement memo in one language."""

    lang: str
    title: str
    date: str
    #: label/value pairs printed under the title (data covered, as-of, ...)
    header: list[tuple[str, str]]
    sections: list[Section]
    tool_calls: list[ToolCall] = field(default_factory=list)
    footer: str = ""

    def brief_text(self) -> str:
        """Everything on the one-page brief (headline, causes, actions, KPI and SLA changes)."""
        return self.section_text("brief")

    def section_text(self, key: str) -> str:
        """The visible text of one section and its subsections."""
        lines: list[str] = []

        def visit(section: Section) -> None:
            lines.append(section.title)
            for block in section.blocks:
                lines.extend(_block_text(block))
            for sub in section.subsections:
                visit(sub)

        visit(self.section(key))
        return "\n".join(lines)

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section with its depth (0 = top level), in reading order."""

        def visit(section: Section, depth: int) -> Iterator[tuple[int, Section]]:
            yield depth, section
            for sub in section.subsections:
                yield from visit(sub, depth + 1)

        for top in self.sections:
            yield from visit(top, 0)

    def section(self, key: str) -> Section:
        """The section with this key (``KeyError`` if absent)."""
        for _, sec in self.walk():
            if sec.key == key:
                return sec
        raise KeyError(key)

    def figures(self) -> list[Figure]:
        """All figures in reading order."""
        return [b for _, sec in self.walk() for b in sec.blocks if isinstance(b, Figure)]

    def plain_text(self, include_appendix: bool = True) -> str:
        """All visible text (no images), for tests and grounding checks."""
        lines = [self.title, self.date, *(f"{k}: {v}" for k, v in self.header)]
        for _, sec in self.walk():
            if not include_appendix and sec.key.startswith("appendix"):
                continue
            lines.append(sec.title)
            for block in sec.blocks:
                lines.extend(_block_text(block))
        return "\n".join(lines)


def _block_text(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"{block.bold_lead} {block.text}".strip()]
    if isinstance(block, Bullets):
        return list(block.items)
    if isinstance(block, Table):
        return [block.caption, " | ".join(block.columns), *(" | ".join(r) for r in block.rows)]
    return [block.caption]
