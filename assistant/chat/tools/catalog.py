"""The LangChain tools the agent calls: thin, typed wrappers over ``tools/`` and ``knowledge/``.

Each tool reads the session's data through ``ToolRuntime`` (a closure), calls the deterministic
function that owns the number, and returns compact JSON aggregates — never rows. Bad arguments
come back as ``{"error": "..."}`` with the valid choices, so the model can correct itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langchain_core.tools import BaseTool, tool

from assistant.chat.tools.runtime import ToolRuntime
from tools.errors import RevOpsInputError
from tools.schema import FINDING_TOPICS, PLAYBOOK_TOPICS
from tools.wording import Lang

Dimension = Literal["lead_source", "segment", "industry", "employee_count", "icp_fit", "owner", "region"]
Grain = Literal["month", "quarter"]
MetricName = Literal[
    "win_rate", "average_deal_size", "median_cycle_days", "median_follow_up_hours", "follow_up_within_sla",
    "open_pipeline", "weighted_pipeline", "churn_rate", "retention_rate", "ltv", "won_revenue",
]
LeverName = Literal[
    "lead_volume", "lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "deal_size",
    "cycle_time", "retention",
]


def compact_diagnosis(full: dict[str, Any]) -> dict[str, Any]:
    """The parts of a diagnosis a model needs: funnel, metrics, bottleneck, findings."""
    conversions = [
        {k: c.get(k) for k in ("transition", "rate", "baseline_rate", "current_rate", "n_baseline", "n_current",
                               "p_value")}
        for c in full.get("funnel", {}).get("conversions", [])
    ]
    return {
        "as_of": full.get("as_of"),
        "periods": full.get("periods"),
        "rows": full.get("rows"),
        "stages": full.get("funnel", {}).get("stages"),
        "conversions": conversions,
        "metrics": {k: v for k, v in full.get("metrics", {}).items() if k != "stage_days"},
        "bottleneck": full.get("bottleneck"),
        "findings": full.get("findings", []),
        "data_quality": [{"code": d.get("code"), "rows": d.get("rows")} for d in full.get("data_quality", [])],
        "dimensions": full.get("dimensions"),
        # analyses the upload cannot support and what each needs (trends without dates, ...)
        "not_analysed": (full.get("load") or {}).get("capabilities", {}).get("missing", {}),
    }


def _run(ctx: ToolRuntime, name: str, args: dict[str, Any], body: Callable[[], Any]) -> str:
    try:
        return ctx.emit(name, args, body())
    except Exception as err:  # a tool never raises into the agent loop
        return ctx.error(name, args, err)


def build_tools(ctx: ToolRuntime) -> list[BaseTool]:
    """The agent's tools, bound to one conversation's data."""

    @tool(parse_docstring=True)
    def funnel_summary(
        by_dimension: Dimension | None = None,
        by_period: Grain | None = None,
        segment_dimension: Dimension | None = None,
        segment_value: str | None = None,
    ) -> str:
        """Funnel stage counts/amounts and stage-to-stage conversion, overall or split.

        Args:
            by_dimension: Split by this dimension (one group per value), or omit for the whole funnel.
            by_period: Split by lead-creation cohort month or quarter (recent cohorts are flagged immature).
            segment_dimension: Restrict to one segment: the dimension (e.g. "segment").
            segment_value: Restrict to one segment: the value (e.g. "enterprise").
        """
        args = {"by_dimension": by_dimension, "by_period": by_period,
                "segment_dimension": segment_dimension, "segment_value": segment_value}

        def body() -> Any:
            from tools.funnel import funnel_summary as summary

            data = ctx.subset(segment_dimension, segment_value)
            result = summary(data, by=by_dimension, period=by_period)
            for group in result["groups"]:  # type: ignore[attr-defined]
                group["key"] = {k: ctx.privacy.label(v) for k, v in group["key"].items()}
            return result

        return _run(ctx, "funnel_summary", args, body)

    @tool(parse_docstring=True)
    def diagnose_funnel(segment_dimension: Dimension | None = None, segment_value: str | None = None) -> str:
        """Full diagnosis: the bottleneck lever with revenue at stake, findings with evidence, headline metrics.

        Args:
            segment_dimension: Restrict to one segment: the dimension (e.g. "segment").
            segment_value: Restrict to one segment: the value (e.g. "enterprise").
        """
        args = {"segment_dimension": segment_dimension, "segment_value": segment_value}
        return _run(ctx, "diagnose_funnel", args,
                    lambda: compact_diagnosis(ctx.diagnosis(segment_dimension, segment_value)))

    @tool(parse_docstring=True)
    def lookup_metric(
        metric: MetricName,
        by_dimension: Dimension | None = None,
        segment_dimension: Dimension | None = None,
        segment_value: str | None = None,
    ) -> str:
        """One headline metric (win rate, deal size, cycle, follow-up, pipeline, churn, LTV), overall or split.

        Unsplit, it also returns the deal counts behind it (``n``), the whole upload's value when a
        segment is given (``overall``) and the baseline vs current window (``trend``) when known.

        Args:
            metric: Which metric.
            by_dimension: Split the metric by this dimension, or omit for one value.
            segment_dimension: Restrict to one segment: the dimension.
            segment_value: Restrict to one segment: the value.
        """
        args = {"metric": metric, "by_dimension": by_dimension,
                "segment_dimension": segment_dimension, "segment_value": segment_value}

        def body() -> Any:
            from assistant.chat.tools.metric_summary import metric_context
            from tools.diagnosis import metric_lookup

            key = ("metric", metric, by_dimension, segment_dimension, segment_value)
            result = dict(ctx.cached(key, lambda: metric_lookup(
                ctx.subset(segment_dimension, segment_value), metric, by=by_dimension)))
            result["values"] = {ctx.privacy.label(k): v for k, v in result["values"].items()}
            if segment_value:
                result["segment"] = {"dimension": segment_dimension, "value": segment_value}
            if by_dimension is None:
                result.update(ctx.cached(("context", *key), lambda: metric_context(
                    ctx, metric, segment_dimension, segment_value)))
            return result

        return _run(ctx, "lookup_metric", args, body)

    @tool(parse_docstring=True)
    def what_if(lever: LeverName, change_pct: float) -> str:
        """Revenue effect of changing one lever by a relative percentage, all else equal.

        Args:
            lever: The lever to move.
            change_pct: Relative change in percent, e.g. 10 for +10% or -5 for -5%.
        """
        args = {"lever": lever, "change_pct": change_pct}
        return _run(ctx, "what_if", args, lambda: _planning_call(ctx, "what_if", lever=lever, change_pct=change_pct))

    @tool(parse_docstring=True)
    def reverse_plan(revenue_target: float | None = None) -> str:
        """Required leads, MQLs, SQLs and opportunities to reach a revenue target at current rates.

        Args:
            revenue_target: Revenue to reach per period; omit to use the uploaded targets.
        """
        args = {"revenue_target": revenue_target}
        return _run(ctx, "reverse_plan", args,
                    lambda: _planning_call(ctx, "reverse_plan", revenue_target=revenue_target))

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
        args = {"quota_per_rep": quota_per_rep, "revenue_target": revenue_target, "reps": reps}
        return _run(ctx, "capacity_plan", args, lambda: _planning_call(ctx, "capacity_plan", **args))

    @tool(parse_docstring=True)
    def search_playbook(query: str, lang: Lang | None = None, k: int = 4, topics: list[str] | None = None) -> str:
        """Search the RevOps playbook (The Model, KPI design, SLA, recycling, ...) for passages to cite.

        Args:
            query: What to look up, in English or Japanese.
            lang: Preferred language of the passages.
            k: How many passages (1-8).
            topics: Playbook topic ids to prefer (e.g. ["kpi-design"]), when you know them.
        """
        args = {"query": query, "lang": lang, "k": k, "topics": topics}

        def body() -> Any:
            if not query.strip():
                raise RevOpsInputError("query is empty", hint="Pass the question or concept to look up")
            unknown = [t for t in topics or [] if t not in PLAYBOOK_TOPICS]
            if unknown:
                raise RevOpsInputError(
                    f"unknown topic {unknown[0]!r}", hint="Valid topics: " + ", ".join(PLAYBOOK_TOPICS)
                )
            limit = max(1, min(int(k), 8))
            return {"results": search_passages(ctx, query, limit, lang, list(topics or []))}

        return _run(ctx, "search_playbook", args, body)

    return [funnel_summary, diagnose_funnel, lookup_metric, what_if, reverse_plan, capacity_plan, search_playbook]


#: Section headings that list finding codes rather than explain a topic (en / ja documents).
RELATED_HEADINGS = ("related findings", "関連する診断結果")
#: Chunks per topic fetched so an explanatory one can be preferred over a "Related findings" list.
PER_TOPIC = 3


def search_passages(ctx: ToolRuntime, query: str, k: int, lang: str | None, topics: list[str]) -> list[dict[str, Any]]:
    """Hybrid playbook search; passages of the preferred ``topics`` first (each looked up if missing).

    One passage per topic, taken from an explanatory section when the topic has one (a document's
    "Related findings" section is a list of finding codes, a poor excerpt for an answer).
    """
    found = _search(ctx, query, max(k, 6), lang)
    by_topic = {p["topic"]: p for p in found}
    for topic in topics:
        if topic not in by_topic:
            extra = _search(ctx, topic.replace("-", " "), 3, lang)
            by_topic.update({p["topic"]: p for p in extra if p["topic"] == topic})
    preferred = [by_topic[t] for t in topics if t in by_topic]
    rest = [p for p in found if p["topic"] not in topics]
    return (preferred + rest)[: max(k, len(preferred))]


def is_related_section(passage: dict[str, Any]) -> bool:
    """Whether a passage comes from a document's "Related findings" / 「関連する診断結果」 section."""
    heading = str(passage.get("heading") or "").casefold()
    return any(h in heading for h in RELATED_HEADINGS)


def explanatory(passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One passage per topic in rank order, preferring chunks outside the "Related findings" section."""
    chosen: dict[str, dict[str, Any]] = {}
    for p in passages:
        current = chosen.get(p["topic"])
        if current is None or (is_related_section(current) and not is_related_section(p)):
            chosen[p["topic"]] = p
    return list(chosen.values())


def _search(ctx: ToolRuntime, query: str, k: int, lang: str | None) -> list[dict[str, Any]]:
    """Up to ``k`` topics for ``query``, memoised per conversation (same query, same passages)."""

    def run() -> list[dict[str, Any]]:
        results = ctx.knowledge.search(query, k=k * PER_TOPIC, lang=lang, per_topic=PER_TOPIC)
        return explanatory([_passage(r) for r in results])[:k]

    return list(ctx.cached(("search", query, k, lang), run))


def _passage(result: Any) -> dict[str, Any]:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return {k: data.get(k) for k in ("topic", "title", "lang", "source", "score", "excerpt", "heading")}


def _planning_call(ctx: ToolRuntime, name: str, **kwargs: Any) -> Any:
    """Call the planning function that owns this number (``tools.planning`` / ``tools.bottleneck``)."""
    from assistant.chat.tools.planning_calls import call_planning

    return call_planning(ctx, name, **kwargs)


def topics_for(findings: list[str]) -> list[str]:
    """Playbook topics that explain the given finding codes, in order, without repeats."""
    seen: list[str] = []
    for code in findings:
        for topic in FINDING_TOPICS.get(code, ()):
            if topic not in seen:
                seen.append(topic)
    return seen
