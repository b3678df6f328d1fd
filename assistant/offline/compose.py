"""Write the offline answer from the turn's typed tool results (English or Japanese).

Every number printed is a value of a tool result (a ``MetricResult``, the ``Diagnosis``, a
planning result, a logged note) formatted by ``Words``; nothing is computed here. The shape fits
the question: a narrow question gets the figure, its n, a comparison when it helps and one line
of playbook context; a diagnosis gets the bottleneck, findings, what to change and the playbook.
``compose_answer`` also returns the product's own sentences it quoted (advice, help examples), so
the grounding check can see where their figures (24 hours, ~80%) come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.chat.metric_asks import asks_pipeline_health
from assistant.chat.question import CHAIN_SUBJECTS, Route, SegmentFilter
from assistant.chat.tools.playbook import Passage
from assistant.chat.tools.runtime import ToolRecord
from assistant.offline import compose_open as open_
from assistant.offline.actions import actions_for
from assistant.offline.compose_findings import (
    bridge_lines,
    diagnose_lines,
    finding_line,
    forecast_lines,
    kpi_green_lines,
    overview_lines,
)
from assistant.offline.compose_health import health_lines
from assistant.offline.compose_metrics import comparison_lines, metric_lines, stalled_lines, value_sentence
from assistant.offline.compose_plans import (
    capacity_lines,
    capacity_question,
    inside_sales_lines,
    reverse_plan_lines,
    reverse_plan_question,
    what_if_lines,
    what_if_question,
)
from assistant.offline.compose_snapshot import is_snapshot, snapshot_lines
from assistant.offline.why_chain import compose_cause_chain, compose_metric_chain
from assistant.offline.words import Words
from tools.diagnosis import Diagnosis
from tools.metric_layer import MetricQuery, MetricResult, NotObservedError, StageNotInUploadError
from tools.metric_layer.run import NO_TARGETS

#: finding codes that explain a metric (for "why is that?")
EXPLAINS = {
    "win_rate": ("conversion_drop",), "opportunity_to_won": ("conversion_drop",),
    "median_follow_up_hours": ("slow_follow_up",), "follow_up_within_sla": ("slow_follow_up",),
    "never_contacted_mqls": ("slow_follow_up",), "never_contacted_share": ("slow_follow_up",),
    "average_deal_size": ("deal_size_drop", "mix_shift"),
    "median_cycle_days": ("cycle_time_increase", "stalled_pipeline"), "churn_rate": ("churn_increase",),
    "leads": ("lead_volume_decline", "lead_quality_decline"), "won_revenue": ("kpi_green_revenue_flat",),
}
METRIC_TRANSITION = {"win_rate": "opportunity_to_won", "won_deals": "opportunity_to_won"}


@dataclass
class Composed:
    """An offline answer, the finding codes it reports and the product texts it quoted."""

    text: str
    findings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _results(records: list[ToolRecord], name: str) -> list[Any]:
    return [r.result for r in records if r.name == name and r.ok]


def _notes(records: list[ToolRecord]) -> dict[str, dict[str, Any]]:
    return {r.name: r.result for r in records if r.ok and isinstance(r.result, dict) and r.name.endswith(
        ("_example", "_target"))}


def passage_lines(records: list[ToolRecord], w: Words) -> list[str]:
    """One line per playbook passage of this turn: "Playbook [topic]: sentence"."""
    found: list[Passage] = []
    for r in records:
        if r.name == "playbook_passage" and r.ok:
            found.append(r.result)
    return [f"{w.t('Playbook', 'プレイブック')} [{p.topic}]: {p.excerpt}" for p in found]


def _errors(records: list[ToolRecord], w: Words) -> list[str]:
    errors = [r.error for r in records if r.error is not None and not r.name.endswith("playbook")]
    unobserved = [e for e in errors if isinstance(e, NotObservedError)]
    later_start = [e for e in errors if isinstance(e, StageNotInUploadError)][:1]  # one "starts at" line
    lines = [open_.error_line(e, w) for e in errors if not isinstance(e, NotObservedError | StageNotInUploadError)]
    return list(dict.fromkeys([*(open_.error_line(e, w) for e in later_start), *lines,
                               *open_.not_observed_lines(unobserved, w)]))


def _observation_lines(results: list[MetricResult], w: Words) -> list[str]:
    """One line when a conversion shown runs across stages the upload does not observe."""
    skipped = [s for r in results for n in r.notes if n.code == "unobserved_between" for s in n.detail.split(",")]
    return [open_.unobserved_between_line(list(dict.fromkeys(skipped)), w)] if skipped else []


def compose_answer(route: Route, records: list[ToolRecord], w: Words, *, has_data: bool = True) -> Composed:
    """The offline answer to ``route`` from this turn's ``records``."""
    intent = route.intent
    if intent == "off_topic":
        return Composed("\n".join(open_.off_topic(w)))
    if intent == "refusal":
        return Composed("\n".join(open_.refusal(w)))
    searches = [p for found in _results(records, "search_playbook") for p in found]
    if not has_data and intent not in ("playbook", "help"):
        return Composed("\n".join([*open_.no_data(w), "", *open_.playbook_lines(searches, w)]))
    if intent == "playbook":
        passages = [r.result for r in records if r.name == "playbook_passage" and r.ok]
        return Composed("\n".join(open_.concept_lines(passages, searches, w)))
    if intent == "help":
        summary = next(iter(_results(records, "describe_upload")), None)
        return Composed("\n".join(open_.help_lines(summary, w)), sources=open_.help_sources())
    if intent == "missing_metric":
        return _missing(route, records, w)
    if intent == "metric":
        return _metric(route, records, w)
    if intent == "why":
        return _why(route, records, w)
    if intent in ("what_if", "reverse_plan", "capacity"):
        return _plan(route, records, w)
    return _diagnosis(route, records, w)


def _main_and_extra(route: Route, records: list[ToolRecord]) -> tuple[list[MetricResult], list[MetricResult]]:
    results: list[MetricResult] = _results(records, "query_metric")
    wanted = {_key(q) for q in route.queries}
    main = [r for r in results if _key(r.query) in wanted]
    return main, [r for r in results if _key(r.query) not in wanted]


def _key(query: MetricQuery) -> tuple[Any, ...]:
    return (query.metric, query.by, tuple((d, v.casefold()) for d, v in query.filters), query.period,
            query.compare, query.rank, query.limit, query.against_target)


def _metric(route: Route, records: list[ToolRecord], w: Words) -> Composed:
    main, extra = _main_and_extra(route, records)
    summary = next(iter(_results(records, "describe_upload")), None)
    lines: list[str] = open_.unknown_lines(route.unknown, summary, w)
    no_targets = any(r.error is not None and r.error.problem == NO_TARGETS for r in records)
    health = health_lines(main, w, targets_loaded=not no_targets) if asks_pipeline_health(route.queries) else []
    if health:
        lines += health
    elif len(main) == 1 and main[0].info.id == "stalled_deals" and not main[0].query.by:
        lines += stalled_lines(main[0], extra, w)
    elif len(main) == 1:
        lines += metric_lines(main[0], w)
        for result in extra:
            if result.comparison is not None:
                lines += [w.t("Latest period: ", "直近の比較: ") + comparison_lines(result, w, with_head=False)[0]]
            elif not result.query.filters and result.total.value is not None:
                every = w.value(result.info, result.total.value)
                if result.period_label:
                    lines.append(w.t(f"Everyone in the same period: {every}.", f"同じ期間の全体では {every} です。"))
                else:
                    lines.append(w.t(f"Across the whole upload: {every}.", f"全体では {every} です。"))
    else:
        for result in main:
            shown = metric_lines(result, w, bundle=True)
            lines += [f"- {shown[0]}", *shown[1:]] if len(shown) == 1 or result.values else shown
    lines += _observation_lines(main, w)
    lines += _errors([r for r in records if not (health and "revenue target" in str(r.error))], w)  # said once above
    passages = passage_lines(records, w)
    if passages and lines:
        lines += ["", *passages[:1]]
    return Composed("\n".join(lines).strip())


def _why(route: Route, records: list[ToolRecord], w: Words) -> Composed:
    if (route.subject is not None and route.subject.intent in CHAIN_SUBJECTS) or route.depth >= 2:
        chained = compose_cause_chain if route.subject is not None and route.subject.intent in CHAIN_SUBJECTS \
            else compose_metric_chain
        chain, reported = chained(route, records, w)
        return Composed("\n".join(chain + _errors(records, w)).strip(), reported, sources=actions_for(reported, w.lang))
    main, extra = _main_and_extra(route, records)
    diagnosis = next(iter(_results(records, "diagnose_funnel")), None)
    lines: list[str] = []
    subject = main[0] if main else None
    if subject is not None:
        lines.append(value_sentence(subject, w))
        for result in extra:
            if result.comparison is not None:
                lines.append(w.t("Trend: ", "推移: ") + comparison_lines(result, w, with_head=False)[0])
            elif result.values:
                others = ", ".join(f"{v.group} {w.value(result.info, v.value)}" for v in result.values
                                   if v.value is not None)
                lines.append(w.t(f"By {w.dimension(result.query.by or '')}: {others}.",
                                 f"{w.dimension(result.query.by or '')}別: {others}。"))
    codes: list[str] = []
    if isinstance(diagnosis, Diagnosis):
        related = _related_findings(diagnosis, subject.query if subject else None)
        if related:
            lines += ["", w.t("What the diagnosis finds behind it:", "診断で分かった背景:"),
                      *(finding_line(f, w) for f in related[:3])]
            codes = [f.code for f in related]
        else:
            where = ", ".join(v for _, v in subject.query.filters) if subject else ""
            lines += ["", w.t(f"None of the diagnosis's findings concerns {where or 'this metric'}: the level is "
                              "structural (how this slice buys), not a recent change.",
                              f"診断の検出事項には{where or 'この指標'}に関するものはありません。最近の変化ではなく、"
                              "この層の構造的な水準と考えられます。")]
    lines += _errors(records, w)
    passages = passage_lines(records, w)
    if passages:
        lines += ["", *passages[:1]]
    return Composed("\n".join(lines).strip(), codes)


def _related_findings(diagnosis: Diagnosis, query: MetricQuery | None) -> list[Any]:
    findings = [f for f in diagnosis.findings_by_severity() if f.severity != "info"]
    if query is None:
        return findings[:3]
    values = {v.casefold() for _, v in query.filters}
    codes = EXPLAINS.get(query.metric, ())
    transition = METRIC_TRANSITION.get(query.metric, query.metric)
    if values:  # a slice: its own findings, and company-wide drops of this metric
        return [f for f in findings if (f.segment and f.segment[1].casefold() in values)
                or (f.code in codes and not f.segment and f.transition in (None, transition))]
    return [f for f in findings if f.code in codes or (f.transition == transition and f.code == "conversion_drop")]


def _plan(route: Route, records: list[ToolRecord], w: Words) -> Composed:
    notes = _notes(records)
    lines: list[str] = []
    if route.intent == "what_if":
        results = _results(records, "what_if")
        lines = what_if_lines(results[0], w) if results else (
            what_if_question(notes["what_if_example"], route.lever, w) if "what_if_example" in notes else [])
    elif route.intent == "reverse_plan":
        results = _results(records, "reverse_plan")
        lines = reverse_plan_lines(results[0], w) if results else reverse_plan_question(notes["reverse_plan_example"], w)
    else:
        results = _results(records, "capacity_plan") or _results(records, "inside_sales_plan")
        if results and records and any(r.name == "inside_sales_plan" and r.ok for r in records):
            lines = inside_sales_lines(results[0], w)
        else:
            lines = capacity_lines(results[0], w) if results else capacity_question(notes, w)
    if not results and not lines:
        lines = _errors(records, w)
    elif results:
        lines += _errors(records, w)
    passages = passage_lines(records, w)
    if passages and results:
        lines += ["", *passages[:1]]
    return Composed("\n".join(lines).strip())


def _diagnosis(route: Route, records: list[ToolRecord], w: Words) -> Composed:
    diagnosis = next(iter(_results(records, "diagnose_funnel")), None)
    measured: list[MetricResult] = _results(records, "query_metric")
    if diagnosis is None and is_snapshot(measured):  # an undated upload: a snapshot, not "no problem found"
        lines = [*snapshot_lines(measured, w), *_observation_lines(measured, w), *_errors(records, w)]
        return Composed("\n".join([*lines, "", *passage_lines(records, w)[:1]]).strip())
    if not isinstance(diagnosis, Diagnosis):
        return Composed("\n".join(_errors(records, w)) or w.t("The data could not be diagnosed.", "診断できませんでした。"))
    seg = route.segment
    note = (f"（{w.segment(seg.dimension, seg.value)} のみ）" if w.ja else f" (only {w.segment(seg.dimension, seg.value)})") \
        if seg else ""
    codes = [f.code for f in diagnosis.findings_by_severity() if f.severity != "info"]
    if route.brief:
        lines = overview_lines(_results(records, "query_metric"), diagnosis, w, note)
        lines[1:1] = [f"- {line}" for line in _errors(records, w)]
        return Composed("\n".join(lines).strip(), codes[:1], sources=actions_for(codes[:1], w.lang))
    if route.intent == "kpi_green_flat":
        lines, codes = kpi_green_lines(diagnosis, w)
    elif route.intent == "revenue_change":
        lines = _revenue_change(records, diagnosis, w, route.segment)
    elif route.intent == "forecast":
        lines = _forecast(records, diagnosis, w)
    else:
        lines = [w.t(f"Diagnosis{note}:", f"診断結果{note}:"), *diagnose_lines(diagnosis, w)]
        if route.intent == "memo":
            lines += ["", w.t("The full improvement memo (Markdown, DOCX or PDF) is available with `revops memo` "
                              "or the memo button in the app.",
                              "改善メモ全文（Markdown・DOCX・PDF）は `revops memo` またはアプリのメモボタンから出力できます。")]
    advice = actions_for(codes, w.lang)
    if advice and route.intent not in ("forecast",):
        lines += ["", w.t("What to change:", "打ち手:"), *(f"- {a}" for a in advice)]
    passages = passage_lines(records, w)
    if passages:
        lines += ["", *passages[:3]]
    return Composed("\n".join(lines).strip(), codes, sources=advice)


def _revenue_change(records: list[ToolRecord], diagnosis: Diagnosis, w: Words, seg: SegmentFilter | None) -> list[str]:
    """The revenue change and what drove it; for a slice ("and for Enterprise?") every figure is the slice's:
    its revenue, and the diagnosis (bridge, bottleneck, findings) of the slice alone."""
    lines: list[str] = []
    for result in _results(records, "query_metric"):
        if result.comparison is not None:
            lines += comparison_lines(result, w)
    lines += _errors(records, w)  # "the upload has no amount column": say why revenue is missing
    if seg is not None:
        where = w.segment(seg.dimension, seg.value)
        lines += ["", w.t(f"Diagnosed within {where} only:", f"{where}だけで診断した結果:")]
    bridge = bridge_lines(diagnosis, w)
    if bridge:  # the bridge lines name the bottleneck too when it is not the driver's cause
        return lines + ["", *bridge]
    lines += ["", *diagnose_lines(diagnosis, w, limit=3)]
    return lines


def _forecast(records: list[ToolRecord], diagnosis: Diagnosis, w: Words) -> list[str]:
    lines = forecast_lines(diagnosis, w)
    if lines:
        return lines
    lines.append(w.t("What is known about the current quarter:", "今四半期について分かっていること:"))
    for result in _results(records, "query_metric"):
        shown = metric_lines(result, w, bundle=True)
        lines += [f"- {shown[0]}", *shown[1:]]
    return lines


def _missing(route: Route, records: list[ToolRecord], w: Words) -> Composed:
    from assistant.chat.intent_words import MISSING_METRICS

    asked = route.asked or "?"
    needs, closest_ids = MISSING_METRICS.get(asked.casefold(), ("costs", ()))
    summary = next(iter(_results(records, "describe_upload")), None)
    closest = [f"- {value_sentence(r, w)}" for r in _results(records, "query_metric")]
    del closest_ids
    return Composed("\n".join(open_.missing_metric_lines(asked, needs, closest, summary, w)))
