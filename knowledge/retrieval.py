"""Hybrid playbook retrieval: dense (Chroma) + lexical (BM25 on words and CJK bigrams), fused.

Ranking happens per topic, not per chunk:

- dense: cosine similarity of the question to each document's mean vector (stored in Chroma as
  a ``kind="document"`` record), best over the topic's languages;
- lexical: the topic's best BM25 chunk score;
- hybrid, per document: ``0.7 * dense' + 0.3 * (w * lexical / max(lexical) + (1 - w) * 0.5)``
  where ``dense'`` is the cosine divided by the best cosine among documents of the same language
  (cross-lingual similarities run systematically lower), and ``w`` is the squared IDF-weighted
  share of the question's tokens that occur in documents of that language at all. A Japanese
  question shares only acronyms with English pages, so an English page gets an average lexical
  credit instead of none. A topic scores as its best language version.

A topic is then shown through its best passage in the preferred language (the question's
language unless ``lang`` says otherwise), falling back to the other language when the topic has
no page in the preferred one. So a Japanese question still finds an English-only user document,
while built-in topics answer in the question's language.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

from knowledge.documents import Lang, detect_lang
from knowledge.embeddings import embed_query
from knowledge.lexical import BM25, tokenize
from knowledge.store import ChunkStore, StoredChunk

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")

LEXICAL_SHARE = 0.3
"""Weight of normalised BM25 against cosine similarity (chosen on the evaluation set; 0.3-0.5
give the same recall@3, 0.3 the better MRR; see bench/bench_retrieval.py)."""
COVERAGE_POWER = 2.0
DENSE_SCALING = "per_language"
UNSEEN_LEXICAL = 0.5
"""Lexical credit for the part of a question lexical matching cannot see (another language)."""
MAX_DOCUMENTS = 1000
"""Documents ranked by the dense query (the playbook has 36 plus the user's own)."""
EXCERPT_CHARS = 320

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class SearchResult:
    """One playbook passage returned by search (one per topic unless there are fewer topics than k).

    Attributes:
        topic: Topic id (``PLAYBOOK_TOPICS`` id or ``user:<name>``).
        title: Document title.
        lang: Language of the passage (``en``/``ja``).
        source: Where the passage comes from (``knowledge/docs/...`` or the user file path).
        score: Relevance of the topic (higher is better; about 0-1, comparable within one search).
        excerpt: Start of the passage, one line.
        chunk_id: Store id of the chunk (stable for an unchanged document).
        heading: Section heading of the passage ('' for a document's introduction).
    """

    topic: str
    title: str
    lang: str
    source: str
    score: float
    excerpt: str
    chunk_id: str
    heading: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``revops search --json`` shape of SPEC §5 (plus ``heading``)."""
        return {
            "topic": self.topic,
            "title": self.title,
            "lang": self.lang,
            "source": self.source,
            "score": round(self.score, 4),
            "excerpt": self.excerpt,
            "heading": self.heading,
        }


def make_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A one-line excerpt of a stored chunk: drops the title line and Markdown markup."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    body = re.sub(r"[*`>#|]+", "", body)
    # underscores are emphasis markup only at word edges; inside `lead_quality_decline` they are the name
    body = re.sub(r"(?<!\w)_+|_+(?!\w)", "", body)
    body = re.sub(r"^\s*[-+]\s+", "", body, flags=re.MULTILINE)
    body = re.sub(r"\s+", " ", body).strip()
    if len(body) <= limit:
        return body
    cut = body[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:、。") + "…"


class _Table:
    """In-memory copy of the collection's chunks and the BM25 index over them."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        self.chunks = chunks
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}
        tokens = [tokenize(c.text) for c in chunks]
        self.bm25 = BM25(tokens)
        self.vectors = (
            np.vstack([c.embedding for c in chunks]) if chunks else np.zeros((0, 1), dtype=np.float32)
        )
        self.topics = [str(c.metadata.get("topic", "")) for c in chunks]
        self.langs = [str(c.metadata.get("lang", "")) for c in chunks]
        self.topic_set = set(self.topics)
        self.vocabulary: dict[str, set[str]] = defaultdict(set)
        for lang, chunk_tokens in zip(self.langs, tokens, strict=True):
            self.vocabulary[lang].update(chunk_tokens)

    def lexical_coverage(self, query_tokens: list[str], lang: str) -> float:
        """IDF-weighted share of the query's tokens that occur anywhere in documents of ``lang``.

        A Japanese question shares only acronyms (KPI, MQL) with English pages: lexical matching
        can barely see those pages, so their score must rest on dense similarity instead.
        """
        if not query_tokens:
            return 0.0
        vocabulary = self.vocabulary.get(lang, set())
        weights = [self.bm25.idf(t) for t in query_tokens]
        total = sum(weights)
        seen = sum(w for t, w in zip(query_tokens, weights, strict=True) if t in vocabulary)
        return seen / total if total else 0.0


def _topic_max(table: _Table, scores: Mapping[int, float]) -> dict[tuple[str, str], float]:
    """Score of each (topic, language) document in one ranking: its best chunk's score."""
    best: dict[tuple[str, str], float] = {}
    for index, score in scores.items():
        key = (table.topics[index], table.langs[index])
        if score > best.get(key, float("-inf")):
            best[key] = score
    return best


def _score_sum(
    dense: Mapping[K, float],
    lexical: Mapping[K, float],
    lexical_weight: Callable[[K], float],
    unseen_lexical: float = 0.0,
) -> dict[K, float]:
    """Normalised score sum: cosine similarity plus BM25 scaled to the best hit.

    ``lexical_weight`` (0-1) says how much of the question lexical matching can see in that
    item's language; what it cannot see is scored by dense similarity alone, so a page in the
    other language is judged on its meaning instead of losing the lexical share outright.
    """
    top = max(lexical.values(), default=0.0) or 1.0
    scores: dict[K, float] = {}
    for key in set(dense) | set(lexical):
        seen = lexical_weight(key)
        # What lexical matching cannot see (another language) counts as an average match.
        lexical_part = seen * lexical.get(key, 0.0) / top + (1 - seen) * unseen_lexical
        scores[key] = (1 - LEXICAL_SHARE) * dense.get(key, 0.0) + LEXICAL_SHARE * lexical_part
    return scores


def _per_language_scaled(scores: Mapping[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Dense similarity divided by the best similarity among documents of the same language.

    Cross-lingual similarities run systematically lower than same-language ones, so raw cosine
    would bury the right page whenever it exists only in the other language.
    """
    if DENSE_SCALING != "per_language":
        return dict(scores)
    best: dict[str, float] = {}
    for (_topic, lang), score in scores.items():
        best[lang] = max(best.get(lang, 0.0), score)
    return {key: score / best[key[1]] if best[key[1]] > 0 else 0.0 for key, score in scores.items()}


def _best_per_topic(scores: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """A topic scores as its best language version."""
    best: dict[str, float] = {}
    for (topic, _lang), score in scores.items():
        best[topic] = max(best.get(topic, float("-inf")), score)
    return best


def _where(kind: str, only_lang: str | None) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = [{"kind": kind}]
    if only_lang:
        clauses.append({"lang": only_lang})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    """Searches one :class:`ChunkStore`; call :meth:`invalidate` after the store changes."""

    def __init__(self, store: ChunkStore) -> None:
        """Wrap a store; the chunk table is loaded lazily on the first search."""
        self._store = store
        self._table: _Table | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the in-memory table (the next search reloads it from the store)."""
        with self._lock:
            self._table = None

    def _current(self) -> _Table:
        with self._lock:
            if self._table is None:
                self._table = _Table(list(self._store.iter_chunks()))
            return self._table

    def search(
        self,
        query: str,
        k: int = 5,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        only_lang: str | None = None,
        per_topic: int = 1,
        exclude: Collection[tuple[str, str]] = (),
    ) -> list[SearchResult]:
        """Find the playbook passages that answer a question.

        Args:
            query: The question, in English or Japanese.
            k: How many results.
            lang: Preferred answer language (``en``/``ja``); default: the question's language.
            mode: ``hybrid`` (default), ``dense`` or ``lexical`` (for evaluation).
            only_lang: Restrict to documents in this language (cross-language evaluation).
            per_topic: Passages per topic before other topics get a turn.
            exclude: ``(topic, lang)`` documents to leave out (evaluation: "this page exists
                only in the other language").

        Returns:
            Up to ``k`` results, best first, at most ``per_topic`` per topic unless there are
            fewer topics than ``k``.
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode '{mode}'; valid: {', '.join(MODES)}")
        if not query.strip() or k < 1:
            return []
        table = self._current()
        if not table.chunks:
            return []
        vector = embed_query(query) if mode != "lexical" else None
        dense_topics: dict[tuple[str, str], float] = {}
        dense_chunks: dict[int, float] = {}
        if vector is not None:
            dense_topics = self._dense_topics(vector, only_lang)
            if not {topic for topic, _ in dense_topics} <= table.topic_set:
                # Another process added documents since we loaded the table: reload once.
                self.invalidate()
                table = self._current()
            dense_chunks = self._dense_chunks(table, vector, only_lang)
        lexical: dict[int, float] = {}
        if mode != "dense":
            lexical = self._lexical(table, query, only_lang)
        if exclude:
            dense_topics = {key: v for key, v in dense_topics.items() if key not in exclude}
            dense_chunks = {
                i: v for i, v in dense_chunks.items() if (table.topics[i], table.langs[i]) not in exclude
            }
            lexical = {i: v for i, v in lexical.items() if (table.topics[i], table.langs[i]) not in exclude}
        if mode == "dense":
            topic_scores, chunk_scores = _best_per_topic(dense_topics), dense_chunks
        elif mode == "lexical":
            topic_scores, chunk_scores = _best_per_topic(_topic_max(table, lexical)), lexical
        else:
            tokens = tokenize(query)
            coverage = {lang: table.lexical_coverage(tokens, lang) ** COVERAGE_POWER for lang in ("en", "ja")}
            per_document = _score_sum(
                _per_language_scaled(dense_topics),
                _topic_max(table, lexical),
                lambda key: coverage.get(key[1], 0.0),
                UNSEEN_LEXICAL,
            )
            topic_scores = _best_per_topic(per_document)
            chunk_scores = _score_sum(dense_chunks, lexical, lambda i: coverage.get(table.langs[i], 0.0))
        preferred: Lang = lang if lang in ("en", "ja") else detect_lang(query)  # type: ignore[assignment]
        return self._pick(table, topic_scores, chunk_scores, preferred, only_lang, k, per_topic)

    # ------------------------------------------------------------------ scoring

    def _dense_topics(self, vector: np.ndarray, only_lang: str | None) -> dict[tuple[str, str], float]:
        """Similarity of the question to each document's mean vector, via a Chroma query."""
        hits = self._store.query(vector, MAX_DOCUMENTS, where=_where("document", only_lang))
        scores: dict[tuple[str, str], float] = {}
        for hit in hits:
            key = (str(hit.metadata.get("topic", "")), str(hit.metadata.get("lang", "")))
            scores[key] = max(scores.get(key, float("-inf")), hit.similarity)
        return scores

    @staticmethod
    def _dense_chunks(table: _Table, vector: np.ndarray, only_lang: str | None) -> dict[int, float]:
        """Cosine similarity of every chunk (vectors are normalised; the table is small)."""
        similarities = table.vectors @ vector
        return {
            i: float(similarities[i])
            for i in range(len(table.chunks))
            if only_lang is None or table.langs[i] == only_lang
        }

    @staticmethod
    def _lexical(table: _Table, query: str, only_lang: str | None) -> dict[int, float]:
        scores = table.bm25.scores(tokenize(query))
        if only_lang:
            scores = {i: s for i, s in scores.items() if table.langs[i] == only_lang}
        return scores

    # ------------------------------------------------------------------ picking passages

    def _pick(
        self,
        table: _Table,
        topic_scores: dict[str, float],
        chunk_scores: dict[int, float],
        preferred: Lang,
        only_lang: str | None,
        k: int,
        per_topic: int,
    ) -> list[SearchResult]:
        by_topic: dict[str, list[int]] = defaultdict(list)
        for index in sorted(chunk_scores, key=lambda i: (-chunk_scores[i], i)):
            by_topic[table.topics[index]].append(index)
        topic_langs: dict[str, set[str]] = defaultdict(set)
        for topic, chunk_lang in zip(table.topics, table.langs, strict=True):
            topic_langs[topic].add(chunk_lang)
        show_lang = only_lang or preferred
        picked: list[tuple[int, float]] = []
        leftovers: list[tuple[int, float]] = []
        for topic in sorted(topic_scores, key=lambda t: (-topic_scores[t], t)):
            # The preferred language when the topic has a page in it, else whatever it has.
            wanted = show_lang if show_lang in topic_langs[topic] else None
            scored = by_topic.get(topic, [])
            candidates = [i for i in scored if table.langs[i] == wanted] or scored
            if not candidates:  # a document vector whose chunks this table does not hold yet
                continue
            picked.extend((i, topic_scores[topic]) for i in candidates[:per_topic])
            leftovers.extend((i, chunk_scores.get(i, 0.0)) for i in candidates[per_topic:])
            if len(picked) >= k:
                break
        if len(picked) < k:
            picked.extend(sorted(leftovers, key=lambda p: -p[1])[: k - len(picked)])
        return [_result(table.chunks[i], score) for i, score in picked[:k]]


def _result(chunk: StoredChunk, score: float) -> SearchResult:
    meta = chunk.metadata
    return SearchResult(
        topic=str(meta.get("topic", "")),
        title=str(meta.get("title", "")),
        lang=str(meta.get("lang", "")),
        source=str(meta.get("source", "")),
        score=float(score),
        excerpt=make_excerpt(chunk.text),
        chunk_id=chunk.chunk_id,
        heading=str(meta.get("heading", "")),
    )
