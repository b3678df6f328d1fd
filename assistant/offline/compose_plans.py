"""Offline wording of planning: what-if (stating its unit), reverse plan, capacity, and the
clarifying questions asked when an input is missing (in the question's language, with an example).

The planning functions own the numbers; the examples in clarifying questions are logged tool
notes (``assistant.offline.planner.EXAMPLES``), so every figure here is grounded.
"""

from __future__ import annotations

from typing import Any

from assistant.chat.tools.planning_calls import PlannedTarget
from assistant.offline.words import Words
from tools.wording import STAGE_NOUNS, lookup

RATE_LEVERS = ("lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won", "retention")


def what_if_lines(result: dict[str, Any], w: Words) -> list[str]:
    """"MQL → SQL +5.0 pts (absolute: 35.9% → 40.9%) moves revenue per period from … to …"."""
    lever, name = result["lever"], w.lever(result["lever"])
    cur, new = w.lever_value(lever, result.get("current_value")), w.lever_value(lever, result.get("new_value"))
    change = result["change"]
    relative = f"{'+' if change >= 0 else ''}{w.pct(change)}"
    delta = result["revenue_change"] or 0.0
    moved = f"{'+' if delta >= 0 else '-'}{w.money(abs(delta))}"
    if result.get("unit") == "days":
        days = result.get("days") or 0.0
        how = w.t(f"by {'+' if days >= 0 else '-'}{w.days(abs(days))} ({cur} → {new}, {relative} relative)",
                  f"{'+' if days >= 0 else '-'}{w.days(abs(days))}（{cur} → {new}、相対 {relative}）")
    elif result.get("unit") == "points":
        how = w.t(f"by {w.points(result.get('points'))} (percentage points, absolute: {cur} → {new}, "
                  f"{relative} relative)",
                  f"{w.points(result.get('points'))}（絶対値のポイント: {cur} → {new}、相対 {relative}）")
    elif lever in RATE_LEVERS:
        how = w.t(f"by {relative} relative ({cur} → {new}, {w.points(result.get('points'))})",
                  f"相対で {relative}（{cur} → {new}、{w.points(result.get('points'))}）")
    else:
        how = w.t(f"by {relative} ({cur} → {new})", f"{relative}（{cur} → {new}）")
    revenue, after = w.money(result["revenue"]), w.money(result["new_revenue"])
    capped = result.get("new_value") is not None and lever in RATE_LEVERS and result["new_value"] >= 0.9999
    if capped:
        how += w.t(" (capped: a rate cannot exceed 100%)", "（率は100%を超えられないため上限で計算）")
    return [w.t(f"Changing {name} {how} moves modelled revenue per period from {revenue} to {after} ({moved}), "
                "all else equal.",
                f"{name}を {how} 変えると、期間あたりの売上（モデル値）は {revenue} から {after} へ（{moved}）"
                "変わります（他の条件は一定）。")]


def what_if_question(note: dict[str, Any], lever: str | None, w: Words) -> list[str]:
    """Ask how big the change is, with an example in points and in percent."""
    name = w.lever(lever) if lever else w.t("the lever", "レバー")
    points, percent = w.number(note["points"], 0), w.number(note["percent"], 0)
    return [w.t(f"By how much should {name} change? Say it in percentage points or in percent, e.g. "
                f"\"+{points} points\" (absolute) or \"+{percent}%\" (relative).",
                f"{name}をどれだけ変えた場合を試算しますか？ 例えば「+{points}ポイント」（絶対値）または"
                f"「+{percent}%」（相対）のように指定してください。")]


def reverse_plan_lines(planned: PlannedTarget, w: Words) -> list[str]:
    """Working back from a revenue target at current rates."""
    plan = planned.plan
    where = w.t(f" (the uploaded target for {planned.target_period})", f"（アップロードされた{w.period(planned.target_period)}の目標）") \
        if planned.target_period else ""
    head = w.t(f"To book {w.money(plan.revenue_target)}{where} at the current conversion rates and an average "
               f"won deal of {w.money(plan.average_deal_size)}, you need:",
               f"売上 {w.money(plan.revenue_target)}{where}を、現在の転換率と平均受注単価 {w.money(plan.average_deal_size)} "
               "で達成するには:")
    lines = [head]
    for stage in ("lead", "mql", "sql", "opportunity", "won"):
        noun = lookup(STAGE_NOUNS, stage, w.lang)
        lines.append(f"- {noun}: {w.count(plan.required[stage])}" + (w.t("", "件")))
    rates = ", ".join(f"{w.transition(t)} {w.pct(r)}" for t, r in plan.rates.items())
    lines.append(w.t(f"Rates used: {rates}.", f"使った転換率: {rates}。"))
    return lines


def reverse_plan_question(note: dict[str, Any], w: Words) -> list[str]:
    example = w.money(note["revenue_target"])
    return [w.t(f"Which revenue target should I work back from? Give it in the question, e.g. \"How many leads "
                f"do we need to reach {example}?\", or upload a targets file.",
                f"どの売上目標から逆算しますか？ 例えば「{example}を達成するには何件のリードが必要？」のように"
                "質問に含めるか、目標ファイルをアップロードしてください。")]


def capacity_lines(planned: PlannedTarget, w: Words) -> list[str]:
    plan = planned.plan
    where = w.t(f" (the uploaded target for {planned.target_period})", f"（{w.period(planned.target_period)}の目標）") \
        if planned.target_period else ""
    lines = [w.t(f"For {w.money(plan.revenue_target)}{where} with a quota of {w.money(plan.quota_per_rep)} per rep, "
                 f"planned at {w.pct(plan.attainment)} average attainment: {w.count(plan.reps_needed)} reps.",
                 f"売上 {w.money(plan.revenue_target)}{where}、一人あたりクォータ {w.money(plan.quota_per_rep)}、"
                 f"平均達成率 {w.pct(plan.attainment)} を前提にすると、必要な営業は {w.count(plan.reps_needed)}人です。")]
    lines.append(w.t(f"That hands out {w.money(plan.total_quota)} of quota in total.",
                     f"配るクォータの合計は {w.money(plan.total_quota)} です。"))
    if plan.current_reps is not None:
        lines.append(w.t(f"With {w.count(plan.current_reps)} reps today the gap is {w.count(plan.reps_gap)}; "
                         f"new hires needed this period (at {w.pct(plan.ramp)} ramp): {w.count(plan.new_hires_needed)}.",
                         f"現在 {w.count(plan.current_reps)}人なので不足は {w.count(plan.reps_gap)}人、立ち上がり "
                         f"{w.pct(plan.ramp)} を見込んだ今期の採用必要数は {w.count(plan.new_hires_needed)}人です。"))
    if planned.target_period:
        lines.append(w.t("The quota must cover the same period as the target.", "クォータは目標と同じ期間の金額で指定してください。"))
    return lines


def capacity_question(notes: dict[str, dict[str, Any]], w: Words) -> list[str]:
    """Ask for the missing input of a headcount question (quota per rep, or an IS rep's MQL capacity)."""
    if "inside_sales_example" in notes:
        per_rep = w.count(notes["inside_sales_example"]["mqls_per_is_rep"])
        target = notes.get("mql_target")
        known = w.t(f" The uploaded MQL target for {target['period']} is {w.count(target['mql'])}.",
                    f"アップロードされた{w.period(target['period'])}のMQL目標は {w.count(target['mql'])}件です。") if target else ""
        return [w.t(f"How many MQLs can one inside-sales rep work per month? For example \"{per_rep} MQLs per rep "
                    f"per month\" — then headcount = MQLs to work ÷ that number.{known}",
                    f"IS一人がひと月に対応できるMQLは何件ですか？ 例えば「一人あたり月{per_rep}件」のように教えてください"
                    f"（必要人数 = 対応すべきMQL数 ÷ その件数）。{known}")]
    quota = w.money(notes["capacity_example"]["quota_per_rep"])
    target = notes.get("revenue_target")
    known = w.t(f" I will use the uploaded revenue target for {target['period']} ({w.money(target['revenue'])}).",
                f"売上目標はアップロードされた{w.period(target['period'])}の {w.money(target['revenue'])} を使います。") if target else ""
    return [w.t(f"What quota does one fully ramped rep carry for the same period as the target? For example "
                f"\"a quota of {quota} per rep\".{known}",
                f"目標と同じ期間の、一人あたりのクォータはいくらですか？ 例えば「一人あたりクォータ{quota}」のように"
                f"指定してください。{known}")]


def inside_sales_lines(planned: PlannedTarget, w: Words) -> list[str]:
    """IS headcount for a month's MQLs at what one rep can work."""
    plan = planned.plan
    source = w.t(f"the uploaded MQL target for {planned.target_period}", f"{w.period(planned.target_period)}のMQL目標") \
        if planned.target_period and "-" in str(planned.target_period) else w.t("last month's MQLs", "先月のMQL数")
    return [w.t(f"To work {w.count(plan.mqls_per_period)} MQLs a month ({source}) at {w.count(plan.mqls_per_rep)} "
                f"per rep, you need {w.count(plan.reps_needed)} inside-sales reps.",
                f"月 {w.count(plan.mqls_per_period)}件のMQL（{source}）を一人あたり {w.count(plan.mqls_per_rep)}件で"
                f"対応するには、ISが {w.count(plan.reps_needed)}人必要です。")]
