"""The LangChain tools a remote model calls: thin, typed shells over ``ToolRuntime``'s methods.

Each tool calls the runtime method that owns the number (the same ones the offline planner calls)
and returns its compact JSON — aggregates only, owner names pseudonymised. Bad arguments come back
as ``{"error": "..."}`` with the valid choices, so the model can correct itself. ``query_metric``
is the metric layer itself (SPEC §9.4), with a schema the model can fill.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from langchain_core.tools import BaseTool, tool
from typing_extensions import TypedDict

from assistant.chat.tools import planning_calls
from assistant.chat.tools.playbook import search_record
from assistant.chat.tools.runtime import ToolRuntime
from tools.metric_layer import MetricQuery
from tools.metric_layer.catalog import METRICS
from tools.metric_layer.periods import parse_period_code
from tools.wording import Lang

Dimension = Literal["lead_source", "segment", "industry", "employee_count", "icp_fit", "owner", "region"]
Breakdown = Literal["lead_source", "segment", "industry", "employee_count", "icp_fit", "owner", "region", "phase",
                    "month", "quarter", "year"]
Grain = Literal["month", "quarter"]
MetricId = Literal[
    "leads", "mqls", "sqls", "opportunities", "won_deals", "lost_deals", "won_revenue", "opportunity_amount",
    "lost_amount", "win_rate", "win_rate_amount", "average_deal_size", "median_cycle_days", "lead_to_mql",
    "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "lead_to_won", "lead_to_sql", "lead_to_opportunity",
    "mql_to_opportunity", "mql_to_won", "sql_to_won", "opportunity_to_won_amount",
    "days_lead_to_mql", "days_mql_to_sql", "days_sql_to_opportunity", "days_opportunity_to_won",
    "days_lead_to_sql", "days_lead_to_opportunity", "days_lead_to_won", "days_mql_to_opportunity", "days_mql_to_won",
    "days_sql_to_won", "median_follow_up_hours", "follow_up_within_sla", "never_contacted_mqls", "never_contacted_share", "open_deals", "open_pipeline",
    "weighted_pipeline", "stalled_deals", "stalled_amount", "stalled_share", "median_open_age_days", "recycle_lost_deals",
    "recycle_lost_amount", "recycle_mqls", "pipeline_coverage", "churn_rate", "retention_rate", "active_customers", "churned_customers",
]
assert set(get_args(MetricId)) == set(METRICS), "the tool schema must list every catalogue metric"
LeverName = Literal[
    "lead_volume", "lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "deal_size",
    "cycle_time", "retention",
]


class Filter(TypedDict):
    """Keep only records whose ``dimension`` equals ``value``."""

    dimension: Dimension | str  # or one of the upload's own columns (x_…, listed in the upload description)
    value: str


def build_tools(ctx: ToolRuntime) -> list[BaseTool]:
    """The remote model's tools, bound to one conversation's data."""

    @tool(parse_docstring=True)
    def query_metric(
        metric: MetricId,
        by: Breakdown | str | None = None,
        filters: list[Filter] | None = None,
        period: str | None = None,
        compare: Literal["baseline", "previous", "year_ago"] | None = None,
        rank: Literal["top", "bottom"] | None = None,
        limit: int | None = None,
        against_target: bool = False,
        share: bool = False,
    ) -> str:
        """Any metric of the upload, overall or broken down, filtered, for a period, ranked or compared.

        Counts (leads, mqls, sqls, opportunities, won_deals), revenue and amounts, win rate, each stage
        conversion (count- and amount-based), deal size, cycle and stage days, follow-up speed and SLA
        share, never-contacted MQLs, open/weighted/stalled pipeline, the recycle pool, churn. Rates come
        with n and a 95% interval; rankings skip groups under 30 records and list them.

        Args:
            metric: Which metric.
            by: Break down by this dimension (phase: the deal's current phase), by one of the upload's own columns (x_…, listed in the upload description), or by month/quarter/year for a trend.
            filters: Keep only these dimension values, e.g. [{"dimension": "segment", "value": "Enterprise"}]; phase (prospecting, engaging, proposal, negotiation, commit) keeps open deals in that phase.
            period: 2025-Q3, 2025-03, 2025, last_6_months, this_quarter, previous_month, next_quarter, current or baseline (the diagnosis windows); omit for the whole upload.
            compare: Also measure the baseline window, the previous period or the same period a year ago.
            rank: With by: order groups best (top) or worst (bottom) first.
            limit: With rank: how many groups to keep.
            against_target: Also return the uploaded target of the period and the attainment.
            share: With filters: also return the slice's share of everyone's value (counts and sums).
        """
        def query() -> MetricQuery:
            return MetricQuery(metric, by=by, filters=tuple((f["dimension"], f["value"]) for f in filters or []),
                               period=parse_period_code(period), compare=compare, rank=rank, limit=limit,
                               against_target=against_target, share=share)

        try:
            built = query()
        except Exception as err:  # a bad period string: tell the model the valid forms
            failure = err
            return ctx.run("query_metric", {"metric": metric, "period": period}, lambda: _raise(failure)).output
        return ctx.query_metric(built).output

    @tool(parse_docstring=True)
    def funnel_summary(
        by_dimension: Dimension | None = None,
        by_period: Grain | None = None,
        segment_dimension: Dimension | None = None,
        segment_value: str | None = None,
    ) -> str:
        """Every stage's count and amount and each stage-to-stage conversion at once, overall or split.

        Args:
            by_dimension: Split by this dimension (one group per value), or omit for the whole funnel.
            by_period: Split by lead-creation cohort month or quarter (recent cohorts are flagged immature).
            segment_dimension: Restrict to one segment: the dimension (e.g. "segment").
            segment_value: Restrict to one segment: the value (e.g. "Enterprise").
        """
        args = {"by_dimension": by_dimension, "by_period": by_period,
                "segment_dimension": segment_dimension, "segment_value": segment_value}

        def body() -> Any:
            from tools.funnel import funnel_summary as summary

            result = summary(ctx.subset(segment_dimension, segment_value), by=by_dimension, period=by_period)
            for group in result["groups"]:  # type: ignore[attr-defined]
                group["key"] = {k: ctx.privacy.label(v) for k, v in group["key"].items()}
            return result

        return ctx.run("funnel_summary", args, body).output

    @tool(parse_docstring=True)
    def diagnose_funnel(segment_dimension: Dimension | None = None, segment_value: str | None = None) -> str:
        """Full diagnosis: the bottleneck lever with revenue at stake, findings with evidence, headline metrics.

        Args:
            segment_dimension: Restrict to one segment: the dimension (e.g. "segment").
            segment_value: Restrict to one segment: the value (e.g. "Enterprise").
        """
        return ctx.diagnose_funnel(segment_dimension, segment_value).output

    @tool(parse_docstring=True)
    def what_if(lever: LeverName, change: float, unit: Literal["percent", "points"] = "percent") -> str:
        """Revenue per period if one lever changes, all else equal.

        Args:
            lever: The lever to move.
            change: The size of the change: 10 for +10% (percent, relative) or 5 for +5 percentage points (points, absolute; rate levers only).
            unit: percent (relative change) or points (absolute change of a rate).
        """
        return planning_calls.what_if(ctx, lever, change / 100.0, "points" if unit == "points" else "relative").output

    @tool(parse_docstring=True)
    def reverse_plan(revenue_target: float | None = None) -> str:
        """Required leads, MQLs, SQLs and opportunities to reach a revenue target at current rates.

        Args:
            revenue_target: Revenue to reach per period; omit to use the uploaded targets.
        """
        return planning_calls.reverse_plan(ctx, revenue_target).output

    @tool(parse_docstring=True)
    def capacity_plan(
        quota_per_rep: float | None = None, revenue_target: float | None = None, reps: int | None = None
    ) -> str:
        """Sales reps needed when reps attain about 80% of quota on average, and the hiring gap.

        Args:
            quota_per_rep: One ramped rep's quota for the target's period (required; ask the user if unknown).
            revenue_target: Revenue to reach per period; omit to use the uploaded targets.
            reps: Current number of ramped reps, if known.
        """
        return planning_calls.capacity_plan(ctx, quota_per_rep, revenue_target, reps).output

    @tool(parse_docstring=True)
    def search_playbook(query: str, lang: Lang | None = None, k: int = 4, topics: list[str] | None = None) -> str:
        """Search the RevOps playbook (The Model, KPI design, SLA, recycling, ...) for passages to cite.

        Args:
            query: What to look up, in English or Japanese.
            lang: Preferred language of the passages.
            k: How many passages (1-8).
            topics: Playbook topic ids to prefer (e.g. ["kpi-design"]), when you know them.
        """
        return search_record(ctx, query, lang, k, topics).output

    return [query_metric, funnel_summary, diagnose_funnel, what_if, reverse_plan, capacity_plan, search_playbook]


def _raise(err: Exception) -> Any:
    raise err
