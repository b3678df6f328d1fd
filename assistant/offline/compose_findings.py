"""Offline wording of a typed ``Diagnosis``: findings as sentences, the bottleneck, the flagship story.

Sentences are built from each finding's evidence and formatted by ``Words`` (rounded money with the
currency, 万/億 in Japanese); a finding this module has no sentence for falls back to the engine's
own summary (English) or ``tools.wording.finding_sentence`` (Japanese). Nothing here computes a number.
"""

from __future__ import annotations

from typing import Any

from assistant.offline.actions import actions_for
from assistant.offline.compose_metrics import comparison_lines
from assistant.offline.words import Words
from tools.bottleneck_revenue import bottleneck_owns_driver
from tools.diagnosis import Diagnosis
from tools.findings.model import Finding
from tools.wording import capitalised
from tools.wording.finding_sentence import finding_sentence as engine_sentence

TRANSITION_LEVERS = ("lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won")


def _ev(finding: Finding, key: str) -> dict[str, Any]:
    value = finding.evidence.get(key)
    return value if isinstance(value, dict) else {}


def _pair(finding: Finding, key: str) -> tuple[Any, Any]:
    part = _ev(finding, key)
    return part.get("baseline"), part.get("current")


def finding_sentence(f: Finding, w: Words) -> str:
    """What a finding says, with its numbers, in one or two sentences."""
    ev, step = f.evidence, w.transition(f.transition or "")
    where = w.segment(*f.segment) if f.segment else ""
    if f.code in ("lead_quality_decline", "mix_shift") and ev.get("driver_rate") is not None:
        b, c = _pair(f, "overall")
        share = (w.pct(ev.get("driver_share_baseline")), w.pct(ev.get("driver_share_current")))
        if w.ja:
            text = (f"{step}の転換率が {w.pct(b)} から {w.pct(c)} に低下しました。{where}の構成比が {share[0]} → {share[1]} "
                    f"に増え、この層の転換率は {w.pct(ev['driver_rate'])}（その他は {w.pct(ev.get('others_rate'))}）です。")
            return text + ("各層の転換率自体は変わっていません。" if f.code == "mix_shift" else "")
        text = (f"{step} fell from {w.pct(b)} to {w.pct(c)}: {where} grew from {share[0]} to {share[1]} of the cohort "
                f"and converts at {w.pct(ev['driver_rate'])} vs {w.pct(ev.get('others_rate'))} for the rest.")
        return text + (" Each group's own rate held." if f.code == "mix_shift" else "")
    if f.code == "conversion_drop":
        b, c = _pair(f, "segment" if f.segment else "overall")
        return w.t(f"{step} fell from {w.pct(b)} to {w.pct(c)}{' in ' + where if where else ''}.",
                   f"{where + 'で' if where else ''}{step}の転換率が {w.pct(b)} から {w.pct(c)} に低下しました。")
    if f.code == "slow_follow_up":
        b, c = _pair(f, "within_sla")
        h0, h1 = ev.get("median_hours_baseline"), ev.get("median_hours_current")
        s0, s1 = _pair(f, "mql_to_sql")
        return w.t(f"MQLs contacted within the SLA fell from {w.pct(b)} to {w.pct(c)} (median first touch "
                   f"{w.hours(h0)} → {w.hours(h1)}); MQL → SQL fell from {w.pct(s0)} to {w.pct(s1)}.",
                   f"SLA内に初回接触できたMQLの割合が {w.pct(b)} から {w.pct(c)} に低下し（初回接触までの中央値 "
                   f"{w.hours(h0)} → {w.hours(h1)}）、MQL → SQL も {w.pct(s0)} から {w.pct(s1)} に下がりました。")
    if f.code == "lead_volume_decline":
        b, c = _pair(f, "leads")
        noun = w.lever("lead_volume") if ev.get("volume_of") else w.t("new leads", "新規リード数")
        return w.t(f"{capitalised(noun)} per period fell from {w.count(b)} to {w.count(c)}.",
                   f"期間あたりの{noun}が {w.count(b)}件から {w.count(c)}件に減少しました。")
    if f.code == "deal_size_drop":
        b, c = _pair(f, "deal_size")
        ratio = ev.get("adjusted_ratio")
        like = w.t(f" (like for like, {w.pct(ratio)} of the baseline)", f"（同じセグメント構成で比較期間の {w.pct(ratio)}）") \
            if ratio is not None else ""
        return w.t(f"The average won deal fell from {w.money(b)} to {w.money(c)}{like}.",
                   f"平均受注単価が {w.money(b)} から {w.money(c)} に下がりました{like}。")
    if f.code == "cycle_time_increase":
        b, c = ev.get("median_days_baseline"), ev.get("median_days_current_estimate")
        return w.t(f"The median time to close grew from about {w.days(b)} to about {w.days(c)}.",
                   f"クローズまでの期間の中央値が約{w.days(b)}から約{w.days(c)}に延びています。")
    if f.code == "churn_increase":
        b, c = _pair(f, "churn")
        return w.t(f"Churn on the active customer base rose from {w.pct(b)} to {w.pct(c)} per period.",
                   f"既存顧客の解約率が期間あたり {w.pct(b)} から {w.pct(c)} に上昇しました。")
    if f.code == "stalled_pipeline":
        amount = ev.get("stalled_amount")
        worth = (f"（{w.money(amount)}）" if w.ja else f" ({w.money(amount)})") if amount else ""  # no amounts: no ¥0
        return w.t(f"{w.count(ev.get('stalled_deals'))} of {w.count(ev.get('open_deals'))} open deals{worth} "
                   "have been open longer than their segment's usual cycle.",
                   f"進行中の商談{w.count(ev.get('open_deals'))}件のうち{w.count(ev.get('stalled_deals'))}件{worth}"
                   "が、セグメントの通常の商談期間を超えて止まっています。")
    if f.code == "recycle_opportunity":
        return w.t(f"{w.count(ev.get('lost_deals'))} lost deals ({w.money(ev.get('lost_amount'))}) and "
                   f"{w.count(ev.get('unconverted_mqls'))} MQLs older than {ev.get('min_age_days')} days that never "
                   "became SQL can go back to nurturing.",
                   f"失注商談{w.count(ev.get('lost_deals'))}件（{w.money(ev.get('lost_amount'))}）と、"
                   f"{ev.get('min_age_days')}日以上SQLにならないMQL {w.count(ev.get('unconverted_mqls'))}件を"
                   "ナーチャリングに戻せます。")
    if w.ja:
        return _ja_engine_sentence(f)
    return f.summary.strip()


def _ja_engine_sentence(f: Finding) -> str:
    try:
        return engine_sentence(f, "ja").strip() or f"{f.code}。"
    except (KeyError, TypeError, ValueError):
        return f"{f.code}。"


def finding_line(f: Finding, w: Words) -> str:
    """One finding as a bullet: its name, where, how severe, and what it says."""
    where = f"（{w.segment(*f.segment)}）" if f.segment and w.ja else (f" ({w.segment(*f.segment)})" if f.segment else "")
    sentence = finding_sentence(f, w)
    if w.ja:
        return f"- {w.finding(f.code)}{where}（重要度: {w.severity(f.severity)}）: {sentence}"
    return f"- {w.finding(f.code)}{where} ({w.severity(f.severity).lower()} severity): {sentence}"


def bottleneck_line(diagnosis: Diagnosis, w: Words) -> str:
    """The single constraint, what moved and the revenue at stake."""
    b = diagnosis.bottleneck
    chosen = b.chosen
    if not b.lever or chosen is None:
        return w.t("No single lever significantly holds revenue back right now.",
                   "現在、売上を大きく抑えている単一のレバーは見当たりません。")
    name = w.lever(b.lever)
    where = chosen.segment or chosen.mix_driver
    place = (f"（{w.segment(*where)}）" if w.ja else f" ({w.segment(*where)})") if where else ""
    base, cur = w.lever_value(b.lever, chosen.baseline), w.lever_value(b.lever, chosen.current)
    impact = w.money(b.revenue_impact)
    head = w.t(f"The bottleneck is {name}{place}: {base} in the baseline period vs {cur} now. ",
               f"ボトルネックは「{name}」{place}です: 比較期間 {base} → 今期 {cur}。")
    mix = chosen.mix_driver or chosen.mix_explained
    if mix is not None:  # the rate fell because the mix moved: the lever alone recovers nothing
        value = mix[1]
        return head + w.t(f"The rate fell because the mix moved towards {value} ({w.dimension(mix[0])}); the others held their rate: "
                          f"cutting {value} alone restores the rate but adds no revenue. Replacing its leads with "
                          f"leads that convert like the rest is worth at most {impact} per period (modelled).",
                          f"構成比が{value}に偏ったための低下で、ほかの層の転換率は保たれています。{value}を止めるだけでは"
                          f"転換率は戻っても売上は増えません。そのリードをほかと同じように転換するリードで置き換えられた場合に限り、"
                          f"期間あたり最大 {impact} の売上に相当します（モデル試算）。")
    return head + w.t(f"Restoring it is worth about {impact} in revenue per period.",
                      f"比較期間の水準に戻せば、期間あたり約 {impact} の売上に相当します。")


def diagnose_lines(diagnosis: Diagnosis, w: Words, limit: int = 4) -> list[str]:
    lines = [bottleneck_line(diagnosis, w)]
    findings = [f for f in diagnosis.findings_by_severity() if f.severity != "info"][:limit]
    if findings:
        lines += ["", w.t("Findings:", "検出事項:"), *(finding_line(f, w) for f in findings)]
    else:
        lines.append(w.t("No material problem was found in this data.", "大きな問題は検出されませんでした。"))
    return lines


def attainment_lines(kpi: Finding, w: Words) -> list[str]:
    attainment = _ev(kpi, "attainment")
    met = [f"{w.target_metric(m)} {w.pct(v)}" for m, v in attainment.items() if m != "revenue" and v is not None and v >= 1]
    missed = [f"{w.target_metric(m)} {w.pct(v)}" for m, v in attainment.items() if v is not None and v < 1]
    b, c = _pair(kpi, "won_revenue")
    sep = "、" if w.ja else ", "
    lines = []
    if met:
        lines.append(w.t("KPIs met (share of target): ", "達成しているKPI（目標比）: ") + sep.join(met) + w.t(".", "。"))
    if missed:
        lines.append(w.t("Missed (share of target): ", "一方で未達（目標比）: ") + sep.join(missed) + w.t(".", "。"))
    if b is not None and c is not None:
        lines.append(w.t(f"Won revenue went from {w.money(b)} in the baseline period to {w.money(c)} now.",
                         f"受注金額は比較期間 {w.money(b)} → 今期 {w.money(c)} です。"))
    return lines


def kpi_green_lines(diagnosis: Diagnosis, w: Words) -> tuple[list[str], list[str]]:
    """The flagship answer ("why is revenue flat though KPIs are green?") and the finding codes it used."""
    findings = diagnosis.findings_by_severity()
    kpi = next((f for f in findings if f.code == "kpi_green_revenue_flat"), None)
    if kpi is None:
        lines = [w.t("The data does not show volume KPIs met while revenue stayed flat; here is what it does show.",
                     "量のKPIを達成しつつ売上が横ばい、という状況はデータからは確認できません。分かったことは次の通りです。")]
        return lines + diagnose_lines(diagnosis, w), [f.code for f in findings if f.severity != "info"]
    slice_ = next((f for f in findings if f.code in ("lead_quality_decline", "mix_shift", "conversion_drop")
                   and f.segment), None)
    lines = [w.t("Why revenue is flat although the KPIs are green:", "KPIは達成しているのに売上が伸びない理由:"), ""]
    lines += [f"- {line}" for line in attainment_lines(kpi, w)]
    if slice_ is not None:
        lines.append(f"- {finding_sentence(slice_, w)}")
    lines.append(f"- {bottleneck_line(diagnosis, w)}")
    bridge = bridge_lines(diagnosis, w, constraint=False)
    if bridge:
        lines += ["", *bridge]
    others = [f for f in findings if f not in (kpi, slice_) and f.severity in ("high", "medium")]
    if others:
        lines += ["", w.t("Also worth a look:", "その他の注意点:"), *(finding_line(f, w) for f in others[:2])]
    codes = ["kpi_green_revenue_flat"] + [f.code for f in findings if f.severity != "info" and f is not kpi]
    return lines, codes


def driver_name(component: Any, w: Words) -> str:
    """A bridge driver as a reader's name ("lead volume", "mix (lead source)", "SQL → Opportunity (Enterprise)")."""
    name, value = w.lever(component.driver), getattr(component, "value", None)
    if component.driver == "mix" and component.dimension:
        where = w.dimension(component.dimension) + ((f"、主に{value}" if w.ja else f", mostly {value}") if value else "")
        return f"{name}（{where}）" if w.ja else f"{name} ({where})"
    if value:
        name += f"（{value}）" if w.ja else f" ({value})"
    return name


def bridge_lines(diagnosis: Diagnosis, w: Words, constraint: bool = True) -> list[str]:
    """The revenue bridge (issue 14, ``Diagnosis.revenue_bridge``): baseline → each driver → current.

    A change within won revenue's usual variation says so first; each driver says whether it stands
    out from the noise of the data behind it, and only one that does is called the largest driver.
    With ``constraint``, a bottleneck that is not the driver's cause follows as what it is: the
    constraint on revenue going forward, not the accounting of this change.
    """
    bridge = getattr(diagnosis, "revenue_bridge", None)
    if bridge is None:
        return []
    base, cur = w.money(bridge.baseline_revenue), w.money(bridge.current_revenue)
    before, after = w.period(bridge.baseline.label), w.period(bridge.current.label)
    lines = [w.t(f"Revenue bridge from {before} ({base}) to {after} ({cur}):",
                 f"売上ブリッジ（{before} の {base} → {after} の {cur}）:")]
    if bridge.variation is not None and bridge.change and not bridge.material:
        sd = w.money(bridge.variation.change_sd)
        lines.append(w.t(f"This change is within won revenue's usual month-to-month variation (about ±{sd}).",
                         f"この変化は受注金額の通常の月ごとの揺れ（約±{sd}）の範囲内です。"))
    for part in bridge.by_driver():
        if abs(part.amount) >= 0.5:
            noise = "" if part.noise is None else (w.t(" (beyond noise)", "（揺れを超える）") if part.beyond_noise
                                                   else w.t(" (within noise)", "（揺れの範囲内）"))
            lines.append(f"- {driver_name(part, w)}: {'+' if part.amount >= 0 else '-'}{w.money(abs(part.amount))}{noise}")
    if abs(bridge.residual) >= 0.5:
        lines.append(w.t(f"- not explained by the drivers: {'+' if bridge.residual >= 0 else '-'}{w.money(abs(bridge.residual))}",
                         f"- 要因で説明できない残差: {'+' if bridge.residual >= 0 else '-'}{w.money(abs(bridge.residual))}"))
    largest = bridge.largest_driver()
    if largest is not None:
        lines.append(w.t(f"The largest driver beyond noise is {driver_name(largest, w)}.",
                         f"揺れを超える最大の要因は{driver_name(largest, w)}です。"))
    elif bridge.change:
        lines.append(w.t("No driver stands out from the noise of the data behind it.",
                         "どの要因も、その元データの通常の揺れを超えていません。"))
    same = largest is not None and bottleneck_owns_driver(diagnosis.bottleneck, diagnosis.findings, largest)
    if constraint and diagnosis.bottleneck.lever and not same:
        lines += ["", w.t("Separately, what holds revenue back going forward:", "これとは別に、今後の売上を抑えている制約:"),
                  bottleneck_line(diagnosis, w)]
    return lines


def forecast_lines(diagnosis: Diagnosis, w: Words) -> list[str]:
    """The quarter forecast (issue 14, ``Diagnosis.forecast``) with its 80% range and the target."""
    forecast = getattr(diagnosis, "forecast", None)
    if forecast is None:
        return []
    period = w.period(forecast.period)
    lines = [w.t(f"Forecast for {period}: {w.money(forecast.expected)} expected (80% range "
                 f"{w.money(forecast.low)}–{w.money(forecast.high)}), of which {w.money(forecast.closed)} is already won.",
                 f"{period}の着地見込みは {w.money(forecast.expected)}（80%区間 {w.money(forecast.low)}〜"
                 f"{w.money(forecast.high)}）、うち受注済みは {w.money(forecast.closed)} です。")]
    if forecast.target is not None and forecast.gap is not None:
        lines.append(_against_target(forecast, w))
    else:  # "are we going to hit the number?" cannot be answered without one: say so
        lines.append(w.t(f"No revenue target for {period} is loaded, so this cannot be set against a plan; "
                         "add a targets file (period, metric, target) to see the gap.",
                         f"{period}の売上目標が読み込まれていないため、計画と比べられません。"
                         "目標ファイル（period, metric, target）を追加すると差額を示せます。"))
    if forecast.coverage is not None:
        lines.append(w.t(f"Open pipeline covers {w.number(forecast.coverage)}× the revenue still to win.",
                         f"進行中パイプラインは残りの目標の {w.number(forecast.coverage)}倍です。"))
    return lines


def _against_target(forecast: Any, w: Words) -> str:
    """Expected against target, the gap, and where the target sits in the 80% range."""
    short = forecast.gap > 0
    line = w.t(f"Target: {w.money(forecast.target)}, so {'short by' if short else 'ahead by'} "
               f"{w.money(abs(forecast.gap))} on the expected figure",
               f"目標 {w.money(forecast.target)} に対して見込みは {w.money(abs(forecast.gap))} "
               f"{'不足' if short else '上回り'}です")
    if forecast.target > forecast.high:
        return line + w.t(": the target is above the whole 80% range, so hitting it is unlikely.",
                          "。目標は80%区間の上限も超えており、達成は見込みにくい状況です。")
    if short:
        return line + w.t(": only the upper part of the 80% range reaches it.",
                          "。80%区間の上側でのみ届く水準です。")
    if forecast.target < forecast.low:
        return line + w.t(": even the low end of the 80% range clears it.", "。80%区間の下限でも上回ります。")
    return line + w.t(", though the low end of the 80% range falls short.", "が、80%区間の下側では届きません。")


def overview_lines(results: list[Any], diagnosis: Diagnosis, w: Words, note: str = "") -> list[str]:
    """The short diagnosis: revenue against the baseline, the largest driver or bottleneck, the top finding."""
    lines = [w.t(f"In short{note}:", f"概況{note}:")]
    for result in results:
        if result.comparison is not None:
            lines += [f"- {line}" for line in comparison_lines(result, w)]
    bridge = getattr(diagnosis, "revenue_bridge", None)
    largest = bridge.largest_driver() if bridge is not None else None
    if largest is not None:
        sign = "+" if largest.amount >= 0 else "-"
        lines.append(w.t(f"- Largest driver of the change: {driver_name(largest, w)}, {sign}{w.money(abs(largest.amount))}.",
                         f"- 変化の最大の要因: {driver_name(largest, w)}（{sign}{w.money(abs(largest.amount))}）。"))
    lines.append(f"- {bottleneck_line(diagnosis, w)}")
    top = next((f for f in diagnosis.findings_by_severity() if f.severity != "info"), None)
    if top is not None:
        lines.append(w.t("- Top finding: ", "- 最重要の検出事項: ") + finding_line(top, w).removeprefix("- "))
        advice = actions_for([top.code], w.lang, limit=1)
        if advice:
            lines.append(w.t(f"- First thing to change: {advice[0]}", f"- まず変えること: {advice[0]}"))
    lines += ["", w.t("Ask \"where is the funnel leaking?\" for the full diagnosis.", "詳しい診断は「ファネルのどこで漏れている？」と聞いてください。")]
    return lines
