"""A finding's evidence as labelled appendix tables: comparisons and facts, with units and windows.

Comparisons (a measure in the baseline and the current window, with its test) become one row each
under column heads that name the two windows; the remaining facts become label/value rows. Every
label is in the memo's language (names from ``tools.wording``, memo phrases below); values are
formatted by what they are (rates as percentages, amounts with the currency, days, counts).
p-values are printed here, in the appendix, and only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.memo.context import MemoContext
from assistant.memo.model import Table
from assistant.memo.words import Words
from tools.findings.model import Finding
from tools.wording import phase_label, target_metric_label

#: Labels for evidence keys that are not a product id (those come from ``tools.wording``).
KEY_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "mix_test": "rate expected from the mix alone", "leads": "new leads", "other_leads": "new leads from the other sources",
        "closed_in_time": "deals closed within {horizon}", "churn": "churn on the active base",
        "won_revenue": "won revenue", "maturity_lag_days": "maturity lag", "driver_share_baseline": "share of {slice}, baseline",
        "driver_share_current": "share of {slice}, current", "driver_rate": "conversion of {slice}",
        "others_rate": "conversion of the rest", "mix_effect": "change from the mix", "rate_effect": "change within the slices",
        "median_hours_baseline": "median first follow-up, baseline", "median_hours_current": "median first follow-up, current",
        "median_days_baseline": "median sales cycle, baseline", "median_days_current_estimate": "median sales cycle, current (estimate)",
        "horizon_days": "closing horizon", "open_deals": "open deals", "open_amount": "open pipeline",
        "median_age_days": "median age of open deals", "stall_threshold_days": "stall threshold (overall)",
        "stalled_deals": "stalled deals", "stalled_amount": "stalled pipeline", "stalled_share": "stalled share of open pipeline",
        "by_phase": "open deals in phase {key}", "stall_threshold_by_segment": "stall threshold, {key}",
        "lost_deals": "lost deals", "lost_amount": "lost deal amount", "unconverted_mqls": "MQLs that never became SQL",
        "min_age_days": "minimum age", "revenue_target": "revenue target", "won_so_far": "won so far",
        "remaining": "target still open", "open_pipeline": "open pipeline", "coverage": "pipeline coverage",
        "weighted_coverage": "weighted pipeline coverage", "adjusted_ratio": "deal size like for like (share of baseline)",
        "active_amount": "contract value of active customers", "by_lead_source": "change in new leads, {key}",
        "attainment": "target attainment, {key}", "missed": "targets missed", "mix_tests": "mix tests searched",
        "bonferroni_tests": "segments searched", "dimension": "dimension", "definition": "definition",
        "measure": "Measure", "records": "Records (baseline → current)", "p_value": "p-value", "test": "Test",
        "facts": "Other facts", "segment": "{slice}",
    },
    "ja": {
        "mix_test": "構成比だけから見込まれる転換率", "leads": "新規リード数", "other_leads": "ほかのソースの新規リード数",
        "closed_in_time": "{horizon}以内に決着した商談の割合", "churn": "契約中の顧客の解約率",
        "won_revenue": "受注金額", "maturity_lag_days": "成熟に要する日数", "driver_share_baseline": "{slice}の比率（比較期間）",
        "driver_share_current": "{slice}の比率（直近期間）", "driver_rate": "{slice}の転換率",
        "others_rate": "ほかの転換率", "mix_effect": "構成比による変化", "rate_effect": "内訳ごとの転換率の変化",
        "median_hours_baseline": "初回対応時間の中央値（比較期間）", "median_hours_current": "初回対応時間の中央値（直近期間）",
        "median_days_baseline": "商談期間の中央値（比較期間）", "median_days_current_estimate": "商談期間の中央値（直近期間・推定）",
        "horizon_days": "決着までの基準日数", "open_deals": "進行中の商談数", "open_amount": "進行中のパイプライン",
        "median_age_days": "進行中の商談の経過日数（中央値）", "stall_threshold_days": "停滞とみなす日数（全体）",
        "stalled_deals": "停滞商談数", "stalled_amount": "停滞商談の金額", "stalled_share": "停滞商談の比率（金額）",
        "by_phase": "フェーズ「{key}」の進行中の商談数", "stall_threshold_by_segment": "停滞とみなす日数（{key}）",
        "lost_deals": "失注商談数", "lost_amount": "失注金額", "unconverted_mqls": "SQLにならなかったMQL",
        "min_age_days": "経過日数の下限", "revenue_target": "売上目標", "won_so_far": "これまでの受注金額",
        "remaining": "残りの目標", "open_pipeline": "進行中のパイプライン", "coverage": "パイプラインのカバー率",
        "weighted_coverage": "加重パイプラインのカバー率", "adjusted_ratio": "同じ構成で比べた受注単価（比較期間比）",
        "active_amount": "契約中の顧客の契約金額", "by_lead_source": "新規リード数の変化（{key}）",
        "attainment": "目標達成率（{key}）", "missed": "未達の目標", "mix_tests": "検定した構成比の軸の数",
        "bonferroni_tests": "検定したセグメントの数", "dimension": "軸", "definition": "定義",
        "measure": "指標", "records": "件数（比較期間 → 直近期間）", "p_value": "p値", "test": "検定",
        "facts": "そのほかの事実", "segment": "{slice}",
    },
}
_RATE_KEYS = ("driver_share_baseline", "driver_share_current", "driver_rate", "others_rate", "stalled_share",
              "adjusted_ratio", "attainment")
_POINT_KEYS = ("mix_effect", "rate_effect")
_MONEY_KEYS = ("open_amount", "stalled_amount", "lost_amount", "revenue_target", "won_so_far", "remaining",
               "open_pipeline", "active_amount", "won_revenue")
_DAY_KEYS = ("maturity_lag_days", "median_days_baseline", "median_days_current_estimate", "horizon_days",
             "median_age_days", "stall_threshold_days", "min_age_days", "stall_threshold_by_segment")
_HOUR_KEYS = ("median_hours_baseline", "median_hours_current")
_TIMES_KEYS = ("coverage", "weighted_coverage")
_SKIPPED = ("current_window", "baseline_window", "window", "test")
#: Comparisons measured on the finding's own mature cohorts (the others on the diagnosis windows).
COHORT_KEYS = ("overall", "mix_test", "segment")


def _is_comparison(value: Any) -> bool:
    return isinstance(value, dict) and "baseline" in value and "current" in value


def _name(w: Words, key: str, finding: Finding, sub: str = "") -> str:
    """The reader's label for an evidence key (``sub``: the inner key of a per-item table)."""
    if key == "overall" and finding.transition:
        return w.conversion(finding.transition)
    if key in ("mql_to_sql", "lead_to_mql", "sql_to_opportunity", "opportunity_to_won"):
        return w.conversion(key)
    if key == "within_sla":
        return w.metric("follow_up_within_sla")
    if key == "deal_size":
        return w.metric("average_deal_size")
    item = sub
    if key == "by_phase":
        item = phase_label(sub, w.lang)
    elif key == "attainment":
        item = target_metric_label(sub, w.lang)
    slice_ = w.segment(finding.segment) or w.label("na")
    horizon = w.days(finding.evidence.get("horizon_days"))
    text = KEY_LABELS[w.lang].get(key)
    if text is None:
        return key.replace("_", " ")
    return text.format(key=item, slice=slice_, horizon=horizon)


def _formatter(w: Words, key: str, comparison_of: str = "") -> Callable[[Any], str]:
    """How a value under ``key`` is written (a comparison's values follow its measure)."""
    measure = comparison_of or key
    if measure in ("leads", "other_leads", "by_lead_source") or key in ("n_baseline", "n_current"):
        return w.count
    if measure in ("deal_size", *_MONEY_KEYS):
        return w.money
    if key in _POINT_KEYS:
        return w.points
    if key in _DAY_KEYS:
        return w.days
    if key in _HOUR_KEYS:
        return w.hours
    if key in _TIMES_KEYS:
        return w.times
    if comparison_of or key in _RATE_KEYS:
        return lambda v: w.pct(v, 0 if key == "attainment" else 1)
    return w.count


def evidence_tables(ctx: MemoContext, finding: Finding) -> list[Table]:
    """The comparisons table (windows in the heads, records, test, p-value) and the facts table."""
    w = ctx.words
    ev = finding.evidence
    cohort_windows = w.windows(ev.get("baseline_window"), ev.get("current_window"))
    period_windows = w.windows(ctx.baseline_label(), ctx.current_label())
    comparisons: list[list[str]] = []
    facts: list[list[str]] = []
    for key, value in ev.items():
        if key in _SKIPPED:
            continue
        if _is_comparison(value):
            show = _formatter(w, "", key)
            n0, n1 = value.get("n_baseline"), value.get("n_current")
            records = f"{w.count(n0)} → {w.count(n1)}" if n0 is not None and n1 is not None else w.label("na")
            p = value.get("p_value")
            p_text = w.label("na") if p is None else ("< 0.001" if p < 0.001 else w.number(p, 3))
            windows = cohort_windows if key in COHORT_KEYS and ev.get("current_window") else period_windows
            comparisons.append([w.cap(_name(w, key, finding)), windows, show(value["baseline"]), show(value["current"]),
                                records, p_text])
        elif isinstance(value, dict):
            for sub, inner in value.items():
                if isinstance(inner, int | float) and not isinstance(inner, bool):
                    facts.append([_name(w, key, finding, str(sub)), _formatter(w, key)(inner)])
        elif isinstance(value, list):
            if key == "missed":
                facts.append([_name(w, key, finding), w.listing([target_metric_label(m, w.lang) for m in value])])
        elif isinstance(value, str):
            if key == "dimension":
                facts.append([_name(w, key, finding), w.dimension(value)])
            elif key == "definition" and not w.ja:
                facts.append([_name(w, key, finding), value])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            facts.append([_name(w, key, finding), _formatter(w, key)(value)])
    facts = [[w.cap(label), value] for label, value in facts]
    tables = []
    if comparisons:
        heads = [w.label("metric"), w.label("window"), w.cap(w.which("baseline")), w.cap(w.which("current")),
                 KEY_LABELS[w.lang]["records"], KEY_LABELS[w.lang]["p_value"]]
        tables.append(Table(heads, comparisons, align=["left", "left", "right", "right", "right", "right"],
                            widths=[2.0, 1.6, 0.9, 0.9, 1.2, 0.7]))
    if facts:
        tables.append(Table([w.label("metric"), w.label("value")], facts, align=["left", "right"], widths=[2.8, 1.4]))
    return tables
