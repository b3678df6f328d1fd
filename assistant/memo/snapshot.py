"""The brief of an undated upload: a snapshot, never "nothing deteriorated".

Without dates there are no windows, so the diagnosis cannot say whether anything got worse; a
brief that read "no lever deteriorated beyond normal noise" would sound like a clean bill of
health. Instead the headline says trends cannot be judged, and the causes list what the snapshot
does show: each conversion the upload observes (with n and its 95% interval) and the dimensions
where it differs most, highest against lowest group (groups under the ranking's minimum left out).
Every figure comes from ``tools.metric_layer.run_query`` on the memo's data.
"""

from __future__ import annotations

from assistant.memo.context import MemoContext
from tools.errors import RevOpsInputError
from tools.metric_layer import MetricQuery, MetricResult, MetricValue, run_query
from tools.metric_layer.spreads import Spread, snapshot_dimensions, widest_spreads
from tools.wording import dimension_label, stage_label

#: dimensions named in the causes (the widest spreads first)
SPREAD_ROWS = 3


def _t(ctx: MemoContext, en: str, ja: str) -> str:
    return ja if ctx.words.ja else en


def is_undated(ctx: MemoContext) -> bool:
    caps = ctx.diagnosis.load.capabilities
    return caps is not None and not caps.dated


def _query(ctx: MemoContext, query: MetricQuery) -> MetricResult | None:
    try:
        return run_query(ctx.data, query)
    except RevOpsInputError:  # a step or dimension this upload cannot measure: left out
        return None


def _spreads(ctx: MemoContext, metric: str) -> list[Spread]:
    queried = [_query(ctx, MetricQuery(metric, by=d, rank="top")) for d in snapshot_dimensions(ctx.data)]
    return widest_spreads([r for r in queried if r is not None], metric, SPREAD_ROWS)


def _label(ctx: MemoContext, spread: Spread) -> str:
    dimension = spread.result.query.by or ""
    return ctx.data.extra_dimensions.get(dimension) or dimension_label(dimension, ctx.words.lang)


def _rate(ctx: MemoContext, value: MetricValue) -> str:
    w = ctx.words
    interval = (f"{w.pct(value.low)}–{w.pct(value.high)}" if value.low is not None and value.high is not None else "")
    if w.ja:
        return f"{w.pct(value.value)}（{w.count(value.n)}件" + (f"、95%区間 {interval}）" if interval else "）")
    return f"{w.pct(value.value)} (n={w.count(value.n)}" + (f", 95% interval {interval})" if interval else ")")


def snapshot_brief(ctx: MemoContext) -> tuple[str, list[str]] | None:
    """(headline, cause lines) for an undated upload; None when the upload has dates."""
    if not is_undated(ctx):
        return None
    w = ctx.words
    caps = ctx.diagnosis.load.capabilities
    steps = caps.observed_steps if caps is not None else []
    causes: list[str] = []
    first: str | None = None
    for start, end in steps:
        metric = f"{start}_to_{end}"
        total = _query(ctx, MetricQuery(metric))
        if total is None or total.total.value is None:
            continue
        step = f"{stage_label(start, w.lang)} → {stage_label(end, w.lang)}"
        line = _t(ctx, f"{step} converts at {_rate(ctx, total.total)} across the upload.",
                   f"{step}の転換率はデータ全体で {_rate(ctx, total.total)} です。")
        spreads = _spreads(ctx, metric)
        if spreads:
            s = spreads[0]
            line += _t(ctx, f" It differs most by {_label(ctx, s)}: {s.high.group} {_rate(ctx, s.high)} against "
                        f"{s.low.group} {_rate(ctx, s.low)}.",
                        f"差が最も大きい切り口は{_label(ctx, s)}で、{s.high.group} {_rate(ctx, s.high)}、"
                        f"{s.low.group} {_rate(ctx, s.low)}です。")
        if first is None:
            first = _t(ctx, f"{step} converts at {w.pct(total.total.value)} overall", f"{step}の転換率は全体で{w.pct(total.total.value)}")
            if spreads:
                s = spreads[0]
                first += _t(ctx, f", from {w.pct(s.high.value)} ({s.high.group}) to {w.pct(s.low.value)} ({s.low.group}) "
                                 f"by {_label(ctx, s)}.",
                            f"、{_label(ctx, s)}別では{s.high.group}の{w.pct(s.high.value)}から{s.low.group}の{w.pct(s.low.value)}まで"
                            "開きがあります。")
            else:
                first += _t(ctx, ".", "です。")
        causes.append(line)
        causes += [_t(ctx, f"{step} by {_label(ctx, s)}: highest {s.high.group} {_rate(ctx, s.high)}, lowest "
                       f"{s.low.group} {_rate(ctx, s.low)}.",
                       f"{_label(ctx, s)}別の{step}: 最も高い {s.high.group} {_rate(ctx, s.high)}、最も低い "
                       f"{s.low.group} {_rate(ctx, s.low)}。") for s in spreads[1:]]
    lead = _t(ctx, "An undated snapshot: without dates this memo cannot say whether anything got worse over time.",
               "日付のないスナップショットです。日付がないため、何かが悪化したかどうかはこのメモでは判断できません。")
    headline = f"{lead} {first}" if first and not w.ja else (lead + first if first else lead)
    return headline, causes
