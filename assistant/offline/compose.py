"""Write the offline answer from the turn's tool results (English or Japanese).

Every number printed here is a value of a tool result, formatted by ``assistant.wording``; nothing
is computed from other numbers. Structure: the direct answer, the evidence, what to change, and
the playbook passages it relies on (cited as ``[topic-id]``).
"""

from __future__ import annotations

from typing import Any

from assistant import wording as L
from assistant.chat.question import Route
from assistant.offline.compose_findings import attainment_lines, finding_line, slice_line
from assistant.offline.compose_metrics import metric_lines

NO_DATA = {
    "en": "No data is loaded, so I can only answer from the playbook. Upload your CRM exports for numbers.",
    "ja": "データが読み込まれていないため、プレイブックからのみ回答します。数値を見るにはCRMのエクスポートをアップロードしてください。",
}
PLAYBOOK_HEAD = {"en": "What the playbook says:", "ja": "プレイブックの考え方:"}
CHANGE_HEAD = {"en": "What to change:", "ja": "打ち手:"}
ERROR_HEAD = {"en": "Could not compute {name}: {error}", "ja": "{name} を計算できませんでした: {error}"}


def _data(results: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in results if r["name"] == name and isinstance(r["payload"], dict) and "error" not in r["payload"]]


def passages(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Playbook passages retrieved this turn, in order, one per topic."""
    out: list[dict[str, Any]] = []
    for r in _data(results, "search_playbook"):
        for p in r["payload"].get("results", []) or []:
            if p.get("topic") and all(p["topic"] != q["topic"] for q in out):
                out.append(p)
    return out


def _segment_note(routed: Route) -> str:
    if routed.segment is None:
        return ""
    dim = L.DIMENSION[routed.lang].get(routed.segment.dimension, routed.segment.dimension)
    if routed.lang == "ja":
        return f"（{dim}: {routed.segment.value} のみ）"
    return f" (only {dim} = {routed.segment.value})"


def _lever_value(lever: str, value: Any) -> str:
    if value is None:
        return "—"
    if lever in ("lead_volume",):
        return L.count(value)
    if lever == "deal_size":
        return L.money(value)
    if lever == "cycle_time":
        return L.num(value)
    return L.pct(value)


def bottleneck_lines(diag: dict[str, Any], lang: str) -> list[str]:
    """The single constraint and its revenue at stake."""
    b = diag.get("bottleneck") or {}
    lever = b.get("lever")
    if not lever:
        return ["No single lever significantly holds revenue back right now." if lang == "en"
                else "現在、売上を大きく抑えている単一のレバーは見当たりません。"]
    change: dict[str, Any] = next((lc for lc in b.get("levers", []) if lc.get("lever") == lever), {})
    name = L.LEVER[lang].get(lever, lever)
    base, cur = _lever_value(lever, change.get("baseline")), _lever_value(lever, change.get("current"))
    impact = L.money(b["revenue_impact"]) if b.get("revenue_impact") is not None else "—"
    if lang == "ja":
        return [f"ボトルネックは「{name}」です: 比較期間 {base} → 今期 {cur}。"
                f"比較期間の水準に戻せば、1期間あたり約 {impact} の売上に相当します。"]
    return [f"The bottleneck is {name}: {base} in the baseline period vs {cur} now. "
            f"Restoring it is worth about {impact} in revenue per period."]


def diagnose_body(routed: Route, diag: dict[str, Any]) -> list[str]:
    lang = routed.lang
    lines = bottleneck_lines(diag, lang)
    findings = [f for f in diag.get("findings", []) if f.get("severity") != "info"][:4]
    if findings:
        lines.append("")
        lines.append("Findings:" if lang == "en" else "検出事項:")
        lines.extend(f"- {finding_line(f, lang)}" for f in findings)
    else:
        lines.append("No material problem was found in this data." if lang == "en" else "大きな問題は検出されませんでした。")
    return lines


def actions(codes: list[str], lang: str, limit: int = 3) -> list[str]:
    """What to change for the top findings (fixed advice, no numbers)."""
    out = [L.ACTIONS[lang][c] for c in codes if c in L.ACTIONS[lang]]
    return [f"- {a}" for a in dict.fromkeys(out)][:limit]


def metric_body(routed: Route, results: list[dict[str, Any]]) -> list[str]:
    lang = routed.lang
    lines = []
    for r in _data(results, "lookup_metric"):
        p = r["payload"]
        name = L.METRIC[lang].get(p["metric"], p["metric"])
        values = p.get("values", {})
        if list(values) == ["all"]:
            lines.extend(metric_lines(p, lang))
        else:
            lines.append(f"{name}:")
            lines.extend(f"- {k}: {L.fmt_metric(p['metric'], v)}" for k, v in values.items())
    return lines


def funnel_body(routed: Route, results: list[dict[str, Any]]) -> list[str]:
    lang = routed.lang
    lines: list[str] = []
    for r in _data(results, "funnel_summary"):
        for group in r["payload"].get("groups", [])[:8]:
            key = ", ".join(f"{v}" for v in group.get("key", {}).values())
            stages = " → ".join(f"{L.STAGE[lang][s['stage']]} {L.count(s['count'])}" for s in group["stages"])
            rates = ", ".join(
                f"{L.TRANSITION[lang][c['transition']]} {L.pct(c['rate'])}"
                for c in group["conversions"] if c.get("rate") is not None
            )
            immature = group.get("immature") or []
            note = ""
            if immature:
                note = " (recent cohort: still converting)" if lang == "en" else "（直近のコホートは転換途中）"
            lines.append(f"- {key + ': ' if key else ''}{stages}; {rates}{note}")
    return lines


def what_if_body(routed: Route, results: list[dict[str, Any]]) -> list[str]:
    lang = routed.lang
    lines = []
    for r in _data(results, "what_if"):
        p = r["payload"]
        lever = L.LEVER[lang].get(p["lever"], p["lever"])
        change = f"{'+' if p['change'] >= 0 else ''}{L.pct(p['change'])}"
        cur, new = _lever_value(p["lever"], p.get("current_value")), _lever_value(p["lever"], p.get("new_value"))
        delta = f"{'+' if p['revenue_change'] >= 0 else '-'}{L.money(abs(p['revenue_change']))}"
        if lang == "ja":
            lines.append(f"{lever}を {change} 変えると（{cur} → {new}）、1期間あたりの売上は "
                         f"{L.money(p['revenue'])} から {L.money(p['new_revenue'])} へ（{delta}）変わります。")
        else:
            lines.append(f"Changing {lever} by {change} ({cur} → {new}) moves revenue per period from "
                         f"{L.money(p['revenue'])} to {L.money(p['new_revenue'])} ({delta}), all else equal.")
    return lines


def plan_body(routed: Route, results: list[dict[str, Any]]) -> list[str]:
    from assistant.offline.compose_plans import capacity_lines, reverse_plan_lines

    lines: list[str] = []
    for r in _data(results, "reverse_plan"):
        lines.extend(reverse_plan_lines(r["payload"], routed.lang))
    for r in _data(results, "capacity_plan"):
        lines.extend(capacity_lines(r["payload"], routed.lang))
    return lines


def playbook_lines(found: list[dict[str, Any]], lang: str, limit: int = 3) -> list[str]:
    lines = []
    for p in found[:limit]:
        excerpt = " ".join(str(p.get("excerpt", "")).split())
        if len(excerpt) > 220:
            excerpt = excerpt[:219] + "…"
        lines.append(f"- [{p['topic']}] {p.get('title', '')}: {excerpt}")
    return lines


def compose_answer(routed: Route, results: list[dict[str, Any]], *, has_data: bool = True) -> str:
    """The offline answer for ``plan`` from this turn's tool results."""
    lang = routed.lang
    found = passages(results)
    lines: list[str] = []
    errors = [r for r in results if isinstance(r["payload"], dict) and "error" in r["payload"]]
    diags = _data(results, "diagnose_funnel")
    codes = [f["code"] for d in diags for f in d["payload"].get("findings", []) if f.get("severity") != "info"]
    if not has_data and routed.intent != "playbook":
        lines.append(NO_DATA[lang])
    elif routed.intent == "kpi_green_flat" and diags:
        lines.extend(kpi_green_section(diags[0]["payload"], lang, _segment_note(routed)))
        codes = ["kpi_green_revenue_flat", *codes]
    elif diags:
        head = "Diagnosis" if lang == "en" else "診断結果"
        lines.append(f"{head}{_segment_note(routed)}:")
        lines.extend(diagnose_body(routed, diags[0]["payload"]))
        if routed.intent == "memo":
            lines.append("")
            lines.append("The full improvement memo (Markdown, DOCX or PDF) is available with `revops memo` "
                         "or the memo button in the app." if lang == "en" else
                         "改善メモ全文（Markdown・DOCX・PDF）は `revops memo` またはアプリのメモボタンから出力できます。")
    elif routed.intent == "what_if" and _data(results, "what_if"):
        lines.extend(what_if_body(routed, results))
    elif routed.intent in ("reverse_plan", "capacity"):
        lines.extend(plan_body(routed, results))
        if routed.intent == "capacity" and _data(results, "lookup_metric"):
            lines.append("")
            lines.extend(metric_body(routed, results))
    elif routed.intent == "metric" or _data(results, "lookup_metric"):
        lines.append(("Metric" if lang == "en" else "指標") + f"{_segment_note(routed)}:")
        lines.extend(metric_body(routed, results) or funnel_body(routed, results))
    elif routed.intent == "funnel" or _data(results, "funnel_summary"):
        lines.append(("Funnel" if lang == "en" else "ファネル") + f"{_segment_note(routed)}:")
        lines.extend(funnel_body(routed, results))
    for r in errors:
        lines.append(ERROR_HEAD[lang].format(name=r["name"], error=r["payload"]["error"]))
    todo = actions(codes, lang)
    if todo and has_data:
        lines.extend(["", CHANGE_HEAD[lang], *todo])
    if found:
        lines.extend(["", PLAYBOOK_HEAD[lang], *playbook_lines(found, lang, 4 if routed.intent == "playbook" else 3)])
    elif routed.intent == "playbook":
        lines.append("The playbook has nothing on this yet." if lang == "en" else "プレイブックに該当する記述がありません。")
    return "\n".join(lines).strip()


def kpi_green_section(diag: dict[str, Any], lang: str, segment_note: str = "") -> list[str]:
    """Answer to "why is revenue flat although our KPIs are green?" from a diagnosis result.

    Names the KPIs that were met (attainment), the low-quality slice with its rates, the revenue
    consequence (won revenue and the bottleneck's revenue at stake).
    """
    findings = diag.get("findings", [])
    kpi = next((f for f in findings if f.get("code") == "kpi_green_revenue_flat"), None)
    quality = [f for f in findings if f.get("code") in ("lead_quality_decline", "mix_shift", "conversion_drop")
               and f.get("segment")]
    if kpi is None:
        lines = ["The data does not show volume KPIs met while revenue stayed flat; here is what it does show."
                 if lang == "en" else "量のKPIを達成しつつ売上が横ばい、という状況はデータからは確認できません。分かったことは次の通りです。"]
        lines.extend(diagnose_body(Route(intent="diagnose", lang=lang), diag))  # type: ignore[arg-type]
        return lines
    head = "Why revenue is flat although the KPIs are green" if lang == "en" else "KPIは達成しているのに売上が伸びない理由"
    lines = [f"{head}{segment_note}:", ""]
    lines.extend(f"- {line}" for line in attainment_lines(kpi, lang))
    slice_finding = quality[0] if quality else (kpi if kpi.get("segment") else None)
    if slice_finding is not None:
        lines.append(f"- {slice_line(slice_finding, lang)}")
    lines.extend(f"- {line}" for line in bottleneck_lines(diag, lang))
    others = [f for f in findings if f not in (kpi, slice_finding) and f.get("severity") in ("high", "medium")]
    if others:
        lines.append("")
        lines.append("Also worth a look:" if lang == "en" else "その他の注意点:")
        lines.extend(f"- {finding_line(f, lang)}" for f in others[:2])
    return lines
