"""The metric layer's types: one query in (metric × breakdown × filters × period), one result out.

``MetricQuery`` is what the chat's question parser fills and what a remote model fills as a tool
call; ``MetricResult`` is what every caller reads (typed), with ``to_dict`` only at JSON edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

#: Rankings skip groups resting on fewer records than this (rates, averages and medians).
MIN_N = 30
#: The level of the intervals ``low``/``high`` (95%).
CONFIDENCE = 0.95

PeriodKind = Literal["named", "last", "this", "previous", "next", "current", "baseline"]
PeriodGrain = Literal["month", "quarter", "year"]
Compare = Literal["baseline", "previous", "year_ago"]
Rank = Literal["top", "bottom"]
Unit = Literal["count", "percent", "money", "days", "hours", "ratio"]


@dataclass(frozen=True)
class PeriodSpec:
    """A period as people name it.

    - ``named``: a calendar period by label (``2025-03``, ``2025-Q3``, ``2025``);
    - ``last``: the last ``count`` whole months/quarters/years up to the latest date in the data;
    - ``this`` / ``previous`` / ``next``: the calendar month/quarter/year containing that date (to
      date) / before it / after it;
    - ``current`` / ``baseline``: the diagnosis's comparison windows.
    """

    kind: PeriodKind
    label: str | None = None
    grain: PeriodGrain | None = None
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "grain": self.grain, "count": self.count}


@dataclass(frozen=True)
class MetricQuery:
    """One question for the metric layer.

    Attributes:
        metric: a catalogue metric id (``win_rate``, ``mqls``, ``won_revenue``...).
        by: a dimension to break down by, or ``month`` / ``quarter`` / ``year`` for a trend.
        filters: (dimension, value) pairs that must all hold ("Enterprise only", "from webinars").
        period: the period to measure; ``None`` = the whole upload.
        compare: also measure a reference period: the diagnosis ``baseline`` window (the current
            window against it when ``period`` is None), the ``previous`` period or the ``year_ago`` one.
        rank: ``top`` / ``bottom`` groups of the breakdown, skipping groups under ``min_n``.
        limit: how many groups a ranking keeps.
        against_target: also report the uploaded target of the period and the attainment.
        share: also report the filtered value as a share of the unfiltered one ("what share of
            opportunities come from outbound?"; counts and sums).
    """

    metric: str
    by: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    period: PeriodSpec | None = None
    compare: Compare | None = None
    rank: Rank | None = None
    limit: int | None = None
    min_n: int = MIN_N
    against_target: bool = False
    share: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "by": self.by, "filters": [list(f) for f in self.filters],
            "period": self.period.to_dict() if self.period else None, "compare": self.compare,
            "rank": self.rank, "limit": self.limit, "min_n": self.min_n, "against_target": self.against_target,
            "share": self.share,
        }


@dataclass(frozen=True)
class MetricInfo:
    """What a metric is: its unit, which date puts a record in a period, and what it needs.

    ``event`` is ``None`` for snapshots (open pipeline, stalled deals, the recycle pool: measured at
    the latest date in the data, so a period does not apply) and ``window`` for measures defined
    on a window (churn on the customer base active at its start).
    """

    id: str
    unit: Unit
    kind: Literal["count", "sum", "rate", "mean", "median", "ratio"]
    event: str | None
    needs: tuple[str, ...] = ()
    higher_is_better: bool = True
    target_metric: str | None = None


@dataclass(frozen=True)
class MetricValue:
    """One value: the whole scope (``group`` None), a dimension value or a period label.

    ``n`` is the number of records the value rests on (the denominator of a rate, the deals of an
    average); ``low``/``high`` the 95% interval for rates (Wilson), averages and medians.
    """

    group: str | None
    value: float | None
    n: int
    successes: int | None = None
    low: float | None = None
    high: float | None = None
    immature: bool = False
    partial: bool = False
    target: float | None = None
    attainment: float | None = None
    #: the value as a share of everyone's (``MetricQuery.share``)
    share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"group": self.group, "value": _round(self.value), "n": self.n}
        for key in ("successes", "low", "high", "target", "attainment", "share"):
            value = getattr(self, key)
            if value is not None:
                out[key] = _round(value) if isinstance(value, float) else value
        if self.low is not None:
            out["confidence"] = CONFIDENCE
        if self.immature:
            out["immature"] = True
        if self.partial:
            out["partial"] = True
        return out


@dataclass(frozen=True)
class MetricComparison:
    """The scope measured in two periods: ``change`` is current − baseline (points for rates)."""

    baseline_label: str
    current_label: str
    baseline: MetricValue
    current: MetricValue
    change: float | None
    relative_change: float | None
    p_value: float | None
    significant: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_label": self.baseline_label, "current_label": self.current_label,
            "baseline": self.baseline.to_dict(), "current": self.current.to_dict(),
            "change": _round(self.change), "relative_change": _round(self.relative_change),
            "p_value": _round(self.p_value, 6), "significant": self.significant,
        }


@dataclass(frozen=True)
class Note:
    """Something the reader must know about a result, as a code the shells word (``snapshot``...)."""

    code: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class MetricResult:
    """The answer to a ``MetricQuery``.

    ``total`` is the whole scope (filters and period applied); ``values`` are the groups of a
    breakdown (empty without one), ranked when asked; ``skipped`` the groups a ranking left out for
    resting on fewer than ``min_n`` records.
    """

    query: MetricQuery
    info: MetricInfo
    period_label: str | None
    total: MetricValue
    values: list[MetricValue] = field(default_factory=list)
    skipped: list[MetricValue] = field(default_factory=list)
    comparison: MetricComparison | None = None
    notes: list[Note] = field(default_factory=list)
    as_of: str = ""
    #: the headers of the upload's extra dimensions the query names (``x_lead_origin`` -> "Lead Origin")
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON a remote model reads (and ``--json`` prints)."""
        out: dict[str, Any] = {
            "metric": self.info.id, "unit": self.info.unit, "query": self.query.to_dict(),
            "period": self.period_label or "whole upload", "as_of": self.as_of, "total": self.total.to_dict(),
        }
        if self.values:
            out["values"] = [v.to_dict() for v in self.values]
        if self.skipped:
            out["skipped_below_min_n"] = [v.to_dict() for v in self.skipped]
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_dict()
        if self.notes:
            out["notes"] = [n.to_dict() for n in self.notes]
        if self.labels:
            out["labels"] = dict(self.labels)
        return out


def _round(value: float | None, digits: int = 6) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    number = float(value)
    return round(number, 2) if abs(number) >= 1000 else float(f"{number:.{digits}g}")
