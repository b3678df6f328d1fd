"""The bottleneck, completed by the revenue view (SPEC §9.1: every revenue change is explained).

``tools.bottleneck`` picks the lever from cohort rates and the localised and mix findings. Two
value-based pieces of evidence complete it:

* the **value-weighted win-rate fall** (``tools.revenue.amount_weighted``) counts for Opportunity → Won
  like a localised drop: significant after Bonferroni over every lever plus this one test at the
  family-wise ``ALPHA``, and sized by restoring the falling segment's rate on its share of revenue;
* when won revenue fell **materially** (beyond its own month-to-month variation, see
  ``tools.revenue.variation``) and still no lever stands out, the bridge's largest driver beyond noise is
  the answer when it is a lever (its bridge amount is the revenue at stake); a mix driver is named
  in the explanation, since mix is not a lever, and owned by a ``revenue_decline`` finding.

When no lever is named the explanation still says how revenue moved and what the bridge puts it
on, or that no component of the bridge stands out from noise, so "no lever deteriorated" is never
the whole answer to a revenue fall.
"""

from __future__ import annotations

from dataclasses import replace

from tools.analysis_context import AnalysisContext
from tools.bottleneck import MATERIAL_CHANGE, MATERIAL_REVENUE, Bottleneck, LeverChange, explain
from tools.findings.model import Finding
from tools.findings.revenue import names_driver, revenue_decline_summary
from tools.revenue.amount_weighted import AmountWeightedWinRates
from tools.revenue.bridge import BridgeComponent, RevenueBridge
from tools.schema import LEVERS
from tools.stats import ALPHA

WIN = "opportunity_to_won"


def complete_bottleneck(
    bottleneck: Bottleneck,
    ctx: AnalysisContext,
    findings: list[Finding],
    bridge: RevenueBridge | None,
    rates: AmountWeightedWinRates | None,
) -> Bottleneck:
    """``bottleneck`` with the value-weighted win rate and the bridge taken into account."""
    if not bottleneck.levers:
        return bottleneck
    reference = bottleneck.reference_revenue
    if rates is not None and reference:
        _add_value_weighted(ctx, bottleneck.levers, findings, rates, reference)
    candidates = [lc for lc in bottleneck.levers if lc.significant and lc.revenue_impact > 0]
    if candidates:
        best = max(candidates, key=lambda lc: lc.revenue_impact)
        if best is not bottleneck.chosen:
            return replace(bottleneck, lever=best.lever, revenue_impact=best.revenue_impact,
                           explanation=explain(best), chosen=best, explanation_ja=None)
        return bottleneck
    if bridge is None or bridge.change >= 0:
        return bottleneck
    top = bridge.largest_driver()
    if top is not None and bridge.material and top.driver in LEVERS:
        return _adopt(bottleneck, bridge, top)
    return replace(
        bottleneck,
        explanation=f"No funnel lever deteriorated significantly. {_revenue_sentence(bridge, top, 'en')}",
        explanation_ja="有意に悪化したファネルのレバーはありません。" + _revenue_sentence(bridge, top, "ja"),
    )


def lever_names_driver(chosen: LeverChange | None, driver: BridgeComponent) -> bool:
    """The bottleneck's lever is the bridge ``driver``'s cause: the same lever (in the same segment
    where both localise), or, for a mix driver, a rate that fell because the mix of that dimension
    moved (towards the driver's value where it is localised)."""
    if chosen is None:
        return False
    if driver.driver == "mix":
        mix = chosen.mix_driver
        return mix is not None and mix[0] == driver.dimension and driver.value in (None, mix[1])
    if chosen.lever != driver.driver or chosen.mix_driver is not None:
        return False
    return driver.value is None or chosen.segment in (None, (driver.dimension, driver.value))


def bottleneck_owns_driver(bottleneck: Bottleneck, findings: list[Finding], driver: BridgeComponent) -> bool:
    """The bottleneck and the bridge ``driver`` are one cause: its lever names the driver, or a
    medium-or-higher finding on the bottleneck's transition does (a rate that fell because the
    source mix moved is the lead-source mix driver)."""
    chosen = bottleneck.chosen
    if chosen is None or bottleneck.lever is None:
        return False
    return lever_names_driver(chosen, driver) or any(
        f.transition == chosen.lever and names_driver(f, driver) for f in findings
    )


def _add_value_weighted(
    ctx: AnalysisContext,
    levers: list[LeverChange],
    findings: list[Finding],
    rates: AmountWeightedWinRates,
    reference: float,
) -> None:
    """Let the value-weighted win-rate fall count for Opportunity → Won (see the module docstring)."""
    test = rates.like_for_like
    finding = next((f for f in findings if f.code == "conversion_drop" and f.transition == WIN
                    and "value_weighted" in f.evidence and "by_amount" in f.evidence), None)
    if test is None or finding is None or test.baseline is None or not test.current:
        return
    if test.p_value * (len(LEVERS) + 1) >= ALPHA or test.current / test.baseline - 1.0 > -MATERIAL_CHANGE["conversion"]:
        return
    worst = rates.largest_fall()
    p0, p1, share = test.baseline, test.current, 1.0
    if worst is not None and worst.segment is not None and worst.by_count.baseline and worst.by_count.current:
        p0, p1 = worst.by_count.baseline, worst.by_count.current
        share = ctx.revenue_share(*worst.segment)
    impact = reference * share * (p0 / p1 - 1.0)
    if impact < MATERIAL_REVENUE * reference:
        return
    lever = next(lc for lc in levers if lc.lever == WIN)
    if not lever.significant or impact > lever.revenue_impact:
        lever.significant = True
        lever.revenue_impact = impact
        lever.baseline, lever.current = p0, p1
        lever.segment = worst.segment if worst is not None else None


def _adopt(bottleneck: Bottleneck, bridge: RevenueBridge, top: BridgeComponent) -> Bottleneck:
    """Name the bridge's largest driver as the lever (revenue fell materially, nothing else did)."""
    lever = next(lc for lc in bottleneck.levers if lc.lever == top.driver)
    lever.significant = True
    lever.revenue_impact = -top.amount
    if top.dimension is not None and top.value is not None:
        lever.segment = (top.dimension, top.value)
    return replace(
        bottleneck,
        lever=lever.lever,
        revenue_impact=lever.revenue_impact,
        explanation=_revenue_sentence(bridge, top, "en"),
        chosen=lever,
        explanation_ja=_revenue_sentence(bridge, top, "ja"),
    )


def _revenue_sentence(bridge: RevenueBridge, top: BridgeComponent | None, lang: str) -> str:
    """How revenue moved against its usual variation, and the bridge's largest driver beyond noise
    (``None``: no component stands out, which the sentence says)."""
    sentence = revenue_decline_summary(bridge, top, lang)
    variation, mix = bridge.variation, bridge.mix_test
    mix_tested = mix is not None and top is not None and top.driver == "mix" and top.dimension == bridge.dimension
    if lang == "ja":
        if variation is not None:
            sentence += (
                f"売上全体の変化は通常の月次変動（±{variation.change_sd:,.0f}）を"
                + ("超えています。" if bridge.material else "超えていません。")
            )
        if mix is not None and mix_tested:
            sentence += f"構成比の変化そのものはリード数で検定しています（p={mix.p_value:.2g}）。構成比はレバーではないため「売上の減少」として示します。"
        return sentence
    if variation is not None:
        usual = "beyond" if bridge.material else "within"
        sentence += f" The fall as a whole is {usual} its usual month-to-month variation (±{variation.change_sd:,.0f})."
    if mix is not None and mix_tested:
        sentence += (
            f" The mix shift itself is tested on lead counts (p={mix.p_value:.2g}); mix is not a lever, "
            "so the revenue decline finding carries it."
        )
    return sentence
