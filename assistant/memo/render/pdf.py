"""Render a :class:`~assistant.memo.model.Memo` as PDF (fpdf2) with an embedded CJK font.

fpdf2 embeds the Noto Sans CJK JP collection (CFF outlines, regular and bold) found through
fontconfig, or IPAGothic (TrueType) when Noto is missing, so Japanese text never turns into boxes.
A clear error names the Debian package to install when neither is present.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from assistant.memo.charts import FontNotFoundError
from assistant.memo.model import Block, Bullets, Figure, Memo, Paragraph, Table
from assistant.memo.render.escape import plain
from tools.wording import LANGUAGE_TAGS, as_lang

FAMILY = "memo"
PRIMARY = (31, 78, 121)
GREY = (96, 96, 96)
SUMMARY_FILL = (234, 241, 248)
HEADER_FILL = (220, 230, 241)
STRIPE_FILL = (247, 249, 252)
MARGIN = 18.0
LINE = 5.2
NOTO = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
IPA = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


#: Characters a Japanese line must not start with (kinsoku): they hang on the previous line.
NO_LINE_START = frozenset("、。，．・：；？！）」』】〕％ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ)]}.,:;!?%")
#: Characters a line must not end with: they move to the next line with what they open.
NO_LINE_END = frozenset("（「『【〔([{")
#: Wrap units: a run of Latin letters/digits/ASCII punctuation stays whole; CJK breaks anywhere.
_UNITS = re.compile(r"[\x21-\x7e¥]+| +|\n|.", re.S)


@dataclass(frozen=True)
class FontFiles:
    """Regular and bold font files (with their index inside a .ttc collection)."""

    regular: Path
    regular_index: int
    bold: Path
    bold_index: int


def _fontconfig(family: str) -> dict[str, tuple[Path, int]]:
    """style -> (file, collection index) for ``family`` according to fontconfig."""
    if shutil.which("fc-list") is None:
        return {}
    try:
        out = subprocess.run(["fc-list", f":family={family}", "-f", "%{file}|%{index}|%{style}\n"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    styles: dict[str, tuple[Path, int]] = {}
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].isdigit():
            for style in parts[2].split(","):
                styles.setdefault(style.strip(), (Path(parts[0]), int(parts[1])))
    return styles


@lru_cache(maxsize=1)
def pdf_fonts() -> FontFiles:
    """Noto Sans CJK JP (regular + bold), else IPAGothic; ``FontNotFoundError`` if neither."""
    noto = _fontconfig("Noto Sans CJK JP")
    if "Regular" in noto:
        regular = noto["Regular"]
        bold = noto.get("Bold", regular)
        return FontFiles(regular[0], regular[1], bold[0], bold[1])
    if Path(NOTO[0]).is_file():
        bold_file = Path(NOTO[1]) if Path(NOTO[1]).is_file() else Path(NOTO[0])
        return FontFiles(Path(NOTO[0]), 0, bold_file, 0)
    ipa = _fontconfig("IPAGothic").get("Regular") or ((Path(IPA), 0) if Path(IPA).is_file() else None)
    if ipa is not None:
        return FontFiles(ipa[0], ipa[1], ipa[0], ipa[1])  # IPAGothic has no bold face
    raise FontNotFoundError()


class MemoPDF(FPDF):
    """A4 portrait with a running footer (memo title and page number)."""

    def __init__(self, memo: Memo) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.memo = memo
        self.wrap = WrapMode.WORD  # Japanese is pre-wrapped by wrap_lines
        fonts = pdf_fonts()
        self.add_font(FAMILY, "", str(fonts.regular), collection_font_number=fonts.regular_index)
        self.add_font(FAMILY, "B", str(fonts.bold), collection_font_number=fonts.bold_index)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(memo.title)
        self.set_lang(LANGUAGE_TAGS[as_lang(memo.lang)])
        self.set_creator("revops-assistant")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.memo.title} — {self.memo.footer}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def wrap_lines(self, text: str, width: float, first: float | None = None) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (``first`` for the first line) in the
        current font: Japanese breaks between characters, Latin words and numbers stay whole, and
        closing punctuation never starts a line nor an opening bracket ends one (kinsoku)."""
        lines: list[str] = []
        units: list[str] = []  # the current line, unit by unit
        avail = width if first is None else first

        def flush() -> None:
            nonlocal units, avail
            lines.append("".join(units).rstrip())
            units, avail = [], width

        for unit in _UNITS.findall(text):
            if unit == "\n":
                flush()
                continue
            if not units and unit.isspace():
                continue
            if self.get_string_width("".join(units) + unit) <= avail:
                units.append(unit)
                continue
            carried: list[str] = []
            if unit[0] in NO_LINE_START:  # oidashi: carry the unit(s) it must stay with
                while len(units) > 1 and units[-1][0] in NO_LINE_START:
                    carried.insert(0, units.pop())
                if len(units) > 1:
                    carried.insert(0, units.pop())
            while len(units) > 1 and units[-1][-1] in NO_LINE_END:
                carried.insert(0, units.pop())
            if units:
                flush()
            units = carried
            if unit.isspace() and not units:
                continue
            while not units and self.get_string_width(unit) > avail and len(unit) > 1:
                cut = len(unit) - 1
                while cut > 1 and self.get_string_width(unit[:cut]) > avail:
                    cut -= 1
                lines.append(unit[:cut])
                unit, avail = unit[cut:], width
            units.append(unit)
        lines.append("".join(units))
        return lines

    def fit(self, text: str, width: float) -> str:
        """Japanese text pre-wrapped to ``width`` (English is left to fpdf2's word wrap)."""
        if self.memo.lang != "ja":
            return text
        return "\n".join(self.wrap_lines(text, width - 2 * self.c_margin - 0.6))

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def figure_height(self, block: Figure) -> float:
        """Height of a figure on the page (mm), caption included."""
        width = min(block.width_cm * 10, self.text_width)
        px_width, px_height = struct.unpack(">II", block.png[16:24])  # PNG IHDR
        return (width * px_height / px_width if px_width else width * 0.5) + 10

    def heading(self, text: str, depth: int, keep_with: float = 0.0) -> None:
        """A heading kept on the same page as the first ``keep_with`` mm that follow it."""
        size = (14.0, 11.5, 10.5)[min(depth, 2)]
        needed = (30 if depth == 0 else 20) + keep_with
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()
        self.ln(4 if depth == 0 else 2.5)
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*PRIMARY)
        self.multi_cell(0, size * 0.5, self.fit(plain(text), self.text_width), align="L", wrapmode=self.wrap,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if depth == 0:
            self.set_draw_color(*PRIMARY)
            self.set_line_width(0.4)
            self.line(self.l_margin, self.get_y() + 0.8, self.w - self.r_margin, self.get_y() + 0.8)
            self.ln(2.5)
        else:
            self.ln(1)
        self.set_text_color(0, 0, 0)

    def paragraph(self, block: Paragraph) -> None:
        self.set_x(self.l_margin)
        text = plain(block.text)
        if block.bold_lead:
            self.set_font(FAMILY, "B", 9.5)
            self.write(LINE, plain(block.bold_lead) + " ", wrapmode=self.wrap)
        self.set_font(FAMILY, "", 9.5)
        if self.memo.lang == "ja":
            slack = 2 * self.c_margin + 0.6  # write() keeps the cell margins free
            remaining = self.w - self.r_margin - self.get_x() - slack
            lines = self.wrap_lines(text, self.text_width - slack, first=remaining)
            for i, line in enumerate(lines):
                if i:
                    self.ln(LINE)
                self.write(LINE, line, wrapmode=self.wrap)
        else:
            self.write(LINE, text, wrapmode=self.wrap)
        self.ln(LINE + 1.5)

    def bullets(self, block: Bullets) -> None:
        self.set_font(FAMILY, "", 9.5)
        for i, item in enumerate(block.items, start=1):
            self.set_x(self.l_margin + 2)
            self.cell(5, LINE, f"{i}." if block.numbered else "•")
            self.multi_cell(self.text_width - 7, LINE, self.fit(plain(item), self.text_width - 7), align="L", wrapmode=self.wrap,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.8)
        self.ln(1.5)

    def table_block(self, table: Table) -> None:
        if table.caption:
            self.set_font(FAMILY, "B", 9)
            self.cell(0, LINE, plain(table.caption), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 8.5)
        self.set_draw_color(190, 190, 190)
        self.set_line_width(0.2)
        widths = [w * self.text_width for w in table.column_widths()]
        aligns = tuple("RIGHT" if table.alignment(i) == "right" else "LEFT" for i in range(len(table.columns)))
        with self.table(
            col_widths=widths, width=self.text_width, text_align=aligns, line_height=4.6,
            wrapmode=self.wrap, padding=(1.2, 1.6, 1.2, 1.6), align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL, color=PRIMARY),
            cell_fill_color=STRIPE_FILL, cell_fill_mode="ROWS",
        ) as grid:
            for index, row in enumerate([table.columns, *table.rows]):
                cells = grid.row()
                self.set_font(FAMILY, "B" if index == 0 else "", 8.5)  # measure in the cell's font
                for width, text in zip(widths, row, strict=False):
                    cells.cell(self.fit(plain(text), width - 3.2))
        self.set_font(FAMILY, "", 8.5)
        self.ln(3)

    def figure(self, block: Figure) -> None:
        width = min(block.width_cm * 10, self.text_width)
        px_width, px_height = struct.unpack(">II", block.png[16:24])  # PNG IHDR
        height = width * px_height / px_width if px_width else width * 0.5
        if self.get_y() + height + 10 > self.page_break_trigger:
            self.add_page()
        y = self.get_y()
        self.image(io.BytesIO(block.png), x=self.l_margin + (self.text_width - width) / 2, y=y, w=width)
        self.set_y(y + height + 1)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.multi_cell(0, 4, self.fit(plain(block.caption), self.text_width), align="C", wrapmode=self.wrap,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(3)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Bullets):
            self.bullets(block)
        elif isinstance(block, Table):
            self.table_block(block)
        else:
            self.figure(block)

    def title_page(self) -> None:
        memo = self.memo
        self.set_font(FAMILY, "B", 20)
        self.set_text_color(*PRIMARY)
        self.multi_cell(0, 10, self.fit(plain(memo.title), self.text_width), wrapmode=self.wrap,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", 9.5)
        self.set_text_color(*GREY)
        self.cell(0, LINE, memo.date, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)
        for key, value in memo.header:
            self.paragraph(Paragraph(value, bold_lead=f"{key}:"))

    def headline(self, block: Paragraph) -> None:
        """The brief's headline sentence, in a shaded box."""
        self.set_fill_color(*SUMMARY_FILL)
        self.set_font(FAMILY, "B", 10.5)
        text = plain(block.text)
        self.multi_cell(0, 5.8, self.fit(text, self.text_width - 6), fill=True, wrapmode=self.wrap,
                        padding=3, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)


def render_pdf(memo: Memo) -> bytes:
    """The memo as PDF bytes."""
    pdf = MemoPDF(memo)
    pdf.add_page()
    pdf.title_page()
    for depth, section in memo.walk():
        if section.page_break:
            pdf.add_page()
        first = section.blocks[0] if section.blocks else None
        pdf.heading(section.title, depth, pdf.figure_height(first) if isinstance(first, Figure) else 0.0)
        for i, block in enumerate(section.blocks):
            if section.key == "brief" and i == 0 and isinstance(block, Paragraph):
                pdf.headline(block)
            else:
                pdf.block(block)
    return bytes(pdf.output())


def write_pdf(memo: Memo, output: Path) -> Path:
    """Write the memo as ``output`` (.pdf)."""
    output.write_bytes(render_pdf(memo))
    return output
