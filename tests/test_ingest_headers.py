"""Header matching that generalises: names, stems, vendor prefixes, value kinds, roles."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tools.ingest.dialects import match_headers
from tools.ingest.headers import candidates, header_stem, normalise_name
from tools.ingest.kinds import fits
from tools.ingest.roles import classify


@pytest.mark.parametrize(
    ("variant", "plain"),
    [("初回接触日時", "初回接触日"), ("初回接触日付", "初回接触日"), ("Created At", "Created Date"), ("CreatedDate", "Created Date"),
     ("created_on", "Created Date"), ("Created Date (JST)", "Created Date"), ("ＣＲＥＡＴＥＤ　ＤＡＴＥ", "Created Date"),
     ("Deal - Won time", "Won Date"), ("MQL化日時", "MQL化日"), ("first_contact_datetime", "First Contact Date")],
)
def test_suffixes_case_spacing_and_width_meet_on_one_stem(variant: str, plain: str) -> None:
    assert header_stem(variant) == header_stem(plain)


def test_normalised_names_fold_case_spacing_punctuation_and_full_width() -> None:
    assert normalise_name("Lead ID") == normalise_name("lead_id") == normalise_name("ＬＥＡＤ　ＩＤ") == "leadid"


@pytest.mark.parametrize(
    ("header", "key"),
    [("初回接触日時", "first_touch_date"), ("Date of first engagement", "first_touch_date"),
     ("Became a Marketing Qualified Lead Date", "mql_date"), ("マーケティング・クオリファイド・リードになった日", "mql_date"),
     ("Deal - Deal created", "created_date"), ("Created Time", "created_date"), ("(Do Not Modify) Lead", "record_id"),
     ("ConvertedOpportunityId", "converted_opportunity_id"), ("取引開始済み商談 ID", "converted_opportunity_id"),
     ("StageName", "stage"), ("Pipeline Phase", "stage"), ("リード状況", "status"), ("Status Reason", "status"),
     ("Closing Date", "close_date"), ("Est. Revenue", "amount"), ("close_value", "amount"), ("レコード番号", "record_id"),
     ("sales_agent", "owner"), ("OwnerId", "owner"), ("AccountId", "account"), ("mql_id", "record_id")],
)
def test_vendor_headers_find_their_key(header: str, key: str) -> None:
    assert candidates(header)[0].key == key


def test_values_decide_between_keys_one_header_may_mean() -> None:
    flags = pa.table({"Won": ["TRUE", "FALSE", "TRUE"]})
    times = pa.table({"Won": ["2025-01-05 10:00", "", "2025-02-01 09:00"]})
    assert match_headers(["Won"], sample=flags).columns == {"won_flag": "Won"}
    assert match_headers(["Won"], sample=times).columns == {"won_date": "Won"}


def test_a_date_header_over_free_text_is_not_a_date() -> None:
    sample = pa.table({"Lead ID": ["A", "B"], "Created": ["2025-01-01", "2025-01-02"],
                       "Created Time": ["morning", "evening"]})
    mapping = match_headers(["Lead ID", "Created", "Created Time"], sample=sample)
    assert mapping.columns["created_date"] == "Created"
    assert mapping.unused == ["Created Time"]


def test_a_plain_header_keeps_its_key_when_no_other_fits_so_validation_can_say_why() -> None:
    sample = pa.table({"record_id": ["A", "B"], "amount": ["lots", "tbd"]})
    assert match_headers(["record_id", "amount"], sample=sample).columns["amount"] == "amount"


@pytest.mark.parametrize(
    ("kind", "values", "fit"),
    [("date", ["2025-01-05", "20250106", "45663"], True), ("date", ["soon", "later", "2025-01-01"], False),
     ("number", ["¥1,234", "$12.50", "１２３"], True), ("flag", ["はい", "いいえ", "1", "0"], True),
     ("flag", ["2025-01-01", "x"], False), ("date", [None, None], True)],
)
def test_value_kinds(kind: str, values: list[str | None], fit: bool) -> None:
    assert fits(kind, pa.array(values, pa.string())) is fit


@pytest.mark.parametrize(
    ("headers", "values", "role"),
    [(["LeadId", "Stage", "CreatedDate"], ["New", "Working", "Qualified", "Disqualified"], "leads"),
     (["opportunity_id", "deal_stage", "engage_date"], ["Prospecting", "Won", "Lost"], "opportunities"),
     (["Record ID", "Deal Stage", "Amount"], ["closedwon", "appointmentscheduled"], "opportunities"),
     (["account", "sector", "employees", "revenue"], None, "accounts"),
     (["sales_agent", "manager", "regional_office"], None, "owners"),
     (["Id", "Name", "UserRole", "Department", "IsActive"], None, "owners"),
     (["product", "series", "sales_price"], None, "unknown"),
     (["period", "metric", "target"], None, "targets"),
     (["Prospect ID", "Lead Source", "Converted"], None, "leads")],
)
def test_roles_from_headers_and_values(headers: list[str], values: list[str] | None, role: str) -> None:
    sample = None
    if values is not None:
        stage = headers[1]
        sample = pa.table({h: pa.array(values if h == stage else [None] * len(values), pa.string()) for h in headers})
    mapping = match_headers(headers, sample=sample)
    assert mapping.role == role
    assert classify("x.csv", headers, mapping.columns, sample).role == role
