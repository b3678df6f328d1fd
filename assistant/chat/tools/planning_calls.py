"""The planning tools on a session: what-if, reverse plan and sales capacity.

``what_if`` is ``tools.planning.what_if`` (relative or percentage points); ``reverse_plan`` and
``capacity_plan`` are ``tools.planning``'s, fed with the diagnosis's current rates and the uploaded
revenue target when the user gives none. Each returns the runtime's ``ToolRecord``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.chat.tools.runtime import ToolRecord, ToolRuntime
from tools.errors import RevOpsInputError


@dataclass(frozen=True)
class PlannedTarget:
    """A planning result with the revenue target it used and where that target came from."""

    plan: Any
    target_period: str | None

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.plan.to_dict())
        out.pop("required_exact", None)
        out.pop("reps_needed_exact", None)
        return {"target_period": self.target_period, **out}


def what_if(ctx: ToolRuntime, lever: str, change: float, unit: str = "relative") -> ToolRecord:
    """Revenue per period if ``lever`` moves by ``change`` (a fraction: relative, or points)."""

    def compute() -> dict[str, Any]:
        from tools.planning import what_if as model

        limit = (-3650.0, 3650.0) if unit == "days" else (-1.0, 10.0)
        if not limit[0] < float(change) <= limit[1]:
            raise RevOpsInputError(f"change {change:g} is out of range", hint="Use e.g. 0.1 for +10% or 0.05 points")
        return model(ctx.require_data(), lever, float(change), unit=unit)

    return ctx.run("what_if", {"lever": lever, "change": change, "unit": unit}, compute)


def reverse_plan(ctx: ToolRuntime, revenue_target: float | None = None) -> ToolRecord:
    """Leads, MQLs, SQLs, opportunities and wins needed for a revenue target at current rates."""

    def compute() -> PlannedTarget:
        from tools.planning import reverse_plan as plan

        target, period = revenue_target_of(ctx, revenue_target)
        diagnosis = ctx.diagnosis()
        rates = {c.overall.transition: c.current_rate if c.current_rate else c.overall.rate for c in diagnosis.conversions}
        return PlannedTarget(plan(target, rates, diagnosis.metrics.get("average_deal_size")), period)  # type: ignore[arg-type]

    return ctx.run("reverse_plan", {"revenue_target": revenue_target}, compute)


def capacity_plan(ctx: ToolRuntime, quota_per_rep: float | None, revenue_target: float | None = None,
                  reps: int | None = None) -> ToolRecord:
    """Reps needed when reps attain about 80% of quota, and the hiring gap."""

    def compute() -> PlannedTarget:
        from tools.planning import capacity_plan as plan

        if quota_per_rep is None:
            raise RevOpsInputError("quota_per_rep is needed for a capacity plan",
                                   hint="Give one ramped rep's quota for the same period as the target")
        target, period = revenue_target_of(ctx, revenue_target)
        return PlannedTarget(plan(target, float(quota_per_rep), current_reps=reps), period)

    args = {"quota_per_rep": quota_per_rep, "revenue_target": revenue_target, "reps": reps}
    return ctx.run("capacity_plan", args, compute)


def revenue_target_of(ctx: ToolRuntime, given: float | None) -> tuple[float, str | None]:
    """The revenue target the user gave, else the latest revenue target of the uploaded targets."""
    if given is not None:
        if given <= 0:
            raise RevOpsInputError("revenue_target must be positive", hint="Give the revenue to reach per period")
        return float(given), None
    latest = latest_target(ctx, "revenue")
    if latest is None:
        raise RevOpsInputError("no revenue target given and no targets uploaded",
                               hint="Pass revenue_target (e.g. 120000000) or upload a targets file")
    return latest[1], latest[0]


def latest_target(ctx: ToolRuntime, metric: str) -> tuple[str, float] | None:
    """(period, target) of the latest uploaded target for ``metric``."""
    from tools.ingest.targets import targets_frame

    frame = targets_frame(ctx.targets)
    if frame is None:
        return None
    rows = frame[frame["metric"] == metric].sort_values("period")
    if not len(rows):
        return None
    return str(rows["period"].iloc[-1]), float(rows["target"].iloc[-1])


def inside_sales(ctx: ToolRuntime, mqls_per_rep: float) -> ToolRecord:
    """IS reps needed for the MQLs of a month: the latest uploaded MQL target, else last month's MQLs."""

    def compute() -> PlannedTarget:
        from tools.metric_layer import MetricQuery, PeriodSpec
        from tools.planning import inside_sales_plan

        latest = latest_target(ctx, "mql")
        if latest is not None:
            return PlannedTarget(inside_sales_plan(latest[1], mqls_per_rep), latest[0])
        record = ctx.query_metric(MetricQuery("mqls", period=PeriodSpec("previous", grain="month")))
        if not record.ok or not record.result.total.value:
            raise RevOpsInputError("no MQL volume to plan for", hint="Upload an MQL target or MQL dates")
        return PlannedTarget(inside_sales_plan(record.result.total.value, mqls_per_rep), record.result.period_label)

    return ctx.run("inside_sales_plan", {"mqls_per_rep": mqls_per_rep}, compute)
