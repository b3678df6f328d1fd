"""Period labels as a reader writes them: 2026年8月〜10月, 2026年第3四半期, 2026年10月31日.

The engine labels windows the ISO way (``2026-Q3``, ``2026-03``, ``2026``, ``2026-08..2026-10``,
``2025-08-01..2025-10-12``, a date ``2026-10-31``); ``period_label`` turns them into the Japanese
forms and leaves English as it is (those labels read fine in an English sentence and are what an
analyst types back). A label it does not recognise is returned unchanged.
"""

from __future__ import annotations

import re

from tools.wording.lang import Lang

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _ja_single(label: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a month, day or year label."""
    if m := _DAY.match(label):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _MONTH.match(label):
        return int(m.group(1)), int(m.group(2)), None
    if m := _YEAR.match(label):
        return int(m.group(1)), None, None
    return None


def _ja_point(year: int, month: int | None, day: int | None, *, with_year: bool = True) -> str:
    text = f"{year}年" if with_year else ""
    if month is not None:
        text += f"{month}月"
    if day is not None:
        text += f"{day}日"
    return text


def _ja_range(start: str, end: str) -> str | None:
    first, last = _ja_single(start), _ja_single(end)
    if first is None or last is None or (first[2] is None) != (last[2] is None) or first[1] is None or last[1] is None:
        return None
    if first[2] is None and first[0] == last[0] and first[1] % 3 == 1 and last[1] == first[1] + 2:
        return f"{first[0]}年第{(first[1] - 1) // 3 + 1}四半期"  # a whole calendar quarter
    return f"{_ja_point(*first)}〜{_ja_point(*last, with_year=last[0] != first[0])}"


def period_label(label: str | None, lang: Lang = "en") -> str:
    """``label`` as a reader of ``lang`` writes it ("2026-08..2026-10" -> 「2026年8月〜10月」)."""
    if label is None:
        return ""
    text = str(label).strip()
    if lang != "ja":
        return text
    if m := _QUARTER.match(text):
        return f"{m.group(1)}年第{m.group(2)}四半期"
    single = _ja_single(text)
    if single is not None:
        return _ja_point(*single)
    if ".." in text:
        start, _, end = text.partition("..")
        return _ja_range(start.strip(), end.strip()) or text
    return text
