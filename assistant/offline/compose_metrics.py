"""Offline wording of metric-layer results: the figure, its n, a comparison, in English or Japanese.

A narrow question gets a narrow answer: one value with what it rests on (and its 95% interval), a
breakdown or a ranking (small groups named, not ranked), a trend, or a comparison. Every number
is a value of a ``MetricResult``, formatted by ``Words``; differences are the layer's own.
"""

from __future__ import annotations

from assistant.offline.words import Words
from tools.metric_layer import MIN_N, MetricInfo, MetricResult, MetricValue
from tools.metric_layer.catalog import CONVERSION_STAGES
from tools.metric_layer.run import highest_first
from tools.wording import capitalised

#: how many periods of a trend are listed (the latest ones)
TREND_ROWS = 8
#: how many groups of a breakdown are listed
BREAKDOWN_ROWS = 12

_TRANSITION_STAGES = {m: stages for m, stages in CONVERSION_STAGES.items() if m != "opportunity_to_won_amount"}


def where(result: MetricResult, w: Words) -> str:
    """The slice a result is about: "segment 'SMB'" / 「セグメント「SMB」」 (joined when several)."""
    parts = [w.segment(d, v) for d, v in result.query.filters]
    return ("、" if w.ja else ", ").join(parts)


def period_text(result: MetricResult, w: Words) -> str:
    """"whole upload" / 「全期間」, "2025-Q3", "2026-Q4 (to date)", or the snapshot date."""
    snapshot = next((n.detail for n in result.notes if n.code == "snapshot"), None)
    if any(n.code == "undated" for n in result.notes):
        return w.t("undated snapshot", "日付のないスナップショット")
    if snapshot:
        return w.t(f"as of {snapshot}", f"{w.period(snapshot)}時点")
    if result.period_label is None:
        return w.t("whole upload", "全期間")
    label = w.period(result.period_label)
    if any(n.code == "partial" for n in result.notes):
        return w.t(f"{label}, to date", f"{label}・途中まで")
    return label


def n_text(info: MetricInfo, value: MetricValue, w: Words, *, short: bool = False) -> str:
    """What a value rests on ("236 won of 847 closed deals"); ``short``: "n=847"."""
    if value.n == 0:
        return w.t("no records", "該当なし")
    if short or info.kind == "count":
        return "" if info.kind == "count" else (f"n={w.count(value.n)}" if not w.ja else f"{w.count(value.n)}件")
    s, n = value.successes, w.count(value.n)
    if info.id == "win_rate" and s is not None:
        return w.t(f"{w.count(s)} won of {n} closed deals", f"クローズした商談{n}件のうち受注{w.count(s)}件")
    if info.id in _TRANSITION_STAGES and s is not None:
        a, b = _TRANSITION_STAGES[info.id]
        return w.t(f"{w.count(s)} of {n} {w.stage(a)} reached {w.stage(b)}",
                   f"{w.stage(a)} {n}件のうち{w.count(s)}件が{w.stage(b)}に到達")  # "SQL 3,272件": a number after a letter
    if info.id == "follow_up_within_sla" and s is not None:
        return w.t(f"{w.count(s)} of {n} MQLs with a first touch", f"初回接触のあったMQL {n}件のうち{w.count(s)}件")
    if info.id == "never_contacted_share" and s is not None:
        return w.t(f"{w.count(s)} of {n} MQLs", f"MQL {n}件のうち{w.count(s)}件")
    if info.id in ("churn_rate", "retention_rate") and s is not None:
        return w.t(f"{w.count(s)} of {n} customers active at the start",
                   f"期首のアクティブ顧客{n}社のうち{w.count(s)}社")
    if info.id in ("median_follow_up_hours",):
        return w.t(f"{n} MQLs with a first touch", f"初回接触のあったMQL {n}件")
    if info.id in ("average_deal_size", "median_cycle_days", "won_revenue"):
        return w.t(f"{n} won deals", f"受注{n}件")
    if info.id in ("open_pipeline", "weighted_pipeline", "stalled_amount", "median_open_age_days", "pipeline_coverage"):
        return w.t(f"{n} open deals", f"進行中の商談{n}件")
    if info.id in ("lost_amount", "recycle_lost_amount"):
        return w.t(f"{n} lost deals", f"失注{n}件")
    return w.t(f"n={n}", f"{n}件")


def interval_text(info: MetricInfo, value: MetricValue, w: Words) -> str:
    if value.low is None or value.high is None or info.kind == "count":
        return ""
    if info.unit in ("days", "hours"):
        low, high = w.number(value.low), w.value(info, value.high)
    else:
        low, high = w.value(info, value.low), w.value(info, value.high)
    return w.t(f"95% interval {low}–{high}", f"95%信頼区間 {low}〜{high}")


def metric_name(info: MetricInfo, w: Words) -> str:
    """The metric's name without a unit in brackets (the value carries its unit)."""
    name = w.metric(info.id)
    for unit in (" (days)", " (hours)", "（日）", "（時間）"):
        name = name.replace(unit, "")
    return name


def value_sentence(result: MetricResult, w: Words, value: MetricValue | None = None, *, scope: bool = True) -> str:
    """One value with its slice, period, n and interval, as a sentence (``scope``: say "whole upload")."""
    info, value = result.info, value or result.total
    name, slice_ = metric_name(info, w), where(result, w)
    period = period_text(result, w) if scope or result.period_label or result.notes else ""
    parts = [p for p in (slice_, period) if p]
    inner = ("・" if w.ja else ", ").join(parts)
    head = (f"{name}（{inner}）" if inner else name) if w.ja else \
        (f"{capitalised(name)} ({inner})" if inner else capitalised(name))
    if value.value is None:
        return head + w.t(": no records to measure.", ": 該当するデータがありません。")
    figure = w.value(info, value.value) + ("件" if w.ja and info.unit == "count" else "")
    details = [d for d in (n_text(info, value, w), interval_text(info, value, w)) if d]
    if w.ja:
        extra = f"（{'、'.join(details)}）" if details else ""
        return f"{head}は {figure} です{extra}。"
    extra = f" ({'; '.join(details)})" if details else ""
    return f"{head}: {figure}{extra}."


def target_sentence(result: MetricResult, w: Words) -> str | None:
    total = result.total
    if total.target is None or total.attainment is None:
        return None
    target, share = w.value(result.info, total.target), w.pct(total.attainment)
    met = total.attainment >= 1.0
    status = w.t("so far", "途中経過") if total.partial and not met else w.t("met" if met else "missed", "達成" if met else "未達")
    if w.ja:
        return f"目標 {target} に対して達成率 {share}（{status}）です。"
    return f"Target: {target}, so {share} of target ({status})."


def comparison_lines(result: MetricResult, w: Words, *, with_head: bool = True) -> list[str]:
    """"Won revenue: ¥161M in 2026-08..2026-10 vs ¥209M in 2025-08..2025-10 (-¥48.2M, -23.0%)."""
    c, info = result.comparison, result.info
    if c is None:
        return []
    now, then = c.current.value, c.baseline.value
    if now is None or then is None:
        return [w.t("Not enough records in one of the two periods to compare.", "比較する期間のどちらかにデータがありません。")]
    change = w.change(info, c.change)
    relative = "" if info.unit == "percent" or c.relative_change is None else \
        (("、" if w.ja else ", ") + ("+" if c.relative_change >= 0 else "") + w.pct(c.relative_change))
    noise = ""
    if c.p_value is not None:
        p = f"p={w.number(c.p_value, 3)}" if c.p_value >= 0.001 else "p<0.001"
        noise = (("、" if w.ja else "; ") + (w.t(f"a real change, {p}", f"統計的に有意、{p}") if c.significant
                                           else w.t(f"within noise, {p}", f"誤差の範囲、{p}")))
    if c.current.immature:
        noise = w.t("; the latest cohort is still converting, so it is not comparable yet",
                    "、直近のコホートはまだ転換途中のため、まだ比較できません")
    elif min(c.current.n, c.baseline.n) < MIN_N and info.kind != "count":
        noise = w.t(f"; n={w.count(c.baseline.n)}→{w.count(c.current.n)}, too few to read",
                    f"、件数 {w.count(c.baseline.n)}→{w.count(c.current.n)} と少なく判断できません")
    name = metric_name(info, w)
    slice_ = where(result, w)
    current_label = w.period(c.current_label) + (w.t(" (to date)", "（途中まで）") if c.current.partial else "")
    baseline_label = w.period(c.baseline_label)
    if w.ja:
        head = f"{name}{'（' + slice_ + '）' if slice_ else ''}: " if with_head else ""
        return [f"{head}{current_label} は {w.value(info, now)}、比較期間 {baseline_label} は {w.value(info, then)}"
                f"（{change}{relative}{noise}）。"]
    head = f"{capitalised(name)}{' (' + slice_ + ')' if slice_ else ''}: " if with_head else ""
    return [f"{head}{w.value(info, now)} in {current_label} vs {w.value(info, then)} in {baseline_label} "
            f"({change}{relative}{noise})."]


def _flags(value: MetricValue, w: Words) -> str:
    flags = []
    if value.immature:
        flags.append(w.t("still converting", "転換途中"))
    if value.partial:
        flags.append(w.t("to date", "途中まで"))
    return (f"（{'・'.join(flags)}）" if w.ja else f" ({', '.join(flags)})") if flags else ""


def breakdown_lines(result: MetricResult, w: Words) -> list[str]:
    """A breakdown by a dimension (or a ranking of it), or a trend by period."""
    info, query = result.info, result.query
    name, dimension = metric_name(info, w), w.dimension(query.by or "")
    slice_ = where(result, w)
    scope = ("、".join(x for x in (slice_, period_text(result, w)) if x) if w.ja
             else ", ".join(x for x in (slice_, period_text(result, w)) if x))
    trend = query.by in ("month", "quarter", "year")
    values = result.values[-TREND_ROWS:] if trend else result.values[:BREAKDOWN_ROWS]
    high = highest_first(info, query.rank)  # "which industry closes fastest": the shortest cycle first
    if w.ja:
        head = f"{dimension}別の{name}（{scope}）:"
        if query.rank:
            head = f"{dimension}別の{name}ランキング（{scope}、{'高い' if high else '低い'}順）:"
    else:
        head = f"{capitalised(name)} by {dimension} ({scope}):"
        if query.rank:
            order = "highest first" if high else "lowest first"
            head = f"{capitalised(name)} by {dimension}, ranked {order} ({scope}):"
    lines = [head]
    if query.rank and values and values[0].value is not None:
        best = values[0]
        lines[0] += " " + w.t(f"{best.group} is {'highest' if high else 'lowest'} at "
                              f"{w.value(info, best.value)}.",
                              f"{'最も高い' if high else '最も低い'}のは{best.group}で {w.value(info, best.value)}。")
    for v in values:
        shown = w.value(info, v.value) if v.value is not None else "—"
        n = n_text(info, v, w, short=True)
        group = w.period(v.group) if trend else v.group
        lines.append(f"- {group}: {shown}{' (' + n + ')' if n and not w.ja else '（' + n + '）' if n else ''}"
                     f"{_flags(v, w)}")
    if trend and len(result.values) > TREND_ROWS:
        lines.append(w.t("(the latest periods; the chart shows them all)", "（直近の期間のみ。全期間はグラフに表示）"))
    if not trend and len(result.values) > BREAKDOWN_ROWS:
        lines.append(w.t("(the first groups; the chart shows them all)", "（上位のみ。全グループはグラフに表示）"))
    if result.skipped:
        names = ", ".join(f"{v.group} ({w.count(v.n)})" for v in result.skipped[:8])
        min_n = query.min_n
        lines.append(w.t(f"Not ranked, fewer than {min_n} records: {names}.",
                         f"件数が{min_n}件未満のため順位から除外: {names}。"))
    if result.total.value is not None and not trend:
        lines.append(w.t(f"Overall: {w.value(info, result.total.value)}.", f"全体: {w.value(info, result.total.value)}。"))
    if any(n.code == "immature" for n in result.notes):
        lines.append(w.t("Recent cohorts are still converting, so their rates will rise.",
                         "直近のコホートはまだ転換途中のため、率は今後上がります。"))
    return lines


def metric_lines(result: MetricResult, w: Words, *, bundle: bool = False) -> list[str]:
    """The lines answering one metric-layer result."""
    if any(n.code == "snapshot_no_trend" for n in result.notes):
        return [value_sentence(result, w), w.t("This is a snapshot at the latest date, so it has no trend.",
                                              "これは最新日時点のスナップショットのため、推移はありません。")]
    if result.comparison is not None:
        return comparison_lines(result, w)
    if result.values or result.query.by:
        return breakdown_lines(result, w)
    lines = [value_sentence(result, w, scope=not bundle)]
    if result.total.share is not None:
        name = metric_name(result.info, w)
        lines.append(w.t(f"That is {w.pct(result.total.share)} of all {name}.",
                         f"全体の{name}に占める割合は {w.pct(result.total.share)} です。"))
    asked = next((n.detail for n in result.notes if n.code == "no_target_for"), None)
    if asked:
        lines.insert(0, w.t(f"No revenue target is uploaded for {asked}, so this uses the latest period that has one.",
                            f"{w.period(asked)}の売上目標がアップロードされていないため、目標のある直近の期間で計算しています。"))
    floor = next((n.detail for n in result.notes if n.code == "coverage_floor"), None)
    if result.info.id == "pipeline_coverage" and result.total.target is not None and floor:
        lines.append(w.t(f"Open pipeline against the revenue target of {w.period(result.period_label)} "
                         f"({w.money(result.total.target)}); about {floor}× is the usual floor.",
                         f"{w.period(result.period_label)}の売上目標（{w.money(result.total.target)}）に対する進行中パイプラインの倍率です。"
                         f"目安は{floor}倍程度です。"))
    outside = next((n for n in result.notes if n.code in ("after_data", "before_data")), None)
    if outside is not None:
        lines.append(w.t(f"The upload's data {'ends on' if outside.code == 'after_data' else 'starts on'} "
                         f"{outside.detail}, so {w.period(result.period_label)} is outside it.",
                         f"データは{w.period(outside.detail)}{'まで' if outside.code == 'after_data' else 'から'}のため、"
                         f"{w.period(result.period_label)}は範囲外です。"))
    target = target_sentence(result, w)
    if target:
        lines.append(target)
    elif result.query.against_target:
        lines.append(w.t("No uploaded target covers this period.", "この期間の目標はアップロードされていません。"))
    if result.total.immature and not bundle:
        lines.append(w.t("This cohort is still converting, so the rate will rise.", "このコホートはまだ転換途中のため、率は今後上がります。"))
    return lines


def stalled_lines(stalled: MetricResult, extra: list[MetricResult], w: Words) -> list[str]:
    """Stalled deals, their value, how many of the open deals they are, and where they sit."""
    by_metric = {r.info.id: r for r in extra if not r.query.by}
    value = by_metric.get("stalled_amount")
    open_ = by_metric.get("open_deals")
    count = w.count(stalled.total.value)
    worth = f"（{w.money(value.total.value)}）" if w.ja and value else (f" ({w.money(value.total.value)})" if value else "")
    of_en = f", of {w.count(open_.total.value)} open deals" if open_ is not None and open_.total.value else ""
    of_ja = f"進行中の商談{w.count(open_.total.value)}件のうち" if open_ is not None and open_.total.value else ""
    lines = [w.t(f"Stalled deals ({period_text(stalled, w)}): {count}{worth}{of_en}, open longer than almost all of "
                 "their segment's won deals took to close.",
                 f"停滞商談（{period_text(stalled, w)}）は{of_ja} {count}件{worth}です。同じセグメントの受注案件の"
                 "ほとんどが受注までにかかった期間を超えて進行中の商談です。")]
    for result in (r for r in extra if r.query.by and r.info.id == "stalled_deals"):
        groups = [v for v in result.values if v.value]
        if not groups:
            continue
        dimension = w.t("phase", "フェーズ") if result.query.by == "phase" else w.dimension(result.query.by or "")
        shown = ("、" if w.ja else ", ").join(f"{w.phase(v.group or '') if result.query.by == 'phase' else v.group} "
                                              f"{w.count(v.value)}" for v in groups[:6])
        lines.append(w.t(f"- By {dimension}: {shown}", f"- {dimension}別: {shown}"))
    return lines
