"""Read the numbers a question gives: money (target, quota), a change with its unit, reps, a lever.

Small, explicit regexes in English and Japanese; nothing here guesses a number the user did not
write. Units matter: "5 points" / 「5ポイント」 is +0.05 absolute on a rate, "5%" / "10% more" /
「1割」 is relative, "double" is +100%.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.chat.metric_words import METRIC_PHRASES, STAGE_PHRASES
from assistant.chat.phrases import hits, normalise

#: metric id (or bundle) -> the what-if lever it names
METRIC_LEVER = {
    "win_rate": "opportunity_to_won", "opportunity_to_won": "opportunity_to_won", "won_deals": "opportunity_to_won",
    "mql_to_sql": "mql_to_sql", "sql_to_opportunity": "sql_to_opportunity", "lead_to_mql": "lead_to_mql",
    "average_deal_size": "deal_size", "median_cycle_days": "cycle_time", "churn_rate": "retention",
    "retention_rate": "retention", "leads": "lead_volume",
}
RATE_LEVERS = frozenset({"lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "retention"})

_POINTS = re.compile(r"([-+−]?\d+(?:\.\d+)?)\s*(?:percentage[- ]points?|points?|pts?\b|pp\b|ポイント|ﾎﾟｲﾝﾄ)")
_PERCENT = re.compile(r"([-+−]?\d+(?:\.\d+)?)\s*(?:%|percent|pct\b|パーセント)")
_WARI = re.compile(r"(\d+(?:\.\d+)?)\s*割")
_DAYS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:days?\b|日)")
_TIMES = re.compile(r"(\d+(?:\.\d+)?)\s*倍")
_MONEY = re.compile(
    r"([¥$€£])?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(billion|million|thousand|bn|[bmk](?![a-z])|億|万|千)?"
    r"\s*(円|yen|jpy|ドル|dollars?)?",
    re.IGNORECASE,
)
_SCALES = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3,
           "億": 1e8, "万": 1e4, "千": 1e3}
_NEGATIVE = ("drop", "fall", "falls", "fell", "decline", "decrease", "lose", "worse", "down", "shrink", "cut",
             "lower", "slip", "shorten", "reduce", "faster", "下が", "減", "悪化", "低下", "落ち", "短縮", "短く")
_QUOTA_WORDS = ("quota", "per rep", "per ae", "per person", "per head", "each rep", "each ae", "each carries",
                "each seller", "per seller", "1人あたり", "一人あたり", "1人当たり", "一人当たり", "クォータ", "ノルマ",
                "1人", "一人")


@dataclass(frozen=True)
class Change:
    """A change the user asked about: +0.05 ``points`` (absolute) or +0.10 ``relative``."""

    value: float
    unit: Literal["points", "relative", "days"]


def find_change(question: str) -> Change | None:
    """The size and unit of a what-if change ("5 points" -> +0.05 points; "10% more" -> +0.10 relative)."""
    t = normalise(question)
    negative = any(w in t for w in _NEGATIVE)
    sign = -1.0 if negative else 1.0
    for pattern, unit in ((_POINTS, "points"), (_PERCENT, "relative")):
        m = pattern.search(t)
        if m:
            value = float(m.group(1).replace("−", "-")) / 100
            if value > 0:
                value *= sign
            return Change(value, unit)  # type: ignore[arg-type]
    if m := _DAYS.search(t):
        return Change(sign * float(m.group(1)), "days")
    if m := _WARI.search(t):
        return Change(sign * float(m.group(1)) / 10, "relative")
    if m := _TIMES.search(t):
        return Change(float(m.group(1)) - 1.0, "relative")
    if re.search(r"\bdoubl", t):
        return Change(1.0, "relative")
    if re.search(r"\bhalve|\bhalf\b", t) or "半分" in t or "半減" in t:
        return Change(-0.5, "relative")
    return None


def find_lever(question: str) -> str | None:
    """The what-if lever a question names ("win rate" -> ``opportunity_to_won``; 「リード」 -> lead volume)."""
    text = normalise(question)
    for _, _, name in hits(text, {**STAGE_PHRASES, **METRIC_PHRASES}):
        if name in METRIC_LEVER:
            return METRIC_LEVER[name]
    return None


@dataclass(frozen=True)
class Money:
    value: float
    start: int
    end: int


def money_mentions(question: str) -> list[Money]:
    """Amounts the user wrote ("¥120M", "1.2億", "$2 million", "5000万円", "120,000,000")."""
    t = normalise(question)
    out = []
    for m in _MONEY.finditer(t):
        start = m.start(1) if m.group(1) else m.start(2)
        if t[m.end() : m.end() + 1] == "%" or (start > 0 and t[start - 1].isalnum() and t[start - 1].isascii()):
            continue
        number = float(m.group(2).replace(",", ""))
        scale = _SCALES.get((m.group(3) or "").lower(), 1.0)
        value = number * scale
        marked = bool(m.group(1) or m.group(3) or m.group(4))
        if (marked and value >= 1000) or value >= 100_000:
            out.append(Money(value, start, m.end()))
    return out


def find_quota_and_target(question: str) -> tuple[float | None, float | None]:
    """(quota per rep, revenue target): the amount next to a quota word is the quota, the largest other the target."""
    t = normalise(question)
    amounts = money_mentions(question)
    quota = None
    words = [(i, i + len(w)) for w in _QUOTA_WORDS for i in [t.find(w)] if i >= 0]
    if words and amounts:

        def distance(a: Money) -> float:  # an amount right after the word ("quota of 30M") beats one before it
            return min(a.start - e if a.start >= e else s - a.end + 0.5 for s, e in words)

        nearest = min(amounts, key=distance)
        if distance(nearest) <= 12:
            quota = nearest
    rest = [a for a in amounts if a is not quota]
    target = max(rest, key=lambda a: a.value).value if rest else None
    return (quota.value if quota else None), target


def find_money(question: str) -> float | None:
    """The largest amount the user wrote."""
    amounts = money_mentions(question)
    return max(a.value for a in amounts) if amounts else None


def find_reps(question: str) -> int | None:
    """How many reps the team has now ("we have 6 reps", 「営業6人」)."""
    t = normalise(question)
    m = re.search(r"(?:have|with|currently|今|現在)\D{0,12}?(\d+)\s*(?:reps?|aes?|sellers|people|人)", t)
    return int(m.group(1)) if m else None


_PER_REP = re.compile(r"(\d+(?:,\d{3})*)\s*(?:件|mqls?\b|leads?\b)")
_PER_WORDS = ("per rep", "per person", "each rep", "one rep", "a rep", "per is", "each ", "一人", "1人", "ひとり", "あたり",
              "当たり")


def find_per_rep(question: str) -> float | None:
    """MQLs one rep works per period ("150 MQLs per rep", 「一人あたり月150件」)."""
    t = normalise(question)
    if not any(w in t for w in _PER_WORDS):
        return None
    m = _PER_REP.search(t)
    return float(m.group(1).replace(",", "")) if m else None
