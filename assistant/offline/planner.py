"""The embedded offline chat model: a deterministic planner that speaks LangChain's protocol.

``OfflinePlannerModel`` is a ``BaseChatModel``. Given the conversation so far it either emits the
next tool calls of its plan (``AIMessage.tool_calls``) or, once the results are in, the composed
answer. It runs inside the same ``create_agent`` loop as the remote model, so the same tools,
limits and logging apply. Why a chat model and not a separate pipeline: one loop means the
offline default exercises exactly the code the remote path uses, and tests of one cover both.

Steps of a plan: (1) the data tools of the routed intent, (2) a playbook search aimed at the
topics the results point to, (3) the answer, written by ``assistant.offline.compose`` from the tool
results only — so every number it prints is a tool number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.chat.question import Route
from assistant.chat.routing import DATA_INTENTS, route
from assistant.chat.tools.catalog import topics_for

#: intent_params metric phrase -> lookup_metric metric names
METRIC_TOOLS: dict[str, tuple[str, ...]] = {
    "win_rate": ("win_rate",),
    "average_deal_size": ("average_deal_size",),
    "sales_cycle": ("median_cycle_days",),
    "follow_up_time": ("median_follow_up_hours", "follow_up_within_sla"),
    "churn_rate": ("churn_rate", "retention_rate"),
    "weighted_pipeline": ("weighted_pipeline", "open_pipeline"),
}

#: what to look up in the playbook per intent (topics first, then a query in each language)
INTENT_TOPICS: dict[str, tuple[str, ...]] = {
    "kpi_green_flat": ("partial-optimization", "kpi-design", "flexible-qualification"),
    "what_if": ("performance-management", "funnel-chain"),
    "reverse_plan": ("funnel-chain", "resource-management"),
    "capacity": ("resource-management",),
    "funnel": ("funnel-chain", "performance-management"),
    "metric": ("performance-management",),
}
METRIC_TOPICS: dict[str, tuple[str, ...]] = {
    "win_rate": ("opportunity-phases", "performance-management"),
    "average_deal_size": ("smb-vs-enterprise",),
    "sales_cycle": ("opportunity-phases",),
    "follow_up_time": ("sla-handoff", "lead-temperature"),
    "churn_rate": ("customer-success",),
    "weighted_pipeline": ("opportunity-phases",),
    "pipeline_coverage": ("resource-management",),
    "conversion": ("funnel-chain", "lead-stages"),
}
TOPIC_QUERIES: dict[str, dict[str, str]] = {
    "kpi_green_flat": {"en": "volume KPIs met but revenue flat: partial optimisation, quality-linked KPI design",
                       "ja": "KPIは達成しているのに売上が伸びない 部分最適 質を含むKPI設計"},
    "diagnose": {"en": "find the bottleneck and fix one constraint at a time",
                 "ja": "ボトルネックを特定し一つずつ改善する"},
}


class Step:
    """A tool call the planner wants: name and arguments."""

    def __init__(self, name: str, **args: Any) -> None:
        self.name = name
        self.args = {k: v for k, v in args.items() if v is not None}


def first_steps(routed: Route, has_data: bool) -> list[Step]:
    """The data tool calls of a plan (step 1)."""
    seg = routed.segment_args()
    if routed.intent == "playbook" or (not has_data and routed.intent in DATA_INTENTS):
        return [Step("search_playbook", query=routed.question, lang=routed.lang, k=4)]
    if routed.intent == "metric":
        if routed.metric in METRIC_TOOLS:
            return [Step("lookup_metric", metric=m, **seg) for m in METRIC_TOOLS[routed.metric]]
        if routed.metric == "conversion":
            return [Step("funnel_summary", by_period=routed.grain, **seg)]
        return [Step("diagnose_funnel", **seg)]
    if routed.intent == "funnel":
        return [Step("funnel_summary", by_dimension=routed.dimension, by_period=routed.grain, **seg)]
    if routed.intent == "what_if":
        change = routed.change if routed.change is not None else 0.1
        return [Step("what_if", lever=routed.lever or "opportunity_to_won", change_pct=round(change * 100, 6))]
    if routed.intent == "reverse_plan":
        return [Step("reverse_plan", revenue_target=routed.revenue_target)]
    if routed.intent == "capacity":
        return [Step("capacity_plan", quota_per_rep=routed.quota, revenue_target=routed.revenue_target, reps=routed.reps),
                Step("lookup_metric", metric="won_revenue", by_dimension="owner")]
    return [Step("diagnose_funnel", **seg)]  # diagnose, kpi_green_flat, memo


def playbook_step(routed: Route, results: list[dict[str, Any]]) -> Step | None:
    """Step 2: a playbook search aimed at what the data results point to."""
    if any(r["name"] == "search_playbook" for r in results):
        return None
    codes = finding_codes(results)
    if routed.intent == "kpi_green_flat":
        topics = list(INTENT_TOPICS["kpi_green_flat"]) + topics_for(codes)
    elif routed.intent in ("diagnose", "memo"):
        topics = topics_for(codes[:2]) or ["performance-management"]
    elif routed.intent == "metric":
        topics = list(METRIC_TOPICS.get(routed.metric or "", INTENT_TOPICS["metric"]))
    else:
        topics = list(INTENT_TOPICS.get(routed.intent, ("the-model-overview",)))
    query = TOPIC_QUERIES.get(routed.intent, {}).get(routed.lang, routed.question)
    return Step("search_playbook", query=query, lang=routed.lang, k=3, topics=topics[:4])


def finding_codes(results: list[dict[str, Any]]) -> list[str]:
    """Finding codes in the turn's diagnosis results, most severe first."""
    codes: list[str] = []
    for r in results:
        if r["name"] == "diagnose_funnel" and isinstance(r["payload"], dict):
            for f in r["payload"].get("findings", []) or []:
                if f.get("code") and f["code"] not in codes:
                    codes.append(f["code"])
    return codes


def turn_results(messages: Sequence[BaseMessage]) -> tuple[str, list[dict[str, Any]], int]:
    """The last question, the tool results after it (name, args, payload), and steps taken."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    question = str(messages[start].content) if start >= 0 else ""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    results: list[dict[str, Any]] = []
    steps = 0
    for message in messages[start + 1 :]:
        if isinstance(message, AIMessage) and message.tool_calls:
            steps += 1
            for call in message.tool_calls:
                calls[str(call.get("id"))] = (call["name"], dict(call["args"]))
        elif isinstance(message, ToolMessage):
            name, args = calls.get(message.tool_call_id, (message.name or "", {}))
            try:
                payload = json.loads(str(message.content))
            except ValueError:
                payload = {"error": str(message.content)}
            results.append({"name": name, "args": args, "payload": payload})
    return question, results, steps


class OfflinePlannerModel(BaseChatModel):
    """Deterministic English/Japanese planner and answer writer (no key, no network)."""

    routed: Any = None
    has_data: bool = True

    @property
    def _llm_type(self) -> str:
        return "revops-offline-planner"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflinePlannerModel:  # type: ignore[override]
        """The planner knows its tools by name; binding changes nothing."""
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        question, results, steps = turn_results(messages)
        routed: Route = self.routed if self.routed is not None else route(question)
        pending: list[Step] = []
        if steps == 0:
            pending = first_steps(routed, self.has_data)
        elif steps == 1 and routed.intent != "playbook" and self.has_data:
            follow = playbook_step(routed, results)
            pending = [follow] if follow else []
        if pending:
            calls = [
                {"name": s.name, "args": s.args, "id": f"offline-{steps}-{i}", "type": "tool_call"}
                for i, s in enumerate(pending)
            ]
            message = AIMessage(content="", tool_calls=calls)
        else:
            from assistant.offline.compose import compose_answer

            message = AIMessage(content=compose_answer(routed, results, has_data=self.has_data))
        return ChatResult(generations=[ChatGeneration(message=message)])
