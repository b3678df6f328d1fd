"""An answer's charts: a plotly figure for each ``Exhibit``, and the CSV of the numbers behind it.

An ``Exhibit`` (``assistant.chat.answer``) carries one tool result's numbers as a small table
(``columns``/``rows``) plus the kind of chart that shows them. This module draws that table and
nothing else: a breakdown -> bar, a trend -> line, a revenue bridge -> waterfall, a what-if ->
before/after, the funnel -> funnel. Labels are formatted by ``ui.chart_style.format_value``
(the chat's own number formats); titles and column names are the exhibit's own, already in the
answer's language.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from tools.wording import Lang, as_number
from ui.chart_style import (
    ALERT_COLOR,
    BASE_COLOR,
    CURRENT_COLOR,
    GOOD_COLOR,
    SERIES_COLORS,
    format_value,
    plot_text,
    style,
    value_axis,
)

if TYPE_CHECKING:
    from assistant.chat.answer import Exhibit

#: Bars turn horizontal past this many categories, or when a category name is this long.
HORIZONTAL_AFTER = 6
LONG_LABEL = 14
#: A waterfall's optional column saying how each row is drawn ("absolute", "relative", "total").
MEASURE_COLUMN = "measure"
#: The sample-size column a breakdown may carry (shown on hover, not drawn).
SAMPLE_COLUMN = "n"


def column(exhibit: Exhibit, name: str) -> list[Any]:
    """One column of the exhibit's table, by name."""
    index = exhibit.columns.index(name)
    return [row[index] if index < len(row) else None for row in exhibit.rows]


def _categories(exhibit: Exhibit) -> list[str]:
    return [plot_text(v) for v in column(exhibit, exhibit.x)]


def _texts(values: list[Any], exhibit: Exhibit, lang: Lang) -> list[str]:
    return [format_value(v, exhibit.unit, lang, exhibit.currency) for v in values]


def _numbers(values: list[Any]) -> list[float | None]:
    return [as_number(v) for v in values]


def _hover(exhibit: Exhibit, texts: list[str]) -> list[str]:
    """Hover texts: the value, and the sample size when the table has an ``n`` column."""
    if SAMPLE_COLUMN not in exhibit.columns:
        return texts
    sizes = column(exhibit, SAMPLE_COLUMN)
    return [f"{t} (n={n})" if n is not None else t for t, n in zip(texts, sizes, strict=True)]


def _bar(exhibit: Exhibit, lang: Lang) -> go.Figure:
    categories = _categories(exhibit)
    horizontal = len(categories) > HORIZONTAL_AFTER or any(len(c) > LONG_LABEL for c in categories)
    fig = go.Figure()
    every: list[Any] = []
    for i, name in enumerate(exhibit.y):
        values = column(exhibit, name)
        every += values
        numbers, texts = _numbers(values), _texts(values, exhibit, lang)
        fig.add_trace(go.Bar(
            name=plot_text(name), x=numbers if horizontal else categories, y=categories if horizontal else numbers,
            orientation="h" if horizontal else "v", text=texts, textposition="outside", cliponaxis=False,
            marker={"color": SERIES_COLORS[i % len(SERIES_COLORS)]}, customdata=_hover(exhibit, texts),
            hovertemplate="%{" + ("y" if horizontal else "x") + "}: %{customdata}<extra>" + plot_text(name) + "</extra>",
        ))
    axis = value_axis(every, exhibit.unit, lang, exhibit.currency)
    if horizontal:
        fig.update_xaxes(**axis)
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_yaxes(**axis, title_text=plot_text(exhibit.y[0]) if len(exhibit.y) == 1 else None)
        fig.update_xaxes(title_text=plot_text(exhibit.x))
    fig.update_layout(barmode="group")
    height = max(320, 60 + 34 * len(categories) * max(1, len(exhibit.y))) if horizontal else 340
    return style(fig, exhibit.title, height=min(height, 720), legend=len(exhibit.y) > 1)


def _line(exhibit: Exhibit, lang: Lang) -> go.Figure:
    categories = _categories(exhibit)
    fig = go.Figure()
    every: list[Any] = []
    for i, name in enumerate(exhibit.y):
        values = column(exhibit, name)
        every += values
        texts = _texts(values, exhibit, lang)
        fig.add_trace(go.Scatter(
            name=plot_text(name), x=categories, y=_numbers(values), mode="lines+markers",
            customdata=_hover(exhibit, texts), line={"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 2.5},
            hovertemplate="%{x}: %{customdata}<extra>" + plot_text(name) + "</extra>",
        ))
    fig.update_yaxes(**value_axis(every, exhibit.unit, lang, exhibit.currency,
                                  include_zero=exhibit.unit in ("percent", "count")),
                     title_text=plot_text(exhibit.y[0]) if len(exhibit.y) == 1 else None)
    fig.update_xaxes(title_text=plot_text(exhibit.x), type="category")
    return style(fig, exhibit.title, legend=len(exhibit.y) > 1)


def waterfall_measures(exhibit: Exhibit) -> list[str]:
    """How each row is drawn: the exhibit's ``measure`` column, else start and end as totals."""
    if MEASURE_COLUMN in exhibit.columns:
        return [str(m or "relative") for m in column(exhibit, MEASURE_COLUMN)]
    n = len(exhibit.rows)
    if n < 3:
        return ["relative"] * n
    # the first and last rows are the two levels (baseline and current revenue); drawn "absolute"
    # so each bar shows the tool's own figure, never a sum plotly recomputed
    return ["absolute"] + ["relative"] * (n - 2) + ["absolute"]


def _waterfall(exhibit: Exhibit, lang: Lang) -> go.Figure:
    values = column(exhibit, exhibit.y[0])
    measures = waterfall_measures(exhibit)
    texts = _texts(values, exhibit, lang)
    texts = [t if m != "relative" or (as_number(v) or 0) < 0 else "+" + t
             for t, m, v in zip(texts, measures, values, strict=True)]
    fig = go.Figure(go.Waterfall(
        x=_categories(exhibit), y=_numbers(values), measure=measures, text=texts, textposition="outside",
        customdata=texts, hovertemplate="%{x}: %{customdata}<extra></extra>", cliponaxis=False,
        increasing={"marker": {"color": GOOD_COLOR}}, decreasing={"marker": {"color": ALERT_COLOR}},
        totals={"marker": {"color": CURRENT_COLOR}}, connector={"line": {"color": BASE_COLOR, "width": 1}},
    ))
    levels, running = [], 0.0
    for measure, value in zip(measures, _numbers(values), strict=True):
        running = (value or 0.0) if measure in ("absolute", "total") else running + (value or 0.0)
        levels.append(running)
    fig.update_yaxes(**value_axis(levels, exhibit.unit, lang, exhibit.currency), title_text=plot_text(exhibit.y[0]))
    return style(fig, exhibit.title, height=380, legend=False)


def _before_after(exhibit: Exhibit, lang: Lang) -> go.Figure:
    """Before (grey) and after (blue): one series per value column, or one bar per row when there
    is a single value column (rows "today" / "after the change")."""
    categories = _categories(exhibit)
    fig = go.Figure()
    colors = (BASE_COLOR, CURRENT_COLOR, *SERIES_COLORS[1:])
    every: list[Any] = []
    single = len(exhibit.y) == 1
    for i, name in enumerate(exhibit.y):
        values = column(exhibit, name)
        every += values
        texts = _texts(values, exhibit, lang)
        color = [colors[j % len(colors)] for j in range(len(values))] if single else colors[i % len(colors)]
        fig.add_trace(go.Bar(name=plot_text(name), x=categories, y=_numbers(values), text=texts,
                             textposition="outside", cliponaxis=False, marker={"color": color},
                             customdata=_hover(exhibit, texts),
                             hovertemplate="%{x}: %{customdata}<extra>" + plot_text(name) + "</extra>"))
    fig.update_yaxes(**value_axis(every, exhibit.unit, lang, exhibit.currency),
                     title_text=plot_text(exhibit.y[0]) if single else None)
    fig.update_layout(barmode="group")
    return style(fig, exhibit.title, legend=not single)


def _funnel(exhibit: Exhibit, lang: Lang) -> go.Figure:
    values = column(exhibit, exhibit.y[0])
    texts = _texts(values, exhibit, lang)
    fig = go.Figure(go.Funnel(
        y=_categories(exhibit), x=_numbers(values), text=texts, textinfo="text+percent previous",
        customdata=texts, hovertemplate="%{y}: %{customdata}<extra></extra>", marker={"color": CURRENT_COLOR},
    ))
    return style(fig, exhibit.title, height=max(300, 70 + 48 * len(values)), legend=False)


_DRAW = {"bar": _bar, "line": _line, "waterfall": _waterfall, "before_after": _before_after, "funnel": _funnel}


def exhibit_figure(exhibit: Exhibit, lang: Lang) -> go.Figure:
    """The exhibit's chart (``lang`` writes the numbers; titles are the exhibit's own)."""
    draw = _DRAW.get(exhibit.kind, _bar)
    return draw(exhibit, lang)


_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)


#: Prefix of every chart CSV (session-bound downloads recognise the app's generated files by name).
CSV_PREFIX = "revops-chart-"


def csv_name(exhibit: Exhibit, index: int) -> str:
    """A readable file name for the exhibit's numbers (``revops-chart-3-win-rate-by-segment.csv``)."""
    slug = _UNSAFE.sub("-", exhibit.title.strip().lower()).strip("-")[:60] or exhibit.kind
    return f"{CSV_PREFIX}{index}-{slug}.csv"


def write_csv(exhibit: Exhibit, folder: Path, index: int) -> Path:
    """Write the numbers behind the chart (``Exhibit.to_csv``) for download.

    UTF-8 with a byte-order mark, so Excel opens Japanese labels correctly.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / csv_name(exhibit, index)
    path.write_text(exhibit.to_csv(), encoding="utf-8-sig", newline="")
    return path
