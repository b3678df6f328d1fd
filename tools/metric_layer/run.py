"""``run_query``: answer one ``MetricQuery`` on an upload (SPEC §9.4).

Filters, the period, the breakdown (a dimension, or month/quarter/year for a trend), a ranking
that skips small groups, a comparison with a reference period and attainment against uploaded
targets, all around ``measures.measure``: the one place each metric is defined.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tools.dataset import LoadedData
from tools.errors import RevOpsInputError
from tools.funnel import check_dimension, factorise_dimension
from tools.ingest.targets import targets_frame, targets_from_frame
from tools.metric_layer.catalog import (
    CONVERSION_STAGES,
    FROM_STAGE,
    NEEDS_OUTCOMES,
    TOTALS,
    MetricUnavailableError,
    NotObservedError,
    StageNotInUploadError,
    metric_info,
    stages_needed,
)
from tools.metric_layer.measures import Scope, measure
from tools.metric_layer.model import (
    MetricComparison,
    MetricInfo,
    MetricQuery,
    MetricResult,
    MetricValue,
    Note,
    PeriodSpec,
)
from tools.metric_layer.periods import key_window, period_keys, resolve, shifted
from tools.metrics import COVERAGE_FLOOR, FOLLOW_UP_SLA_HOURS
from tools.periods import ONE_DAY, Periods, Window, choose_periods
from tools.recycle import RECYCLE_MIN_AGE_DAYS
from tools.schema import PHASE_COLUMN, STAGES, TRANSITIONS
from tools.stats import compare_counts, compare_proportions

TREND_GRAINS = ("month", "quarter", "year")


#: the problem of a coverage query on an upload without targets (the chat tells it from a part-covered quarter)
NO_TARGETS = "pipeline coverage needs revenue targets"

def make_scope(data: LoadedData, periods: Periods | None = None) -> Scope:
    """The shared state of many queries on one upload (pass the diagnosis's ``periods`` to reuse them)."""
    periods = periods or choose_periods(data.frame)
    return Scope(data, periods.as_of, periods)


def run_query(data: LoadedData | Scope, query: MetricQuery, targets: object = None) -> MetricResult:
    """Measure ``query`` on ``data`` (a ``LoadedData``, or a ``Scope`` from ``make_scope`` to share work).

    Raises:
        RevOpsInputError: an unknown metric, dimension, value or period (the message lists the valid
            ones); ``MetricUnavailableError`` when the upload lacks a column the metric needs.
    """
    scope = data if isinstance(data, Scope) else make_scope(data)
    info = metric_info(query.metric)
    missing = tuple(c for c in info.needs if not scope.has(c))
    if missing:
        raise MetricUnavailableError(info.id, missing)
    needed = FROM_STAGE.get(info.id)
    if needed is not None and STAGES.index(needed) < STAGES.index(scope.first_stage):
        raise StageNotInUploadError(info.id, needed, scope.first_stage)
    check_observed(scope, info, query)
    result = _run(scope, info, query, targets)
    extras = scope.data.extra_dimensions
    named = [d for d in (query.by, *(d for d, _ in query.filters)) if d in extras]
    notes = observation_notes(scope, info)
    if named or notes:
        result = replace(result, labels={d: extras[d] for d in named}, notes=[*result.notes, *notes])
    return result


def observation_notes(scope: Scope, info: MetricInfo) -> list[Note]:
    """``undated`` (a snapshot without dates), and ``unobserved_between`` (``mql,sql``) for a conversion
    that runs across stages the upload does not observe (so its rate spans them, it does not skip them)."""
    notes = [] if scope.dated else [Note("undated")]
    if info.id in CONVERSION_STAGES:
        start, end = (STAGES.index(s) for s in CONVERSION_STAGES[info.id])
        skipped = [s for s in STAGES[start + 1:end] if s in scope.capabilities.unobserved_stages]
        if skipped:
            notes.append(Note("unobserved_between", ",".join(skipped)))
    return notes


def check_observed(scope: Scope, info: MetricInfo, query: MetricQuery) -> None:
    """Refuse what the upload cannot observe (SPEC §9.3 capabilities): a stage no column says a record
    reached, deal outcomes it does not hold (a win rate of 0% would be a guess), periods without dates.

    Raises:
        NotObservedError: with what is missing and what the upload would need.
    """
    capabilities = scope.capabilities
    if not scope.dated and (query.period is not None or query.compare is not None or query.by in TREND_GRAINS):
        raise NotObservedError(info.id, "dates", reason=capabilities.missing.get("trends", ""))
    for stage in stages_needed(info.id):
        if capabilities.observes(stage) or STAGES.index(stage) < STAGES.index(capabilities.funnel_start):
            continue  # before the start: StageNotInUploadError's case, when the data really starts later
        if stage == "won":
            raise NotObservedError(info.id, "outcomes", stage, capabilities.missing.get("win_rate", ""))
        raise NotObservedError(info.id, "stage", stage)
    if info.id in NEEDS_OUTCOMES and not capabilities.win_rate:
        raise NotObservedError(info.id, "outcomes", reason=capabilities.missing.get("win_rate", ""))


def _run(scope: Scope, info: MetricInfo, query: MetricQuery, targets: object) -> MetricResult:
    notes: list[Note] = []
    rows = filter_mask(scope, query.filters)
    window, partial = resolve(query.period, scope.as_of, scope.periods)
    if window is not None and window.start > scope.as_of:
        notes.append(Note("after_data", scope.as_of.date().isoformat()))
        partial = False  # not "to date": the period has not started in this data
    elif window is not None and window.end <= scope.data.frame["created_date"].min():
        notes.append(Note("before_data", str(scope.data.frame["created_date"].min().date())))
    if info.event is None and window is not None:
        notes.append(Note("snapshot", scope.as_of.date().isoformat()))
        window, partial = None, False
    elif info.event is None:
        notes.append(Note("snapshot", scope.as_of.date().isoformat()))
    if info.id == "recycle_mqls":
        notes.append(Note("min_age_days", str(RECYCLE_MIN_AGE_DAYS)))
    if info.id == "follow_up_within_sla":
        notes.append(Note("sla_hours", f"{FOLLOW_UP_SLA_HOURS:g}"))
    if info.event == "window" and window is None and query.compare is None and query.by not in TREND_GRAINS:
        window = scope.periods.current
        notes.append(Note("window_default", window.label if window else ""))
    if query.compare is not None:
        if query.by is not None:
            raise RevOpsInputError("a comparison is of one value", hint="Ask for the breakdown or the comparison")
        return _compare(scope, info, query, rows, window, notes)
    if info.id == "pipeline_coverage":
        return _coverage(scope, info, query, rows, targets, notes)
    total = _value(scope, info, rows, None, window, partial)
    if query.share and query.filters and info.kind in ("count", "sum") and total.value is not None:
        everyone = _value(scope, info, scope.everything(), None, window, partial)
        if everyone.value:
            total = MetricValue(**{**total.__dict__, "share": total.value / everyone.value})
    if query.against_target:
        total = _with_target(scope, info, total, window, targets, notes)
    values: list[MetricValue] = []
    skipped: list[MetricValue] = []
    if query.by in TREND_GRAINS:
        if info.event is None:
            notes.append(Note("snapshot_no_trend"))
        else:
            values = _trend(scope, info, rows, window, query.by)
    elif query.by is not None:
        values = _breakdown(scope, info, rows, window, partial, query.by)
    if query.rank is not None and values:
        values, skipped = _ranked(info, values, query)
    elif query.by not in TREND_GRAINS:
        values.sort(key=lambda v: (v.value is None, -(v.value or 0.0), -v.n))
    if skipped:
        notes.append(Note("below_min_n", str(query.min_n)))
    if partial:
        notes.append(Note("partial", window.label if window else ""))
    if total.immature or any(v.immature for v in values):
        notes.append(Note("immature"))
    return MetricResult(query, info, window.label if window else None, total, values, skipped, None, notes,
                        scope.as_of.date().isoformat())


def filter_mask(scope: Scope, filters: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Records matching every (dimension, value) filter; values match case-insensitively."""
    mask = scope.everything()
    frame = scope.data.frame
    for dimension, value in filters:
        if dimension == PHASE_COLUMN:  # "pipeline in negotiation": where open deals sit now
            if not scope.has(PHASE_COLUMN):
                raise RevOpsInputError("the data has no 'phase' column", hint="Upload an export with the deal stage/phase")
        else:
            check_dimension(frame, dimension)
        codes, labels = factorise_dimension(frame, dimension)
        wanted = str(value).strip().casefold()
        index = next((i for i, label in enumerate(labels) if label.casefold() == wanted), None)
        if index is None:
            shown = ", ".join(sorted(labels)[:20])
            raise RevOpsInputError(f"unknown {dimension} '{value}'", hint=f"Valid values: {shown}")
        mask &= codes == index
    return mask


def _immature(scope: Scope, info: MetricInfo, window: Window | None) -> bool:
    """A conversion cohort too recent for most of its conversions to have happened yet."""
    transition = "opportunity_to_won" if info.id == "opportunity_to_won_amount" else info.id
    if window is None or transition not in TRANSITIONS:
        return False
    return window.end + pd.Timedelta(days=scope.maturity_days(transition)) > scope.as_of + ONE_DAY


def _value(scope: Scope, info: MetricInfo, rows: np.ndarray, group: str | None, window: Window | None,
           partial: bool) -> MetricValue:
    value = measure(info, scope, rows & scope.in_period(info, window), group, window)
    immature = _immature(scope, info, window)
    if immature or partial:
        value = MetricValue(**{**value.__dict__, "immature": immature, "partial": partial})
    return value


def _breakdown(scope: Scope, info: MetricInfo, rows: np.ndarray, window: Window | None, partial: bool,
               dimension: str) -> list[MetricValue]:
    if dimension == PHASE_COLUMN:  # the deal's current phase: where open or stalled deals sit
        if not scope.has(PHASE_COLUMN):
            raise RevOpsInputError("the data has no 'phase' column", hint="Upload an export with the deal stage/phase")
    else:
        check_dimension(scope.data.frame, dimension)
    codes, labels = factorise_dimension(scope.data.frame, dimension)
    present = np.unique(codes[rows])
    return [_value(scope, info, rows & (codes == i), labels[i], window, partial) for i in present]


def _trend(scope: Scope, info: MetricInfo, rows: np.ndarray, window: Window | None, grain: str) -> list[MetricValue]:
    """One value per calendar period the metric's events fall in (inside ``window`` when given)."""
    if info.event == "window":
        first = scope.data.frame["created_date"].min()
        start = period_keys(np.array([pd.Timestamp(first).value]), grain)[0]
        end = period_keys(np.array([scope.as_of.value]), grain)[0]
        codes_wanted = range(int(start) + 1, int(end) + 1)  # the first period has no active base yet
        return [_value(scope, info, rows, key_window(c, grain).label, key_window(c, grain),
                       key_window(c, grain).end > scope.as_of + ONE_DAY) for c in codes_wanted]
    dates = scope.event_dates(info.event or "")
    assert dates is not None
    keys = period_keys(dates, grain)
    inside = rows & scope.in_period(info, window) & (keys >= 0)
    out = []
    for code in np.unique(keys[inside]):
        period = key_window(int(code), grain)
        partial = period.end > scope.as_of + ONE_DAY
        out.append(_value(scope, info, rows & (keys == code), period.label, period, partial))
    return out


def highest_first(info: MetricInfo, rank: str | None) -> bool:
    """Whether a ranking lists the highest values first: ``top`` is the best (the shortest cycle, the
    most revenue), ``bottom`` the worst; a total's ``top`` is always its largest."""
    return (rank == "top") == info.higher_is_better or info.id in TOTALS and rank == "top"


def _ranked(info: MetricInfo, values: list[MetricValue], query: MetricQuery) -> tuple[list[MetricValue], list[MetricValue]]:
    """Groups best first (``top``) or worst first, without groups under ``min_n`` (except totals)."""
    measured = [v for v in values if v.value is not None]
    eligible = [v for v in measured if info.id in TOTALS or v.n >= query.min_n]
    skipped = [v for v in measured if v not in eligible]
    descending = highest_first(info, query.rank)
    eligible.sort(key=lambda v: (v.value or 0.0, v.n), reverse=descending)
    return eligible[: query.limit] if query.limit else eligible, skipped


def _compare(scope: Scope, info: MetricInfo, query: MetricQuery, rows: np.ndarray, window: Window | None,
             notes: list[Note]) -> MetricResult:
    if query.compare == "baseline" and (query.period is None or query.period.kind == "current"):
        current, baseline = scope.periods.current, scope.periods.baseline
    else:
        if window is None:
            raise RevOpsInputError("a comparison needs a period", hint="e.g. 2025-Q3 vs the quarter before")
        current = window  # a named period against "before" is the same period a year earlier
        baseline = shifted(window, "previous" if query.compare == "previous" else "year_ago")
    if current is None or baseline is None:
        raise RevOpsInputError("the data is too short for a baseline period",
                               hint="Ask about two named periods (e.g. 2025-Q3 and 2026-Q3) instead")
    partial = current.end > scope.as_of + ONE_DAY
    if partial and query.compare != "baseline":  # 2026 to date against 2025 to the same date
        span = scope.as_of + ONE_DAY - current.start
        cut = baseline.start + span
        baseline = Window(f"{baseline.start.date()}..{(cut - ONE_DAY).date()}", baseline.start, cut)
    now = _value(scope, info, rows, current.label, current, partial)
    then = _value(scope, info, rows, baseline.label, baseline, False)
    change = relative = p_value = None
    if now.value is not None and then.value is not None:
        change = now.value - then.value
        relative = now.value / then.value - 1 if then.value else None
        if info.kind == "rate" and now.successes is not None and then.successes is not None:
            p_value = compare_proportions(then.successes, then.n, now.successes, now.n).p_value
        elif info.kind == "count":
            p_value = compare_counts(int(then.value), int(now.value)).p_value
    # a count is its own sample; a rate or an average needs enough records in both periods
    enough = info.kind == "count" or min(now.n, then.n) >= 30
    comparison = MetricComparison(baseline.label, current.label, then, now, change, relative, p_value,
                                  p_value is not None and p_value < 0.05 and enough)
    if now.partial:
        notes.append(Note("partial", current.label))
    if now.immature:
        notes.append(Note("immature"))
    return MetricResult(query, info, current.label, now, [], [], comparison, notes, scope.as_of.date().isoformat())


def _with_target(scope: Scope, info: MetricInfo, total: MetricValue, window: Window | None, targets: object,
                 notes: list[Note]) -> MetricValue:
    """The value with the uploaded target of its period and the attainment (value / target)."""
    frame = targets_frame(targets)
    if info.target_metric is None or frame is None or window is None:
        notes.append(Note("no_target"))
        return total
    target = targets_from_frame(frame).target_for(info.target_metric, window.start.date(),
                                                  (window.end - ONE_DAY).date())
    if not target:
        notes.append(Note("no_target"))
        return total
    attainment = (total.value or 0.0) / target
    return MetricValue(**{**total.__dict__, "target": target, "attainment": attainment})


def _coverage(scope: Scope, info: MetricInfo, query: MetricQuery, rows: np.ndarray, targets: object,
              notes: list[Note]) -> MetricResult:
    """Open pipeline over the uploaded revenue target of a period (default: the next quarter, else the
    current window), the definition of the ``pipeline_coverage_low`` finding."""
    from tools.metrics import pipeline_coverage, won_revenue

    frame = targets_frame(targets)
    if frame is None:
        raise RevOpsInputError(NO_TARGETS, hint="Upload a targets file")
    asked = resolve(query.period or PeriodSpec("next", grain="quarter"), scope.as_of, scope.periods)[0]
    candidates = [asked, scope.periods.current]
    for window in [w for w in candidates if w is not None]:
        target = targets_from_frame(frame).target_for("revenue", window.start.date(), (window.end - ONE_DAY).date(),
                                                      whole=True)  # as the forecast: a part-covered quarter has none
        if target:
            break
    else:
        raise RevOpsInputError("no revenue target covers that period", hint="Upload targets for it")
    in_progress = window.start <= scope.as_of and window.end > scope.as_of + ONE_DAY
    won = scope.sub(rows & window.mask(scope.arrays.dates("won_date")))  # the forecast's "revenue still to win"
    coverage = pipeline_coverage(scope.sub(rows), target, won_revenue(won) if in_progress else 0.0)
    open_deals = int(np.count_nonzero(rows & scope.open_mask))
    value = MetricValue(None, coverage["coverage"], open_deals, target=target)
    notes[:] = [n for n in notes if n.code not in ("after_data", "before_data", "partial", "snapshot")]
    if query.period is not None and asked is not None and window is not asked:
        notes.append(Note("no_target_for", asked.label))
    notes.append(Note("coverage_floor", f"{COVERAGE_FLOOR:g}"))
    return MetricResult(query, info, window.label, value, [], [], None, notes, scope.as_of.date().isoformat())
