"""Render a :class:`~assistant.memo.model.Memo` as Markdown; charts go to ``<stem>_files/``."""

from __future__ import annotations

from pathlib import Path

from assistant.memo.model import Block, Bullets, Figure, Memo, Paragraph, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> list[str]:
    lines = [f"*{table.caption}*", ""] if table.caption else []
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if table.alignment(i) == "right" else "---" for i in range(len(table.columns))) + "|")
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows)
    return lines


def _block(block: Block, image_dir: str | None) -> list[str]:
    if isinstance(block, Paragraph):
        lead = f"**{block.bold_lead}** " if block.bold_lead else ""
        return [lead + block.text]
    if isinstance(block, Bullets):
        return [f"{i}. {item}" if block.numbered else f"- {item}" for i, item in enumerate(block.items, 1)]
    if isinstance(block, Table):
        return _table(block)
    if image_dir is None:
        return [f"*{block.caption}*"]
    return [f"![{block.caption}]({image_dir}/{block.name})", "", f"*{block.caption}*"]


def render_markdown(memo: Memo, image_dir: str | None = None) -> str:
    """The memo as Markdown text; figures link to ``image_dir/<name>`` (captions only if None)."""
    lines = [f"# {memo.title}", "", memo.date, ""]
    lines += [f"- **{k}:** {v}" for k, v in memo.header]
    lines += ["", f"## {_summary_title(memo)}", ""]
    lines += [memo.summary_text(), ""]
    for depth, section in memo.walk():
        lines += [f"{'#' * (depth + 2)} {section.title}", ""]
        for block in section.blocks:
            lines += _block(block, image_dir) + [""]
    if memo.footer:
        lines += ["---", "", f"*{memo.footer}*", ""]
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
