"""Dispatch the planning tools to the functions that own their numbers.

``what_if`` is ``tools.bottleneck.what_if``; ``reverse_plan`` and ``capacity_plan`` are in
``tools.planning``. Results are returned as plain dicts for ``ToolRuntime.emit``.
"""

from __future__ import annotations

from typing import Any

from assistant.chat.tools.runtime import ToolRuntime
from tools.errors import RevOpsInputError


def _as_dict(result: Any) -> Any:
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return result


def call_planning(ctx: ToolRuntime, name: str, **kwargs: Any) -> Any:
    """Run one planning tool against the session's data."""
    data = ctx.require_data()
    if name == "what_if":
        from tools.planning import what_if

        change_pct = float(kwargs["change_pct"])
        if not -100.0 < change_pct <= 1000.0:
            raise RevOpsInputError(f"change_pct {change_pct:g} is out of range", hint="Use e.g. 10 for +10%, -5 for -5%")
        return _as_dict(what_if(data, kwargs["lever"], change_pct / 100.0))
    from tools import planning

    target, period = _revenue_target(ctx, kwargs.get("revenue_target"))
    if name == "reverse_plan":
        diag = ctx.diagnosis()
        rates = {
            c["transition"]: c["current_rate"] if c.get("current_rate") else c.get("rate")
            for c in diag["funnel"]["conversions"]
        }
        deal_size = diag["metrics"].get("average_deal_size")
        result = _as_dict(planning.reverse_plan(target, rates, deal_size))
        result.pop("required_exact", None)
        return {"target_period": period, **result}
    if name == "capacity_plan":
        quota = kwargs.get("quota_per_rep")
        if quota is None:
            raise RevOpsInputError(
                "quota_per_rep is needed for a capacity plan",
                hint="Give one ramped rep's quota for the same period as the target "
                "(lookup_metric won_revenue by owner shows what reps booked)",
            )
        result = _as_dict(planning.capacity_plan(target, float(quota), current_reps=kwargs.get("reps")))
        result.pop("reps_needed_exact", None)
        return {"target_period": period, **result}
    raise RevOpsInputError(f"unknown planning tool '{name}'")


def _revenue_target(ctx: ToolRuntime, given: float | None) -> tuple[float, str | None]:
    """The revenue target the user gave, else the latest revenue target of the uploaded targets."""
    if given is not None:
        if given <= 0:
            raise RevOpsInputError("revenue_target must be positive", hint="Give the revenue to reach per period")
        return float(given), None
    from tools.ingest.targets import targets_frame

    frame = targets_frame(ctx.targets)
    if frame is not None:
        revenue = frame[frame["metric"] == "revenue"].sort_values("period")
        if len(revenue):
            return float(revenue["target"].iloc[-1]), str(revenue["period"].iloc[-1])
    raise RevOpsInputError("no revenue target given and no targets uploaded",
                           hint="Pass revenue_target (e.g. 120000000) or upload a targets file")
