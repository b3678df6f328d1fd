"""The load report as text lines (English / Japanese) for ``revops diagnose`` and the memo appendix.

Files with their role, dialect and rows, joins with matched / unmatched keys, unused columns, and
the analyses the data cannot support with what each one needs.
"""

from __future__ import annotations

from tools.load_report import CAPABILITIES, LoadReport
from tools.wording import Lang, as_lang, stage_label

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Data loaded", "rows": "rows", "role": "role", "join": "joined", "matched": "matched",
        "unmatched": "unmatched", "unused": "not used", "missing": "Not analysed", "notes": "Note",
        "extra": "extra dimensions (breakdowns and filters in the chat, not in this diagnosis)",
        "start": "The funnel starts at the {stage} stage: earlier stages are not in the data.",
        "implied": "{stages} {verb} not in the data: shown as —, their counts only follow from later stages.",
        "forced": "Diagnosed anyway (--force) although the upload looked misread:",
        "and": " and ",
    },
    "ja": {
        "title": "読み込んだデータ", "rows": "行", "role": "役割", "join": "結合", "matched": "一致",
        "unmatched": "不一致", "unused": "未使用の列", "missing": "分析できない項目", "notes": "注記",
        "extra": "追加の切り口（チャットでの内訳・絞り込み用。この診断には使いません）",
        "start": "ファネルは{stage}から始まります（それより前の段階はデータにありません）。",
        "implied": "{stages}はデータにありません（—と表示。件数は後の段階から推定されるだけです）。",
        "forced": "読み込みに疑わしい点がありましたが、--force で診断しました:",
        "and": "・",
    },
}
_ROLES = {
    "ja": {"leads": "リード", "opportunities": "商談", "accounts": "取引先（参照表）", "owners": "担当者（参照表）",
           "targets": "目標", "unknown": "不明"},
}
_CAPABILITY_NAMES = {
    "en": {"trends": "trends over time", "follow_up": "follow-up speed", "deal_size": "deal size",
           "retention": "retention and churn", "win_rate": "win rate"},
    "ja": {"trends": "期間ごとの推移", "follow_up": "初回対応の速さ", "deal_size": "受注金額",
           "retention": "継続率・解約率", "win_rate": "受注率"},
}
_NEEDS_JA = {
    "trends": "日付のあるレコード（作成日・商談化日などの日付）が必要です",
    "follow_up": "MQL化日と初回接触日が必要です",
    "deal_size": "受注した商談の金額が必要です",
    "retention": "受注顧客の解約日が必要です",
    "win_rate": "商談の結果（受注・失注のフェーズ、日付、フラグ）が必要です",
}


def _stage_in_sentence(stage: str, lang: Lang) -> str:
    """"opportunity", "MQL" / 「商談」: the stage's name as a sentence uses it."""
    name = stage_label(stage, lang)
    return name if lang == "ja" or name.isupper() else name.lower()


def render_load_text(report: LoadReport, lang: str = "en") -> list[str]:
    """Lines of the load section (empty for an in-memory dataset without files)."""
    language = as_lang(lang)
    words = _WORDS[language]
    lines: list[str] = []
    if report.files:
        lines += ["", words["title"]]
        for f in report.files:
            role = _ROLES.get(lang, {}).get(f.role, f.role)
            lines.append(f"  {f.name}: {words['role']} {role}, {f.dialect}, {f.encoding}, {f.rows:,} {words['rows']}")
            extras = [e.label for e in report.extra_dimensions if e.file == f.name]
            if extras:
                lines.append(f"    {words['extra']}: {', '.join(extras)}")
            if f.unused_columns:
                shown = ", ".join(f.unused_columns[:12]) + (", …" if len(f.unused_columns) > 12 else "")
                lines.append(f"    {words['unused']}: {shown}")
        for j in report.joins:
            lines.append(f"  {words['join']}: {j.left} '{j.on[0]}' → {j.right} '{j.on[1]}' — {j.matched:,} "
                         f"{words['matched']}, {j.unmatched:,} {words['unmatched']}")
    caps = report.capabilities
    if caps is not None:
        if caps.funnel_start != "lead":
            lines += ["", words["start"].format(stage=_stage_in_sentence(caps.funnel_start, language))]
        between = [s for s in caps.unobserved_stages if s != "won"]
        if between:
            names = [_stage_in_sentence(s, language) for s in between]
            lines += ["", words["implied"].format(stages=words["and"].join(names), verb="is" if len(names) == 1 else "are")]
        missing = [c for c in CAPABILITIES if c in caps.missing]
        if missing:
            lines += ["", words["missing"]]
            for name in missing:
                need = _NEEDS_JA.get(name, caps.missing[name]) if lang == "ja" else caps.missing[name]
                lines.append(f"  - {_CAPABILITY_NAMES.get(lang, _CAPABILITY_NAMES['en'])[name]}: {need}")
        for note in caps.notes:
            lines.append(f"  {words['notes']}: {note}")
    if report.plausibility.forced:
        lines += ["", words["forced"]] + [f"  - {i.message}" for i in report.plausibility.issues]
    return lines
