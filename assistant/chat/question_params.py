"""Read tool arguments out of a question: metric, lever, percentage, money, segment, follow-up.

Small, explicit regexes and phrase tables in English and Japanese; nothing here guesses a number
the user did not write.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.chat.question import SegmentFilter

#: phrase -> metric name of the ``lookup_metric`` tool
METRIC_PHRASES: tuple[tuple[str, str], ...] = (
    ("win rate", "win_rate"), ("close rate", "win_rate"), ("受注率", "win_rate"), ("勝率", "win_rate"),
    ("成約率", "win_rate"),
    ("deal size", "average_deal_size"), ("acv", "average_deal_size"), ("単価", "average_deal_size"),
    ("受注額", "average_deal_size"),
    ("cycle", "sales_cycle"), ("how long", "sales_cycle"), ("商談期間", "sales_cycle"),
    ("リードタイム", "sales_cycle"), ("サイクル", "sales_cycle"),
    ("follow-up", "follow_up_time"), ("follow up", "follow_up_time"), ("first touch", "follow_up_time"),
    ("response time", "follow_up_time"), ("初回対応", "follow_up_time"), ("フォロー", "follow_up_time"),
    ("churn", "churn_rate"), ("解約", "churn_rate"), ("retention", "churn_rate"), ("継続率", "churn_rate"),
    ("weighted pipeline", "weighted_pipeline"), ("加重パイプライン", "weighted_pipeline"),
    ("coverage", "pipeline_coverage"), ("カバレッジ", "pipeline_coverage"),
    ("conversion", "conversion"), ("転換率", "conversion"), ("移行率", "conversion"), ("商談化率", "conversion"),
)

#: phrase -> lever (SPEC §5 LEVER) for what-if questions
LEVER_PHRASES: tuple[tuple[str, str], ...] = (
    ("win rate", "opportunity_to_won"), ("close rate", "opportunity_to_won"), ("受注率", "opportunity_to_won"),
    ("勝率", "opportunity_to_won"),
    ("mql to sql", "mql_to_sql"), ("mql→sql", "mql_to_sql"), ("sql rate", "mql_to_sql"),
    ("sql to opp", "sql_to_opportunity"), ("sql→商談", "sql_to_opportunity"), ("商談化率", "sql_to_opportunity"),
    ("lead to mql", "lead_to_mql"), ("mql rate", "lead_to_mql"), ("mql化率", "lead_to_mql"),
    ("deal size", "deal_size"), ("単価", "deal_size"), ("受注額", "deal_size"),
    ("cycle", "cycle_time"), ("商談期間", "cycle_time"), ("リードタイム", "cycle_time"),
    ("churn", "retention"), ("retention", "retention"), ("解約", "retention"), ("継続", "retention"),
    ("leads", "lead_volume"), ("lead volume", "lead_volume"), ("リード", "lead_volume"),
)

DIMENSION_PHRASES: tuple[tuple[str, str], ...] = (
    ("lead source", "lead_source"), ("source", "lead_source"), ("channel", "lead_source"),
    ("リードソース", "lead_source"), ("ソース", "lead_source"), ("チャネル", "lead_source"), ("流入", "lead_source"),
    ("segment", "segment"), ("セグメント", "segment"), ("企業規模", "segment"),
    ("industry", "industry"), ("業種", "industry"), ("region", "region"), ("地域", "region"),
    ("icp", "icp_fit"), ("owner", "owner"), ("rep", "owner"), ("担当", "owner"),
    ("employee", "employee_count"), ("従業員", "employee_count"),
)

#: Japanese / alternative names of common segment values -> an English token to look for
SEGMENT_ALIASES: dict[str, str] = {
    "エンタープライズ": "enterprise", "大企業": "enterprise", "大手": "enterprise",
    "中小企業": "smb", "中小": "smb", "small business": "smb", "スモール": "smb",
    "ミッドマーケット": "mid", "中堅": "mid", "mid-market": "mid", "midmarket": "mid",
    "ウェビナー": "webinar", "展示会": "event", "イベント": "event", "広告": "ad", "紹介": "referral",
    "キャンペーン": "campaign", "プレゼント": "giveaway", "ウェブ": "web", "自然検索": "organic",
}

_FOLLOWUP_MARKERS_EN = ("and ", "what about", "how about", "same for", "only", "just ", "instead", "now for")
_FOLLOWUP_MARKERS_JA = ("だけ", "のみ", "では", "の場合", "はどう", "は？", "については", "同じく", "それで")

_PERCENT = re.compile(r"([-+−]?\d+(?:\.\d+)?)\s*(?:%|percent|pct|points?|pts?|ポイント|パーセント)", re.IGNORECASE)
_MONEY = re.compile(
    r"([¥$€£])?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(billion|million|thousand|bn|[bmk](?![a-z])|億|万|千)?",
    re.IGNORECASE,
)
_SCALES = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3,
           "億": 1e8, "万": 1e4, "千": 1e3}
_NEGATIVE = ("drop", "fall", "decline", "decrease", "lose", "worse", "down", "shrink", "cut", "下が", "減", "悪化",
             "低下")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _first(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    t = _norm(text)
    hits = [(t.find(p), -len(p), name) for p, name in table if p in t]
    return min(hits)[2] if hits else None


def find_metric(question: str) -> str | None:
    """The metric a question asks about, if it names one."""
    return _first(question, METRIC_PHRASES)


def find_lever(question: str) -> str | None:
    """The lever of a what-if question ("win rate" -> ``opportunity_to_won``)."""
    return _first(question, LEVER_PHRASES)


def find_dimension(question: str) -> str | None:
    """The dimension a funnel breakdown is asked by ("by lead source" -> ``lead_source``)."""
    return _first(question, DIMENSION_PHRASES)


def find_grain(question: str) -> str | None:
    """``month`` or ``quarter`` when the question asks for a trend by period."""
    t = _norm(question)
    if any(w in t for w in ("quarter", "四半期", "qoq")):
        return "quarter"
    if any(w in t for w in ("month", "月別", "月次", "毎月", "trend", "推移", "over time")):
        return "month"
    return None


def find_percent(question: str) -> float | None:
    """A relative change as a fraction ("+10%" -> 0.1; "drops 5 points" -> -0.05)."""
    t = _norm(question)
    m = _PERCENT.search(t)
    if not m:
        return None
    value = float(m.group(1).replace("−", "-")) / 100
    if value > 0 and any(w in t for w in _NEGATIVE):
        value = -value
    return value


def find_money(question: str) -> float | None:
    """A revenue amount the user wrote ("¥120M", "1.2億", "$2 million", "120,000,000")."""
    t = _norm(question)
    best: float | None = None
    for m in _MONEY.finditer(t):
        end = m.end()
        if end < len(t) and t[end : end + 1] in "%":
            continue
        number = float(m.group(2).replace(",", ""))
        scale = _SCALES.get((m.group(3) or "").lower(), 1.0)
        value = number * scale
        if (m.group(1) or m.group(3)) and value >= 1000 or value >= 100_000:
            best = max(best or 0.0, value)
    return best


def find_reps(question: str) -> int | None:
    """A number of reps the user wrote ("with 6 reps", "営業6人")."""
    m = re.search(r"(\d+)\s*(?:reps?|aes?|sellers|people|人)", _norm(question))
    return int(m.group(1)) if m else None


def find_segment(question: str, vocabulary: dict[str, list[str]]) -> SegmentFilter | None:
    """A dimension value of the upload the question names ("enterprise", "エンタープライズ", "Rep B")."""
    t = _norm(question)
    tokens = [t] + [alias for key, alias in SEGMENT_ALIASES.items() if key in t]
    best: tuple[int, str, str] | None = None
    for dimension, values in vocabulary.items():
        for value in values:
            v = _norm(str(value))
            if len(v) < 2:
                continue
            named = re.search(rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])", t) is not None
            hit = named or any(len(tok) >= 2 and tok in v for tok in tokens[1:])
            if hit and (best is None or len(v) > best[0]):
                best = (len(v), dimension, str(value))
    return SegmentFilter(best[1], best[2]) if best else None


def is_followup(question: str, names_segment: bool) -> bool:
    """A short question that only changes the focus of the previous one."""
    t = _norm(question).strip()
    short = len(t) <= (30 if any(ord(c) > 0x3000 for c in t) else 60)
    marker = t.startswith(_FOLLOWUP_MARKERS_EN) or any(m in t for m in _FOLLOWUP_MARKERS_EN[1:]) or any(
        m in t for m in _FOLLOWUP_MARKERS_JA
    )
    if names_segment:
        return short or marker
    changes_number = bool(_PERCENT.search(t) or find_money(t))
    return short and marker and changes_number


def _split_quota(question: str) -> tuple[str, str]:
    """(text before "quota"/"クォータ", the quota clause) so target and quota are read apart."""
    t = _norm(question)
    for word in ("quota", "クォータ", "ノルマ"):
        if word in t:
            i = t.index(word)
            return t[:i], t[i:]
    return t, ""


def find_quota(question: str) -> float | None:
    """One rep's quota ("quota of 30M per rep", "クォータ3000万")."""
    _, clause = _split_quota(question)
    return find_money(clause) if clause else None


def find_target(question: str) -> float | None:
    """The revenue target, ignoring any quota the question also gives."""
    before, clause = _split_quota(question)
    return find_money(before) if clause else find_money(question)
