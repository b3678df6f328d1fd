"""Render a :class:`~assistant.memo.model.Memo` as Markdown; charts go to ``<stem>_files/``."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from urllib.parse import quote

from assistant.memo.model import Block, Bullets, Figure, Memo, Paragraph, Table
from tools.safe_text import escape_markdown

#: Every memo string is plain text (DOCX and PDF print it as is); here it becomes literal Markdown,
#: so a lead source such as ``<img src=…>`` or ``[click](javascript:…)`` stays text.
_text = partial(escape_markdown, multiline=True)


def _cell(text: str) -> str:
    return escape_markdown(text)


def _table(table: Table) -> list[str]:
    lines = [f"*{_text(table.caption)}*", ""] if table.caption else []
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if table.alignment(i) == "right" else "---" for i in range(len(table.columns))) + "|")
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows)
    return lines


def _block(block: Block, image_dir: str | None) -> list[str]:
    if isinstance(block, Paragraph):
        lead = f"**{_text(block.bold_lead)}** " if block.bold_lead else ""
        return [lead + _text(block.text)]
    if isinstance(block, Bullets):
        items = [_text(item) for item in block.items]
        return [f"{i}. {item}" if block.numbered else f"- {item}" for i, item in enumerate(items, 1)]
    if isinstance(block, Table):
        return _table(block)
    caption = _text(block.caption)
    if image_dir is None:
        return [f"*{caption}*"]
    return [f"![{caption}]({quote(image_dir)}/{quote(block.name)})", "", f"*{caption}*"]


def render_markdown(memo: Memo, image_dir: str | None = None) -> str:
    """The memo as Markdown text; figures link to ``image_dir/<name>`` (captions only if None)."""
    lines = [f"# {_text(memo.title)}", "", _text(memo.date), ""]
    lines += [f"- **{_text(k)}:** {_text(v)}" for k, v in memo.header]
    lines += ["", f"## {_text(_summary_title(memo))}", ""]
    lines += [_text(memo.summary_text()), ""]
    for depth, section in memo.walk():
        lines += [f"{'#' * (depth + 2)} {_text(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, image_dir) + [""]
    if memo.footer:
        lines += ["---", "", f"*{_text(memo.footer)}*", ""]
    return "\n".join(lines)


def _summary_title(memo: Memo) -> str:
    from assistant.memo.text import label

    return label(memo.lang, "summary")


def write_markdown(memo: Memo, output: Path) -> Path:
    """Write ``output`` and its chart PNGs (in ``<stem>_files/`` next to it)."""
    figures: list[Figure] = memo.figures()
    image_dir = None
    if figures:
        folder = output.parent / f"{output.stem}_files"
        folder.mkdir(parents=True, exist_ok=True)
        for figure in figures:
            (folder / figure.name).write_bytes(figure.png)
        image_dir = folder.name
    output.write_text(render_markdown(memo, image_dir), encoding="utf-8")
    return output
