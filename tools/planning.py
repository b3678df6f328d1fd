"""Planning from a revenue target: the funnel it needs (reverse planning) and the reps it needs.

Pure functions; every number comes from the formulas stated here (the playbook's
``funnel-chain`` and ``resource-management`` topics).

Reverse planning walks the funnel backwards from the revenue target, rounding each count up to a
whole record (a fraction of a deal cannot be won, so the stage above must supply enough whole
records for the whole deals below)::

    wins          = ceil(revenue_target / average_deal_size)
    opportunities = ceil(wins / opportunity_to_won)
    sql           = ceil(opportunities / sql_to_opportunity)
    mql           = ceil(sql / mql_to_sql)
    leads         = ceil(mql / lead_to_mql)

Capacity planning follows the playbook's rule that quotas are set so the average rep attains
~80% of quota: a rep is planned to deliver ``quota_per_rep x attainment``, so::

    reps_needed   = ceil(revenue_target / (quota_per_rep x attainment))
    total_quota   = reps_needed x quota_per_rep            (~125% of target at 80% attainment)

Against a current team of ``current_reps`` fully ramped reps, the shortfall is covered by new
hires who deliver only ``ramp`` (a share of a ramped rep) in the planning period::

    revenue_gap      = max(0, revenue_target - current_reps x quota_per_rep x attainment)
    new_hires_needed = ceil(revenue_gap / (quota_per_rep x attainment x ramp))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from tools.analysis_context import AnalysisContext
from tools.bottleneck import MULTIPLICATIVE, lever_changes, round_or_none
from tools.errors import RevOpsInputError
from tools.schema import LEVERS, STAGES, TRANSITIONS

#: Tolerance so that float noise (e.g. 100.00000000001) does not round up to an extra record.
_EPSILON = 1e-9


def _ceil(value: float) -> int:
    return math.ceil(value - _EPSILON)


def _positive(name: str, value: object, hint: str) -> float:
    """``value`` as a finite number > 0, else an actionable ``RevOpsInputError``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise RevOpsInputError(f"{name} must be a positive number", examples=[value], hint=hint)
    return float(value)


def _fraction(name: str, value: object, hint: str, *, upper: float = 1.0) -> float:
    """``value`` as a number in (0, upper], else an actionable ``RevOpsInputError``."""
    number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not (math.isfinite(number) and 0 < number <= upper):
        raise RevOpsInputError(
            f"{name} must be a fraction between 0 (exclusive) and {upper:g}", examples=[value], hint=hint
        )
    return number


# --- reverse planning ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReversePlan:
    """Records each stage must reach to hit ``revenue_target`` at the given rates."""

    revenue_target: float
    average_deal_size: float
    rates: dict[str, float]
    #: stage (lead, mql, sql, opportunity, won) -> whole records required (rounded up)
    required: dict[str, int]
    #: the same before rounding (for explanations and what-if comparisons)
    required_exact: dict[str, float]
    #: stage -> required minus ``current`` (positive = shortfall); empty without ``current``
    gap: dict[str, int] = field(default_factory=dict)
    formula: str = (
        "wins = ceil(revenue_target / average_deal_size); each earlier stage = "
        "ceil(next stage / conversion rate into it)"
    )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def reverse_plan(
    revenue_target: float,
    rates: Mapping[str, float],
    average_deal_size: float,
    *,
    current: Mapping[str, float] | None = None,
) -> ReversePlan:
    """Required leads, MQLs, SQLs, opportunities and wins for a revenue target.

    Args:
        revenue_target: revenue to book in the period (same currency as ``average_deal_size``).
        rates: stage conversion rates as fractions, keyed by transition: ``lead_to_mql``,
            ``mql_to_sql``, ``sql_to_opportunity``, ``opportunity_to_won`` (e.g. 0.25 for 25%).
        average_deal_size: average won deal value.
        current: optional actual counts per stage (``lead``, ``mql``, ``sql``, ``opportunity``,
            ``won``) to report the gap against.

    Raises:
        RevOpsInputError: a missing, unknown or out-of-range input; the message says which.
    """
    target = _positive("revenue_target", revenue_target, "Give the period's revenue target, e.g. 120000000")
    deal_size = _positive(
        "average_deal_size", average_deal_size, "Give the average won deal value in the target's currency"
    )
    unknown = sorted(set(rates) - set(TRANSITIONS))
    if unknown:
        raise RevOpsInputError(
            f"unknown conversion rate '{unknown[0]}'", hint=f"Valid rates: {', '.join(TRANSITIONS)}"
        )
    missing = [t for t in TRANSITIONS if t not in rates]
    if missing:
        raise RevOpsInputError(
            f"missing conversion rate{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            hint="Reverse planning needs every stage rate; use the current rates from the diagnosis",
        )
    checked = {
        t: _fraction(f"conversion rate '{t}'", rates[t], "Pass rates as fractions, e.g. 0.35 for 35%")
        for t in TRANSITIONS
    }

    exact: dict[str, float] = {"won": target / deal_size}
    required: dict[str, int] = {"won": _ceil(exact["won"])}
    for index in range(len(TRANSITIONS) - 1, -1, -1):
        transition = TRANSITIONS[index]
        stage = STAGES[index]
        below = STAGES[index + 1]
        exact[stage] = exact[below] / checked[transition]
        required[stage] = _ceil(required[below] / checked[transition])

    gap: dict[str, int] = {}
    if current is not None:
        for stage, value in current.items():
            if stage not in STAGES:
                raise RevOpsInputError(
                    f"unknown stage '{stage}' in current counts", hint=f"Valid stages: {', '.join(STAGES)}"
                )
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
                raise RevOpsInputError(
                    f"current count for '{stage}' must be a number of records >= 0", examples=[value]
                )
            gap[stage] = required[stage] - _ceil(float(value))
    order = list(STAGES)
    return ReversePlan(
        revenue_target=target,
        average_deal_size=deal_size,
        rates=checked,
        required={s: required[s] for s in order},
        required_exact={s: exact[s] for s in order},
        gap={s: gap[s] for s in order if s in gap},
    )


# --- capacity ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityPlan:
    """Reps needed for a revenue target when reps attain ``attainment`` of quota on average."""

    revenue_target: float
    quota_per_rep: float
    attainment: float
    ramp: float
    #: revenue one ramped rep is planned to deliver: quota x attainment
    productive_capacity_per_rep: float
    reps_needed: int
    reps_needed_exact: float
    #: quota to hand out so the team hits the target at the planned attainment
    total_quota: float
    current_reps: int | None = None
    current_capacity: float | None = None
    revenue_gap: float | None = None
    #: reps_needed - current_reps (steady-state headcount gap; negative = spare capacity)
    reps_gap: int | None = None
    #: hires needed this period, given they deliver only ``ramp`` of a ramped rep
    new_hires_needed: int | None = None
    #: attainment the current team would need to hit the target alone
    attainment_required_of_current_team: float | None = None
    formula: str = (
        "reps_needed = ceil(revenue_target / (quota_per_rep * attainment)); "
        "new_hires = ceil(max(0, revenue_target - current_reps * quota_per_rep * attainment) "
        "/ (quota_per_rep * attainment * ramp))"
    )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def capacity_plan(
    revenue_target: float,
    quota_per_rep: float,
    attainment: float = 0.8,
    ramp: float = 0.5,
    current_reps: int | None = None,
) -> CapacityPlan:
    """Sales capacity for a revenue target under the ~80%-attainment rule.

    Args:
        revenue_target: revenue to book in the period.
        quota_per_rep: one fully ramped rep's quota for the same period.
        attainment: average share of quota a rep actually attains (playbook: plan for ~0.8).
        ramp: share of a ramped rep's output a new hire delivers in the period (0.5 = half).
        current_reps: fully ramped reps on the team now (optional; enables the gap figures).

    Raises:
        RevOpsInputError: an out-of-range input; the message says which and what to pass.
    """
    target = _positive("revenue_target", revenue_target, "Give the period's revenue target, e.g. 120000000")
    quota = _positive("quota_per_rep", quota_per_rep, "Give one ramped rep's quota for the same period")
    attained = _fraction(
        "attainment", attainment, "Pass the average share of quota reps attain, e.g. 0.8 for 80%", upper=2.0
    )
    ramp_share = _fraction("ramp", ramp, "Pass a new hire's output as a share of a ramped rep's, e.g. 0.5")
    if current_reps is not None and (
        isinstance(current_reps, bool) or not isinstance(current_reps, numbers.Integral) or current_reps < 0
    ):
        raise RevOpsInputError(
            "current_reps must be a whole number of reps >= 0",
            examples=[current_reps],
            hint="Count fully ramped reps only",
        )

    per_rep = quota * attained
    exact = target / per_rep
    needed = _ceil(exact)
    plan = CapacityPlan(
        revenue_target=target,
        quota_per_rep=quota,
        attainment=attained,
        ramp=ramp_share,
        productive_capacity_per_rep=per_rep,
        reps_needed=needed,
        reps_needed_exact=exact,
        total_quota=needed * quota,
    )
    if current_reps is None:
        return plan
    capacity = current_reps * per_rep
    gap = max(0.0, target - capacity)
    return CapacityPlan(
        **{
            **asdict(plan),
            "current_reps": int(current_reps),
            "current_capacity": capacity,
            "revenue_gap": gap,
            "reps_gap": needed - current_reps,
            "new_hires_needed": _ceil(gap / (per_rep * ramp_share)),
            "attainment_required_of_current_team": (target / (current_reps * quota))
            if current_reps
            else None,
        }
    )


@dataclass(frozen=True)
class InsideSalesPlan:
    """Inside-sales reps needed to work a volume of MQLs: ``ceil(mqls_per_period / mqls_per_rep)``."""

    mqls_per_period: float
    mqls_per_rep: float
    reps_needed: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def inside_sales_plan(mqls_per_period: float, mqls_per_rep: float) -> InsideSalesPlan:
    """IS headcount: the MQLs to work in a period over what one rep can work in the same period."""
    volume = _positive("mqls_per_period", mqls_per_period, "Give the MQLs to work per period, e.g. 300")
    capacity = _positive("mqls_per_rep", mqls_per_rep, "Give the MQLs one rep can work per period, e.g. 150")
    return InsideSalesPlan(volume, capacity, _ceil(volume / capacity))


def what_if(
    data: Any, lever: str, change: float, *, as_of: object = None, unit: str = "relative"
) -> dict[str, Any]:
    """Revenue per period if ``lever`` changed by ``change``, all else equal.

    Args:
        data: the loaded dataset.
        lever: one of the SPEC levers (lead_volume, lead_to_mql, ..., cycle_time, retention).
        change: the change: relative (0.1 = +10%) or, with ``unit="points"`` on a rate lever (a
            conversion or retention), absolute (0.05 = +5 percentage points).
        as_of: optional analysis date.
        unit: ``relative``, ``points`` (rate levers) or ``days`` (cycle time: +10 = ten days longer);
            points on a lever that is not a rate are read as relative.

    Returns:
        ``{"lever", "unit", "change", "points", "current_value", "new_value", "revenue", "new_revenue",
        "revenue_change"}``; ``change`` is always the relative change the model applied and
        ``points`` the absolute one (rate levers only).
    """
    if lever not in LEVERS:
        raise RevOpsInputError(f"unknown lever '{lever}'", hint="Valid levers: " + ", ".join(LEVERS))
    if unit not in ("relative", "points", "days"):
        raise RevOpsInputError(f"unknown unit '{unit}'", hint="Use relative, points or days")
    ctx = AnalysisContext.build(data, as_of=as_of)
    changes, reference = lever_changes(ctx)
    by_lever = {lc.lever: lc for lc in changes}
    current = by_lever[lever].current
    is_rate = lever in TRANSITIONS or lever == "retention"
    points = None
    days_change = change if unit == "days" else None
    if unit == "days" and lever == "cycle_time" and current:
        change = change / current  # ten days shorter on a 45-day cycle is -22% relative
    elif unit == "days":
        raise RevOpsInputError("a change in days applies to the sales cycle only", hint="Use percent for this lever")
    elif unit == "points" and is_rate:
        if not current:
            raise RevOpsInputError(f"{lever} has no current value to move by points",
                                   hint="Give the change in percent instead (e.g. 10%)")
        points = change
        change = points / current
    elif unit != "days":
        unit = "relative"
    revenue = reference or 0.0
    if lever in MULTIPLICATIVE:
        if lever in TRANSITIONS and current is not None and current * (1 + change) > 1:
            change = 1.0 / current - 1.0  # a conversion rate cannot exceed 100%
        delta = revenue * change
    elif lever == "cycle_time":
        days = current or 0.0
        delta = -revenue * min(max(days * change / ctx.period_days, -1.0), 1.0)
    else:  # retention: a change of the retention rate moves churned amount on the active base
        churn = ctx.churn()
        active = churn[1] if churn else 0.0
        retention = current if current is not None else 1.0
        delta = active * min(retention * change, 1.0 - retention)
    if is_rate and current is not None:
        points = current * change
    return {
        "lever": lever,
        "unit": unit,
        "change": change,
        "points": round_or_none(points),
        "days": round_or_none(days_change),
        "current_value": round_or_none(current),
        "new_value": round_or_none(None if current is None else current * (1 + change)),
        "revenue": round_or_none(revenue, 2),
        "new_revenue": round_or_none(revenue + delta, 2),
        "revenue_change": round_or_none(delta, 2),
    }
