"""Read the period a question is about, in English or Japanese, into a ``PeriodSpec``.

"Q4 2025", "2025年第3四半期", "October 2026", "2026年9月", "in 2025", "last quarter", 「先月」,
"the last 6 months", 「直近3ヶ月」, "this year", "recently". A month or quarter named without a
year is the latest one up to the data's last date. Nothing here resolves dates against the
data: ``tools.metric_layer.periods`` does, so the route stays a plain description.
"""

from __future__ import annotations

import re

import pandas as pd

from tools.metric_layer import PeriodSpec

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
          "nov": 11, "dec": 12}
NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12,
                "eighteen": 18, "twenty-four": 24, "several": 3, "few": 3, "couple of": 2}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_MONTH_NAME = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bq([1-4])\s*(?:of\s*|fy\s*)?'?(20\d{2})\b"), "q_y"),
    (re.compile(r"\b(20\d{2})\s*[-/ ]?\s*q([1-4])\b"), "y_q"),
    (re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(20\d{2})\b"), "ord_y"),
    (re.compile(r"(20\d{2})年\s*(?:度\s*)?(?:第\s*)?([1-4])\s*(?:四半期|q)"), "y_q"),
    (re.compile(r"(20\d{2})年\s*([1-4])q"), "y_q"),
    (re.compile(r"\b" + _MONTH_NAME + r"\.?,?\s+(20\d{2})\b"), "m_y"),
    (re.compile(r"\b(20\d{2})[-/](\d{1,2})\b"), "y_m"),
    (re.compile(r"(20\d{2})年\s*(\d{1,2})月"), "y_m"),
    (re.compile(r"(?:第\s*)?([1-4])\s*(?:四半期)"), "q"),
    (re.compile(r"\bq([1-4])\b"), "q"),
    (re.compile(r"\b(?:in|during|for|of|since)\s+" + _MONTH_NAME + r"\b(?!\s+\d)"), "m"),
    (re.compile(r"(?<!\d)(\d{1,2})月(?!間)"), "m_num"),
    (re.compile(r"(?:\bin\s+|\bfor\s+|\bduring\s+|\bof\s+|^|\s)((?:19|20)\d{2})(?:年(?!\s*\d)|\b)(?![-/]\d)"), "y"),
]
_LAST_N = re.compile(
    r"(?:last|past|previous|trailing|prior)\s+(\d+|a|one|two|three|four|five|six|nine|twelve|eighteen|few|several|couple of)"
    r"\s+(months?|quarters?|years?)")
_LAST_N_JA = re.compile(r"(?:直近|過去|最近|ここ)\s*(\d+)\s*(ヶ月|か月|カ月|ヵ月|ケ月|四半期|年間?)")
_RELATIVE: list[tuple[str, PeriodSpec]] = [
    ("year to date", PeriodSpec("this", grain="year")), ("ytd", PeriodSpec("this", grain="year")),
    ("so far this year", PeriodSpec("this", grain="year")), ("this year", PeriodSpec("this", grain="year")),
    ("quarter to date", PeriodSpec("this", grain="quarter")), ("qtd", PeriodSpec("this", grain="quarter")),
    ("this quarter", PeriodSpec("this", grain="quarter")), ("current quarter", PeriodSpec("this", grain="quarter")),
    ("this month", PeriodSpec("this", grain="month")), ("month to date", PeriodSpec("this", grain="month")),
    ("the last year", PeriodSpec("last", grain="year")), ("the past year", PeriodSpec("last", grain="year")),
    ("past year", PeriodSpec("last", grain="year")),
    ("next quarter", PeriodSpec("next", grain="quarter")), ("next month", PeriodSpec("next", grain="month")),
    ("next year", PeriodSpec("next", grain="year")),
    ("last quarter", PeriodSpec("previous", grain="quarter")),
    ("previous quarter", PeriodSpec("previous", grain="quarter")),
    ("last month", PeriodSpec("previous", grain="month")), ("previous month", PeriodSpec("previous", grain="month")),
    ("last year", PeriodSpec("previous", grain="year")), ("previous year", PeriodSpec("previous", grain="year")),
    ("recently", PeriodSpec("current")), ("lately", PeriodSpec("current")), ("latest period", PeriodSpec("current")),
    ("current period", PeriodSpec("current")), ("right now", PeriodSpec("current")),
    ("来四半期", PeriodSpec("next", grain="quarter")), ("来期", PeriodSpec("next", grain="quarter")),
    ("来月", PeriodSpec("next", grain="month")), ("来年", PeriodSpec("next", grain="year")),
    ("今年度", PeriodSpec("this", grain="year")), ("今年", PeriodSpec("this", grain="year")),
    ("本年", PeriodSpec("this", grain="year")), ("年初来", PeriodSpec("this", grain="year")),
    ("今四半期", PeriodSpec("this", grain="quarter")), ("当四半期", PeriodSpec("this", grain="quarter")),
    ("今クォーター", PeriodSpec("this", grain="quarter")), ("今期", PeriodSpec("this", grain="quarter")),
    ("前四半期", PeriodSpec("previous", grain="quarter")), ("先四半期", PeriodSpec("previous", grain="quarter")),
    ("前の四半期", PeriodSpec("previous", grain="quarter")), ("前期", PeriodSpec("previous", grain="quarter")),
    ("今月", PeriodSpec("this", grain="month")), ("当月", PeriodSpec("this", grain="month")),
    ("先月", PeriodSpec("previous", grain="month")), ("前月", PeriodSpec("previous", grain="month")),
    ("昨年", PeriodSpec("previous", grain="year")), ("去年", PeriodSpec("previous", grain="year")),
    ("直近", PeriodSpec("current")), ("最近", PeriodSpec("current")),
]
#: relative phrases that are comparisons, not periods ("前年同期" is the year-ago window)
_NOT_PERIODS = ("前年同期", "前年比", "昨年同期", "前期比", "前月比", "前四半期比", "last year's", "a year ago",
                "versus last year", "vs last year", "than last year", "compared with last year",
                "compared to last year", "over last year", "前年より", "去年より", "昨年より", "去年と比べ",
                "昨年と比べ", "前年と比べ", "去年比")


def _latest(as_of: pd.Timestamp | None, month: int | None = None, quarter: int | None = None) -> str:
    """The latest month/quarter with that number up to ``as_of`` (today without data)."""
    ref = as_of if as_of is not None else pd.Timestamp.today()
    year = ref.year
    if month is not None:
        return f"{year if month <= ref.month else year - 1:04d}-{month:02d}"
    assert quarter is not None
    current_q = (ref.month - 1) // 3 + 1
    return f"{year if quarter <= current_q else year - 1:04d}-Q{quarter}"


def _spec(kind: str, m: re.Match[str], as_of: pd.Timestamp | None) -> PeriodSpec | None:
    g = m.groups()
    if kind == "q_y":
        return PeriodSpec("named", f"{g[1]}-Q{g[0]}")
    if kind == "y_q":
        return PeriodSpec("named", f"{g[0]}-Q{g[1]}")
    if kind == "ord_y":
        return PeriodSpec("named", f"{g[1]}-Q{ORDINALS[g[0]]}")
    if kind == "m_y":
        return PeriodSpec("named", f"{g[1]}-{MONTHS[g[0][:3]]:02d}")
    if kind == "y_m":
        return PeriodSpec("named", f"{g[0]}-{int(g[1]):02d}") if 1 <= int(g[1]) <= 12 else None
    if kind == "q":
        return PeriodSpec("named", _latest(as_of, quarter=int(g[0])))
    if kind == "m":
        return PeriodSpec("named", _latest(as_of, month=MONTHS[g[0][:3]]))
    if kind == "m_num":
        return PeriodSpec("named", _latest(as_of, month=int(g[0]))) if 1 <= int(g[0]) <= 12 else None
    return PeriodSpec("named", g[0])


def find_periods(text: str, as_of: pd.Timestamp | None = None) -> list[PeriodSpec]:
    """Every period the (normalised, lower-cased) question names, in order of appearance."""
    found: list[tuple[int, int, PeriodSpec]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            spec = _spec(kind, m, as_of)
            if spec is not None and free(m.start(), m.end()):
                found.append((m.start(), m.end(), spec))
    for pattern, grain_of in ((_LAST_N, _grain_en), (_LAST_N_JA, _grain_ja)):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                count_text, unit = m.group(1), m.group(2)
                count = int(count_text) if count_text.isdigit() else NUMBER_WORDS.get(count_text, 1)
                found.append((m.start(), m.end(), PeriodSpec("last", grain=grain_of(unit), count=count)))  # type: ignore[arg-type]
    blocked = [(text.find(p), text.find(p) + len(p)) for p in _NOT_PERIODS if p in text]
    for phrase, spec in _RELATIVE:
        start = text.find(phrase)
        if start >= 0 and free(start, start + len(phrase)) and all(
                start + len(phrase) <= s or start >= e for s, e in blocked):
            found.append((start, start + len(phrase), spec))
    return [spec for _, _, spec in sorted(found, key=lambda f: f[0])]


def _grain_en(unit: str) -> str:
    return "month" if unit.startswith("month") else "quarter" if unit.startswith("quarter") else "year"


def _grain_ja(unit: str) -> str:
    return "quarter" if unit == "四半期" else "year" if unit.startswith("年") else "month"
