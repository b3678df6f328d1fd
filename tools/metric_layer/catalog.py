"""The catalogue: every number the product computes, as a metric with one definition.

A metric's ``event`` says which date puts a record in a period: ``created`` (leads),
``stage:<stage>`` (entered that stage: its own date, else the next later stage's), ``won``,
``lost``, ``closed`` (won or lost), ``mql`` (follow-up is measured on MQLs by MQL date), ``churn``,
``window`` (defined on a window: churn on the base active at its start) or ``None`` (a snapshot
at the latest date in the data). ``needs`` lists the canonical columns without which the metric
cannot be computed.
"""

from __future__ import annotations

from tools.errors import RevOpsInputError
from tools.metric_layer.model import MetricInfo
from tools.schema import STAGES, TRANSITION_STAGES, TRANSITIONS

#: every (from, to) pair of stages: "days from MQL to opportunity" skips a stage
STAGE_PAIRS: tuple[tuple[str, str], ...] = tuple((a, b) for i, a in enumerate(STAGES) for b in STAGES[i + 1:])


#: conversions across stages ("lead_to_opportunity"): what an upload that skips stages can give
SPANNING: tuple[str, ...] = tuple(f"{a}_to_{b}" for a, b in STAGE_PAIRS if f"{a}_to_{b}" not in TRANSITIONS)
#: every conversion metric -> (from stage, to stage)
CONVERSION_STAGES: dict[str, tuple[str, str]] = {
    **TRANSITION_STAGES, **{m: (m.split("_to_")[0], m.split("_to_")[1]) for m in SPANNING},
    "opportunity_to_won_amount": ("opportunity", "won"),
}


def _conversions() -> list[MetricInfo]:
    out = [MetricInfo(t, "percent", "rate", f"stage:{TRANSITION_STAGES[t][0]}") for t in TRANSITIONS]
    out += [MetricInfo(m, "percent", "rate", f"stage:{CONVERSION_STAGES[m][0]}") for m in SPANNING]
    out.append(MetricInfo("opportunity_to_won_amount", "percent", "rate", "stage:opportunity", ("amount",)))
    out += [MetricInfo(f"days_{t}", "days", "median", f"stage:{TRANSITION_STAGES[t][1]}", (), False)
            for t in TRANSITIONS]
    out += [MetricInfo(f"days_{a}_to_{b}", "days", "median", f"stage:{b}", (), False)
            for a, b in STAGE_PAIRS if f"{a}_to_{b}" not in TRANSITIONS]
    return out


_ALL: list[MetricInfo] = [
    MetricInfo("leads", "count", "count", "stage:lead", target_metric="leads"),
    MetricInfo("mqls", "count", "count", "stage:mql", target_metric="mql"),
    MetricInfo("sqls", "count", "count", "stage:sql", target_metric="sql"),
    MetricInfo("opportunities", "count", "count", "stage:opportunity", target_metric="opportunities"),
    MetricInfo("won_deals", "count", "count", "stage:won", target_metric="won"),
    MetricInfo("lost_deals", "count", "count", "lost", higher_is_better=False),
    MetricInfo("won_revenue", "money", "sum", "won", ("amount",), target_metric="revenue"),
    MetricInfo("opportunity_amount", "money", "sum", "stage:opportunity", ("amount",)),
    MetricInfo("lost_amount", "money", "sum", "lost", ("amount",), False),
    MetricInfo("win_rate", "percent", "rate", "closed"),
    MetricInfo("win_rate_amount", "percent", "rate", "closed", ("amount",)),
    MetricInfo("average_deal_size", "money", "mean", "won", ("amount",)),
    MetricInfo("median_cycle_days", "days", "median", "won", ("opportunity_date", "won_date"), False),
    *_conversions(),
    MetricInfo("median_follow_up_hours", "hours", "median", "mql", ("mql_date", "first_touch_date"), False),
    MetricInfo("follow_up_within_sla", "percent", "rate", "mql", ("mql_date", "first_touch_date")),
    MetricInfo("never_contacted_mqls", "count", "count", "mql", ("first_touch_date",), False),
    MetricInfo("never_contacted_share", "percent", "rate", "mql", ("first_touch_date",), False),
    MetricInfo("open_deals", "count", "count", None),
    MetricInfo("open_pipeline", "money", "sum", None, ("amount",)),
    MetricInfo("weighted_pipeline", "money", "sum", None, ("amount", "phase")),
    MetricInfo("stalled_deals", "count", "count", None, (), False),
    MetricInfo("stalled_amount", "money", "sum", None, ("amount",), False),
    MetricInfo("stalled_share", "percent", "rate", None, (), False),
    MetricInfo("median_open_age_days", "days", "median", None, (), False),
    MetricInfo("pipeline_coverage", "ratio", "ratio", None, ("amount",)),
    MetricInfo("recycle_lost_deals", "count", "count", None),
    MetricInfo("recycle_lost_amount", "money", "sum", None, ("amount",)),
    MetricInfo("recycle_mqls", "count", "count", None),
    MetricInfo("churn_rate", "percent", "rate", "window", ("churn_date", "won_date"), False),
    MetricInfo("retention_rate", "percent", "rate", "window", ("churn_date", "won_date")),
    MetricInfo("active_customers", "count", "count", "window", ("won_date",)),
    MetricInfo("churned_customers", "count", "count", "churn", ("churn_date",), False),
]
METRICS: dict[str, MetricInfo] = {m.id: m for m in _ALL}
#: Totals: a ranking of these needs no minimum sample (a rep with five big deals did book them).
TOTALS = frozenset(m.id for m in _ALL if m.kind in ("count", "sum"))


def metric_info(metric: str) -> MetricInfo:
    """The catalogue entry of ``metric``, or an input error listing the valid ids."""
    if metric not in METRICS:
        raise RevOpsInputError(f"unknown metric '{metric}'", hint="Valid metrics: " + ", ".join(METRICS))
    return METRICS[metric]


#: the stage a metric counts from: an upload that starts later (an opportunity-only export) cannot give it
FROM_STAGE = {"leads": "lead", "mqls": "mql", "sqls": "sql", "lead_to_mql": "lead", "mql_to_sql": "mql",
              "sql_to_opportunity": "sql", "days_lead_to_mql": "lead",
              **{m: a for m, (a, _) in CONVERSION_STAGES.items() if a != "opportunity"},
              "days_mql_to_sql": "mql", "days_sql_to_opportunity": "sql", "never_contacted_mqls": "mql",
              "never_contacted_share": "mql", "recycle_mqls": "mql",
              **{f"days_{a}_to_{b}": a for a, b in STAGE_PAIRS if a != "opportunity" and f"{a}_to_{b}" not in TRANSITIONS}}


class StageNotInUploadError(RevOpsInputError):
    """The upload starts at a later stage than the metric needs (e.g. opportunities only: no MQLs)."""

    def __init__(self, metric: str, stage: str, first: str) -> None:
        self.metric = metric
        self.stage = stage
        self.first = first
        super().__init__(f"the upload starts at the {first} stage, so it has no {stage} records for {metric}",
                         hint="Upload the lead or contact export too")


class MetricUnavailableError(RevOpsInputError):
    """The upload lacks what a metric needs (no amounts, no touch dates, no churn dates...)."""

    def __init__(self, metric: str, needs: tuple[str, ...]) -> None:
        self.metric = metric
        self.needs = needs
        super().__init__(f"the upload has no {', '.join(needs)} column, so {metric} cannot be measured",
                         hint="Upload an export that carries " + " and ".join(needs))


#: The stages a metric counts or converts between: each must be observed by the upload (SPEC §9.3).
COUNTED_STAGE = {"leads": "lead", "mqls": "mql", "sqls": "sql", "opportunities": "opportunity", "won_deals": "won",
                 "won_revenue": "won", "average_deal_size": "won", "median_cycle_days": "won", "recycle_mqls": "mql",
                 "never_contacted_mqls": "mql", "never_contacted_share": "mql"}
#: Metrics that need deal outcomes (won and lost): without them a zero would be a guess.
NEEDS_OUTCOMES = frozenset({"win_rate", "win_rate_amount", "lost_deals", "lost_amount", "recycle_lost_deals",
                            "recycle_lost_amount", "open_deals", "open_pipeline", "weighted_pipeline", "stalled_deals",
                            "stalled_amount", "stalled_share", "median_open_age_days", "pipeline_coverage"})


def stages_needed(metric: str) -> tuple[str, ...]:
    """The stages ``metric`` counts or converts between."""
    if metric in CONVERSION_STAGES:
        return CONVERSION_STAGES[metric]
    if metric in COUNTED_STAGE:
        return (COUNTED_STAGE[metric],)
    return ()


class NotObservedError(RevOpsInputError):
    """The upload cannot say what a metric needs: a stage no column observes, deal outcomes, or dates.

    ``missing`` is ``stage`` (``stage`` names it), ``outcomes`` or ``dates``; ``reason`` what the
    upload would need (from its capabilities). The shells word it; the figure is never guessed.
    """

    def __init__(self, metric: str, missing: str, stage: str | None = None, reason: str = "") -> None:
        self.metric = metric
        self.missing = missing
        self.stage = stage
        self.reason = reason
        what = {"stage": f"no column observes the {stage} stage", "outcomes": "it holds no deal outcomes",
                "dates": "it holds no dates"}.get(missing, missing)
        super().__init__(f"the upload cannot give {metric}: {what}", hint=reason or None)


def observed_conversion(metric: str, observed: list[str]) -> str | None:
    """The conversion between observed stages that stands for ``metric`` when the upload skips one of its stages.

    ``lead_to_mql`` or ``mql_to_sql`` on a lead list with a converted flag (observing lead and
    opportunity only) is ``lead_to_opportunity``; ``lead_to_won`` there is ``lead_to_opportunity``
    too (the furthest stage observed). ``None`` when no observed pair brackets it (``opportunity_to_won``
    without outcomes): the metric layer's ``NotObservedError`` then says why. ``metric`` itself when observed.
    """
    if metric not in CONVERSION_STAGES or metric == "opportunity_to_won_amount":
        return metric if metric not in CONVERSION_STAGES or set(CONVERSION_STAGES[metric]) <= set(observed) else None
    start, end = (STAGES.index(s) for s in CONVERSION_STAGES[metric])
    seen = sorted(STAGES.index(s) for s in observed)
    before = [i for i in seen if i <= start]
    if not before:
        return None  # the upload starts later: StageNotInUploadError's case
    a = before[-1]
    b = next((i for i in seen if i >= end), None)
    if b is None:
        later = [i for i in seen if a < i < end]
        b = later[-1] if later else None
    if b is None:
        return None
    return f"{STAGES[a]}_to_{STAGES[b]}"
