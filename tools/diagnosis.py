"""``diagnose``: the whole deterministic diagnosis of a funnel (SPEC §4, §5).

Stages and conversions, headline metrics, the single bottleneck and the findings, with the
loader's data-quality warnings and mapping. ``Diagnosis.to_dict()`` is the ``revops diagnose
--json`` object. ``metric_lookup`` and ``tools.funnel.funnel_summary`` are the smaller pieces the
agent's tools wrap.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tools.analysis_context import AnalysisContext
from tools.bottleneck import Bottleneck, find_bottleneck
from tools.bottleneck_revenue import complete_bottleneck
from tools.dataset import LoadedData
from tools.errors import DataQualityIssue, RevOpsInputError
from tools.findings.detect import detect_findings
from tools.findings.model import Finding
from tools.funnel import StageConversion, StageCount, conversions_from_row, counts_from_row, stage_table
from tools.load_report import LoadReport, without_unsupported
from tools.metrics import (
    METRIC_NAMES,
    average_deal_size,
    churn_in_window,
    follow_up_summary,
    median_cycle_days,
    simple_ltv,
    stage_days,
    weighted_pipeline,
    win_rate,
    won_revenue,
)
from tools.periods import Grain, Periods
from tools.revenue.amount_weighted import AmountWeightedWinRates
from tools.revenue.bridge import RevenueBridge
from tools.revenue.forecast import Forecast
from tools.revenue.views import revenue_views

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


@dataclass
class ConversionRow:
    """One ``funnel.conversions`` entry: whole-data rate plus mature-cohort current/baseline."""

    overall: StageConversion
    baseline_rate: float | None
    current_rate: float | None
    n_baseline: int
    n_current: int
    p_value: float | None
    cohort: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        return {
            "transition": self.overall.transition,
            "rate": _num(self.overall.rate),
            "baseline_rate": _num(self.baseline_rate),
            "current_rate": _num(self.current_rate),
            "amount_rate": _num(self.overall.amount_rate),
            "from_count": self.overall.from_count,
            "to_count": self.overall.to_count,
            "n_baseline": self.n_baseline,
            "n_current": self.n_current,
            "p_value": _num(self.p_value, 6),
            **self.cohort,
        }


@dataclass
class Diagnosis:
    """The result of ``diagnose``."""

    as_of: pd.Timestamp
    periods: Periods
    stages: list[StageCount]
    conversions: list[ConversionRow]
    metrics: dict[str, Any]
    bottleneck: Bottleneck
    findings: list[Finding]
    data_quality: list[DataQualityIssue] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    input_hash: str = ""
    dimensions: list[str] = field(default_factory=list)
    #: why won revenue moved between the windows (SPEC §9.1); None without amounts or windows
    revenue_bridge: RevenueBridge | None = None
    #: the quarter forecast against target (SPEC §9.2); None without amounts or opportunities
    forecast: Forecast | None = None
    #: win rates by value beside the count-based ones; None without amounts or closed deals
    win_rates_by_value: AmountWeightedWinRates | None = None
    load: LoadReport = field(default_factory=LoadReport)  # files, roles, joins, capabilities (SPEC §9.3)

    def findings_by_severity(self) -> list[Finding]:
        """Findings ordered high → info."""
        return sorted(self.findings, key=lambda f: SEVERITY_ORDER[f.severity])

    def to_dict(self) -> dict[str, Any]:
        """The SPEC §5 JSON object (plus a few extra keys)."""
        return {
            "as_of": self.as_of.date().isoformat(),
            "periods": self.periods.to_dict(),
            "funnel": {
                "stages": [
                    {"stage": s.stage, "count": s.count, "amount": _num(s.amount, 2)} for s in self.stages
                ],
                "conversions": [c.to_dict() for c in self.conversions],
            },
            "metrics": _clean(self.metrics),
            "bottleneck": self.bottleneck.to_dict(),
            "findings": [f.to_dict() for f in self.findings_by_severity()],
            "data_quality": [d.to_dict() for d in self.data_quality],
            "mapping": dict(self.mapping),
            "rows": self.rows,
            "input_hash": self.input_hash,
            "dimensions": list(self.dimensions),
            "revenue_bridge": None if self.revenue_bridge is None else self.revenue_bridge.to_dict(),
            "forecast": None if self.forecast is None else self.forecast.to_dict(),
            "win_rates_by_value": None if self.win_rates_by_value is None else self.win_rates_by_value.to_dict(),
            "load": self.load.to_dict(),
        }


def _num(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return round(float(value), digits)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return _num(value)
    return value


def headline_metrics(ctx: AnalysisContext) -> dict[str, Any]:
    """The ``metrics`` block: whole-data metrics plus current/baseline window values."""
    arrays = ctx.arrays  # numpy views shared with the detectors
    follow = follow_up_summary(arrays)
    aging = ctx.aging
    weighted = weighted_pipeline(arrays)
    deal_size = average_deal_size(arrays)
    out: dict[str, Any] = {
        "win_rate": win_rate(arrays),
        "average_deal_size": deal_size,
        "median_cycle_days": median_cycle_days(arrays),
        "median_follow_up_hours": follow["median_hours"],
        "follow_up_within_sla": follow["within_sla"],
        "stage_days": stage_days(arrays),
        "won_revenue": won_revenue(arrays),
        "open_deals": aging.open_deals,
        "open_pipeline": aging.open_amount,
        "stalled_deals": aging.stalled_deals,
        "weighted_pipeline": weighted["weighted_amount"] if weighted else None,
        "churn_rate": None,
        "retention_rate": None,
        "ltv": None,
    }
    if ctx.periods.current is not None:
        out["won_revenue_current"] = won_revenue(arrays, ctx.periods.current)
        if ctx.has_churn:
            churn = churn_in_window(arrays, ctx.periods.current)
            out["churn_rate"] = churn.churn_rate
            out["retention_rate"] = churn.retention_rate
            out["active_customers"] = churn.active_customers
            out["ltv"] = simple_ltv(deal_size, churn.churn_rate, ctx.periods_per_year)
    if ctx.periods.baseline is not None:
        out["won_revenue_baseline"] = won_revenue(arrays, ctx.periods.baseline)
    return out


def _metrics_then_measures(ctx: AnalysisContext) -> dict[str, Any]:
    """Headline metrics, then the deal-size, cycle and churn measures the value detectors read."""
    metrics = headline_metrics(ctx)
    if ctx.comparable:
        ctx.deal_size()
        ctx.cycle()
        ctx.churn()
    return metrics


def conversion_rows(ctx: AnalysisContext, totals: pd.Series) -> list[ConversionRow]:
    """Whole-data conversions (from ``totals``, a row of ``stage_table`` of the same frame) with
    mature-cohort current and baseline rates."""
    rows = []
    for overall in conversions_from_row(totals):
        cohorts = ctx.cohorts(overall.transition)
        comp = cohorts.comparison()
        rows.append(
            ConversionRow(
                overall=overall,
                baseline_rate=comp.baseline,
                current_rate=comp.current,
                n_baseline=comp.n_baseline,
                n_current=comp.n_current,
                p_value=comp.p_value if comp.enough_data else None,
                cohort=cohorts.evidence(),
            )
        )
    return rows


def diagnose(
    data: LoadedData,
    targets: object = None,
    *,
    as_of: object = None,
    grain: Grain | None = None,
) -> Diagnosis:
    """Diagnose the funnel in ``data`` (optionally against ``targets``).

    Args:
        data: the loaded canonical dataset.
        targets: a ``Targets`` object or a tidy frame with columns period, metric, target.
        as_of: the analysis date (default: the latest date in the data).
        grain: "month" or "quarter" (default: chosen from the span of the data).
    """
    if grain is not None and grain not in ("month", "quarter"):
        raise RevOpsInputError(f"unknown grain '{grain}'", hint="Use month or quarter")
    # the loader's analysis date when the leads end well before the other dates (new leads after it are unknown)
    as_of = as_of if as_of is not None else data.report.as_of
    ctx = AnalysisContext.build(data, targets, as_of=as_of, grain=grain)
    # the headline metrics, the memoised per-deal measures and then the revenue view (bridge, win
    # rates by value, forecast) only read the data: they run on a second core (numpy releases the
    # GIL on whole-column work) while the conversion detectors run here
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="metrics") as pool:
        metrics = pool.submit(_metrics_then_measures, ctx)
        views = pool.submit(revenue_views, ctx)
        findings = detect_findings(ctx, views.result)
        totals = stage_table(ctx.frame).iloc[0]
        headline = metrics.result()
    revenue = views.result()
    bridge, rates = revenue.bridge, revenue.win_rates
    bottleneck = complete_bottleneck(find_bottleneck(ctx, findings), ctx, findings, bridge, rates)
    return Diagnosis(
        as_of=ctx.as_of,
        periods=ctx.periods,
        stages=counts_from_row(totals),
        conversions=conversion_rows(ctx, totals),
        metrics=without_unsupported(headline, data.capabilities),
        bottleneck=bottleneck,
        findings=findings,
        data_quality=list(data.data_quality),
        mapping=dict(data.mapping),
        rows=data.rows,
        input_hash=data.input_hash,
        dimensions=data.dimensions,
        revenue_bridge=bridge,
        forecast=revenue.forecast,
        win_rates_by_value=rates,
        load=replace(data.report, capabilities=data.capabilities),
    )


def metric_lookup(data: LoadedData, metric: str, by: str | None = None) -> dict[str, Any]:
    """One headline metric, overall or per value of a dimension.

    Args:
        data: the loaded dataset.
        metric: one of METRIC_NAMES (win_rate, average_deal_size, median_cycle_days, ...).
        by: optional dimension to split by (lead_source, segment, ...).

    Returns:
        ``{"metric", "by", "values": {group: value}}`` (group "all" when not split).
    """
    from tools.funnel import check_dimension, dimension_key

    if metric not in METRIC_NAMES:
        raise RevOpsInputError(f"unknown metric '{metric}'", hint="Valid metrics: " + ", ".join(METRIC_NAMES))
    frame = data.frame
    groups: dict[str, pd.DataFrame] = {"all": frame}
    if by is not None:
        check_dimension(frame, by)
        key = dimension_key(frame, by)
        groups = {str(k): g for k, g in frame.groupby(key, observed=True)}
    values: dict[str, Any] = {}
    for name, group in groups.items():
        sub = LoadedData(frame=group)
        ctx = AnalysisContext.build(sub, as_of=None if by is None else choose_as_of(frame))
        values[name] = _clean(headline_metrics(ctx).get(metric))
    return {"metric": metric, "by": by, "values": values}


def choose_as_of(frame: pd.DataFrame) -> pd.Timestamp:
    """The analysis date of the whole data (so split groups share windows)."""
    from tools.periods import infer_as_of

    return infer_as_of(frame)
