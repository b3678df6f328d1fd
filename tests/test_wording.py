"""The one wording module: how figures and names read in English and Japanese."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.errors import RevOpsInputError
from tools.schema import FINDING_CODES, LEVERS, TRANSITIONS
from tools.wording import (
    check_lang,
    finding_label,
    format_count,
    format_days,
    format_hours,
    format_money,
    format_percent,
    format_points,
    lever_label,
    segment_label,
    transition_label,
)


@pytest.mark.parametrize(
    ("amount", "lang", "currency", "expected"),
    [
        (69_580_025, "ja", "JPY", "6,958万円"),
        (69_580_025, "en", "JPY", "¥69.6M"),
        (1_903_620_000, "ja", "JPY", "19.04億円"),
        (1_234_000, "ja", None, "123.4万"),
        (450_000, "en", "USD", "$450K"),
        (12_000, "ja", "USD", "1.2万ドル"),
        (9_999, "ja", "JPY", "9,999円"),
        (99_999_500, "ja", "JPY", "1億円"),  # rounds up into the next unit, not "10,000万円"
        (-2_500_000, "en", "JPY", "-¥2.5M"),
        (980, "en", "USD", "$980"),
        (69_580_025, "en", None, "69.6M"),
    ],
)
def test_money_reads_rounded_with_its_currency(amount: float, lang: str, currency: str | None, expected: str) -> None:
    assert format_money(amount, lang, currency) == expected  # type: ignore[arg-type]


def test_exact_money_keeps_every_unit() -> None:
    assert format_money(69_580_025, "en", "JPY", exact=True) == "¥69,580,025"
    assert format_money(69_580_025, "ja", "JPY", exact=True) == "69,580,025円"


@given(st.floats(min_value=1e4, max_value=9e14, allow_nan=False))
def test_japanese_money_is_within_rounding_of_the_value(amount: float) -> None:
    text = format_money(amount, "ja", "JPY")
    assert text.endswith("円")
    units = {"兆": 1e12, "億": 1e8, "万": 1e4}
    unit = text[-2]
    value = float(text[:-2].replace(",", "")) * units[unit]
    assert math.isclose(value, amount, rel_tol=5e-4)  # four significant figures
    assert float(text[:-2].replace(",", "")) < 10_000


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), "n/a"])
def test_missing_values_print_a_dash(missing: object) -> None:
    for fmt in (format_money, format_percent, format_count, format_days, format_points):
        assert fmt(missing, "en") == "—"


def test_rates_counts_and_durations() -> None:
    assert format_percent(0.1234, "en") == "12.3%"
    assert format_percent(0.1234, "ja") == "12.3%"
    assert format_points(0.05, "en") == "+5.0 pts"
    assert format_points(-0.021, "ja") == "-2.1ポイント"
    assert format_count(12_345.0, "ja") == "12,345"
    assert format_days(32.46, "ja") == "32.5日"
    assert format_hours(4.04, "en") == "4.0 hours"


def test_every_code_has_a_name_in_both_languages() -> None:
    for lang in ("en", "ja"):
        for code in FINDING_CODES:
            assert finding_label(code, lang) != code.replace("_", " ") or lang == "en"
        for lever in LEVERS:
            assert "_" not in lever_label(lever, lang)
        for transition in TRANSITIONS:
            assert "→" in transition_label(transition, lang)


def test_unknown_ids_stay_readable_and_segments_are_quoted() -> None:
    assert transition_label("foo_bar", "en") == "foo bar"
    assert segment_label("lead_source", "Webinar", "en") == "lead source 'Webinar'"
    assert segment_label("segment", "Enterprise", "ja") == "セグメント「Enterprise」"


def test_unknown_language_is_an_input_error() -> None:
    assert check_lang("ja") == "ja"
    with pytest.raises(RevOpsInputError, match="unknown language 'fr'"):
        check_lang("fr")


@pytest.mark.parametrize(("label", "japanese"), [
    ("2026-Q3", "2026年第3四半期"), ("2026-03", "2026年3月"), ("2026", "2026年"),
    ("2026-08..2026-10", "2026年8月〜10月"), ("2026-07..2026-09", "2026年第3四半期"),
    ("2025-11..2026-01", "2025年11月〜2026年1月"), ("2025-08-01..2025-10-12", "2025年8月1日〜10月12日"),
    ("2026-10-31", "2026年10月31日"), ("not a period", "not a period"),
])
def test_period_labels_read_the_japanese_way(label: str, japanese: str) -> None:
    from tools.wording import period_label

    assert period_label(label, "ja") == japanese
    assert period_label(label, "en") == label
