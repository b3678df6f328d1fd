"""The memo's first page and its order: header, the one-page brief, then body, plan and appendix.

The brief decides: one headline sentence (what happened to revenue, by how much, why; from the
revenue bridge when the diagnosis has one), the two or three causes with their figures, three
actions (owner, first step, KPI, honest effect) and the KPI and SLA changes. Every number is a
value of the typed diagnosis or of a recorded tool call, formatted by ``Words``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.memo import appendix, body, roadmap
from assistant.memo.bridge import BridgeStep, BridgeView, bridge_view
from assistant.memo.causes import Cause, describe
from assistant.memo.context import MemoContext
from assistant.memo.conversation import conversation_section
from assistant.memo.model import Bullets, Memo, Paragraph, Section
from assistant.memo.snapshot import snapshot_brief
from tools.bottleneck_revenue import lever_names_driver
from tools.dataset import LoadedData
from tools.findings.model import Finding
from tools.findings.revenue import names_driver
from tools.revenue.bridge import BridgeComponent
from tools.schema import CREATED_COLUMN, TRANSITIONS

MAX_CAUSES = 3
#: A revenue change smaller than this (relative) is called flat.
FLAT = 0.05


def dataset_summary(data: LoadedData) -> dict[str, Any]:
    """Rows, files and the lead-creation date range of the input (the memo's 'data covered')."""
    created = data.frame.get(CREATED_COLUMN)
    first = created.min() if created is not None else None
    last = created.max() if created is not None else None
    return {
        "rows": data.rows,
        "files": [{"name": f.name, "rows": f.rows, "dialect": f.dialect} for f in data.files],
        "first_created": None if first is None or first != first else first.date().isoformat(),
        "last_created": None if last is None or last != last else last.date().isoformat(),
        "input_hash": data.input_hash,
    }


def header(ctx: MemoContext, summary: dict[str, Any]) -> list[tuple[str, str]]:
    """Label/value pairs under the title: data covered, as-of date, windows compared."""
    w = ctx.words
    files = ", ".join(f["name"] for f in summary["files"]) or w.label("data_in_memory")
    if summary["first_created"] is None and summary["last_created"] is None:
        covered = w.label("data_covered_undated", rows=w.count(summary["rows"]), files=files)
    else:
        covered = w.label("data_covered_value", rows=w.count(summary["rows"]), files=files,
                          first=summary["first_created"] or "?", last=summary["last_created"] or "?")
    caps = ctx.diagnosis.load.capabilities
    as_of = w.label("undated") if caps is not None and not caps.dated else ctx.diagnosis.as_of.date().isoformat()
    rows = [(w.label("data_covered"), covered), (w.label("as_of"), as_of)]
    if ctx.current_label():
        rows.append((w.label("periods"), w.label(
            "periods_value", current=w.period(ctx.current_label()), baseline=w.period(ctx.baseline_label()),
            grain=w.label(f"grain_{ctx.grain}"),
        )))
    return rows


def _matches_bottleneck(ctx: MemoContext, finding: Finding) -> bool:
    chosen = ctx.diagnosis.bottleneck.chosen
    if chosen is None:
        return False
    if chosen.mix_driver is not None:
        return finding.segment == chosen.mix_driver and finding.transition == chosen.lever
    return chosen.lever in TRANSITIONS and finding.transition == chosen.lever


def main_causes(ctx: MemoContext) -> list[Cause]:
    """Up to three causes: the bottleneck's own finding first, then the other serious ones."""
    serious = ctx.serious()
    first = [f for f in serious if _matches_bottleneck(ctx, f)][:1]
    ordered = first + [f for f in serious if f not in first]
    return [describe(ctx, f) for f in ordered[:MAX_CAUSES]]


def _bottleneck_phrase(ctx: MemoContext, causes: list[Cause]) -> str:
    """Why revenue moved, as a phrase: the bottleneck's cause, else the lever, else 'no lever'."""
    w = ctx.words
    if causes:
        return causes[0].short
    lever = ctx.diagnosis.bottleneck.lever
    if lever:
        return w.label("bn_deteriorated", measure=w.lever_measure(lever))
    return w.label("bn_none_deteriorated")


def headline(ctx: MemoContext, causes: list[Cause], bridge: BridgeView | None) -> str:
    """What happened to won revenue, by how much, and why: when the change is within its usual
    variation that comes first; the bridge's driver (the accounting of the change) and the cause
    the diagnosis puts first (the constraint on revenue going forward) are joined by "because"
    only when they are the same cause, and otherwise stated each for what it is."""
    w = ctx.words
    metrics = ctx.diagnosis.metrics
    r0: Any
    r1: Any
    base: str | None
    cur: str | None
    if bridge is not None:
        r0, r1 = bridge.baseline_revenue, bridge.current_revenue
        base, cur = bridge.baseline_label, bridge.current_label
    else:
        r0, r1 = metrics.get("won_revenue_baseline"), metrics.get("won_revenue_current")
        base, cur = ctx.baseline_label(), ctx.current_label()
    why = _bottleneck_phrase(ctx, causes)
    if not isinstance(r0, int | float) or not isinstance(r1, int | float) or r0 <= 0:
        return w.sentence(w.label("main_issue", why=why))
    change = r1 / r0 - 1.0
    ctx.record("revenue_change", {"of": "current / baseline won revenue - 1", "baseline": base, "current": cur},
               {"baseline": r0, "current": r1, "relative_change": round(change, 4)})
    b, c, move = w.period(base), w.period(cur), w.pct(abs(change), 0)
    flat = abs(change) < FLAT
    usual = bridge is not None and bridge.material is False and not flat
    step = bridge.largest() if bridge is not None else None
    driver = _driver_name(ctx, step)
    same = step is not None and _same_cause(ctx, causes, step)
    named = bool(causes) or ctx.diagnosis.bottleneck.lever is not None
    if w.ja:
        verb = "横ばいでした" if flat else (f"{move}減りました" if change < 0 else f"{move}増えました")
        text = f"{c}の受注金額は{w.money(r1)}で、{b}の{w.money(r0)}から{verb}。"
        text += "この変化は受注金額の通常の月ごとの揺れの範囲内です。" if usual else ""
        if bridge is not None and step is None and not flat:
            text += "売上ブリッジのどの要因も通常の揺れを超えていません。"
        text += f"揺れを超える最大の要因は{driver}です。" if driver else ""
        if change >= 0 or flat:
            return text + f"注意すべき点は、{why}ことです。"
        if same and causes and causes[0].finding.code == "revenue_decline":
            return text  # the driver is the finding: nothing more to say why
        if same or bridge is None:
            return text + f"主な原因は、{why}ことです。"
        lead = "これとは別に、" if step is not None else ""
        return text + (f"{lead}今後の売上を抑えている制約は、{why}ことです。" if named else "通常の揺れを超えて悪化した指標もありません。")
    verb = "was flat" if flat else (f"fell {move}" if change < 0 else f"rose {move}")
    text = f"Won revenue {verb} in {c}: {w.money(r1)} against {w.money(r0)} in {b}"
    text += ", within its usual month-to-month variation" if usual else ""
    if bridge is not None and step is None and not flat:
        text += "; no component of the revenue bridge stands out from noise"
    text += f"; the largest component beyond noise was {driver}" if driver else ""
    if change >= 0 or flat:
        return text + f"; the main risk: {why}."
    if same and causes and causes[0].finding.code == "revenue_decline":
        return text + "."  # the driver is the finding: nothing more to say why
    if same or bridge is None:
        return text + f", mainly because {why}."
    lead = "Separately, what" if step is not None else "What"
    return text + (f". {lead} holds revenue back going forward: {why}." if named else
                   ". No lever deteriorated beyond normal noise either.")


def _same_cause(ctx: MemoContext, causes: list[Cause], step: BridgeStep) -> bool:
    """The bridge's driver is what the headline's "why" says: the first cause's finding owns it,
    or, with no cause, the bottleneck's lever does."""
    driver = BridgeComponent(step.driver, step.amount, step.dimension, step.value)
    if causes:
        return names_driver(causes[0].finding, driver)
    return lever_names_driver(ctx.diagnosis.bottleneck.chosen, driver)


def _driver_name(ctx: MemoContext, step: BridgeStep | None) -> str:
    if step is None:
        return ""
    w = ctx.words
    name, money = w.lever(step.driver), w.money(step.amount, signed=True)
    where = w.segment((step.dimension, step.value)) if step.dimension and step.value else ""
    if step.driver == "mix" and step.dimension:
        name = w.label("bridge_mix_name", dimension=w.dimension(step.dimension), name=name)
        if where:
            return w.label("bridge_mostly", name=name, where=where, money=money)
    elif where:
        name = w.label("bridge_in", name=name, where=where)
    return name + w.paren(money)


def brief_section(ctx: MemoContext, planned: list[roadmap.PlannedAction]) -> Section:
    """Page 1: headline, causes, three actions, KPI and SLA changes."""
    w = ctx.words
    causes = main_causes(ctx)
    section = Section("brief", w.label("brief"))
    snapshot = snapshot_brief(ctx)  # an undated upload: what the snapshot shows, not "nothing deteriorated"
    lead = snapshot[0] if snapshot else headline(ctx, causes, bridge_view(ctx.diagnosis))
    section.add(Paragraph(lead, bold_lead=w.label("headline") + ":"))
    why = Section("brief-causes", w.label("causes"))
    lines = snapshot[1] if snapshot else [c.text for c in causes]
    why.add(Bullets(lines or [w.label("no_causes")], numbered=len(lines) > 1))
    top = roadmap.top_actions(planned)
    actions = Section("brief-actions", w.label("top_actions"))
    actions.add(roadmap.actions_table(ctx, top))
    changes = Section("brief-kpi", w.label("kpi_sla"))
    changes.add(roadmap.kpi_sla_changes(ctx, planned, top))
    section.subsections += [why, actions, changes]
    return section


def assemble(ctx: MemoContext, today: dt.date, summary: dict[str, Any], *, charts: bool = True) -> Memo:
    """The whole memo in reading order; the appendix is built last (all tool calls known)."""
    w = ctx.words
    planned = roadmap.plan_actions(ctx)
    brief = brief_section(ctx, planned)
    plan = roadmap.plan_section(ctx, planned)
    plan.page_break = True
    sections = [brief, plan]
    talk = conversation_section(ctx)
    if talk is not None:
        sections.append(talk)
    sections += body.body_sections(ctx, charts)
    sections.append(appendix.appendix_section(ctx, summary))
    return Memo(
        lang=ctx.lang,
        title=w.label("title"),
        date=f"{w.label('date')}: {today.isoformat()}",
        header=header(ctx, summary),
        sections=sections,
        tool_calls=list(ctx.calls),
        footer=w.label("footer"),
    )
