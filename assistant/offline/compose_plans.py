"""Offline wording of planning results (reverse plan, sales capacity) in English and Japanese.

The planning functions own the numbers; these helpers print the values they return, labelled,
without computing anything.
"""

from __future__ import annotations

from typing import Any

from assistant import wording as L

KEY_LABELS = {
    "en": {
        "revenue_target": "revenue target", "required_leads": "leads needed", "required_mql": "MQLs needed",
        "required_sql": "SQLs needed", "required_opportunities": "opportunities needed",
        "required_won": "won deals needed", "current_leads": "leads now", "lead_gap": "lead gap",
        "average_deal_size": "average deal size", "win_rate": "win rate", "reps_needed": "reps needed",
        "current_reps": "reps now", "rep_gap": "rep gap", "quota_per_rep": "quota per rep",
        "revenue_per_rep": "revenue per rep", "attainment": "attainment", "target_attainment": "target attainment",
        "period": "period",
    },
    "ja": {
        "revenue_target": "売上目標", "required_leads": "必要リード数", "required_mql": "必要MQL数",
        "required_sql": "必要SQL数", "required_opportunities": "必要商談数", "required_won": "必要受注数",
        "current_leads": "現在のリード数", "lead_gap": "リード不足", "average_deal_size": "平均受注単価",
        "win_rate": "受注率", "reps_needed": "必要な営業人数", "current_reps": "現在の営業人数",
        "rep_gap": "不足人数", "quota_per_rep": "1人あたりクォータ", "revenue_per_rep": "1人あたり売上",
        "attainment": "達成率", "target_attainment": "想定達成率", "period": "期間",
    },
}


def _is_rate(key: str) -> bool:
    return any(w in key for w in ("rate", "attainment", "share", "ratio", "coverage"))


def _format(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float):
        return None
    if _is_rate(key):
        return L.pct(value)
    if any(w in key for w in ("revenue", "amount", "size", "quota", "target", "pipeline")):
        return L.money(value)
    if isinstance(value, int) or float(value).is_integer():
        return L.count(value)
    return L.num(value)


def _label(key: str, lang: str) -> str:
    return KEY_LABELS[lang].get(key, key.replace("_", " "))


def flat_lines(payload: dict[str, Any], lang: str, skip: tuple[str, ...] = ()) -> list[str]:
    """``- label: value`` for every scalar of a result, nested dicts one level deep."""
    lines = []
    for key, value in payload.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            inner = [f"{_label(k, lang)} {text}" for k, v in value.items()
                     if (text := _format(f"{key}_{k}" if _is_rate(key) else k, v)) is not None]
            if inner:
                lines.append(f"- {_label(key, lang)}: " + ", ".join(inner[:8]))
            continue
        text = _format(key, value)
        if text is not None:
            lines.append(f"- {_label(key, lang)}: {text}")
    return lines


def reverse_plan_lines(payload: dict[str, Any], lang: str) -> list[str]:
    """Reverse plan: revenue target down to the leads needed at current rates."""
    head = ("Working back from the revenue target at current conversion rates:" if lang == "en"
            else "現在の転換率で売上目標から逆算すると:")
    return [head, *flat_lines(payload, lang, skip=("explanation", "notes", "assumptions", "formula"))]


def capacity_lines(payload: dict[str, Any], lang: str) -> list[str]:
    """Capacity plan: reps needed at a realistic attainment."""
    head = ("Sales capacity needed (planned for realistic quota attainment, not full attainment):" if lang == "en"
            else "必要な営業キャパシティ（全員の満額達成ではなく現実的な達成率を前提）:")
    return [head, *flat_lines(payload, lang, skip=("explanation", "notes", "assumptions", "formula"))]
