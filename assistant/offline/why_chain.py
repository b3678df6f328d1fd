""""Why is that?" goes one level deeper each time it is asked, never the same answer twice.

After a revenue change, a diagnosis or the flagship answer the chain is:

1. the largest driver (the revenue bridge's, else the bottleneck), how much of the change it is,
   and where it sits: the driver's metric by the dimension that localises it, before and now;
2. the finding that owns it, where it is localised and which team owns the fix;
3. the playbook's reason, and what to change;
4. the end of what the data can say, and what to look at on the ground instead.

After a metric ("why is our win rate low?"), level 1 is the metric's own explanation (``compose``),
2 where it is lowest (the metric by each dimension) with the findings about it, 3 the playbook.
``plan_*`` run the tools (planner side), ``compose_*`` word their typed results.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from assistant.chat.question import Route
from assistant.chat.tools.playbook import passage_record
from assistant.chat.tools.runtime import ToolRecord, ToolRuntime
from assistant.offline.actions import actions_for
from assistant.offline.compose_findings import bottleneck_line, driver_name, finding_line
from assistant.offline.compose_metrics import comparison_lines, metric_name, period_text
from assistant.offline.words import Words
from tools.bottleneck_revenue import bottleneck_owns_driver
from tools.diagnosis import Diagnosis
from tools.errors import RevOpsInputError
from tools.findings.model import Finding
from tools.metric_layer import METRICS, MetricQuery, MetricResult, PeriodSpec, named_window
from tools.wording import capitalised

#: the metric that measures a lever or bridge driver
LEVER_METRIC = {"lead_to_mql": "lead_to_mql", "mql_to_sql": "mql_to_sql", "sql_to_opportunity": "sql_to_opportunity",
                "opportunity_to_won": "win_rate", "deal_size": "average_deal_size",
                "cycle_time": "median_cycle_days", "lead_volume": "leads", "retention": "churn_rate", "mix": "leads"}
#: the findings that explain a lever that is not a transition
LEVER_FINDINGS = {"deal_size": ("deal_size_drop", "mix_shift"), "cycle_time": ("cycle_time_increase", "stalled_pipeline"),
                  "lead_volume": ("lead_volume_decline",), "retention": ("churn_increase",),
                  "mix": ("mix_shift", "lead_quality_decline", "kpi_green_revenue_flat")}
#: what to look at once the data has said all it can (one per further "why?")
ON_THE_GROUND = (
    ("how the leads behind it were qualified and scored, deal by deal", "そのリードがどう評価・選別されたかを案件ごとに"),
    ("what the reps who worked these deals say: lost reasons and call notes", "担当した営業の声（失注理由や商談メモ）を"),
    ("whether the targets and incentives reward this behaviour", "目標やインセンティブがこの行動を評価していないかを"),
)
ROWS = 8


@dataclass(frozen=True)
class Driver:
    """What moved revenue most: a bridge driver or the bottleneck lever, and where it sits."""

    lever: str
    amount: float | None
    where: tuple[str, str] | None
    baseline: float | None
    current: float | None
    from_bridge: bool
    dimension: str | None = None

    @property
    def driver(self) -> str:
        """The bridge's name for the lever (``compose_findings.driver_name`` reads a component)."""
        return self.lever

    @property
    def value(self) -> str | None:
        return self.where[1] if self.where else None


def largest_driver(diagnosis: Diagnosis) -> Driver | None:
    """The bridge's largest driver (issue 14) when the diagnosis has a bridge, else the bottleneck."""
    bottleneck = diagnosis.bottleneck
    bridge = getattr(diagnosis, "revenue_bridge", None)
    top = bridge.largest_driver() if bridge is not None else None
    if top is not None:
        lever = next((c for c in bottleneck.levers if c.lever == top.driver), None)
        where = (top.dimension, top.value) if top.dimension and top.value else None
        return Driver(top.driver, top.amount, where, lever.baseline if lever else None,
                      lever.current if lever else None, True, top.dimension)
    chosen = bottleneck.chosen
    if bottleneck.lever is None or chosen is None:
        return None
    return Driver(bottleneck.lever, bottleneck.revenue_impact, chosen.segment or chosen.mix_driver, chosen.baseline,
                  chosen.current, False)


def owning_finding(diagnosis: Diagnosis, driver: Driver | None) -> Finding | None:
    """The finding that explains ``driver`` (same transition and slice first), else the top finding."""
    findings = [f for f in diagnosis.findings_by_severity() if f.severity != "info"]
    if driver is None:
        return findings[0] if findings else None
    codes = LEVER_FINDINGS.get(driver.lever, ())
    ranked = sorted(findings, key=lambda f: (
        not (f.transition == driver.lever or f.code in codes),
        not (driver.where is not None and f.segment == driver.where),
        f.code == "kpi_green_revenue_flat"))  # the flagship finding summarises; the detector's explains
    match = [f for f in ranked if f.transition == driver.lever or f.code in codes]
    return match[0] if match else (findings[0] if findings else None)


def _where_dimension(driver: Driver | None, finding: Finding | None) -> str | None:
    if driver is not None and driver.where:
        return driver.where[0]
    if driver is not None and driver.lever == "mix" and driver.dimension:
        return driver.dimension
    if finding is not None and finding.segment:
        return finding.segment[0]
    dimension = finding.evidence.get("dimension") if finding is not None else None
    return dimension if isinstance(dimension, str) else None


def _windows(finding: Finding | None) -> tuple[PeriodSpec, PeriodSpec]:
    """The finding's own current and baseline windows when it names them, else the diagnosis's."""
    labels = [finding.evidence.get(k) if finding is not None else None for k in ("current_window", "baseline_window")]
    try:
        for label in labels:
            named_window(str(label))
    except (RevOpsInputError, ValueError):
        return PeriodSpec("current"), PeriodSpec("baseline")
    return PeriodSpec("named", str(labels[0])), PeriodSpec("named", str(labels[1]))


# --- planner side ------------------------------------------------------------------------------


def plan_cause_chain(route: Route, ctx: ToolRuntime) -> None:
    """The tools of one level of the cause chain after a revenue change or a diagnosis."""
    seg = route.segment
    record = ctx.diagnose_funnel(seg.dimension, seg.value) if seg else ctx.diagnose_funnel()
    if not record.ok or not isinstance(record.result, Diagnosis):
        return
    diagnosis = record.result
    driver = largest_driver(diagnosis)
    finding = owning_finding(diagnosis, driver)
    filters = ((seg.dimension, seg.value),) if seg else ()
    if route.depth == 1 and driver is not None:
        dimension = _where_dimension(driver, finding)
        metric = LEVER_METRIC.get(driver.lever)
        if metric and dimension and not (seg and seg.dimension == dimension):
            counts = METRICS[metric].kind == "count"  # counts compare windows of the same length
            for period in (PeriodSpec("current"), PeriodSpec("baseline")) if counts else _windows(finding):
                ctx.query_metric(MetricQuery(metric, by=dimension, filters=filters, period=period))
    elif route.depth == 2 and finding is not None:
        if finding.segment and finding.code in ("lead_quality_decline", "mix_shift", "kpi_green_revenue_flat"):
            ctx.query_metric(MetricQuery("leads", filters=(*filters, finding.segment), compare="baseline"))
        passage_record(ctx, finding.playbook_topics[0], route.lang)
    elif route.depth == 3 and finding is not None:
        topic = finding.playbook_topics[1] if len(finding.playbook_topics) > 1 else finding.playbook_topics[0]
        passage_record(ctx, topic, route.lang, sentences=3)


def plan_metric_chain(route: Route, ctx: ToolRuntime, topic: str) -> None:
    """Level 2+ after a metric's "why": where it is lowest, the findings, then the playbook ``topic``."""
    query = route.queries[0] if route.queries else None
    if query is None:
        return
    if route.depth == 2:
        for dimension in _split_dimensions(ctx, query):
            ctx.query_metric(replace(query, by=dimension, rank="bottom", compare=None, limit=None))
        ctx.diagnose_funnel()
    elif route.depth == 3:
        passage_record(ctx, topic, route.lang, sentences=3)
        ctx.diagnose_funnel()


def _split_dimensions(ctx: ToolRuntime, query: MetricQuery) -> list[str]:
    filtered = {d for d, _ in query.filters}
    have: list[str] = [d for d in ("segment", "lead_source", "owner") if d in ctx.vocabulary().values]
    return [d for d in have if d not in filtered][:2]


# --- composer side -----------------------------------------------------------------------------


def _results(records: list[ToolRecord], name: str) -> list[Any]:
    return [r.result for r in records if r.name == name and r.ok]


def _passages(records: list[ToolRecord], w: Words) -> list[str]:
    return [f"{w.t('Playbook', 'プレイブック')} [{p.topic}]: {p.excerpt}" for p in _results(records, "playbook_passage")]


def compose_cause_chain(route: Route, records: list[ToolRecord], w: Words) -> tuple[list[str], list[str]]:
    """The lines of one level of the cause chain and the finding codes they report."""
    diagnosis = next(iter(_results(records, "diagnose_funnel")), None)
    if not isinstance(diagnosis, Diagnosis):
        return [w.t("The data could not be diagnosed.", "診断できませんでした。")], []
    driver = largest_driver(diagnosis)
    finding = owning_finding(diagnosis, driver)
    codes = [finding.code] if finding is not None else []
    if route.depth == 1:
        return _level_driver(diagnosis, driver, finding, records, w), codes
    if route.depth == 2 and finding is not None:
        return _level_finding(diagnosis, driver, finding, records, w), codes
    if route.depth == 3 and finding is not None:
        lines = [w.t("The playbook's reason:", "プレイブックによる理由:"), *_passages(records, w)]
        advice = actions_for([finding.code], w.lang)
        owner = w.owner(finding.owner)
        if advice:
            lines += ["", w.t(f"What to change (owner: {owner}):", f"打ち手（担当: {owner}）:"), *(f"- {a}" for a in advice)]
        return lines, codes
    chain = [w.t("revenue change", "売上の変化"), *([driver_label(driver, w)] if driver else []),
             *([w.finding(finding.code)] if finding else [])]
    return _level_end(route, chain, w), codes


def _level_driver(diagnosis: Diagnosis, driver: Driver | None, finding: Finding | None, records: list[ToolRecord],
                  w: Words) -> list[str]:
    if driver is None:
        lines = [w.t("No single driver of revenue stands out: no lever moved it significantly.",
                     "売上を動かした目立った要因はありません。有意に動いたレバーがないためです。")]
        if finding is not None:
            lines += [w.t("The strongest finding of the diagnosis:", "診断で最も重要な検出事項:"), finding_line(finding, w)]
        return lines
    lines = [w.t("One level deeper: the largest driver.", "一段深掘り: 最大の要因")]
    where = ""  # driver_name says where the driver sits
    bridge = diagnosis.revenue_bridge
    if driver.from_bridge and driver.amount is not None and bridge is not None:
        sign = "+" if driver.amount >= 0 else "-"
        before, after = w.period(bridge.baseline.label), w.period(bridge.current.label)
        lines.append(w.t(f"Of the revenue change from {before} to {after}, the largest driver beyond noise "
                         f"is {driver_label(driver, w)}{where}: {sign}{w.money(abs(driver.amount))}.",
                         f"{before}から{after}への売上の変化のうち、揺れを超える最大の要因は"
                         f"{driver_label(driver, w)}{where}で {sign}{w.money(abs(driver.amount))} です。"))
        if driver.baseline is not None and driver.current is not None:
            lines.append(w.t(f"{w.lever(driver.lever)}: {w.lever_value(driver.lever, driver.baseline)} in the baseline "
                             f"period vs {w.lever_value(driver.lever, driver.current)} now.",
                             f"{w.lever(driver.lever)}: 比較期間 {w.lever_value(driver.lever, driver.baseline)} → 今期 "
                             f"{w.lever_value(driver.lever, driver.current)}。"))
    if not driver.from_bridge or not _bottleneck_is_driver(diagnosis):
        lines.append(bottleneck_line(diagnosis, w))  # the lever to fix first, when it is not this period's driver
        lines += _bottleneck_where(diagnosis, driver, w)
    if finding is not None:
        lines += _mix_lines(finding, w)
    lines += _split_table(records, w)
    lines += ["", w.t("Ask \"why?\" again for the finding behind it.", "さらに「なぜ？」と聞くと、その背景の検出事項を説明します。")]
    return lines


def _bottleneck_is_driver(diagnosis: Diagnosis) -> bool:
    """The bottleneck is the bridge's largest driver's cause (one story, told once)."""
    bridge = diagnosis.revenue_bridge
    largest = bridge.largest_driver() if bridge is not None else None
    return diagnosis.bottleneck.lever is None or (
        largest is not None and bottleneck_owns_driver(diagnosis.bottleneck, diagnosis.findings, largest))


def _bottleneck_where(diagnosis: Diagnosis, driver: Driver, w: Words) -> list[str]:
    """Where the diagnosis localises the bottleneck (when the bridge's driver is another lever)."""
    lever = diagnosis.bottleneck.lever
    if not driver.from_bridge or lever is None:
        return []
    found = next((f for f in diagnosis.findings_by_severity() if f.transition == lever and f.segment
                  and f.severity in ("high", "medium")), None)
    if found is None or found.segment is None:
        return []
    return [w.t(f"The diagnosis ties the bottleneck to {w.segment(*found.segment)} ({w.finding(found.code)}).",
                f"診断はこのボトルネックを{w.segment(*found.segment)}に結び付けています（{w.finding(found.code)}）。")]


def _mix_lines(finding: Finding, w: Words) -> list[str]:
    """How much of a rate's fall is the mix moving towards a weak slice, and how much the rates."""
    ev = finding.evidence
    mix, rate = ev.get("mix_effect"), ev.get("rate_effect")
    if mix is None or rate is None or not finding.segment:
        return []
    where = w.segment(*finding.segment)
    return [w.t(f"Of that fall, {w.points(mix)} comes from the mix moving towards {where} and {w.points(rate)} from "
                "the rates within each group.",
                f"この低下のうち {w.points(mix)} は{where}への構成の偏り、{w.points(rate)} は各層の転換率そのものの変化によるものです。")]


def _split_table(records: list[ToolRecord], w: Words) -> list[str]:
    """The driver's metric per group: now vs before (two breakdown results of the same metric)."""
    results: list[MetricResult] = [r for r in _results(records, "query_metric") if r.query.by]
    if len(results) < 2:
        return []
    now, before = results[0], results[1]
    old = {v.group: v for v in before.values}
    name, dimension = metric_name(now.info, w), w.dimension(now.query.by or "")
    lines = ["", w.t(f"{capitalised(name)} by {dimension}, {period_text(now, w)} vs {period_text(before, w)}:",
                     f"{dimension}別の{name}（{period_text(now, w)} と {period_text(before, w)} の比較）:")]
    for v in now.values[:ROWS]:
        then = old.get(v.group)
        shown = w.value(now.info, v.value) if v.value is not None else "—"
        previous = w.value(now.info, then.value) if then is not None and then.value is not None else "—"
        n_then = w.count(then.n) if then is not None else w.count(0)
        young = w.t(", still converting", "・転換途中") if v.immature else ""
        if now.info.kind == "count":  # a count is its own n
            lines.append(w.t(f"- {v.group}: {shown}, before {previous}", f"- {v.group}: {shown}、比較期間 {previous}"))
            continue
        lines.append(w.t(f"- {v.group}: {shown} (n={w.count(v.n)}{young}), before {previous} (n={n_then})",
                         f"- {v.group}: {shown}（{w.count(v.n)}件{young}）、比較期間 {previous}（{n_then}件）"))
    return lines


def _level_finding(diagnosis: Diagnosis, driver: Driver | None, finding: Finding, records: list[ToolRecord],
                   w: Words) -> list[str]:
    owner = w.owner(finding.owner)
    lines = []
    weak = finding.severity == "low" or (driver is not None and driver.where is not None and finding.segment != driver.where)
    if driver is not None and weak:
        where = f" ({w.segment(*driver.where)})" if driver.where and not w.ja else \
            (f"（{w.segment(*driver.where)}）" if driver.where else "")
        lines.append(w.t(f"No significant finding of the diagnosis is about {driver_label(driver, w)}{where} itself "
                         "(too few deals to tell it from noise); the closest one is on the same step.",
                         f"{driver_label(driver, w)}{where}そのものについての有意な検出事項はありません（件数が少なく、"
                         "誤差と区別できません）。同じステップで最も近い検出事項は次の通りです。"))
    lines += [w.t(f"Behind it: {w.finding(finding.code)}; the fix belongs to {owner}.",
                  f"その背景: {w.finding(finding.code)}。対応の担当は{owner}です。"), finding_line(finding, w)]
    strongest = next((f for f in diagnosis.findings_by_severity() if f.severity in ("high", "medium")), None)
    if strongest is not None and strongest is not finding:
        lines.append(w.t("The strongest finding overall: ", "全体で最も重要な検出事項: ") + finding_line(strongest, w).removeprefix("- "))
    for result in _results(records, "query_metric"):
        if result.comparison is not None:
            lines += comparison_lines(result, w)
    passages = _passages(records, w)
    if passages:
        lines += ["", *passages[:1]]
    lines += ["", w.t("Ask \"why?\" again for the playbook's reason.", "さらに「なぜ？」と聞くと、プレイブックの考え方を説明します。")]
    return lines


def driver_label(driver: Driver, w: Words) -> str:
    """A driver as a reader's name, with where it sits ("mix (lead source, mostly Giveaway Campaign)",
    "Opportunity → Won (Enterprise)")."""
    return driver_name(driver, w)


def _level_end(route: Route, chain: list[str], w: Words) -> list[str]:
    en, ja = ON_THE_GROUND[(route.depth - 4) % len(ON_THE_GROUND)]
    if route.depth > 4:  # the chain was already summed up: only the next thing to look at
        return [w.t(f"The data has no further \"why\". Another thing to check on the ground: {en}.",
                    f"データからはこれ以上「なぜ」を追えません。現場で確認すべきもう一つの点: {ja}確認してください。")]
    return [w.t("That is as deep as the data goes: " + " ← ".join(chain) + ".",
                "データで追えるのはここまでです: " + " ← ".join(chain) + "。"),
            w.t(f"The next \"why\" is on the ground, not in the export: look at {en}.",
                f"次の「なぜ」はデータの外にあります。{ja}確認してください。")]


def compose_metric_chain(route: Route, records: list[ToolRecord], w: Words) -> tuple[list[str], list[str]]:
    """Level 2+ after a metric's "why"."""
    diagnosis = next(iter(_results(records, "diagnose_funnel")), None)
    results: list[MetricResult] = _results(records, "query_metric")
    lines: list[str] = []
    if route.depth == 2:
        lines.append(w.t("One level deeper: where it is lowest.", "一段深掘り: どこで低いか"))
        for result in results:
            low = next((v for v in result.values if v.value is not None), None)
            if low is None:
                continue
            dimension = w.dimension(result.query.by or "")
            lines.append(w.t(f"- By {dimension}: lowest is {low.group} at {w.value(result.info, low.value)} "
                             f"(n={w.count(low.n)}), against {w.value(result.info, result.total.value)} for all of them.",
                             f"- {dimension}別: 最も低いのは{low.group}で {w.value(result.info, low.value)}"
                             f"（{w.count(low.n)}件）、全体は {w.value(result.info, result.total.value)}。"))
        findings = [f for f in diagnosis.findings_by_severity() if f.severity in ("high", "medium")] \
            if isinstance(diagnosis, Diagnosis) else []
        if findings:
            lines += ["", w.t("What the diagnosis finds in the funnel:", "ファネル全体の診断結果:"),
                      *(finding_line(f, w) for f in findings[:2])]
        lines += ["", w.t("Ask \"why?\" again for the playbook's reason.", "さらに「なぜ？」と聞くと、プレイブックの考え方を説明します。")]
        return lines, [f.code for f in findings[:2]]
    if route.depth == 3:
        lines = [w.t("The playbook's reason:", "プレイブックによる理由:"), *_passages(records, w)]
        codes = [f.code for f in diagnosis.findings_by_severity() if f.severity in ("high", "medium")] \
            if isinstance(diagnosis, Diagnosis) else []
        advice = actions_for(codes, w.lang, limit=2)
        if advice:
            lines += ["", w.t("What to change:", "打ち手:"), *(f"- {a}" for a in advice)]
        return lines, codes
    query = route.queries[0] if route.queries else None
    chain = [w.metric(query.metric)] if query else []
    return _level_end(route, [*chain, w.t("where it is lowest", "低い層"), w.t("the playbook", "プレイブック")], w), []
