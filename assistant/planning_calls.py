"""Dispatch the planning tools to the functions that own their numbers.

``what_if`` is ``tools.bottleneck.what_if``; ``reverse_plan`` and ``capacity_plan`` are in
``tools.planning``. Results are returned as plain dicts for ``ToolContext.emit``.
"""

from __future__ import annotations

import inspect
from typing import Any

from assistant.tool_context import ToolContext
from tools.errors import RevOpsInputError


def _as_dict(result: Any) -> Any:
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return result


def _call(func: Any, available: dict[str, Any]) -> Any:
    """Call ``func`` with the keyword arguments it accepts among ``available``."""
    params = inspect.signature(func).parameters
    kwargs = {k: v for k, v in available.items() if k in params and v is not None}
    return _as_dict(func(**kwargs))


def call_planning(ctx: ToolContext, name: str, **kwargs: Any) -> Any:
    """Run one planning tool against the session's data."""
    data = ctx.require_data()
    if name == "what_if":
        from tools.bottleneck import what_if

        change_pct = float(kwargs["change_pct"])
        if not -100.0 < change_pct <= 1000.0:
            raise RevOpsInputError(f"change_pct {change_pct:g} is out of range", hint="Use e.g. 10 for +10%, -5 for -5%")
        return _as_dict(what_if(data, kwargs["lever"], change_pct / 100.0))
    try:
        import tools.planning as planning
    except ImportError as err:
        raise RevOpsInputError(f"{name} is not available in this build") from err
    revenue_target = kwargs.get("revenue_target")
    if revenue_target is not None and revenue_target <= 0:
        raise RevOpsInputError("revenue_target must be positive", hint="Give the revenue to reach per period")
    available = {
        "data": data,
        "targets": ctx.targets,
        "revenue_target": revenue_target,
        "target_revenue": revenue_target,
        "reps": kwargs.get("reps"),
        "current_reps": kwargs.get("reps"),
    }
    func = getattr(planning, name, None)
    if func is None:
        raise RevOpsInputError(f"{name} is not available in this build")
    return _call(func, available)
