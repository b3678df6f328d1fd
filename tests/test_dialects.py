"""Header synonyms, dialect detection and value normalisation (tools/dialects.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tools.ingest.dialects import map_values, match_headers, normalise_name, phase_of, segment_of, yes_no_of


def test_normalise_name_folds_case_spaces_punctuation_and_full_width() -> None:
    assert normalise_name("Lead ID") == normalise_name("lead_id") == normalise_name("ＬＥＡＤ　ＩＤ") == "leadid"
    assert normalise_name("MQL化日") == "mql化日"


def test_hubspot_contact_headers() -> None:
    mapping = match_headers(["Record ID", "Create Date", "Became a Marketing Qualified Lead Date",
                             "Lifecycle Stage", "Original Source", "Contact owner"])
    assert mapping.dialect == "hubspot_contacts"
    assert mapping.role == "leads"
    assert mapping.columns == {"record_id": "Record ID", "created_date": "Create Date",
                               "mql_date": "Became a Marketing Qualified Lead Date", "status": "Lifecycle Stage",
                               "lead_source": "Original Source", "owner": "Contact owner"}


def test_hubspot_deal_headers_are_an_opportunity_file() -> None:
    mapping = match_headers(["Deal ID", "Deal Stage", "Amount", "Close Date", "Create Date",
                             "Associated Contact IDs"])
    assert (mapping.dialect, mapping.role) == ("hubspot_deals", "opportunities")
    assert mapping.columns["opportunity_id"] == "Deal ID"
    assert mapping.columns["contact_id"] == "Associated Contact IDs"


def test_salesforce_pair_headers() -> None:
    leads = match_headers(["Lead ID", "Lead Status", "Created Date", "Converted Date", "Converted Opportunity ID"])
    opps = match_headers(["Opportunity ID", "Stage", "Amount", "Close Date", "Created Date"])
    assert (leads.dialect, leads.role) == ("salesforce_leads", "leads")
    assert leads.columns["opportunity_date"] == "Converted Date"
    assert (opps.dialect, opps.role) == ("salesforce_opportunities", "opportunities")


def test_japanese_headers() -> None:
    mapping = match_headers(["リードID", "作成日", "MQL化日", "SQL化日", "商談化日", "受注日", "失注日", "金額",
                             "リードソース", "企業規模", "業種", "従業員数", "担当者", "解約日", "フェーズ", "初回接触日"])
    assert mapping.dialect == "japanese"
    assert set(mapping.columns) == {"record_id", "created_date", "mql_date", "sql_date", "opportunity_date",
                                    "won_date", "lost_date", "amount", "lead_source", "segment", "industry",
                                    "employee_count", "owner", "churn_date", "stage", "first_touch_date"}
    assert mapping.role == "leads"  # has stage dates, so one row per lead


def test_canonical_headers() -> None:
    mapping = match_headers(["record_id", "created_date", "won_date", "phase"])
    assert (mapping.dialect, mapping.role) == ("canonical", "leads")


def test_override_takes_a_column_away_from_its_synonym() -> None:
    mapping = match_headers(["Id", "Lead Number", "Created"], {"record_id": "Lead Number"})
    assert mapping.columns["record_id"] == "Lead Number"
    assert "Id" not in mapping.columns.values()


@pytest.mark.parametrize(
    ("value", "phase"),
    [("closedwon", "won"), ("Closed Won", "won"), ("受注", "won"), ("失注", "lost"), ("Closed Lost", "lost"),
     ("appointmentscheduled", "prospecting"), ("Engaging", "engaging"), ("Proposal/Price Quote", "proposal"),
     ("Negotiation/Review", "negotiation"), ("Commit", "commit"), ("提案", "proposal"), ("交渉", "negotiation"),
     ("marketingqualifiedlead", "mql"), ("Working - Contacted", "mql"), ("Qualified", "sql"),
     ("customer", "won"), ("Open - Not Contacted", "lead"), ("ＷＯＮ", "won")],
)
def test_phase_values(value: str, phase: str) -> None:
    assert phase_of(value) == phase


def test_unknown_phase_is_none() -> None:
    assert phase_of("banana") is None


@pytest.mark.parametrize(
    ("value", "label"),
    [("中小企業", "SMB"), ("smb", "SMB"), ("中堅企業", "Mid-Market"), ("mid market", "Mid-Market"),
     ("大企業", "Enterprise"), ("ENTERPRISE", "Enterprise"), ("Public Sector", "Public Sector")],
)
def test_segment_values(value: str, label: str) -> None:
    assert segment_of(value) == label


@pytest.mark.parametrize(
    ("value", "answer"),
    [("はい", "yes"), ("いいえ", "no"), ("true", "yes"), ("FALSE", "no"), ("1", "yes"), ("0", "no"),
     ("Y", "yes"), ("n", "no"), ("maybe", None)],
)
def test_yes_no_values(value: str, answer: str | None) -> None:
    assert yes_no_of(value) == answer


def test_map_values_converts_each_distinct_value_once() -> None:
    calls: list[str] = []

    def convert(value: str) -> str:
        calls.append(value)
        return value.upper()

    out = map_values(pa.array(["a", "b", "a", None, "a"]), convert)
    assert out.to_pylist() == ["A", "B", "A", None, "A"]
    assert sorted(calls) == ["a", "b"]
