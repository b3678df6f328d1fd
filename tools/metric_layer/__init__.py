"""The metric layer (SPEC §9.4): one typed query for every number the product shows.

``run_query(data, MetricQuery(metric, by=, filters=, period=, compare=, rank=, against_target=))``
returns a ``MetricResult``: the value with its ``n`` (and a 95% interval for rates, averages and
medians), per group for a breakdown or a trend, ranked with small groups skipped and named, a
comparison with a reference period, and attainment against uploaded targets. The catalogue
(``METRICS``) lists every metric; ``measures`` holds the one definition of each.
"""

from tools.metric_layer.catalog import (
    METRICS,
    TOTALS,
    MetricUnavailableError,
    NotObservedError,
    StageNotInUploadError,
    metric_info,
)
from tools.metric_layer.model import (
    MIN_N,
    MetricComparison,
    MetricInfo,
    MetricQuery,
    MetricResult,
    MetricValue,
    Note,
    PeriodSpec,
)
from tools.metric_layer.periods import named_window
from tools.metric_layer.run import make_scope, run_query

__all__ = [
    "METRICS",
    "MIN_N",
    "TOTALS",
    "MetricComparison",
    "MetricInfo",
    "MetricQuery",
    "MetricResult",
    "MetricUnavailableError",
    "MetricValue",
    "NotObservedError",
    "Note",
    "PeriodSpec",
    "StageNotInUploadError",
    "make_scope",
    "metric_info",
    "named_window",
    "run_query",
]
