"""Plain-text rendering of a ``Diagnosis`` for the terminal, in English or Japanese."""

from __future__ import annotations

import unicodedata
from typing import Any

from tools.diagnosis import Diagnosis
from tools.load_text import render_load_text
from tools.schema import STAGES, TRANSITION_STAGES
from tools.wording import (
    LEVER_NAMES,
    STAGE_NAMES,
    TRANSITION_NAMES,
    Lang,
    driver_label,
    segment_label,
    volume_label,
)

__all__ = ["LEVER_NAMES", "TRANSITION_NAMES", "ja_summary", "render_diagnosis_text"]

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Funnel diagnosis",
        "as_of": "As of",
        "undated": "undated snapshot (the upload has no dates)",
        "no_trends": "Comparison: none (without dates there are no periods, so no trends)",
        "not_judged": "not judged: changes over time need dated records (the chat shows the snapshot by dimension)",
        "rows": "records",
        "windows": "Comparison",
        "vs": "vs",
        "funnel": "Funnel",
        "stage": "Stage",
        "count": "Reached",
        "amount": "Amount",
        "transition": "Transition",
        "rate": "Overall",
        "baseline": "Baseline",
        "current": "Current",
        "metrics": "Key metrics",
        "bottleneck": "Bottleneck",
        "none": "none — no lever deteriorated significantly",
        "impact": "revenue at stake per period",
        "findings": "Findings",
        "no_findings": "No findings.",
        "quality": "Data quality",
        "no_quality": "No data-quality warnings.",
        "rows_affected": "rows",
        "win_rate": "Win rate",
        "average_deal_size": "Average deal size",
        "median_cycle_days": "Median sales cycle (days)",
        "median_follow_up_hours": "Median follow-up (hours)",
        "churn_rate": "Churn rate (current window)",
        "weighted_pipeline": "Weighted pipeline",
        "open_pipeline": "Open pipeline",
        "bridge": "Revenue bridge",
        "bridge_baseline": "Won revenue, baseline",
        "bridge_current": "Won revenue, current",
        "residual": "Residual",
        "within": "within its usual month-to-month variation",
        "beyond": "beyond its usual month-to-month variation",
        "largest": "Largest driver beyond noise",
        "beyond_noise": "beyond noise",
        "within_noise": "within noise",
        "none_stands_out": "No component stands out from the noise of the data behind it",
        "forecast": "Quarter forecast",
        "closed": "closed so far",
        "expected": "expected",
        "interval": "80% interval",
        "target": "target",
        "gap": "expected vs target",
        "coverage": "pipeline coverage",
        "backtest": "backtest: the 80% interval held in {hits} of {n} past quarters",
    },
    "ja": {
        "title": "ファネル診断",
        "as_of": "基準日",
        "undated": "日付のないスナップショット（データに日付がありません）",
        "no_trends": "比較期間: なし（日付がないため期間・推移はありません）",
        "not_judged": "判断していません: 推移の判断には日付が必要です（切り口別のスナップショットはチャットで表示）",
        "rows": "件",
        "windows": "比較期間",
        "vs": "対",
        "funnel": "ファネル",
        "stage": "ステージ",
        "count": "到達数",
        "amount": "金額",
        "transition": "遷移",
        "rate": "全期間",
        "baseline": "比較期間",
        "current": "直近",
        "metrics": "主要指標",
        "bottleneck": "ボトルネック",
        "none": "なし（有意に悪化したレバーはありません）",
        "impact": "期間あたりの影響売上",
        "findings": "検出事項",
        "no_findings": "検出事項はありません。",
        "quality": "データ品質",
        "no_quality": "データ品質の警告はありません。",
        "rows_affected": "行",
        "win_rate": "受注率",
        "average_deal_size": "平均受注金額",
        "median_cycle_days": "商談期間の中央値（日）",
        "median_follow_up_hours": "初回対応までの中央値（時間）",
        "churn_rate": "解約率（直近期間）",
        "weighted_pipeline": "加重パイプライン",
        "open_pipeline": "進行中パイプライン",
        "bridge": "売上ブリッジ",
        "bridge_baseline": "受注売上（比較期間）",
        "bridge_current": "受注売上（直近）",
        "residual": "残差",
        "within": "通常の月次変動の範囲内",
        "beyond": "通常の月次変動を超える変化",
        "largest": "通常の揺れを超える最大の要因",
        "beyond_noise": "揺れを超える",
        "within_noise": "揺れの範囲内",
        "none_stands_out": "どの要因も、その元データの通常の揺れを超えていません",
        "forecast": "四半期の着地予測",
        "closed": "受注済み",
        "expected": "予測",
        "interval": "80%区間",
        "target": "目標",
        "gap": "目標比",
        "coverage": "パイプラインカバレッジ",
        "backtest": "バックテスト: 過去{n}四半期中{hits}四半期で80%区間に実績が収まりました",
    },
}

FINDING_NAMES = {
    "en": {
        "kpi_green_revenue_flat": "KPIs green, revenue flat",
        "lead_quality_decline": "Lead quality decline",
        "mix_shift": "Mix shift",
        "conversion_drop": "Conversion drop",
        "slow_follow_up": "Slow follow-up",
        "lead_volume_decline": "Lead volume decline",
        "deal_size_drop": "Deal size drop",
        "cycle_time_increase": "Longer sales cycle",
        "churn_increase": "Churn increase",
        "stalled_pipeline": "Stalled pipeline",
        "recycle_opportunity": "Recycle opportunity",
        "pipeline_coverage_low": "Low pipeline coverage",
        "revenue_decline": "Revenue decline",
    },
    "ja": {
        "kpi_green_revenue_flat": "KPIは達成、売上は横ばい",
        "lead_quality_decline": "リードの質の低下",
        "mix_shift": "構成比の変化（ミックスシフト）",
        "conversion_drop": "転換率の低下",
        "slow_follow_up": "初回対応の遅れ",
        "lead_volume_decline": "リード数の減少",
        "deal_size_drop": "受注単価の低下",
        "cycle_time_increase": "商談期間の長期化",
        "churn_increase": "解約の増加",
        "stalled_pipeline": "停滞商談",
        "recycle_opportunity": "リサイクル機会",
        "pipeline_coverage_low": "パイプライン不足",
        "revenue_decline": "売上の減少",
    },
}
SEVERITY_NAMES = {
    "en": {"high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFO"},
    "ja": {"high": "重大", "medium": "中", "low": "低", "info": "参考"},
}


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value:.1%}"


def _money(value: Any) -> str:
    return "—" if value is None else f"{value:,.0f}"


def ja_summary(finding: dict[str, Any]) -> str:
    """A Japanese sentence for a finding, built from its evidence (no translation of free text)."""
    code = finding["code"]
    seg = finding.get("segment")
    where = f"（{segment_label(seg['dimension'], seg['value'], 'ja')}）" if seg else ""
    transition = TRANSITION_NAMES["ja"].get(finding.get("transition") or "", "")
    ev = finding.get("evidence", {})
    overall = ev.get("segment") or ev.get("overall") or {}
    if code == "conversion_drop":
        return (
            f"{transition}の転換率が{_pct(overall.get('baseline'))}から{_pct(overall.get('current'))}に"
            f"低下しました{where}。"
        )
    if code in ("mix_shift", "lead_quality_decline"):
        return (
            f"{transition}の全体の転換率は、{segment_label(seg['dimension'], seg['value'], 'ja') if seg else '一部'}の構成比が"
            f"{_pct(ev.get('driver_share_baseline'))}から{_pct(ev.get('driver_share_current'))}に増えたために"
            f"下がりました（この層の転換率は{_pct(ev.get('driver_rate'))}、その他は{_pct(ev.get('others_rate'))}）。"
            + ("セグメントごとの転換率は変わっていません。" if code == "mix_shift" else "")
        )
    if code == "slow_follow_up":
        sla = ev.get("within_sla", {})
        return (
            f"MQLへの24時間以内の初回対応率が{_pct(sla.get('baseline'))}から{_pct(sla.get('current'))}に"
            "低下し、MQL→SQLの転換率も下がっています。"
        )
    if code == "lead_volume_decline":
        leads = ev.get("leads", {})
        noun = volume_label("lead_volume", str(ev.get("volume_of") or "lead"), "ja") or "新規リード数"
        return f"{noun}が{_money(leads.get('baseline'))}件から{_money(leads.get('current'))}件に減少しました{where}。"
    if code == "deal_size_drop":
        d = ev.get("deal_size", {})
        ratio = ev.get("adjusted_ratio")
        like = f"同じセグメント構成で比べると{(ratio - 1) * 100:+.0f}%です（" if isinstance(ratio, float) else "（"
        return (
            f"受注金額が小さくなっています。{like}平均受注金額は{_money(d.get('baseline'))}から"
            f"{_money(d.get('current'))}）。"
        )
    if code == "cycle_time_increase":
        return (
            f"商談のクローズまでの期間の中央値が約{_money(ev.get('median_days_baseline'))}日から"
            f"約{_money(ev.get('median_days_current_estimate'))}日に延びています。"
        )
    if code == "churn_increase":
        c = ev.get("churn", {})
        return f"既存顧客の解約率が{_pct(c.get('baseline'))}から{_pct(c.get('current'))}に上昇しました。"
    if code == "kpi_green_revenue_flat":
        return (
            "リード・MQL・SQLなどの量のKPIは達成・増加していますが、売上は伸びていません"
            f"{where}。量を生んだ層の下流の転換率が低いためです。"
        )
    if code == "stalled_pipeline":
        return (
            f"進行中の商談{ev.get('open_deals')}件のうち{ev.get('stalled_deals')}件が"
            f"{_money(ev.get('stall_threshold_days'))}日以上動いていません。クローズまたは再評価が必要です。"
        )
    if code == "recycle_opportunity":
        return (
            f"失注商談{ev.get('lost_deals')}件と、{ev.get('min_age_days')}日以上SQLにならないMQL"
            f"{ev.get('unconverted_mqls')}件がリサイクル（再育成）の対象です。"
        )
    if code == "pipeline_coverage_low":
        return f"進行中パイプラインは売上目標の{ev.get('coverage', 0):.1f}倍しかありません（目安は3倍）。"
    if code == "revenue_decline":
        rev, top = ev.get("revenue", {}), ev.get("largest_driver")
        base, cur = rev.get("baseline"), rev.get("current")
        rel = f"{1 - cur / base:.0%}" if base and cur is not None else ""
        fell = f"受注売上が{_money(base)}から{_money(cur)}に{rel}減少しました。"
        if not top:
            return fell + LABELS["ja"]["none_stands_out"] + "。"
        what = driver_label(top.get("driver", ""), top.get("dimension"), "ja")
        return fell + f"売上ブリッジでは最大の要因は{what}{where}で、約{_money(-(top.get('amount') or 0.0))}の減少に相当します。"
    return str(finding.get("summary", ""))


GRAIN_NAMES: dict[str, dict[str, str]] = {
    "en": {"month": "month", "quarter": "quarter"},
    "ja": {"month": "月次", "quarter": "四半期"},
}


def _width(text: str) -> int:
    """Terminal cells: full-width (East Asian wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _ljust(text: str, cells: int) -> str:
    return text + " " * max(cells - _width(text), 0)


def _rjust(text: str, cells: int) -> str:
    return " " * max(cells - _width(text), 0) + text


def _spanning_conversions(stages: list[dict[str, Any]], hidden: set[str], start: int, lang: str) -> list[str]:
    """Conversion across stages the data does not observe (Lead → Opportunity for a converted flag)."""
    counts = {s["stage"]: s["count"] for s in stages}
    shown = [s for s in STAGES[start:] if s not in hidden]
    lines = []
    for earlier, later in zip(shown, shown[1:], strict=False):
        if STAGES.index(later) - STAGES.index(earlier) > 1 and counts.get(earlier):
            name = f"{STAGE_NAMES[lang][earlier]} → {STAGE_NAMES[lang][later]}"
            lines.append(f"  {_ljust(name, 22)}{_rjust(_pct(counts[later] / counts[earlier]), 10)}")
    return lines


def render_diagnosis_text(diagnosis: Diagnosis, lang: str = "en") -> str:
    """The ``revops diagnose`` text report."""
    lang = lang if lang in LABELS else "en"
    t = LABELS[lang]
    d = diagnosis.to_dict()
    undated = (caps := diagnosis.load.capabilities) is not None and not caps.dated  # no "as of" today
    lines = [f"{t['title']} — {t['undated'] if undated else t['as_of'] + ' ' + d['as_of']} ({d['rows']:,} {t['rows']})"]
    periods = d["periods"]
    lines.append(t["no_trends"] if undated else f"{t['windows']}: {periods['current'] or '—'} {t['vs']} {periods['baseline'] or '—'} ({GRAIN_NAMES[lang].get(periods['grain'], periods['grain'])})")
    lines += ["", t["funnel"]]
    lines.append(f"  {_ljust(t['stage'], 14)}{_rjust(t['count'], 12)}{_rjust(t['amount'], 20)}")
    # stages the data does not observe (before an opportunity-only export's start, or with no column
    # of their own) get no figures: their counts would only restate a neighbouring stage's
    start = STAGES.index(caps.funnel_start) if caps is not None and caps.funnel_start in STAGES else 0
    hidden = set(STAGES[:start]) | set(caps.unobserved_stages if caps is not None else [])
    for s in d["funnel"]["stages"]:
        stage = STAGE_NAMES[lang][s["stage"]]
        count = f"{s['count']:>12,}" if s["stage"] not in hidden else f"{'—':>12}"
        lines.append(f"  {_ljust(stage, 14)}{count}{_money(s['amount']):>20}")
    lines.append("")
    header = [_rjust(t[k], 10) for k in ("rate", "baseline", "current")]
    lines.append(f"  {_ljust(t['transition'], 22)}{''.join(header)}")
    for c in d["funnel"]["conversions"]:
        name = TRANSITION_NAMES[lang][c["transition"]]
        observed = not set(TRANSITION_STAGES[c["transition"]]) & hidden
        rates = "".join(_rjust(_pct(c[k] if observed else None), 10) for k in ("rate", "baseline_rate", "current_rate"))
        lines.append(f"  {_ljust(name, 22)}{rates}")
    lines += _spanning_conversions(d["funnel"]["stages"], hidden, start, lang)
    lines += ["", t["metrics"]]
    m = d["metrics"]
    for key in ("win_rate", "churn_rate"):
        lines.append(f"  {t[key]}: {_pct(m.get(key))}")
    for key in ("average_deal_size", "open_pipeline", "weighted_pipeline"):
        lines.append(f"  {t[key]}: {_money(m.get(key))}")
    for key in ("median_cycle_days", "median_follow_up_hours"):
        value = m.get(key)
        lines.append(f"  {t[key]}: {'—' if value is None else f'{value:.1f}'}")
    lines += bridge_lines(diagnosis, lang) + forecast_lines(diagnosis, lang)
    b = d["bottleneck"]
    lines += ["", t["bottleneck"]]
    if b["lever"] is None:
        lines.append(f"  {t['not_judged' if undated else 'none']}")
        explanation = diagnosis.bottleneck.explanation_in(lang)
        if diagnosis.bottleneck.levers and (lang == "ja" or diagnosis.bottleneck.explanation_ja is not None) and explanation:
            lines.append(f"  {explanation}")
    else:
        lever = volume_label(b["lever"], caps.funnel_start if caps else None, "ja" if lang == "ja" else "en") or LEVER_NAMES[lang][b["lever"]]
        lines.append(f"  {lever} — {t['impact']}: {_money(b['revenue_impact'])}")
        explanation = diagnosis.bottleneck.explanation_in(lang)
        if explanation:
            lines.append(f"  {explanation}")
    lines += ["", t["findings"]]
    if not d["findings"]:
        lines.append(f"  {t['not_judged' if undated else 'no_findings']}")
    for f in d["findings"]:
        sev = SEVERITY_NAMES[lang][f["severity"]]
        name = FINDING_NAMES[lang][f["code"]]
        summary = f["summary"] if lang == "en" else ja_summary(f)
        lines.append(f"  [{sev}] {name}: {summary}")
    lines += render_load_text(diagnosis.load, lang)
    lines += ["", t["quality"]]
    if not d["data_quality"]:
        lines.append(f"  {t['no_quality']}")
    for q in d["data_quality"]:
        lines.append(f"  - {q['message']} ({q['rows']} {t['rows_affected']})")
    return "\n".join(lines)


def bridge_lines(diagnosis: Diagnosis, lang: str = "en") -> list[str]:
    """The revenue bridge as a waterfall table: baseline, each driver, residual, current."""
    bridge = diagnosis.revenue_bridge
    if bridge is None:
        return []
    t = LABELS[lang]
    language: Lang = "ja" if lang == "ja" else "en"
    start = diagnosis.load.capabilities.funnel_start if diagnosis.load.capabilities else None
    width = 34
    rows = [(t["bridge_baseline"], f"{bridge.baseline_revenue:,.0f}", "")]
    for c in bridge.by_driver():
        name = volume_label(c.driver, start, language) or driver_label(c.driver, c.dimension, language)
        noise = "" if c.noise is None else t["beyond_noise" if c.beyond_noise else "within_noise"]
        rows.append((name[:1].upper() + name[1:], f"{c.amount:+,.0f}", noise))
    rows.append((t["residual"], f"{bridge.residual:+,.0f}", ""))
    rows.append((t["bridge_current"], f"{bridge.current_revenue:,.0f}", ""))
    lines = ["", f"{t['bridge']} ({bridge.baseline.label} → {bridge.current.label})"]
    lines += [f"  {_ljust(name, width)}{_rjust(value, 20)}{'  ' + noise if noise else ''}" for name, value, noise in rows]
    rel = bridge.relative_change
    if rel is not None and bridge.variation is not None:
        usual = t["beyond"] if bridge.material else t["within"]
        lines.append(f"  {rel:+.0%} ({usual}, ±{bridge.variation.change_sd:,.0f})")
    top = bridge.largest_driver()
    if top is not None:
        where = f" — {segment_label(top.dimension, top.value, language)}" if top.dimension and top.value else ""
        name = volume_label(top.driver, start, language) or driver_label(top.driver, top.dimension, language)
        lines.append(f"  {t['largest']}: {name}{where} ({top.amount:+,.0f})")
    elif bridge.change:
        lines.append(f"  {t['none_stands_out']}{'。' if lang == 'ja' else '.'}")
    return lines


def forecast_lines(diagnosis: Diagnosis, lang: str = "en") -> list[str]:
    """One forecast line (closed, expected, interval, target, gap, coverage) and the backtest."""
    f = diagnosis.forecast
    if f is None:
        return []
    t = LABELS[lang]
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
