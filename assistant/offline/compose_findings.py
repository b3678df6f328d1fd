"""Offline wording of diagnosis findings, and the "KPIs green, revenue flat" answer.

English lines reuse the engine's own ``summary`` (its numbers are tool numbers) with code names
put into words; Japanese lines are the engine's ``tools.report.ja_summary`` sentence, written from
the finding's evidence, used only when every number in it is one of the finding's numbers. Nothing here computes a number.
"""

from __future__ import annotations

import re
from typing import Any

from assistant import wording as L

EVIDENCE_LABELS = {
    "ja": {
        "baseline": "比較期間", "current": "今期", "baseline_rate": "比較期間", "current_rate": "今期",
        "driver_share_baseline": "比較期間の構成比", "driver_share_current": "今期の構成比",
        "driver_rate": "該当セグメントの転換率", "others_rate": "その他の転換率", "open_deals": "進行中の商談",
        "open_amount": "進行中の金額", "stalled_deals": "停滞商談", "stalled_share": "停滞比率",
        "stalled_amount": "停滞金額", "stall_threshold_days": "停滞の閾値（日）", "median_age_days": "経過日数の中央値",
        "lost_deals": "失注案件", "lost_amount": "失注金額", "unconverted_mqls": "未転換のMQL",
        "median_hours_baseline": "比較期間の初回対応（時間）", "median_hours_current": "今期の初回対応（時間）",
        "coverage": "カバレッジ", "share": "構成比", "rate": "転換率",
    },
    "en": {},
}
#: evidence keys that are test internals, not findings a reader needs
SKIP_KEYS = ("mix_effect", "rate_effect", "maturity_lag_days", "min_age_days", "n_baseline", "n_current")
_RATE_WORDS = ("rate", "share", "within", "ratio", "coverage", "retention", "churn")
_MONEY_WORDS = ("revenue", "amount", "size", "value", "pipeline", "impact")


def _format_evidence(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if key.startswith("p_") or key == "p":
        return None
    if (any(w in key for w in _RATE_WORDS) or key in ("baseline", "current")) and abs(float(value)) <= 1.5:
        return L.pct(value)
    if any(w in key for w in _MONEY_WORDS):
        return L.money(value)
    if "days" in key or "hours" in key:
        return L.num(value)
    return L.count(value) if float(value).is_integer() else L.num(value, 2)


def evidence_pairs(evidence: dict[str, Any], lang: str, limit: int = 6) -> list[str]:
    """``label value`` pairs for the scalar evidence of a finding."""
    out = []
    flat = dict(evidence)
    overall = evidence.get("overall")
    if isinstance(overall, dict):
        flat = {"baseline": overall.get("baseline"), "current": overall.get("current"), **flat}
    for key, value in flat.items():
        if key in SKIP_KEYS:
            continue
        text = _format_evidence(key, value)
        if text is None:
            continue
        out.append(f"{EVIDENCE_LABELS[lang].get(key, key.replace('_', ' '))} {text}")
        if len(out) >= limit:
            break
    return out


def segment_text(finding: dict[str, Any], lang: str) -> str:
    seg = finding.get("segment")
    if not seg:
        return ""
    dim = L.DIMENSION[lang].get(seg["dimension"], seg["dimension"])
    return f"（{dim}: {seg['value']}）" if lang == "ja" else f" ({dim}: {seg['value']})"


def _ja_sentence(finding: dict[str, Any]) -> str:
    """The engine's Japanese sentence for a finding when every number in it is a finding number."""
    from assistant.chat.grounding import check_grounding
    from tools.report import ja_summary

    try:
        text = ja_summary(finding).strip()
    except (KeyError, TypeError, ValueError):
        text = ""
    if text and "None" not in text and "—" not in text and not check_grounding(text, [finding]).ungrounded:
        return text
    ev = finding.get("evidence") or {}
    sla: dict[str, Any] = ev["within_sla"] if isinstance(ev.get("within_sla"), dict) else {}
    if finding.get("code") == "slow_follow_up" and sla.get("baseline") is not None and sla.get("current") is not None:
        hours = ""
        if ev.get("median_hours_baseline") is not None and ev.get("median_hours_current") is not None:
            hours = f"（初回対応の中央値は {L.num(ev['median_hours_baseline'])} 時間 → {L.num(ev['median_hours_current'])} 時間）"
        return (f"SLA内に初回対応できたMQLの割合が {L.pct(sla['baseline'])} から {L.pct(sla['current'])} に低下し"
                f"{hours}、MQL→SQLの転換率も下がっています。")
    pairs = evidence_pairs(ev, "ja", limit=3)
    title = L.FINDING["ja"].get(finding.get("code", ""), finding.get("code", ""))
    return f"{title}が見られます（" + "、".join(pairs) + "）。" if pairs else f"{title}が見られます。"


def _en_sentence(finding: dict[str, Any]) -> str:
    """The engine's English summary, with code names (``lead_source = x``, ``sql to opportunity``) in words."""
    text = str(finding.get("summary") or "").strip()
    for dim, label in L.DIMENSION["en"].items():
        pattern = re.compile(rf"\b{dim} = ([^,;()]+?)(?=\s*[,;()]| which| whose|$)")
        text = pattern.sub(lambda m: label + ' "' + m.group(1) + '"', text)  # noqa: B023 - used at once
    for code, label in L.TRANSITION["en"].items():
        text = text.replace(code.replace("_", " "), label.split(" (")[0])
    if text and text[-1] not in ".!?":
        text += "."
    return text


def finding_line(finding: dict[str, Any], lang: str) -> str:
    """One finding as a bullet: its name, how severe, and a sentence built from its evidence."""
    code = finding.get("code", "")
    title = L.FINDING[lang].get(code, code)
    title = title[:1].upper() + title[1:] if lang == "en" else title
    sev = L.SEVERITY[lang].get(finding.get("severity", ""), finding.get("severity", ""))
    sentence = _ja_sentence(finding) if lang == "ja" else _en_sentence(finding)
    seg = finding.get("segment") or {}
    where = "" if seg and str(seg.get("value", "")) in sentence else segment_text(finding, lang)
    if lang == "ja":
        return f"{title}{where}（重要度: {sev}）: {sentence}"
    if not sentence:
        pairs = evidence_pairs(finding.get("evidence") or {}, lang, limit=3)
        sentence = ("Evidence: " + ", ".join(pairs) + ".") if pairs else ""
    return f"{title}{where} ({sev} severity): {sentence}".rstrip(": ")


def attainment_lines(kpi: dict[str, Any], lang: str) -> list[str]:
    evidence = kpi.get("evidence") or {}
    attainment = evidence.get("attainment") or {}
    names = L.TARGET_METRIC[lang]
    met = [f"{names.get(m, m)} {L.pct(v)}" for m, v in attainment.items() if m != "revenue" and v is not None and v >= 1]
    missed = [f"{names.get(m, m)} {L.pct(v)}" for m, v in attainment.items() if v is not None and v < 1]
    revenue = evidence.get("won_revenue") or {}
    lines = []
    if lang == "ja":
        if met:
            lines.append("達成しているKPI（目標比）: " + "、".join(met) + "。")
        if missed:
            lines.append("一方で未達（目標比）: " + "、".join(missed) + "。")
        if revenue.get("baseline") is not None and revenue.get("current") is not None:
            lines.append(f"受注金額は比較期間 {L.money(revenue['baseline'])} → 今期 {L.money(revenue['current'])} です。")
    else:
        if met:
            lines.append("KPIs met (share of target): " + ", ".join(met) + ".")
        if missed:
            lines.append("Missed (share of target): " + ", ".join(missed) + ".")
        if revenue.get("baseline") is not None and revenue.get("current") is not None:
            lines.append(f"Won revenue went from {L.money(revenue['baseline'])} in the baseline period "
                         f"to {L.money(revenue['current'])} now.")
    return lines


def slice_line(quality: dict[str, Any], lang: str) -> str:
    seg = quality.get("segment") or {}
    ev = quality.get("evidence") or {}
    dim = L.DIMENSION[lang].get(seg.get("dimension", ""), seg.get("dimension", ""))
    step = L.TRANSITION[lang].get(quality.get("transition") or "", quality.get("transition") or "")
    value = seg.get("value", "")
    parts = []
    if lang == "ja":
        if ev.get("driver_share_current") is not None and ev.get("driver_share_baseline") is not None:
            parts.append(f"リード増加の源は{dim}「{value}」で、コホートに占める割合が {L.pct(ev['driver_share_baseline'])}"
                         f" → {L.pct(ev['driver_share_current'])} に拡大しました。")
        if ev.get("driver_rate") is not None and ev.get("others_rate") is not None:
            parts.append(f"この層の{step}は {L.pct(ev['driver_rate'])} で、その他の {L.pct(ev['others_rate'])} を大きく下回ります。")
        overall = ev.get("overall") or {}
        if overall.get("baseline") is not None and overall.get("current") is not None:
            parts.append(f"全体の{step}も {L.pct(overall['baseline'])} → {L.pct(overall['current'])} に低下しました。")
        return "".join(parts) or finding_line(quality, lang)
    if ev.get("driver_share_current") is not None and ev.get("driver_share_baseline") is not None:
        parts.append(f"The extra volume came from {dim} \"{value}\", whose share of the cohort grew from "
                     f"{L.pct(ev['driver_share_baseline'])} to {L.pct(ev['driver_share_current'])}.")
    if ev.get("driver_rate") is not None and ev.get("others_rate") is not None:
        parts.append(f"That slice converts {step} at {L.pct(ev['driver_rate'])} vs {L.pct(ev['others_rate'])} "
                     "for everything else.")
    overall = ev.get("overall") or {}
    if overall.get("baseline") is not None and overall.get("current") is not None:
        parts.append(f"Overall {step} fell from {L.pct(overall['baseline'])} to {L.pct(overall['current'])}.")
    return " ".join(parts) or finding_line(quality, lang)
