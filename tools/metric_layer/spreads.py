"""Where a rate differs most: the snapshot of an upload without dates (no trends to judge).

Each conversion the upload observes, broken down by every dimension it has (its own extra
columns included), ranked; the widest gap between the highest and the lowest group comes first.
The chat's "where is the funnel leaking?" on an undated upload and the memo's brief both read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.dataset import LoadedData
from tools.metric_layer.model import MetricResult, MetricValue


@dataclass(frozen=True)
class Spread:
    """One ranked breakdown's highest and lowest group (``result.query.by`` is the dimension)."""

    result: MetricResult
    high: MetricValue
    low: MetricValue

    @property
    def width(self) -> float:
        return float(self.high.value) - float(self.low.value)  # type: ignore[arg-type]


def snapshot_dimensions(data: LoadedData) -> list[str]:
    """Every dimension a snapshot breaks down by: the canonical ones (not the numeric company size)
    and the upload's own extra columns."""
    return [d for d in [*data.dimensions, *data.extra_dimensions] if d != "employee_count"]


def widest_spreads(results: list[MetricResult], metric: str, limit: int) -> list[Spread]:
    """The ``limit`` ranked breakdowns of ``metric`` whose highest and lowest groups are furthest
    apart (groups without a value left out; a breakdown needs two groups)."""
    spreads = []
    for result in results:
        if result.query.by is None or result.query.metric != metric:
            continue
        ranked = [v for v in result.values if v.value is not None]
        if len(ranked) >= 2:
            spreads.append(Spread(result, ranked[0], ranked[-1]))
    spreads.sort(key=lambda s: -s.width)
    return spreads[:limit]
