"""What each finding says, in English and Japanese: one function per finding code.

A detector (``tools.findings.*``) calls its code's function with ``lang="en"`` on the exact values
it tested; that sentence is the finding's ``summary``, which SPEC §5 keeps English in the JSON.
The text report, the chat, the memo appendix and the web app call
``tools.wording.finding_sentence.finding_sentence(finding, "ja")``, which reads the same function's
Japanese from the finding's evidence (the rounded SPEC evidence, so every shell says the same
thing). Names come from ``tools.wording.labels``; counts, amounts and whole percents from
``tools.wording.numbers`` (Babel). Rates with decimals and p-values keep Python's formatting
(``:.1%``, ``.2g``): Babel rounds a float's shortest repr half-even, which would move SPEC summaries
at ties (0.0215 -> 2.2% where the JSON has always said 2.1%).

The English sentences are part of the SPEC JSON: change them only deliberately (goldens, evals).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from tools.wording.labels import (
    TRANSITION_NAMES,
    dimension_label,
    driver_label,
    segment_label,
    target_metric_label,
    transition_label,
    volume_label,
)
from tools.wording.lang import Lang, capitalised
from tools.wording.numbers import as_number, format_change, format_count, format_number, format_percent

Segment = tuple[str, str]
Windows = tuple[str, str]


class Change(NamedTuple):
    """A before/after pair as a sentence reads it: a ``tools.stats.Comparison`` or its evidence dict."""

    baseline: float | None
    current: float | None
    n_baseline: int = 0
    n_current: int = 0
    p_value: float | None = None

    @classmethod
    def of(cls, source: Any) -> Change:
        """From a ``Comparison`` (attributes) or its ``to_dict`` (keys); missing parts are None/0."""
        get = source.get if isinstance(source, Mapping) else (lambda key: getattr(source, key, None))
        if source is None:
            return cls(None, None)
        return cls(get("baseline"), get("current"), get("n_baseline") or 0, get("n_current") or 0, get("p_value"))

    @property
    def relative_change(self) -> float | None:
        """``current / baseline - 1`` (as ``Comparison.relative_change``)."""
        if self.baseline in (None, 0) or self.current is None:
            return None
        return self.current / self.baseline - 1.0


def _pct(value: Any, lang: Lang, decimals: int = 1) -> str:
    """A rate as "12.3%". Python's rounding of the exact float, not Babel's: Babel rounds the float's
    shortest repr, so 0.0215 prints 2.2% where the SPEC summaries have always said 2.1%."""
    number = as_number(value)
    if decimals == 0 or number is None:
        return format_percent(number, lang, decimals)  # whole percents: both round alike
    return f"{number:.{decimals}%}"


def _amount(value: Any, lang: Lang) -> str:
    """Every unit, grouped ("1,234,567"): the report's tables must reconcile."""
    return format_number(value, lang, 0)


def _whole(value: Any, lang: Lang) -> str:
    """Rounded to a whole number, ungrouped ("72" hours, "45" days)."""
    return format_number(value, lang, 0, grouped=False)


def _p(value: float | None) -> str:
    return "?" if value is None else f"{value:.2g}"


def _where_ja(segment: Segment | None) -> str:
    return f"（{segment_label(*segment, 'ja')}）" if segment else ""


def conversion_drop(lang: Lang, transition: str, change: Change, *, segment: Segment | None = None,
                    rest: Change | None = None, windows: Windows | None = None) -> str:
    """A transition's rate fell, in one segment (while the ``rest`` of its dimension held) or across the board."""
    step = transition_label(transition, lang)
    if lang == "ja":
        return f"{step}の転換率が{_pct(change.baseline, lang)}から{_pct(change.current, lang)}に低下しました{_where_ja(segment)}。"
    if segment is not None and rest is not None:
        return (f"{step} conversion fell in {segment_label(*segment)}: "
                f"{_pct(change.baseline, lang)} → {_pct(change.current, lang)} (n={change.n_baseline}→{change.n_current}); "
                f"the rest of {dimension_label(segment[0])} held ({_pct(rest.baseline, lang)} → {_pct(rest.current, lang)}).")
    span = f"{windows[0]} → {windows[1]}, " if windows else ""
    return (f"{step} conversion fell from {_pct(change.baseline, lang)} to {_pct(change.current, lang)} "
            f"({span}n={change.n_baseline}→{change.n_current}, p={_p(change.p_value)}) across the board.")


def value_weighted_win_rate(lang: Lang, like_for_like: Change, windows: Windows, by_amount: Change, by_count: Change,
                            *, segment: Segment | None = None, in_segment: Change | None = None,
                            value_share: float | None = None) -> str:
    """``conversion_drop`` on Opportunity → Won from the value-weighted test (``tools.findings.revenue``)."""
    if lang == "ja":
        return conversion_drop(lang, "opportunity_to_won", in_segment or like_for_like, segment=segment)
    where = ""
    if segment is not None and in_segment is not None:
        where = (f", mostly in {segment_label(*segment)} ({_pct(in_segment.baseline, lang)} → "
                 f"{_pct(in_segment.current, lang)}, n={in_segment.n_baseline}→{in_segment.n_current}; "
                 f"{_pct(value_share, lang, 0)} of the closed value)")
    return (f"Win rate weighed by deal value fell from {_pct(like_for_like.baseline, lang)} to "
            f"{_pct(like_for_like.current, lang)} like for like ({windows[0]} → {windows[1]}, "
            f"p={_p(like_for_like.p_value)}){where}; by amount it moved {_pct(by_amount.baseline, lang)} → "
            f"{_pct(by_amount.current, lang)} while the count-based rate moved {_pct(by_count.baseline, lang)} → "
            f"{_pct(by_count.current, lang)}.")


def mix_shift(lang: Lang, transition: str, segment: Segment, share: Change, driver_rate: float | None,
              others_rate: float | None) -> str:
    """The overall rate fell because a low-converting slice's ``share`` of the cohort grew; no slice's own rate fell."""
    if lang == "ja":
        return (_mix_ja(transition, segment, share, driver_rate, others_rate)
                + f"{dimension_label(segment[0], 'ja')}ごとの転換率は変わっていません。")
    dimension = dimension_label(segment[0])
    return (f"{transition_label(transition)} conversion fell because the mix moved, not because any "
            f"{dimension} converts worse: {segment_label(*segment)} went from {_pct(share.baseline, lang, 0)} to "
            f"{_pct(share.current, lang, 0)} of the cohort and converts at {_pct(driver_rate, lang)} vs "
            f"{_pct(others_rate, lang)} for the rest; each {dimension}'s own rate held.")


def lead_quality_decline(lang: Lang, transition: str, segment: Segment, share: Change, driver_rate: float | None,
                         others_rate: float | None) -> str:
    """Lead growth came from a slice that converts worse, so the overall rate fell with the mix."""
    if lang == "ja":
        return _mix_ja(transition, segment, share, driver_rate, others_rate)
    return (f"Lead growth came from {segment_label(*segment)} ({_pct(share.baseline, lang, 0)} → "
            f"{_pct(share.current, lang, 0)} of the cohort), which converts at {_pct(driver_rate, lang)} on "
            f"{transition_label(transition)} vs {_pct(others_rate, lang)} for the rest; the overall rate fell with the mix.")


def _mix_ja(transition: str, segment: Segment, share: Change, driver_rate: float | None,
            others_rate: float | None) -> str:
    return (f"{transition_label(transition, 'ja')}の全体の転換率は、{segment_label(*segment, 'ja')}の構成比が"
            f"{_pct(share.baseline, 'ja')}から{_pct(share.current, 'ja')}に増えたために"
            f"下がりました（この層の転換率は{_pct(driver_rate, 'ja')}、その他は{_pct(others_rate, 'ja')}）。")


def slow_follow_up(lang: Lang, within_sla: Change, median_hours: tuple[float, float] | None = None,
                   mql_to_sql: Change | None = None) -> str:
    """Fewer MQLs touched within the SLA (``mql_to_sql``: the MQL → SQL fall alongside, when it fell)."""
    if lang == "ja":
        return (f"MQLへの24時間以内の初回対応率が{_pct(within_sla.baseline, lang)}から{_pct(within_sla.current, lang)}に"
                "低下し、MQL→SQLの転換率も下がっています。")
    hours = f" (median {_whole(median_hours[0], lang)}h → {_whole(median_hours[1], lang)}h)" if median_hours else ""
    tail = (f"; MQL→SQL fell with it ({_pct(mql_to_sql.baseline, lang)} → {_pct(mql_to_sql.current, lang)})"
            if mql_to_sql is not None else "")
    return (f"MQLs contacted within the SLA fell from {_pct(within_sla.baseline, lang, 0)} to "
            f"{_pct(within_sla.current, lang, 0)}{hours}{tail}.")


def lead_volume_decline(lang: Lang, leads: Change, windows: Windows | None = None, segment: Segment | None = None,
                        volume_of: str | None = None) -> str:
    """Fewer new leads (or, where the funnel starts later, ``volume_of``: MQLs, SQLs, opportunities)
    than in the baseline window (``segment``: the lead source that explains it)."""
    noun = volume_label("lead_volume", volume_of, lang) or ("新規リード数" if lang == "ja" else "new leads")
    if lang == "ja":
        return (f"{noun}が{_amount(leads.baseline, lang)}件から{_amount(leads.current, lang)}件に"
                f"減少しました{_where_ja(segment)}。")
    where = f", mostly from {segment[1]}" if segment else ""
    return (f"{capitalised(noun)} fell from {_amount(leads.baseline, lang)} to {_amount(leads.current, lang)} "
            f"({format_change(leads.relative_change or 0.0, lang)}) between {_between(windows)}{where}.")


def _between(windows: Windows | None) -> str:
    return f"{windows[0]} and {windows[1]}" if windows else "? and ?"


def deal_size_drop(lang: Lang, deal_size: Change, adjusted_ratio: float | None, windows: Windows | None = None) -> str:
    """Won deals got smaller, like for like (``adjusted_ratio``: same segment mix) and on the plain average."""
    ratio = as_number(adjusted_ratio)
    if lang == "ja":
        like = f"同じセグメント構成で比べると{format_change(ratio - 1, lang)}です（" if ratio is not None else "（"
        return (f"受注金額が小さくなっています。{like}平均受注単価は{_amount(deal_size.baseline, lang)}から"
                f"{_amount(deal_size.current, lang)}）。")
    rel = deal_size.relative_change or 0.0
    effect = -rel if ratio is None else 1.0 - ratio
    return (f"Won deals got smaller: {format_change(-effect, lang)} like for like (same segment mix) between "
            f"{_between(windows)} (n={deal_size.n_baseline}→{deal_size.n_current}, p={_p(deal_size.p_value)}); "
            f"the plain average moved from {_amount(deal_size.baseline, lang)} to {_amount(deal_size.current, lang)} "
            f"({format_change(rel, lang)}).")


def cycle_time_increase(lang: Lang, closed_in_time: Change, horizon_days: float | None,
                        median_days: tuple[float | None, float | None]) -> str:
    """Fewer opportunities closed within the usual time; the median time to close grew."""
    if lang == "ja":
        return (f"商談のクローズまでの期間の中央値が約{_amount(median_days[0], lang)}日から"
                f"約{_amount(median_days[1], lang)}日に延びています。")
    return (f"Opportunities closed within {_whole(horizon_days, lang)} days fell from "
            f"{_pct(closed_in_time.baseline, lang, 0)} to {_pct(closed_in_time.current, lang, 0)}; the median time "
            f"to close grew from about {_whole(median_days[0], lang)} to about {_whole(median_days[1], lang)} days.")


def churn_increase(lang: Lang, churn: Change, windows: Windows | None = None, lost_value: float | None = None) -> str:
    """Churn on the active base rose (``lost_value``: the extra contract value lost per window)."""
    if lang == "ja":
        return f"既存顧客の解約率が{_pct(churn.baseline, lang)}から{_pct(churn.current, lang)}に上昇しました。"
    return (f"Churn on the active base rose from {_pct(churn.baseline, lang)} to {_pct(churn.current, lang)} per window "
            f"({_between(windows)}), about {_amount(lost_value, lang)} more contract value lost per window.")


class QualitySlice(NamedTuple):
    """The low-quality slice a ``kpi_green_revenue_flat`` finding names (from ``lead_quality_decline``)."""

    segment: Segment
    transition: str | None
    driver_rate: float
    others_rate: float


def kpi_green_revenue_flat(lang: Lang, *, segment: Segment | None = None, targets_met: bool = False,
                           lead_change: float | None = None, attainment_missed: Mapping[str, float] | None = None,
                           revenue_change: float | None = None, quality_slice: QualitySlice | None = None) -> str:
    """Volume KPIs met (``targets_met``) or grew (``lead_change``) while the downstream targets were missed
    (``attainment_missed``: metric -> attainment) or won revenue barely moved (``revenue_change``)."""
    if lang == "ja":
        return ("リード・MQL・SQLなどの量のKPIは達成・増加していますが、売上は伸びていません"
                f"{_where_ja(segment)}。量を生んだ層の下流の転換率が低いためです。")
    what = "volume KPIs met their targets" if targets_met else f"leads grew {format_change(lead_change or 0.0, lang)}"
    rev = ""
    if attainment_missed is not None:
        rev = " but " + ", ".join(f"{target_metric_label(m)} reached {_pct(a, lang, 0)}"
                                  for m, a in attainment_missed.items()) + " of target"
    elif revenue_change is not None:
        rev = f" while won revenue moved {format_change(revenue_change, lang)}"
    why = ""
    if quality_slice is not None:
        why = (f" The growth came from {segment_label(*quality_slice.segment)}, which converts at "
               f"{_pct(quality_slice.driver_rate, lang)} on {transition_label(quality_slice.transition)}"
               f" vs {_pct(quality_slice.others_rate, lang)} for the rest.")
    return f"KPIs look green but revenue is not following: {what}{rev}.{why}"


def stalled_pipeline(lang: Lang, stalled_deals: int, open_deals: int, share: float | None,
                     threshold_days: float | None, threshold_by_segment: Mapping[str, float] | None = None) -> str:
    """Open deals older than the 90th-percentile won cycle (of their segment when it has enough wins)."""
    by_segment = sorted((threshold_by_segment or {}).items(), key=lambda kv: kv[1])
    if lang == "ja":
        if by_segment:
            parts = "、".join(f"{k} {_whole(v, lang)}日" for k, v in by_segment)
            threshold = f"セグメントごとの通常の商談期間（{parts}）を超えて"
        else:
            threshold = f"{_amount(threshold_days, lang)}日以上"
        return (f"進行中の商談{format_count(open_deals, lang)}件のうち{format_count(stalled_deals, lang)}件が"
                f"{threshold}動いていません。クローズまたは再評価が必要です。")
    if by_segment:
        parts = ", ".join(f"{k} {_whole(v, lang)}" for k, v in by_segment)
        threshold = f"their segment's usual cycle ({parts} days)"
    else:
        threshold = f"{_whole(threshold_days, lang)} days"
    return (f"{stalled_deals} of {open_deals} open deals ({_pct(share, lang, 0)} of open pipeline) have been "
            f"open longer than {threshold}, the 90th percentile of won cycles; "
            "close them out or re-qualify them so the pipeline and forecast stay honest.")


def recycle_opportunity(lang: Lang, lost_deals: int, lost_amount: float | None, unconverted_mqls: int,
                        min_age_days: int) -> str:
    """Lost deals and old unconverted MQLs: the pool to re-nurture."""
    if lang == "ja":
        return (f"失注商談{format_count(lost_deals, lang)}件と、{min_age_days}日以上SQLにならないMQL "
                f"{format_count(unconverted_mqls, lang)}件がリサイクル（再育成）の対象です。")
    amount = f" worth {_amount(lost_amount, lang)}" if lost_amount else ""
    return (f"Recycle pool: {lost_deals} lost deals{amount} and {unconverted_mqls} MQLs older than {min_age_days} days "
            "that never became SQL; most buyers purchase later, so route them back to nurturing.")


class CoverageFacts(NamedTuple):
    """The quarter forecast behind ``pipeline_coverage_low`` (``tools.revenue.forecast.Forecast``)."""

    coverage: float
    period: str
    open_pipeline: float | None
    remaining: float | None
    target: float | None
    expected: float | None
    low: float | None
    high: float | None
    gap: float


def pipeline_coverage_low(lang: Lang, facts: CoverageFacts) -> str:
    """Open pipeline under 3x the revenue still to win this quarter, with the forecast and its gap."""
    if lang == "ja":
        return f"進行中パイプラインは売上目標の{facts.coverage:.1f}倍しかありません（目安は3倍）。"
    gap = facts.gap
    return (f"Open pipeline covers {facts.coverage:.1f}× the revenue still to win in {facts.period} "
            f"({_amount(facts.open_pipeline, lang)} vs {_amount(facts.remaining, lang)} of a "
            f"{_amount(facts.target, lang)} target; 3× is the usual floor). The forecast expects "
            f"{_amount(facts.expected, lang)} (80%: {_amount(facts.low, lang)}–{_amount(facts.high, lang)}), "
            + (f"{_amount(gap, lang)} short of target." if gap > 0 else f"{_amount(-gap, lang)} above target."))


class BridgeDriver(NamedTuple):
    """The revenue bridge's largest driver beyond noise (``tools.revenue.bridge.BridgeComponent``)."""

    driver: str
    dimension: str | None
    value: str | None
    amount: float


def revenue_decline(lang: Lang, baseline: float, current: float, relative_change: float | None,
                    window: str | None, top: BridgeDriver | None) -> str:
    """Won revenue fell; the bridge's largest driver beyond noise (``top``; None: nothing stands out)."""
    rel = relative_change or 0.0
    segment = (top.dimension, top.value) if top is not None and top.dimension and top.value else None
    if lang == "ja":
        span = f"（{window}）" if window else ""
        fell = f"受注売上が{_amount(baseline, lang)}から{_amount(current, lang)}に{_pct(-rel, lang, 0)}減少しました{span}。"
        if top is None:
            return fell + "売上ブリッジのどの要因も、その元データの通常の揺れを超えていません。"
        if top.driver == "mix":
            what = f"{dimension_label(top.dimension or '', 'ja')}の構成比の変化{_where_ja(segment)}"
        else:
            what = f"{driver_label(top.driver, lang='ja')}{_where_ja(segment)}"
        return fell + f"売上ブリッジでは最大の要因は{what}で、約{_amount(-top.amount, lang)}の減少に相当します。"
    fell = f"Won revenue fell {_pct(-rel, lang, 0)} ({_amount(baseline, lang)} → {_amount(current, lang)}, {window})"
    if top is None:
        return fell + "; no component of the revenue bridge stands out from the noise of the data behind it."
    inside = f" in {segment_label(*segment)}" if segment else ""
    if top.driver == "mix":
        what = f"the {dimension_label(top.dimension or '')} mix moving"
        what += f" away from {segment_label(*segment)}" if segment else ""
    elif top.driver in TRANSITION_NAMES["en"]:
        what = f"{transition_label(top.driver)} conversion{inside}"
    else:
        what = driver_label(top.driver) + inside
    return fell + f"; the revenue bridge puts {_amount(-top.amount, lang)} of it on {what}."

