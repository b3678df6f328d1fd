"""Offline wording of diagnosis findings, and the "KPIs green, revenue flat" answer.

English lines reuse the engine's own ``summary`` (its numbers are tool numbers); Japanese lines
are written from the finding's evidence values. Nothing here computes a number.
"""

from __future__ import annotations

from typing import Any

from assistant import labels as L

EVIDENCE_LABELS = {
    "ja": {
        "baseline_rate": "比較期間", "current_rate": "今期", "baseline": "比較期間", "current": "今期",
        "n_baseline": "比較期間の件数", "n_current": "今期の件数", "p_value": "p値", "share": "構成比",
        "rate": "転換率", "other_rate": "その他", "segment_rate": "該当セグメント",
    },
    "en": {},
}
_RATE_WORDS = ("rate", "share", "within", "ratio", "coverage", "retention", "churn")
_MONEY_WORDS = ("revenue", "amount", "size", "value", "pipeline", "impact")


def _format_evidence(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if key.startswith("p_") or key == "p":
        return None
    if any(w in key for w in _RATE_WORDS) and abs(float(value)) <= 1.5:
        return L.pct(value)
    if any(w in key for w in _MONEY_WORDS):
        return L.money(value)
    if "days" in key or "hours" in key:
        return L.num(value)
    return L.count(value) if float(value).is_integer() else L.num(value, 2)


def evidence_pairs(evidence: dict[str, Any], lang: str, limit: int = 4) -> list[str]:
    """``label value`` pairs for the scalar evidence of a finding."""
    out = []
    for key, value in evidence.items():
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


def finding_line(finding: dict[str, Any], lang: str) -> str:
    """One finding as a bullet: severity, title, segment, and its evidence."""
    code = finding.get("code", "")
    title = L.FINDING[lang].get(code, code)
    sev = L.SEVERITY[lang].get(finding.get("severity", ""), finding.get("severity", ""))
    head = f"[{sev}] {title}{segment_text(finding, lang)}"
    if lang == "en" and finding.get("summary"):
        return f"{head}: {finding['summary']}"
    pairs = evidence_pairs(finding.get("evidence") or {}, lang)
    return f"{head}: " + "、".join(pairs) if pairs else head


def kpi_green_section(diag: dict[str, Any], lang: str, segment_note: str = "") -> list[str]:
    """Answer to "why is revenue flat although our KPIs are green?" from a diagnosis result."""
    findings = diag.get("findings", [])
    kpi = next((f for f in findings if f.get("code") == "kpi_green_revenue_flat"), None)
    quality = [f for f in findings if f.get("code") in ("lead_quality_decline", "mix_shift", "conversion_drop")]
    lines: list[str] = []
    if kpi is None:
        lines.append("The data does not show volume KPIs met while revenue stayed flat; here is what it does show."
                     if lang == "en" else "量のKPIを達成しつつ売上が横ばい、という状況はデータからは確認できません。代わりに分かったことは次の通りです。")
        from assistant.compose import diagnose_body
        from assistant.intents import Plan

        lines.extend(diagnose_body(Plan(intent="diagnose", lang=lang), diag))  # type: ignore[arg-type]
        return lines
    lines.append(("Why revenue is flat although the KPIs are green" if lang == "en"
                  else "KPIは達成しているのに売上が伸びない理由") + f"{segment_note}:")
    lines.append(f"- {finding_line(kpi, lang)}")
    lines.extend(f"- {finding_line(f, lang)}" for f in quality[:2])
    from assistant.compose import bottleneck_lines

    lines.extend(f"- {line}" for line in bottleneck_lines(diag, lang))
    return lines
