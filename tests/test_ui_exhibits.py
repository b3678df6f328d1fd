"""An answer's charts: each Exhibit kind drawn from its own numbers, written as the chat writes them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.chat.answer import Exhibit
from tools.wording import format_count, format_hours, format_money, format_percent
from ui import exhibits
from ui.chart_style import BASE_COLOR, CURRENT_COLOR, format_value, nice_ticks, value_axis

WIN_RATE = Exhibit("bar", "Win rate by segment", ["segment", "win rate", "n"],
                   [["Enterprise", 0.246, 122], ["Mid-Market", 0.331, 301], ["SMB", 0.279, 812]],
                   "segment", ["win rate"], "percent")
BRIDGE = Exhibit("waterfall", "売上ブリッジ", ["要因", "金額"],
                 [["比較期間", 209_340_000.0], ["リード数", 35_000_000.0], ["SQL→商談", -69_580_025.0],
                  ["構成比", -13_609_975.0], ["今期", 161_150_000.0]], "要因", ["金額"], "money", "JPY")
TREND = Exhibit("line", "MQL→SQL by month", ["month", "baseline", "current"],
                [["2025-01", 0.50, 0.52], ["2025-02", 0.48, None], ["2025-03", 0.51, 0.40]],
                "month", ["baseline", "current"], "percent")
WHAT_IF = Exhibit("before_after", "If MQL→SQL improves 5 points", ["measure", "before", "after"],
                  [["won revenue per quarter", 161_150_000.0, 183_900_000.0]], "measure", ["before", "after"],
                  "money", "USD")
FUNNEL = Exhibit("funnel", "ファネル", ["ステージ", "件数"],
                 [["リード", 20229], ["MQL", 8823], ["SQL", 3272], ["商談", 1716], ["受注", 456]],
                 "ステージ", ["件数"], "count")


def test_bar_chart_draws_the_exhibit_values_with_the_chats_percent_format() -> None:
    fig = exhibits.exhibit_figure(WIN_RATE, "en")
    (bar,) = fig.data
    assert list(bar.x) == ["Enterprise", "Mid-Market", "SMB"]
    assert list(bar.y) == [0.246, 0.331, 0.279]
    assert list(bar.text) == ["24.6%", "33.1%", "27.9%"]
    assert fig.layout.title.text == "Win rate by segment"
    assert fig.layout.yaxis.ticktext[-1].endswith("%")


def test_many_categories_turn_the_bars_horizontal_and_keep_every_value() -> None:
    owners = Exhibit("bar", "担当者別の受注金額", ["担当者", "受注金額"],
                     [[f"担当{i}", 12_345_678.0 * (i + 1)] for i in range(9)], "担当者", ["受注金額"], "money", "JPY")
    (bar,) = exhibits.exhibit_figure(owners, "ja").data
    assert bar.orientation == "h"
    assert list(bar.x) == [row[1] for row in owners.rows]
    assert list(bar.text) == [format_money(row[1], "ja", "JPY") for row in owners.rows]
    assert bar.text[0] == "1,235万円" and bar.text[-1] == "1.111億円"


def test_waterfall_starts_and_ends_at_the_tools_levels_not_at_a_sum_plotly_recomputes() -> None:
    fig = exhibits.exhibit_figure(BRIDGE, "ja")
    (fall,) = fig.data
    assert list(fall.measure) == ["absolute", "relative", "relative", "relative", "absolute"]
    assert list(fall.y) == [row[1] for row in BRIDGE.rows]
    assert fall.text[0] == "2.093億円" and fall.text[2] == "-6,958万円" and fall.text[1] == "+3,500万円"
    # ticks are written like the chat writes money in Japanese
    assert all(t.endswith("円") for t in fig.layout.yaxis.ticktext)
    assert any("億" in t for t in fig.layout.yaxis.ticktext)


def test_waterfall_follows_an_explicit_measure_column() -> None:
    explicit = Exhibit("waterfall", "Bridge", ["driver", "amount", "measure"],
                       [["baseline", 100.0, "absolute"], ["volume", 20.0, "relative"], ["current", 120.0, "total"]],
                       "driver", ["amount"], "money")
    assert exhibits.waterfall_measures(explicit) == ["absolute", "relative", "total"]


def test_line_chart_keeps_gaps_and_every_series() -> None:
    fig = exhibits.exhibit_figure(TREND, "en")
    assert [t.name for t in fig.data] == ["baseline", "current"]
    assert list(fig.data[1].y) == [0.52, None, 0.40]
    assert list(fig.data[0].customdata) == ["50.0%", "48.0%", "51.0%"]


def test_hover_shows_the_sample_size_and_a_single_series_what_if_is_grey_then_blue() -> None:
    (bar,) = exhibits.exhibit_figure(WIN_RATE, "en").data
    assert list(bar.customdata) == ["24.6% (n=122)", "33.1% (n=301)", "27.9% (n=812)"]
    today = Exhibit("before_after", "What-if", ["scenario", "revenue per period"],
                    [["today", 140_000_000.0], ["after the change", 168_000_000.0]], "scenario", ["revenue per period"],
                    "money", "JPY")
    (bars,) = exhibits.exhibit_figure(today, "ja").data
    assert list(bars.marker.color) == [BASE_COLOR, CURRENT_COLOR]
    assert list(bars.text) == ["1.4億円", "1.68億円"]


def test_before_after_and_funnel() -> None:
    before, after = exhibits.exhibit_figure(WHAT_IF, "en").data
    assert (before.name, after.name) == ("before", "after")
    assert list(before.text) == [format_money(161_150_000.0, "en", "USD")] == ["$161M"]
    assert list(after.y) == [183_900_000.0]
    (funnel,) = exhibits.exhibit_figure(FUNNEL, "ja").data
    assert list(funnel.x) == [20229, 8823, 3272, 1716, 456]
    assert list(funnel.text) == [format_count(v, "ja") for v in funnel.x]


def test_csv_is_the_exhibits_own_numbers_with_a_bom_for_excel(tmp_path: Path) -> None:
    path = exhibits.write_csv(FUNNEL, tmp_path, 2)
    assert path.name == "revops-chart-2-ファネル.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == FUNNEL.to_csv()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == FUNNEL.columns and rows[1] == ["リード", "20229"]
    hostile = Exhibit("bar", "../../etc/passwd <b>", ["a", "b"], [["x", 1]], "a", ["b"])
    assert "/" not in exhibits.csv_name(hostile, 1) and exhibits.write_csv(hostile, tmp_path, 1).parent == tmp_path


def test_markup_in_data_is_a_literal_label_in_the_chart() -> None:
    hostile = Exhibit("bar", "<b>Win</b> rate", ["source", "win rate"],
                      [['<a href="http://x.test">click</a>', 0.2], ["<img src=x onerror=alert(1)>", 0.3]],
                      "source", ["win rate"], "percent")
    fig = exhibits.exhibit_figure(hostile, "en")
    labels = list(fig.data[0].y)  # long names: horizontal bars
    assert labels == ['&lt;a href="http://x.test"&gt;click&lt;/a&gt;', "&lt;img src=x onerror=alert(1)&gt;"]
    assert fig.layout.title.text == "&lt;b&gt;Win&lt;/b&gt; rate"
    assert "<a " not in fig.to_json() and "<img" not in fig.to_json()


@pytest.mark.parametrize(("low", "high"), [(0, 0.331), (0, 209_340_000), (-69_580_025, 35_000_000), (3, 3)])
def test_nice_ticks_cover_the_range_with_round_steps(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and 3 <= len(ticks) <= 8


def test_value_axis_labels_use_the_wording_formats() -> None:
    axis = value_axis([0.12, 0.3], "percent", "ja")
    assert axis["ticktext"] == ["0%", "10%", "20%", "30%"]
    assert value_axis([], "money", "en") == {}
    assert format_value(0.123, "percent", "en") == format_percent(0.123, "en")
    assert format_value(4.25, "hours", "ja") == format_hours(4.25, "ja") != format_hours(4.25, "en")
