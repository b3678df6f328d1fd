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
from tools.columns import DAY_NS, NAT, elapsed
from tools.periods import ONE_DAY, Window
from tools.schema import BRIDGE_DRIVERS, CREATED_COLUMN, TRANSITIONS
from tools.stats import Comparison, compare_value_mix
from tools.variation import RevenueVariation, revenue_variation

#: Segmenting dimension of the chain and the mix dimension inside it.
SEGMENT_DIMENSION = "segment"
SOURCE_DIMENSION = "lead_source"
#: More values than this and the dimension is not used (a free-text column, not a segment).
MAX_SEGMENTS = 12
MAX_SOURCES = 30
#: A segment's lags are its own when it has at least this many won deals with dates.
MIN_WON_FOR_LAGS = 10
#: The upstream flows, in chain order, and the driver of the ratio ending at each.
FLOW_STAGES = ("lead", "mql", "sql", "opportunity")
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


@dataclass
class RevenueBridge:
    """Won revenue, baseline vs current window, split into drivers (see the module docstring)."""

    baseline: Window
    current: Window
    baseline_revenue: float
    current_revenue: float
    components: list[BridgeComponent]
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
    def change(self) -> float:
        return self.current_revenue - self.baseline_revenue

    @property
    def relative_change(self) -> float | None:
        return self.change / self.baseline_revenue if self.baseline_revenue else None

    @property
    def material(self) -> bool:
        """The change is beyond the revenue's own month-to-month variation (see ``tools.variation``)."""
        return self.variation is not None and self.variation.material

    def by_driver(self) -> list[BridgeComponent]:
        """Components summed per driver (and mix dimension), in ``BRIDGE_DRIVERS`` order: the waterfall."""
        totals: dict[tuple[str, str | None], float] = {}
        for c in self.components:
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
            for c in self.components
            if c.driver == driver.driver and c.value is not None and (driver.driver != "mix" or c.dimension == driver.dimension)
        ]
        if not parts or not driver.amount:
            return driver
        best = max(parts, key=lambda c: c.amount / driver.amount)
        if best.amount / driver.amount < 0.5:
            return driver
        return BridgeComponent(driver.driver, driver.amount, best.dimension, best.value)

    def component(self, driver: str, dimension: str | None = None, value: str | None = None) -> float:
        """Sum of the components of ``driver`` (optionally one dimension value)."""
        return sum(
            c.amount
            for c in self.components
            if c.driver == driver
            and (dimension is None or c.dimension == dimension)
            and (value is None or c.value == value)
        )

    def to_dict(self) -> dict[str, Any]:
        """SPEC §9.1 ``revenue_bridge``; amounts rounded to cents, the residual takes the rounding."""
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
            "drivers": [c.to_dict() for c in self.by_driver()],
            "largest_driver": None if self.largest_driver() is None else self.largest_driver().to_dict(),  # type: ignore[union-attr]
            "method": self.method,
            "dimension": self.dimension,
            "lags_days": self.lags_days,
            "variation": None if self.variation is None else self.variation.to_dict(),
            "segment_mix_test": None if self.mix_test is None else self.mix_test.to_dict(),
        }


@dataclass
class _Chain:
    """Flows of one segment in one window side, by lead source: rows follow the source codes."""

    volume: float  # all new leads in this segment's lead window
    flows: np.ndarray  # shape (6, sources): leads, MQL, SQL, opportunity, won, won amount
    amount_squares: float  # sum of squared won amounts (the variance of revenue per lead)


def revenue_bridge(ctx: AnalysisContext) -> RevenueBridge | None:
    """The revenue bridge of the diagnosis windows; ``None`` without windows, won dates or amounts."""
    wins = ctx.windows()
    if wins is None or not ctx.has_amounts or "won_date" not in ctx.frame:
        return None
    baseline, current = wins
    segments, seg_labels = _codes(ctx, SEGMENT_DIMENSION, MAX_SEGMENTS)
    sources, src_labels = _codes(ctx, SOURCE_DIMENSION, MAX_SOURCES)
    lags = _lags(ctx, segments, len(seg_labels), baseline)
    flows = _DailyFlows(ctx, segments, len(seg_labels), sources, len(src_labels), baseline, current, lags)
    chains = [[flows.chain(window, s) for window in (baseline, current)] for s in range(len(seg_labels))]
    won, won_at, amount = ctx.arrays.reached("won"), ctx.arrays.dates("won_date"), ctx.arrays.amount_or_zero()
    r0 = float(amount[won & baseline.mask(won_at)].sum())
    r1 = float(amount[won & current.mask(won_at)].sum())
    seg_dim = SEGMENT_DIMENSION if seg_labels != ["all"] else None
    src_dim = SOURCE_DIMENSION if src_labels != ["all"] else None
    components: list[BridgeComponent] = []
    for s, (c0, c1) in enumerate(chains):
        components += _segment_components(c0, c1, seg_dim, seg_labels[s], src_dim, src_labels)
    components = [c for c in components if c.amount != 0.0]
    residual = (r1 - r0) - math.fsum(c.amount for c in components)
    return RevenueBridge(
        baseline=baseline,
        current=current,
        baseline_revenue=r0,
        current_revenue=r1,
        components=components,
        residual=residual,
        dimension=seg_dim,
        lags_days={
            seg_labels[s]: {stage: float(lags[s][i]) for i, stage in enumerate(FLOW_STAGES)}
            for s in range(len(seg_labels))
        },
        variation=revenue_variation(ctx, r0, r1),
        mix_test=_segment_mix_test(chains) if seg_dim else None,
    )


def _segment_mix_test(chains: list[list[_Chain]]) -> Comparison:
    """The segment mix's effect on revenue per lead, with its test (see ``compare_value_mix``)."""
    volume = np.array([[c.volume for c in pair] for pair in chains])
    leads = np.array([[c.flows[0].sum() for c in pair] for pair in chains])
    revenue0 = np.array([pair[0].flows[5].sum() for pair in chains])
    squares0 = np.array([pair[0].amount_squares for pair in chains])
    share = np.divide(leads, volume, out=np.zeros_like(leads), where=volume > 0)
    per_lead = np.divide(revenue0, leads[:, 0], out=np.zeros_like(revenue0), where=leads[:, 0] > 0)
    per_lead_var = np.divide(squares0, leads[:, 0] ** 2, out=np.zeros_like(squares0), where=leads[:, 0] > 0)
    return compare_value_mix(share[:, 0], volume[:, 0], share[:, 1], volume[:, 1], per_lead, per_lead_var)


def _codes(ctx: AnalysisContext, dimension: str, limit: int) -> tuple[np.ndarray, list[str]]:
    """Factorised ``dimension`` or one code ``all`` when it is absent or has too many values."""
    if dimension in ctx.data.dimensions:
        codes, labels = ctx.dimension_codes(dimension)
        if 1 <= len(labels) <= limit:
            return codes, labels
    return np.zeros(len(ctx.frame), dtype=np.int64), ["all"]


def _lags(ctx: AnalysisContext, segments: np.ndarray, k: int, baseline: Window) -> np.ndarray:
    """Median whole days from each flow stage to a win, per segment (shape k × 4).

    A segment with few dated wins uses the overall medians; no lag reaches back before the data
    starts, so every shifted baseline window lies inside the history.
    """
    arrays = ctx.arrays
    rows = np.flatnonzero(arrays.reached("won"))
    won_at = arrays.dates("won_date")[rows]
    seg = segments[rows]
    longest = max(math.floor((baseline.start - ctx.first_date.normalize()) / ONE_DAY), 0)
    out = np.zeros((k, len(FLOW_STAGES)))
    for i, stage in enumerate(FLOW_STAGES):
        entered = arrays.dates(CREATED_COLUMN)[rows] if stage == "lead" else arrays.stage(stage)[rows]
        days = elapsed(entered, won_at)
        ok = days >= 0  # NaN compares False
        overall = float(np.median(days[ok])) if ok.any() else 0.0
        for s in range(k):
            mine = ok & (seg == s)
            value = float(np.median(days[mine])) if np.count_nonzero(mine) >= MIN_WON_FOR_LAGS else overall
            out[s, i] = min(round(value), longest)
    return out


class _DailyFlows:
    """Daily counts of each flow per (segment, source), so any shifted window is two lookups.

    One pass over the records per flow: every window is whole days (month starts shifted by
    whole days), so a window's count is a difference of cumulative daily counts.
    """

    def __init__(
        self,
        ctx: AnalysisContext,
        segments: np.ndarray,
        n_segments: int,
        sources: np.ndarray,
        n_sources: int,
        baseline: Window,
        current: Window,
        lags: np.ndarray,
    ) -> None:
        arrays = ctx.arrays
        self.n_sources = n_sources
        self.lags = lags
        self.origin = baseline.start - ONE_DAY * float(lags.max(initial=0.0))
        self.days = int((current.end - self.origin) / ONE_DAY)
        key = segments * n_sources + sources
        n_keys = n_segments * n_sources
        created = arrays.dates(CREATED_COLUMN)
        self.volume = self._cumulative(created, None, np.zeros(len(key), dtype=np.int64), 1)
        self.flows = []
        for stage in FLOW_STAGES:
            dates = created if stage == "lead" else arrays.stage(stage)
            reached = None if stage == "lead" else arrays.reached(stage)
            self.flows.append(self._cumulative(dates, reached, key, n_keys))
        won, won_at = arrays.reached("won"), arrays.dates("won_date")
        self.flows.append(self._cumulative(won_at, won, key, n_keys))
        self.flows.append(self._cumulative(won_at, won, key, n_keys, arrays.amount_or_zero()))
        self.squares = self._cumulative(won_at, won, segments, n_segments, arrays.amount_or_zero() ** 2)

    def _cumulative(
        self,
        dates: np.ndarray,
        keep: np.ndarray | None,
        key: np.ndarray,
        n_keys: int,
        weights: np.ndarray | None = None,
    ) -> np.ndarray:
        """Cumulative daily totals per key, shape (n_keys, days + 1)."""
        known = dates != NAT
        day = np.where(known, dates, self.origin.value) - self.origin.value
        day //= DAY_NS
        inside = known & (day >= 0) & (day < self.days)
        if keep is not None:
            inside &= keep
        index = key[inside] * self.days + day[inside]
        w = None if weights is None else weights[inside]
        daily = np.bincount(index, weights=w, minlength=n_keys * self.days).reshape(n_keys, self.days)
        return np.concatenate([np.zeros((n_keys, 1)), np.cumsum(daily, axis=1)], axis=1)

    def _count(self, cumulative: np.ndarray, window: Window, lag: float) -> np.ndarray:
        start = int((window.start - self.origin) / ONE_DAY) - int(lag)
        end = start + window.days
        return cumulative[:, end] - cumulative[:, start]

    def chain(self, window: Window, s: int) -> _Chain:
        """Segment ``s``'s flows behind ``window``'s revenue, by source."""
        rows = slice(s * self.n_sources, (s + 1) * self.n_sources)
        flows = np.zeros((6, self.n_sources))
        for i, cumulative in enumerate(self.flows):
            lag = self.lags[s, i] if i < len(FLOW_STAGES) else 0.0
            flows[i] = self._count(cumulative[rows], window, lag)
        volume = float(self._count(self.volume, window, self.lags[s, 0])[0])
        return _Chain(volume, flows, float(self._count(self.squares[s : s + 1], window, 0.0)[0]))


def _log_mean(a: float, b: float) -> float:
    """L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def _factors(chain: _Chain) -> list[float]:
    """Volume, segment share, then the five ratios of the chain (NaN where a ratio is 0/0 or x/0)."""
    totals = chain.flows.sum(axis=1)
    out = [chain.volume, totals[0] / chain.volume if chain.volume else math.nan]
    for i in range(1, 6):
        out.append(totals[i] / totals[i - 1] if totals[i - 1] else math.nan)
    return out


_FACTOR_DRIVERS = ("lead_volume", "mix", *STEP_DRIVERS)


def _segment_components(
    c0: _Chain,
    c1: _Chain,
    seg_dim: str | None,
    segment: str,
    src_dim: str | None,
    src_labels: list[str],
) -> list[BridgeComponent]:
    """LMDI terms of one segment's chain (see the module docstring for zeros and the residual)."""
    r0, r1 = float(c0.flows[5].sum()), float(c1.flows[5].sum())
    if r0 == r1:
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
    c0: _Chain,
    c1: _Chain,
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
