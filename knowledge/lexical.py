"""Lexical scoring that works for English and for Japanese (which has no spaces between words).

Latin text is cut into lower-cased words (plural ``s`` folded, common stop words dropped);
runs of kana/kanji are cut into overlapping character bigrams, the standard trick for CJK search
without a morphological analyser. Acronyms inside Japanese prose (KPI, MQL, SLA) stay word tokens,
so they also match across languages. BM25 ranks chunks over those tokens.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(
    r"[a-z0-9]+(?:[-'][a-z0-9]+)*"  # Latin words, numbers, hyphenated terms
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆ヵヶー]+"  # runs of kana/kanji
)
_HIRAGANA = re.compile(r"^[\u3040-\u309f]+$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")

STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "ours",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "any",
        "because",
        "before",
        "being",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "out",
        "over",
        "own",
        "same",
        "should",
        "some",
        "such",
        "very",
        "get",
        "got",
        "one",
    }
)


def _fold_english(word: str) -> str:
    """Fold simple English plurals so ``leads`` matches ``lead`` (no full stemmer needed)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lexical tokens of a text: Latin words plus CJK character bigrams.

    Bigrams made only of hiragana (mostly particles and verb endings: 「ている」「ない」) are
    dropped; single-character kana/kanji runs are kept as unigrams.
    """
    normalised = unicodedata.normalize("NFKC", text).lower()
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalised):
        piece = match.group(0)
        if not _CJK.match(piece):
            word = piece.strip("-'")
            if word and word not in STOP_WORDS:
                tokens.append(_fold_english(word))
            continue
        if len(piece) == 1:
            if not _HIRAGANA.match(piece):
                tokens.append(piece)
            continue
        for i in range(len(piece) - 1):
            bigram = piece[i : i + 2]
            if not _HIRAGANA.match(bigram):
                tokens.append(bigram)
    return tokens


class BM25:
    """Okapi BM25 over pre-tokenised documents (kept in memory; the playbook is small).

    Args:
        corpus: One token list per document.
        k1: Term-frequency saturation.
        b: Length normalisation.
    """

    def __init__(self, corpus: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._lengths = [len(doc) for doc in corpus]
        self._avg_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for index, doc in enumerate(corpus):
            for term, count in Counter(doc).items():
                self._postings.setdefault(term, []).append((index, count))
        total = len(self._lengths)
        self._idf = {
            term: math.log(1.0 + (total - len(posts) + 0.5) / (len(posts) + 0.5))
            for term, posts in self._postings.items()
        }

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term (the maximum for an unseen term)."""
        if term in self._idf:
            return self._idf[term]
        total = len(self._lengths)
        return math.log(1.0 + (total + 0.5) / 0.5)

    def __len__(self) -> int:
        """Number of documents indexed."""
        return len(self._lengths)

    def scores(self, query_tokens: Sequence[str]) -> dict[int, float]:
        """BM25 score of every document that shares at least one token with the query."""
        result: dict[int, float] = {}
        if not self._lengths:
            return result
        for term, query_count in Counter(query_tokens).items():
            posts = self._postings.get(term)
            if not posts:
                continue
            idf = self._idf[term]
            for index, count in posts:
                norm = self.k1 * (1.0 - self.b + self.b * self._lengths[index] / (self._avg_length or 1.0))
                gain = idf * count * (self.k1 + 1.0) / (count + norm)
                # Repeated query terms count, sub-linearly: 「リード」 twice should not double the score.
                result[index] = result.get(index, 0.0) + gain * (1.0 + math.log(query_count))
        return result
