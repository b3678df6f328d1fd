"""Durations and conversions between two stages named in words: "average time from MQL to first
call", 「SQLから商談化までに何日？」, "what fraction of our MQLs turn into SQLs?".

A question that asks *how long* and names two points of the funnel is about the time between
them, not about how many records reached either: the stage nouns are its endpoints. MQL (or lead)
to the first inside-sales touch is the follow-up time (hours); opportunity to won is the sales
cycle; any other pair is the median days between the two stages' own dates. Returns the metric id,
or ``None`` when the question does not ask for a duration between two points.
"""

from __future__ import annotations

import re

from assistant.chat.phrases import word_edges
from tools.metric_layer.catalog import CONVERSION_STAGES

#: the follow-up "stage": first inside-sales touch after MQL
TOUCH = "touch"
#: funnel order of the endpoints (the touch sits between MQL and SQL)
ORDER = {"lead": 0, "mql": 1, TOUCH: 1.5, "sql": 2, "opportunity": 3, "won": 4}

#: phrase -> endpoint; longer phrases win where they overlap ("first touch" before "touch")
ENDPOINTS: dict[str, str] = {
    "lead creation": "lead", "lead created": "lead", "lead is created": "lead", "creation": "lead", "created": "lead",
    "leads": "lead", "lead": "lead", "inquiry": "lead", "inquiries": "lead",
    "mqls": "mql", "mql": "mql", "marketing qualified": "mql", "marketing-qualified": "mql",
    "sqls": "sql", "sql": "sql", "sales qualified": "sql", "sales-qualified": "sql",
    "opportunities": "opportunity", "opportunity": "opportunity", "opps": "opportunity", "opp": "opportunity",
    "deal creation": "opportunity", "deal is created": "opportunity", "deal created": "opportunity",
    "won": "won", "win": "won", "winning": "won", "close": "won", "closed": "won", "closing": "won",
    "closes": "won", "closed-won": "won", "signed": "won", "signature": "won", "customer": "won", "customers": "won",
    "wins": "won", "won deals": "won",
    "first touch": TOUCH, "first call": TOUCH, "first contact": TOUCH, "first response": TOUCH,
    "first reply": TOUCH, "first outreach": TOUCH, "first follow-up": TOUCH, "first follow up": TOUCH,
    "initial contact": TOUCH, "initial call": TOUCH, "contacted": TOUCH, "called": TOUCH, "touched": TOUCH,
    "reached out": TOUCH, "reach out": TOUCH, "call back": TOUCH, "callback": TOUCH, "a call": TOUCH,
    "リード獲得": "lead", "リード作成": "lead", "リード": "lead", "問い合わせ": "lead", "作成": "lead",
    "mql化": "mql", "sql化": "sql",
    "商談化": "opportunity", "案件化": "opportunity", "商談": "opportunity",
    "受注": "won", "成約": "won", "クローズ": "won", "契約": "won",
    "初回接触": TOUCH, "初回連絡": TOUCH, "初回架電": TOUCH, "初回対応": TOUCH, "初回コンタクト": TOUCH,
    "最初に連絡": TOUCH, "最初の連絡": TOUCH, "最初の接触": TOUCH, "最初に接触": TOUCH, "最初に電話": TOUCH,
    "最初の架電": TOUCH, "連絡": TOUCH, "接触": TOUCH, "架電": TOUCH, "電話": TOUCH, "コンタクト": TOUCH,
}
#: words that ask for a time span
_CUE_EN = re.compile(
    r"\bhow long\b|\bhow many (?:days|hours|weeks)\b|\b(?:average|avg|mean|median|typical|usual)\s+"
    r"(?:time|days|hours|lag|delay|wait|gap)\b|\btime (?:from|between|to|it takes|until|till|before|for)\b"
    r"|\b(?:lag|delay|waiting|wait|gap|duration|elapsed|turnaround)\b|\b(?:days|hours) (?:from|between|to|until|before)\b"
    r"|\bhow (?:fast|quickly|soon)\b|\bspeed\b|\bvelocity\b")
_CUE_JA = ("何日", "何時間", "何週間", "日数", "までの時間", "までの期間", "までの平均", "までに何", "まで何",
           "までどのくらい", "までどれくらい", "までどれ位", "かかる", "かかって", "かかり", "リードタイム",
           "スピード", "速さ", "早さ", "経過時間", "所要")
#: a duration already has its own metric phrase, or the question asks a share within a limit
_NOT_DURATION = ("within", "以内", "over time", "推移", "by month", "by quarter", "月別", "四半期別")


def _endpoints(text: str) -> list[tuple[int, str]]:
    """(position, endpoint) of each point of the funnel the question names, non-overlapping."""
    found: list[tuple[int, int, str]] = []
    for phrase in sorted(ENDPOINTS, key=len, reverse=True):
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            free = all(end <= s or start >= e for s, e, _ in found)
            if free and (not phrase.isascii() or word_edges(text, start, end)):
                found.append((start, end, ENDPOINTS[phrase]))
            start = text.find(phrase, end)
    return [(start, point) for start, _, point in sorted(found)]


def asks_duration(text: str) -> bool:
    """The (normalised) question asks how long something takes."""
    if any(w in text for w in _NOT_DURATION):
        return False
    return bool(_CUE_EN.search(text)) or any(cue in text for cue in _CUE_JA)


#: words that ask what share of one stage reaches another ("what fraction of MQLs turn into SQLs?")
_CONVERSION_CUE = re.compile(
    r"\b(?:turn|turns|turned|become|becomes|became|convert|converts|converted|make it|makes it|progress|progresses|"
    r"move on|moves on|advance|advances|go on|goes on|end up|ends up|ended up)\b")
#: "how many leads became MQLs?" asks the conversion's success count: the conversion shows it with n and rate
_SHARE_CUE = re.compile(r"\b(?:what|which) (?:share|fraction|proportion|percentage|percent|portion)\b|\bhow many\b|%")
_CONVERSION_JA = ("になる割合", "になった割合", "に進む割合", "に進んだ割合", "になる率", "に転換", "まで進む割合", "に至る割合")
#: 「リードのうち何件がMQLになった？」: a count of those that reached the later stage
_CONVERTED_COUNT_JA = re.compile(r"(?:何件|何人|何社|いくつ|どれだけ|どのくらい|どれくらい).{0,12}"
                                 r"(?:になった|になる|になりました|に進んだ|に進む|に進みました|に転換|化した|化しました|化された|化されました|"
                                 r"化できた|に至った|に至りました)")


def find_conversion(text: str) -> str | None:
    """The conversion metric a (normalised) question asks for in words ("what fraction of our MQLs turn into
    SQLs?" -> ``mql_to_sql``), or ``None``."""
    asks = (_CONVERSION_CUE.search(text) and _SHARE_CUE.search(text)) or any(cue in text for cue in _CONVERSION_JA) \
        or _CONVERTED_COUNT_JA.search(text)
    if not asks or asks_duration(text):
        return None
    points = [p for p in dict.fromkeys(point for _, point in _endpoints(text)) if p != TOUCH]
    if len(points) < 2:
        return None
    first, last = sorted(points[:2], key=lambda p: ORDER[p])
    name = f"{first}_to_{last}"  # "how many MQLs went on to become opportunities": a spanning conversion too
    return name if name in CONVERSION_STAGES else None


def find_duration(text: str) -> str | None:
    """The duration metric a (normalised) question asks for, or ``None``.

    "How long from SQL to opportunity?" -> ``days_sql_to_opportunity``; "time from MQL to first
    call" -> ``median_follow_up_hours``; 「商談化から受注までの日数」 -> ``median_cycle_days``.
    """
    if not asks_duration(text):
        return None
    points = list(dict.fromkeys(point for _, point in _endpoints(text)))
    if points == [TOUCH]:
        points = ["mql", TOUCH]  # "how long until a new lead gets a first call?"
    if len(points) < 2:
        return None
    first, last = sorted(points[:2], key=lambda p: ORDER[p])
    if first == last:
        return None
    if first == TOUCH and last != "won":
        return None  # from the first touch to a stage: no metric measures it
    if last == TOUCH:
        return "median_follow_up_hours" if first in ("lead", "mql") else None
    if first == TOUCH:
        first = "mql"
    if (first, last) == ("opportunity", "won"):
        return "median_cycle_days"
    return f"days_{first}_to_{last}"
