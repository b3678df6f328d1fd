"""How the app's charts look and how their numbers are written: one layout, one value formatter.

Every value label and axis tick is written by ``tools.wording`` (the chat's own formats: 12.3%,
¥69.6M / 6,958万円, 1,234, 4.2 hours / 4.2時間), so a chart never shows "69.58M" next to an answer
that says 「6,958万円」. Ticks are placed at round values and labelled by the same formatter.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from tools.safe_text import plain_text
from tools.wording import (
    Lang,
    as_number,
    format_count,
    format_days,
    format_hours,
    format_money,
    format_number,
    format_percent,
)

Unit = Literal["percent", "money", "count", "days", "hours", "number"]

BASE_COLOR = "#9aa7b8"
CURRENT_COLOR = "#2f6fdf"
ALERT_COLOR = "#d9534f"
GOOD_COLOR = "#2e9d5b"
SERIES_COLORS = (CURRENT_COLOR, "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", BASE_COLOR)
FONT_FAMILY = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, sans-serif"


def plot_text(value: object) -> str:
    """A value from the data as a chart label: Plotly renders a subset of HTML (links, spans), so
    markup in a category, title or series name is escaped and shows as the literal text.

    ``tools.safe_text.plain_text`` drops control characters; quotes stay as they are, because
    Plotly decodes ``&lt;``/``&gt;``/``&amp;`` but would show ``&quot;`` as written."""
    return html.escape(plain_text(value), quote=False)


def format_value(value: Any, unit: str, lang: Lang, currency: str | None = None) -> str:
    """``value`` as the chat writes it for ``unit`` ("—" when missing)."""
    if unit == "percent":
        return format_percent(value, lang)
    if unit == "money":
        return format_money(value, lang, currency)
    if unit == "count":
        return format_count(value, lang)
    if unit == "days":
        return format_days(value, lang)
    if unit == "hours":
        return format_hours(value, lang)
    number = as_number(value)
    decimals = 0 if number is not None and float(number).is_integer() else 1
    return format_number(value, lang, decimals)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]`` (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 12))
    return ticks


def value_axis(values: Sequence[Any], unit: str, lang: Lang, currency: str | None = None,
               *, include_zero: bool = True) -> dict[str, Any]:
    """Axis settings whose tick labels use ``format_value`` (empty when there are no numbers)."""
    numbers = [n for n in (as_number(v) for v in values) if n is not None]
    if not numbers:
        return {}
    low, high = min(numbers), max(numbers)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    ticks = nice_ticks(low, high)
    if not ticks:
        return {}
    return {"tickvals": ticks, "ticktext": [_tick_text(t, unit, lang, currency) for t in ticks],
            "range": [ticks[0], ticks[-1] + (ticks[-1] - ticks[0]) * 0.08]}


def _tick_text(value: float, unit: str, lang: Lang, currency: str | None) -> str:
    if unit == "percent":
        decimals = 0 if round(value * 100, 6).is_integer() else 1
        return format_percent(value, lang, decimals)
    if unit == "money":
        return format_money(value, lang, currency, significant=2 if lang == "en" else 3)
    if unit in ("days", "hours", "count"):
        return format_number(value, lang, 0 if float(value).is_integer() else 1)
    return format_value(value, unit, lang, currency)


def style(fig: go.Figure, title: str, *, height: int = 340, legend: bool = True) -> go.Figure:
    """The app's look: title top-left, transparent background, CJK-capable font, legend below."""
    fig.update_layout(
        title={"text": plot_text(title), "x": 0.01, "xanchor": "left", "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 16, "t": 52, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT_FAMILY, "size": 12},
        showlegend=legend,
        legend={"orientation": "h", "y": -0.18, "x": 0},
        separators=".,",
    )
    return fig
