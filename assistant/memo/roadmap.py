"""The memo's actions: chosen per finding, each with owner, first step, KPI and honest effect;
the three that lead the brief, the KPI and SLA changes, and the 30/60/90-day plan."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.memo.actions import ALWAYS, ActionTemplate, actions_for
from assistant.memo.context import MemoContext
from assistant.memo.effects import Effect, effect_for, no_effect
from assistant.memo.model import Bullets, Section, Table
from tools.findings.model import Finding
from tools.schema import TRANSITION_OWNERS

MAX_FINDINGS_WITH_ACTIONS = 4
TOP_ACTIONS = 3
MAX_KPI_SLA = 3


@dataclass(frozen=True)
class PlannedAction:
    """An action chosen for this memo: owner, first step, KPI, expected effect."""

    template: ActionTemplate
    owner: str
    text: str
    kpi: str
    effect: Effect
    first_of_finding: bool = False


def finding_owner(finding: Finding) -> str:
    """The owning function (a conversion drop goes to its transition's owner: MQL→SQL is IS's)."""
    if finding.code == "conversion_drop" and finding.transition in TRANSITION_OWNERS:
        return TRANSITION_OWNERS[finding.transition]
    return finding.owner


def plan_actions(ctx: MemoContext) -> list[PlannedAction]:
    """Actions for the most important findings (the first of each carries its effect), then the
    steps every plan has."""
    lang = ctx.lang
    findings = ctx.serious() or ctx.findings()[:1]
    planned: list[PlannedAction] = []
    seen: set[int] = set()
    cache: dict[str, Effect] = {}
    for finding in findings[:MAX_FINDINGS_WITH_ACTIONS]:
        value = finding.segment[1] if finding.segment else ""
        for i, template in enumerate(actions_for(finding.code, finding.mix_driven)):
            if id(template) in seen:
                continue
            seen.add(id(template))
            effect = effect_for(ctx, finding, cache) if i == 0 else no_effect(ctx)
            planned.append(PlannedAction(template, template.owner or finding_owner(finding),
                                         template.text(lang, value), template.kpi(lang, value), effect, i == 0))
    for template in ALWAYS:
        planned.append(PlannedAction(template, template.owner or "RevOps", template.text(lang), template.kpi(lang),
                                     no_effect(ctx)))
    return planned


def top_actions(planned: list[PlannedAction]) -> list[PlannedAction]:
    """The three the brief leads with: each finding's first action, then other owners' moves."""
    chosen = [p for p in planned if p.first_of_finding][:TOP_ACTIONS]
    for p in planned:
        if len(chosen) >= TOP_ACTIONS:
            break
        if p not in chosen and p.owner not in {c.owner for c in chosen}:
            chosen.append(p)
    for p in planned:
        if len(chosen) >= TOP_ACTIONS:
            break
        if p not in chosen:
            chosen.append(p)
    return chosen


def actions_table(ctx: MemoContext, actions: list[PlannedAction]) -> Table:
    """Owner, first step, KPI and expected effect of each action."""
    w = ctx.words
    rows = [[w.owner(p.owner), p.text, p.kpi, p.effect.brief] for p in actions]
    return Table([w.label("owner"), w.label("action"), w.label("kpi"), w.label("expected_effect")], rows,
                 widths=[0.95, 2.35, 1.25, 1.45])


def kpi_sla_changes(ctx: MemoContext, planned: list[PlannedAction], top: list[PlannedAction]) -> Bullets:
    """KPI, definition and SLA changes beyond the three actions (the KPIs those track otherwise)."""
    w = ctx.words
    items = [f"{w.owner(p.owner)}: {p.text}" for p in planned
             if p not in top and p.template.category in ("kpi", "sla", "definition")][:MAX_KPI_SLA]
    if not items:
        items = [f"{w.owner(p.owner)}: {p.kpi}" for p in top]
    return Bullets(items)


def plan_section(ctx: MemoContext, planned: list[PlannedAction]) -> Section:
    """The 30/60/90-day plan: the actions by horizon, with owners and the KPI to watch."""
    w = ctx.words
    section = Section("plan", w.label("plan"))
    sep = "（KPI：" if w.ja else " (KPI: "
    end = "）" if w.ja else ")"
    for horizon in (30, 60, 90):
        items = [f"{w.owner(p.owner)}: {p.text}{sep}{p.kpi}{end}" for p in planned if p.template.horizon == horizon]
        if items:
            sub = Section(f"plan-{horizon}", w.label("by_day", n=horizon))
            sub.add(Bullets(items))
            section.subsections.append(sub)
    return section
