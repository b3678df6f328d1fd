"""A lead/contact export and a deal/opportunity export of each CRM load with no mapping.

Fixtures: tests/data/corpus/vendors/<system>/ (see PROVENANCE.md), written in each vendor's export
header format, English and Japanese. The expected counts come from the raw files and a small
vocabulary written here (what each system's own words mean), not from the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tools.ingest.loading import load_exports

VENDORS = Path(__file__).parent / "data" / "corpus" / "vendors"


@dataclass(frozen=True)
class Export:
    """One vendor's pair of files and how to read its truth from the raw columns."""

    folder: str
    leads: str
    deals: str
    encoding: str
    lead_id: str
    created: str
    deal_id: str
    outcome: str  # the deals column that says won / lost
    won: tuple[str, ...]
    lost: tuple[str, ...]
    joined: bool  # the files carry a key that links deals to leads
    dialect: str


EXPORTS = [
    Export("salesforce", "Lead.csv", "Opportunity.csv", "utf-8", "Id", "CreatedDate", "Id", "StageName",
           ("Closed Won",), ("Closed Lost",), True, "salesforce"),
    Export("salesforce_ja", "リード.csv", "商談.csv", "cp932", "リード ID", "作成日", "商談 ID", "フェーズ", ("成立",),
           ("不成立",), True, "salesforce"),
    Export("hubspot", "contacts.csv", "deals.csv", "utf-8-sig", "Record ID", "Create Date", "Record ID", "Deal Stage",
           ("closedwon",), ("closedlost",), True, "hubspot"),
    Export("hubspot_ja", "コンタクト.csv", "取引.csv", "utf-8-sig", "レコードID", "作成日", "レコードID", "取引ステージ",
           ("受注",), ("失注",), True, "hubspot"),
    Export("pipedrive", "people.csv", "deals.csv", "utf-8", "Person - ID", "Person - Person created", "Deal - ID",
           "Deal - Status", ("won",), ("lost",), False, "pipedrive"),
    Export("zoho", "Leads.csv", "Deals.csv", "utf-8", "Record Id", "Created Time", "Record Id", "Stage", ("Closed Won",),
           ("Closed Lost", "Closed-Lost to Competition"), False, "zoho"),
    Export("zoho_ja", "リード.csv", "商談.csv", "utf-8", "レコードID", "作成日時", "レコードID", "ステージ", ("受注",),
           ("失注",), False, "zoho"),
    Export("dynamics", "Leads.csv", "Opportunities.csv", "utf-8", "(Do Not Modify) Lead", "Created On",
           "(Do Not Modify) Opportunity", "Status", ("Won",), ("Lost",), False, "dynamics"),
    Export("dynamics_ja", "リード.csv", "営業案件.csv", "utf-8-sig", "(変更しないでください) リード", "作成日",
           "(変更しないでください) 営業案件", "ステータス", ("受注",), ("失注",), False, "dynamics"),
    Export("marketo", "people.csv", "opportunities.csv", "utf-8", "Id", "Created At", "Opportunity ID", "Stage",
           ("Closed Won",), ("Closed Lost",), True, "marketo"),
    Export("kintone", "リード管理.csv", "案件管理.csv", "cp932", "レコード番号", "作成日時", "レコード番号", "ステータス",
           ("受注",), ("失注",), True, "kintone"),
]
IDS = [e.folder for e in EXPORTS]


def raw(export: Export, name: str) -> pd.DataFrame:
    return pd.read_csv(VENDORS / export.folder / name, dtype=str, keep_default_na=False, na_values=[""],
                       encoding=export.encoding)


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_lead_export_loads_with_no_mapping(export: Export) -> None:
    leads = raw(export, export.leads)
    loaded = load_exports([VENDORS / export.folder / export.leads])
    (report,) = loaded.report.files
    assert (report.role, report.dialect) == ("leads", f"{export.dialect}_{'contacts' if export.dialect == 'hubspot' else 'leads'}")
    assert report.mapping["record_id"] == export.lead_id and report.mapping["created_date"] == export.created
    assert loaded.frame["record_id"].tolist() == leads[export.lead_id].tolist()
    created = pd.to_datetime(leads[export.created], format="mixed", utc=True).dt.tz_localize(None)
    assert loaded.frame["created_date"].tolist() == created.tolist()
    assert loaded.report.plausibility.plausible


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_deal_export_loads_with_no_mapping(export: Export) -> None:
    deals = raw(export, export.deals)
    loaded = load_exports([VENDORS / export.folder / export.deals])
    (report,) = loaded.report.files
    deal_word = {"hubspot": "deals", "salesforce": "opportunities", "dynamics": "opportunities"}.get(
        export.dialect, "deals")
    assert (report.role, report.dialect) == ("opportunities", f"{export.dialect}_{deal_word}")
    assert report.mapping["opportunity_id"] == export.deal_id
    won = int(deals[export.outcome].isin(export.won).sum())
    lost = int(deals[export.outcome].isin(export.lost).sum())
    frame = loaded.frame
    assert (len(frame), int(frame["reached_won"].sum()), int(frame["is_lost"].sum())) == (len(deals), won, lost)
    assert int(frame["reached_opportunity"].sum()) == len(deals)
    assert loaded.capabilities.funnel_start == "opportunity" and loaded.capabilities.win_rate


@pytest.mark.parametrize("export", EXPORTS, ids=IDS)
def test_the_pair_loads_together(export: Export) -> None:
    leads, deals = raw(export, export.leads), raw(export, export.deals)
    loaded = load_exports([VENDORS / export.folder / export.leads, VENDORS / export.folder / export.deals])
    won = int(deals[export.outcome].isin(export.won).sum())
    assert int(loaded.frame["reached_won"].sum()) == won
    if export.joined:
        (join,) = loaded.report.joins
        assert (join.matched, join.unmatched) == (len(deals), 0)
        assert loaded.rows == len(leads)  # each deal joined onto its lead
        assert loaded.dialect == export.dialect
    else:
        # no key links them in these exports: the deals are kept as their own records, and said so
        assert loaded.report.joins == []
        assert loaded.rows == len(leads) + len(deals)
        assert [i.code for i in loaded.data_quality] == ["opportunities_not_joined"]
