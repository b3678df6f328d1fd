"""Partial uploads in the chat and the metric layer: only what the upload observes, said so in one line.

Fixtures are issue 13's failure classes (tests/data/corpus/classes): an undated lead list with a
converted flag, MQLs plus won deals, an opportunity-only pipeline. Every expected figure is
computed here from the raw files with plain pandas; the extra dimensions (the upload's own category
columns) are broken down, filtered and ranked in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from assistant.chat.conversation import Conversation, answer_question
from assistant.settings import Settings
from tools.diagnosis import diagnose
from tools.ingest.loading import load_exports
from tools.metric_layer import MetricQuery, NotObservedError, run_query
from tools.report import render_diagnosis_text

pytestmark = pytest.mark.slow
CLASSES = Path(__file__).parent / "data" / "corpus" / "classes"
OFFLINE = Settings(llm="offline")
#: a rate as the chat prints it
PCT = re.compile(r"\d+\.\d%")


def raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def undated():  # noqa: ANN201
    path = CLASSES / "undated_leads" / "leads.csv"
    return load_exports([path]), raw(path)


@pytest.fixture(scope="module")
def mql_won():  # noqa: ANN201
    folder = CLASSES / "mql_closed_deals"
    return load_exports(sorted(folder.glob("*.csv"))), raw(folder / "marketing_qualified_leads.csv"), \
        raw(folder / "closed_deals.csv")


@pytest.fixture(scope="module")
def opportunities():  # noqa: ANN201
    folder = CLASSES / "opportunity_only"
    return load_exports(sorted(folder.glob("*.csv"))), raw(folder / "sales_pipeline.csv")


def rates_by(frame: pd.DataFrame, column: str, hit: pd.Series) -> dict[str, float]:
    return hit.groupby(frame[column]).mean().to_dict()


def _ask(question: str, data) -> str:  # noqa: ANN001
    answer = answer_question(question, data, settings=OFFLINE)
    assert answer.grounding.ungrounded == [], answer.answer
    return answer.answer


# --- the undated lead list with a converted flag ---------------------------------------------------------------

@pytest.mark.parametrize("question", ["What is the conversion rate by lead source?", "リードソース別の転換率は？"])
def test_conversion_by_source_is_lead_to_opportunity_only(undated, question: str) -> None:  # noqa: ANN001
    loaded, leads = undated
    text = _ask(question, loaded)
    converted = leads["Converted"] == "1"
    for source, rate in rates_by(leads, "Lead Source", converted).items():
        assert f"{source}: {rate * 100:.1f}%" in text
    # no stage-to-stage rate implied by a later stage, no 0% won: every printed rate is a Lead → Opportunity one
    printed = set(PCT.findall(text))
    expected = {f"{r * 100:.1f}%" for r in rates_by(leads, "Lead Source", converted).values()}
    assert printed == expected | {f"{converted.mean() * 100:.1f}%"}
    assert "100.0%" not in text and "0.0%" not in text
    assert ("MQL" in text and "SQL" in text) if question.isascii() else ("MQL、SQL" in text)  # said in one line
    assert ("Deal outcomes are not complete" in text) if question.isascii() else ("受注・失注" in text)


@pytest.mark.parametrize("question, header", [
    ("conversion by lead origin", "Lead Origin"),
    ("What's the conversion rate by specialization?", "Specialization"),
    ("Lead Origin別のコンバージョン率", "Lead Origin"),
    ("Last Activity別の転換率を教えて", "Last Activity"),
])
def test_extra_dimensions_break_down_by_their_own_header(undated, question: str, header: str) -> None:  # noqa: ANN001
    loaded, leads = undated
    text = _ask(question, loaded)
    assert header in text
    converted = leads["Converted"] == "1"
    for value, rate in rates_by(leads, header, converted).items():
        assert f"{value}: {rate * 100:.1f}%" in text


@pytest.mark.parametrize("question", ["Which last activity converts best?", "どのLast Activityが一番転換率が高い？"])
def test_ranking_an_extra_dimension_names_the_best_group(undated, question: str) -> None:  # noqa: ANN001
    loaded, leads = undated
    text = _ask(question, loaded)
    converted = leads["Converted"] == "1"
    sizes = leads["Last Activity"].value_counts()
    rates = {k: v for k, v in rates_by(leads, "Last Activity", converted).items() if sizes[k] >= 30}
    best = max(rates, key=lambda k: rates[k])
    assert f"{best}: {rates[best] * 100:.1f}%" in text.splitlines()[1]  # listed first


def test_a_filter_by_an_extra_dimension_value(undated) -> None:  # noqa: ANN001
    loaded, leads = undated
    text = _ask("What is the conversion rate for Lead Add Form leads?", loaded)
    mask = leads["Lead Origin"] == "Lead Add Form"
    rate = (leads.loc[mask, "Converted"] == "1").mean()
    assert f"{rate * 100:.1f}%" in text.splitlines()[0] and "Lead Add Form" in text.splitlines()[0]


@pytest.mark.parametrize("question, words", [
    ("What is our win rate?", "Deal outcomes are not complete"), ("受注率は？", "受注・失注"),
    ("How many MQLs do we have?", "does not observe the MQL stage"), ("MQLは何件？", "MQLの段階を示す列がない"),
])
def test_what_the_upload_cannot_give_is_said_never_guessed(undated, question: str, words: str) -> None:  # noqa: ANN001
    text = _ask(question, undated[0])
    assert words in text and not PCT.search(text) and not re.search(r"\b0\b", text.split("\n\n")[0])


@pytest.mark.parametrize("question", ["Where is the funnel leaking?", "ファネルのどこに問題がある？"])
def test_the_leak_question_on_an_undated_upload_gives_the_snapshot(undated, question: str) -> None:  # noqa: ANN001
    loaded, leads = undated
    text = _ask(question, loaded)
    assert "No material problem" not in text and "問題は見つかりません" not in text
    assert ("Trends cannot be judged" in text) if question.isascii() else ("推移や悪化は判断できません" in text)
    converted = leads["Converted"] == "1"
    assert f"{converted.mean() * 100:.1f}%" in text
    # the widest spread among the upload's dimensions (groups of 30 or more) is named, highest and lowest
    spreads = {}
    for column in ("Lead Source", "Lead Origin", "Last Activity", "Specialization", "Last Notable Activity"):
        sizes = leads[column].value_counts()
        rates = {k: v for k, v in rates_by(leads, column, converted).items() if sizes[k] >= 30}
        spreads[column] = (max(rates, key=lambda k: rates[k]), min(rates, key=lambda k: rates[k]),
                           max(rates.values()) - min(rates.values()), rates)
    widest = max(spreads, key=lambda c: spreads[c][2])
    high, low, _, rates = spreads[widest]
    line = next(line for line in text.splitlines() if f"{high} {rates[high] * 100:.1f}%" in line)
    assert f"{low} {rates[low] * 100:.1f}%" in line


def test_the_text_report_of_an_undated_upload_says_snapshot_not_as_of(undated) -> None:  # noqa: ANN001
    text = render_diagnosis_text(diagnose(undated[0]))
    assert "undated snapshot" in text.splitlines()[0] and "As of" not in text
    assert "no lever deteriorated" not in text and "Open pipeline: —" in text
    assert "日付のないスナップショット" in render_diagnosis_text(diagnose(undated[0]), "ja").splitlines()[0]


def test_the_metric_layer_refuses_unobserved_stages_and_notes_spanning_ones(undated) -> None:  # noqa: ANN001
    loaded, leads = undated
    for metric in ("mqls", "mql_to_sql", "won_deals", "win_rate", "opportunity_to_won"):
        with pytest.raises(NotObservedError):
            run_query(loaded, MetricQuery(metric))
    result = run_query(loaded, MetricQuery("lead_to_opportunity", by="x_lead_origin"))
    assert result.total.value == pytest.approx((leads["Converted"] == "1").mean())
    assert {n.code: n.detail for n in result.notes}["unobserved_between"] == "mql,sql"
    assert result.labels == {"x_lead_origin": "Lead Origin"}
    with pytest.raises(NotObservedError):
        run_query(loaded, MetricQuery("leads", by="quarter"))  # no dates: no trend


# --- MQLs and won deals: no win rate, MQL → Won ------------------------------------------------------------------

def test_mqls_with_won_deals_give_mql_to_won_and_no_win_rate(mql_won) -> None:  # noqa: ANN001
    loaded, mqls, closed = mql_won
    won = mqls["mql_id"].isin(closed["mql_id"])
    text = _ask("What is the conversion rate by lead source?", loaded)
    for origin, rate in rates_by(mqls, "origin", won).items():
        assert f"{origin}: {rate * 100:.1f}%" in text
    assert "MQL → Won" in text and "SQL and Opportunity" in text
    text = _ask("What is our win rate?", loaded)
    assert "lost deals" in text and not PCT.search(text)
    assert f"Won deals (whole upload): {int(won.sum())}." in _ask("How many deals did we win?", loaded)


# --- opportunity-only: conversion from the opportunity stage, by its own product column -----------------------

def test_opportunity_only_converts_from_opportunities_by_product(opportunities) -> None:  # noqa: ANN001
    loaded, pipeline = opportunities
    text = _ask("conversion by product", loaded)
    won = pipeline["deal_stage"] == "Won"
    for product, rate in rates_by(pipeline, "product", won).items():
        assert f"{product}: {rate * 100:.1f}%" in text
    assert "Lead → MQL" not in text and "リード" not in text


def test_a_follow_up_on_an_extra_dimension_keeps_the_observed_conversion(undated) -> None:  # noqa: ANN001
    loaded, leads = undated
    conversation = Conversation(data=loaded, settings=OFFLINE)
    conversation.ask("What is the conversion rate by lead source?")
    text = conversation.ask("and by lead origin?").answer
    converted = leads["Converted"] == "1"
    for origin, rate in rates_by(leads, "Lead Origin", converted).items():
        assert f"{origin}: {rate * 100:.1f}%" in text


def test_an_opportunity_only_volume_drop_is_worded_as_opportunities(tmp_path: Path) -> None:
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("lead_volume_decline", seed=1).frame
    opp = frame[frame["opportunity_date"].notna()]
    stage = opp["won_date"].notna().map({True: "Closed Won", False: "Open"})
    stage[opp["lost_date"].notna()] = "Closed Lost"
    export = pd.DataFrame({"Opportunity ID": opp["record_id"], "Created Date": opp["opportunity_date"].dt.date,
                           "Stage": stage, "Close Date": opp["won_date"].fillna(opp["lost_date"]).dt.date,
                           "Amount": opp["amount"]})
    export.to_csv(tmp_path / "opportunities.csv", index=False)
    loaded = load_exports([tmp_path / "opportunities.csv"])
    diagnosis = diagnose(loaded)
    volume = next(f for f in diagnosis.findings if f.code == "lead_volume_decline")
    assert volume.summary.startswith("New opportunities fell")
    report = render_diagnosis_text(diagnosis)
    assert "New opportunities" in report and "  Lead volume   " not in report
    assert "新規商談数" in render_diagnosis_text(diagnosis, "ja")
    text = answer_question("Where is the funnel leaking?", loaded, settings=OFFLINE, diagnosis=diagnosis).answer
    assert "New opportunities per period fell" in text and "New leads" not in text
