"""Render a :class:`~assistant.memo.model.Memo` as a Word document (python-docx), charts embedded."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.memo.model import Block, Bullets, Figure, Memo, Paragraph, Table
from assistant.memo.render.escape import plain
from tools.wording import LANGUAGE_TAGS, as_lang

#: Fonts Word will find on the reader's machine (Latin, East Asian).
FONTS = {"en": ("Calibri", "Yu Gothic"), "ja": ("Yu Gothic", "Yu Gothic")}
HEADING_COLOR = RGBColor(0x1F, 0x4E, 0x79)
TEXT_WIDTH_CM = 16.0


def _set_fonts(doc: DocxDocument, lang: str) -> None:
    latin, east_asian = FONTS[lang]
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet"):
        style = doc.styles[style_name]
        style.font.name = latin  # type: ignore[attr-defined]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
        fonts.set(qn("w:eastAsia"), east_asian)
        if style_name.startswith("Heading") or style_name == "Title":
            style.font.color.rgb = HEADING_COLOR  # type: ignore[attr-defined]
    doc.styles["Normal"].font.size = Pt(10.5)  # type: ignore[attr-defined]


def _shade(cell: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _table(doc: DocxDocument, table: Table) -> None:
    if table.caption:
        doc.add_paragraph(plain(table.caption), style="Caption")
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths = [Cm(TEXT_WIDTH_CM * w) for w in table.column_widths()]
    for i, text in enumerate(table.columns):
        cell = grid.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(plain(text))
        run.bold = True
        _shade(cell, "DCE6F1")
    for row in table.rows:
        cells = grid.add_row().cells
        for i, text in enumerate(row):
            cells[i].text = plain(text)
            if table.alignment(i) == "right":
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def _block(doc: DocxDocument, block: Block) -> None:
    if isinstance(block, Paragraph):
        paragraph = doc.add_paragraph()
        if block.bold_lead:
            paragraph.add_run(plain(block.bold_lead) + " ").bold = True
        paragraph.add_run(plain(block.text))
    elif isinstance(block, Bullets):
        for item in block.items:
            doc.add_paragraph(plain(item), style="List Number" if block.numbered else "List Bullet")
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Figure):
        doc.add_picture(io.BytesIO(block.png), width=Cm(min(block.width_cm, TEXT_WIDTH_CM)))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph(plain(block.caption), style="Caption")


def render_docx(memo: Memo) -> DocxDocument:
    """The memo as a python-docx ``Document``."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    _set_fonts(doc, memo.lang)
    doc.core_properties.title = memo.title
    doc.core_properties.language = LANGUAGE_TAGS[as_lang(memo.lang)]
    doc.core_properties.created = dt.datetime(2000, 1, 1)  # reproducible; the memo shows its own date
    doc.add_heading(plain(memo.title), level=0)
    doc.add_paragraph(plain(memo.date))
    for key, value in memo.header:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{plain(key)}: ").bold = True
        paragraph.add_run(plain(value))
    for depth, sec in memo.walk():
        if sec.page_break:
            doc.add_page_break()
        doc.add_heading(plain(sec.title), level=min(depth + 1, 3))
        for block in sec.blocks:
            _block(doc, block)
    if memo.footer:
        footer = section.footer.paragraphs[0]
        footer.text = plain(memo.footer)
        footer.runs[0].font.size = Pt(8)
    return doc


def write_docx(memo: Memo, output: Path) -> Path:
    """Write the memo as ``output`` (.docx)."""
    render_docx(memo).save(str(output))
    return output
