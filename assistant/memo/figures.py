"""The memo's data charts: the bottleneck metric by period and the breakdown behind the main finding.

The series come from recorded ``funnel_summary`` calls (by lead-creation cohort); the marked
baseline/current windows are the ones the engine compared. Returns ``None`` when the data cannot
support a chart (no period split, no dimension), so the memo is still written.
"""

from __future__ import annotations

from typing import Any

from assistant.memo.charts import breakdown_chart, trend_chart
from assistant.memo.context import MemoContext
from assistant.memo.evidence import transition_windows
from assistant.memo.model import Figure
from assistant.memo.text import DIMENSION_NAMES, LEVER_NAMES, label, name
from tools.schema import TRANSITIONS

MAX_CATEGORIES = 8
_LEGEND = {"en": ("baseline", "current", "not yet mature"), "ja": ("基準期間", "当期", "未成熟（転換途中）")}
_COHORT_NOTE = {
    "en": " (by lead-creation cohort; grey points are cohorts that have not had time to convert)",
    "ja": "（リード作成時期のコホート別。灰色の点は転換に必要な期間が経過していないコホート）",
}


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
    grain = (ctx.diagnosis.get("periods") or {}).get("grain") or "month"
    if lever not in (*TRANSITIONS, "lead_volume", "deal_size"):
        return None  # cycle time and retention have no per-cohort series in the funnel tool
    summary = _funnel_summary(ctx, period=grain)
    if not summary:
        return None
    groups = sorted(summary.get("groups", []), key=lambda g: str(g["key"].get("period")))
    periods = [str(g["key"].get("period")) for g in groups]
    lang = ctx.lang
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
    lever_name = name(LEVER_NAMES, lang, lever)
    spans = [[i for i, p in enumerate(periods) if in_window(p, w)] for w in windows]
    png = trend_chart(periods, values, ylabel=lever_name, windows=(windows[0], windows[1]), spans=spans,
                      immature=immature, percent=percent, legend=_LEGEND[lang])
    caption = label(lang, "fig_trend", lever=lever_name, grain=label(lang, f"grain_{grain}"))
    return Figure("trend.png", png, caption + _COHORT_NOTE[lang])


def _main_finding(ctx: MemoContext, findings: list[dict[str, Any]]) -> tuple[str, str, str | None] | None:
    """(transition, dimension, highlighted value) for the breakdown chart, or None."""
    lever = (ctx.diagnosis.get("bottleneck") or {}).get("lever")
    dims = ctx.data.dimensions
    for finding in findings:
        segment = finding.get("segment") or {}
        transition = finding.get("transition") or (lever if lever in TRANSITIONS else None)
        if segment.get("dimension") in dims and transition:
            return transition, segment["dimension"], str(segment.get("value"))
    transition = next((f.get("transition") for f in findings if f.get("transition")), None)
    transition = transition or (lever if lever in TRANSITIONS else None)
    dimension = next((d for d in ("lead_source", "segment", "industry") if d in dims), None)
    if transition and dimension:
        return transition, dimension, None
    return None


def segment_figure(ctx: MemoContext, findings: list[dict[str, Any]]) -> Figure | None:
    """Conversion of the main finding's transition per dimension value, baseline vs current."""
    chosen = _main_finding(ctx, findings)
    if chosen is None:
        return None
    transition, dimension, highlight = chosen
    grain = (ctx.diagnosis.get("periods") or {}).get("grain") or "month"
    baseline, current = transition_windows(ctx.diagnosis, transition)
    summary = _funnel_summary(ctx, by=dimension, period=grain)
    if not summary:
        return None
    lang = ctx.lang
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
    legend = _LEGEND[lang]
    series = {
        f"{legend[i]} ({window})": [
            _pooled_conversion(groups_by_value[c].get(which, []), transition) for c in categories
        ]
        for i, (which, window) in enumerate((("baseline", baseline), ("current", current)))
    }
    metric = name(LEVER_NAMES, lang, transition)
    png = breakdown_chart(categories, series, ylabel=metric, highlight=highlight)
    caption = label(lang, "fig_segment", metric=metric, dimension=name(DIMENSION_NAMES, lang, dimension))
    return Figure("breakdown.png", png, caption)
