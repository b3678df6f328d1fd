"""How every number a reader sees is written, in English and Japanese (Babel's CLDR formats).

One place for rates, percentage points, counts, days, hours and money, so the chat, the text
report, the memo and the web app print the same value the same way, and the grounding check
knows every form it may meet.

Money is rounded for reading: three significant figures with a compact unit in English
("¥69.6M", "$450K") and four with 万/億 in Japanese ("6,958万円", "19.04億円"). ``exact=True``
prints every unit ("¥69,580,025") for tables that must reconcile to the yen. The currency is an
ISO code (``JPY``, ``USD``…) when the upload or the settings name one, else ``None``: the
amount is then written without a symbol rather than with a guessed one.
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_decimal

from tools.wording.lang import Lang

MISSING = "—"
#: Japanese large-number units, largest first.
JA_UNITS: tuple[tuple[float, str], ...] = ((1e12, "兆"), (1e8, "億"), (1e4, "万"))
#: How a currency is written after a Japanese amount ("6,958万円").
JA_CURRENCY_SUFFIX = {"JPY": "円", "USD": "ドル", "EUR": "ユーロ", "GBP": "ポンド", "CNY": "元", "KRW": "ウォン"}
_LOCALE = {"en": "en_US", "ja": "ja_JP"}


def as_number(value: Any) -> float | None:
    """A finite float, or ``None`` for None, NaN, infinities and non-numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _significant_decimals(mantissa: float, significant: int) -> int:
    """Decimals that leave ``significant`` figures in ``mantissa`` (123.4 -> 0 for 3, 1 for 4)."""
    digits = len(str(int(abs(round(mantissa, 6))))) if abs(mantissa) >= 1 else 1
    return max(0, significant - digits)


def format_percent(rate: Any, lang: Lang = "en", decimals: int = 1) -> str:
    """A rate (0.123) as "12.3%"."""
    number = as_number(rate)
    if number is None:
        return MISSING
    return format_decimal(number * 100, format=f"#,##0.{'0' * decimals}" if decimals else "#,##0",
                          locale=_LOCALE[lang]) + "%"


def format_change(rate: Any, lang: Lang = "en", decimals: int = 0) -> str:
    """A relative change (-0.12) as a signed percent: "-12%" / "+3%"."""
    number = as_number(rate)
    if number is None:
        return MISSING
    digits = f"#,##0.{'0' * decimals}" if decimals else "#,##0"
    return format_decimal(number * 100, format=f"+{digits};-{digits}", locale=_LOCALE[lang]) + "%"


def format_points(delta: Any, lang: Lang = "en", decimals: int = 1) -> str:
    """A change of a rate (0.05) in percentage points: "+5.0 pts" / "+5.0ポイント"."""
    number = as_number(delta)
    if number is None:
        return MISSING
    text = f"{number * 100:+.{decimals}f}"
    return f"{text} pts" if lang == "en" else f"{text}ポイント"


def format_count(value: Any, lang: Lang = "en") -> str:
    """A count with thousands separators: "12,345"."""
    number = as_number(value)
    if number is None:
        return MISSING
    return format_decimal(round(number), format="#,##0", locale=_LOCALE[lang])


def format_number(value: Any, lang: Lang = "en", decimals: int = 1, *, grouped: bool = True) -> str:
    """A plain number with ``decimals`` decimals and thousands separators: "1,234.5" ("1234.5"
    without ``grouped``)."""
    number = as_number(value)
    if number is None:
        return MISSING
    whole = "#,##0" if grouped else "0"
    pattern = f"{whole}.{'0' * decimals}" if decimals else whole
    return format_decimal(number, format=pattern, locale=_LOCALE[lang])


def format_days(days: Any, lang: Lang = "en", decimals: int = 1) -> str:
    """A duration in days: "32.5 days" / "32.5日"."""
    text = format_number(days, lang, decimals)
    if text == MISSING:
        return text
    return f"{text} days" if lang == "en" else f"{text}日"


def format_hours(hours: Any, lang: Lang = "en", decimals: int = 1) -> str:
    """A duration in hours: "4.2 hours" / "4.2時間"."""
    text = format_number(hours, lang, decimals)
    if text == MISSING:
        return text
    return f"{text} hours" if lang == "en" else f"{text}時間"


def format_money(
    amount: Any,
    lang: Lang = "en",
    currency: str | None = None,
    *,
    exact: bool = False,
    significant: int | None = None,
) -> str:
    """An amount for a reader: "¥69.6M" / "6,958万円" (``exact``: "¥69,580,025" / "69,580,025円").

    Args:
        amount: the value (None/NaN print as "—").
        lang: "en" or "ja".
        currency: ISO 4217 code when known (from the upload or the settings), else None.
        exact: every unit, no rounding (tables that must add up).
        significant: significant figures when rounding (default 3 in English, 4 in Japanese).
    """
    number = as_number(amount)
    if number is None:
        return MISSING
    if lang == "ja":
        return _money_ja(number, currency, exact, significant or 4)
    return _money_en(number, currency, exact, significant or 3)


def _money_en(number: float, currency: str | None, exact: bool, significant: int) -> str:
    if exact or abs(number) < 1000:
        if currency:
            return format_currency(round(number), currency, format="¤#,##0", locale="en_US", currency_digits=False)
        return format_decimal(round(number), format="#,##0", locale="en_US")
    exponent = int(math.floor(math.log10(abs(number)) / 3) * 3)
    decimals = _significant_decimals(number / 10**exponent, significant)
    if currency:
        return format_compact_currency(number, currency, locale="en_US", fraction_digits=decimals)
    return format_compact_decimal(number, locale="en_US", fraction_digits=decimals)


def _money_ja(number: float, currency: str | None, exact: bool, significant: int) -> str:
    suffix = JA_CURRENCY_SUFFIX.get(currency, f" {currency}") if currency else ""
    if exact or abs(number) < 1e4:
        return format_decimal(round(number), format="#,##0", locale="ja_JP") + suffix
    units = [(size, unit) for size, unit in reversed(JA_UNITS) if abs(number) >= size]
    size, unit = units[-1]
    mantissa = number / size
    decimals = _significant_decimals(mantissa, significant)
    mantissa = round(mantissa, decimals)
    larger = [(s, u) for s, u in JA_UNITS if s > size]
    if abs(mantissa) >= 10_000 and larger:  # 9,999.95万 rounds to 1億, not 10,000万
        size, unit = larger[-1]
        mantissa = round(number / size, _significant_decimals(number / size, significant))
        decimals = _significant_decimals(mantissa, significant)
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(mantissa, format=pattern, locale="ja_JP") + unit + suffix
