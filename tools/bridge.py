"""The revenue bridge: why won revenue moved between the baseline and the current window (SPEC §9.1).

Won revenue of a window is split, per segment ``s``, into a chain of factors that multiply back
to it exactly::

    R_s = V_s × σ_s × (M_s / L_s) × (S_s / M_s) × (O_s / S_s) × (W_s / O_s) × (R_s / W_s)
          volume  mix   lead→MQL     MQL→SQL      SQL→opp      opp→won      deal size

``V_s`` counts all new leads, ``L_s`` those of segment ``s`` (so ``σ_s`` is its share), ``M, S,
O`` the records entering MQL, SQL and opportunity, ``W`` the deals won and ``R`` their amount.
Each upstream flow is counted in the revenue window shifted back by that segment's median time
from the stage to a win (measured on its won deals): the leads behind this window's Enterprise
revenue were created months before its SMB leads, so each ratio is close to a conversion rate
even while volumes move, and a lead drop that has not reached revenue yet is not blamed on it.

The change ``R1 − R0`` is split with the log-mean Divisia index (LMDI-I): factor ``x`` of segment
``s`` contributes ``L(R_s1, R_s0) × ln(x1 / x0)`` with ``L(a, b) = (a − b) / (ln a − ln b)``.
We chose LMDI over a sequential order because it needs no arbitrary order of the levers and is
exact (no interaction term); over Shapley because it is the same closed form at any number of
factors (Shapley over seven factors averages 5,040 orders) and is what ``tools.bottleneck`` uses
to split its modelled revenue, so the bridge and the bottleneck agree. Within a segment the
lead-source mix is separated shift-share style: the flows the current leads would have produced
at each source's baseline yield give a counterfactual chain; ``ln(counterfactual / baseline)``
is the source mix and the steps are measured against the counterfactual (like for like).

A segment that won nothing in one window has no logarithm: its whole change goes to the first
factor that is zero on that side (the limit of LMDI's small-value rule). A ratio with a zero
flow in the middle of a chain (wins from opportunities opened before the window, none opened
in it) cannot be split; that part is the ``residual``, which is zero whenever every flow is
positive. Components plus residual equal the change exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.bridge_flows import (
    FLOW_STAGES,
    MAX_SEGMENTS,
    MAX_SOURCES,
    SEGMENT_DIMENSION,
    SOURCE_DIMENSION,
    Chain,
    DailyFlows,
    segment_codes,
    stage_lags,
)
from tools.periods import ONE_DAY, Window
from tools.schema import BRIDGE_DRIVERS, TRANSITIONS
from tools.stats import Comparison, compare_value_mix
from tools.variation import RevenueVariation, revenue_variation

#: The driver of each ratio of the chain after the volume and the segment share.
STEP_DRIVERS = (*TRANSITIONS, "deal_size")


@dataclass(frozen=True)
class BridgeComponent:
    """One driver's share of the revenue change (``dimension``/``value`` where it is localised)."""

    driver: str
    amount: float
    dimension: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        assert self.driver in BRIDGE_DRIVERS, self.driver

    def to_dict(self) -> dict[str, Any]:
        return {"driver": self.driver, "dimension": self.dimension, "value": self.value, "amount": round(self.amount, 2)}


@dataclass(frozen=True)
class RevenueWindow:
    """Won revenue of deals won inside one window."""

    window: Window
    revenue: float

    @property
    def label(self) -> str:
        return self.window.label


@dataclass
class RevenueBridge:
    """Won revenue, baseline vs current window, split into drivers (see the module docstring)."""

    baseline: RevenueWindow
    current: RevenueWindow
    #: the change per driver and, where the chain is split, per segment or lead source value
    parts: list[BridgeComponent]
    residual: float
    #: the chain's segment dimension (None: one chain for the whole data)
    dimension: str | None = None
    #: median days from each stage to a win, per segment value ("all" without segments)
    lags_days: dict[str, dict[str, float]] = field(default_factory=dict)
    variation: RevenueVariation | None = None
    #: the segment mix's own test: revenue per lead at today's segment shares and baseline
    #: yields vs the baseline (``tools.stats.compare_value_mix``); None without segments
    mix_test: Comparison | None = None
    method: str = "LMDI-I over lagged flows per segment; lead-source mix shift-share within segment"

    @property
    def baseline_revenue(self) -> float:
        return self.baseline.revenue

    @property
    def current_revenue(self) -> float:
        return self.current.revenue

    @property
    def change(self) -> float:
        return self.current_revenue - self.baseline_revenue

    @property
    def relative_change(self) -> float | None:
        return self.change / self.baseline_revenue if self.baseline_revenue else None

    @property
    def material(self) -> bool:
        """The change is beyond the revenue's own month-to-month variation (see ``tools.variation``)."""
        return self.variation is not None and self.variation.material

    @property
    def components(self) -> list[BridgeComponent]:
        """One component per driver (mix: per dimension): the waterfall; they and ``residual`` add
        up to ``change``. ``parts`` holds them per segment or lead source."""
        return self.by_driver()

    def by_driver(self) -> list[BridgeComponent]:
        """``parts`` summed per driver (and mix dimension), in ``BRIDGE_DRIVERS`` order."""
        totals: dict[tuple[str, str | None], float] = {}
        for c in self.parts:
            key = (c.driver, c.dimension if c.driver == "mix" else None)
            totals[key] = totals.get(key, 0.0) + c.amount
        order = {d: i for i, d in enumerate(BRIDGE_DRIVERS)}
        keys = sorted(totals, key=lambda k: (order[k[0]], k[1] or ""))
        return [BridgeComponent(d, totals[(d, dim)], dim) for d, dim in keys]

    def largest_driver(self) -> BridgeComponent | None:
        """The driver that moved revenue most in the direction it moved, localised where one value
        carries most of it (``None`` when revenue did not move)."""
        sign = math.copysign(1.0, self.change) if self.change else 0.0
        drivers = [d for d in self.by_driver() if d.amount * sign > 0]
        if not drivers:
            return None
        top = max(drivers, key=lambda d: d.amount * sign)
        return self.localise(top)

    def localise(self, driver: BridgeComponent) -> BridgeComponent:
        """``driver`` narrowed to the one dimension value carrying at least half of it, if any."""
        parts = [
            c
            for c in self.parts
            if c.driver == driver.driver and c.value is not None and (driver.driver != "mix" or c.dimension == driver.dimension)
        ]
        if not parts or not driver.amount:
            return driver
        best = max(parts, key=lambda c: c.amount / driver.amount)
        if best.amount / driver.amount < 0.5:
            return driver
        return BridgeComponent(driver.driver, driver.amount, best.dimension, best.value)

    def component(self, driver: str, dimension: str | None = None, value: str | None = None) -> float:
        """Sum of the parts of ``driver`` (optionally one dimension value)."""
        return sum(
            c.amount
            for c in self.parts
            if c.driver == driver
            and (dimension is None or c.dimension == dimension)
            and (value is None or c.value == value)
        )

    def to_dict(self) -> dict[str, Any]:
        """SPEC §9.1 ``revenue_bridge`` (plus ``parts``, ``largest_driver`` and the tests behind it);
        amounts rounded to cents, the residual takes the rounding."""
        components = [c.to_dict() for c in self.components if round(c.amount, 2) != 0.0]
        baseline, current = round(self.baseline_revenue, 2), round(self.current_revenue, 2)
        change = round(current - baseline, 2)
        residual = round(change - sum(c["amount"] for c in components), 2)
        return {
            "baseline": {"label": self.baseline.label, "revenue": baseline},
            "current": {"label": self.current.label, "revenue": current},
            "change": change,
            "relative_change": None if self.relative_change is None else round(self.relative_change, 4),
            "components": components,
            "residual": residual,
            "parts": [c.to_dict() for c in self.parts if round(c.amount, 2) != 0.0],
            "largest_driver": None if self.largest_driver() is None else self.largest_driver().to_dict(),  # type: ignore[union-attr]
            "method": self.method,
            "dimension": self.dimension,
            "lags_days": self.lags_days,
            "variation": None if self.variation is None else self.variation.to_dict(),
            "segment_mix_test": None if self.mix_test is None else self.mix_test.to_dict(),
        }


def revenue_bridge(ctx: AnalysisContext) -> RevenueBridge | None:
    """The revenue bridge of the diagnosis windows; ``None`` without windows, won dates or amounts."""
    wins = ctx.windows()
    if wins is None or not ctx.has_amounts or "won_date" not in ctx.frame:
        return None
    baseline, current = wins
    segments, seg_labels = segment_codes(ctx, SEGMENT_DIMENSION, MAX_SEGMENTS)
    sources, src_labels = segment_codes(ctx, SOURCE_DIMENSION, MAX_SOURCES)
    lags = stage_lags(ctx, segments, len(seg_labels), baseline)
    # the mix test prices segments at their yields over the baseline year when the history has it
    wide = ctx.rate_windows[0] if ctx.rate_windows is not None else baseline
    if wide.start - ONE_DAY * float(lags.max(initial=0.0)) < ctx.first_date.normalize():
        wide = baseline
    flows = DailyFlows(
        ctx, segments, len(seg_labels), sources, len(src_labels), min(baseline.start, wide.start), current, lags
    )
    chains = [[flows.chain(window, s) for window in (baseline, current)] for s in range(len(seg_labels))]
    # every deal won in a window is in exactly one segment's chain (wins are counted unshifted)
    r0 = math.fsum(float(pair[0].flows[5].sum()) for pair in chains)
    r1 = math.fsum(float(pair[1].flows[5].sum()) for pair in chains)
    seg_dim = SEGMENT_DIMENSION if seg_labels != ["all"] else None
    src_dim = SOURCE_DIMENSION if src_labels != ["all"] else None
    parts: list[BridgeComponent] = []
    for s, (c0, c1) in enumerate(chains):
        parts += _segment_components(c0, c1, seg_dim, seg_labels[s], src_dim, src_labels)
    parts = [c for c in parts if c.amount != 0.0]
    residual = (r1 - r0) - math.fsum(c.amount for c in parts)
    return RevenueBridge(
        baseline=RevenueWindow(baseline, r0),
        current=RevenueWindow(current, r1),
        parts=parts,
        residual=residual,
        dimension=seg_dim,
        lags_days={
            seg_labels[s]: {stage: float(lags[s][i]) for i, stage in enumerate(FLOW_STAGES)}
            for s in range(len(seg_labels))
        },
        variation=revenue_variation(ctx, r0, r1, int(min(flows_won(chains)))),
        mix_test=_segment_mix_test(chains, [flows.chain(wide, s) for s in range(len(seg_labels))]) if seg_dim else None,
    )


def flows_won(chains: list[list[Chain]]) -> tuple[float, float]:
    """Deals won in the baseline and current windows (all segments)."""
    return (
        float(sum(pair[0].flows[4].sum() for pair in chains)),
        float(sum(pair[1].flows[4].sum() for pair in chains)),
    )


def _segment_mix_test(chains: list[list[Chain]], yields: list[Chain]) -> Comparison:
    """The segment mix's effect on revenue per lead, with its test (see ``compare_value_mix``).

    Shares are the windows' own; each segment's revenue per lead comes from ``yields`` (the
    baseline year when the history has it: a quarter's few large deals make a noisy yield).
    """
    volume = np.array([[c.volume for c in pair] for pair in chains])
    leads = np.array([[c.flows[0].sum() for c in pair] for pair in chains])
    yield_leads = np.array([c.flows[0].sum() for c in yields])
    revenue = np.array([c.flows[5].sum() for c in yields])
    squares = np.array([c.amount_squares for c in yields])
    share = np.divide(leads, volume, out=np.zeros_like(leads), where=volume > 0)
    per_lead = np.divide(revenue, yield_leads, out=np.zeros_like(revenue), where=yield_leads > 0)
    per_lead_var = np.divide(squares, yield_leads**2, out=np.zeros_like(squares), where=yield_leads > 0)
    return compare_value_mix(share[:, 0], volume[:, 0], share[:, 1], volume[:, 1], per_lead, per_lead_var)


def _log_mean(a: float, b: float) -> float:
    """L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def _factors(chain: Chain) -> list[float]:
    """Volume, segment share, then the five ratios of the chain (NaN where a ratio is 0/0 or x/0)."""
    totals = chain.flows.sum(axis=1)
    out = [chain.volume, totals[0] / chain.volume if chain.volume else math.nan]
    for i in range(1, 6):
        out.append(totals[i] / totals[i - 1] if totals[i - 1] else math.nan)
    return out


_FACTOR_DRIVERS = ("lead_volume", "mix", *STEP_DRIVERS)


def _segment_components(
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
    weight = _log_mean(r1, r0)
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
    among sources by their linear shift-share terms.
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
    shifts = (w1 - w0) * revenue_yield
    spread = float(shifts.sum())
    if mix_total and spread:
        for i, label in enumerate(src_labels):
            if shifts[i]:
                out.append(BridgeComponent("mix", mix_total * float(shifts[i]) / spread, src_dim, label))
    elif mix_total:
        out.append(BridgeComponent("mix", mix_total, src_dim, None))
    return out
