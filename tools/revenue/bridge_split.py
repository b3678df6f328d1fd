"""The LMDI split of one segment's chain into bridge components (see ``tools.revenue.bridge``).

Factor ``x`` of segment ``s`` contributes ``L(R_s1, R_s0) × ln(x1 / x0)``; a segment that won
nothing on one side puts its whole change on the first factor that is zero there; within a
segment the lead-source mix is separated shift-share style (``split_source_mix``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.revenue.bridge_flows import Chain, log_mean
from tools.revenue.bridge_noise import NoiseVerdict
from tools.schema import BRIDGE_DRIVERS, TRANSITIONS

#: The driver of each ratio of the chain after the volume and the segment share.
STEP_DRIVERS = (*TRANSITIONS, "deal_size")


@dataclass(frozen=True)
class BridgeComponent:
    """One driver's share of the revenue change (``dimension``/``value`` where it is localised),
    with the test of the data behind it (``None``: untested)."""

    driver: str
    amount: float
    dimension: str | None = None
    value: str | None = None
    noise: NoiseVerdict | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        assert self.driver in BRIDGE_DRIVERS, self.driver

    @property
    def beyond_noise(self) -> bool:
        """Its test is significant family-wise and moved revenue the way ``amount`` says."""
        return self.noise is not None and self.noise.beyond_noise(self.amount)

    def to_dict(self) -> dict[str, Any]:
        return {
            "driver": self.driver,
            "dimension": self.dimension,
            "value": self.value,
            "amount": round(self.amount, 2),
            "beyond_noise": self.beyond_noise,
            "noise_test": None if self.noise is None else self.noise.to_dict(),
        }


def _factors(chain: Chain) -> list[float]:
    """Volume, segment share, then the five ratios of the chain (NaN where a ratio is 0/0 or x/0)."""
    totals = chain.flows.sum(axis=1)
    out = [chain.volume, totals[0] / chain.volume if chain.volume else math.nan]
    for i in range(1, 6):
        out.append(totals[i] / totals[i - 1] if totals[i - 1] else math.nan)
    return out


_FACTOR_DRIVERS = ("lead_volume", "mix", *STEP_DRIVERS)


def segment_components(
    c0: Chain,
    c1: Chain,
    seg_dim: str | None,
    segment: str,
    src_dim: str | None,
    src_labels: list[str],
) -> list[BridgeComponent]:
    """LMDI terms of one segment's chain (see the module docstring for zeros and the residual)."""
    r0, r1 = float(c0.flows[5].sum()), float(c1.flows[5].sum())
    if r0 <= 0 and r1 <= 0:
        return []
    value = segment if seg_dim else None
    x0, x1 = _factors(c0), _factors(c1)

    def component(i: int, amount: float) -> BridgeComponent:
        driver = _FACTOR_DRIVERS[i]
        if driver == "lead_volume":
            return BridgeComponent(driver, amount)
        if driver == "mix":
            return BridgeComponent(driver, amount, seg_dim, value)
        return BridgeComponent(driver, amount, seg_dim, value)

    if r0 <= 0 or r1 <= 0:
        # one side has no revenue: the first factor that is zero there carries the whole change
        zero_side = x0 if r0 <= 0 else x1
        for i, x in enumerate(zero_side):
            if not x or math.isnan(x):
                return [component(i, r1 - r0)]
        return []
    weight = log_mean(r1, r0)
    terms: dict[int, float] = {}
    for i, (a, b) in enumerate(zip(x0, x1, strict=True)):
        if a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b):
            terms[i] = weight * math.log(b / a)
    out = [component(i, amount) for i, amount in terms.items() if seg_dim or i != 1]
    if src_dim is not None and len(terms) == len(x0):
        out = _split_source_mix(out, c0, c1, weight, (seg_dim, value), src_dim, src_labels)
    return out


def _split_source_mix(
    steps: list[BridgeComponent],
    c0: Chain,
    c1: Chain,
    weight: float,
    segment: tuple[str | None, str | None],
    src_dim: str,
    src_labels: list[str],
) -> list[BridgeComponent]:
    """Move the lead-source mix out of the step terms (shift-share at baseline yields per source).

    The counterfactual flows are today's leads per source times each source's baseline flows per
    lead (a source new in the current window brings its own: its arrival is pure mix). Step
    ``k`` keeps ``ln(x1 / x*)``; ``ln(x* / x0)`` summed over the steps is the source mix, shared
    among sources by their linear shift-share terms measured against the baseline's average
    revenue per lead (shares add up to the same, so the sum is unchanged): a source that gained
    share owns the fall as far as it yields below the average, not the sources it crowded out.
    """
    leads0, leads1 = c0.flows[0], c1.flows[0]
    if np.count_nonzero(leads1) < 1 or leads0.sum() <= 0 or leads1.sum() <= 0:
        return steps
    per_lead0 = np.divide(c0.flows, leads0, out=np.zeros_like(c0.flows), where=leads0 > 0)
    per_lead1 = np.divide(c1.flows, leads1, out=np.zeros_like(c1.flows), where=leads1 > 0)
    yields = np.where(leads0 > 0, per_lead0, per_lead1)  # per source, per flow
    counterfactual = (yields * leads1).sum(axis=1)  # flows today's leads would make at those yields
    if (counterfactual <= 0).any():
        return steps
    base = c0.flows.sum(axis=1)
    star = counterfactual[1:] / counterfactual[:-1]
    before = base[1:] / base[:-1]
    now = c1.flows.sum(axis=1)
    after = now[1:] / now[:-1]
    out = [c for c in steps if c.driver not in STEP_DRIVERS]
    seg_dim, value = segment
    for k, driver in enumerate(STEP_DRIVERS):
        out.append(BridgeComponent(driver, weight * math.log(after[k] / star[k]), seg_dim, value))
    mix_total = weight * float(np.log(star / before).sum())
    w0, w1 = leads0 / leads0.sum(), leads1 / leads1.sum()
    revenue_yield = yields[5]
    shifts = (w1 - w0) * (revenue_yield - float((w0 * revenue_yield).sum()))
    spread = float(shifts.sum())
    if mix_total and spread:
        for i, label in enumerate(src_labels):
            if shifts[i]:
                out.append(BridgeComponent("mix", mix_total * float(shifts[i]) / spread, src_dim, label))
    elif mix_total:
        out.append(BridgeComponent("mix", mix_total, src_dim, None))
    return out
