"""Turn a finding's ``evidence`` dict (engine output) into readable label/value rows.

Values are formatted by what their key says they are (rates as percentages, amounts with
separators, days, hours, p-values); nothing is recomputed. Nested dicts are flattened one level;
lists of records (per-segment tables) are left to the charts.
"""

from __future__ import annotations

from typing import Any

from assistant.memo.text import fmt_count, fmt_days, fmt_money, fmt_number, fmt_pct, label, transition_name

MAX_ROWS = 14

EVIDENCE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "baseline": "baseline",
        "current": "current",
        "n_baseline": "records in baseline",
        "n_current": "records in current",
        "p_value": "p-value",
        "test": "test",
        "ci_baseline": "95% interval, baseline",
        "ci_current": "95% interval, current",
        "current_window": "current window",
        "baseline_window": "baseline window",
        "maturity_lag_days": "maturity lag",
        "definition": "definition",
        "relative_change": "relative change",
        "overall": "overall",
        "leads": "leads",
        "won_revenue": "won revenue",
        "by_phase": "open deals by phase",
        "mix_effect": "mix effect (rate points)",
        "rate_effect": "rate effect (rate points)",
        "driver_rate": "conversion of the driver",
        "others_rate": "conversion of the rest",
        "driver_share_baseline": "driver's share, baseline",
        "driver_share_current": "driver's share, current",
        "within_sla": "followed up within SLA",
        "median_hours_baseline": "median follow-up, baseline",
        "median_hours_current": "median follow-up, current",
        "median_days_baseline": "median cycle, baseline",
        "median_days_current_estimate": "median cycle, current (estimate)",
        "lost_deals": "lost deals",
        "lost_amount": "lost amount",
        "unconverted_mqls": "unconverted MQLs",
        "min_age_days": "minimum age",
        "stalled_share": "stalled share of open pipeline",
        "revenue_impact": "revenue impact",
        "dimension": "dimension",
        "value": "value",
    },
    "ja": {
        "baseline": "基準期間",
        "current": "当期",
        "n_baseline": "基準期間の件数",
        "n_current": "当期の件数",
        "p_value": "p値",
        "test": "検定",
        "ci_baseline": "95%信頼区間（基準期間）",
        "ci_current": "95%信頼区間（当期）",
        "current_window": "当期の期間",
        "baseline_window": "基準期間の期間",
        "maturity_lag_days": "成熟に要する日数",
        "definition": "定義",
        "relative_change": "変化率",
        "overall": "全体",
        "leads": "リード数",
        "won_revenue": "受注金額",
        "by_phase": "フェーズ別の進行中商談",
        "mix_effect": "構成比の効果（転換率）",
        "rate_effect": "転換率そのものの効果",
        "driver_rate": "要因セグメントの転換率",
        "others_rate": "その他の転換率",
        "driver_share_baseline": "要因セグメントの構成比（基準期間）",
        "driver_share_current": "要因セグメントの構成比（当期）",
        "within_sla": "SLA内フォロー率",
        "median_hours_baseline": "初回フォロー時間の中央値（基準期間）",
        "median_hours_current": "初回フォロー時間の中央値（当期）",
        "median_days_baseline": "営業サイクルの中央値（基準期間）",
        "median_days_current_estimate": "営業サイクルの中央値（当期・推定）",
        "lost_deals": "失注件数",
        "lost_amount": "失注金額",
        "unconverted_mqls": "SQL化しなかったMQL",
        "min_age_days": "経過日数の下限",
        "stalled_share": "停滞案件の比率（金額）",
        "revenue_impact": "売上への影響額",
        "open_deals": "進行中の商談数",
        "open_amount": "進行中の商談金額",
        "median_age_days": "経過日数の中央値",
        "stall_threshold_days": "停滞とみなす日数",
        "stalled_deals": "停滞商談数",
        "stalled_amount": "停滞商談の金額",
        "dimension": "軸",
        "value": "値",
        "proposal": "提案",
        "engaging": "関係構築",
        "prospecting": "見込み",
        "negotiation": "交渉",
        "commit": "合意",
    },
}
#: String values worth showing in a Japanese memo (English prose strings are left out there).
JA_STRING_KEYS = ("current_window", "baseline_window", "transition", "dimension", "value", "lever")

_RATE_WORDS = ("rate", "share", "conversion", "retention", "churn", "within_sla", "ratio", "change", "ci_")
_MONEY_WORDS = ("amount", "revenue", "deal_size", "pipeline", "value_at_stake", "impact", "ltv")


def key_label(lang: str, key: str) -> str:
    """A readable label for an evidence key (known keys translated, others de-snake-cased)."""
    known = EVIDENCE_LABELS[lang].get(key)
    if known:
        return known
    return key.replace("_", " ")


def format_value(lang: str, path: str, value: Any) -> str | None:
    """Format one evidence value by what its key path names; ``None`` = not shown."""
    key = path.lower()
    if isinstance(value, bool):
        return None
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return f"{format_value(lang, path, value[0])} – {format_value(lang, path, value[1])}"
        return None
    if isinstance(value, str):
        if lang == "ja" and not key.endswith(JA_STRING_KEYS):
            return None
        if key.endswith("transition"):
            return transition_name(lang, value)
        return value if len(value) <= 90 else None
    if not isinstance(value, int | float):
        return None
    if "p_value" in key:
        return "< 0.001" if value < 0.001 else fmt_number(lang, value)
    if "days" in key:
        return fmt_days(lang, value)
    if "hours" in key:
        return f"{fmt_number(lang, value)} h" if lang == "en" else f"{fmt_number(lang, value)}時間"
    if any(w in key for w in _RATE_WORDS) and abs(value) <= 1.5:
        return fmt_pct(lang, value)
    if any(w in key for w in _MONEY_WORDS):
        return fmt_money(lang, value)
    if isinstance(value, int) or key.endswith(("count", "_n", "n_baseline", "n_current")):
        return fmt_count(lang, value)
    if 0 <= value <= 1:
        return fmt_pct(lang, value)
    return fmt_number(lang, value)


def evidence_rows(lang: str, evidence: dict[str, Any]) -> list[list[str]]:
    """``[label, value]`` rows for a finding's evidence (flattened one level, at most MAX_ROWS)."""
    rows: list[list[str]] = []

    def add(path: str, label_text: str, value: Any) -> None:
        text = format_value(lang, path, value)
        if text is not None and len(rows) < MAX_ROWS:
            rows.append([label_text, text])

    for key, value in evidence.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                if not isinstance(inner, dict | list) or isinstance(inner, list) and len(inner) == 2:
                    add(f"{key}.{sub}", f"{key_label(lang, key)} — {key_label(lang, sub)}", inner)
        else:
            add(key, key_label(lang, key), value)
    return rows


def transition_windows(diagnosis: dict[str, Any], lever: str | None) -> tuple[str | None, str | None]:
    """(baseline, current) period labels the engine compared for ``lever``.

    Conversions carry their own mature-cohort windows; other levers use the diagnosis periods.
    """
    for entry in diagnosis.get("funnel", {}).get("conversions", []):
        if entry.get("transition") == lever and entry.get("current_window"):
            return entry.get("baseline_window"), entry.get("current_window")
    periods = diagnosis.get("periods") or {}
    return periods.get("baseline"), periods.get("current")


def unused(lang: str) -> str:
    """Placeholder text for an absent value."""
    return label(lang, "na")
