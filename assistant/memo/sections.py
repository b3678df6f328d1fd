"""Memo sections from the diagnosis: header, executive summary, funnel, bottleneck, findings.

Every number printed here is a value of the diagnosis dict (or of a recorded tool call),
formatted by ``assistant.memo.text``; nothing is recomputed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.memo import roadmap as memo_plan
from assistant.memo.charts import funnel_chart
from assistant.memo.context import MemoContext
from assistant.memo.evidence import evidence_rows, transition_windows
from assistant.memo.figures import segment_figure, trend_figure
from assistant.memo.model import Figure, Memo, Paragraph, Section, Table
from assistant.memo.text import (
    DIMENSION_NAMES,
    FINDING_TITLES,
    LEVER_NAMES,
    OWNER_NAMES,
    SEVERITY_NAMES,
    STAGE_NAMES,
    fmt_count,
    fmt_money,
    fmt_pct,
    label,
    name,
    transition_name,
)
from tools.dataset import LoadedData
from tools.schema import CREATED_COLUMN, FINDING_OWNERS, SEVERITIES, TRANSITION_OWNERS, TRANSITIONS

METRIC_FORMATS: dict[str, str] = {
    "win_rate": "pct",
    "average_deal_size": "money",
    "median_cycle_days": "days",
}


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


def ordered_findings(diagnosis: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings by severity (high first), keeping the engine's order within a severity."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    findings = list(diagnosis.get("findings", []))
    return sorted(findings, key=lambda f: rank.get(f.get("severity", "info"), len(rank)))


def finding_owner(finding: dict[str, Any]) -> str:
    """The owning function (schema.FINDING_OWNERS; a conversion drop goes to its transition's owner)."""
    code = finding.get("code", "")
    transition = finding.get("transition")
    if code == "conversion_drop" and transition in TRANSITION_OWNERS:
        return TRANSITION_OWNERS[transition]  # a drop at MQL→SQL is IS's, not FS's
    if finding.get("owner") in OWNER_NAMES["en"]:
        return str(finding["owner"])
    return FINDING_OWNERS.get(code, "RevOps")


def finding_heading(lang: str, finding: dict[str, Any]) -> str:
    """The finding's title with its segment or transition."""
    title = name(FINDING_TITLES, lang, finding.get("code"))
    where = []
    if finding.get("transition"):
        where.append(transition_name(lang, finding["transition"]))
    segment = finding.get("segment")
    if segment:
        where.append(f"{name(DIMENSION_NAMES, lang, segment.get('dimension'))}: {segment.get('value')}")
    if not where:
        return title
    return f"{title} ({', '.join(where)})" if lang == "en" else f"{title}（{'、'.join(where)}）"


def conversion(diagnosis: dict[str, Any], transition: str | None) -> dict[str, Any]:
    """The diagnosis's conversion entry for ``transition`` (empty if none)."""
    for entry in diagnosis.get("funnel", {}).get("conversions", []):
        if entry.get("transition") == transition:
            return dict(entry)
    return {}


def header(ctx: MemoContext, summary: dict[str, Any]) -> list[tuple[str, str]]:
    """Label/value pairs under the title: data covered, as-of date, periods compared."""
    lang, diag = ctx.lang, ctx.diagnosis
    files = ", ".join(f["name"] for f in summary["files"]) or label(lang, "data_in_memory")
    covered = label(
        lang, "data_covered_value", rows=fmt_count(lang, summary["rows"]), files=files,
        first=summary["first_created"] or "?", last=summary["last_created"] or "?",
    )
    rows = [(label(lang, "data_covered"), covered), (label(lang, "as_of"), str(diag.get("as_of", "")))]
    periods = diag.get("periods") or {}
    if periods.get("current"):
        grain = label(lang, f"grain_{periods.get('grain', 'month')}")
        rows.append((label(lang, "periods"), label(
            lang, "periods_value", current=periods.get("current"),
            baseline=periods.get("baseline") or label(lang, "na"), grain=grain,
        )))
    return rows


def executive_summary(ctx: MemoContext, findings: list[dict[str, Any]], first_move: str) -> list[str]:
    """Three to five sentences: what is wrong, the bottleneck, revenue at stake, the first move."""
    lang, diag = ctx.lang, ctx.diagnosis
    ja = lang == "ja"
    out: list[str] = []
    serious = [f for f in findings if f.get("severity") in ("high", "medium")]
    if serious:
        top = serious[0]
        owner = name(OWNER_NAMES, lang, finding_owner(top))
        heading = finding_heading(lang, top)
        out.append(f"最も重要な課題は「{heading}」で、担当は{owner}です。" if ja
                   else f"The most important finding: {heading} — owned by {owner}.")
        others = [f for f in serious[1:] if f.get("severity") == "high"][:2]
        if others:
            parts = [f"「{finding_heading(lang, f)}」（担当：{name(OWNER_NAMES, lang, finding_owner(f))}）" if ja
                     else f"{finding_heading(lang, f)}, owned by {name(OWNER_NAMES, lang, finding_owner(f))}"
                     for f in others]
            out.append("このほか重要度の高い課題として、" + "、".join(parts) + "があります。" if ja
                       else "Also high priority: " + "; ".join(parts) + ".")
    else:
        out.append(label(lang, "no_findings"))
    bottleneck = diag.get("bottleneck") or {}
    lever = bottleneck.get("lever")
    if lever:
        lever_text = name(LEVER_NAMES, lang, lever)
        conv = conversion(diag, lever)
        if conv.get("baseline_rate") is not None and conv.get("current_rate") is not None:
            b, c = fmt_pct(lang, conv["baseline_rate"]), fmt_pct(lang, conv["current_rate"])
            out.append(f"売上を最も制約しているボトルネックは{lever_text}で、基準期間の{b}から当期は{c}になっています。"
                       if ja else f"The single constraint on revenue is {lever_text}: {c} now against {b} in the baseline.")
        else:
            out.append(f"売上を最も制約しているボトルネックは{lever_text}です。" if ja
                       else f"The single constraint on revenue is {lever_text}.")
        if bottleneck.get("revenue_impact") is not None:
            impact = fmt_money(lang, bottleneck["revenue_impact"])
            per = label(lang, "per_grain", grain=label(lang, f"grain_{(diag.get('periods') or {}).get('grain') or 'month'}"))
            out.append(f"このボトルネックによる売上への影響額は{per}{impact}と試算されます。" if ja
                       else f"Restoring it to the baseline is worth {impact} in revenue {per} (the revenue at stake).")
    else:
        out.append(label(lang, "bn_none"))
    out.append(f"最初の一手として、{first_move}" if ja else f"First move: {first_move}")
    return out[:5]


def funnel_section(ctx: MemoContext, charts: bool) -> Section:
    """Stage counts, conversions (all data, baseline, current), headline metrics and the chart."""
    lang, funnel = ctx.lang, ctx.diagnosis.get("funnel", {})
    section = Section("funnel", label(lang, "funnel"))
    stages = funnel.get("stages", [])
    has_amount = any(s.get("amount") is not None for s in stages)
    columns = [label(lang, "stage"), label(lang, "reached")] + ([label(lang, "amount")] if has_amount else [])
    rows = []
    for s in stages:
        row = [name(STAGE_NAMES, lang, s.get("stage")), fmt_count(lang, s.get("count"))]
        if has_amount:  # amounts are a deal concept: shown from the opportunity stage on
            deal_stage = s.get("stage") in ("opportunity", "won")
            row.append(fmt_money(lang, s.get("amount")) if deal_stage else label(lang, "na"))
        rows.append(row)
    section.add(Table(columns, rows, align=["left", "right", "right"], widths=[2, 1.2, 1.6]))
    conv_rows = [
        [transition_name(lang, c.get("transition", "")), fmt_pct(lang, c.get("rate")),
         fmt_pct(lang, c.get("baseline_rate")), fmt_pct(lang, c.get("current_rate"))]
        for c in funnel.get("conversions", [])
    ]
    section.add(Table(
        [label(lang, "transition"), label(lang, "rate_all"), label(lang, "rate_baseline"), label(lang, "rate_current")],
        conv_rows, align=["left", "right", "right", "right"], widths=[2, 1.4, 1.1, 1.1],
    ))
    metrics = [(k, v) for k, v in (ctx.diagnosis.get("metrics") or {}).items() if isinstance(v, int | float)]
    if metrics:
        section.add(Table(
            [label(lang, "metric"), label(lang, "value")],
            [[memo_plan.metric_label(lang, k), memo_plan.format_metric(lang, k, v)] for k, v in metrics],
            align=["left", "right"], widths=[2.5, 1.5],
        ))
    if charts and stages:
        lever = (ctx.diagnosis.get("bottleneck") or {}).get("lever")
        highlight = TRANSITIONS.index(lever) + 1 if lever in TRANSITIONS else None
        png = funnel_chart([name(STAGE_NAMES, lang, s.get("stage")) for s in stages],
                           [int(s.get("count") or 0) for s in stages], highlight=highlight)
        section.add(Figure("funnel.png", png, label(lang, "fig_funnel")))
    return section


def bottleneck_section(ctx: MemoContext, charts: bool) -> Section:
    """The lever, the revenue at stake, how it was computed, and the trend of the metric."""
    lang, diag = ctx.lang, ctx.diagnosis
    section = Section("bottleneck", label(lang, "bottleneck"))
    bottleneck = diag.get("bottleneck") or {}
    lever = bottleneck.get("lever")
    if not lever:
        section.add(Paragraph(label(lang, "bn_none")))
        return section
    rows = [[label(lang, "bn_lever"), name(LEVER_NAMES, lang, lever)],
            [label(lang, "bn_impact"), fmt_money(lang, bottleneck.get("revenue_impact"))]]
    conv = conversion(diag, lever)
    if conv:
        rows.append([label(lang, "rate_baseline"), fmt_pct(lang, conv.get("baseline_rate"))])
        rows.append([label(lang, "rate_current"), fmt_pct(lang, conv.get("current_rate"))])
    section.add(Table([label(lang, "metric"), label(lang, "value")], rows, align=["left", "right"], widths=[2, 2]))
    section.add(Paragraph(memo_plan.bottleneck_method(lang, bottleneck), bold_lead=label(lang, "bn_method") + ":"))
    if charts:
        figure = trend_figure(ctx, lever, transition_windows(diag, lever))
        if figure is not None:
            section.add(figure)
    return section


def findings_section(ctx: MemoContext, findings: list[dict[str, Any]], charts: bool) -> Section:
    """One subsection per finding: what the data shows, evidence, owner and playbook reasoning."""
    lang = ctx.lang
    section = Section("findings", label(lang, "findings"))
    if not findings:
        section.add(Paragraph(label(lang, "no_findings")))
    if not ctx.knowledge_available and findings:
        section.add(Paragraph(label(lang, "kb_unavailable")))
    for i, finding in enumerate(findings, start=1):
        code = finding.get("code", "")
        sub = Section(f"finding-{i}", f"{i}. {finding_heading(lang, finding)}")
        gap = "　" if lang == "ja" else " · "
        sub.add(Paragraph(
            f"{label(lang, 'severity')}: {name(SEVERITY_NAMES, lang, finding.get('severity'))}{gap}"
            f"{label(lang, 'owner')}: {name(OWNER_NAMES, lang, finding_owner(finding))}"
        ))
        if lang == "en" and finding.get("summary"):
            sub.add(Paragraph(str(finding["summary"]), bold_lead=label(lang, "engine_summary") + ":"))
        rows = evidence_rows(lang, finding.get("evidence") or {})
        if rows:
            sub.add(Table([label(lang, "metric"), label(lang, "value")], rows,
                          align=["left", "right"], widths=[2.6, 1.4], caption=label(lang, "evidence")))
        sub.add(Paragraph(memo_plan.reasoning_text(ctx, code, finding), bold_lead=label(lang, "reasoning") + ":"))
        section.subsections.append(sub)
    if charts and findings:
        figure = segment_figure(ctx, findings)
        if figure is not None:
            section.add(figure)
    return section


def assemble(ctx: MemoContext, today: dt.date, *, charts: bool = True) -> Memo:
    """The whole memo, sections in reading order; the appendix is built last (all calls known)."""
    lang = ctx.lang
    findings = ordered_findings(ctx.diagnosis)
    summary_data = ctx.calls[-1].result if ctx.calls and ctx.calls[-1].name == "dataset_summary" else {}
    planned = memo_plan.plan_actions(ctx, findings, finding_owner)
    body = [
        funnel_section(ctx, charts),
        bottleneck_section(ctx, charts),
        findings_section(ctx, findings, charts),
        memo_plan.actions_section(ctx, planned),
        memo_plan.plan_section(ctx, planned),
    ]
    first_move = planned[0].text if planned else label(lang, "no_findings")
    summary = executive_summary(ctx, findings, first_move)
    body.append(memo_plan.appendix_section(ctx, summary_data))
    return Memo(
        lang=lang,
        title=label(lang, "title"),
        date=f"{label(lang, 'date')}: {today.isoformat()}",
        header=header(ctx, summary_data),
        summary=summary,
        sections=body,
        tool_calls=list(ctx.calls),
        footer=label(lang, "footer"),
    )
