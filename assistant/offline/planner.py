"""The embedded offline planner: which tools a routed question needs, run directly on the session.

No chat-model protocol and no LangChain here, so a pure metric question costs the metric layer
and nothing else (``revops ask`` starts in well under two seconds). The remote model calls the
same runtime methods through ``assistant.chat.tools.catalog``, so both modes read the same
numbers. Plans per intent:

- metric: the route's metric-layer queries; a lone value also gets its comparison with the
  baseline window and, when filtered, the whole upload's value; plus one playbook sentence;
- why: the subject's value, the whole upload's, its comparison, and the diagnosis;
- diagnose / KPIs green / revenue change / forecast / memo: the diagnosis (computed once);
- what-if / reverse plan / capacity: the planning tool, or a clarifying note when an input is missing;
- playbook: the hybrid playbook search; help and missing metric: what the upload holds.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.chat.concepts import find_concept
from assistant.chat.phrases import normalise
from assistant.chat.question import CHAIN_SUBJECTS, DATA_INTENTS, Route
from assistant.chat.tools.planning_calls import (
    capacity_plan,
    inside_sales,
    latest_target,
    reverse_plan,
    what_if,
)
from assistant.chat.tools.playbook import passage_record, search_record
from assistant.chat.tools.runtime import ToolRecord, ToolRuntime
from assistant.offline.why_chain import plan_cause_chain, plan_metric_chain
from tools.metric_layer import METRICS, MetricQuery, PeriodSpec
from tools.metric_layer.spreads import snapshot_dimensions

#: (topic, cue per language): the playbook sentence a narrow answer ends with
PASSAGES: dict[str, tuple[str, dict[str, str]]] = {
    "win": ("opportunity-phases", {"en": "Coach on the phase with the worst conversion", "ja": "転換率が最も低いフェーズ"}),
    "segment": ("smb-vs-enterprise", {"en": "Always split by segment", "ja": "必ずセグメント別"}),
    "follow_up": ("sla-handoff", {"en": "contact within 24 hours", "ja": "24時間以内に連絡"}),
    "recycle": ("recycle", {"en": "Most new leads will only buy", "ja": "新規リードの多くは"}),
    "pipeline": ("opportunity-phases", {"en": "Weighted pipeline", "ja": "加重パイプライン ="}),
    "stalled": ("opportunity-phases", {"en": "Review stalled deals weekly", "ja": "停滞商談を毎週レビュー"}),
    "capacity": ("resource-management", {"en": "Required reps", "ja": "必要人数"}),
    "inside_sales": ("flexible-qualification", {"en": "IS is the function", "ja": "ISは、リード一件ごとに"}),
    "funnel": ("funnel-chain", {"en": "one function's output", "ja": "ある部門の成果"}),
    "trend": ("performance-management", {"en": "What matters is movement", "ja": "大事なのは自社の基準"}),
    "churn": ("customer-success", {"en": "watches usage for early signs of churn", "ja": "解約"}),
    "leads": ("demand-generation", {"en": "Demand generation is", "ja": "デマンドジェネレーションとは"}),
    "stages": ("lead-stages", {"en": "", "ja": ""}),
    "bottleneck": ("performance-management", {"en": "attack one bottleneck at a time", "ja": "ボトルネックは一度に一つずつ"}),
    "kpi": ("kpi-design", {"en": "", "ja": ""}),
    "partial": ("partial-optimization", {"en": "", "ja": ""}),
}
FOLLOW_UP = {"median_follow_up_hours", "follow_up_within_sla", "never_contacted_mqls", "never_contacted_share"}
#: examples a clarifying question offers (logged as a tool note, so the answer's numbers are grounded)
EXAMPLES = {"quota_per_rep": 30_000_000.0, "mqls_per_is_rep": 150.0, "revenue_target": 300_000_000.0,
            "points": 5.0, "percent": 10.0}


def run_plan(route: Route, ctx: ToolRuntime) -> list[ToolRecord]:
    """Run the tools ``route`` needs on ``ctx``; returns this turn's records in call order."""
    ctx.log = []
    intent = route.intent
    if intent in ("off_topic", "refusal"):
        return []
    if ctx.data is None and intent in DATA_INTENTS:
        search_record(ctx, route.question, route.lang, k=3)
        return ctx.log
    if intent == "help":
        ctx.describe_upload()
    elif intent == "missing_metric":
        from assistant.chat.intent_words import MISSING_METRICS

        ctx.describe_upload()
        for metric in MISSING_METRICS.get((route.asked or "").casefold(), ("", ()))[1]:
            ctx.query_metric(MetricQuery(metric))
    elif intent == "playbook":
        concept = find_concept(normalise(route.question))
        if concept is not None:  # the definition passage of the right topic, not the search's excerpts
            passage_record(ctx, concept.topic, route.lang, concept.cue(route.lang), concept.sentences)
        else:
            search_record(ctx, route.question, route.lang, k=3)
    elif intent == "metric":
        _metric(route, ctx)
    elif intent == "why":
        _why(route, ctx)
    elif intent in ("diagnose", "memo", "kpi_green_flat", "revenue_change", "forecast"):
        _diagnosis(route, ctx)
    elif intent == "what_if":
        _what_if(route, ctx)
    elif intent == "reverse_plan":
        _reverse(route, ctx)
    elif intent == "capacity":
        _capacity(route, ctx)
    return ctx.log


def _passage(ctx: ToolRuntime, key: str, lang: str) -> None:
    topic, cues = PASSAGES[key]
    passage_record(ctx, topic, lang, cues.get(lang) or None)


def passage_key(queries: tuple[MetricQuery, ...]) -> str:
    """Which playbook sentence fits a metric answer."""
    first = queries[0]
    metrics = {q.metric for q in queries}
    if metrics & FOLLOW_UP:
        return "follow_up"
    if any(m.startswith("recycle") for m in metrics):
        return "recycle"
    if first.by in ("month", "quarter", "year") or first.compare:
        return "trend"
    if first.by == "segment" or any(d == "segment" for d, _ in first.filters):
        return "segment"
    if metrics & {"stalled_deals", "stalled_amount", "median_open_age_days"}:
        return "stalled"
    if metrics & {"open_pipeline", "weighted_pipeline", "open_deals", "opportunity_amount"}:
        return "pipeline"
    if metrics & {"churn_rate", "retention_rate", "churned_customers", "active_customers"}:
        return "churn"
    if metrics & {"win_rate", "opportunity_to_won", "win_rate_amount"}:
        return "win"
    if metrics & {"leads"}:
        return "leads"
    if any(METRICS[m].unit == "count" for m in metrics if m in METRICS) and len(metrics) == 1:
        return "stages"
    return "funnel"


def _metric(route: Route, ctx: ToolRuntime) -> None:
    if route.unknown:
        ctx.describe_upload()  # to say what the upload has instead
    for query in route.queries:
        ctx.query_metric(query)
    lone = route.queries[0] if len(route.queries) == 1 else None
    if lone is not None and lone.metric == "stalled_deals" and lone.by is None:
        _where_stalled(lone, ctx)
        _passage(ctx, passage_key(route.queries), route.lang)
        return
    if lone is not None and lone.by is None and lone.compare is None and not lone.against_target:
        if lone.period is None and METRICS.get(lone.metric) and METRICS[lone.metric].event not in (None, "window") \
                and ctx.scope.dated:  # an undated snapshot has no baseline to compare with
            ctx.query_metric(replace(lone, compare="baseline"))
        if lone.filters:
            ctx.query_metric(replace(lone, filters=()))
    _passage(ctx, passage_key(route.queries), route.lang)


def _where_stalled(query: MetricQuery, ctx: ToolRuntime) -> None:
    """Stalled deals: their value, the open deals they are part of, and where they sit (phase, segment, owner)."""
    ctx.query_metric(replace(query, metric="stalled_amount"))
    ctx.query_metric(replace(query, metric="open_deals"))
    dimensions = [d for d in ("segment", "owner") if d in ctx.vocabulary().values and d not in dict(query.filters)]
    for dimension in (["phase"] if ctx.scope.has("phase") else []) + dimensions:
        ctx.query_metric(replace(query, by=dimension, rank="top"))


def _why(route: Route, ctx: ToolRuntime) -> None:
    if route.subject is not None and route.subject.intent in CHAIN_SUBJECTS:
        plan_cause_chain(route, ctx)
        return
    if route.depth >= 2:
        plan_metric_chain(route, ctx, PASSAGES[passage_key(route.queries)][0] if route.queries else "performance-management")
        return
    for query in route.queries[:3]:
        ctx.query_metric(query)
        info = METRICS.get(query.metric)
        if query.by is None and query.period is None and info is not None and info.event not in (None, "window") \
                and ctx.scope.dated:
            ctx.query_metric(replace(query, compare="baseline"))
        if query.filters:
            ctx.query_metric(replace(query, filters=(), by=query.filters[0][0], rank=None))
    ctx.diagnose_funnel()
    _passage(ctx, passage_key(route.queries) if route.queries else "bottleneck", route.lang)


def _diagnosis(route: Route, ctx: ToolRuntime) -> None:
    if route.intent == "diagnose" and not ctx.scope.dated:
        _snapshot(route, ctx)
        return
    seg = route.segment
    record = ctx.diagnose_funnel(seg.dimension, seg.value) if seg else ctx.diagnose_funnel()
    if route.intent == "revenue_change" or route.brief:  # a segment follow-up measures the segment's revenue
        ctx.query_metric(MetricQuery("won_revenue", filters=((seg.dimension, seg.value),) if seg else (),
                                     compare="baseline"))
    if route.brief:
        return
    if route.intent == "forecast":
        ctx.query_metric(MetricQuery("won_revenue", period=PeriodSpec("this", grain="quarter"), against_target=True))
        ctx.query_metric(MetricQuery("open_pipeline"))
        if "phase" in ctx.data.frame:
            ctx.query_metric(MetricQuery("weighted_pipeline"))
        _passage(ctx, "pipeline", route.lang)
        return
    if route.intent == "kpi_green_flat":
        _passage(ctx, "partial", route.lang)
        _passage(ctx, "kpi", route.lang)
        return
    diagnosis = record.result
    topics: list[str] = []
    for finding in (diagnosis.findings_by_severity() if diagnosis is not None else []):
        if finding.severity != "info":
            topics += [t for t in finding.playbook_topics if t not in topics]
    for topic in (topics or ["performance-management"])[:2]:
        passage_record(ctx, topic, route.lang)


def _snapshot(route: Route, ctx: ToolRuntime) -> None:
    """An undated upload has no trends to diagnose: each observed conversion, and ranked by every
    dimension (extra ones included) so the answer can say where it differs most; what it cannot give."""
    capabilities = ctx.data.capabilities
    filters = ((route.segment.dimension, route.segment.value),) if route.segment else ()
    dimensions = [d for d in snapshot_dimensions(ctx.data) if d not in dict(filters)]
    for start, end in capabilities.observed_steps:
        query = MetricQuery(f"{start}_to_{end}", filters=filters)
        ctx.query_metric(query)
        for dimension in dimensions:
            ctx.query_metric(replace(query, by=dimension, rank="top"))
    if not capabilities.win_rate:
        ctx.query_metric(MetricQuery("win_rate"))  # its error says why the outcomes are missing
    _passage(ctx, "bottleneck", route.lang)


def _what_if(route: Route, ctx: ToolRuntime) -> None:
    if route.change is None or route.lever is None:
        ctx.note("what_if_example", {"points": EXAMPLES["points"], "percent": EXAMPLES["percent"]})
        return
    what_if(ctx, route.lever, route.change, route.change_unit or "relative")
    _passage(ctx, "bottleneck", route.lang)


def _reverse(route: Route, ctx: ToolRuntime) -> None:
    record = reverse_plan(ctx, route.revenue_target)
    if not record.ok:
        ctx.note("reverse_plan_example", {"revenue_target": EXAMPLES["revenue_target"]})
        return
    _passage(ctx, "funnel", route.lang)


def _capacity(route: Route, ctx: ToolRuntime) -> None:
    if route.role == "is" and route.per_rep:
        inside_sales(ctx, route.per_rep)
        _passage(ctx, "inside_sales", route.lang)
        return
    if route.role == "is":
        ctx.note("inside_sales_example", {"mqls_per_is_rep": EXAMPLES["mqls_per_is_rep"]})
        target = latest_target(ctx, "mql")
        if target is not None:
            ctx.note("mql_target", {"period": target[0], "mql": target[1]})
        return
    if route.quota is None:
        ctx.note("capacity_example", {"quota_per_rep": EXAMPLES["quota_per_rep"]})
        target = latest_target(ctx, "revenue")
        if route.revenue_target is None and target is not None:
            ctx.note("revenue_target", {"period": target[0], "revenue": target[1]})
        return
    capacity_plan(ctx, route.quota, route.revenue_target, route.reps)
    _passage(ctx, "capacity", route.lang)
