"""Bad input: one exact, stable message per case (fatal) or a counted data-quality warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.errors import (
    EmptyFileError,
    InvalidValuesError,
    MappingError,
    MissingColumnError,
    UnreadableFileError,
    ValidationFailed,
)
from tools.ingest.loading import load_exports, parse_mapping_overrides

ID_HINT = ("Accepted names include Record ID, Lead ID, Contact ID, Prospect ID, Person ID, ID, リードID, レコードID. "
           'If one of your columns holds the id, run again with --map record_id="Your Column".')
AMOUNT_HINT = ("Amounts may use thousands separators and a currency sign (1,234,000, ¥1,234,000, $12,000.00); "
               'fix the column or map another one with --map amount="Your Column".')


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def fatal(paths: list[Path], error: type[Exception]) -> str:
    with pytest.raises(error) as info:
        load_exports(paths)
    return str(info.value)


def warnings_of(path: Path) -> list[tuple[str, int, str]]:
    return [(i.code, i.rows, i.message) for i in load_exports([path]).data_quality]


def test_binary_junk(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", bytes(range(256)) * 4)
    assert fatal([path], UnreadableFileError) == (
        "export.csv: this is not a CSV or XLSX file (it contains binary data). Export the report again as CSV "
        "(UTF-8 or Shift-JIS) or XLSX and upload that file.")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", b"")
    assert fatal([path], EmptyFileError) == (
        "export.csv: the file is empty. Export the report again with its header row and data.")


def test_header_without_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", "record_id,created_date\n")
    assert fatal([path], EmptyFileError) == (
        "export.csv: the file has a header row but no data rows. Export the report again with its data.")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", "record_id,created_date,owner\nA,2025-01-01,José\n".encode("latin-1")
                 + b"\x80\x81\xfc\xfd")
    assert fatal([path], UnreadableFileError) == (
        "export.csv: the file is not UTF-8, UTF-8 with BOM or CP932 (Shift-JIS) text. Save it again as CSV "
        "UTF-8 from Excel or your CRM.")


def test_legacy_xls_and_broken_xlsx(tmp_path: Path) -> None:
    xls = write(tmp_path, "export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    assert fatal([xls], UnreadableFileError) == (
        "export.xls: this is a legacy Excel .xls file, which is not supported. Save it as .xlsx or CSV and "
        "upload that file.")
    xlsx = write(tmp_path, "export.xlsx", b"PK\x03\x04garbage")
    assert fatal([xlsx], UnreadableFileError) == (
        "export.xlsx: this is not a readable XLSX workbook. Export the report again as CSV (UTF-8 or "
        "Shift-JIS) or XLSX and upload that file.")


def test_missing_file(tmp_path: Path) -> None:
    assert fatal([tmp_path / "nope.csv"], UnreadableFileError) == f"{tmp_path / 'nope.csv'}: file not found. Check the path."


def test_no_id_column(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "Lead Ref,Created Date\nA,2025-01-01\n")
    assert fatal([path], MissingColumnError) == (
        "leads.csv: no record id column found. Columns found: 'Lead Ref', 'Created Date'. " + ID_HINT)


def test_a_lead_list_without_dates_loads_as_an_undated_snapshot(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "Lead ID,Name\nA,x\nB,y\n")
    loaded = load_exports([path])
    assert loaded.frame["record_id"].tolist() == ["A", "B"]
    assert loaded.frame["created_date"].isna().all()
    assert not loaded.capabilities.trends
    assert loaded.capabilities.missing["trends"] == "needs dated records (a created, opportunity or other stage date)"
    assert loaded.report.files[0].unused_columns == ["Name"]


def test_every_problem_of_the_upload_is_reported_together(tmp_path: Path) -> None:
    no_id = write(tmp_path, "a.csv", "Name,Created\nx,2025-01-01\n")
    bad_dates = write(tmp_path, "b.csv", "record_id,created_date\nA,soon\nB,yesterday\nC,2025-01-01\n")
    message = fatal([no_id, bad_dates], ValidationFailed)
    assert message == (
        "2 problems found in the upload:\n"
        "- a.csv: no record id column found. Columns found: 'Name', 'Created'. " + ID_HINT + "\n"
        "- b.csv, column 'created_date': most dates could not be read (2 rows). Examples: 'soon', 'yesterday'. "
        'Use dates like 2024-01-31, 2024/01/31 or 01/31/2024, or map another column with --map '
        'created_date="Your Column".')


def test_a_few_unparseable_dates_are_blanked_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date,won_date\nA,2025-01-01,2025-02-30\n"
                 "B,2025-01-02,\nC,2025-01-03,2025-03-01\nD,2025-01-04,2025-03-02\n")
    loaded = load_exports([path])
    assert loaded.frame["won_date"].isna().tolist() == [True, True, False, False]
    assert [(i.code, i.rows, i.message) for i in loaded.data_quality] == [
        ("unparseable_date", 1, "leads.csv, column 'won_date': 1 date could not be read and it was left empty "
         "(e.g. '2025-02-30')")]


def test_unparseable_created_dates_leave_their_rows_undated_and_say_so(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date\nA,2025-01-01\nB,someday\nC,2025-01-03\n")
    loaded = load_exports([path])
    assert loaded.frame["record_id"].tolist() == ["A", "B", "C"]
    assert loaded.frame["created_date"].isna().tolist() == [False, True, False]
    assert warnings_of(path) == [
        ("unparseable_date", 1, "leads.csv, column 'created_date': 1 date could not be read and it was left "
         "empty (e.g. 'someday')"),
        ("undated_rows", 1, "leads.csv: 1 row has no created date; it counts in the funnel but not in trends")]


def test_most_amounts_negative_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", "record_id,created_date,amount\nA,2025-01-01,-100\nB,2025-01-02,-200\n"
                 "C,2025-01-03,300\n")
    assert fatal([path], InvalidValuesError) == (
        "deals.csv, column 'amount': most amounts are negative (2 rows). Examples: '-100', '-200'. " + AMOUNT_HINT)


def test_a_negative_amount_is_blanked_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "deals.csv", 'record_id,created_date,amount\nA,2025-01-01,"-1,500"\nB,2025-01-02,200\n'
                 "C,2025-01-03,300\n")
    assert warnings_of(path) == [
        ("negative_amount", 1, "deals.csv, column 'amount': 1 amount is negative and was left empty (e.g. '-1,500')")]


def test_non_numeric_amounts(tmp_path: Path) -> None:
    most = write(tmp_path, "deals.csv", "record_id,created_date,amount\nA,2025-01-01,lots\nB,2025-01-02,tbd\n"
                 "C,2025-01-03,300\n")
    assert fatal([most], InvalidValuesError) == (
        "deals.csv, column 'amount': most amounts are not numbers (2 rows). Examples: 'lots', 'tbd'. " + AMOUNT_HINT)
    few = write(tmp_path, "few.csv", "record_id,created_date,amount\nA,2025-01-01,tbd\nB,2025-01-02,200\n"
                "C,2025-01-03,300\n")
    assert warnings_of(few) == [
        ("invalid_amount", 1, "few.csv, column 'amount': 1 amount is not a number and was left empty (e.g. 'tbd')")]


def test_duplicate_ids_keep_the_first_row(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date\nA,2025-01-01\nA,2025-01-02\nB,2025-01-03\n"
                 "B,2025-01-03\nB,2025-01-04\n")
    loaded = load_exports([path])
    assert loaded.frame["created_date"].dt.day.tolist() == [1, 3]
    assert warnings_of(path) == [
        ("duplicate_id", 3, "leads.csv: 3 rows repeat a record id seen earlier and were dropped; the first row of "
         "each id was kept (e.g. 'A', 'B')")]


def test_stage_dates_out_of_order_are_kept_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date,mql_date,won_date\n"
                 "A,2025-02-01,2025-01-01,2025-01-15\nB,2025-01-01,2025-01-02,2025-01-20\n")
    assert load_exports([path]).rows == 2
    assert warnings_of(path) == [
        ("stage_dates_out_of_order", 1, "1 row has stage dates out of order (mql_date before created_date: 1; "
         "won_date before created_date: 1); it was kept as exported")]


def test_rows_without_id_are_dropped_and_rows_without_date_kept_both_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date\nA,2025-01-01\n,2025-01-02\nC,\nD,2025-01-04\n")
    assert load_exports([path]).frame["record_id"].tolist() == ["A", "C", "D"]
    assert warnings_of(path) == [
        ("missing_id", 1, "leads.csv: 1 row has no record id and was dropped"),
        ("undated_rows", 1, "leads.csv: 1 row has no created date; it counts in the funnel but not in trends")]


def test_ragged_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date\nA,2025-01-01\nB,2025-01-02,extra\nC,2025-01-03\n")
    assert load_exports([path]).frame["record_id"].tolist() == ["A", "C"]
    assert warnings_of(path) == [
        ("malformed_rows", 1, "leads.csv: 1 row with the wrong number of fields was skipped "
         "(e.g. 'B,2025-01-02,extra')")]


def test_unknown_stage_values_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "opps.csv", "Opportunity ID,Stage,Created Date\nO1,Closed Won,2025-01-01\n"
                 "O2,Banana,2025-01-02\n")
    assert warnings_of(path) == [
        ("unknown_stage", 1, "opps.csv, column 'Stage': 1 row has a stage or status that is not recognised and "
         "was left empty (e.g. 'Banana')")]


@pytest.mark.parametrize(
    ("items", "message"),
    [(["record_id"], 'record_id\' is not canonical=Column. Write it like --map record_id="Lead ID".'),
     (["foo=Bar"], "unknown canonical column 'foo'. Valid names: record_id, created_date, mql_date, "
      "first_touch_date, sql_date, opportunity_date, won_date, lost_date, churn_date, amount, lead_source, segment, "
      "industry, employee_count, icp_fit, owner, region, phase, opportunity_id, converted_opportunity_id, "
      "contact_id, account, stage, status, close_date, decision_date, won_flag, closed_flag, converted_flag.")],
)
def test_malformed_map_overrides(items: list[str], message: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping_overrides(items, None)
    assert str(info.value).lstrip("'") == message


def test_mapping_file_errors(tmp_path: Path) -> None:
    bad = write(tmp_path, "map.json", "{not json")
    with pytest.raises(MappingError, match=r"^map.json: the mapping file is not valid JSON"):
        parse_mapping_overrides([], bad)
    wrong = write(tmp_path, "list.json", '["record_id"]')
    with pytest.raises(MappingError) as info:
        parse_mapping_overrides([], wrong)
    assert str(info.value) == ("list.json: the mapping file must be one JSON object of canonical name -> column "
                               'name. Write it like {"record_id": "Lead ID"}.')


def test_override_naming_a_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "record_id,created_date\nA,2025-01-01\n")
    with pytest.raises(MappingError) as info:
        load_exports([path], overrides={"amount": "Deal Value"})
    assert str(info.value) == ("leads.csv: --map amount: no column named 'Deal Value'. Columns found: 'record_id', "
                               "'created_date'.")
