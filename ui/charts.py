"""Plotly figures for the web app, drawn from the diagnosis dict (SPEC §5) — never recomputed.

``funnel_figure`` shows the reached count per stage; ``finding_figure`` shows the evidence of the
main finding: its baseline-vs-current pairs when the evidence has them, otherwise the
baseline-vs-current conversion of each transition with the finding's transition highlighted.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tools.wording import STAGE_NAMES
from ui.labels import label

WINDOW_NAMES = {"baseline": {"en": "baseline", "ja": "比較期間"}, "current": {"en": "current", "ja": "直近期間"}}
EVIDENCE_NAMES: dict[str, dict[str, str]] = {
    "overall": {"en": "overall rate", "ja": "全体の転換率"},
    "segment": {"en": "segment rate", "ja": "該当層の転換率"},
    "driver_share": {"en": "share of the cohort", "ja": "該当層の構成比"},
    "other_leads": {"en": "other leads", "ja": "その他のリード"},
    "leads": {"en": "leads", "ja": "リード数"},
    "won_revenue": {"en": "won revenue", "ja": "受注金額"},
    "deal_size": {"en": "deal size", "ja": "受注単価"},
    "churn": {"en": "churn rate", "ja": "解約率"},
    "within_sla": {"en": "followed up within SLA", "ja": "SLA内の初回対応"},
}
_BASE_COLOR = "#9aa7b8"
_CURRENT_COLOR = "#2f6fdf"
_ALERT_COLOR = "#d9534f"
_MAX_PAIRS = 3


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.02, "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "Noto Sans CJK JP, Noto Sans JP, sans-serif", "size": 12},
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def _stage_name(stage: str, lang: str) -> str:
    return STAGE_NAMES.get(lang, {}).get(stage, stage)


def transition_name(transition: str | None, lang: str) -> str:
    """``mql_to_sql`` -> ``MQL → SQL`` in the UI language."""
    if not transition or "_to_" not in transition:
        return transition or ""
    start, end = transition.split("_to_", 1)
    return f"{_stage_name(start, lang)} → {_stage_name(end, lang)}"


def funnel_figure(diagnosis: dict[str, Any] | None, lang: str = "en") -> go.Figure | None:
    """The funnel: records that reached each stage, with stage-to-stage conversion."""
    if not diagnosis:
        return None
    stages = diagnosis.get("funnel", {}).get("stages", [])
    if not stages:
        return None
    bottleneck = (diagnosis.get("bottleneck") or {}).get("lever")
    highlight = bottleneck.split("_to_", 1)[1] if bottleneck and "_to_" in bottleneck else None
    colors = [_ALERT_COLOR if s["stage"] == highlight else _CURRENT_COLOR for s in stages]
    fig = go.Figure(
        go.Funnel(
            y=[_stage_name(s["stage"], lang) for s in stages],
            x=[s["count"] for s in stages],
            textinfo="value+percent previous",
            marker={"color": colors},
        )
    )
    return _layout(fig, label(lang, "funnel_chart"), height=340)


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


def evidence_name(key: str, lang: str) -> str:
    """A readable name for an evidence key (known keys translated, others de-underscored)."""
    return EVIDENCE_NAMES.get(key, {}).get(lang) or key.replace("_", " ")


def _pairs_figure(pairs: list[tuple[str, float, float]], title: str, lang: str) -> go.Figure:
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=[evidence_name(p[0], lang) for p in pairs])
    windows = [WINDOW_NAMES["baseline"][lang], WINDOW_NAMES["current"][lang]]
    for col, (_, base, current) in enumerate(pairs, start=1):
        is_rate = 0 <= base <= 1 and 0 <= current <= 1
        fig.add_trace(
            go.Bar(x=windows, y=[base, current], marker={"color": [_BASE_COLOR, _CURRENT_COLOR]}, showlegend=False,
                   texttemplate="%{y:.1%}" if is_rate else "%{y:,.0f}", textposition="outside", cliponaxis=False),
            row=1,
            col=col,
        )
        top = max(base, current, 0.0) * 1.2 or 1.0  # head-room for the value labels
        fig.update_yaxes(tickformat=".0%" if is_rate else "~s", range=[0, top], row=1, col=col)
    fig = _layout(fig, title, height=340)
    fig.update_layout(margin={"t": 80})
    return fig


def _conversions_figure(diagnosis: dict[str, Any], highlight: str | None, title: str, lang: str) -> go.Figure:
    rows = diagnosis.get("funnel", {}).get("conversions", [])
    names = [transition_name(r["transition"], lang) for r in rows]
    fig = go.Figure()
    for window, color in (("baseline", _BASE_COLOR), ("current", _CURRENT_COLOR)):
        values = [r.get(f"{window}_rate") for r in rows]
        fig.add_trace(go.Bar(name=WINDOW_NAMES[window][lang], x=names, y=values, marker={"color": color}))
    if highlight in [r["transition"] for r in rows]:
        index = [r["transition"] for r in rows].index(highlight)
        fig.add_vrect(x0=index - 0.45, x1=index + 0.45, fillcolor=_ALERT_COLOR, opacity=0.08, line_width=0)
    fig.update_yaxes(tickformat=".0%")
    fig.update_layout(barmode="group")
    return _layout(fig, title, height=340)


def finding_name(code: str, lang: str) -> str:
    """The finding's name in the UI language (``tools.wording``), else its code."""
    from tools.wording import as_lang, finding_label

    return finding_label(code, as_lang(lang))


def main_finding(diagnosis: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first (most severe) finding, if any."""
    findings = (diagnosis or {}).get("findings") or []
    return findings[0] if findings else None


def finding_figure(diagnosis: dict[str, Any] | None, lang: str = "en") -> go.Figure | None:
    """The main finding's evidence as a chart (``None`` when there is no data)."""
    if not diagnosis:
        return None
    finding = main_finding(diagnosis)
    title = label(lang, "finding_chart")
    if finding is None:
        return _conversions_figure(diagnosis, None, title, lang)
    title = f"{title}: {finding_name(finding['code'], lang)}"
    pairs = evidence_pairs(finding.get("evidence") or {})
    if pairs:
        return _pairs_figure(pairs, title, lang)
    transition = finding.get("transition") or (diagnosis.get("bottleneck") or {}).get("lever")
    return _conversions_figure(diagnosis, transition, title, lang)
