"""Hybrid playbook retrieval: dense (Chroma) + lexical (BM25 on words and CJK bigrams), fused.

Ranking happens per topic, not per chunk: a topic scores as its best chunk in either language,
and is then shown through its best chunk in the preferred language (the question's language unless
``lang`` says otherwise), falling back to the other language when the topic has no page in the
preferred one. That way a Japanese question still finds an English-only user document, while
built-in topics answer in the question's language.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.documents import Lang, detect_lang
from knowledge.embeddings import embed_query
from knowledge.lexical import BM25, tokenize
from knowledge.store import ChunkStore, StoredChunk

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")

RRF_K = 60
"""Reciprocal-rank-fusion constant (the usual 60: damps the difference between ranks 1 and 2)."""

DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
MIN_DENSE_CANDIDATES = 200
EXCERPT_CHARS = 320


@dataclass(frozen=True)
class SearchResult:
    """One playbook passage returned by search (one per topic unless there are fewer topics than k).

    Attributes:
        topic: Topic id (``PLAYBOOK_TOPICS`` id or ``user:<name>``).
        title: Document title.
        lang: Language of the passage (``en``/``ja``).
        source: Where the passage comes from (``knowledge/docs/...`` or the user file path).
        score: Fused relevance (higher is better; comparable within one search only).
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
    body = re.sub(r"[*_`>#|]+", "", body)
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
        self.bm25 = BM25([tokenize(c.text) for c in chunks])


def _ranks(scores: Mapping[int, float]) -> dict[int, int]:
    ordered = sorted(scores, key=lambda i: (-scores[i], i))
    return {index: rank for rank, index in enumerate(ordered, start=1)}


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

    def _dense(self, table: _Table, query: str, only_lang: str | None, k: int) -> dict[int, float]:
        n = max(MIN_DENSE_CANDIDATES, 20 * k)
        hits = self._store.query(embed_query(query), n, where={"lang": only_lang} if only_lang else None)
        if any(h.chunk_id not in table.position for h in hits):
            # Another process changed the store since we loaded it: reload once.
            self.invalidate()
            table = self._current()
        return {table.position[h.chunk_id]: h.similarity for h in hits if h.chunk_id in table.position}

    @staticmethod
    def _lexical(table: _Table, query: str, only_lang: str | None) -> dict[int, float]:
        scores = table.bm25.scores(tokenize(query))
        if only_lang:
            scores = {i: s for i, s in scores.items() if table.chunks[i].metadata.get("lang") == only_lang}
        return scores

    def search(
        self,
        query: str,
        k: int = 5,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        only_lang: str | None = None,
        per_topic: int = 1,
    ) -> list[SearchResult]:
        """Find the playbook passages that answer a question.

        Args:
            query: The question, in English or Japanese.
            k: How many results.
            lang: Preferred answer language (``en``/``ja``); default: the question's language.
            mode: ``hybrid`` (default), ``dense`` or ``lexical`` (for evaluation).
            only_lang: Restrict to documents in this language (cross-language evaluation).
            per_topic: Passages per topic before other topics get a turn.

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
        dense = self._dense(table, query, only_lang, k) if mode in ("hybrid", "dense") else {}
        table = self._current()
        lexical = self._lexical(table, query, only_lang) if mode in ("hybrid", "lexical") else {}
        fused = self._fuse(dense, lexical, mode)
        preferred: Lang = lang if lang in ("en", "ja") else detect_lang(query)  # type: ignore[assignment]
        return self._per_topic(table, fused, preferred, k, per_topic)

    @staticmethod
    def _fuse(dense: dict[int, float], lexical: dict[int, float], mode: Mode) -> dict[int, float]:
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical
        fused: dict[int, float] = defaultdict(float)
        for weight, scores in ((DENSE_WEIGHT, dense), (LEXICAL_WEIGHT, lexical)):
            for index, rank in _ranks(scores).items():
                fused[index] += weight / (RRF_K + rank)
        return dict(fused)

    @staticmethod
    def _per_topic(
        table: _Table, fused: dict[int, float], preferred: Lang, k: int, per_topic: int
    ) -> list[SearchResult]:
        by_topic: dict[str, list[int]] = defaultdict(list)
        for index in sorted(fused, key=lambda i: (-fused[i], i)):
            by_topic[str(table.chunks[index].metadata.get("topic", ""))].append(index)
        # A topic ranks by its best chunk in any language; it is shown in the preferred language
        # when it has a page there, else in the other one.
        topic_order = sorted(by_topic, key=lambda t: -fused[by_topic[t][0]])
        picked: list[tuple[int, float]] = []
        leftovers: list[tuple[int, float]] = []
        for topic in topic_order:
            indices = by_topic[topic]
            in_preferred = [i for i in indices if table.chunks[i].metadata.get("lang") == preferred]
            shown = in_preferred or indices
            topic_score = fused[indices[0]]
            picked.extend((i, topic_score) for i in shown[:per_topic])
            leftovers.extend((i, fused[i]) for i in shown[per_topic:])
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
