"""`revops diagnose` on bad input: exit code 2 and exactly one clear message on stderr, no traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli import app

DATA = Path(__file__).parent / "data" / "exports"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tools.diagnosis") is None or importlib.util.find_spec("tools.report") is None,
    reason="revops diagnose needs tools.diagnosis and tools.report",
)

CASES: dict[str, tuple[bytes, str]] = {
    "binary": (bytes(range(256)) * 4,
               "export.csv: this is not a CSV or XLSX file (it contains binary data). Export the report again as "
               "CSV (UTF-8 or Shift-JIS) or XLSX and upload that file."),
    "empty": (b"", "export.csv: the file is empty. Export the report again with its header row and data."),
    "header only": (b"record_id,created_date\n",
                    "export.csv: the file has a header row but no data rows. Export the report again with its data."),
    "unknown encoding": ("record_id,created_date,owner\nA,2025-01-01,José\n".encode("latin-1"),
                         "export.csv: the file is not UTF-8, UTF-8 with BOM or CP932 (Shift-JIS) text. Save it "
                         "again as CSV UTF-8 from Excel or your CRM."),
    "nothing recognised": (b"Name,Email\nx,y\n",
                           "export.csv: no record id column found. Columns found: 'Name', 'Email'. Accepted names "
                           "include Record ID, Lead ID, Contact ID, Prospect ID, Person ID, ID, リードID, レコードID. "
                           'If one of your columns holds the id, run again with --map record_id="Your Column".'),
    "only a lookup": (b"account,sector,employees\nAcme,retail,10\n",
                      "export.csv: none of the files holds leads or opportunities (export.csv: accounts (one row per "
                      "account with firmographics)). If a file does hold them, say so with --role "
                      '"file.csv=leads" (or =opportunities).'),
    "unparseable dates": (b"record_id,created_date\nA,soon\nB,later\nC,2025-01-01\n",
                          "export.csv, column 'created_date': most dates could not be read (2 rows). Examples: "
                          "'soon', 'later'. Use dates like 2024-01-31, 2024/01/31 or 01/31/2024, or map another "
                          'column with --map created_date="Your Column".'),
    "negative amounts": (b"record_id,created_date,amount\nA,2025-01-01,-1\nB,2025-01-02,-2\n",
                         "export.csv, column 'amount': most amounts are negative (2 rows). Examples: '-1', '-2'. "
                         "Amounts may use thousands separators and a currency sign (1,234,000, ¥1,234,000, "
                         '$12,000.00); fix the column or map another one with --map amount="Your Column".'),
}


def run(args: list[str]):  # noqa: ANN201
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_the_message(tmp_path: Path, case: str) -> None:
    content, message = CASES[case]
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run(["diagnose", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert "Traceback" not in result.output


def test_no_id_column_suggests_map(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Lead Ref,Created Date\nA,2025-01-01\n", encoding="utf-8")
    result = run(["diagnose", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: export.csv: no record id column found. Columns found: 'Lead Ref', 'Created Date'. Accepted names "
        "include Record ID, Lead ID, Contact ID, Prospect ID, Person ID, ID, リードID, レコードID. If one of your "
        'columns holds the id, run again with --map record_id="Your Column".\n')


def test_map_option_fixes_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Lead Number,Created Date\nA,2025-01-01\nB,2025-01-02\n", encoding="utf-8")
    result = run(["diagnose", str(path), "--map", "record_id=Lead Number", "--json"])
    assert result.exit_code == 0, result.output
    assert '"record_id": "Lead Number"' in result.stdout


def test_bad_map_item_exits_2() -> None:
    result = run(["diagnose", str(DATA / "canonical_small.csv"), "--map", "nonsense"])
    assert result.exit_code == 2
    assert result.stderr == "error: 'nonsense' is not canonical=Column. Write it like --map record_id=\"Lead ID\".\n"


def test_bad_targets_file_exits_2(tmp_path: Path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("period,metric,target\n2025-01,pipeline,5\n", encoding="utf-8")
    result = run(["diagnose", str(DATA / "canonical_small.csv"), "--targets", str(targets)])
    assert result.exit_code == 2
    assert result.stderr == ("error: targets.csv, column 'metric': unknown metric (1 row). Examples: 'pipeline'. "
                             "Valid metrics: leads, mql, sql, opportunities, won, revenue.\n")


def test_diagnose_smoke_on_the_salesforce_pair() -> None:
    result = run(["diagnose", str(DATA / "salesforce_leads.csv"), str(DATA / "salesforce_opportunities.csv"),
                  "--json"])
    assert result.exit_code == 0, result.output
    assert '"opportunity_without_lead"' in result.stdout
