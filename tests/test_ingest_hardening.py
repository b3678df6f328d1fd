"""Hostile files in, one clear message or a counted warning out; memory bounded where that is the point.

Memory is measured in a subprocess with ``resource.getrusage`` (peak RSS of that process only),
never with timing asserts.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from tools.errors import (
    MAX_MESSAGE_CHARS,
    AmbiguousDateOrderError,
    RevOpsInputError,
    UnreadableFileError,
    ValidationFailed,
)
from tools.ingest.loading import LoadOptions, load_exports
from ui.cli import app

ROOT = Path(__file__).resolve().parents[1]


def small_workbook(path: Path, stray: bool = False) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Lead ID", "Created Date", "Lead Status"])
    for i in range(20):
        sheet.append([f"L{i}", datetime(2025, 1, 1 + i), "Working - Contacted"])
    if stray:
        sheet["XFD1048576"] = "x"  # one cell at the sheet's last row and column
    workbook.save(path)
    return path


def peak_mb_loading(path: Path) -> dict[str, object]:
    """Load ``path`` in a fresh interpreter; its peak RSS and what happened."""
    code = textwrap.dedent(f"""
        import json, resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tools.errors import RevOpsInputError
        from tools.ingest.loading import load_exports
        try:
            data = load_exports([{str(path)!r}])
            out = {{"rows": data.rows, "codes": [i.code for i in data.data_quality]}}
        except RevOpsInputError as err:
            out = {{"error": str(err)}}
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
    """)
    # through a small relay process: a child of pytest itself would inherit pytest's peak RSS on exec
    relay = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"
    done = subprocess.run([sys.executable, "-c", relay, sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_stray_cell_at_the_sheets_far_corner_costs_no_memory(tmp_path: Path) -> None:
    plain = peak_mb_loading(small_workbook(tmp_path / "plain.xlsx"))
    stray_path = small_workbook(tmp_path / "stray.xlsx", stray=True)
    stray = peak_mb_loading(stray_path)
    assert stray_path.stat().st_size < 20_000
    assert stray["rows"] == plain["rows"] == 20
    assert stray["codes"] == ["cells_outside_header"]
    # reading the sheet as openpyxl pads it would take gigabytes; cell by cell it costs what the cells do
    assert stray["peak_mb"] < plain["peak_mb"] + 40  # type: ignore[operator]


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    source = small_workbook(tmp_path / "plain.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with out.open(item.filename, "w") as member:  # whitespace between elements is still valid XML
                member.write(head + b"<sheetData>")
                for _ in range(300):
                    member.write(b" " * 1_000_000)
                member.write(tail)
    assert bomb.stat().st_size < 2_000_000
    result = peak_mb_loading(bomb)
    assert "looks like a zip bomb" in str(result["error"])
    assert str(result["error"]).startswith("bomb.xlsx: the workbook would expand from 0.")
    assert result["peak_mb"] < 250  # type: ignore[operator] - the imports alone are ~150 MB; 300 MB were not inflated


def test_formulas_saved_without_values_are_named(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Lead ID", "Created Date", "Amount"])
    for i in range(5):
        sheet.append([f"L{i}", datetime(2025, 2, 1 + i), f"=B{i + 2}*0+{1000 * (i + 1)}"])
    workbook.save(tmp_path / "leads.xlsx")  # openpyxl writes formulas without calculating them
    loaded = load_exports([tmp_path / "leads.xlsx"])
    (issue,) = [i for i in loaded.data_quality if i.code == "formula_without_value"]
    assert issue.rows == 5
    assert issue.message.startswith("leads.xlsx, column 'Amount': 5 cells hold formulas saved without a calculated value")
    assert loaded.frame["amount"].isna().all()


def test_repeated_headers_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Created Date,Amount,Amount\nA,2025-01-01,100,200\nB,2025-01-02,300,400\n", encoding="utf-8")
    loaded = load_exports([path])
    assert [(i.code, i.message) for i in loaded.data_quality] == [
        ("duplicate_header", "leads.csv: the column 'Amount' appears 2 times; the first was used and the other was "
         "ignored")]
    assert loaded.frame["amount"].tolist() == [100.0, 300.0]
    assert loaded.report.files[0].unused_columns == ["Amount (2)"]


def test_one_nul_byte_costs_a_warning_not_the_file(tmp_path: Path) -> None:
    rows = [f"L{i:06d},2025-01-{1 + i % 28:02d},Working - Contacted,Company {i}" for i in range(60_000)]
    rows[1234] = rows[1234].replace("Company", "Comp\x00any")
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Created Date,Lead Status,Company\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    loaded = load_exports([path])
    assert loaded.rows == 60_000
    assert [(i.code, i.rows, i.message) for i in loaded.data_quality] == [
        ("nul_bytes", 1, "leads.csv: 1 NUL byte (a byte of value 0, not text) on 1 line was removed")]


def test_a_file_of_one_huge_line_gives_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(",".join(f"column {i} " + "x" * 40 for i in range(110_000)), encoding="utf-8")  # ~5 MB, no newline
    assert path.stat().st_size > 5_000_000
    with pytest.raises(RevOpsInputError) as info:
        load_exports([path])
    assert len(str(info.value)) <= MAX_MESSAGE_CHARS
    assert str(info.value).startswith("export.csv: no record id column found. Columns found: 'column 0 xxx")


def test_out_of_range_years_are_blanked_and_counted_never_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("record_id,created_date,won_date\nA,2025-01-01,9999-12-31\nB,2025-01-02,1850-06-01\n"
                    "C,2025-01-03,2025-03-01\n", encoding="utf-8")
    loaded = load_exports([path])
    assert loaded.frame["won_date"].tolist()[:2] == [pd.NaT, pd.NaT]
    assert [(i.code, i.rows, i.message) for i in loaded.data_quality] == [
        ("date_out_of_range", 2, "leads.csv, column 'won_date': 2 dates fall outside the years 1990-2100 and were "
         "left empty (e.g. '9999-12-31', '1850-06-01'); set another window with --years")]
    narrow = load_exports([path], options=LoadOptions(years=(2025, 2025)))
    assert narrow.frame["won_date"].notna().tolist() == [False, False, True]


def test_yyyymmdd_and_excel_serial_dates(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Created Date,MQL Date\nA,20250105,45663\nB,20250106,45664.5\n", encoding="utf-8")
    frame = load_exports([path]).frame
    assert frame["created_date"].tolist() == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-06")]
    assert frame["mql_date"].tolist() == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-07 12:00")]


# --- day-first vs month-first --------------------------------------------------------------------------------


def ambiguous(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Created\nA,03/04/2025\nB,05/06/2025\nC,01/02/2025\n", encoding="utf-8")
    return path


def test_a_column_that_reads_both_ways_is_asked_about(tmp_path: Path) -> None:
    with pytest.raises(AmbiguousDateOrderError) as info:
        load_exports([ambiguous(tmp_path)])
    question = info.value.question
    assert (question.file, question.column, question.examples, question.rows) == (
        "leads.csv", "Created", ["03/04/2025", "05/06/2025", "01/02/2025"], 3)
    assert str(info.value) == (
        "leads.csv, column 'Created': the day/month order cannot be told from the data: every date reads both as "
        "month/day and as day/month (3 rows). Examples: '03/04/2025', '05/06/2025', '01/02/2025'. Say which it is: "
        '--date-order "Created=mdy" (month first, 03/04 = March 4) or --date-order "Created=dmy" (day first, '
        "03/04 = 3 April).")


def test_the_answer_reads_the_column_that_way(tmp_path: Path) -> None:
    path = ambiguous(tmp_path)
    day_first = load_exports([path], options=LoadOptions(date_orders={"Created": "dmy"})).frame["created_date"]
    month_first = load_exports([path], options=LoadOptions(date_orders={"*": "mdy"})).frame["created_date"]
    assert day_first.tolist()[0] == pd.Timestamp("2025-04-03") and month_first.tolist()[0] == pd.Timestamp("2025-03-04")
    runner = CliRunner()
    assert runner.invoke(app, ["diagnose", str(path)]).exit_code == 2
    assert runner.invoke(app, ["diagnose", str(path), "--date-order", "Created=dmy"]).exit_code == 0


def test_the_other_dates_of_the_file_settle_it(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,Created,MQL Date\nA,03/04/2025,25/04/2025\nB,05/06/2025,\n", encoding="utf-8")
    loaded = load_exports([path])
    assert loaded.frame["created_date"].tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-06-05")]
    assert [(i.code, i.message) for i in loaded.data_quality] == [
        ("date_order_inferred", "leads.csv, column 'Created': every date reads both ways, so it was read day first "
         "(dd/mm) like the other dates of leads.csv")]


def test_each_ambiguous_column_is_one_question_for_the_ui(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Lead ID,Created\nA,03/04/2025\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("Lead ID,Created\nB,05/06/2025\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_exports([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert [(q.file, q.column) for q in info.value.date_order_questions] == [("a.csv", "Created"), ("b.csv", "Created")]


def test_messages_never_carry_a_whole_binary_blob(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    with pytest.raises(UnreadableFileError) as info:
        load_exports([path])
    assert str(info.value) == ("export.xlsx: this is not a readable XLSX workbook. Export the report again as CSV "
                               "(UTF-8 or Shift-JIS) or XLSX and upload that file.")


def test_a_real_xlsx_in_memory_round_trip(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    small_workbook(tmp_path / "w.xlsx")
    buffer.write((tmp_path / "w.xlsx").read_bytes())
    assert load_exports([tmp_path / "w.xlsx"]).rows == 20


# --- report furniture and regional formats ---------------------------------------------------------------


def test_decimal_comma_amounts_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID;Created Date;Amount\nA1;05/01/2025;1.234,56\nA2;13/01/2025;12,5\nA3;20/02/2025;€ 2.000\n",
                    encoding="utf-8")
    frame = load_exports([path]).frame
    assert frame["amount"].tolist() == [1234.56, 12.5, 2000.0]
    assert frame["created_date"].tolist()[:2] == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-13")]


def test_a_reports_totals_and_footer_are_not_records(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text('Lead ID,Created Date,Lead Status\n"00Q1","1/6/2025","Working - Contacted"\n'
                    '"00Q2","1/20/2025","Qualified"\n\n"Total",,\n\n'
                    '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n', encoding="utf-8")
    loaded = load_exports([path])
    assert loaded.frame["record_id"].tolist() == ["00Q1", "00Q2"]
    assert [(i.code, i.rows) for i in loaded.data_quality] == [("malformed_rows", 1), ("summary_rows", 1)]
    assert loaded.data_quality[1].message == ("report.csv: 1 total or summary row (e.g. 'Total') was skipped: it holds "
                                              "the report's totals, not records")


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    csv_path = tmp_path / "report.csv"
    csv_path.write_text("Leads report - exported 2025-03-01\n\nLead ID,Created Date\nA1,2025-01-05\nA2,2025-01-06\n",
                        encoding="utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Leads report"])
    sheet.append(["Lead ID", "Created Date"])
    sheet.append(["A1", datetime(2025, 1, 5)])
    workbook.save(tmp_path / "report.xlsx")
    for path, rows in ((csv_path, 2), (tmp_path / "report.xlsx", 1)):
        loaded = load_exports([path])
        assert loaded.frame["record_id"].tolist()[:1] == ["A1"]
        assert [(i.code, i.rows) for i in loaded.data_quality] == [("title_rows", rows)]
