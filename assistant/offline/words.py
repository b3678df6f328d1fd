"""``Words``: ``tools.wording`` bound to one answer's language and currency.

Every number and label an offline answer prints goes through here, so they are formatted exactly
the way the grounding check expects (``assistant.chat.grounding`` accepts every form
``tools.wording`` prints).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools import wording
from tools.metric_layer import MetricInfo
from tools.wording import Lang


@dataclass(frozen=True)
class Words:
    """Labels and number formats in one language, with the upload's currency."""

    lang: Lang
    currency: str | None = None
    #: the upload's extra dimensions and their headers (("x_lead_origin", "Lead Origin"), ...)
    labels: tuple[tuple[str, str], ...] = ()
    #: the stage the upload's records start at ("lead volume" of an opportunity-only export is new opportunities)
    start: str = "lead"

    @property
    def ja(self) -> bool:
        return self.lang == "ja"

    def t(self, en: str, ja: str) -> str:
        """The sentence in this answer's language."""
        return ja if self.ja else en

    def money(self, value: Any) -> str:
        return wording.format_money(value, self.lang, self.currency)

    def pct(self, value: Any) -> str:
        return wording.format_percent(value, self.lang)

    def points(self, value: Any) -> str:
        return wording.format_points(value, self.lang)

    def count(self, value: Any) -> str:
        return wording.format_count(value, self.lang)

    def days(self, value: Any) -> str:
        return wording.format_days(value, self.lang)

    def lever_value(self, lever: str, value: Any) -> str:
        """A lever's value in its unit: leads as a count, deal size as money, cycle in days, rates in %."""
        if lever == "lead_volume":
            return self.count(value)
        if lever == "deal_size":
            return self.money(value)
        if lever == "cycle_time":
            return self.days(value)
        return self.pct(value)

    def hours(self, value: Any) -> str:
        return wording.format_hours(value, self.lang)

    def number(self, value: Any, decimals: int = 1) -> str:
        return wording.format_number(value, self.lang, decimals)

    def value(self, info: MetricInfo, value: Any) -> str:
        """A metric value in its unit."""
        if info.unit == "percent":
            return self.pct(value)
        if info.unit == "money":
            return self.money(value)
        if info.unit == "days":
            return self.days(value)
        if info.unit == "hours":
            return self.hours(value)
        if info.unit == "ratio":
            return f"{self.number(value)}×"
        return self.count(value)

    def change(self, info: MetricInfo, delta: Any) -> str:
        """A change of a metric: points for rates, signed values otherwise."""
        number = wording.as_number(delta)
        if number is None:
            return wording.MISSING
        if info.unit == "percent":
            return self.points(number)
        sign = "+" if number >= 0 else "-"
        return sign + self.value(info, abs(number))

    def metric(self, metric: str) -> str:
        return wording.metric_label(metric, self.lang)

    def dimension(self, dimension: str) -> str:
        if dimension in ("month", "quarter", "year"):
            return {"month": self.t("month", "月"), "quarter": self.t("quarter", "四半期"),
                    "year": self.t("year", "年")}[dimension]
        header = dict(self.labels).get(dimension)
        return header if header is not None else wording.dimension_label(dimension, self.lang)

    def segment(self, dimension: str, value: str) -> str:
        header = dict(self.labels).get(dimension)
        if header is not None:
            return f"{header}「{value}」" if self.ja else f"{header} '{value}'"
        return wording.segment_label(dimension, value, self.lang)

    def lever(self, lever: str) -> str:
        return wording.volume_label(lever, self.start, self.lang) or wording.lever_label(lever, self.lang)

    def transition(self, transition: str) -> str:
        return wording.transition_label(transition, self.lang)

    def finding(self, code: str) -> str:
        return wording.finding_label(code, self.lang)

    def severity(self, severity: str) -> str:
        return wording.severity_label(severity, self.lang)

    def stage(self, stage: str) -> str:
        return wording.lookup(wording.STAGE_NOUNS, stage, self.lang)

    def target_metric(self, metric: str) -> str:
        return wording.target_metric_label(metric, self.lang)

    def period(self, label: str | None) -> str:
        """A period label in this language (「2026年8月〜10月」 for ``2026-08..2026-10``)."""
        return wording.period_label(label, self.lang)

    def phase(self, phase: str) -> str:
        return wording.phase_label(phase, self.lang)

    def owner(self, owner: str) -> str:
        return wording.owner_label(owner, self.lang)
