"""The memo's data charts: the bottleneck metric by period and the breakdown behind the main finding.

The series come from recorded ``funnel_summary`` calls (by lead-creation cohort); the marked
baseline/current windows are the ones the engine compared. Returns ``None`` when the data cannot
support a chart (no period split, no dimension), so the memo is still written.
"""

from __future__ import annotations

from typing import Any

from assistant.memo.charts import breakdown_chart, trend_chart
from assistant.memo.context import MemoContext
from assistant.memo.model import Figure
from tools.findings.model import Finding
from tools.schema import TRANSITIONS

MAX_CATEGORIES = 8


def transition_windows(ctx: MemoContext, lever: str | None) -> tuple[str | None, str | None]:
    """(baseline, current) labels the engine compared for ``lever``: a conversion's own
    mature-cohort windows, else the diagnosis windows."""
    row = ctx.conversion(lever)
    if row is not None and row.cohort.get("current_window"):
        base, cur = row.cohort.get("baseline_window"), row.cohort.get("current_window")
        return (str(base) if base else None), str(cur)
    return ctx.baseline_label(), ctx.current_label()


def _legend(ctx: MemoContext) -> tuple[str, str, str]:
    w = ctx.words
    return w.label("legend_baseline"), w.label("legend_current"), w.label("legend_immature")


def _months(period: str | None) -> tuple[int, int] | None:
    """First and last month index of a label: ``YYYY-MM``, ``YYYY-Qn`` or a range ``A..B``."""
    if not period:
        return None
    if ".." in period:
        first, _, last = period.partition("..")
        a, b = _months(first), _months(last)
        return (a[0], b[1]) if a and b else None
    year, _, part = period.partition("-")
    if not year.isdigit():
        return None
    if part.startswith("Q") and part[1:].isdigit():
        start = int(year) * 12 + (int(part[1:]) - 1) * 3
        return start, start + 2
    if part.isdigit():
        month = int(year) * 12 + int(part) - 1
        return month, month
    return None


def in_window(period: str, window: str | None) -> bool:
    """Whether the calendar period lies inside the engine's comparison window."""
    inner, outer = _months(period), _months(window)
    return bool(inner and outer and outer[0] <= inner[0] and inner[1] <= outer[1])


def _funnel_summary(ctx: MemoContext, **args: Any) -> dict[str, Any] | None:
    from tools.funnel import funnel_summary

    try:
        return dict(ctx.call("funnel_summary", funnel_summary, **args))
    except Exception:  # a chart is optional; the memo must still be written
        return None


def _conversion(group: dict[str, Any], transition: str) -> float | None:
    for conv in group.get("conversions", []):
        if conv.get("transition") == transition:
            return conv.get("rate")
    return None


def _pooled_conversion(groups: list[dict[str, Any]], transition: str) -> float | None:
    """The transition's conversion over several period groups (their counts pooled)."""
    if len(groups) == 1:
        return _conversion(groups[0], transition)
    reached = converted = 0
    for group in groups:
        for conv in group.get("conversions", []):
            if conv.get("transition") == transition:
                reached += int(conv.get("from_count") or 0)
                converted += int(conv.get("to_count") or 0)
    return converted / reached if reached else None


def _stage(group: dict[str, Any], stage: str) -> dict[str, Any]:
    for entry in group.get("stages", []):
        if entry.get("stage") == stage:
            return dict(entry)
    return {}


def trend_figure(ctx: MemoContext, lever: str, windows: tuple[str | None, str | None]) -> Figure | None:
    """The bottleneck lever by period, baseline and current windows marked."""
    grain = ctx.grain
    if lever not in (*TRANSITIONS, "lead_volume", "deal_size"):
        return None  # cycle time and retention have no per-cohort series in the funnel tool
    summary = _funnel_summary(ctx, period=grain)
    if not summary:
        return None
    groups = sorted(summary.get("groups", []), key=lambda g: str(g["key"].get("period")))
    periods = [str(g["key"].get("period")) for g in groups]
    if lever in TRANSITIONS:
        values = [_conversion(g, lever) for g in groups]
        immature = [lever in g.get("immature", []) for g in groups]
        percent = True
    elif lever == "lead_volume":
        values = [_stage(g, "lead").get("count") for g in groups]
        immature = [False] * len(groups)
        percent = False
    else:  # average won deal size per cohort: won amount over won count of the same call
        values = []
        for g in groups:
            won = _stage(g, "won")
            values.append(won["amount"] / won["count"] if won.get("count") and won.get("amount") else None)
        immature = ["opportunity_to_won" in g.get("immature", []) for g in groups]
        percent = False
    if len([v for v in values if v is not None]) < 2:
        return None
    w = ctx.words
    lever_name = w.lever_measure(lever)
    spans = [[i for i, p in enumerate(periods) if in_window(p, window)] for window in windows]
    png = trend_chart(periods, values, ylabel=w.lever(lever), windows=(windows[0], windows[1]), spans=spans,
                      immature=immature, percent=percent, legend=_legend(ctx))
    caption = w.label("fig_trend", lever=lever_name, grain=w.label(f"grain_{grain}"))
    return Figure("trend.png", png, caption + w.label("cohort_note"), width_cm=12.0)


def _main_finding(ctx: MemoContext, findings: list[Finding]) -> tuple[str, str, str | None] | None:
    """(transition, dimension, highlighted value) for the breakdown chart, or None."""
    lever = ctx.diagnosis.bottleneck.lever
    dims = ctx.data.dimensions
    for finding in findings:
        transition = finding.transition or (lever if lever in TRANSITIONS else None)
        if finding.segment is not None and finding.segment[0] in dims and transition:
            return transition, finding.segment[0], str(finding.segment[1])
    transition = next((f.transition for f in findings if f.transition), None)
    transition = transition or (lever if lever in TRANSITIONS else None)
    dimension = next((d for d in ("lead_source", "segment", "industry") if d in dims), None)
    if transition and dimension:
        return transition, dimension, None
    return None


def segment_figure(ctx: MemoContext, findings: list[Finding]) -> Figure | None:
    """Conversion of the main finding's transition per dimension value, baseline vs current."""
    chosen = _main_finding(ctx, findings)
    if chosen is None:
        return None
    transition, dimension, highlight = chosen
    grain = ctx.grain
    baseline, current = transition_windows(ctx, transition)
    summary = _funnel_summary(ctx, by=dimension, period=grain)
    if not summary:
        return None
    groups_by_value: dict[str, dict[str, list[dict[str, Any]]]] = {}
    sizes: dict[str, int] = {}
    for group in summary.get("groups", []):
        period = str(group["key"].get("period"))
        which = "baseline" if in_window(period, baseline) else "current" if in_window(period, current) else None
        if which is None:
            continue
        value = str(group["key"].get(dimension))
        groups_by_value.setdefault(value, {}).setdefault(which, []).append(group)
        sizes[value] = sizes.get(value, 0) + int(_stage(group, "lead").get("count") or 0)
    if not groups_by_value:
        return None
    categories = sorted(groups_by_value, key=lambda v: (-sizes[v], v))[:MAX_CATEGORIES]
    legend = _legend(ctx)
    w = ctx.words
    series = {
        f"{legend[i]} ({w.period(window)})": [
            _pooled_conversion(groups_by_value[c].get(which, []), transition) for c in categories
        ]
        for i, (which, window) in enumerate((("baseline", baseline), ("current", current)))
    }
    png = breakdown_chart(categories, series, ylabel=w.lever(transition), highlight=highlight)
    caption = w.label("fig_segment", metric=w.conversion(transition), dimension=w.dimension(dimension))
    return Figure("breakdown.png", png, caption, width_cm=12.0)
