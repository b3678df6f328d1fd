"""Plain-text rendering of a ``Diagnosis`` for the terminal, in English or Japanese."""

from __future__ import annotations

import unicodedata
from typing import Any

from tools.diagnosis import Diagnosis
from tools.load_text import render_load_text
from tools.schema import STAGES, TRANSITION_STAGES
from tools.wording import (
    Lang,
    as_lang,
    capitalised,
    driver_label,
    finding_label,
    format_count,
    format_number,
    lever_label,
    metric_label,
    segment_label,
    severity_label,
    stage_label,
    transition_label,
    volume_label,
    window_label,
)
from tools.wording.finding_sentence import finding_sentence
from tools.wording.report_labels import GRAIN_NAMES, REPORT_LABELS

__all__ = ["render_diagnosis_text"]


def _pct(value: Any) -> str:
    """A rate as the report has always printed it: Python's rounding of the float. Not
    ``format_percent``, which rounds the float's shortest repr half-even: on the JSON's 4-decimal
    values (0.2505) the two disagree at the tie (25.1% vs 25.0%)."""
    return "—" if value is None else f"{value:.1%}"


def _money(value: Any) -> str:
    """Every unit, grouped: the report's tables reconcile to the unit."""
    return format_number(value, "en", 0)


def _width(text: str) -> int:
    """Terminal cells: full-width (East Asian wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _ljust(text: str, cells: int) -> str:
    return text + " " * max(cells - _width(text), 0)


def _rjust(text: str, cells: int) -> str:
    return " " * max(cells - _width(text), 0) + text


def _spanning_conversions(stages: list[dict[str, Any]], hidden: set[str], start: int, lang: Lang) -> list[str]:
    """Conversion across stages the data does not observe (Lead → Opportunity for a converted flag)."""
    counts = {s["stage"]: s["count"] for s in stages}
    shown = [s for s in STAGES[start:] if s not in hidden]
    lines = []
    for earlier, later in zip(shown, shown[1:], strict=False):
        if STAGES.index(later) - STAGES.index(earlier) > 1 and counts.get(earlier):
            name = f"{stage_label(earlier, lang)} → {stage_label(later, lang)}"
            lines.append(f"  {_ljust(name, 22)}{_rjust(_pct(counts[later] / counts[earlier]), 10)}")
    return lines


def render_diagnosis_text(diagnosis: Diagnosis, lang: str = "en") -> str:
    """The ``revops diagnose`` text report."""
    language = as_lang(lang)
    t = REPORT_LABELS[language]
    d = diagnosis.to_dict()
    undated = (caps := diagnosis.load.capabilities) is not None and not caps.dated  # no "as of" today
    lines = [f"{t['title']} — {t['undated'] if undated else t['as_of'] + ' ' + d['as_of']} "
             f"({format_count(d['rows'])} {t['rows']})"]
    periods = d["periods"]
    lines.append(t["no_trends"] if undated else f"{t['windows']}: {periods['current'] or '—'} {t['vs']} {periods['baseline'] or '—'} ({GRAIN_NAMES[language].get(periods['grain'], periods['grain'])})")
    lines += ["", t["funnel"]]
    lines.append(f"  {_ljust(t['stage'], 14)}{_rjust(t['count'], 12)}{_rjust(t['amount'], 20)}")
    # stages the data does not observe (before an opportunity-only export's start, or with no column
    # of their own) get no figures: their counts would only restate a neighbouring stage's
    start = STAGES.index(caps.funnel_start) if caps is not None and caps.funnel_start in STAGES else 0
    hidden = set(STAGES[:start]) | set(caps.unobserved_stages if caps is not None else [])
    for s in d["funnel"]["stages"]:
        stage = stage_label(s["stage"], language)
        count = f"{s['count']:>12,}" if s["stage"] not in hidden else f"{'—':>12}"
        lines.append(f"  {_ljust(stage, 14)}{count}{_money(s['amount']):>20}")
    lines.append("")
    header = [_rjust(t["rate"], 10)] + [_rjust(capitalised(window_label(k, language)), 10) for k in ("baseline", "current")]
    lines.append(f"  {_ljust(t['transition'], 22)}{''.join(header)}")
    for c in d["funnel"]["conversions"]:
        name = transition_label(c["transition"], language)
        observed = not set(TRANSITION_STAGES[c["transition"]]) & hidden
        rates = "".join(_rjust(_pct(c[k] if observed else None), 10) for k in ("rate", "baseline_rate", "current_rate"))
        lines.append(f"  {_ljust(name, 22)}{rates}")
    lines += _spanning_conversions(d["funnel"]["stages"], hidden, start, language)
    lines += ["", t["metrics"]]
    m = d["metrics"]
    def metric(key: str) -> str:
        return capitalised(metric_label(key, language)) + (t["current_window"] if key == "churn_rate" else "")

    for key in ("win_rate", "churn_rate"):  # from the unrounded value, as the chat and the memo (0.021505 is 2.2%)
        lines.append(f"  {metric(key)}: {_pct(diagnosis.metrics.get(key))}")
    for key in ("average_deal_size", "open_pipeline", "weighted_pipeline"):
        lines.append(f"  {metric(key)}: {_money(m.get(key))}")
    for key in ("median_cycle_days", "median_follow_up_hours"):
        value = m.get(key)
        lines.append(f"  {metric(key)}: {'—' if value is None else f'{value:.1f}'}")
    lines += bridge_lines(diagnosis, language) + forecast_lines(diagnosis, language)
    b = d["bottleneck"]
    lines += ["", t["bottleneck"]]
    if b["lever"] is None:
        lines.append(f"  {t['not_judged' if undated else 'none']}")
        explanation = diagnosis.bottleneck.explanation_in(language)
        if diagnosis.bottleneck.levers and (language == "ja" or diagnosis.bottleneck.explanation_ja is not None) and explanation:
            lines.append(f"  {explanation}")
    else:
        lever = volume_label(b["lever"], caps.funnel_start if caps else None, language) or lever_label(b["lever"], language)
        lines.append(f"  {lever} — {t['impact']}: {_money(b['revenue_impact'])}")
        explanation = diagnosis.bottleneck.explanation_in(language)
        if explanation:
            lines.append(f"  {explanation}")
    lines += ["", t["findings"]]
    if not d["findings"]:
        lines.append(f"  {t['not_judged' if undated else 'no_findings']}")
    for f in d["findings"]:
        sev, name = severity_label(f["severity"], language), finding_label(f["code"], language)
        lines.append(f"  [{sev}] {name}: {finding_sentence(f, language)}")
    lines += render_load_text(diagnosis.load, language)
    lines += ["", t["quality"]]
    if not d["data_quality"]:
        lines.append(f"  {t['no_quality']}")
    for q in d["data_quality"]:
        lines.append(f"  - {q['message']} ({q['rows']} {t['rows_affected']})")
    return "\n".join(lines)


def bridge_lines(diagnosis: Diagnosis, lang: Lang = "en") -> list[str]:
    """The revenue bridge as a waterfall table: baseline, each driver, residual, current."""
    bridge = diagnosis.revenue_bridge
    if bridge is None:
        return []
    t = REPORT_LABELS[lang]
    start = diagnosis.load.capabilities.funnel_start if diagnosis.load.capabilities else None
    width = 34
    rows = [(t["bridge_baseline"], _money(bridge.baseline_revenue), "")]
    for c in bridge.by_driver():
        name = volume_label(c.driver, start, lang) or driver_label(c.driver, c.dimension, lang)
        noise = "" if c.noise is None else t["beyond_noise" if c.beyond_noise else "within_noise"]
        rows.append((capitalised(name), f"{c.amount:+,.0f}", noise))
    rows.append((t["residual"], f"{bridge.residual:+,.0f}", ""))
    rows.append((t["bridge_current"], _money(bridge.current_revenue), ""))
    lines = ["", f"{t['bridge']} ({bridge.baseline.label} → {bridge.current.label})"]
    lines += [f"  {_ljust(name, width)}{_rjust(value, 20)}{'  ' + noise if noise else ''}" for name, value, noise in rows]
    rel = bridge.relative_change
    if rel is not None and bridge.variation is not None:
        usual = t["beyond"] if bridge.material else t["within"]
        lines.append(f"  {rel:+.0%} ({usual}, ±{bridge.variation.change_sd:,.0f})")
    top = bridge.largest_driver()
    if top is not None:
        where = f" — {segment_label(top.dimension, top.value, lang)}" if top.dimension and top.value else ""
        name = volume_label(top.driver, start, lang) or driver_label(top.driver, top.dimension, lang)
        lines.append(f"  {t['largest']}: {name}{where} ({top.amount:+,.0f})")
    elif bridge.change:
        lines.append(f"  {t['none_stands_out']}")
    return lines


def forecast_lines(diagnosis: Diagnosis, lang: Lang = "en") -> list[str]:
    """One forecast line (closed, expected, interval, target, gap, coverage) and the backtest."""
    f = diagnosis.forecast
    if f is None:
        return []
    t = REPORT_LABELS[lang]
    parts = [
        f"{t['closed']} {f.closed:,.0f}",
        f"{t['expected']} {f.expected:,.0f} ({t['interval']} {f.low:,.0f}–{f.high:,.0f})",
    ]
    if f.target is not None and f.gap is not None:
        parts.append(f"{t['target']} {f.target:,.0f}, {t['gap']} {-f.gap:+,.0f}")
    if f.coverage is not None:
        parts.append(f"{t['coverage']} {f.coverage:.1f}×")
    lines = ["", f"{t['forecast']} {f.period}", "  " + "; ".join(parts)]
    if f.backtest is not None and f.backtest.periods:
        hits = sum(q.hit for q in f.backtest.quarters)
        lines.append("  " + t["backtest"].format(hits=hits, n=f.backtest.periods))
    return lines
