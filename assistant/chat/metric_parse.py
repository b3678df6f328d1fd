"""Turn a metric question (English or Japanese) into metric-layer queries.

"What is our win rate by segment?" -> ``MetricQuery("win_rate", by="segment")``;
「エンタープライズの受注率」 -> a filter; "top 3 reps by revenue" -> a ranking by owner;
"Compare Webinar and Referral" -> one query per value; "How fast do we follow up?" -> the
follow-up bundle. The upload's own dimension values are the vocabulary for filters. Returns
``None`` when the question names no metric, dimension or value (then it is not a metric question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from assistant.chat.metric_asks import PHASE_METRIC, find_phase, health_periods, refine_metrics
from assistant.chat.metric_words import (
    BUNDLES,
    COMPARE_PHRASES,
    DIMENSION_PHRASES,
    JA_DIRECTION,
    METRIC_PHRASES,
    RANK_PHRASES,
    SHARE_WORDS,
    STAGE_PHRASES,
    TREND_PHRASES,
    VALUE_ALIASES,
    VERSUS_EVERYONE,
)
from assistant.chat.period_parse import find_periods
from assistant.chat.phrases import contains, hits, normalise
from tools.metric_layer import MetricQuery, PeriodSpec
from tools.metric_layer.catalog import CONVERSION_STAGES, observed_conversion
from tools.schema import STAGES

#: the metric a ranking uses when the question names none ("which source is best?")
RANK_DEFAULT = {"owner": "won_revenue", "lead_source": "lead_to_won"}
#: values too generic to be read as a filter unless their dimension is named too
GENERIC_VALUES = frozenset({"yes", "no", "true", "false", "other", "unknown", "none", "(missing)", "n/a"})
_BY_BEFORE = ("by ", "per ", "each ", "every ", "across ", "which ", "what ", "for each ", "between ", "among ",
              "split by ", "broken down by ", "compare ", "compare the ", "compare our ", "from one ", "different ",
              "どの", "各")
#: after a dimension: 〜別 / 〜ごと / 〜によって, and 〜で followed by a comparison (〜でどう違う, 〜で比べると)
_BY_AFTER = ("別", "ごと", "毎", " breakdown", "単位", "ranking", "によ", "間で", "間の", "差", "で比", "でどう", "で違",
             "で見", "で分け", "で差", "で異な", "でばらつ", " to another", " differ", " vary", " varies", " compare")
_LIMIT = re.compile(r"(?:top|bottom|best|worst|トップ|上位|下位|ワースト)\s*(\d{1,2})|(\d{1,2})\s*(?:best|worst|top)")
_COUNT_WORDS = re.compile(r"\bhow many\b|\bnumber of\b|何件|件数|いくつ")
_TARGET_WORDS = ("target", "goal", "quota attainment", "plan?", "against plan", "on track", "目標", "計画比", "予算比")


@dataclass(frozen=True)
class Vocabulary:
    """What the upload contains: dimension values and the latest date (for "Q3" without a year).

    ``labels``: the headers of the upload's extra dimensions (``x_lead_origin`` -> "Lead Origin"),
    matched as breakdown phrases; ``observed``: the stages the upload observes (empty: all of them),
    so a conversion across a stage it skips is asked of the stages it has (``observed_conversion``).
    """

    values: dict[str, list[str]] = field(default_factory=dict)
    as_of: pd.Timestamp | None = None
    labels: dict[str, str] = field(default_factory=dict)
    observed: tuple[str, ...] = ()

    @property
    def dimensions(self) -> list[str]:
        return list(self.values)


@dataclass(frozen=True)
class MetricRequest:
    """What a question asks of the metric layer, and what it named along the way."""

    queries: tuple[MetricQuery, ...]
    metric_named: bool
    dimension: str | None
    filters: tuple[tuple[str, str], ...]
    period: PeriodSpec | None
    pronoun: bool
    unknown: tuple[tuple[str, str], ...] = ()


def find_metrics(text: str) -> list[str]:
    """Metric ids and bundle names the question names, in order (stage counts only if nothing else)."""
    names = [name for _, _, name in hits(text, METRIC_PHRASES)]
    specific = {n for n in names if n not in BUNDLES}
    if "funnel" in names and specific & {"lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won",
                                         "lead_to_won", "win_rate"}:
        names = [n for n in names if n != "funnel"]
    if "follow_up" in names and specific & set(BUNDLES["follow_up"]):
        names = [n for n in names if n != "follow_up"]
    counted = stage_counts(_without(text, METRIC_PHRASES))
    return refine_metrics(text, list(dict.fromkeys(names or counted)), counted)


def stage_counts(text: str) -> list[str]:
    """The stage counts a question asks for: the first stage named, and those joined to it by "and"."""
    found = hits(text, STAGE_PHRASES)
    names = [name for _, _, name in found[:1]]
    for (_, end, _), (start, _, name) in zip(found, found[1:], strict=False):
        if re.search(r"\band\b|&|と|、|,|および|及び", text[end:start]):  # "leads and MQLs"
            names.append(name)
        else:
            break  # "SQLs from Webinar leads" counts SQLs
    return names


def without_labels(text: str, vocabulary: Vocabulary) -> str:
    """``text`` without the headers of the upload's extra dimensions ("disqualified reason" asks no "why")."""
    return _without(text, label_phrases(vocabulary)) if vocabulary.labels else text


def _without(text: str, table: dict[str, str]) -> str:
    """``text`` with the phrases of ``table`` blanked out ("lead source" is not the stage "lead")."""
    for start, end, _ in hits(text, table):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _bundle(name: str, text: str) -> tuple[str, ...]:
    """The metrics a name stands for; "median time to first touch" is only the median of the follow-up bundle."""
    if name == "follow_up" and any(w in text for w in ("median", "中央値", "how long", "hours", "時間", "fastest", "quickest",
                                                       "slowest", "一番早", "一番速", "一番遅", "最も早", "最も速", "最も遅")):
        return ("median_follow_up_hours",)
    if name == "follow_up" and any(w in text for w in ("share", "percent", "割合", "率")):
        return ("follow_up_within_sla",)
    return BUNDLES.get(name, (name,))


def find_values(text: str, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(dimension, value) pairs of the upload the question names, in order of appearance."""
    aliases = [alias for key, alias in VALUE_ALIASES.items() if contains(text, key)]  # "mm" is not in "recommend"
    hits: list[tuple[int, str, str]] = []
    for dimension, values in vocabulary.values.items():
        for value in values:
            v = normalise(str(value))
            named = normalise(vocabulary.labels.get(dimension, dimension.replace("_", " ")))
            if len(v) < 2 or (v in GENERIC_VALUES and named not in text and "icp" not in text):
                continue
            m = re.search(rf"(?<![a-z0-9]){re.escape(v)}(?:s|es)?(?![a-z0-9])", text)
            position = m.start() if m else -1
            if position < 0 and dimension == "owner":
                parts = [p for p in re.split(r"[\s・]+", v) if len(p) >= 4]
                position = min((text.find(p) for p in parts if p in text), default=-1)
            if position < 0:
                position = next((text.find(k) for k, a in VALUE_ALIASES.items()
                                 if a in aliases and contains(text, k) and (a == v or a in v.split() or v.startswith(a))),
                                -1)
            if position >= 0:
                hits.append((position, dimension, str(value)))
    hits.sort()
    out: list[tuple[str, str]] = []
    for _, dimension, value in hits:
        if (dimension, value) not in out:
            out.append((dimension, value))
    return out


def find_breakdown(text: str, vocabulary: Vocabulary, ranking: bool) -> str | None:
    """The dimension (or month/quarter/year) the question breaks down by, if any."""
    for phrase, grain in sorted(TREND_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if phrase in text and grain is not None:
            return grain
    for start, end, dimension in hits(text, {**DIMENSION_PHRASES, **label_phrases(vocabulary)}):
        before, after = text[max(0, start - 14):start], text[end:end + 10]
        named = any(before.endswith(b) for b in _BY_BEFORE) or any(after.startswith(a) for a in _BY_AFTER)
        named = named or bool(re.search(r"(?:top|bottom|best|worst)\s*\d*\s*$", before))
        if named or ranking:
            return dimension
    return None


def label_phrases(vocabulary: Vocabulary) -> dict[str, str]:
    """Phrases naming the upload's extra dimensions: the header ("last activity"), and without a leading
    "lead" ("origin" for "Lead Origin") when that is not a canonical phrase."""
    phrases: dict[str, str] = {}
    for name, label in vocabulary.labels.items():
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label)  # "DisqualifiedReason" -> "disqualified reason"
        phrase = " ".join(re.split(r"[\s_]+", normalise(words))).strip()
        if len(phrase) < 2:
            continue
        phrases[phrase] = name
        phrases.setdefault(" ".join(re.split(r"[\s_]+", normalise(label))).strip(), name)  # "disqualifiedreason"
        short = phrase.removeprefix("lead ")
        if short != phrase and len(short) >= 4 and short not in DIMENSION_PHRASES:
            phrases.setdefault(short, name)
    return phrases


def find_rank(text: str) -> tuple[str | None, int | None]:
    """(``top``/``bottom``, how many) when the question asks for a ranking."""
    direction = None
    for phrase, way in sorted(RANK_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if contains(text, phrase):
            direction = way
            break
    if direction is not None and any(w in text for w in ("一番", "いちばん", "最も", "もっとも")):
        direction = next((way for adj, way in JA_DIRECTION.items() if adj in text), direction)
    if direction is None and re.search(r"\bwhich\b.*\b(?:has|have|had|is|are|brings?|converts?|does|did)\b", text):
        direction = "top"
    if direction is None and re.search(r"どの.*(?:高い|多い|良い|低い|少ない|悪い)|(?:高い|多い|良い|低い|少ない|悪い|早い|速い|"
                                       r"遅い|長い|短い).{0,12}(?:はどこ|はどれ|は誰|はだれ)", text):
        direction = next((way for adj, way in JA_DIRECTION.items() if adj in text), "top")
    m = _LIMIT.search(text)
    limit = int(m.group(1) or m.group(2)) if m else None
    return direction, limit


def find_compare(text: str) -> str | None:
    for phrase, mode in sorted(COMPARE_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if contains(text, phrase):
            return mode
    return None


#: "how are webinar leads doing?": a slice's profile rather than one count
PROFILE_WORDS = ("doing", "performing", "perform", "how are", "how is", "worth", "pay off", "どうなって", "調子",
                 "状況", "どんな感じ", "価値", "効果", "成果")
PROFILE = ("leads", "lead_to_won", "won_deals", "won_revenue")


def parse_metric_request(question: str, vocabulary: Vocabulary) -> MetricRequest | None:
    """The metric-layer queries a question asks for (``None`` when it names no metric nor slice)."""
    text = normalise(question)
    names = find_metrics(_without(_without(text, label_phrases(vocabulary)), DIMENSION_PHRASES))
    values = find_values(text, vocabulary)
    direction, limit = find_rank(text)
    by = find_breakdown(text, vocabulary, ranking=direction is not None)
    periods = find_periods(text, vocabulary.as_of)
    pronoun = bool(re.search(r"\b(that|it|those|this|them|these)\b", text)) or any(
        w in text for w in ("それ", "これ", "その", "この"))
    if not names and by is None and not values and not periods:
        return None
    compare = find_compare(text)
    if any(w in text for w in VERSUS_EVERYONE):
        compare = None  # a slice against everyone: the whole upload's value is shown next to it
    period = periods[0] if periods else None
    reference = _reference_period(text, periods)
    if reference is not None:  # "compared with last quarter": last quarter is the reference, not the subject
        period, compare = PeriodSpec("this", grain=reference.grain or "quarter"), "previous"
    if len(periods) >= 2 and compare in (None, "baseline"):  # two named periods say what to compare
        period, compare = _two_periods(periods[0], periods[1])
    if compare == "previous" and period is None:  # "quarter over quarter": the last whole quarter vs the one before
        grain = "month" if any(w in text for w in ("month", "mom", "前月", "月次")) else "quarter"
        period = PeriodSpec("previous", grain=grain)  # type: ignore[arg-type]
    elif compare is not None and period is None:
        compare = "baseline"  # "vs a year ago" with no period: the latest window against its baseline
    if by in ("month", "quarter", "year") and compare == "baseline":
        compare = None  # "how has it changed by quarter": the trend is the comparison
    if by is None and any(t in text for t, g in TREND_PHRASES.items() if g is None):
        by = "quarter" if period is None or period.kind != "last" or period.grain != "month" else "month"
    against_target = any(w in text for w in _TARGET_WORDS) and "達成するには" not in text
    if not names and direction is not None and by is not None:
        names = [RANK_DEFAULT.get(by, "lead_to_won" if by in vocabulary.labels else "win_rate")]
        if names[0] in CONVERSION_STAGES and vocabulary.observed and \
                CONVERSION_STAGES[names[0]][0] not in vocabulary.observed and len(vocabulary.observed) > 1:
            names = [f"{vocabulary.observed[0]}_to_{vocabulary.observed[-1]}"]  # "converts best" from the start
    if not names and against_target:
        names = ["won_revenue"]
    if values and any(w in text for w in PROFILE_WORDS) and set(names) <= {"leads", "won_deals"} and by is None:
        names = list(PROFILE)
    phase = find_phase(text, names)
    if phase is not None:
        names = [PHASE_METRIC.get(n, n) for n in names] or ["open_deals" if _COUNT_WORDS.search(text) else "open_pipeline"]
    metric_named = bool(names)
    filters = tuple(values) + ((("phase", phase),) if phase is not None else ())
    by_values = {d for d, _ in values}
    if by is not None and by in by_values and len([v for v in values if v[0] == by]) == 1 and direction is None:
        by = None  # "win rate for SMB by segment" is the SMB win rate
    ids = fit_to_observed([m for name in names for m in _bundle(name, text)], vocabulary.observed)
    queries: list[MetricQuery] = []
    groups = _filter_sets(filters)
    for metric in ids:
        for group in groups:
            queries.append(MetricQuery(
                metric, by=by, filters=group, period=period,
                compare=compare if by is None and len(groups) == 1 else None,  # type: ignore[arg-type]
                rank=direction if by is not None and by not in ("month", "quarter", "year") else None,  # type: ignore[arg-type]
                limit=limit, against_target=against_target and metric in _TARGETED,
                share=bool(group) and any(w in text for w in SHARE_WORDS)))
    return MetricRequest(tuple(health_periods(queries)), metric_named, by, filters, period, pronoun,
                         _unknown(question, text, by, filters))


def fit_to_observed(ids: list[str], observed: tuple[str, ...]) -> list[str]:
    """Conversions asked of the stages the upload observes: the funnel of a lead list with a converted flag
    is Lead → Opportunity, not four stage-to-stage rates implied by it. A conversion to won without
    outcomes in the upload stays too, so its answer says why it cannot be measured (never a 0%)."""
    if not observed:
        return list(dict.fromkeys(ids))
    out: list[str] = []
    for metric in ids:
        fitted = observed_conversion(metric, list(observed))
        if fitted is not None and fitted != metric:
            out.append(fitted)
            if CONVERSION_STAGES[metric][1] == "won" and "won" not in observed:
                out.append(metric)
        else:
            out.append(metric)  # observed, or nothing stands for it: the metric layer says why
    start = STAGES.index(observed[0])
    later = [m for m in out if m not in CONVERSION_STAGES or STAGES.index(CONVERSION_STAGES[m][0]) >= start]
    return list(dict.fromkeys(later or out))  # the funnel of an upload that starts later: from its start


#: words after "by"/"for" that are not dimensions or values but ordinary English
_PLAIN_WORDS = frozenset({"the", "a", "an", "our", "my", "us", "each", "every", "all", "how", "much", "many", "far",
                          "count", "amount", "value", "number", "volume", "rate", "percent", "share", "now", "then",
                          "date", "stage", "phase", "period", "comparison", "itself", "them", "that", "this",
                          "those", "example", "instance", "me", "you", "it", "sure", "real"})
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _unknown(question: str, text: str, by: str | None, filters: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """"by territory" when the upload has no such dimension; "for Atlantis" when no value is called that."""
    out: list[tuple[str, str]] = []
    known = {w for phrase in (*DIMENSION_PHRASES, *TREND_PHRASES, *METRIC_PHRASES, *STAGE_PHRASES)
             for w in phrase.split()}
    m = re.search(r"\b(?:by|per)\s+([a-z][\w-]{3,})", text)
    if by is None and m and m.group(1) not in known and m.group(1) not in _PLAIN_WORDS:
        out.append(("dimension", m.group(1)))
    for m in re.finditer(r"\b(?:for|in|from)\s+([A-Z][\w/-]{2,})", question):
        word = m.group(1)
        lower = word.lower()
        if lower in known or lower in _PLAIN_WORDS or lower[:3] in _MONTH_WORDS or re.match(r"q[1-4]$|fy", lower):
            continue
        if not any(lower in v.lower() for _, v in filters):
            out.append(("value", word))
    return tuple(out)


_TARGETED = frozenset({"leads", "mqls", "sqls", "opportunities", "won_deals", "won_revenue"})


_REFERENCE_AFTER = ("と比べ", "と比較", "比", "より")
_REFERENCE_BEFORE = ("than ", "vs ", "versus ", "compared to ", "compared with ", "from ")
_PREVIOUS_WORDS = ("前四半期", "先四半期", "前の四半期", "前期", "先月", "前月", "昨年", "去年", "last quarter",
                   "previous quarter", "last month", "previous month", "last year", "previous year")


def _reference_period(text: str, periods: list[PeriodSpec]) -> PeriodSpec | None:
    """A previous quarter/month/year the question compares against ("前四半期と比べて", "than last month")."""
    if not any(spec.kind == "previous" for spec in periods):
        return None
    for phrase in _PREVIOUS_WORDS:
        start = text.find(phrase)
        if start < 0:
            continue
        after, before = text[start + len(phrase):start + len(phrase) + 4], text[max(0, start - 14):start]
        if after.startswith(_REFERENCE_AFTER) or before.endswith(_REFERENCE_BEFORE):
            return next(spec for spec in periods if spec.kind == "previous")
    return None


def _filter_sets(filters: tuple[tuple[str, str], ...]) -> list[tuple[tuple[str, str], ...]]:
    """One filter set, or one per value when several values of one dimension are named (a comparison)."""
    by_dimension: dict[str, list[str]] = {}
    for dimension, value in filters:
        by_dimension.setdefault(dimension, []).append(value)
    multi = [d for d, vs in by_dimension.items() if len(vs) > 1]
    if not multi:
        return [filters]
    fixed = tuple((d, vs[0]) for d, vs in by_dimension.items() if d != multi[0])
    return [fixed + ((multi[0], v),) for v in by_dimension[multi[0]]]


def _two_periods(first: PeriodSpec, second: PeriodSpec) -> tuple[PeriodSpec, str | None]:
    """"Q3 2026 vs Q3 2025" -> the later period compared year-ago (or previous) when they line up."""
    if first.kind == "named" and second.kind == "named" and first.label and second.label:
        later, earlier = sorted([first, second], key=lambda p: p.label or "", reverse=True)
        if later.label and earlier.label and later.label[4:] == earlier.label[4:]:
            return later, "year_ago"
        return later, "previous"
    if {first.kind, second.kind} == {"this", "previous"}:
        return (first if first.kind == "this" else second), "previous"
    return first, None


def follow_up(previous: tuple[MetricQuery, ...], request: MetricRequest | None, text: str) -> tuple[MetricQuery, ...]:
    """The previous turn's queries, changed by what a follow-up names (a value, a breakdown, a period)."""
    if not previous:
        return ()
    out = []
    for query in previous:
        filters = dict(query.filters)
        by, period, rank = query.by, query.period, query.rank
        if request is not None:
            for dimension, value in request.filters:
                filters[dimension] = value
                if by == dimension:
                    by, rank = None, None
            if request.dimension is not None:
                by = request.dimension
            if request.period is not None:
                period = request.period
        out.append(replace(query, filters=tuple(filters.items()), by=by, period=period, rank=rank,
                           compare=None if by is not None else query.compare))
    return tuple(dict.fromkeys(out))
