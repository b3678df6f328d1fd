"""Is a revenue-bridge component beyond noise? Each one is tested on the data behind it.

The bridge (``tools.revenue.bridge``) is exact accounting: every factor that moved gets its amount, chance
included. A factor measured on a handful of deals moves a lot by chance, and LMDI gives it the
whole weight of its segment's revenue: on the demo, Enterprise won 8 deals in the baseline window
and 6 in the current one, and that ratio alone carries −¥63.6M, offset by +¥61.8M of lead volume.
So each component carries the verdict of a test on its own data, with the tests ``tools.stats``
already has:

* a **conversion step**: the step's rate, baseline vs current, on the chain's flows (records
  entering the stage, then the next). Within a segment it is the two-proportion test,
  standardised over lead sources at today's composition (``compare_standardised_rates``; with
  one source it is the plain pooled two-proportion test): once the bridge has taken the source
  mix out, the step's term is like for like, so its test is too. The whole component combines the
  segments at their revenue weights (the LMDI weights): eight Enterprise deals weigh as much as
  Enterprise revenue does, with no more precision than eight deals give.
* **deal size**: the like-for-like log-amount test (``stratified_log_test``), deals won in the
  current window against the baseline year: the engine's own deal-size test (``ctx.deal_size``);
  within a segment, stratified by lead source.
* **mix**: the shift-share value tests (``compare_value_mix``): the segment mix's own test
  (``RevenueBridge.mix_test``), and the same over lead sources (shares of the leads behind the
  revenue, priced at each source's revenue per lead over the baseline year; a source new in the
  current window at its own, as the bridge prices it).
* **lead volume**: the count test (``compare_counts``) on the leads behind the revenue (each
  segment's lagged lead window, averaged at the segments' revenue weights).

A part (one segment) has its own test; the mix parts share their dimension's. A driver is beyond
noise on its own test or on that of the one part carrying at least half of it
(``RevenueBridge.by_driver``): a collapse confined to one segment is diluted in the pooled test. A
verdict is **beyond noise** when its test moved the same way as the component and is significant
family-wise: Bonferroni at ``NOISE_ALPHA`` over the tests a claim can rest on (each driver's own,
and one part's per driver that has parts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tools.analysis_context import AnalysisContext
from tools.revenue.bridge_flows import Chain, log_mean
from tools.schema import TRANSITIONS
from tools.stats import (
    Comparison,
    compare_counts,
    compare_standardised_rates,
    compare_value_mix,
    stratified_log_test,
)

#: Family-wise error rate of "beyond noise" over the bridge's components.
NOISE_ALPHA = 0.05
#: (driver, dimension, value): value None is a whole driver (mix: per dimension).
VerdictKey = tuple[str, "str | None", "str | None"]


@dataclass(frozen=True)
class NoiseVerdict:
    """The test behind one bridge component and whether the component is beyond noise."""

    test: str
    p_value: float  # the test's own, two-sided
    change: float  # the tested change, current vs baseline (only its sign is read)
    n_baseline: int
    n_current: int
    family: int = 1  # comparisons it is judged among (Bonferroni)
    #: the (dimension, value) tested when a driver is judged on its dominant part
    where: tuple[str | None, str] | None = None

    @property
    def adjusted_p(self) -> float:
        return min(1.0, self.p_value * self.family)

    def beyond_noise(self, amount: float) -> bool:
        """Significant family-wise, and the tested change moved revenue the way ``amount`` does."""
        return self.adjusted_p < NOISE_ALPHA and self.change * amount > 0

    @classmethod
    def of(cls, comparison: Comparison | None, change: float | None = None) -> NoiseVerdict | None:
        """The verdict of a ``Comparison`` (None when it compared nothing)."""
        if comparison is None or comparison.baseline is None or comparison.current is None:
            return None
        moved = comparison.current - comparison.baseline if change is None else change
        return cls(comparison.test, comparison.p_value, moved, comparison.n_baseline, comparison.n_current)

    def to_dict(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "p_value": round(self.p_value, 6),
            "p_value_adjusted": round(self.adjusted_p, 6),
            "family": self.family,
            "n_baseline": self.n_baseline,
            "n_current": self.n_current,
            "tested_on": None if self.where is None else {"dimension": self.where[0], "value": self.where[1]},
        }


def noise_verdicts(
    ctx: AnalysisContext,
    chains: Sequence[Sequence[Chain]],
    yields: Sequence[Chain],
    segment: tuple[str | None, list[str]],
    source_dimension: str | None,
    mix_test: Comparison | None,
) -> dict[VerdictKey, NoiseVerdict]:
    """Every component's verdict (see the module docstring), families set.

    ``chains`` are each segment's (baseline, current) chains, ``yields`` each segment's chain over
    the baseline year, ``segment`` the chain's segment dimension (None: one chain) and its values.
    """
    seg_dim, labels = segment
    weights = np.array([_revenue_weight(float(c0.flows[5].sum()), float(c1.flows[5].sum())) for c0, c1 in chains])
    drivers: dict[VerdictKey, NoiseVerdict | None] = {("lead_volume", None, None): _volume(chains, weights)}
    parts: dict[VerdictKey, NoiseVerdict | None] = {}
    for k, transition in enumerate(TRANSITIONS):
        drivers[(transition, None, None)] = _step(chains, weights, k)
        if seg_dim is not None:
            for s, label in enumerate(labels):
                parts[(transition, seg_dim, label)] = _step(chains[s : s + 1], weights[s : s + 1], k)
    drivers[("deal_size", None, None)] = _deal_size(ctx)
    if seg_dim is not None:
        parts.update(_segment_deal_sizes(ctx, seg_dim, source_dimension))
        drivers[("mix", seg_dim, None)] = NoiseVerdict.of(mix_test)
    if source_dimension is not None:
        drivers[("mix", source_dimension, None)] = NoiseVerdict.of(_source_mix_test(chains, yields))
    tested = {key: v for key, v in {**drivers, **parts}.items() if v is not None}
    # a claim rests on a driver's own test or on one part's (the one carrying most of it)
    family = sum(key[2] is None for key in tested) + len({key[0] for key in tested if key[2] is not None})
    return {key: replace(v, family=family) for key, v in tested.items()}


def _revenue_weight(r0: float, r1: float) -> float:
    """A segment's LMDI weight ``L(r1, r0)``; the mean where one side has no revenue."""
    return log_mean(r1, r0) if r0 > 0 and r1 > 0 else max(r0 + r1, 0.0) / 2.0


def _volume(chains: Sequence[Sequence[Chain]], weights: np.ndarray) -> NoiseVerdict | None:
    """New leads behind each window's revenue (segments' lagged windows at their revenue weights)."""
    if weights.sum() <= 0:
        return None
    share = weights / weights.sum()
    v0 = float(sum(w * pair[0].volume for w, pair in zip(share, chains, strict=True)))
    v1 = float(sum(w * pair[1].volume for w, pair in zip(share, chains, strict=True)))
    return NoiseVerdict.of(compare_counts(round(v0), round(v1)))


def _step(chains: Sequence[Sequence[Chain]], weights: np.ndarray, k: int) -> NoiseVerdict | None:
    """Conversion step ``k`` (flow k → k+1), standardised over segments × sources.

    A cell's weight is its segment's revenue weight times its share of the segment's current
    entrants. The flows are windowed, not cohorts, so a cell can count more exits than entries;
    the exits are capped at the entries to keep each rate a proportion.
    """
    x0: list[np.ndarray] = []
    n0: list[np.ndarray] = []
    x1: list[np.ndarray] = []
    n1: list[np.ndarray] = []
    w: list[np.ndarray] = []
    for weight, (c0, c1) in zip(weights, chains, strict=True):
        entered = c1.flows[k]
        x0.append(np.minimum(c0.flows[k + 1], c0.flows[k]))
        n0.append(c0.flows[k])
        x1.append(np.minimum(c1.flows[k + 1], entered))
        n1.append(entered)
        total = float(entered.sum())
        w.append(weight * entered / total if total > 0 else np.zeros_like(entered))
    cells = [np.concatenate(c) for c in (x0, n0, x1, n1, w)]
    return NoiseVerdict.of(compare_standardised_rates(*cells))


def _deal_size(ctx: AnalysisContext) -> NoiseVerdict | None:
    """The engine's like-for-like deal-size test (``AnalysisContext.deal_size``)."""
    test = ctx.deal_size()
    if test is None or test.test != "stratified log-amount z" or ctx.deal_size_adjusted_ratio is None:
        return None
    return NoiseVerdict.of(test, ctx.deal_size_adjusted_ratio - 1.0)


def _segment_deal_sizes(ctx: AnalysisContext, dimension: str, source: str | None) -> dict[VerdictKey, NoiseVerdict]:
    """Log won amounts of each segment, current window against the baseline year, by lead source
    (``stratified_log_test`` on the deals won in those windows only)."""
    masks = ctx.won_in_rate_windows
    if masks is None or not ctx.has_amounts:
        return {}
    rows = np.flatnonzero(masks[0] | masks[1])
    amount = ctx.arrays.amount()[rows]
    base, cur, positive = masks[0][rows], masks[1][rows], amount > 0  # NaN compares False
    strata = ctx.frame[source].iloc[rows].to_frame() if source else ctx.frame.iloc[rows, :0]
    codes, labels = ctx.dimension_codes(dimension)
    codes = codes[rows]
    out: dict[VerdictKey, NoiseVerdict] = {}
    for code, label in enumerate(labels):
        mine = codes == code
        result = stratified_log_test(amount, strata, [source] if source else [], base & mine, cur & mine)
        if result is not None:
            n0, n1 = int((base & mine & positive).sum()), int((cur & mine & positive).sum())
            out[("deal_size", dimension, label)] = NoiseVerdict("stratified log-amount z", result[0], result[1] - 1.0, n0, n1)
    return out


def segment_mix_test(chains: Sequence[Sequence[Chain]], yields: Sequence[Chain]) -> Comparison:
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


def _source_mix_test(chains: Sequence[Sequence[Chain]], yields: Sequence[Chain]) -> Comparison:
    """Lead-source shares of the leads behind each window's revenue, priced at each source's
    revenue per lead over the baseline year (``compare_value_mix``)."""
    leads0 = sum(pair[0].flows[0] for pair in chains)
    leads1 = sum(pair[1].flows[0] for pair in chains)
    total0, total1 = float(np.sum(leads0)), float(np.sum(leads1))
    if total0 <= 0 or total1 <= 0:
        return Comparison(None, None, int(total0), int(total1), 1.0, "shift-share value mix z")
    past_leads = sum(c.flows[0] for c in yields)
    past_revenue = sum(c.flows[5] for c in yields)
    past_squares = sum(c.squares for c in yields)
    now_revenue = sum(pair[1].flows[5] for pair in chains)
    now_squares = sum(pair[1].squares for pair in chains)
    # a source new since the baseline year is priced at its own revenue per lead (pure mix)
    leads = np.where(past_leads > 0, past_leads, leads1)
    revenue = np.where(past_leads > 0, past_revenue, now_revenue)
    squares = np.where(past_leads > 0, past_squares, now_squares)
    per_lead = np.divide(revenue, leads, out=np.zeros_like(revenue, dtype="float64"), where=leads > 0)
    per_lead_var = np.divide(squares, leads**2, out=np.zeros_like(squares, dtype="float64"), where=leads > 0)
    sources = len(per_lead)
    return compare_value_mix(
        leads0 / total0, np.full(sources, total0), leads1 / total1, np.full(sources, total1), per_lead, per_lead_var
    )
