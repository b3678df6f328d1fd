"""Honest effect sizes: what an action can be worth, each with the assumption it rests on.

Three kinds, from the most to the least direct:

* **mix**: a rate that fell because the mix moved towards a weaker slice is restored by fixing
  the mix, and what that is worth is the revenue bridge's mix component (the revenue the shift of
  shares cost, at today's volume). Cutting the weak slice alone restores the blended rate but not
  that revenue, and the memo says so. Without a bridge the bottleneck's figure is given as an
  upper bound with that condition spelled out.
* **restore**: a lever that deteriorated on its own, back at its baseline with everything else at
  today's level (the bottleneck's revenue at stake).
* **sensitivity**: for a lever that did not deteriorate, what a 10% move is worth (the what-if
  tool), stated as a sensitivity, not as the action's effect.

Actions that change how work is measured (KPI, process) carry no revenue figure of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from assistant.memo.bridge import bridge_view
from assistant.memo.context import MemoContext
from tools.findings.model import Finding
from tools.schema import TRANSITIONS

Basis = Literal["mix", "mix_upper_bound", "restore", "sensitivity", "none"]

#: The lever a finding's first action moves (None: no revenue figure of its own).
FINDING_LEVER: dict[str, str | None] = {
    "kpi_green_revenue_flat": None,
    "lead_quality_decline": "transition",
    "mix_shift": "transition",
    "conversion_drop": "transition",
    "slow_follow_up": "mql_to_sql",
    "lead_volume_decline": "lead_volume",
    "deal_size_drop": "deal_size",
    "cycle_time_increase": "cycle_time",
    "churn_increase": "retention",
    "stalled_pipeline": "opportunity_to_won",
    "recycle_opportunity": None,
    "pipeline_coverage_low": None,
}
#: The relative move the sensitivity is quoted for, per lever (a shorter cycle is the better one).
SENSITIVITY_STEP: dict[str, float] = {**{t: 0.10 for t in TRANSITIONS}, "lead_volume": 0.10, "deal_size": 0.10,
                                      "cycle_time": -0.10, "retention": 0.01}


@dataclass(frozen=True)
class Effect:
    """An expected effect: revenue per period (None: no figure) and the sentence naming its basis."""

    basis: Basis
    text: str
    amount: float | None = None
    #: the same claim in a few words, for the brief's table (assumption still named)
    short: str = ""

    @property
    def brief(self) -> str:
        return self.short or self.text


def no_effect(ctx: MemoContext) -> Effect:
    w = ctx.words
    return Effect("none", "売上への効果は単独では試算しません（施策の効果を測り、定着させるためのものです）。" if w.ja
                  else "No revenue figure of its own: it makes the fix measurable and lasting.",
                  short="単独の試算なし（効果測定と定着のため）" if w.ja else "No figure of its own (makes the fix measurable)")


def mix_effect(ctx: MemoContext, finding: Finding) -> Effect | None:
    """What fixing the mix behind ``finding`` is worth (bridge mix component, else an upper bound)."""
    if not finding.mix_driven or finding.segment is None:
        return None
    w = ctx.words
    dimension, value = finding.segment
    per = w.label("grain_" + ctx.grain)
    alone = (f"{value}を止めるだけでは、全体の転換率は戻っても売上は戻りません。" if w.ja
             else f"Cutting {value} alone restores the blended rate but not this revenue.")
    bridge = bridge_view(ctx.diagnosis)
    step = bridge.mix(dimension) if bridge is not None else None
    if step is not None and step.amount < 0:
        amount = -step.amount
        if w.ja:
            text = (f"{w.dimension(dimension)}の構成比が比較期間の水準に戻り、リード数が今のままなら、{per}あたり約"
                    f"{w.money(amount, signed=True)}（売上ブリッジの構成比要因）。{alone}")
        else:
            text = (f"About {w.money(amount, signed=True)} per {per} if the {w.dimension(dimension)} shares return to "
                    f"the baseline's at today's volume (the revenue bridge's mix component). {alone}")
        short = (f"約{w.money(amount, signed=True)}／{per}（構成比が戻った場合。{value}を止めるだけでは戻らない）" if w.ja
                 else f"About {w.money(amount, signed=True)}/{per} if the mix returns; cutting {value} alone adds nothing")
        return Effect("mix", text, amount, short)
    chosen = ctx.diagnosis.bottleneck.chosen
    if chosen is None or chosen.lever != finding.transition or chosen.revenue_impact <= 0:
        return None
    amount = chosen.revenue_impact
    if w.ja:
        text = (f"最大で{per}あたり{w.money(amount, signed=True)}。ただし{value}のリードを、ほかのソースと同じように"
                f"転換するリードで置き換えられた場合に限ります（今のリード数で比較期間の構成比の転換率に戻る前提のモデル試算）。{alone}")
    else:
        text = (f"At most {w.money(amount, signed=True)} per {per}, and only if {value}'s leads are replaced by leads "
                f"that convert like the rest (today's volume at the baseline mix's rate; modelled). {alone}")
    short = (f"最大{w.money(amount, signed=True)}／{per}（{value}のリードを転換するリードで置き換えた場合のみ。止めるだけでは売上は戻らない）"
             if w.ja else f"At most {w.money(amount, signed=True)}/{per}, only if {value}'s leads are replaced by leads "
                          f"that convert like the rest; cutting it alone adds no revenue")
    return Effect("mix_upper_bound", text, amount, short)


def restore_effect(ctx: MemoContext, lever: str) -> Effect | None:
    """The bottleneck's revenue at stake when ``lever`` is the bottleneck (not mix-driven)."""
    bottleneck = ctx.diagnosis.bottleneck
    chosen = bottleneck.chosen
    if chosen is None or chosen.lever != lever or chosen.mix_driver is not None or bottleneck.revenue_impact is None:
        return None
    if any(f.mix_driven and f.transition == lever for f in ctx.serious()):
        return None  # a mix-driven fall is not restored by the lever alone: see mix_effect
    w = ctx.words
    per = w.label("grain_" + ctx.grain)
    show = _lever_value(ctx, lever)
    c, b = show(chosen.current), show(chosen.baseline)
    where = w.segment(chosen.segment)
    amount = bottleneck.revenue_impact
    if w.ja:
        scope = f"{where}の" if where else ""
        text = (f"{scope}{w.lever_measure(lever)}が比較期間の水準に戻れば（{c}→{b}）、ほかが今の水準のままで"
                f"{per}あたり約{w.money(amount, signed=True)}（モデル試算）。")
    else:
        scope = f" for {where}" if where else ""
        text = (f"About {w.money(amount, signed=True)} per {per} if {w.lever_measure(lever)}{scope} returns to its "
                f"baseline ({c} → {b}), everything else at today's level (modelled).")
    short = (f"約{w.money(amount, signed=True)}／{per}（{c}→{b}に戻った場合のモデル試算）" if w.ja
             else f"About {w.money(amount, signed=True)}/{per} if it returns to {b} (modelled)")
    return Effect("restore", text, amount, short)


def sensitivity_effect(ctx: MemoContext, lever: str) -> Effect | None:
    """What a standard move of ``lever`` is worth per period (the what-if tool), as a sensitivity."""
    step = SENSITIVITY_STEP.get(lever)
    if step is None:
        return None
    try:
        from tools.planning import what_if

        result = ctx.call("what_if", what_if, lever=lever, change=step)
    except Exception:  # the estimate is optional; the action stands without it
        return None
    delta, current, new = result.get("revenue_change"), result.get("current_value"), result.get("new_value")
    if delta is None or current is None or new is None:
        return None
    w = ctx.words
    per = w.label("grain_" + ctx.grain)
    show = _lever_value(ctx, lever)
    move = f"{result['change'] * 100:+.0f}%"
    if w.ja:
        text = (f"感応度：{w.lever_measure(lever)}が{move}動くと（{show(current)}→{show(new)}）、{per}あたり"
                f"{w.money(delta, signed=True)}（今のリード数でのモデル試算。施策そのものの効果ではありません）。")
    else:
        text = (f"Sensitivity: a {move} move in {w.lever_measure(lever)} ({show(current)} → {show(new)}) is worth "
                f"{w.money(delta, signed=True)} per {per} at today's volumes (modelled; not this action's measured effect).")
    short = (f"感応度：{move}で{w.money(delta, signed=True)}／{per}（モデル試算）" if w.ja
             else f"Sensitivity: {move} on {w.lever(lever)} = {w.money(delta, signed=True)}/{per} (modelled)")
    return Effect("sensitivity", text, float(delta), short)


def _lever_value(ctx: MemoContext, lever: str) -> Callable[[Any], str]:
    w = ctx.words
    if lever in TRANSITIONS or lever == "retention":
        return w.pct
    if lever == "lead_volume":
        return w.count
    if lever == "cycle_time":
        return w.days
    return w.money


def finding_lever(finding: Finding) -> str | None:
    """The lever the finding's first action moves (None: no revenue figure of its own)."""
    lever = FINDING_LEVER.get(finding.code)
    if lever == "transition":
        return finding.transition
    return lever


def effect_for(ctx: MemoContext, finding: Finding, cache: dict[str, Effect]) -> Effect:
    """The expected effect of the first action for ``finding`` (computed once per lever)."""
    mix = mix_effect(ctx, finding)
    if mix is not None:
        return mix
    lever = finding_lever(finding)
    if lever is None:
        return no_effect(ctx)
    if lever not in cache:
        cache[lever] = restore_effect(ctx, lever) or sensitivity_effect(ctx, lever) or no_effect(ctx)
    return cache[lever]
