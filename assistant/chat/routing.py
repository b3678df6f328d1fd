"""Route a question (English or Japanese) to an intent and what its tools need.

Rules come first, in a fixed order, because their phrasings are unambiguous and cheap: refusal
(instructions or raw-data requests inside the question), help, a metric the upload cannot give,
off-topic, what-if, planning, memo, "KPIs green but revenue flat", revenue change, forecast,
"why", diagnosis, then a metric question parsed into metric-layer queries with the upload's own
dimension values as vocabulary (``assistant.chat.metric_parse``). Follow-ups ("and for SMB?",
"why is that?", "break that down by source") resolve against the previous turn's route.

Only when no rule decides and the question is about the funnel does the embedding router run:
the cosine similarity to example questions of the open intents (diagnose, playbook, memo...),
with the offline multilingual model of the playbook. It never tells "how many" from "by segment":
that is the parser's job. A pure metric question therefore loads no embedding model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from assistant.chat import intent_words as W
from assistant.chat.concepts import find_concept
from assistant.chat.metric_asks import asks_pipeline_health, without_phases
from assistant.chat.metric_parse import (
    MetricRequest,
    Vocabulary,
    follow_up,
    parse_metric_request,
    without_labels,
)
from assistant.chat.phrases import contains, normalise
from assistant.chat.question import CHAIN_SUBJECTS, Route, SegmentFilter
from assistant.chat.question_params import (
    find_change,
    find_lever,
    find_money,
    find_per_rep,
    find_quota_and_target,
    find_reps,
)
from assistant.language import detect_language
from tools.metric_layer import MetricQuery
from tools.metric_layer.catalog import CONVERSION_STAGES

#: Example questions of the open intents; their embeddings are the semantic anchors.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "diagnose": ("Where is our funnel leaking?", "What is the biggest bottleneck in our pipeline?",
                 "What should we fix first?", "ファネルのどこで漏れていますか？", "一番のボトルネックはどこ？",
                 "まず何を改善すべき？"),
    "kpi_green_flat": ("Why is revenue flat though our KPIs are green?",
                       "Every team hits its targets but sales do not grow. Why?",
                       "KPIは達成しているのに売上が伸びないのはなぜ？", "目標は達成しているのに売上が横ばいなのはなぜ？"),
    "playbook": ("What is an MQL?", "How should marketing hand leads to sales?", "How do we design KPIs?",
                 "SLAとは何ですか？", "リードの温度感とは？", "KPIはどう設計すべき？"),
    "memo": ("Write an improvement memo for leadership", "Summarise this for the board",
             "経営陣向けの改善メモを書いて", "報告書にまとめて"),
}
#: below this similarity the best open intent is not trusted (the playbook answers instead)
MIN_SIMILARITY = 0.35


@lru_cache(maxsize=1)
def _example_matrix() -> tuple[list[str], np.ndarray]:
    """Embeddings of the example questions, cached on disk per model (a CLI call is a new process)."""
    from knowledge.embeddings import MODEL_NAME, embed_texts, model_version

    labels = [intent for intent, texts in EXAMPLES.items() for _ in texts]
    texts = [t for texts in EXAMPLES.values() for t in texts]
    digest = hashlib.sha256(json.dumps([MODEL_NAME, model_version(), texts]).encode()).hexdigest()[:16]
    path = _cache_dir() / f"intent-examples-{digest}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return labels, vectors
    except (OSError, ValueError):
        pass
    vectors = embed_texts(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors)
        os.replace(tmp, path)
    except OSError:  # a read-only home only costs the embedding next time
        pass
    return labels, vectors


def _cache_dir() -> Path:
    from assistant.settings import get_settings

    return Path(get_settings().home) / "cache"


def warm_up() -> None:
    """Load the embedding model and the example vectors (first call takes about a second)."""
    _example_matrix()


def semantic_scores(question: str) -> dict[str, float]:
    """Best cosine similarity of the question to each open intent's examples."""
    from knowledge.embeddings import embed_query

    labels, matrix = _example_matrix()
    sims = matrix @ embed_query(question)
    scores: dict[str, float] = {}
    for label, sim in zip(labels, sims, strict=True):
        scores[label] = max(scores.get(label, -1.0), float(sim))
    return scores


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    """Any phrase occurs; an English one must start a word ("sla" is not inside "translate")."""
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            if not phrase.isascii() or start == 0 or not text[start - 1].isalpha() or not phrase[0].isalpha():
                return True
            start = text.find(phrase, start + 1)
    return False


def _first(text: str, phrases: dict[str, tuple[str, tuple[str, ...]]]) -> str | None:
    for phrase in sorted(phrases, key=len, reverse=True):
        if contains(text, phrase):
            return phrase
    return None


def _is_team(question: str, text: str) -> bool:
    return bool(re.search(r"(?<![A-Za-z])(?:IS|ISR|SDR|BDR)s?(?![A-Za-z])", question)) or _has(text, W.INSIDE_SALES)


def route(question: str, vocabulary: Vocabulary | None = None, previous: Route | None = None) -> Route:
    """Plan one question.

    Args:
        question: The user's question in English or Japanese.
        vocabulary: The upload's dimension values and latest date (filters, "Q3" without a year).
        previous: The route of the previous question in this conversation, for follow-ups.
    """
    lang = detect_language(question)
    vocabulary = vocabulary or Vocabulary()
    text = normalise(question).strip()
    base = Route(intent="off_topic", lang=lang, question=question)
    if _has(text, W.INJECTION):
        return replace(base, intent="refusal")
    if _has(text, W.HELP) and len(text) < 80:
        return replace(base, intent="help")
    asked = _first(text, W.MISSING_METRICS)
    if asked is not None:
        return replace(base, intent="missing_metric", asked=question[_find(question, asked):][: len(asked)] or asked)
    if _has(text, W.OFF_TOPIC) and not _has(text, W.STRONG_DOMAIN):
        return base
    request = parse_metric_request(question, vocabulary)
    if _has(text, W.STRICT_DEFINITION) and find_concept(text) is not None and not (request and request.filters):
        return replace(base, intent="playbook")  # "what is a bottleneck?" before "bottleneck" diagnoses
    planned = _planning(base, question, text, request, previous)
    if planned is not None:
        return planned
    if _has(text, W.OVERVIEW) and not (request is not None and request.metric_named) and \
            (not _has(text, W.MEMO) or _has(text, W.BRIEF)):
        return replace(base, intent="diagnose", brief=True, segment=_segment(request))
    if _has(text, W.MEMO):
        return replace(base, intent="memo")
    if _has(text, W.KPI_GREEN) or (_has(text, W.KPI_MET) and _has(text, W.REVENUE_FLAT)):
        return replace(base, intent="kpi_green_flat", segment=_segment(request))
    if _has(text, W.REVENUE_CHANGE) or _asks_revenue_change(text):
        return replace(base, intent="revenue_change")
    if _has(text, W.FORECAST):
        return replace(base, intent="forecast")
    if _has(without_labels(text, vocabulary), W.WHY):
        return _why(base, text, request, previous)
    if _has(without_phases(text) if request is not None and request.filters else text, W.DIAGNOSE) and \
            not (request is not None and asks_pipeline_health(request.queries)):  # "how healthy is our pipeline?"
        return replace(base, intent="diagnose", segment=_segment(request))
    topic = previous.subject if previous is not None and previous.intent == "why" and previous.subject else previous
    if topic is not None and topic.intent in ("diagnose", "kpi_green_flat", "revenue_change") and \
            _slice_only(request, text):  # "and for Enterprise?" after a revenue answer (or a why about it)
        return replace(topic, lang=lang, question=question, segment=_segment(request), followup=True, depth=0)
    own = _has(f" {text}", W.OWN_DATA)
    concept_asked = ((_has(text, W.DEFINITION) and not own) or _has(text, W.ADVICE) or (
        text.startswith(("what is ", "what's ", "what are ")) and not (request and request.metric_named))) \
        and find_concept(text) is not None
    if concept_asked and not (request and request.filters):  # "what should we do with cold leads?"
        return replace(base, intent="playbook")
    if _has(text, W.DEFINITION) and not own and not (request and request.filters):
        return replace(base, intent="playbook")
    metric = _metric(base, text, request, previous)
    if metric is not None:
        return metric
    if _has(text, W.STRONG_DOMAIN) or (_has(text, W.PLAYBOOK) and find_concept(text) is not None):
        return _open_intent(base, question, text)  # "recommend a hotel" is advice, but not about the funnel
    return base


_REVENUE = re.compile(r"\b(?:revenue|bookings|won amount)\b|売上|受注金額|受注額")
_MOVED = re.compile(r"\b(?:drop|dropped|dropping|fall|fell|falling|decline|declined|declining|down|decrease|decreased|"
                    r"shrink|shrank|slump|slumped|grow|grew|growing|increase|increased|rise|rose|up)\b"
                    r"|下が|減|落ち|悪化|伸び|増え|上が|変わ|変化")


def _asks_revenue_change(text: str) -> bool:
    """"Why did bookings slump?", 「売上はなぜ下がったの？」: revenue, a movement and a why, in any order."""
    return bool(_REVENUE.search(text) and _MOVED.search(text)) and (_has(text, W.WHY) or any(
        w in text for w in ("what drove", "what's driving", "what is driving", "explain", "drivers", "要因")))


def _slice_only(request: MetricRequest | None, text: str) -> bool:
    """A follow-up that only names a slice: "and for Enterprise?", "what about Webinar leads only?"."""
    if request is None or not request.filters:
        return False
    names = {q.metric for q in request.queries}
    return not request.metric_named or (names <= {"leads"} and _short(text) and text.startswith(W.FOLLOW_UP_MARKERS))


def _find(question: str, phrase: str) -> int:
    index = normalise(question).find(phrase)
    return max(index, 0)


def _segment(request: MetricRequest | None) -> SegmentFilter | None:
    if request is None or not request.filters:
        return None
    dimension, value = request.filters[0]
    return SegmentFilter(dimension, value)


def _planning(base: Route, question: str, text: str, request: MetricRequest | None,
              previous: Route | None) -> Route | None:
    """What-if, capacity and reverse-plan questions (and their follow-ups with a new number)."""
    change = find_change(question)
    lever = find_lever(question)
    conditional = _has(text, W.WHAT_IF)
    if conditional and (lever is not None or change is not None) and not _has(text, W.CAPACITY):
        if lever is None and previous is not None and previous.intent == "what_if":
            lever = previous.lever
        if lever is not None:
            return replace(base, intent="what_if", lever=lever, change=change.value if change else None,
                           change_unit=change.unit if change else None)
    quota, target = find_quota_and_target(question)
    converted = request is not None and request.queries and request.queries[0].metric in CONVERSION_STAGES
    if _has(text, W.CAPACITY) and not (request is not None and request.queries and request.queries[0].rank) \
            and not converted:  # 「何人がMQLになった？」 counts conversions, not heads
        role: Literal["ae", "is"] = "is" if _is_team(question, text) else "ae"
        return replace(base, intent="capacity", role=role, quota=quota, revenue_target=target, reps=find_reps(question),
                       per_rep=find_per_rep(question) if role == "is" else None)
    if (_has(text, W.REVERSE) and _has(text, W.REVERSE_NEED)) or _has(text, W.REVERSE_ALONE):
        return replace(base, intent="reverse_plan", revenue_target=target or find_money(question))
    if previous is not None and previous.intent in ("what_if", "capacity", "reverse_plan") and len(text) <= 60:
        if previous.intent == "what_if" and change is not None:
            return replace(previous, lang=base.lang, question=question, change=change.value,
                           change_unit=change.unit, lever=lever or previous.lever, followup=True)
        if previous.intent == "capacity" and previous.role == "is" and find_per_rep(question):
            return replace(previous, lang=base.lang, question=question, per_rep=find_per_rep(question), followup=True)
        if previous.intent != "what_if" and (quota or target):
            return replace(previous, lang=base.lang, question=question, quota=quota or previous.quota,
                           revenue_target=target or previous.revenue_target, followup=True)
    return None


def _why(base: Route, text: str, request: MetricRequest | None, previous: Route | None) -> Route:
    """"Why is our SMB win rate low?" explains that metric; "why is that?" the previous answer's subject."""
    if request is not None and request.queries and request.metric_named:
        return replace(base, intent="why", queries=request.queries, segment=_segment(request), depth=1)
    if previous is not None:
        subject = previous.subject if previous.intent == "why" and previous.subject else previous
        depth = previous.depth + 1 if previous.intent == "why" else 1  # each "why?" goes one level deeper
        if subject.intent in ("metric", "why"):
            queries = subject.queries
            if request is not None and request.filters:
                queries = follow_up(queries, request, text)
                depth = 1  # a new slice starts its own chain
            return replace(base, intent="why", queries=queries, subject=subject, followup=True,
                           segment=_segment(request) or subject.segment, depth=depth)
        if subject.intent in CHAIN_SUBJECTS:
            return replace(base, intent="why", subject=subject, followup=True, segment=subject.segment, depth=depth)
        return replace(subject, lang=base.lang, question=base.question, followup=True)
    return replace(base, intent="diagnose", segment=_segment(request))


def _metric(base: Route, text: str, request: MetricRequest | None, previous: Route | None) -> Route | None:
    """A metric question, or a follow-up that changes the previous metric question's slice."""
    prior: tuple[MetricQuery, ...] = ()
    if previous is not None and previous.intent in ("metric", "why"):
        prior = previous.queries
    if request is not None and request.metric_named and request.queries:
        queries = _with_funnel(request.queries)
        if prior and _short(text) and _names_metric_only(request) and text.startswith(W.FOLLOW_UP_MARKERS):
            queries = tuple(replace(q, filters=prior[0].filters, period=prior[0].period) for q in queries)
        return replace(base, intent="metric", queries=queries, followup=bool(prior) and _short(text),
                       unknown=request.unknown)
    if prior and (request is not None or (_short(text) and text.startswith(W.FOLLOW_UP_MARKERS))):
        queries = follow_up(prior, request, text)
        if queries:
            return replace(base, intent="metric", queries=queries, followup=True,
                           unknown=request.unknown if request else ())
    if request is not None and request.filters and not request.metric_named:
        profile = ("won_revenue", "win_rate", "won_deals")
        return replace(base, intent="metric", queries=tuple(
            MetricQuery(m, filters=request.filters, period=request.period) for m in profile))
    if request is not None and request.queries and not request.metric_named:
        return replace(base, intent="metric", queries=request.queries)
    return None


def _names_metric_only(request: MetricRequest) -> bool:
    return request.metric_named and not request.filters and request.dimension is None and request.period is None


def _short(text: str) -> bool:
    return len(text) <= (24 if any(ord(c) > 0x3000 for c in text) else 48)


def _with_funnel(queries: tuple[MetricQuery, ...]) -> tuple[MetricQuery, ...]:
    """The whole funnel (no breakdown) shows the stage counts with the conversions."""
    transitions = ("lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won")
    if [q.metric for q in queries] == list(transitions) and queries[0].by is None:
        counts = tuple(replace(queries[0], metric=m) for m in ("leads", "mqls", "sqls", "opportunities", "won_deals"))
        return counts + queries
    return queries


def _open_intent(base: Route, question: str, text: str) -> Route:
    """Playbook concept questions by phrase; otherwise the closest open intent by embedding."""
    if _has(text, W.PLAYBOOK):
        return replace(base, intent="playbook")
    scores = semantic_scores(question)
    best = max(scores, key=lambda i: scores[i])
    intent = best if scores[best] >= MIN_SIMILARITY else "playbook"
    return replace(base, intent=intent, scores=scores)
