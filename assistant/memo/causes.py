"""What each finding says, in a leadership reader's words: the cause with its figures and windows.

One sentence (or two) per finding, read from the typed ``Finding`` and its evidence: rates as
percentages with the windows they compare, amounts rounded with the currency, and the test's
p-value in words ("clearly beyond normal month-to-month noise"; the p-value itself is in the
appendix). ``short`` is the phrase the headline uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.memo.context import MemoContext
from tools.findings.model import Finding
from tools.wording import target_metric_label


@dataclass(frozen=True)
class Cause:
    """A finding as the memo states it."""

    finding: Finding
    text: str
    short: str


def evidence(finding: Finding, *path: str) -> Any:
    """``finding.evidence[path[0]][path[1]]…`` (None when absent)."""
    value: Any = finding.evidence
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _windows(ctx: MemoContext, finding: Finding) -> tuple[str | None, str | None]:
    """(baseline, current) windows the finding compared: its cohorts', else the diagnosis's."""
    base, cur = evidence(finding, "baseline_window"), evidence(finding, "current_window")
    if cur:
        return base, cur
    return ctx.baseline_label(), ctx.current_label()


def _cohorts(ctx: MemoContext, finding: Finding) -> str:
    """"SQLs created 2024-10..2025-09 against 2026-Q3" for a conversion's mature cohorts."""
    w = ctx.words
    base, cur = _windows(ctx, finding)
    stage = (finding.transition or "lead_to_mql").split("_to_")[0]
    if w.ja:
        return f"{w.stage(stage)}のコホート：比較期間 {w.period(base)}、直近期間 {w.period(cur)}"
    return f"{w.stage_noun(stage)} that entered in {w.period(base)} against {w.period(cur)}"


def _rate_change(ctx: MemoContext, finding: Finding, key: str = "overall") -> tuple[str, str] | None:
    b, c = evidence(finding, key, "baseline"), evidence(finding, key, "current")
    if b is None or c is None:
        return None
    return ctx.words.pct(b), ctx.words.pct(c)


def _mix(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    assert f.segment is not None and f.transition is not None
    seg = w.segment(f.segment)
    rates = _rate_change(ctx, f) or (w.label("na"), w.label("na"))
    s0, s1 = w.pct(evidence(f, "driver_share_baseline"), 0), w.pct(evidence(f, "driver_share_current"), 0)
    dr, others = w.pct(evidence(f, "driver_rate")), w.pct(evidence(f, "others_rate"))
    within = w.points(evidence(f, "rate_effect"))
    stage = f.transition.split("_to_")[0]
    noise = w.noise(evidence(f, "mix_test", "p_value"))
    on_top = evidence(f, "other_leads", "p_value")
    added = isinstance(on_top, int | float) and on_top >= 0.05
    if w.ja:
        text = (f"{w.conversion(f.transition)}が{rates[0]}から{rates[1]}に下がりました（{_cohorts(ctx, f)}）。"
                f"原因は構成比の変化です。{seg}が{w.stage(stage)}に占める比率が{s0}から{s1}に増え、"
                f"その転換率は{dr}（ほかは{others}）にとどまります。{w.dimension(f.segment[0])}ごとの転換率の変化は"
                f"{within}にすぎません。{noise}。")
        if added:
            text += f"ほかのソースのリード数はほぼ変わっておらず、{seg}は上乗せで増えた分です。"
        short = f"{seg}への構成比の移動により{w.conversion(f.transition)}が{rates[0]}から{rates[1]}に下がった"
    else:
        text = (f"{w.conversion(f.transition)} fell from {rates[0]} to {rates[1]} ({_cohorts(ctx, f)}) because the "
                f"mix moved: {seg} grew from {s0} to {s1} of {w.stage_noun(stage)} and converts at {dr} against "
                f"{others} for the rest; within each {w.dimension(f.segment[0])} the rate moved only {within}. "
                f"This is {noise}.")
        if added:
            text += f" The other sources' leads held steady: {seg} was added on top."
        short = f"{w.conversion(f.transition)} fell from {rates[0]} to {rates[1]} as the mix moved to {seg}"
    return Cause(f, text, short)


def _conversion_drop(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    key = "segment" if f.segment is not None and evidence(f, "segment", "baseline") is not None else "overall"
    rates = _rate_change(ctx, f, key) or (w.label("na"), w.label("na"))
    name = w.conversion(f.transition) if f.transition else w.finding(f.code)
    where = w.segment(f.segment)
    noise = w.noise(evidence(f, key, "p_value"))
    if w.ja:
        scope = f"{where}の" if where else ""
        text = f"{scope}{name}が{rates[0]}から{rates[1]}に下がりました（{_cohorts(ctx, f)}）。{noise}。"
        short = f"{scope}{name}が{rates[0]}から{rates[1]}に下がった"
    else:
        scope = f" for {where}" if where else ""
        text = f"{name}{scope} fell from {rates[0]} to {rates[1]} ({_cohorts(ctx, f)}). This is {noise}."
        short = f"{name}{scope} fell from {rates[0]} to {rates[1]}"
    return Cause(f, text, short)


def _slow_follow_up(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    sla = _rate_change(ctx, f, "within_sla") or (w.label("na"), w.label("na"))
    h0, h1 = w.hours(evidence(f, "median_hours_baseline")), w.hours(evidence(f, "median_hours_current"))
    conv = _rate_change(ctx, f, "mql_to_sql")
    noise = w.noise(evidence(f, "within_sla", "p_value"))
    base, cur = ctx.baseline_label(), ctx.current_label()
    if w.ja:
        text = (f"SLA内に初回対応できたMQLの割合が{sla[0]}から{sla[1]}に下がり、初回対応までの時間の中央値は"
                f"{h0}から{h1}に延びました（{w.windows(base, cur)}）。")
        if conv:
            text += f"同じ期間にMQL → SQLの転換率は{conv[0]}から{conv[1]}に下がっています。"
        short = f"MQLへの初回対応が遅れ（中央値{h0}→{h1}）、SLA内対応が{sla[0]}から{sla[1]}に下がった"
        return Cause(f, text + f"{noise}。", short)
    text = (f"MQLs followed up within the SLA fell from {sla[0]} to {sla[1]} and the median time to first "
            f"follow-up grew from {h0} to {h1} ({w.windows(base, cur)}).")
    if conv:
        text += f" MQL → SQL conversion fell from {conv[0]} to {conv[1]} over the same cohorts."
    short = f"follow-up slowed (median {h0} → {h1}; within SLA {sla[0]} → {sla[1]})"
    return Cause(f, text + f" This is {noise}.", short)


def _kpi_green(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    attained = evidence(f, "attainment") or {}
    cur = w.period(ctx.current_label())
    parts = [f"{target_metric_label(m, w.lang)} {w.pct(v, 0)}" for m, v in attained.items()
             if isinstance(v, int | float)]
    if parts:
        if w.ja:
            text = f"{cur}の目標達成率は{w.listing(parts)}です。量のKPIは達成していても、受注と売上が追いついていません。"
            short = "量のKPIは達成しているのに売上が目標に届いていない"
        else:
            text = (f"Target attainment in {cur}: {w.listing(parts)}. Volume KPIs are green while won deals "
                    f"and revenue fall short.")
            short = "volume KPIs are green while revenue misses its target"
        return Cause(f, text, short)
    r0, r1 = evidence(f, "won_revenue", "baseline"), evidence(f, "won_revenue", "current")
    l0, l1 = evidence(f, "leads", "baseline"), evidence(f, "leads", "current")
    windows = w.windows(ctx.baseline_label(), ctx.current_label())
    if w.ja:
        text = f"リード数は{w.count(l0)}から{w.count(l1)}に増えましたが、受注金額は{w.money(r0)}から{w.money(r1)}です（{windows}）。"
        return Cause(f, text, "リードは増えたのに売上が伸びていない")
    text = f"Leads grew from {w.count(l0)} to {w.count(l1)} while won revenue went from {w.money(r0)} to {w.money(r1)} ({windows})."
    return Cause(f, text, "leads grew while revenue did not")


def _value_change(ctx: MemoContext, f: Finding, key: str, fmt: str) -> Cause:
    """Lead volume, deal size, churn: one measure, baseline against current window."""
    w = ctx.words
    b, c = evidence(f, key, "baseline"), evidence(f, key, "current")
    formats: dict[str, Callable[[Any], str]] = {"count": w.count, "money": w.money, "pct": w.pct}
    show = formats[fmt]
    measure = {"leads": w.lever("lead_volume"), "deal_size": w.metric("average_deal_size"),
               "churn": w.metric("churn_rate")}[key]
    windows = w.windows(ctx.baseline_label(), ctx.current_label())
    noise = w.noise(evidence(f, key, "p_value"))
    extra = ""
    adjusted = evidence(f, "adjusted_ratio")
    if key == "deal_size" and adjusted is not None:
        extra = (f"同じセグメント構成で比べると比較期間の{w.pct(adjusted, 0)}です。" if w.ja
                 else f" Like for like (same segment mix) it is {w.pct(adjusted, 0)} of the baseline.")
    if w.ja:
        text = f"{measure}が{show(b)}から{show(c)}に変化しました（{windows}、{ctx.words.label('grain_' + ctx.grain)}あたり）。{extra}{noise}。"
        return Cause(f, text, f"{measure}が{show(b)}から{show(c)}に変化した")
    text = f"{measure.capitalize()} went from {show(b)} to {show(c)} per {w.label('grain_' + ctx.grain)} ({windows}).{extra} This is {noise}."
    return Cause(f, text, f"{measure} went from {show(b)} to {show(c)}")


def _cycle(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    d0, d1 = w.days(evidence(f, "median_days_baseline")), w.days(evidence(f, "median_days_current_estimate"))
    closed = _rate_change(ctx, f, "closed_in_time") or (w.label("na"), w.label("na"))
    horizon = w.days(evidence(f, "horizon_days"))
    noise = w.noise(evidence(f, "closed_in_time", "p_value"))
    if w.ja:
        text = (f"商談期間の中央値が{d0}から{d1}（推定）に延び、{horizon}以内に決着した商談の割合は{closed[0]}から"
                f"{closed[1]}に下がりました。{noise}。")
        return Cause(f, text, f"商談期間の中央値が{d0}から{d1}に延びた")
    text = (f"The median sales cycle grew from {d0} to {d1} (estimate); deals closed within {horizon} fell from "
            f"{closed[0]} to {closed[1]}. This is {noise}.")
    return Cause(f, text, f"the median sales cycle grew from {d0} to {d1}")


def _stalled(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    n, total = w.count(evidence(f, "stalled_deals")), w.count(evidence(f, "open_deals"))
    share, amount = w.pct(evidence(f, "stalled_share"), 0), w.money(evidence(f, "stalled_amount"))
    if w.ja:
        return Cause(f, f"進行中の商談{total}件のうち{n}件（{amount}、パイプライン金額の{share}）が、セグメントの通常の商談期間を超えて停滞しています。",
                     f"{n}件の商談が停滞している")
    return Cause(f, f"{n} of {total} open deals ({amount}, {share} of open pipeline) are older than their "
                    f"segment's usual cycle.", f"{n} open deals are stalling")


def _recycle(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    lost, amount = w.count(evidence(f, "lost_deals")), w.money(evidence(f, "lost_amount"))
    mqls, age = w.count(evidence(f, "unconverted_mqls")), w.days(evidence(f, "min_age_days"))
    if w.ja:
        return Cause(f, f"失注した商談{lost}件（{amount}）と、{age}以上前にMQLになりSQLに進まなかった{mqls}件が再活用の対象です。",
                     "失注案件と未転換MQLを再活用できる")
    return Cause(f, f"{lost} lost deals worth {amount} and {mqls} MQLs older than {age} that never became SQL "
                    f"can go back to nurturing.", "lost deals and old MQLs can be recycled")


def _coverage(ctx: MemoContext, f: Finding) -> Cause:
    w = ctx.words
    cov, weighted = w.times(evidence(f, "coverage")), w.times(evidence(f, "weighted_coverage"))
    remaining = w.money(evidence(f, "remaining"))
    window = w.period(evidence(f, "window", "label"))
    if w.ja:
        return Cause(f, f"{window}の残りの売上目標{remaining}に対し、進行中のパイプラインは{cov}（確度で加重すると{weighted}）です。",
                     f"パイプラインが目標の{weighted}（加重）しかない")
    return Cause(f, f"Open pipeline covers {cov} of the {remaining} revenue target still open for {window} "
                    f"({weighted} weighted by phase).", f"weighted pipeline covers only {weighted} of target")


def describe(ctx: MemoContext, finding: Finding) -> Cause:
    """The finding as the memo states it (a readable fallback for codes without a template)."""
    code = finding.code
    if finding.mix_driven:
        return _mix(ctx, finding)
    if code in ("conversion_drop", "lead_quality_decline", "mix_shift") and finding.transition:
        return _conversion_drop(ctx, finding)
    readers = {
        "slow_follow_up": _slow_follow_up, "kpi_green_revenue_flat": _kpi_green, "cycle_time_increase": _cycle,
        "stalled_pipeline": _stalled, "recycle_opportunity": _recycle, "pipeline_coverage_low": _coverage,
    }
    if code in readers:
        return readers[code](ctx, finding)
    values = {"lead_volume_decline": ("leads", "count"), "deal_size_drop": ("deal_size", "money"),
              "churn_increase": ("churn", "pct")}
    if code in values and evidence(finding, values[code][0], "baseline") is not None:
        return _value_change(ctx, finding, *values[code])
    title = ctx.words.finding(code)
    return Cause(finding, ctx.words.sentence(title), title)
