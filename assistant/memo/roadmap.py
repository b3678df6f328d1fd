"""Memo actions with what-if effects, the 30/60/90-day plan, the bottleneck method and the appendix."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.memo.actions import ALWAYS, CATEGORY_NAMES, REASONING, ActionTemplate, actions_for
from assistant.memo.context import MemoContext, software_version
from assistant.memo.model import Bullets, Paragraph, Section, Table
from assistant.memo.text import (
    LEVER_NAMES,
    OWNER_NAMES,
    fmt_count,
    fmt_days,
    fmt_money,
    fmt_number,
    fmt_pct,
    label,
    name,
)
from tools.schema import TRANSITIONS

#: Relative change the what-if tool is asked about for each lever (a realistic first step).
WHAT_IF_CHANGE: dict[str, float] = {
    **{t: 0.10 for t in TRANSITIONS},
    "lead_volume": 0.10,
    "deal_size": 0.10,
    "cycle_time": -0.10,
    "retention": 0.01,
}
#: Which lever a finding's first action moves (None: the finding's transition or the bottleneck).
FINDING_LEVER: dict[str, str | None] = {
    "kpi_green_revenue_flat": None,
    "lead_quality_decline": "mql_to_sql",
    "mix_shift": None,
    "conversion_drop": None,
    "slow_follow_up": "mql_to_sql",
    "lead_volume_decline": "lead_volume",
    "deal_size_drop": "deal_size",
    "cycle_time_increase": "cycle_time",
    "churn_increase": "retention",
    "stalled_pipeline": "opportunity_to_won",
    "recycle_opportunity": "lead_volume",
    "pipeline_coverage_low": None,
}
MAX_FINDINGS_WITH_ACTIONS = 4


@dataclass(frozen=True)
class PlannedAction:
    """An action chosen for this memo, with its owner and (optionally) its what-if effect."""

    template: ActionTemplate
    owner: str
    text: str
    effect: str | None = None


def lever_value(lang: str, lever: str, value: Any) -> str:
    """A lever's value in its natural unit."""
    if lever in TRANSITIONS or lever == "retention":
        return fmt_pct(lang, value)
    if lever == "lead_volume":
        return fmt_count(lang, value)
    if lever == "cycle_time":
        return fmt_days(lang, value)
    return fmt_money(lang, value)


def metric_label(lang: str, key: str) -> str:
    """Headline metric names (English keys de-snake-cased; Japanese for the common ones)."""
    ja = {
        "win_rate": "受注率", "average_deal_size": "平均受注単価", "median_cycle_days": "営業サイクル（中央値）",
        "median_follow_up_hours": "初回フォローまでの時間（中央値）", "follow_up_within_sla": "SLA内フォロー率",
        "won_revenue": "受注金額（全期間）", "open_deals": "進行中の商談数", "open_pipeline": "進行中のパイプライン金額",
        "stalled_deals": "停滞商談数", "weighted_pipeline": "加重パイプライン", "churn_rate": "解約率（当期）",
        "retention_rate": "継続率（当期）", "ltv": "LTV", "won_revenue_current": "受注金額（当期）",
        "won_revenue_baseline": "受注金額（基準期間）", "active_customers": "契約中の顧客数",
    }
    en = {
        "median_cycle_days": "Median sales cycle", "median_follow_up_hours": "Median time to first follow-up",
        "follow_up_within_sla": "Followed up within SLA", "won_revenue": "Won revenue (all data)",
        "won_revenue_current": "Won revenue, current window", "won_revenue_baseline": "Won revenue, baseline window",
        "churn_rate": "Churn rate, current window", "retention_rate": "Retention rate, current window",
        "ltv": "Customer lifetime value (LTV)",
    }
    if lang == "ja" and key in ja:
        return ja[key]
    return en.get(key) or key.replace("_", " ").capitalize()


def format_metric(lang: str, key: str, value: Any) -> str:
    """Format a headline metric by its name."""
    if "hours" in key:
        return f"{fmt_number(lang, value)} h" if lang == "en" else f"{fmt_number(lang, value)}時間"
    if "days" in key:
        return fmt_days(lang, value)
    if key.endswith(("rate", "within_sla")):
        return fmt_pct(lang, value)
    if any(w in key for w in ("revenue", "pipeline", "deal_size", "ltv")):
        return fmt_money(lang, value)
    return fmt_count(lang, value) if float(value).is_integer() else fmt_number(lang, value)


def bottleneck_method(lang: str, bottleneck: dict[str, Any]) -> str:
    """How the engine computed the revenue at stake (its own sentence, in English, appended)."""
    text = label(lang, "bn_method_text")
    explanation = bottleneck.get("explanation")
    if lang == "en" and explanation:
        text += f" In this data: {explanation}"
    return text


def reasoning_text(ctx: MemoContext, code: str, finding: dict[str, Any]) -> str:
    """The playbook's reasoning for a finding, citing topic ids (and titles when known)."""
    lang = ctx.lang
    text = REASONING[lang].get(code, "")
    cites = []
    for topic in finding.get("playbook_topics") or []:
        ref = ctx.topics.get(topic)
        cites.append(f"{topic}「{ref.title}」" if ref and lang == "ja" else f"{topic} ({ref.title})" if ref else topic)
    if cites:
        text += (f" {label(lang, 'topics_cited')}: " if lang == "en" else f"（{label(lang, 'topics_cited')}：") + (
            "; ".join(cites) if lang == "en" else "、".join(cites) + "）"
        )
    return text.strip()


def _finding_lever(ctx: MemoContext, finding: dict[str, Any]) -> str | None:
    lever = FINDING_LEVER.get(finding.get("code", ""))
    if lever:
        return lever
    bottleneck_lever = (ctx.diagnosis.get("bottleneck") or {}).get("lever")
    return finding.get("transition") or bottleneck_lever


def _what_if_change(ctx: MemoContext, lever: str) -> tuple[float, str] | None:
    """(relative change, template key): back to the baseline when the lever deteriorated,
    else the standard improvement step of ``WHAT_IF_CHANGE``."""
    for entry in (ctx.diagnosis.get("bottleneck") or {}).get("levers") or []:
        if entry.get("lever") != lever:
            continue
        base, cur = entry.get("baseline"), entry.get("current")
        if isinstance(base, int | float) and isinstance(cur, int | float) and base > 0 and cur > 0:
            worse = cur > base if lever == "cycle_time" else cur < base
            if worse:
                return round(base / cur - 1.0, 4), "what_if_restore"
    change = WHAT_IF_CHANGE.get(lever)
    return (change, "what_if") if change is not None else None


def what_if_effect(ctx: MemoContext, lever: str, cache: dict[str, str | None]) -> str | None:
    """Run the what-if tool for ``lever`` once and phrase its result (None if it cannot run)."""
    if lever in cache:
        return cache[lever]
    cache[lever] = None
    chosen = _what_if_change(ctx, lever)
    if chosen is None:
        return None
    change, template = chosen
    try:
        from tools.planning import what_if

        result = ctx.call("what_if", what_if, lever=lever, change=change)
    except Exception:  # the what-if is an estimate; without it the action still stands
        return None
    if result.get("revenue_change") is None or result.get("current_value") is None:
        return None
    lang = ctx.lang
    grain = label(lang, f"grain_{(ctx.diagnosis.get('periods') or {}).get('grain') or 'month'}")
    delta = result["revenue_change"]
    cache[lever] = label(
        lang, template, change=f"{result['change'] * 100:+.0f}%", lever=name(LEVER_NAMES, lang, lever),
        current=lever_value(lang, lever, result["current_value"]), new=lever_value(lang, lever, result["new_value"]),
        delta=("+" if delta >= 0 else "") + fmt_money(lang, delta), per=label(lang, "per_grain", grain=grain),
        revenue=fmt_money(lang, result["revenue"]), new_revenue=fmt_money(lang, result["new_revenue"]),
    )
    return cache[lever]


def plan_actions(
    ctx: MemoContext, findings: list[dict[str, Any]], owner_of: Callable[[dict[str, Any]], str]
) -> list[PlannedAction]:
    """Actions for the most important findings (first action carries the what-if), then the
    always-on steps; the first entry is the memo's 'first move'."""
    lang = ctx.lang
    planned: list[PlannedAction] = []
    seen: set[int] = set()
    cache: dict[str, str | None] = {}
    serious = [f for f in findings if f.get("severity") in ("high", "medium")] or findings[:1]
    for finding in serious[:MAX_FINDINGS_WITH_ACTIONS]:
        owner = owner_of(finding)
        lever = _finding_lever(ctx, finding)
        for i, template in enumerate(actions_for(finding.get("code", ""))):
            if id(template) in seen:
                continue
            seen.add(id(template))
            effect = what_if_effect(ctx, lever, cache) if i == 0 and lever else None
            planned.append(PlannedAction(template, template.owner or owner, template.text(lang), effect))
    for template in ALWAYS:
        planned.append(PlannedAction(template, template.owner or "RevOps", template.text(lang)))
    return planned


def actions_section(ctx: MemoContext, planned: list[PlannedAction]) -> Section:
    """Actions in priority order, each tagged with its type (KPI, definition, SLA, recycling,
    capacity, process), owner and deadline; the first action of a finding carries its what-if."""
    lang = ctx.lang
    section = Section("actions", label(lang, "actions"))
    for number, p in enumerate(planned, start=1):
        tag = " · ".join([
            name(CATEGORY_NAMES, lang, p.template.category), name(OWNER_NAMES, lang, p.owner),
            label(lang, "by_day", n=p.template.horizon),
        ])
        section.add(Paragraph(p.text, bold_lead=f"{number}. [{tag}]"))
        if p.effect:
            section.add(Paragraph(p.effect, bold_lead="→ " + label(lang, "effect") + ":"))
    return section


def plan_section(ctx: MemoContext, planned: list[PlannedAction]) -> Section:
    """The 30/60/90-day plan: the same actions by horizon, with owners."""
    lang = ctx.lang
    section = Section("plan", label(lang, "plan"))
    for horizon in (30, 60, 90):
        items = [f"{name(OWNER_NAMES, lang, p.owner)}: {p.text}" for p in planned if p.template.horizon == horizon]
        if items:
            sub = Section(f"plan-{horizon}", label(lang, "by_day", n=horizon))
            sub.add(Bullets(items))
            section.subsections.append(sub)
    return section


def appendix_section(ctx: MemoContext, summary: dict[str, Any]) -> Section:
    """Mapping, data-quality warnings, tool calls, playbook sources, version and input hash."""

    lang, diag = ctx.lang, ctx.diagnosis
    section = Section("appendix", label(lang, "appendix"))
    mapping = diag.get("mapping") or ctx.data.mapping
    section.subsections.append(Section("appendix-mapping", label(lang, "appendix_mapping"), [Table(
        [label(lang, "canonical"), label(lang, "source_column")],
        [[str(k), str(v)] for k, v in mapping.items()], widths=[1, 1.4],
    )]))
    quality = diag.get("data_quality") or []
    section.subsections.append(Section("appendix-quality", label(lang, "appendix_quality"), [Table(
        [label(lang, "code"), label(lang, "message"), label(lang, "rows")],
        [[str(q.get("code")), str(q.get("message")), fmt_count(lang, q.get("rows"))] for q in quality],
        align=["left", "left", "right"], widths=[1.2, 3.6, 0.6],
    ) if quality else Paragraph(label(lang, "no_quality"))]))
    calls = [[c.name, json.dumps(c.args, ensure_ascii=False, sort_keys=True)] for c in ctx.calls]
    section.subsections.append(Section("appendix-tools", label(lang, "appendix_tools"), [Table(
        [label(lang, "tool"), label(lang, "parameters")], calls, widths=[1, 2.6],
    )]))
    sources = []
    for topic in ctx.used_topics():
        ref = ctx.topics.get(topic)
        sources.append([topic, ref.title if ref else label(lang, "na"), ref.lang if ref else label(lang, "na"),
                        ref.source if ref else label(lang, "na")])
    section.subsections.append(Section("appendix-sources", label(lang, "appendix_sources"), [Table(
        [label(lang, "topic"), label(lang, "title_col"), label(lang, "lang"), label(lang, "source")],
        sources, widths=[1.3, 1.8, 0.5, 1.8],
    ) if sources else Paragraph(label(lang, "na"))]))
    rows = [[label(lang, "version"), software_version()], [label(lang, "input_hash"), str(summary.get("input_hash"))]]
    rows += [[label(lang, "files"), f"{f.name} ({fmt_count(lang, f.rows)} {label(lang, 'rows').lower()}, "
              f"{f.dialect})"] for f in ctx.data.files]
    section.subsections.append(Section("appendix-version", label(lang, "appendix_version"), [Table(
        [label(lang, "metric"), label(lang, "value")], rows, widths=[1, 2.4],
    )]))
    return section
