"""Periods as people name them, resolved against the data: ``2025-Q3``, "last 6 months", "this year".

Every relative period is anchored on the latest date in the data (the export date), never on
today's clock, so the same upload always gives the same answer. A period that runs past that date
is *partial* (to date). ``current`` and ``baseline`` are the diagnosis's own comparison windows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tools.errors import RevOpsInputError
from tools.metric_layer.model import PeriodSpec
from tools.periods import ONE_DAY, Periods, Window, make_window, month_start

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
MONTHS = {"month": 1, "quarter": 3, "year": 12}


_RANGE = re.compile(r"^(\d{4}-\d{1,2})\.\.(\d{4}-\d{1,2})$")


def named_window(label: str) -> Window:
    """The calendar period of a label: ``2025-03``, ``2025-Q3``, ``2025`` or a month range
    ``2024-10..2025-09`` (the label the diagnosis gives a window of several months)."""
    text = label.strip()
    if m := _RANGE.match(text):
        first, last = named_window(m.group(1)), named_window(m.group(2))
        if last.end <= first.start:
            raise RevOpsInputError(f"unknown period '{label}'", hint="A range runs from an earlier month to a later one")
        return Window(text, first.start, last.end)
    if m := _QUARTER.match(text):
        start = pd.Timestamp(year=int(m.group(1)), month=3 * (int(m.group(2)) - 1) + 1, day=1)
        return make_window(start, 3)
    if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return make_window(pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1), 1)
    if m := _YEAR.match(text):
        return make_window(pd.Timestamp(year=int(m.group(1)), month=1, day=1), 12)
    raise RevOpsInputError(f"unknown period '{label}'", hint="Use a month (2025-03), a quarter (2025-Q3) or a year (2025)")


def _grain_start(ts: pd.Timestamp, grain: str) -> pd.Timestamp:
    if grain == "year":
        return pd.Timestamp(year=ts.year, month=1, day=1)
    if grain == "quarter":
        return pd.Timestamp(year=ts.year, month=3 * ((ts.month - 1) // 3) + 1, day=1)
    return month_start(ts)


def resolve(spec: PeriodSpec | None, as_of: pd.Timestamp, periods: Periods) -> tuple[Window | None, bool]:
    """(window, partial) of ``spec``; ``(None, False)`` for the whole upload."""
    if spec is None:
        return None, False
    if spec.kind == "named":
        if not spec.label:
            raise RevOpsInputError("a named period needs a label", hint="e.g. 2025-Q3")
        window = named_window(spec.label)
    elif spec.kind in ("current", "baseline"):
        window = periods.current if spec.kind == "current" else periods.baseline  # type: ignore[assignment]
        if window is None:
            raise RevOpsInputError("the data is too short for a baseline period",
                                   hint="Ask about a named period (e.g. 2025-Q3) instead")
    else:
        grain = spec.grain or "month"
        if grain not in MONTHS:
            raise RevOpsInputError(f"unknown grain '{grain}'", hint="Use month, quarter or year")
        months = MONTHS[grain]
        if spec.kind == "last":
            if not 1 <= spec.count <= 120:
                raise RevOpsInputError(f"cannot look back {spec.count} {grain}s", hint="Use 1 to 120")
            end = month_start(as_of + ONE_DAY)  # whole months up to the latest date
            span = months * spec.count
            window = make_window(end - pd.DateOffset(months=span), span)
        else:
            start = _grain_start(as_of, grain)
            if spec.kind == "previous":
                start = start - pd.DateOffset(months=months)
            elif spec.kind == "next":
                start = start + pd.DateOffset(months=months)
            window = make_window(start, months)
    return window, window.end > as_of + ONE_DAY


def shifted(window: Window, how: str) -> Window:
    """The window before ``window`` (``previous``) or the same window a year earlier (``year_ago``)."""
    months = round((window.end - window.start) / pd.Timedelta(days=30.44))
    months = max(1, months)
    offset = 12 if how == "year_ago" else months
    return make_window(window.start - pd.DateOffset(months=offset), months)


def period_keys(dates_ns: np.ndarray, grain: str) -> np.ndarray:
    """Integer calendar-period code per int64-ns date (-1 where missing): year*12+month-1, year*4+q, year."""
    missing = dates_ns == np.iinfo(np.int64).min
    months = dates_ns.astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)  # months since 1970
    if grain == "month":
        codes = months + 1970 * 12
    elif grain == "quarter":
        codes = (months + 1970 * 12) // 3
    else:
        codes = (months + 1970 * 12) // 12
    return np.where(missing, -1, codes)


def key_window(code: int, grain: str) -> Window:
    """The calendar period of a code from ``period_keys``."""
    if grain == "month":
        return make_window(pd.Timestamp(year=code // 12, month=code % 12 + 1, day=1), 1)
    if grain == "quarter":
        return make_window(pd.Timestamp(year=code // 4, month=3 * (code % 4) + 1, day=1), 3)
    return make_window(pd.Timestamp(year=code, month=1, day=1), 12)


_CODE = re.compile(r"^(last|this|previous|next)_(?:(\d+)_)?(month|quarter|year)s?$")


def parse_period_code(code: str | None) -> PeriodSpec | None:
    """A period as a tool argument: ``2025-Q3`` / ``2025-03`` / ``2025``, ``last_6_months``,
    ``this_quarter``, ``previous_month``, ``current``, ``baseline``; ``None``/``all`` = whole upload."""
    if code is None or not str(code).strip() or str(code).strip().lower() in ("all", "whole", "none"):
        return None
    text = str(code).strip().lower().replace(" ", "_")
    if text in ("current", "baseline"):
        return PeriodSpec(text)  # type: ignore[arg-type]
    if m := _CODE.match(text):
        kind, count, grain = m.group(1), int(m.group(2) or 1), m.group(3)
        return PeriodSpec(kind, grain=grain, count=count)  # type: ignore[arg-type]
    named_window(str(code).strip().upper().replace("Q", "Q"))  # raises with the valid forms
    return PeriodSpec("named", str(code).strip().upper())
