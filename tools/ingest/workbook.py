"""XLSX uploads, read within a budget proportional to the cells that hold data.

openpyxl's row iterator pads every row to the sheet's declared extent, so one stray cell at
``XFD1048576`` turns a 45 KB workbook into a million rows of 16,384 values. Here the sheet's XML
is streamed cell by cell (openpyxl's own cell parser: shared strings, dates, booleans) and only
cells with a value are kept; the header row fixes the width. Before anything is parsed, the
zip's declared sizes are checked, so a zip bomb is refused instead of inflated.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tools.errors import DataQualityIssue, EmptyFileError, UnreadableFileError

_EXPORT_HINT = "Export the report again as CSV (UTF-8 or Shift-JIS) or XLSX and upload that file"
#: Refuse a workbook whose XML would inflate past this many bytes, or this many times its zip size.
MAX_UNCOMPRESSED_BYTES = 1_500_000_000
MAX_COMPRESSION_RATIO = 150
_RATIO_MIN_BYTES = 20_000_000  # small members may compress extremely well and are harmless
#: Refuse a sheet with more cells holding data than this (save it as CSV instead).
MAX_CELLS = 12_000_000


@dataclass
class SheetRows:
    """The first sheet's header and data rows (text), and what was noticed on the way."""

    headers: list[str]
    rows: list[list[str | None]]
    issues: list[DataQualityIssue] = field(default_factory=list)


def _check_zip(name: str, raw: bytes | Any) -> None:
    """Refuse a zip bomb from the zip directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFileError("this is not a readable XLSX workbook", file=name, hint=_EXPORT_HINT) from None
    total = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    bomb = total > MAX_UNCOMPRESSED_BYTES or any(
        m.file_size > _RATIO_MIN_BYTES and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members)
    if bomb:
        raise UnreadableFileError(
            f"the workbook would expand from {packed / 1e6:,.1f} MB to {total / 1e6:,.0f} MB of sheet data, far "
            "more than its content needs, so it was not opened (it looks like a zip bomb)", file=name,
            hint="Save the sheet again as CSV or as a fresh XLSX and upload that file")


def _cell_text(value: object) -> str | None:
    """XLSX cell -> text as a CSV export would show it (dates ISO, whole floats without '.0')."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()  # type: ignore[call-arg]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_first_sheet(name: str, raw: bytes | Any) -> SheetRows:
    """Header and data rows of the first sheet, holding only the cells that carry data."""
    _check_zip(name, raw)
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    formula_columns: dict[int, int] = {}
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:  # type: ignore[union-attr]
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,  # type: ignore[union-attr]
                                     epoch=workbook.epoch, date_formats=workbook._date_formats,
                                     timedelta_formats=workbook._timedelta_formats)
            parser.parse_cell = _noting_formulas(parser.parse_cell, formula_columns)  # type: ignore[method-assign]
            cells = _collect(name, parser.parse())
        workbook.close()
    except (UnreadableFileError, EmptyFileError):
        raise
    except Exception:  # openpyxl raises many types for a broken zip/xml; all mean the same here
        raise UnreadableFileError("this is not a readable XLSX workbook", file=name, hint=_EXPORT_HINT) from None
    return _shape(name, cells, formula_columns)


def _noting_formulas(parse_cell: Callable[[Any], dict[str, Any]],
                     seen: dict[int, int]) -> Callable[[Any], dict[str, Any]]:
    """Wrap openpyxl's cell parser to count formula cells saved without a calculated value."""
    formula_tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"

    def parse(element: Any) -> dict[str, Any]:
        cell = parse_cell(element)
        if cell["value"] is None and element.find(formula_tag) is not None:
            seen[cell["column"]] = seen.get(cell["column"], 0) + 1
        return cell

    return parse


def _collect(name: str, parsed: Any) -> list[dict[int, str]]:
    """Rows as {column: text} with only non-empty cells, within the cell budget."""
    rows: list[dict[int, str]] = []
    cells = 0
    for _, row in parsed:
        kept = {}
        for cell in row:
            text = _cell_text(cell["value"])
            if text is not None:
                kept[cell["column"]] = text
        if kept:
            cells += len(kept)
            if cells > MAX_CELLS:
                raise UnreadableFileError(
                    f"the workbook holds more than {MAX_CELLS:,} filled cells, more than the XLSX reader takes",
                    file=name, hint="Save the sheet as CSV (which has no such limit) and upload that file")
            rows.append(kept)
    return rows


def header_row(filled: list[int]) -> int:
    """Which of the first rows is the header: the first as full as most of them (title rows above it
    hold one cell); 0 when no row has two cells. ``filled`` counts the non-empty cells of each row."""
    head = filled[:20]
    needed = max(2, (max(head, default=0) + 1) // 2)
    return next((i for i, n in enumerate(head) if n >= needed), 0)


def _shape(name: str, rows: list[dict[int, str]], formula_columns: dict[int, int]) -> SheetRows:
    if not rows:
        raise EmptyFileError("the first sheet of the workbook is empty", file=name, hint=_EXPORT_HINT)
    titles = header_row([len(r) for r in rows])
    rows = rows[titles:]
    header_cells = rows[0]
    width = max(header_cells)
    headers = [header_cells.get(c, "").strip() for c in range(1, width + 1)]
    stray = sum(1 for row in rows[1:] for c in row if c > width)
    # a row whose only cells lie right of the header is no data row (it is counted as stray cells)
    data = [[row.get(c) for c in range(1, width + 1)] for row in rows[1:] if min(row) <= width]
    issues: list[DataQualityIssue] = []
    if titles:
        issues.append(DataQualityIssue(
            "title_rows", f"{name}: {titles} row{'s' if titles != 1 else ''} above the header (a report title) "
            f"{'was' if titles == 1 else 'were'} skipped", titles))
    if stray:
        issues.append(DataQualityIssue(
            "cells_outside_header", f"{name}: {stray} filled cell{'s' if stray != 1 else ''} right of the last "
            f"header column {'was' if stray == 1 else 'were'} ignored", stray))
    for column, count in sorted(formula_columns.items()):
        if column > width:
            continue
        header = headers[column - 1] or f"column {column}"
        issues.append(DataQualityIssue(
            "formula_without_value", f"{name}, column '{header}': {count} cell{'s' if count != 1 else ''} "
            f"{'holds a formula' if count == 1 else 'hold formulas'} saved without a calculated value and "
            f"{'was' if count == 1 else 'were'} read as empty; open and save the file in Excel (which calculates "
            "them) or export CSV", count))
    return SheetRows(headers, data, issues)
