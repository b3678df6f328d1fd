"""The bottleneck: which single lever costs the most revenue, and what-if on any lever.

Revenue model (per period)::

    new revenue = leads × lead_to_mql × mql_to_sql × sql_to_opportunity × win rate × deal size
    landed      = new revenue × (1 − extra cycle days / period days)   # slower deals slip out
    net         = landed − churn rate × active customer amount

Each lever is measured current vs baseline (mature cohorts, see ``tools.cohorts``) with a test.
*Sensitivity*: what restoring the lever to its baseline would be worth per period at today's
levels. *Decomposition*: the log-mean (LMDI) split of the modelled revenue change across the
multiplicative levers. The bottleneck is the significant, material deterioration with the largest
restore value; ``None`` when nothing significant holds revenue back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tools.analysis_context import AnalysisContext
from tools.schema import LEVERS, TRANSITIONS
from tools.stats import ALPHA, MIN_N, Comparison
from tools.wording import dimension_label, segment_label, transition_label

#: Smallest relative deterioration worth calling a bottleneck, per lever kind.
MATERIAL_CHANGE = {
    "lead_volume": 0.10,
    "conversion": 0.10,
    "deal_size": 0.10,
    "cycle_time": 0.15,
    "retention": 0.25,
}
MULTIPLICATIVE = ("lead_volume", *TRANSITIONS, "deal_size")
#: Smallest restore value (share of modelled revenue per period) for a segment-localised drop.
MATERIAL_REVENUE = 0.05


@dataclass
class LeverChange:
    """One lever, current vs baseline, and what it is worth."""

    lever: str
    baseline: float | None
    current: float | None
    comparison: Comparison | None
    significant: bool
    revenue_impact: float  # revenue per period restoring the lever to baseline would add (<0: it improved)
    contribution: float | None = None  # LMDI share of the modelled revenue change
    segment: tuple[str, str] | None = None  # set when the deterioration is confined to one segment
    adjusted_ratio: float | None = None  # deal size: current / baseline like for like (same segment mix)
    mix_driver: tuple[str, str] | None = None  # set when the fall is the mix moving towards this slice
    #: a lever significant on its own whose fall a mix finding explains (the other slices held their rate):
    #: restoring it means replacing that slice's leads, so its figure is an upper bound, not a recovery
    mix_explained: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lever": self.lever,
            "baseline": round_or_none(self.baseline),
            "current": round_or_none(self.current),
            "significant": self.significant,
            "revenue_impact": round_or_none(self.revenue_impact, 2),
            "contribution": round_or_none(self.contribution, 2),
            "test": self.comparison.to_dict() if self.comparison else None,
            "segment": {"dimension": self.segment[0], "value": self.segment[1]} if self.segment else None,
            "adjusted_ratio": round_or_none(self.adjusted_ratio),
            "mix_driver": {"dimension": self.mix_driver[0], "value": self.mix_driver[1]} if self.mix_driver else None,
        }


@dataclass
class Bottleneck:
    """The lever holding revenue back the most (or none)."""

    lever: str | None
    revenue_impact: float | None
    explanation: str
    levers: list[LeverChange] = field(default_factory=list)
    reference_revenue: float | None = None
    chosen: LeverChange | None = None
    #: the Japanese explanation when it is not ``explain(chosen, "ja")`` (set by the revenue view)
    explanation_ja: str | None = None

    def explanation_in(self, lang: str) -> str:
        """The explanation in ``lang`` (en or ja); ``""`` when there is none in Japanese."""
        if lang == "en":
            return self.explanation
        if self.explanation_ja is not None:
            return self.explanation_ja
        return explain(self.chosen, lang) if self.chosen is not None else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "lever": self.lever,
            "revenue_impact": round_or_none(self.revenue_impact, 2),
            "explanation": self.explanation,
            "reference_revenue": round_or_none(self.reference_revenue, 2),
            "levers": [lc.to_dict() for lc in self.levers],
        }


def round_or_none(value: float | None, digits: int = 4) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(float(value), digits)


def _material(
    kind: str, comp: Comparison | None, worse_when_higher: bool = False, relative_change: float | None = None
) -> bool:
    """Significant (Bonferroni over the levers) and at least ``MATERIAL_CHANGE``.

    ``relative_change`` overrides the comparison's own change when the test is about another
    estimate of it (deal size: the like-for-like ratio).
    """
    # every lever is searched, so each one is tested at ALPHA / number of levers (Bonferroni)
    rel = comp.relative_change if comp is not None and relative_change is None else relative_change
    if comp is None or rel is None or not comp.significant(ALPHA / len(LEVERS)):
        return False
    change = rel if worse_when_higher else -rel
    return change >= MATERIAL_CHANGE[kind]


def lever_changes(ctx: AnalysisContext) -> tuple[list[LeverChange], float | None]:
    """Measure every lever; return them with the reference (modelled current) revenue per period."""
    measures: dict[str, Comparison | None] = {"lead_volume": ctx.stage_volume("lead")}
    for t in TRANSITIONS:
        measures[t] = ctx.conversion(t)
    measures["deal_size"] = ctx.deal_size()
    reference = _model_revenue(measures, current=True)
    if reference is None:
        revenue = ctx.won_revenue()
        reference = revenue[1] if revenue else None
    changes: list[LeverChange] = []
    for lever in MULTIPLICATIVE:
        comp = measures[lever]
        kind = "conversion" if lever in TRANSITIONS else lever
        ratio = _ratio(comp)
        adjusted = ctx.deal_size_adjusted_ratio if lever == "deal_size" else None
        if adjusted:
            # deal size is tested like for like (within segments; see AnalysisContext.deal_size):
            # judge and size it on that ratio, not on the plain average that swings with the mix
            ratio = adjusted
        impact = reference * (1.0 / ratio - 1.0) if reference and ratio else 0.0
        significant = _material(kind, comp, relative_change=None if adjusted is None else adjusted - 1.0)
        change = LeverChange(lever, _base(comp), _cur(comp), comp, significant, impact)
        change.adjusted_ratio = adjusted
        changes.append(change)
    changes.append(_cycle_change(ctx, reference))
    changes.append(_retention_change(ctx))
    _decompose(changes, reference)
    return changes, reference


def _base(comp: Comparison | None) -> float | None:
    return None if comp is None else comp.baseline


def _cur(comp: Comparison | None) -> float | None:
    return None if comp is None else comp.current


def _ratio(comp: Comparison | None) -> float | None:
    if comp is None or not comp.baseline or not comp.current:
        return None
    return comp.current / comp.baseline


def _model_revenue(measures: dict[str, Comparison | None], *, current: bool) -> float | None:
    value = 1.0
    for lever in MULTIPLICATIVE:
        comp = measures[lever]
        part = _cur(comp) if current else _base(comp)
        if part is None:
            return None
        value *= part
    return value


def _cycle_change(ctx: AnalysisContext, reference: float | None) -> LeverChange:
    cycle = ctx.cycle()
    if cycle is None:
        return LeverChange("cycle_time", None, None, None, False, 0.0)
    comp, med0, med1, _ = cycle
    # revenue that slips out of a period while deals take longer (a delay, but a period's loss)
    slipped = min(max((med1 - med0) / ctx.period_days, -1.0), 1.0)
    impact = (reference or 0.0) * slipped
    significant = _material("cycle_time", comp) and med1 > med0
    return LeverChange("cycle_time", med0, med1, comp, significant, impact)


def _retention_change(ctx: AnalysisContext) -> LeverChange:
    churn = ctx.churn()
    if churn is None:
        return LeverChange("retention", None, None, None, False, 0.0)
    comp, active_amount = churn
    if comp.baseline is None or comp.current is None:
        return LeverChange("retention", None, None, comp, False, 0.0)
    impact = (comp.current - comp.baseline) * active_amount
    significant = _material("retention", comp, worse_when_higher=True)
    return LeverChange("retention", 1 - comp.baseline, 1 - comp.current, comp, significant, impact)


def _decompose(changes: list[LeverChange], reference: float | None) -> None:
    """LMDI contributions of the multiplicative levers; additive levers contribute −impact."""
    ratios = {lc.lever: _ratio(lc.comparison) for lc in changes if lc.lever in MULTIPLICATIVE}
    if reference and all(r for r in ratios.values()):
        r1 = reference
        r0 = reference / math.prod(r for r in ratios.values() if r)
        weight = (r1 - r0) / math.log(r1 / r0) if r1 != r0 else r1
        for lc in changes:
            ratio = ratios.get(lc.lever)
            if ratio:
                lc.contribution = weight * math.log(ratio)
    for lc in changes:
        if lc.lever in ("cycle_time", "retention"):
            lc.contribution = -lc.revenue_impact


def find_bottleneck(ctx: AnalysisContext, findings: list[Any] | None = None) -> Bottleneck:
    """The significant lever whose restoration is worth the most revenue (or ``None``)."""
    if not ctx.comparable:
        return Bottleneck(None, None, "Not enough history to compare a current and a baseline period.")
    changes, reference = lever_changes(ctx)
    _add_localised(ctx, changes, findings or [], reference)
    _add_mix(changes, findings or [], reference)
    candidates = [lc for lc in changes if lc.significant and lc.revenue_impact > 0]
    if not candidates:
        return Bottleneck(
            None,
            None,
            "No lever deteriorated significantly between the baseline and current windows; "
            "nothing stands out as holding revenue back.",
            changes,
            reference,
        )
    best = max(candidates, key=lambda lc: lc.revenue_impact)
    return Bottleneck(best.lever, best.revenue_impact, explain(best), changes, reference, best)


def _add_localised(
    ctx: AnalysisContext, changes: list[LeverChange], findings: list[Any], reference: float | None
) -> None:
    """Let a conversion drop confined to one segment count for its lever, sized by that segment.

    A segment's drop can be real and costly while the overall rate barely moves (an enterprise
    win-rate fall hidden by SMB volume); its restore value is the segment's share of revenue.
    It takes the evidence a RevOps lead would ask for before naming it the bottleneck:

    * significant after a Bonferroni correction over the whole search: every lever plus every
      segment cell of every transition (the finding's ``bonferroni_tests`` cells per transition),
      at the family-wise ``ALPHA``, so a healthy funnel names a false lever at most ``ALPHA`` of
      the time however many segments it has;
    * material in revenue terms: restoring the segment is worth at least ``MATERIAL_REVENUE`` of
      the modelled revenue per period (a noise-sized dip in a small source is not a bottleneck);
    * at least ``MIN_N`` observations in each window (never a handful of deals).

    The finding's own severity is not the bar: "medium" is family-wise over every detector of
    the diagnosis (``tools.findings.detect.PRIMARY_TESTS``), a different family from this search.
    """
    if not reference:
        return
    by_lever = {lc.lever: lc for lc in changes}
    for f in findings:
        if (
            f.code != "conversion_drop"
            or f.segment is None
            or f.transition not in by_lever
        ):
            continue
        seg = f.evidence.get("segment", {})
        p0, p1, p_value = seg.get("baseline"), seg.get("current"), seg.get("p_value")
        if not p0 or not p1 or p_value is None or min(seg.get("n_baseline", 0), seg.get("n_current", 0)) < MIN_N:
            continue
        family = len(LEVERS) + int(f.evidence.get("bonferroni_tests", 1)) * len(TRANSITIONS)
        if p_value * family >= ALPHA:
            continue
        share = ctx.revenue_share(f.segment[0], f.segment[1])
        impact = reference * share * (p0 / p1 - 1.0)
        if impact < MATERIAL_REVENUE * reference:
            continue
        lever = by_lever[f.transition]
        if not lever.significant or impact > lever.revenue_impact:
            lever.significant = True
            lever.revenue_impact = impact
            lever.baseline, lever.current = p0, p1
            lever.segment = f.segment


def _add_mix(changes: list[LeverChange], findings: list[Any], reference: float | None) -> None:
    """Let a mix-driven fall (``mix_shift`` / ``lead_quality_decline``) count for its transition.

    The overall rate of a young window is noisy; the mix effect's own test (today's composition at
    the baseline per-value rates) is not. Held to the same bar as a localised drop: significant
    after Bonferroni over every lever plus every dimension's mix test of every transition, at the
    family-wise ``ALPHA``; sized by restoring the rate the old mix would give.
    """
    if not reference:
        return
    by_lever = {lc.lever: lc for lc in changes}
    for f in findings:
        if f.code not in ("mix_shift", "lead_quality_decline") or f.transition not in by_lever:
            continue
        lever = by_lever[f.transition]
        if lever.significant and f.mix_driven and lever.mix_explained is None:
            lever.mix_explained = f.segment
        test = f.evidence.get("mix_test") or {}
        p0, at_mix, p_value = test.get("baseline"), test.get("current"), test.get("p_value")
        if lever.significant or not p0 or not at_mix or p_value is None:
            continue
        if min(test.get("n_baseline", 0), test.get("n_current", 0)) < MIN_N:
            continue
        family = len(LEVERS) + int(f.evidence.get("mix_tests", 1)) * len(TRANSITIONS)
        if p_value * family >= ALPHA or at_mix / p0 - 1.0 > -MATERIAL_CHANGE["conversion"]:
            continue
        lever.significant = True
        lever.revenue_impact = reference * (p0 / at_mix - 1.0)
        lever.baseline, lever.current = p0, at_mix
        lever.mix_driver = f.segment


def explain(change: LeverChange, lang: str = "en") -> str:
    """A plain-language sentence for the chosen lever (``lang``: en or ja)."""
    if lang == "ja":
        return explain_ja(change)
    b, c = change.baseline, change.current
    impact = f"{change.revenue_impact:,.0f}"
    comp = change.comparison
    p = f" (p={comp.p_value:.3g}, n={comp.n_baseline}→{comp.n_current})" if comp else ""
    if change.lever in TRANSITIONS and change.mix_driver is not None:
        what = (
            f"{transition_label(change.lever)} conversion fell from {b:.1%} to {c:.1%} at today's mix because "
            f"the mix moved towards {segment_label(*change.mix_driver)}, which converts worse"
        )
    elif change.lever in TRANSITIONS and change.segment is not None:
        what = (
            f"{transition_label(change.lever)} conversion fell from {b:.1%} to {c:.1%} in "
            f"{segment_label(*change.segment)}"
        )
    elif change.lever in TRANSITIONS:
        what = f"{transition_label(change.lever)} conversion fell from {b:.1%} to {c:.1%}{p}"
    elif change.lever == "lead_volume":
        what = f"new leads fell from {b:,.0f} to {c:,.0f} per period{p}"
    elif change.lever == "deal_size" and change.adjusted_ratio is not None:
        what = (
            f"won deals got {1 - change.adjusted_ratio:.0%} smaller like for like (same segment mix; "
            f"plain average {b:,.0f} → {c:,.0f}){p}"
        )
    elif change.lever == "deal_size":
        what = f"average won deal size fell from {b:,.0f} to {c:,.0f}{p}"
    elif change.lever == "cycle_time":
        what = f"median sales cycle grew from {b:.0f} to {c:.0f} days{p}"
    else:
        what = f"retention fell from {b:.1%} to {c:.1%} per period{p}"
    if change.mix_explained is not None:
        dimension, value = change.mix_explained
        return (f"{what}, because the mix moved towards {segment_label(dimension, value)} while the rest held "
                f"their rate: cutting {value} alone restores the rate but adds "
                f"no revenue; replacing its leads with leads that convert like the rest is worth at most {impact} "
                f"in revenue per period.")
    return f"{what}; restoring it to the baseline is worth about {impact} in revenue per period."


def explain_ja(change: LeverChange) -> str:
    """The bottleneck sentence in Japanese."""
    b, c = change.baseline, change.current
    impact = f"{change.revenue_impact:,.0f}"
    if change.lever in TRANSITIONS and change.mix_driver is not None:
        what = (
            f"転換率の低い{segment_label(*change.mix_driver, lang='ja')}の構成比が増えたため、"
            f"{transition_label(change.lever, 'ja')}の転換率が（現在の構成比で）{b:.1%}から{c:.1%}に低下しました"
        )
    elif change.lever in TRANSITIONS:
        where = f"{segment_label(*change.segment, lang='ja')}で" if change.segment is not None else ""
        what = f"{where}{transition_label(change.lever, 'ja')}の転換率が{b:.1%}から{c:.1%}に低下しました"
    elif change.lever == "lead_volume":
        what = f"期間あたりの新規リード数が{b:,.0f}件から{c:,.0f}件に減少しました"
    elif change.lever == "deal_size" and change.adjusted_ratio is not None:
        what = (
            f"同じセグメント構成で比べた受注金額が{1 - change.adjusted_ratio:.0%}小さくなりました"
            f"（平均受注金額は{b:,.0f}から{c:,.0f}）"
        )
    elif change.lever == "deal_size":
        what = f"平均受注金額が{b:,.0f}から{c:,.0f}に低下しました"
    elif change.lever == "cycle_time":
        what = f"商談期間の中央値が{b:.0f}日から{c:.0f}日に延びました"
    else:
        what = f"期間あたりの継続率が{b:.1%}から{c:.1%}に低下しました"
    if change.mix_explained is not None:
        dimension, value = change.mix_explained
        return (f"{what}。転換率の低い{segment_label(dimension, value, lang='ja')}の構成比が増えたためで、ほかの"
                f"{dimension_label(dimension, 'ja')}の転換率は保たれています。{value}を止めるだけでは転換率は戻っても売上は"
                f"増えません。そのリードをほかと同じように転換するリードで置き換えられた場合に限り、期間あたり最大{impact}の売上に相当します。")
    return f"{what}。比較期間の水準に戻せば、期間あたり約{impact}の売上に相当します。"
