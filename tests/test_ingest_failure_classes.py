"""Issue 13's failure classes, each on a fixture of that shape (tests/data/corpus/classes, see PROVENANCE.md).

Every expectation is computed here from the raw files with plain pandas, independently of the
loader: stage counts, win rates, join counts, the dimensions the lookups fill.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tools.demo.scenarios import generate_scenario
from tools.diagnosis import diagnose
from tools.ingest.loading import load_exports
from tools.report import render_diagnosis_text
from tools.schema import STAGES

CLASSES = Path(__file__).parent / "data" / "corpus" / "classes"


def raw(path: Path, **kwargs: object) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], **kwargs)  # type: ignore[arg-type]


def reach(loaded) -> dict[str, int]:  # noqa: ANN001
    return {s: int(loaded.frame[f"reached_{s}"].sum()) for s in STAGES}


def roles(loaded) -> dict[str, str]:  # noqa: ANN001
    return {f.name: f.role for f in loaded.report.files}


# --- 1. opportunity-only pipeline without a lead-created date, with lookup tables -------------------------

def test_opportunity_only_pipeline_with_lookups() -> None:
    folder = CLASSES / "opportunity_only"
    loaded = load_exports(sorted(folder.glob("*.csv")))
    pipeline, accounts, teams = (raw(folder / n) for n in ("sales_pipeline.csv", "accounts.csv", "sales_teams.csv"))
    assert roles(loaded) == {"accounts.csv": "accounts", "products.csv": "unknown", "sales_pipeline.csv": "opportunities",
                             "sales_teams.csv": "owners"}
    won, lost = (int((pipeline["deal_stage"] == s).sum()) for s in ("Won", "Lost"))
    assert loaded.rows == len(pipeline)  # lookups and the product list are never records
    assert reach(loaded)["opportunity"] == len(pipeline) and reach(loaded)["won"] == won
    assert int(loaded.frame["is_lost"].sum()) == lost
    assert loaded.capabilities.funnel_start == "opportunity"
    # the opportunity's own date is its start; deals without one (Prospecting) are kept, undated
    frame = loaded.frame.set_index("record_id")
    engaged = pipeline.set_index("opportunity_id")["engage_date"]
    assert frame.loc[engaged.index, "created_date"].isna().tolist() == engaged.isna().tolist()
    assert frame.loc[engaged.dropna().index, "created_date"].tolist() == pd.to_datetime(engaged.dropna()).tolist()
    # joins, with the counts of distinct keys found and not found
    keys = pipeline["account"].dropna().str.casefold().unique()
    matched = int(pd.Series(keys).isin(accounts["account"].str.casefold()).sum())
    joins = {j.right: (j.on, j.matched, j.unmatched, j.kind) for j in loaded.report.joins}
    assert joins["accounts.csv"] == (("account", "account"), matched, len(keys) - matched, "lookup")
    assert joins["sales_teams.csv"] == (("sales_agent", "sales_agent"), pipeline["sales_agent"].nunique(), 0, "lookup")
    # lookups fill dimensions: the account's sector, the agent's regional office
    sector = pipeline["account"].map(accounts.set_index("account")["sector"])
    industry = frame.loc[pipeline["opportunity_id"], "industry"]
    assert industry.isna().tolist() == sector.isna().tolist()
    assert industry.dropna().tolist() == sector.dropna().tolist()
    office = pipeline["sales_agent"].map(teams.set_index("sales_agent")["regional_office"])
    assert frame.loc[pipeline["opportunity_id"], "region"].tolist() == office.tolist()
    unused = {f.name: f.unused_columns for f in loaded.report.files}
    assert unused["sales_pipeline.csv"] == [] and unused["sales_teams.csv"] == ["manager"]
    # the product (six values) is kept as an extra dimension of the pipeline, under its own header
    extra = {e.label: e for e in loaded.report.extra_dimensions}
    assert list(extra) == ["product"] and extra["product"].values == pipeline["product"].nunique()
    assert frame.loc[pipeline["opportunity_id"], extra["product"].name].tolist() == pipeline["product"].tolist()
    diagnosis = diagnose(loaded)
    assert diagnosis.metrics["win_rate"] == pytest.approx(won / (won + lost))
    assert diagnosis.to_dict()["load"]["capabilities"]["funnel_start"] == "opportunity"


# --- 2. an MQL list + a closed-deals file keyed by the same MQL id ------------------------------------------

def test_mql_list_joined_to_closed_deals_on_the_shared_id() -> None:
    folder = CLASSES / "mql_closed_deals"
    loaded = load_exports([folder / "marketing_qualified_leads.csv", folder / "closed_deals.csv"])
    mqls, deals = raw(folder / "marketing_qualified_leads.csv"), raw(folder / "closed_deals.csv")
    assert roles(loaded) == {"marketing_qualified_leads.csv": "leads", "closed_deals.csv": "opportunities"}
    won = int(deals["mql_id"].isin(mqls["mql_id"]).sum())
    assert reach(loaded) == {"lead": len(mqls), "mql": len(mqls), "sql": won, "opportunity": won, "won": won}
    assert [(j.left, j.right, j.on, j.matched, j.unmatched) for j in loaded.report.joins] == [
        ("closed_deals.csv", "marketing_qualified_leads.csv", ("mql_id", "mql_id"), won, len(deals) - won)]
    # the list starts at MQL, on its only date (first contact = the day the lead came in, not a follow-up)
    caps = loaded.capabilities
    assert caps.funnel_start == "mql" and caps.unobserved_stages == ["sql", "opportunity"]
    assert "first_touch_date" not in loaded.frame
    assert loaded.frame["created_date"].tolist() == pd.to_datetime(mqls["first_contact_date"]).tolist()
    won_dates = deals.set_index("mql_id")["won_date"]
    frame = loaded.frame.set_index("record_id")
    assert frame.loc[won_dates.index, "won_date"].tolist() == pd.to_datetime(won_dates).tolist()
    # only won deals are in the data: a win rate would be 100% by construction, so there is none
    assert not caps.win_rate and caps.missing["win_rate"].startswith("needs lost deals as well as won ones")
    diagnosis = diagnose(loaded)
    assert diagnosis.metrics["win_rate"] is None
    # the MQL list ends months before the last won date: the analysis date is the list's end, not a
    # quarter of "no new leads" that would read as a collapse in lead volume
    assert diagnosis.as_of == pd.to_datetime(mqls["first_contact_date"]).max()
    assert "lead_volume_decline" not in [f.code for f in diagnosis.findings]


# --- 3. leads + opportunities with their own vocabulary ------------------------------------------------------

def test_leads_and_opportunities_with_their_own_stage_words_and_date_formats() -> None:
    folder = CLASSES / "own_vocabulary"
    loaded = load_exports([folder / "leads.csv", folder / "opportunities.csv"])
    leads, opps = raw(folder / "leads.csv"), raw(folder / "opportunities.csv")
    opps = opps.loc[:, [c for c in opps.columns if not c.startswith("Unnamed")]]
    assert roles(loaded) == {"leads.csv": "leads", "opportunities.csv": "opportunities"}
    converted = leads["ConvertedOpportunityId"].notna()
    mql_words, sql_words = {"Working", "Gatekeeper", "Decision Maker"}, {"Qualified", "Scheduled"}
    accepted = opps["IsAccepted"] == "TRUE"
    decided = opps["AcceptedDecisionDate"].notna()
    won, lost = int(accepted.sum()), int((~accepted & decided).sum())
    assert reach(loaded) == {
        "lead": len(leads),
        "mql": int((leads["Stage"].isin(mql_words | sql_words) | converted).sum()),
        "sql": int((leads["Stage"].isin(sql_words) | converted).sum()),
        "opportunity": int(converted.sum()),
        "won": won,
    }
    assert int(loaded.frame["is_lost"].sum()) == lost
    assert [(j.on, j.matched, j.unmatched) for j in loaded.report.joins] == [
        (("ConvertedOpportunityId", "OpportunityId"), int(converted.sum()), 0)]
    # nothing dropped as "duplicate ids", nothing unreadable; the leads end before the last decisions
    last_lead = pd.to_datetime(leads["CreatedDate"], format="%Y%m%d").max()
    last_decision = pd.to_datetime(opps["AcceptedDecisionDate"], format="%m/%d/%Y").max()
    assert [(i.code, i.message) for i in loaded.data_quality] == [
        ("leads_end_early", f"the leads end on {last_lead.date()} while other dates run to {last_decision.date()}; "
         f"the diagnosis is as of {last_lead.date()}, because new leads after it are not in the data")]
    frame = loaded.frame.set_index("record_id")
    assert frame.loc[leads["LeadId"], "created_date"].tolist() == pd.to_datetime(leads["CreatedDate"],
                                                                                 format="%Y%m%d").tolist()
    opp_created = pd.to_datetime(opps.set_index("OpportunityId")["CreatedDate"], format="%m/%d/%Y")
    by_opp = loaded.frame.dropna(subset=["opportunity_date"]).set_index(
        leads.set_index("LeadId").loc[loaded.frame.dropna(subset=["opportunity_date"])["record_id"],
                                      "ConvertedOpportunityId"].to_numpy())
    assert by_opp.loc[opp_created.index, "opportunity_date"].tolist() == opp_created.tolist()
    files = {f.name: f for f in loaded.report.files}
    assert files["leads.csv"].unused_columns == []  # the reason is a category: an extra dimension
    assert [(e.label, e.values) for e in loaded.report.extra_dimensions] == [
        ("DisqualifiedReason", leads["DisqualifiedReason"].nunique())]
    assert files["opportunities.csv"].unused_columns == []  # the trailing empty column is not a column
    assert diagnose(loaded).metrics["win_rate"] == pytest.approx(won / (won + lost))


# --- 4. a lead list with no date column at all ----------------------------------------------------------------

def test_undated_lead_list_loads_as_a_snapshot_with_conversion_by_source() -> None:
    path = CLASSES / "undated_leads" / "leads.csv"
    loaded = load_exports([path])
    leads = raw(path)
    converted = leads["Converted"] == "1"
    assert reach(loaded)["lead"] == len(leads) and reach(loaded)["opportunity"] == int(converted.sum())
    caps = loaded.capabilities
    assert (caps.trends, caps.win_rate) == (False, False)
    assert caps.unobserved_stages == ["mql", "sql", "won"]
    from tools.funnel import funnel_summary

    by_source = funnel_summary(loaded, by="lead_source")["groups"]
    measured = {g["key"]["lead_source"]: next(s["count"] for s in g["stages"] if s["stage"] == "opportunity")
                / next(s["count"] for s in g["stages"] if s["stage"] == "lead") for g in by_source}
    expected = converted.groupby(leads["Lead Source"]).mean().to_dict()
    assert measured == pytest.approx(expected)
    # its own categories are extra dimensions (numbers, ids and one-value columns stay unused)
    extras = {e.label: e.name for e in loaded.report.extra_dimensions}
    assert {"Lead Origin", "Last Activity", "Specialization", "Do Not Email"} <= set(extras)
    assert loaded.report.files[0].unused_columns == ["Lead Number", "Do Not Call", "TotalVisits",
                                                     "Total Time Spent on Website", "Page Views Per Visit"]
    frame = loaded.frame.set_index("record_id")
    assert frame.loc[leads["Prospect ID"], extras["Lead Origin"]].tolist() == leads["Lead Origin"].tolist()
    diagnosis = diagnose(loaded)  # no dates: no windows, no trend findings, no crash
    assert diagnosis.periods.current is None and diagnosis.metrics["win_rate"] is None
    text = render_diagnosis_text(diagnosis)
    assert "Lead → Opportunity" in text and f"{converted.mean():.1%}" in text
    assert "trends over time: needs dated records" in text


# --- 5. header variants: 初回接触日時 next to 初回接触日, date-only MQL dates --------------------------------------

def _japanese_export(frame: pd.DataFrame, mql_format: str) -> pd.DataFrame:
    def fmt(column: str, pattern: str) -> pd.Series:
        return frame[column].dt.strftime(pattern).fillna("")

    return pd.DataFrame({
        "リードID": frame["record_id"], "作成日時": fmt("created_date", "%Y/%m/%d %H:%M"),
        "MQL化日": fmt("mql_date", mql_format), "初回接触日時": fmt("first_touch_date", "%Y/%m/%d %H:%M"),
        "SQL化日": fmt("sql_date", "%Y/%m/%d"), "商談化日": fmt("opportunity_date", "%Y/%m/%d"),
        "受注日": fmt("won_date", "%Y/%m/%d"), "失注日": fmt("lost_date", "%Y/%m/%d"),
        "金額": frame["amount"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}"),
        "リードソース": frame["lead_source"], "企業規模": frame["segment"], "担当者": frame["owner"],
    })


@pytest.fixture(scope="module")
def slow_follow_up() -> pd.DataFrame:
    return generate_scenario("slow_follow_up", seed=1).frame


def test_first_contact_date_time_header_is_recognised_and_slow_follow_up_found(tmp_path: Path,
                                                                             slow_follow_up: pd.DataFrame) -> None:
    path = tmp_path / "リード.csv"
    _japanese_export(slow_follow_up, "%Y/%m/%d %H:%M").to_csv(path, index=False, encoding="cp932")
    loaded = load_exports([path])
    assert loaded.files[0].mapping["first_touch_date"] == "初回接触日時"
    expected = (slow_follow_up["first_touch_date"] - slow_follow_up["mql_date"]).dt.total_seconds() / 3600
    measured = (loaded.frame["first_touch_date"] - loaded.frame["mql_date"]).dt.total_seconds() / 3600
    assert measured.median() == pytest.approx(expected.median(), abs=2 / 60)  # the export keeps whole minutes
    diagnosis = diagnose(loaded)
    assert "slow_follow_up" in [f.code for f in diagnosis.findings]
    assert not [i for i in loaded.data_quality if i.code == "follow_up_from_midnight"]


def test_date_only_mql_dates_make_follow_up_carry_a_note(tmp_path: Path, slow_follow_up: pd.DataFrame) -> None:
    path = tmp_path / "リード.csv"
    _japanese_export(slow_follow_up, "%Y/%m/%d").to_csv(path, index=False, encoding="cp932")
    loaded = load_exports([path])
    note = next(i for i in loaded.data_quality if i.code == "follow_up_from_midnight")
    assert note.message == ("follow-up measured from midnight: 'MQL化日' in リード.csv has dates without a time of "
                            "day, so follow-up hours read longer than they were")
    assert note.rows == int(slow_follow_up["first_touch_date"].notna().sum())
    assert loaded.capabilities.notes == [note.message]
    assert note.message in render_diagnosis_text(diagnose(loaded))


def test_a_single_opportunity_file_whose_starts_end_early_is_diagnosed_as_of_its_last_start(tmp_path: Path) -> None:
    """An opportunity report filtered on its start date still holds later close dates: new
    opportunities after the last start are unknown, not zero, so no volume collapse is reported."""
    days = pd.date_range("2016-01-01", "2017-12-31", freq="D")
    rows = []
    for i in range(3000):
        start = days[(i * 7919) % len(days)]
        stage = ("Won", "Lost", "Engaging")[i % 3]
        close = "" if stage == "Engaging" else (start + pd.Timedelta(days=20 + i % 50)).date().isoformat()
        rows.append({"opportunity_id": f"O{i:05d}", "deal_stage": stage, "engage_date": start.date().isoformat(),
                     "close_date": close, "close_value": 1000 + i if stage == "Won" else ""})
    path = tmp_path / "pipeline.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    last_start = pd.to_datetime(pd.DataFrame(rows)["engage_date"]).max()
    last_close = pd.to_datetime(pd.DataFrame(rows)["close_date"].replace("", None)).max()
    assert last_close - last_start > pd.Timedelta(days=31)  # the shape under test

    loaded = load_exports([path])
    diagnosis = diagnose(loaded)
    assert diagnosis.as_of == last_start.normalize()
    notes = {i.code: i.message for i in loaded.data_quality}
    assert notes["leads_end_early"].startswith(f"the opportunities end on {last_start.date()}")  # no leads here
    assert "lead_volume_decline" not in [f.code for f in diagnosis.findings]
