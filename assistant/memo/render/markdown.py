"""Render a :class:`~assistant.memo.model.Memo` as Markdown; charts go to ``<stem>_files/``.

Every piece of text passes through ``escape.markdown`` so uploaded values print as text.
"""

from __future__ import annotations

from pathlib import Path

from assistant.memo.model import Block, Bullets, Figure, Memo, Paragraph, Table
from assistant.memo.render.escape import markdown as esc
from assistant.memo.render.escape import markdown_line


def _table(table: Table) -> list[str]:
    lines = [f"*{esc(table.caption)}*", ""] if table.caption else []
    lines.append("| " + " | ".join(esc(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if table.alignment(i) == "right" else "---" for i in range(len(table.columns))) + "|")
    lines.extend("| " + " | ".join(esc(c) for c in row) + " |" for row in table.rows)
    return lines


def _block(block: Block, image_dir: str | None) -> list[str]:
    if isinstance(block, Paragraph):
        if block.bold_lead:
            return [f"**{esc(block.bold_lead)}** {esc(block.text)}"]
        return [markdown_line(block.text)]
    if isinstance(block, Bullets):
        return [f"{i}. {esc(item)}" if block.numbered else f"- {esc(item)}" for i, item in enumerate(block.items, 1)]
    if isinstance(block, Table):
        return _table(block)
    if image_dir is None:
        return [f"*{esc(block.caption)}*"]
    return [f"![{esc(block.caption)}]({image_dir}/{block.name})", "", f"*{esc(block.caption)}*"]


def render_markdown(memo: Memo, image_dir: str | None = None) -> str:
    """The memo as Markdown text; figures link to ``image_dir/<name>`` (captions only if None)."""
    lines = [f"# {esc(memo.title)}", "", markdown_line(memo.date), ""]
    lines += [f"- **{esc(k)}:** {esc(v)}" for k, v in memo.header]
    lines += [""]
    for depth, section in memo.walk():
        lines += [f"{'#' * (depth + 2)} {esc(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, image_dir) + [""]
    if memo.footer:
        lines += ["---", "", f"*{esc(memo.footer)}*", ""]
    return "\n".join(lines)


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
