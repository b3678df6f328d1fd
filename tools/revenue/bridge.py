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

Exact accounting is not evidence: each component carries the verdict of a test on the data behind
it (``tools.revenue.bridge_noise``), and the largest driver is the largest component beyond noise, if any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from tools.analysis_context import AnalysisContext
from tools.periods import ONE_DAY, Window
from tools.revenue.bridge_flows import (
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
from tools.revenue.bridge_noise import NOISE_ALPHA, NoiseVerdict, VerdictKey, noise_verdicts, segment_mix_test
from tools.revenue.bridge_split import BridgeComponent, segment_components
from tools.revenue.variation import RevenueVariation, revenue_variation
from tools.schema import BRIDGE_DRIVERS
from tools.stats import Comparison


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
    #: the test behind each component, by (driver, dimension, value); value None: the whole
    #: driver (mix: per dimension). See ``tools.revenue.bridge_noise``.
    noise: dict[VerdictKey, NoiseVerdict] = field(default_factory=dict)
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
        """The change is beyond the revenue's own month-to-month variation (see ``tools.revenue.variation``)."""
        return self.variation is not None and self.variation.material

    @property
    def components(self) -> list[BridgeComponent]:
        """One component per driver (mix: per dimension): the waterfall; they and ``residual`` add
        up to ``change``. ``parts`` holds them per segment or lead source."""
        return self.by_driver()

    def by_driver(self) -> list[BridgeComponent]:
        """``parts`` summed per driver (and mix dimension), in ``BRIDGE_DRIVERS`` order, each with
        its noise verdict: its own test, or that of the part carrying at least half of it when that
        part is beyond noise (a collapse confined to one segment is diluted in the pooled test)."""
        totals: dict[tuple[str, str | None], float] = {}
        for c in self.parts:
            key = (c.driver, c.dimension if c.driver == "mix" else None)
            totals[key] = totals.get(key, 0.0) + c.amount
        order = {d: i for i, d in enumerate(BRIDGE_DRIVERS)}
        out = []
        for d, dim in sorted(totals, key=lambda k: (order[k[0]], k[1] or "")):
            component = BridgeComponent(d, totals[(d, dim)], dim, noise=self.noise.get((d, dim, None)))
            best = None if component.beyond_noise or d == "mix" else self.dominant_part(component)
            if best is not None and best.noise is not None and best.beyond_noise:
                component = replace(component, noise=replace(best.noise, where=(best.dimension, best.value or "")))
            out.append(component)
        return out

    def verdict(self, part: BridgeComponent) -> NoiseVerdict | None:
        """The test behind one part: its segment's own for a step or deal size, its dimension's
        for mix, the whole driver's otherwise."""
        if part.driver == "mix":
            return self.noise.get(("mix", part.dimension, None))
        return self.noise.get((part.driver, part.dimension, part.value)) or self.noise.get((part.driver, None, None))

    def values(self, driver: BridgeComponent) -> list[BridgeComponent]:
        """``driver``'s parts summed per dimension value, each with its verdict."""
        by_value: dict[tuple[str | None, str], float] = {}
        for c in self.parts:
            if c.driver == driver.driver and c.value is not None and (driver.driver != "mix" or c.dimension == driver.dimension):
                by_value[(c.dimension, c.value)] = by_value.get((c.dimension, c.value), 0.0) + c.amount
        parts = [BridgeComponent(driver.driver, amount, dim, value) for (dim, value), amount in by_value.items()]
        return [replace(c, noise=self.verdict(c)) for c in parts]

    def dominant_part(self, driver: BridgeComponent) -> BridgeComponent | None:
        """The dimension value carrying at least half of ``driver`` (None if none does)."""
        parts = self.values(driver) if driver.amount else []
        best = max(parts, key=lambda c: c.amount / driver.amount, default=None)
        return best if best is not None and best.amount / driver.amount >= 0.5 else None

    def largest_driver(self) -> BridgeComponent | None:
        """The largest component beyond noise in the direction revenue moved, localised where one
        value carries most of it; ``None`` when revenue did not move or no component stands out
        from the noise of the data behind it (the change is within the usual variation)."""
        sign = math.copysign(1.0, self.change) if self.change else 0.0
        drivers = [d for d in self.by_driver() if d.amount * sign > 0 and d.beyond_noise]
        if not drivers:
            return None
        top = max(drivers, key=lambda d: d.amount * sign)
        return self.localise(top)

    def localise(self, driver: BridgeComponent) -> BridgeComponent:
        """``driver`` narrowed to the one dimension value carrying at least half of it, if any; a
        step or deal size only where it is confined there: that value's own part is beyond noise
        and no other value's is (a mix part shares its dimension's test)."""
        best = self.dominant_part(driver)
        if best is None or not best.beyond_noise:
            return driver
        if driver.driver != "mix" and any(c.beyond_noise for c in self.values(driver) if c.value != best.value):
            return driver
        return BridgeComponent(driver.driver, driver.amount, best.dimension, best.value, noise=best.noise)

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
        """SPEC §9.1 ``revenue_bridge`` (plus ``parts``, ``largest_driver``, each component's
        ``beyond_noise`` and ``noise_test``, and the tests behind them); amounts rounded to cents,
        the residual takes the rounding."""
        components = [c.to_dict() for c in self.components if round(c.amount, 2) != 0.0]
        top = self.largest_driver()
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
            "parts": [replace(c, noise=self.verdict(c)).to_dict() for c in self.parts if round(c.amount, 2) != 0.0],
            "largest_driver": None if top is None else top.to_dict(),
            "material": self.material,
            "noise_alpha": NOISE_ALPHA,
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
        parts += segment_components(c0, c1, seg_dim, seg_labels[s], src_dim, src_labels)
    parts = [c for c in parts if c.amount != 0.0]
    residual = (r1 - r0) - math.fsum(c.amount for c in parts)
    yields = [flows.chain(wide, s) for s in range(len(seg_labels))]
    mix_test = segment_mix_test(chains, yields) if seg_dim else None
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
        mix_test=mix_test,
        noise=noise_verdicts(ctx, chains, yields, (seg_dim, seg_labels), src_dim, mix_test),
    )


def flows_won(chains: list[list[Chain]]) -> tuple[float, float]:
    """Deals won in the baseline and current windows (all segments)."""
    return (
        float(sum(pair[0].flows[4].sum() for pair in chains)),
        float(sum(pair[1].flows[4].sum() for pair in chains)),
    )
