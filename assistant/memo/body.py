"""The memo's body after the brief and the plan: the revenue bridge, the funnel, the bottleneck and
the findings, each figure labelled with its unit and window; evidence tables live in the appendix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.memo.bridge import BridgeView, bridge_view, forecast_view
from assistant.memo.causes import describe
from assistant.memo.charts import waterfall_chart
from assistant.memo.context import MemoContext
from assistant.memo.effects import mix_effect, restore_effect
from assistant.memo.figures import segment_figure, transition_windows, trend_figure
from assistant.memo.model import Figure, Paragraph, Section, Table
from assistant.memo.playbook import reasoning_text
from assistant.memo.roadmap import finding_owner
from tools.schema import TRANSITIONS

#: Headline metrics shown in the funnel section: (key, format, window) with window one of
#: "all" (whole data), "as_of" (open today), "current" / "baseline" (the diagnosis windows).
METRIC_ROWS: tuple[tuple[str, str, str], ...] = (
    ("won_revenue_baseline", "money", "baseline"),
    ("won_revenue_current", "money", "current"),
    ("win_rate", "pct", "all"),
    ("average_deal_size", "money", "all"),
    ("median_cycle_days", "days", "all"),
    ("follow_up_within_sla", "pct", "all"),
    ("median_follow_up_hours", "hours", "all"),
    ("open_pipeline", "money", "as_of"),
    ("weighted_pipeline", "money", "as_of"),
    ("open_deals", "count", "as_of"),
    ("churn_rate", "pct", "current"),
    ("active_customers", "count", "current"),
)
_METRIC_NAMES = {"won_revenue_baseline": "won_revenue", "won_revenue_current": "won_revenue"}


def _noise_verdict(ctx: MemoContext, names: list[str], bridge: BridgeView) -> str:
    """The change against its usual variation, then which components stand out from noise."""
    w = ctx.words
    text = ""
    if bridge.material is not None and bridge.usual_variation is not None:
        text = w.label("bridge_unusual" if bridge.material else "bridge_usual", sd=w.money(bridge.usual_variation))
    if all(s.beyond_noise is None for s in bridge.steps):
        return text
    beyond = [f"{n} {w.money(s.amount, signed=True)}" for n, s in zip(names, bridge.steps, strict=True) if s.beyond_noise]
    extra = w.label("bridge_beyond", names=("、" if w.ja else ", ").join(beyond)) if beyond else w.label("bridge_none")
    return f"{text}{'' if w.ja or not text else ' '}{extra}"


def bridge_section(ctx: MemoContext, charts: bool) -> Section | None:
    """Won revenue baseline → current by driver (table and waterfall), and the quarter forecast."""
    bridge = bridge_view(ctx.diagnosis)
    if bridge is None:
        return None
    w = ctx.words
    section = Section("bridge", w.label("bridge"))
    names = []
    for step in bridge.steps:
        name = w.lever(step.driver)
        if step.driver == "mix" and step.dimension:
            name = f"{name}（{w.dimension(step.dimension)}）" if w.ja else f"{name} ({w.dimension(step.dimension)})"
        names.append(name)
    rows = [[w.label("bridge_start", window=w.period(bridge.baseline_label)), w.money(bridge.baseline_revenue)]]
    rows += [[n, w.money(s.amount, signed=True)] for n, s in zip(names, bridge.steps, strict=True)]
    if bridge.residual:
        rows.append([w.label("bridge_residual"), w.money(bridge.residual, signed=True)])
    rows.append([w.label("bridge_end", window=w.period(bridge.current_label)), w.money(bridge.current_revenue)])
    section.add(Table([w.label("bridge_driver"), w.label("bridge_amount")], rows, align=["left", "right"],
                      widths=[2.6, 1.2]))
    verdict = _noise_verdict(ctx, names, bridge)
    if verdict:
        section.add(Paragraph(verdict))
    if charts:
        amounts = [s.amount for s in bridge.steps] + ([bridge.residual] if bridge.residual else [])
        labels = names + ([w.label("bridge_residual")] if bridge.residual else [])
        values = [w.money(bridge.baseline_revenue), *(w.money(a, signed=True) for a in amounts),
                  w.money(bridge.current_revenue)]
        png = waterfall_chart(labels, amounts, start=bridge.baseline_revenue, end=bridge.current_revenue,
                              start_label=w.period(bridge.baseline_label), end_label=w.period(bridge.current_label),
                              value_labels=values)
        section.add(Figure("bridge.png", png, w.label("fig_bridge", baseline=w.period(bridge.baseline_label),
                                                       current=w.period(bridge.current_label)), width_cm=13.0))
    forecast = forecast_view(ctx.diagnosis)
    if forecast is not None:
        target = ""
        if forecast.target is not None and forecast.gap is not None:
            target = w.label("forecast_target", target=w.money(forecast.target), gap=w.money(forecast.gap, signed=True))
        text = w.label("forecast", period=forecast.period, expected=w.money(forecast.expected),
                       low=w.money(forecast.low), high=w.money(forecast.high), target=target)
        if forecast.backtest_periods and forecast.interval_hit_rate is not None:
            text += w.label("forecast_backtest", periods=forecast.backtest_periods,
                            hit=w.pct(forecast.interval_hit_rate, 0))
        section.add(Paragraph(text))
    return section


def _window_text(ctx: MemoContext, window: str) -> str:
    w = ctx.words
    if window == "all":
        return w.label("rate_all")
    if window == "as_of":
        return ctx.diagnosis.as_of.date().isoformat()
    label = ctx.current_label() if window == "current" else ctx.baseline_label()
    return w.period(label)


def funnel_section(ctx: MemoContext, charts: bool) -> Section:
    """Stage counts, conversions with the windows each compares, headline metrics, the chart."""
    w = ctx.words
    diag = ctx.diagnosis
    section = Section("funnel", w.label("funnel"))
    has_amount = any(s.amount is not None for s in diag.stages)
    columns = [w.label("stage"), w.label("reached")] + ([w.label("amount")] if has_amount else [])
    rows = []
    for s in diag.stages:
        cells = [w.stage(s.stage), w.count(s.count)]
        if has_amount:  # amounts are a deal concept: shown from the opportunity stage on
            cells.append(w.money(s.amount) if s.stage in ("opportunity", "won") else w.label("na"))
        rows.append(cells)
    section.add(Table(columns, rows, align=["left", "right", "right"], widths=[1.4, 1.6, 1.6]))
    conv_rows = []
    for row in diag.conversions:
        transition = row.overall.transition
        base, cur = transition_windows(ctx, transition)
        conv_rows.append([w.transition(transition), w.pct(row.overall.rate), w.windows(base, cur),
                          w.pct(row.baseline_rate), w.pct(row.current_rate)])
    section.add(Table(
        [w.label("transition"), w.label("rate_all"), w.label("window"), w.cap(w.which("baseline")),
         w.cap(w.which("current"))],
        conv_rows, align=["left", "right", "left", "right", "right"], widths=[1.6, 0.9, 2.0, 0.9, 0.9],
    ))
    metric_rows = []
    for key, fmt, window in METRIC_ROWS:
        value = diag.metrics.get(key)
        if not isinstance(value, int | float):
            continue
        formats: dict[str, Callable[[Any], str]] = {"money": w.money, "pct": w.pct, "days": w.days,
                                                    "hours": w.hours, "count": w.count}
        show = formats[fmt]
        metric_rows.append([w.cap(w.metric(_METRIC_NAMES.get(key, key))), _window_text(ctx, window), show(value)])
    if metric_rows:
        section.add(Table([w.label("metric"), w.label("window"), w.label("value")], metric_rows,
                          align=["left", "left", "right"], widths=[2.2, 1.4, 1.2]))
    return section


def bottleneck_section(ctx: MemoContext, charts: bool) -> Section:
    """The lever, its change with the windows compared, what fixing it is worth (and on what
    assumption), and the trend of the metric."""
    w = ctx.words
    bottleneck = ctx.diagnosis.bottleneck
    section = Section("bottleneck", w.label("bottleneck"))
    chosen = bottleneck.chosen
    if chosen is None or bottleneck.lever is None:
        section.add(Paragraph(w.label("bn_none")))
        return section
    lever = bottleneck.lever
    finding = next((f for f in ctx.serious() if f.mix_driven and f.transition == lever), None)
    effect = (mix_effect(ctx, finding) if finding is not None else None) or restore_effect(ctx, lever)
    base, cur = transition_windows(ctx, lever)
    show = w.pct if lever in TRANSITIONS or lever == "retention" else (
        w.days if lever == "cycle_time" else w.count if lever == "lead_volume" else w.money)
    change = f"{show(chosen.baseline)} → {show(chosen.current)}{w.paren(w.windows(base, cur))}"
    if finding is not None and finding.segment is not None:
        change += (f"。{w.segment(finding.segment)}への構成比の移動によるものです。" if w.ja
                   else f", because the mix moved to {w.segment(finding.segment)}.")
    section.add(Paragraph(w.sentence(change), bold_lead=w.lever_measure(lever) + ":"))
    if effect is not None:
        section.add(Paragraph(effect.text, bold_lead=w.label("bn_impact", grain=w.label(f"grain_{ctx.grain}")) + ":"))
    if charts:
        figure = trend_figure(ctx, lever, transition_windows(ctx, lever))
        if figure is not None:
            section.add(figure)
    return section


def findings_section(ctx: MemoContext, charts: bool) -> Section:
    """One short subsection per finding: severity, owner, what the data shows, playbook reasoning
    (for the serious ones) and where its evidence is."""
    w = ctx.words
    findings = ctx.findings()
    section = Section("findings", w.label("findings"))
    if not findings:
        section.add(Paragraph(w.label("no_findings")))
    for i, finding in enumerate(findings, start=1):
        where = w.transition(finding.transition) if finding.transition else ""
        if finding.segment is not None:
            where = w.listing([p for p in (where, w.segment(finding.segment)) if p])
        title = w.finding(finding.code) + (w.paren(where) if where else "")
        sub = Section(f"finding-{i}", f"{i}. {title}")
        gap = "　" if w.ja else " · "
        lead = f"{w.label('severity')}: {w.severity(finding.severity)}{gap}{w.label('owner')}: {w.owner(finding_owner(finding))}"
        serious = finding.severity in ("high", "medium")
        # the serious findings' figures are on the brief already; here: why the playbook says so
        said = reasoning_text(ctx, finding) if serious else describe(ctx, finding).text
        sub.add(Paragraph(w.join([said, w.label("evidence_ref", n=i)]), bold_lead=lead + "."))
        section.subsections.append(sub)
    if charts and findings:
        figure = segment_figure(ctx, findings)
        if figure is not None:
            section.add(figure)
    return section


def body_sections(ctx: MemoContext, charts: bool) -> list[Section]:
    """The body in reading order (the bridge only when the diagnosis has one)."""
    sections: list[Any] = [bridge_section(ctx, charts), funnel_section(ctx, charts),
                           bottleneck_section(ctx, charts), findings_section(ctx, charts)]
    return [s for s in sections if s is not None]
