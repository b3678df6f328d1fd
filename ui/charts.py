"""The diagnosis panel's charts, drawn from the diagnosis dict (SPEC §5), never recomputed.

``funnel_figure`` shows the reached count per stage; ``finding_figure`` shows the evidence of the
main finding: its baseline-vs-current pairs when the evidence has them, otherwise the
baseline-vs-current conversion of each transition with the finding's transition highlighted.
Titles, axes and every number are in the UI language.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tools.wording import Lang, finding_label, format_count, stage_label, transition_label, window_label
from ui.chart_style import ALERT_COLOR, BASE_COLOR, CURRENT_COLOR, format_value, style, value_axis
from ui.labels import label

#: Names of the evidence pairs findings carry (``{"leads": {"baseline": .., "current": ..}}``).
EVIDENCE_NAMES: dict[str, dict[str, str]] = {
    "overall": {"en": "overall rate", "ja": "全体の転換率"},
    "segment": {"en": "segment rate", "ja": "該当層の転換率"},
    "rest_of_dimension": {"en": "rest of the dimension", "ja": "その他の層の転換率"},
    "driver_share": {"en": "share of the cohort", "ja": "該当層の構成比"},
    "mix_test": {"en": "rate expected at today's mix", "ja": "現在の構成比での見込み転換率"},
    "other_leads": {"en": "other leads", "ja": "その他のリード"},
    "leads": {"en": "leads", "ja": "リード数"},
    "won_revenue": {"en": "won revenue", "ja": "受注金額"},
    "deal_size": {"en": "deal size", "ja": "受注単価"},
    "churn": {"en": "churn rate", "ja": "解約率"},
    "within_sla": {"en": "followed up within SLA", "ja": "SLA内の初回対応"},
    "median_hours": {"en": "median follow-up hours", "ja": "初回対応時間の中央値"},
    "closed_in_time": {"en": "closed within the usual cycle", "ja": "通常期間内の成約率"},
    "value_weighted": {"en": "win rate weighted by deal value", "ja": "金額で重み付けした受注率"},
    "by_amount": {"en": "win rate by amount", "ja": "金額ベースの受注率"},
    "segment_by_amount": {"en": "segment win rate by amount", "ja": "該当層の金額ベースの受注率"},
}
#: How each evidence pair's values are written (rates unless listed).
EVIDENCE_UNITS: dict[str, str] = {
    "leads": "count", "other_leads": "count", "won_revenue": "money", "deal_size": "money",
    "median_hours": "hours",
}
_MAX_PAIRS = 3


def funnel_figure(diagnosis: dict[str, Any] | None, lang: Lang = "en") -> go.Figure | None:
    """The funnel: records that reached each stage, with stage-to-stage conversion."""
    if not diagnosis:
        return None
    stages = diagnosis.get("funnel", {}).get("stages", [])
    if not stages:
        return None
    bottleneck = (diagnosis.get("bottleneck") or {}).get("lever")
    highlight = bottleneck.split("_to_", 1)[1] if bottleneck and "_to_" in bottleneck else None
    colors = [ALERT_COLOR if s["stage"] == highlight else CURRENT_COLOR for s in stages]
    texts = [format_count(s["count"], lang) for s in stages]
    fig = go.Figure(go.Funnel(
        y=[stage_label(s["stage"], lang) for s in stages], x=[s["count"] for s in stages], text=texts,
        textinfo="text+percent previous", marker={"color": colors}, customdata=texts,
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    ))
    return style(fig, label(lang, "funnel_chart"), height=340, legend=False)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def evidence_pairs(evidence: dict[str, Any]) -> list[tuple[str, float, float]]:
    """Baseline/current pairs in a finding's evidence.

    Either nested (``{"leads": {"baseline": 1676, "current": 2705}}``) or flat
    (``driver_share_baseline`` / ``driver_share_current``); at most three.
    """
    pairs: list[tuple[str, float, float]] = []
    for key, value in evidence.items():
        if isinstance(value, dict):
            base, current = _number(value.get("baseline")), _number(value.get("current"))
            name = key
        elif "baseline" in key:
            base, current = _number(value), _number(evidence.get(key.replace("baseline", "current")))
            name = key.replace("baseline", "").strip("_") or "value"
        else:
            continue
        if base is not None and current is not None:
            pairs.append((name, base, current))
    return pairs[:_MAX_PAIRS]


def evidence_name(key: str, lang: Lang) -> str:
    """A readable name for an evidence key (known keys and transitions translated)."""
    known = EVIDENCE_NAMES.get(key, {}).get(lang)
    if known:
        return known
    if "_to_" in key:
        return transition_label(key, lang)
    return key.replace("_", " ")


def evidence_unit(key: str) -> str:
    return EVIDENCE_UNITS.get(key, "percent")


def _pairs_figure(pairs: list[tuple[str, float, float]], title: str, lang: Lang) -> go.Figure:
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=[evidence_name(p[0], lang) for p in pairs])
    windows = [window_label("baseline", lang), window_label("current", lang)]
    for col, (key, base, current) in enumerate(pairs, start=1):
        unit = evidence_unit(key)
        texts = [format_value(base, unit, lang), format_value(current, unit, lang)]
        fig.add_trace(
            go.Bar(x=windows, y=[base, current], marker={"color": [BASE_COLOR, CURRENT_COLOR]}, showlegend=False,
                   text=texts, textposition="outside", cliponaxis=False, customdata=texts,
                   hovertemplate="%{x}: %{customdata}<extra></extra>"),
            row=1, col=col,
        )
        fig.update_yaxes(**value_axis([base, current], unit, lang), row=1, col=col)
    fig = style(fig, title, height=340, legend=False)
    fig.update_layout(margin={"t": 80})
    return fig


def _conversions_figure(diagnosis: dict[str, Any], highlight: str | None, title: str, lang: Lang) -> go.Figure:
    rows = diagnosis.get("funnel", {}).get("conversions", [])
    names = [transition_label(r["transition"], lang) for r in rows]
    fig = go.Figure()
    every: list[Any] = []
    for window, color in (("baseline", BASE_COLOR), ("current", CURRENT_COLOR)):
        values = [r.get(f"{window}_rate") for r in rows]
        every += values
        texts = [format_value(v, "percent", lang) for v in values]
        fig.add_trace(go.Bar(name=window_label(window, lang), x=names, y=values, marker={"color": color},
                             customdata=texts, hovertemplate="%{x}: %{customdata}<extra></extra>"))
    if highlight in [r["transition"] for r in rows]:
        index = [r["transition"] for r in rows].index(highlight)
        fig.add_vrect(x0=index - 0.45, x1=index + 0.45, fillcolor=ALERT_COLOR, opacity=0.08, line_width=0)
    fig.update_yaxes(**value_axis(every, "percent", lang))
    fig.update_layout(barmode="group")
    return style(fig, title, height=340)


def main_finding(diagnosis: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first (most severe) finding, if any."""
    findings = (diagnosis or {}).get("findings") or []
    return findings[0] if findings else None


def finding_figure(diagnosis: dict[str, Any] | None, lang: Lang = "en") -> go.Figure | None:
    """The main finding's evidence as a chart (``None`` when there is no data)."""
    if not diagnosis:
        return None
    finding = main_finding(diagnosis)
    title = label(lang, "finding_chart")
    if finding is None:
        return _conversions_figure(diagnosis, None, title, lang)
    title = f"{title}: {finding_label(finding['code'], lang)}"
    pairs = evidence_pairs(finding.get("evidence") or {})
    if pairs:
        return _pairs_figure(pairs, title, lang)
    transition = finding.get("transition") or (diagnosis.get("bottleneck") or {}).get("lever")
    return _conversions_figure(diagnosis, transition, title, lang)
