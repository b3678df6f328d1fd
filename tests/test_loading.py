"""The export loader on realistic fixtures: dialects, encodings, formats, joins, overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tools.ingest.loading import load_exports, parse_mapping_overrides
from tools.schema import STAGES

DATA = Path(__file__).parent / "data" / "exports"


def reach(loaded) -> dict[str, int]:  # noqa: ANN001
    return {s: int(loaded.frame[f"reached_{s}"].sum()) for s in STAGES}


def test_hubspot_contacts_and_deals_are_joined() -> None:
    loaded = load_exports([DATA / "hubspot_contacts.csv", DATA / "hubspot_deals.csv"])
    assert loaded.dialect == "hubspot"
    assert [(f.name, f.dialect, f.encoding) for f in loaded.files] == [
        ("hubspot_contacts.csv", "hubspot_contacts", "utf-8-sig"), ("hubspot_deals.csv", "hubspot_deals", "utf-8")]
    frame = loaded.frame.set_index("record_id")
    assert frame.loc["102", "lost_date"] == pd.Timestamp("2025-03-03 17:00")
    assert frame.loc["101", "amount"] == 1_200_000
    assert frame.loc["106", "phase"] == "proposal"  # deal stage wins over lifecycle stage
    assert frame.loc["105", "segment"] == "SMB"  # 中小企業
    assert reach(loaded) == {"lead": 7, "mql": 6, "sql": 5, "opportunity": 4, "won": 1}
    assert loaded.mapping["mql_date"] == "hubspot_contacts.csv: Became a Marketing Qualified Lead Date"
    assert loaded.mapping["opportunity_date"] == (
        "hubspot_contacts.csv: Became an Opportunity Date; hubspot_deals.csv: Create Date")


def test_deal_without_contact_is_kept_and_counted() -> None:
    loaded = load_exports([DATA / "hubspot_contacts.csv", DATA / "hubspot_deals.csv"])
    assert "9004" in set(loaded.frame["record_id"])
    issue = next(i for i in loaded.data_quality if i.code == "opportunity_without_lead")
    assert issue.rows == 1
    assert issue.message == ("hubspot_deals.csv: 1 opportunity has no matching lead in hubspot_contacts.csv "
                             "and was kept as its own record")


def test_salesforce_leads_and_opportunities_join_on_converted_opportunity_id() -> None:
    loaded = load_exports([DATA / "salesforce_leads.csv", DATA / "salesforce_opportunities.csv"])
    assert loaded.dialect == "salesforce"
    frame = loaded.frame.set_index("record_id")
    won = frame.loc["00Q000000000001"]
    assert (won["phase"], won["won_date"], won["amount"]) == ("won", pd.Timestamp("2025-02-20"), 12_000.0)
    assert frame.loc["00Q000000000002", "is_lost"]
    assert frame.loc["00Q000000000003", "phase"] == "sql"  # a lead without opportunity stays a lead
    assert frame.loc["00Q000000000001", "created_date"] == pd.Timestamp("2025-01-06 09:15")
    assert reach(loaded) == {"lead": 7, "mql": 5, "sql": 4, "opportunity": 3, "won": 1}
    assert [i.code for i in loaded.data_quality] == ["opportunity_without_lead"]


def test_opportunity_only_export_and_win_rate() -> None:
    loaded = load_exports([DATA / "opportunities_only.csv"])
    assert loaded.dialect == "opportunity_only"
    frame = loaded.frame
    won, lost = int(frame["reached_won"].sum()), int(frame["is_lost"].sum())
    assert (won, lost) == (2, 3)
    assert won / (won + lost) == pytest.approx(0.4)
    assert frame["opportunity_date"].equals(frame["created_date"])
    assert frame.set_index("record_id").loc["OP-1", "won_date"] == pd.Timestamp("2025-02-10")
    assert pd.isna(frame.set_index("record_id").loc["OP-6", "won_date"])  # open: close date is expected only


def test_japanese_cp932_export() -> None:
    loaded = load_exports([DATA / "japanese_leads_cp932.csv"])
    assert (loaded.dialect, loaded.files[0].encoding) == ("japanese", "cp932")
    frame = loaded.frame.set_index("record_id")
    assert frame.loc["J-001", "amount"] == 1_200_000
    assert frame.loc["J-002", "created_date"] == pd.Timestamp("2025-01-08 14:02")
    assert list(frame["segment"]) == ["SMB", "Enterprise", "Mid-Market", "SMB", "SMB", "Enterprise"]
    assert frame["icp_fit"].tolist()[:4] == ["yes", "no", "yes", "no"]
    assert frame.loc["J-004", "employee_count"] == 12  # full-width digits
    assert reach(loaded) == {"lead": 6, "mql": 5, "sql": 4, "opportunity": 3, "won": 1}


def test_japanese_opportunity_export_with_phase_names() -> None:
    loaded = load_exports([DATA / "opportunities_ja_cp932.csv"])
    assert loaded.frame["phase"].tolist() == ["won", "lost", "proposal", "negotiation"]
    assert int(loaded.frame["reached_won"].sum()) == 1
    assert int(loaded.frame["is_lost"].sum()) == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("リードID,作成日,担当者\nA1,2025-01-05,佐藤\nA2,2025-01-06,鈴木\n".encode(encoding))
    loaded = load_exports([path])
    assert loaded.frame["owner"].tolist() == ["佐藤", "鈴木"]
    assert loaded.files[0].encoding == encoding


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-01-31", "2025-01-31"), ("2025/01/31", "2025-01-31"), ("01/31/2025", "2025-01-31"),
     ("2025-01-31 13:45:00", "2025-01-31 13:45"), ("2025/1/31 9:05", "2025-01-31 09:05"),
     ("1/31/2025 1:45 PM", "2025-01-31 13:45"), ("2025-01-31T13:45:00Z", "2025-01-31 13:45"),
     ("2025年1月31日", "2025-01-31"), ("Jan 31, 2025", "2025-01-31"), ("Jan 31, 2025 1:45 PM", "2025-01-31 13:45"),
     ("31 Jan 2025", "2025-01-31"), ("31-Jan-2025", "2025-01-31"), ("20250131", "2025-01-31")],
)
def test_date_formats(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(f'record_id,created_date\nA1,"{text}"\nA2,"{text}"\n', encoding="utf-8")
    assert load_exports([path]).frame["created_date"].tolist() == [pd.Timestamp(expected)] * 2


def test_day_first_dates_when_only_that_reading_parses(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("record_id,created_date\nA1,05/01/2025\nA2,31/01/2025\n", encoding="utf-8")
    assert load_exports([path]).frame["created_date"].tolist() == [pd.Timestamp("2025-01-05"),
                                                                   pd.Timestamp("2025-01-31")]


def test_amount_formats(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text('record_id,created_date,amount\nA,2025-01-01,"1,234,000"\nB,2025-01-01,"¥1,234,000"\n'
                    'C,2025-01-01,"$12,000.00"\nD,2025-01-01,１２３\nE,2025-01-01,\n', encoding="utf-8")
    amounts = load_exports([path]).frame["amount"].tolist()
    assert amounts[:4] == [1_234_000.0, 1_234_000.0, 12_000.0, 123.0]
    assert pd.isna(amounts[4])


def test_xlsx_upload(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Lead ID", "Created Date", "Amount", "Lead Status"])
    sheet.append([1001, datetime(2025, 1, 5, 9, 30), 1200.0, "Qualified"])
    sheet.append([1002, datetime(2025, 1, 6), None, "Open - Not Contacted"])
    workbook.save(tmp_path / "leads.xlsx")
    loaded = load_exports([tmp_path / "leads.xlsx"])
    assert loaded.frame["record_id"].tolist() == ["1001", "1002"]
    assert loaded.frame["created_date"].tolist() == [pd.Timestamp("2025-01-05 09:30"), pd.Timestamp("2025-01-06")]
    assert loaded.frame["reached_sql"].tolist() == [True, False]
    assert loaded.files[0].encoding == "xlsx"


def test_tab_separated_export(tmp_path: Path) -> None:
    path = tmp_path / "leads.tsv"
    path.write_text("Lead ID\tCreated Date\nA\t2025-01-05\nB\t2025-01-06\n", encoding="utf-8")
    assert load_exports([path]).rows == 2


def test_status_values_imply_stage_reach(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Record ID,Create Date,Lifecycle Stage\n1,2025-01-01,salesqualifiedlead\n"
                    "2,2025-01-01,customer\n3,2025-01-01,subscriber\n", encoding="utf-8")
    frame = load_exports([path]).frame
    assert frame["reached_sql"].tolist() == [True, True, False]
    assert frame["reached_mql"].tolist() == [True, True, False]
    assert frame["reached_won"].tolist() == [False, True, False]


def test_map_override_and_mapping_report(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Lead Number,Signup,Deal Value\nA,2025-01-05,100\n", encoding="utf-8")
    overrides = parse_mapping_overrides(["record_id=Lead Number", "created_date=Signup", "amount=Deal Value"], None)
    loaded = load_exports([path], overrides=overrides)
    assert loaded.mapping == {"record_id": "Lead Number", "created_date": "Signup", "amount": "Deal Value"}
    assert loaded.files[0].mapping == {"record_id": "Lead Number", "created_date": "Signup", "amount": "Deal Value"}


def test_mapping_file_and_command_line_precedence(tmp_path: Path) -> None:
    mapping_file = tmp_path / "map.json"
    mapping_file.write_text('{"record_id": "Lead Number", "amount": "Value"}', encoding="utf-8")
    assert parse_mapping_overrides(["amount=Deal Value"], mapping_file) == {
        "record_id": "Lead Number", "amount": "Deal Value"}


def test_two_canonical_files_are_concatenated_and_duplicates_counted(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("record_id,created_date\nA,2025-01-01\nB,2025-01-02\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("record_id,created_date\nB,2025-01-02\nC,2025-01-03\n", encoding="utf-8")
    loaded = load_exports([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert loaded.frame["record_id"].tolist() == ["A", "B", "C"]
    assert [(i.code, i.rows) for i in loaded.data_quality] == [("duplicate_id", 1)]
