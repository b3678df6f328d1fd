"""Context for a headline metric: its sample size, the whole upload's value, and its trend.

``lookup_metric`` answers "what is the enterprise win rate?" with one value; a RevOps lead also
needs to know how many deals it rests on, how it compares with the company as a whole, and
whether it moved between the baseline and the current window. This module gathers those numbers
from the engine (``tools.diagnosis.metric_lookup`` and the cached diagnosis of the same slice);
counts are plain sums of the engine's own stage flags. Nothing here is worded: ``compose`` is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.schema import LOST_FLAG, REACHED_COLUMNS

if TYPE_CHECKING:
    from assistant.chat.tools.runtime import ToolRuntime

#: metric -> the bottleneck lever whose baseline/current windows track it
METRIC_LEVER = {
    "win_rate": "opportunity_to_won",
    "average_deal_size": "deal_size",
    "median_cycle_days": "cycle_time",
    "retention_rate": "retention",
}


def _counts(frame: Any, metric: str) -> dict[str, int]:
    won_col = REACHED_COLUMNS["won"]
    if won_col not in frame:
        return {}
    won = int(frame[won_col].astype(bool).sum())
    if metric == "win_rate" and LOST_FLAG in frame:
        return {"won": won, "lost": int(frame[LOST_FLAG].astype(bool).sum())}
    if metric == "average_deal_size":
        return {"won": won}
    return {}


def _trend(diagnosis: dict[str, Any], metric: str) -> dict[str, Any] | None:
    lever = METRIC_LEVER.get(metric)
    levers = (diagnosis.get("bottleneck") or {}).get("levers") or []
    change = next((lc for lc in levers if lc.get("lever") == lever), None)
    if not change or change.get("baseline") is None or change.get("current") is None:
        return None
    test = change.get("test") or {}
    periods = diagnosis.get("periods") or {}
    # a transition's windows can differ from the diagnosis periods (a longer, matured baseline)
    conversion: dict[str, Any] = next((c for c in (diagnosis.get("funnel") or {}).get("conversions", [])
                       if c.get("transition") == lever), {})
    return {
        "baseline": change["baseline"],
        "current": change["current"],
        "baseline_window": conversion.get("baseline_window") or periods.get("baseline"),
        "current_window": conversion.get("current_window") or periods.get("current"),
        "n_baseline": test.get("n_baseline"),
        "n_current": test.get("n_current"),
        "p_value": test.get("p_value"),
        "significant": bool(change.get("significant")),
    }


def metric_context(
    ctx: ToolRuntime, metric: str, segment_dimension: str | None, segment_value: str | None
) -> dict[str, Any]:
    """``{"n": {...}, "overall": value (segments only), "trend": {...}}`` for one unsplit metric."""
    from tools.diagnosis import metric_lookup

    out: dict[str, Any] = {}
    counts = _counts(ctx.subset(segment_dimension, segment_value).frame, metric)
    if counts:
        out["n"] = counts
    if segment_dimension and segment_value:
        whole = ctx.cached(("metric", metric, None), lambda: metric_lookup(ctx.require_data(), metric))
        out["overall"] = whole["values"].get("all")
    if metric in METRIC_LEVER:
        try:
            trend = _trend(ctx.diagnosis(segment_dimension, segment_value), metric)
        except Exception:  # a slice too small to diagnose still has its value and counts
            trend = None
        if trend:
            out["trend"] = trend
    return out
