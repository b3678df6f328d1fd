"""Charts for answers, filled from the same typed tool results the text uses.

A breakdown -> ``bar``, a trend -> ``line``, the funnel's stage counts -> ``funnel``, a comparison
or a what-if -> ``before_after``, a revenue bridge or the quarter forecast -> ``waterfall``. Titles and column labels are in
the answer's language (``tools.wording``); the rows are the tool's values, unrounded.
"""

from __future__ import annotations

from typing import Any, Literal

from assistant.chat.answer import Exhibit, ExhibitUnit
from assistant.chat.tools.runtime import ToolRecord
from tools import wording
from tools.metric_layer import MetricResult
from tools.wording import Lang, capitalised

STAGE_COUNTS = ("leads", "mqls", "sqls", "opportunities", "won_deals")
UNIT: dict[str, ExhibitUnit] = {"count": "count", "percent": "percent", "money": "money", "days": "days",
                                "hours": "hours", "ratio": "number"}


def _t(lang: Lang, en: str, ja: str) -> str:
    return ja if lang == "ja" else en


def metric_exhibit(result: MetricResult, lang: Lang, currency: str | None) -> Exhibit | None:
    """A bar (breakdown), line (trend) or before/after (comparison) chart of one metric result."""
    info, query = result.info, result.query
    name = wording.metric_label(info.id, lang)
    unit = UNIT[info.unit]
    money = currency if info.unit == "money" else None
    if result.comparison is not None:
        c = result.comparison
        if c.baseline.value is None or c.current.value is None:
            return None
        return Exhibit("before_after", capitalised(name), [_t(lang, "period", "期間"), name, "n"],
                       [[c.baseline_label, c.baseline.value, c.baseline.n], [c.current_label, c.current.value, c.current.n]],
                       x=_t(lang, "period", "期間"), y=[name], unit=unit, currency=money)
    if not result.values:
        return None
    dimension = query.by or ""
    label = {"month": _t(lang, "month", "月"), "quarter": _t(lang, "quarter", "四半期"),
             "year": _t(lang, "year", "年")}.get(dimension) or result.labels.get(dimension) \
        or wording.dimension_label(dimension, lang)  # an extra dimension: its own header
    rows = [[v.group, v.value, v.n] for v in result.values if v.value is not None]
    kind: Literal["line", "bar"] = "line" if dimension in ("month", "quarter", "year") else "bar"
    title = _t(lang, f"{name} by {label}", f"{label}別の{name}")
    return Exhibit(kind, capitalised(title), [label, name, "n"], rows, x=label, y=[name], unit=unit, currency=money)


def side_by_side_exhibit(results: list[MetricResult], lang: Lang, currency: str | None) -> Exhibit | None:
    """One metric for several slices ("Webinar vs Referral") as a bar chart."""
    singles = [r for r in results if not r.query.by and r.comparison is None and r.query.filters
               and r.total.value is not None]
    if len(singles) < 2 or len({r.info.id for r in singles}) != 1:
        return None
    info = singles[0].info
    name = wording.metric_label(info.id, lang)
    slice_ = _t(lang, "slice", "対象")
    rows = [[" / ".join(v for _, v in r.query.filters), r.total.value, r.total.n] for r in singles]
    return Exhibit("bar", capitalised(name), [slice_, name, "n"], rows, x=slice_, y=[name], unit=UNIT[info.unit],
                   currency=currency if info.unit == "money" else None)


def stages_exhibit(diagnosis: Any, lang: Lang) -> Exhibit:
    """The diagnosis's stage counts (records that reached each stage) as a funnel chart."""
    stage = _t(lang, "stage", "ステージ")
    count = _t(lang, "records", "件数")
    rows = [[wording.stage_label(s.stage, lang), s.count] for s in diagnosis.stages]
    return Exhibit("funnel", _t(lang, "Funnel", "ファネル"), [stage, count], rows, x=stage, y=[count], unit="count")


def funnel_exhibit(results: list[MetricResult], lang: Lang) -> Exhibit | None:
    """The stage counts of a whole-funnel answer as a funnel chart."""
    counts = {r.info.id: r.total.value for r in results if r.info.id in STAGE_COUNTS and not r.query.by}
    if len(counts) < len(STAGE_COUNTS):
        return None
    stage = _t(lang, "stage", "ステージ")
    count = _t(lang, "records", "件数")
    rows = [[wording.metric_label(m, lang), counts[m]] for m in STAGE_COUNTS]
    return Exhibit("funnel", _t(lang, "Funnel", "ファネル"), [stage, count], rows, x=stage, y=[count], unit="count")


def what_if_exhibit(result: dict[str, Any], lang: Lang, currency: str | None) -> Exhibit:
    revenue = _t(lang, "revenue per period", "1期間あたりの売上")
    scenario = _t(lang, "scenario", "シナリオ")
    return Exhibit("before_after", _t(lang, f"What-if: {wording.lever_label(result['lever'])}",
                                      f"試算: {wording.lever_label(result['lever'], 'ja')}"),
                   [scenario, revenue], [[_t(lang, "today", "現状"), result["revenue"]],
                                         [_t(lang, "after the change", "変更後"), result["new_revenue"]]],
                   x=scenario, y=[revenue], unit="money", currency=currency)


def bridge_exhibit(diagnosis: Any, lang: Lang, currency: str | None) -> Exhibit | None:
    """The revenue bridge (issue 14) as a waterfall: baseline, each driver, the residual, current."""
    bridge = getattr(diagnosis, "revenue_bridge", None)
    if bridge is None:
        return None
    step, amount = _t(lang, "step", "要因"), _t(lang, "revenue", "売上")
    rows: list[list[Any]] = [[wording.period_label(bridge.baseline.label, lang), bridge.baseline_revenue]]
    for part in bridge.by_driver():
        name = wording.lever_label(part.driver, lang)
        if part.driver == "mix" and part.dimension:
            name += f" ({wording.dimension_label(part.dimension, lang)})"
        rows.append([name, part.amount])
    if abs(bridge.residual) >= 0.5:  # float dust of an exact split is not a step
        rows.append([_t(lang, "other", "その他"), bridge.residual])
    rows.append([wording.period_label(bridge.current.label, lang), bridge.current_revenue])
    return Exhibit("waterfall", _t(lang, "Revenue bridge", "売上ブリッジ"), [step, amount], rows, x=step, y=[amount],
                   unit="money", currency=currency)


def forecast_exhibit(diagnosis: Any, lang: Lang, currency: str | None) -> Exhibit | None:
    """The quarter forecast (issue 14) as a waterfall: won so far, + open pipeline, + new deals = expected,
    beside the target."""
    forecast = getattr(diagnosis, "forecast", None)
    if forecast is None:
        return None
    step, amount = _t(lang, "step", "内訳"), _t(lang, "revenue", "売上")
    rows: list[list[Any]] = [[_t(lang, "won so far", "受注済み"), forecast.closed, "absolute"],
                             [_t(lang, "from open pipeline", "進行中の商談から"), forecast.from_pipeline, "relative"],
                             [_t(lang, "new deals won in the quarter", "期中に新規受注"), forecast.run_rate, "relative"],
                             [_t(lang, "expected", "着地見込み"), forecast.expected, "absolute"]]
    if forecast.target is not None:
        rows.append([_t(lang, "target", "目標"), forecast.target, "absolute"])
    title = _t(lang, f"Forecast {forecast.period}", f"{wording.period_label(forecast.period, 'ja')}の着地見込み")
    return Exhibit("waterfall", title, [step, amount, "measure"], rows, x=step, y=[amount], unit="money",
                   currency=currency)


def exhibits_for(records: list[ToolRecord], lang: Lang, currency: str | None, intent: str | None = None) -> list[Exhibit]:
    """Every chart this turn's tool results call for, in call order (at most four)."""
    out: list[Exhibit] = []
    metric_results = [r.result for r in records if r.name == "query_metric" and r.ok]
    for combined in (funnel_exhibit(metric_results, lang), side_by_side_exhibit(metric_results, lang, currency)):
        if combined is not None:
            out.append(combined)
    for record in records:
        if not record.ok:
            continue
        if record.name == "query_metric":
            exhibit = metric_exhibit(record.result, lang, currency)
            if exhibit is not None and (intent != "why" or exhibit.kind != "before_after"):
                out.append(exhibit)
        elif record.name == "what_if":
            out.append(what_if_exhibit(record.result, lang, currency))
        elif record.name == "diagnose_funnel" and intent in ("revenue_change", "kpi_green_flat", "forecast"):
            exhibit = (forecast_exhibit if intent == "forecast" else bridge_exhibit)(record.result, lang, currency)
            if exhibit is not None:
                out.append(exhibit)
        elif record.name == "diagnose_funnel" and intent in ("diagnose", "memo"):
            out.append(stages_exhibit(record.result, lang))
    return out[:4]
