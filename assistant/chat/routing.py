"""Route a question (English or Japanese) to an intent and the arguments of its first tool calls.

Routing adds two scores per intent: keyword hits (exact phrases in either language) and the
cosine similarity of the question to a few example questions, embedded with the same offline
multilingual model as the playbook (``knowledge.embeddings``, USE multilingual v3). Keywords make
the common phrasings certain; embeddings carry paraphrases and the other language. Parameters
(metric, lever, percentage, revenue target, segment) are read with small regexes from
``assistant.chat.question_params``. A short question that names only a segment ("and for enterprise
only?") is a follow-up: it repeats the previous plan for that segment.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from assistant.chat.question import Route
from assistant.chat.question_params import (
    find_dimension,
    find_grain,
    find_lever,
    find_metric,
    find_money,
    find_percent,
    find_quota,
    find_reps,
    find_segment,
    find_target,
    is_followup,
)
from assistant.language import Lang, detect_language

Intent = Literal[
    "diagnose", "kpi_green_flat", "metric", "funnel", "what_if", "reverse_plan", "capacity", "playbook", "memo"
]
INTENTS: tuple[str, ...] = (
    "diagnose", "kpi_green_flat", "metric", "funnel", "what_if", "reverse_plan", "capacity", "playbook", "memo"
)

#: Phrases that make an intent (lower-case; Japanese as written).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "diagnose": ("leak", "bottleneck", "what's wrong", "what is wrong", "diagnos", "constraint", "holding back",
                 "biggest problem", "where are we losing", "ボトルネック", "漏れ", "詰まっ", "課題", "診断", "問題",
                 "どこで失", "制約"),
    "kpi_green_flat": ("kpi", "green", "flat", "targets met", "hit our targets", "hitting targets", "but revenue",
                       "達成しているのに", "達成しているが", "伸びない", "横ばい", "伸び悩", "kpiは"),
    "metric": ("win rate", "deal size", "cycle", "churn", "follow-up time", "follow up time", "coverage",
               "weighted pipeline", "retention", "conversion rate", "受注率", "勝率", "単価", "商談期間",
               "リードタイム", "解約率", "初回対応", "カバレッジ", "加重パイプライン", "継続率", "転換率", "移行率"),
    "funnel": ("funnel", "by month", "by quarter", "by lead source", "by source", "by segment", "by region",
               "breakdown", "ファネル", "月別", "四半期別", "ソース別", "セグメント別", "内訳", "推移"),
    "what_if": ("what if", "what happens if", "if we", "would revenue", "impact of", "もし", "としたら",
                "上がったら", "改善したら", "増えたら", "下がったら", "場合"),
    "reverse_plan": ("how many leads", "how many mql", "how many sql", "how many opportunities", "reverse",
                     "to hit", "to reach", "required leads", "needed to reach", "必要なリード", "逆算",
                     "何件", "達成するには", "必要な商談"),
    "capacity": ("how many reps", "how many sales", "headcount", "capacity", "quota", "hire", "account executives",
                 "営業は何人", "何人", "人員", "採用", "キャパシティ", "クォータ", "体制"),
    "playbook": ("what is", "what's an", "what does", "explain", "define", "definition", "best practice",
                 "how should we", "how do we", "とは", "意味", "定義", "教えて", "どうすれば", "ベストプラクティス"),
    "memo": ("memo", "report for", "write up", "summary for leadership", "board", "メモ", "報告書", "レポート",
             "提言", "経営陣"),
}

#: Example questions per intent; their embeddings are the semantic anchors.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "diagnose": ("Where is our funnel leaking?", "What is the biggest bottleneck in our pipeline?",
                 "ファネルのどこで漏れていますか？", "一番のボトルネックはどこ？"),
    "kpi_green_flat": ("Why is revenue flat though our KPIs are green?",
                       "Every team hits its targets but sales do not grow. Why?",
                       "KPIは達成しているのに売上が伸びないのはなぜ？", "目標は達成しているのに売上が横ばいなのはなぜ？"),
    "metric": ("What is our win rate?", "How long is our sales cycle?", "What is the average deal size?",
               "受注率はいくつですか？", "平均単価は？"),
    "funnel": ("Show me the funnel by lead source", "Conversion by month", "リードソース別のファネルを見せて",
               "月別の転換率"),
    "what_if": ("What if the win rate improves by 5 percent?", "What happens to revenue if we get 20% more leads?",
                "受注率が5%上がったら売上はどうなる？", "リードが20%増えたら？"),
    "reverse_plan": ("How many leads do we need to reach 100 million in revenue?",
                     "Work backwards from our revenue target", "売上目標から必要なリード数を逆算して",
                     "目標達成に必要な商談数は？"),
    "capacity": ("How many reps do we need?", "Do we have enough sales capacity?", "営業は何人必要？",
                 "今の体制で目標を達成できますか？"),
    "playbook": ("What is an MQL?", "How should marketing hand leads to sales?", "SLAとは何ですか？",
                 "リードの温度感とは？"),
    "memo": ("Write an improvement memo for leadership", "Summarise this for the board",
             "経営陣向けの改善メモを書いて", "報告書にまとめて"),
}

#: Intents that need uploaded data (without it the planner answers from the playbook).
DATA_INTENTS = frozenset(INTENTS) - {"playbook"}


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
    """Best cosine similarity of the question to each intent's examples."""
    from knowledge.embeddings import embed_query

    labels, matrix = _example_matrix()
    sims = matrix @ embed_query(question)
    scores: dict[str, float] = {}
    for label, sim in zip(labels, sims, strict=True):
        scores[label] = max(scores.get(label, -1.0), float(sim))
    return scores


def keyword_scores(question: str) -> dict[str, float]:
    """How many of each intent's phrases the question contains."""
    text = question.lower()
    return {intent: float(sum(1 for k in words if k in text)) for intent, words in KEYWORDS.items()}


def score_intents(question: str) -> dict[str, float]:
    """Keyword hits (0.35 each, at most two) plus semantic similarity, per intent."""
    keywords = keyword_scores(question)
    semantic = semantic_scores(question)
    return {i: 0.35 * min(keywords.get(i, 0.0), 2.0) + semantic.get(i, 0.0) for i in INTENTS}


def _rules(question: str, scores: dict[str, float], lang: Lang) -> str:
    """Resolve intents whose phrasing is unambiguous before falling back to the best score."""
    text = question.lower()
    if find_percent(question) is not None and find_lever(question) and keyword_scores(question)["what_if"]:
        return "what_if"
    if keyword_scores(question)["capacity"] and ("rep" in text or "人" in question or "capacity" in text):
        return "capacity"
    if keyword_scores(question)["memo"]:
        return "memo"
    return max(scores, key=lambda i: scores[i])


def route(question: str, vocabulary: dict[str, list[str]] | None = None, previous: Route | None = None) -> Route:
    """Plan one question.

    Args:
        question: The user's question in English or Japanese.
        vocabulary: Dimension values present in the upload (``{"segment": ["enterprise", …]}``)
            so segments can be recognised by name; owner values are already pseudonymised.
        previous: The plan of the previous question in this conversation, for follow-ups.
    """
    lang = detect_language(question)
    vocabulary = vocabulary or {}
    segment = find_segment(question, vocabulary)
    hits = {i for i, n in keyword_scores(question).items() if n}
    if previous is not None and is_followup(question, segment is not None) and hits <= {previous.intent}:
        return replace(previous, lang=lang, question=question, segment=segment or previous.segment,
                       followup=True, change=find_percent(question) or previous.change,
                       revenue_target=find_money(question) or previous.revenue_target)
    scores = score_intents(question)
    intent = _rules(question, scores, lang)
    if intent == "kpi_green_flat" and keyword_scores(question)["kpi_green_flat"] == 0 and scores["kpi_green_flat"] < 0.6:
        intent = "diagnose"
    return Route(
        intent=intent,
        lang=lang,
        question=question,
        segment=segment,
        metric=find_metric(question),
        dimension=find_dimension(question),
        grain=find_grain(question),
        lever=find_lever(question),
        change=find_percent(question),
        revenue_target=find_target(question),
        reps=find_reps(question),
        quota=find_quota(question),
        scores=scores,
    )
