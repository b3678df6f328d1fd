"""The memo's voice: ``tools.wording`` bound to one language and currency.

Every label and number the memo prints goes through a :class:`Words`: names of stages,
transitions, levers, dimensions, metrics, findings, severities and owners from the project's one
wording source, money rounded with the currency (万/億 in Japanese), rates as percentages, windows
written compactly ("2026-08..10"), and p-values turned into words for the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.memo.text import label
from tools.wording import (
    Lang,
    capitalised,
    dimension_label,
    finding_title,
    format_count,
    format_days,
    format_hours,
    format_money,
    format_number,
    format_percent,
    format_points,
    lever_label,
    metric_label,
    owner_label,
    segment_label,
    severity_label,
    stage_label,
    transition_label,
    window_label,
)
from tools.wording.labels import STAGE_NOUNS, lookup

#: p-value bounds and the words the body uses for them (the appendix keeps the p-values).
NOISE_WORDS: tuple[tuple[float, str], ...] = (
    (0.001, "noise_strong"),
    (0.01, "noise_medium"),
    (0.05, "noise_weak"),
)


def _decimals(value: Any) -> int:
    """One decimal, none for whole numbers ("90 days", "41.5 days")."""
    return 0 if isinstance(value, int | float) and float(value).is_integer() else 1


def compact_period(period: str | None) -> str:
    """A window label written short: ``2026-08..2026-10`` -> ``2026-08..10`` (same year)."""
    if not period:
        return ""
    first, sep, last = period.partition("..")
    if sep and first[:5] == last[:5] and len(first) == len(last) == 7:
        return f"{first}..{last[5:]}"
    return period


@dataclass(frozen=True)
class Words:
    """Labels and number formats in one language, with the upload's currency when known."""

    lang: Lang
    currency: str | None = None

    @property
    def ja(self) -> bool:
        return self.lang == "ja"

    def label(self, key: str, **values: Any) -> str:
        """A memo phrase (``assistant.memo.text``)."""
        return label(self.lang, key, **values)

    # --- numbers -------------------------------------------------------------------------------
    def money(self, amount: Any, *, exact: bool = False, signed: bool = False) -> str:
        """An amount rounded for reading with the currency ("¥69.6M", "約6,958万円" is the caller's)."""
        text = format_money(amount, self.lang, self.currency, exact=exact)
        if signed and isinstance(amount, int | float) and amount > 0:
            return "+" + text
        return text

    def pct(self, rate: Any, decimals: int = 1) -> str:
        return format_percent(rate, self.lang, decimals)

    def points(self, delta: Any) -> str:
        return format_points(delta, self.lang)

    def count(self, value: Any) -> str:
        return format_count(value, self.lang)

    def number(self, value: Any, decimals: int = 1) -> str:
        return format_number(value, self.lang, decimals)

    def days(self, value: Any) -> str:
        return format_days(value, self.lang, _decimals(value))

    def hours(self, value: Any) -> str:
        return format_hours(value, self.lang, _decimals(value))

    def times(self, value: Any) -> str:
        """A multiple ("2.9×")."""
        return format_number(value, self.lang, 1) + "×"

    # --- names ---------------------------------------------------------------------------------
    def stage(self, stage: str) -> str:
        return stage_label(stage, self.lang)

    def stage_noun(self, stage: str) -> str:
        """The stage as a countable noun ("SQLs")."""
        return lookup(STAGE_NOUNS, stage, self.lang)

    def transition(self, transition: str | None) -> str:
        return transition_label(transition, self.lang)

    def lever(self, lever: str | None) -> str:
        return lever_label(lever, self.lang)

    def conversion(self, transition: str) -> str:
        """A transition as a rate: "SQL → Opportunity conversion" / 「SQL → 商談の転換率」."""
        name = transition_label(transition, self.lang)
        return f"{name}の転換率" if self.ja else f"{name} conversion"

    def lever_measure(self, lever: str) -> str:
        """A lever named as the measure that moves ("SQL → Opportunity conversion", "deal size")."""
        return self.conversion(lever) if "_to_" in lever else lever_label(lever, self.lang)

    def dimension(self, dimension: str) -> str:
        return dimension_label(dimension, self.lang)

    def segment(self, segment: tuple[str, str] | None) -> str:
        return segment_label(segment[0], segment[1], self.lang) if segment else ""

    def metric(self, metric: str) -> str:
        return metric_label(metric, self.lang)

    def finding(self, code: str) -> str:
        return finding_title(code, self.lang)

    def severity(self, severity: str) -> str:
        return severity_label(severity, self.lang)

    def owner(self, owner: str) -> str:
        return owner_label(owner, self.lang)

    def which(self, window: str) -> str:
        """"baseline" / 「比較期間」."""
        return window_label(window, self.lang)

    def period(self, period: str | None) -> str:
        return compact_period(period) or self.label("na")

    def windows(self, baseline: str | None, current: str | None) -> str:
        """"2025-08..10 → 2026-08..10" (baseline first, like the values it heads)."""
        return f"{self.period(baseline)} → {self.period(current)}"

    def noise(self, p_value: Any) -> str:
        """A p-value in words ("clearly beyond normal month-to-month noise")."""
        if isinstance(p_value, int | float):
            for bound, key in NOISE_WORDS:
                if p_value < bound:
                    return self.label(key)
        return self.label("noise_none")

    # --- punctuation ---------------------------------------------------------------------------
    def sentence(self, text: str) -> str:
        """``text`` ending with the language's full stop."""
        text = text.rstrip()
        stop = "。" if self.ja else "."
        return text if text.endswith(("。", ".", "!", "?")) else text + stop

    def join(self, parts: list[str]) -> str:
        """Sentences joined the way the language runs them together."""
        return ("" if self.ja else " ").join(self.sentence(p) for p in parts if p)

    def cap(self, text: str) -> str:
        """``text`` with a capital first letter (English table cells; Japanese unchanged)."""
        return capitalised(text)

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.ja else f" ({text})"

    def listing(self, items: list[str]) -> str:
        return ("、" if self.ja else ", ").join(items)
