"""The memo from the typed diagnosis of planted scenarios (fast: no charts, no PDF).

Truth comes from the plants (``tools.demo.scenarios``) and from the diagnosis the memo is given;
expectations are computed here from those values, never copied from a memo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

from assistant.chat.grounding import check_grounding
from assistant.memo.actions import POLICY_NUMBERS
from assistant.memo.build import build_memo, write_memo
from assistant.memo.context import software_version
from assistant.memo.model import Memo, Paragraph, Table
from assistant.memo.render.markdown import render_markdown
from tests.memo_lint import body_text, data_names, english_in_japanese, p_values, raw_keys
from tools.dataset import LoadedData, from_canonical
from tools.demo.scenarios import generate_scenario
from tools.diagnosis import Diagnosis, diagnose
from tools.errors import RevOpsInputError
from tools.revenue.bridge import BridgeComponent, RevenueBridge, RevenueWindow
from tools.revenue.bridge_noise import NoiseVerdict
from tools.revenue.variation import RevenueVariation
from tools.wording import OWNER_NAMES, finding_title, format_money, format_percent

TODAY = dt.date(2026, 11, 1)


@dataclasses.dataclass
class Case:
    data: LoadedData
    targets: Any
    diagnosis: Diagnosis

    def memo(self, lang: str = "en", **kwargs: Any) -> Memo:
        kwargs.setdefault("today", TODAY)
        kwargs.setdefault("knowledge", None)
        return build_memo(self.data, self.targets, lang, diagnosis=self.diagnosis, charts=False, **kwargs)


def _case(cause: str) -> Case:
    scenario = generate_scenario(cause, seed=0)  # type: ignore[arg-type]
    data = from_canonical(scenario.frame)
    return Case(data, scenario.targets, diagnose(data, targets=scenario.targets))


@pytest.fixture(scope="module")
def giveaway() -> Case:
    """Volume KPIs green, revenue down: the Giveaway Campaign added on top (the demo's story)."""
    return _case("kpi_green_revenue_flat")


@pytest.fixture(scope="module")
def follow_up() -> Case:
    return _case("slow_follow_up")


@pytest.fixture(scope="module")
def healthy() -> Case:
    return _case("healthy")


def grounding_sources(memo: Memo) -> list[Any]:
    """Everything a memo number may come from: the recorded tool calls (arguments and results),
    the playbook's policy constants, the memo date and the software version."""
    sources: list[Any] = [call.result for call in memo.tool_calls] + [call.args for call in memo.tool_calls]
    return sources + sorted(POLICY_NUMBERS) + [memo.date, software_version()]


def test_sections_in_reading_order(giveaway: Case) -> None:
    memo = giveaway.memo()
    # the engine's revenue bridge (SPEC §9.1) comes right after the plan
    assert [s.key for s in memo.sections] == ["brief", "plan", "bridge", "funnel", "bottleneck", "findings", "appendix"]
    assert [s.key for s in memo.section("brief").subsections] == ["brief-causes", "brief-actions", "brief-kpi"]
    assert [s.key for s in memo.section("appendix").subsections] == [
        "appendix-evidence", "appendix-method", "appendix-mapping", "appendix-quality", "appendix-tools",
        "appendix-sources", "appendix-version"]
    assert memo.section("plan").page_break and memo.section("appendix").page_break


def test_headline_states_the_revenue_change_with_its_windows(giveaway: Case) -> None:
    metrics = giveaway.diagnosis.metrics
    before, after = metrics["won_revenue_baseline"], metrics["won_revenue_current"]
    fall = format_percent(1 - after / before, "en", 0)
    headline = giveaway.memo().section("brief").blocks[0].text  # type: ignore[union-attr]
    assert headline.startswith(f"Won revenue fell {fall} in ")
    assert format_money(after, "en") in headline and format_money(before, "en") in headline
    current = giveaway.diagnosis.periods.current
    assert current is not None and current.label[:7] in headline
    assert "Giveaway Campaign" in headline  # why: the mix moved to the planted source


def test_brief_has_three_actions_with_owner_step_kpi_and_effect(giveaway: Case) -> None:
    table = giveaway.memo().section("brief-actions").blocks[0]
    assert isinstance(table, Table) and len(table.rows) == 3
    owners = set(OWNER_NAMES["en"].values())
    for owner, step, kpi, effect in table.rows:
        assert owner in owners and len(step) > 20 and len(kpi) > 5 and effect


def test_mix_driven_fall_is_not_sold_as_a_restorable_rate(giveaway: Case) -> None:
    """The rate fell because the Giveaway Campaign was added on top: cutting it restores the rate,
    not revenue, and the only figure given is conditional on replacing its leads."""
    lead = next(f for f in giveaway.diagnosis.findings if f.code == "lead_quality_decline")
    assert lead.segment == ("lead_source", "Giveaway Campaign")
    table = giveaway.memo().section("brief-actions").blocks[0]
    assert isinstance(table, Table)
    effect = next(row[3] for row in table.rows if "Giveaway Campaign" in row[1])
    # the revenue bridge sizes the mix effect: worth something only if the mix returns
    assert "if the mix returns" in effect and "alone adds nothing" in effect
    bottleneck = giveaway.memo().section_text("bottleneck")
    assert "the mix moved to lead source 'Giveaway Campaign'" in bottleneck
    assert "returns to its baseline" not in bottleneck  # the blended-rate counterfactual is not offered


def test_a_lever_that_fell_on_its_own_is_worth_its_restore_value(follow_up: Case) -> None:
    bottleneck = follow_up.diagnosis.bottleneck
    assert bottleneck.lever == "mql_to_sql" and bottleneck.revenue_impact
    text = follow_up.memo().section_text("bottleneck")
    assert "+" + format_money(bottleneck.revenue_impact, "en") in text
    assert "returns to its baseline" in text and "everything else at today's level" in text


def test_every_number_is_grounded_in_tool_output(giveaway: Case, follow_up: Case) -> None:
    for case in (giveaway, follow_up):
        for lang in ("en", "ja"):
            memo = case.memo(lang)
            report = check_grounding(memo.plain_text(), grounding_sources(memo))
            assert report.numbers > 60
            assert report.ungrounded == [], (lang, report.ungrounded)


def test_grounding_check_catches_an_invented_number(giveaway: Case) -> None:
    memo = giveaway.memo()
    report = check_grounding(memo.plain_text() + "\nRevenue will grow 37.9% next year.", grounding_sources(memo))
    assert report.ungrounded == ["37.9%"]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_body_has_no_raw_keys_no_p_values_and_speaks_the_memo_language(giveaway: Case, follow_up: Case,
                                                                        lang: str) -> None:
    for case in (giveaway, follow_up):
        body = body_text(case.memo(lang))
        assert raw_keys(body) == []
        assert p_values(body) == []
        if lang == "ja":
            assert english_in_japanese(body, data_names(case.data)) == []


def test_the_lint_catches_what_it_looks_for() -> None:
    assert raw_keys("attainment — won_revenue 1") == ["won_revenue"]
    assert p_values("overall — p-value < 0.001") == ["p-value"]
    assert english_in_japanese("当期 mix test は 2026-Q3", {"Giveaway"}) == ["mix", "test"]


def test_p_values_move_to_the_appendix_in_words(giveaway: Case) -> None:
    memo = giveaway.memo()
    assert "clearly beyond normal month-to-month noise" in body_text(memo)
    assert "< 0.001" in memo.section_text("appendix-evidence")


def test_windows_are_named_where_figures_are(giveaway: Case) -> None:
    """A rate measured on cohorts names the cohort windows; the evidence table says which window
    each comparison uses (leads by creation window, conversion by cohort)."""
    memo = giveaway.memo()
    lead = next(f for f in giveaway.diagnosis.findings if f.code == "lead_quality_decline")
    cohort_current = lead.evidence["current_window"]
    assert f"against {cohort_current}" in memo.section_text("brief-causes")
    table = memo.section("appendix-evidence-1").blocks[-2]
    assert isinstance(table, Table)
    windows = {row[0]: row[1] for row in table.rows}
    assert windows["SQL → Opportunity conversion"].endswith(cohort_current)
    assert windows["New leads from the other sources"].endswith("2026-08..10")


def test_currency_and_japanese_units(giveaway: Case) -> None:
    r1 = giveaway.diagnosis.metrics["won_revenue_current"]
    assert format_money(r1, "en", "JPY") in giveaway.memo(currency="JPY").section_text("brief")
    ja = giveaway.memo("ja", currency="JPY").section_text("brief")
    assert format_money(r1, "ja", "JPY") in ja and ("億円" in ja or "万円" in ja)
    assert "¥" not in giveaway.memo().section_text("brief")  # no currency known: no guessed symbol


def test_japanese_memo_is_japanese(giveaway: Case) -> None:
    memo = giveaway.memo("ja")
    assert memo.title == "売上改善メモ"
    assert finding_title("lead_quality_decline", "ja") in memo.plain_text()
    assert "マーケティング" in memo.brief_text()
    assert "Lead growth came from" not in memo.plain_text()  # English engine prose stays out
    assert "30日以内" in memo.plain_text()


def test_healthy_funnel_memo(healthy: Case) -> None:
    assert healthy.diagnosis.bottleneck.lever is None
    brief = healthy.memo().brief_text()
    assert "No lever deteriorated beyond normal noise" in brief
    assert "No single lever holds revenue back" in healthy.memo().section_text("bottleneck")


def test_same_input_same_memo_except_the_date(giveaway: Case) -> None:
    first = giveaway.memo(today=dt.date(2024, 7, 1)).plain_text().splitlines()
    second = giveaway.memo(today=dt.date(2025, 1, 2)).plain_text().splitlines()
    assert [a for a, b in zip(first, second, strict=True) if a != b] == [first[1]]


def test_appendix_has_mapping_quality_tools_hash_and_version(giveaway: Case) -> None:
    memo = giveaway.memo()
    text = memo.plain_text()
    assert "record_id | record_id" in text
    assert "No data-quality warnings." in text
    assert "diagnose" in memo.section_text("appendix-tools")
    assert giveaway.data.input_hash in text and software_version() in text


def test_playbook_titles_are_cited_when_the_knowledge_base_lists_them(giveaway: Case) -> None:
    class Doc:
        def __init__(self, topic: str, title: str) -> None:
            self.topic, self.title, self.lang, self.source = topic, title, "en", f"knowledge/docs/en/{topic}.md"

    class FakeKnowledge:
        def list_documents(self) -> list[Doc]:
            return [Doc("lead-stages", "Lead stages (ours)"), Doc("kpi-design", "KPI design (ours)")]

    memo = giveaway.memo(knowledge=FakeKnowledge())
    assert "Lead stages (ours)" in memo.section_text("findings")
    assert "knowledge/docs/en/kpi-design.md" in memo.section_text("appendix-sources")


def test_uploaded_markup_prints_as_text(giveaway: Case) -> None:
    frame = giveaway.data.frame.copy()
    hostile = "[click](http://evil.example) <b>x</b> *y*"
    frame["lead_source"] = frame["lead_source"].astype(str).replace("Giveaway Campaign", hostile)
    data = from_canonical(frame)
    diagnosis = diagnose(data, targets=giveaway.targets)
    memo = build_memo(data, giveaway.targets, diagnosis=diagnosis, knowledge=None, charts=False, today=TODAY)
    assert hostile in memo.brief_text()
    markdown = render_markdown(memo)
    assert not re.search(r"(?<!\\)\]\(http", markdown) and not re.search(r"(?<!\\)<b", markdown)
    # tools/safe_text: brackets escaped, a word joiner (U+2060) after the scheme, <> as entities
    assert "\\[click\\](http\u2060://evil.example) &lt;b&gt;x&lt;/b&gt; \\*y\\*" in markdown


def test_a_memo_from_the_conversation_lists_questions_answers_and_what_ifs(giveaway: Case) -> None:
    @dataclasses.dataclass
    class Call:
        name: str
        args: dict[str, Any]

    @dataclasses.dataclass
    class Reply:
        answer: str
        tool_calls: list[Call]

    @dataclasses.dataclass
    class Turn:
        question: str
        answer: Reply

    turns = [
        Turn("Why is revenue flat?", Reply("Because the Giveaway Campaign converts poorly. More below.", [])),
        Turn("What if MQL to SQL rose 20%?", Reply("Revenue would rise.", [Call("what_if", {"lever": "mql_to_sql",
                                                                                          "change_pct": 20})])),
        Turn("And deal size -5%?", Reply("Revenue would fall.", [Call("what_if", {"lever": "deal_size", "change": -0.05}),
                                                                  Call("search_playbook", {"query": "x"})])),
    ]
    memo = giveaway.memo(conversation=turns)
    assert [s.key for s in memo.sections][:3] == ["brief", "plan", "conversation"]
    text = memo.section_text("conversation")
    assert "Why is revenue flat? → Because the Giveaway Campaign converts poorly." in text
    reruns = {c.args["lever"]: c for c in memo.tool_calls if c.name == "what_if" and c.args["lever"] != "sql_to_opportunity"}
    assert reruns["mql_to_sql"].args["change"] == pytest.approx(0.2)  # the chat's percent, as a fraction
    assert reruns["deal_size"].args["change"] == pytest.approx(-0.05)
    assert "+20%" in text and "-5%" in text
    assert format_money(reruns["mql_to_sql"].result["revenue_change"], "en") in text
    assert check_grounding(memo.plain_text(), grounding_sources(memo)).ungrounded == []


def test_bad_requests_are_clear(giveaway: Case, tmp_path: Any) -> None:
    with pytest.raises(RevOpsInputError, match="unknown memo format '.txt'"):
        write_memo(giveaway.data, tmp_path / "memo.txt")
    with pytest.raises(RevOpsInputError, match="unknown language 'fr'"):
        giveaway.memo("fr")
    with pytest.raises(TypeError, match="typed Diagnosis"):
        build_memo(giveaway.data, diagnosis=giveaway.diagnosis.to_dict(), knowledge=None)  # type: ignore[arg-type]


def test_japanese_pdf_lines_fit_and_keep_numbers_whole() -> None:
    from assistant.memo.render.pdf import FAMILY, MemoPDF

    memo = Memo(lang="ja", title="t", date="d", header=[], sections=[])
    pdf = MemoPDF(memo)
    pdf.set_font(FAMILY, "", 9.5)
    text = "フェーズの標準滞留期間を超えた商談は受注に至りにくく、売上予測も歪めます。売上は四半期あたり+15,193,518変化します（151,935,183→167,128,702）。"
    lines = pdf.wrap_lines(text * 3, 60)
    assert "".join(lines) == text * 3
    assert all(pdf.get_string_width(line) <= 60 for line in lines)
    assert not any(line[0] in "、。）ー" for line in lines[1:])
    assert all(n in "\n".join(lines) for n in ("+15,193,518", "151,935,183", "167,128,702"))


def _bridge_case(giveaway: Case, parts: list[BridgeComponent], noise: dict[Any, NoiseVerdict],
                 variation_p: float | None = None) -> Case:
    """The giveaway case with a hand-built bridge over its own windows: ``parts`` (the lead volume
    takes the rest of the change), each driver's test in ``noise``, and optionally the change's
    own test against its month-to-month variation."""
    metrics = giveaway.diagnosis.metrics
    before, after = metrics["won_revenue_baseline"], metrics["won_revenue_current"]
    volume = (after - before) - sum(p.amount for p in parts)
    periods = giveaway.diagnosis.periods
    assert periods.baseline is not None and periods.current is not None
    variation = None if variation_p is None else RevenueVariation(24, 1.0, abs(after - before), -1.0, variation_p,
                                                                    after / before - 1, 100)
    bridge = RevenueBridge(
        baseline=RevenueWindow(periods.baseline, before),
        current=RevenueWindow(periods.current, after),
        parts=[BridgeComponent("lead_volume", volume), *parts],
        residual=0.0,
        variation=variation,
        noise={("lead_volume", None, None): NoiseVerdict("poisson z", 0.4, 1.0, 1000, 1000), **noise},
    )
    return Case(giveaway.data, giveaway.targets, dataclasses.replace(giveaway.diagnosis, revenue_bridge=bridge))


def _verdict(p_value: float, change: float = -1.0) -> NoiseVerdict:
    return NoiseVerdict("a test", p_value, change, 500, 500, family=8)


def test_a_revenue_bridge_drives_the_headline_and_the_mix_effect(giveaway: Case) -> None:
    """When the diagnosis carries a revenue bridge (SPEC §9.1) the headline and the mix-driven
    effect come from it: here a bridge built from the case's own windows with a known mix component
    beyond noise; the first cause (the Giveaway mix) is the same cause, so "because" joins them."""
    metrics = giveaway.diagnosis.metrics
    mix = -0.8 * (metrics["won_revenue_baseline"] - metrics["won_revenue_current"])
    case = _bridge_case(giveaway, [BridgeComponent("mix", mix, "lead_source", "Giveaway Campaign")],
                        {("mix", "lead_source", None): _verdict(1e-6)})
    memo = case.memo()
    headline = memo.section("brief").blocks[0].text  # type: ignore[union-attr]
    assert ("the largest component beyond noise was the lead source mix, mostly lead source 'Giveaway Campaign' ("
            + format_money(mix, "en") + "), mainly because ") in headline
    assert "Giveaway Campaign" in headline.split("mainly because")[1]
    table = memo.section("brief-actions").blocks[0]
    assert isinstance(table, Table)
    effect = next(row[3] for row in table.rows if "Giveaway Campaign" in row[1])
    assert effect.startswith("About +" + format_money(-mix, "en"))
    assert [s.key for s in memo.sections][2] == "bridge"
    bridge = case.diagnosis.revenue_bridge
    assert bridge is not None
    assert check_grounding(memo.plain_text(), [*grounding_sources(memo), bridge.to_dict()]).ungrounded == []


def test_a_headline_names_no_driver_when_none_stands_out_and_says_the_usual_variation_first(giveaway: Case) -> None:
    # the same large mix component, but its own test does not rule out chance, and the change as
    # a whole is within its month-to-month variation
    metrics = giveaway.diagnosis.metrics
    mix = -0.8 * (metrics["won_revenue_baseline"] - metrics["won_revenue_current"])
    case = _bridge_case(giveaway, [BridgeComponent("mix", mix, "lead_source", "Giveaway Campaign")],
                        {("mix", "lead_source", None): _verdict(0.2)}, variation_p=0.4)
    for lang, usual, none in (("en", "within its usual month-to-month variation",
                               "no component of the revenue bridge stands out from noise"),
                              ("ja", "通常の月ごとの揺れの範囲内", "どの要因も通常の揺れを超えていません")):
        headline = case.memo(lang).section("brief").blocks[0].text  # type: ignore[union-attr]
        assert usual in headline and none in headline, headline
        assert headline.index(usual) < headline.index(none)
        assert format_money(mix, lang) not in headline  # a component within noise is no driver
        assert "because" not in headline and "主な原因" not in headline
    memo = case.memo()
    bridge_text = " ".join(b.text for b in memo.section("bridge").blocks if isinstance(b, Paragraph))
    assert "No component stands out from the noise of the data behind it." in bridge_text


def test_a_driver_that_is_not_the_first_cause_is_stated_apart_from_it(giveaway: Case) -> None:
    # the bridge's driver beyond noise is Enterprise's win rate; the diagnosis's first cause is the
    # Giveaway mix on SQL -> opportunity: two causes, so no "because" joins them
    metrics = giveaway.diagnosis.metrics
    fall = -0.7 * (metrics["won_revenue_baseline"] - metrics["won_revenue_current"])
    case = _bridge_case(giveaway, [BridgeComponent("opportunity_to_won", fall, "segment", "Enterprise")],
                        {("opportunity_to_won", None, None): _verdict(1e-5),
                         ("opportunity_to_won", "segment", "Enterprise"): _verdict(1e-5)}, variation_p=0.4)
    headline = case.memo().section("brief").blocks[0].text  # type: ignore[union-attr]
    driver = "the largest component beyond noise was Opportunity → Won in segment 'Enterprise' (" + format_money(fall, "en")
    assert driver in headline
    assert "because" not in headline
    assert ". Separately, what holds revenue back going forward: " in headline
    assert "Giveaway Campaign" in headline.split("Separately")[1]
    ja = case.memo("ja").section("brief").blocks[0].text  # type: ignore[union-attr]
    assert "これとは別に、今後の売上を抑えている制約は" in ja and "主な原因" not in ja
