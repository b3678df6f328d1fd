"""Finding phrases in a question: NFKC lower-casing, whole English words, longest phrase first.

Shared by the parsers of ``assistant.chat`` (metrics, durations, compound asks, numbers); the
phrase tables themselves live in ``metric_words`` and ``intent_words``.
"""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    """The form every question and phrase is matched in (NFKC, lower case: 「？」 is "?"; "sql-to-opportunity"
    reads as "sql to opportunity")."""
    return re.sub(r"(?<=[a-z])-to-(?=[a-z])", " to ", unicodedata.normalize("NFKC", text).lower())


def hits(text: str, table: dict[str, str]) -> list[tuple[int, int, str]]:
    """Non-overlapping phrase hits (start, end, id): earliest first, longest at the same place."""
    found = []
    for phrase, name in table.items():
        start = text.find(phrase)
        while start >= 0:  # plain find: hundreds of phrases per question would thrash the regex cache
            end = start + len(phrase)
            if not phrase.isascii() or word_edges(text, start, end):
                found.append((start, end, name))
            start = text.find(phrase, start + 1)
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    taken: list[tuple[int, int, str]] = []
    for hit in found:
        if all(hit[1] <= s or hit[0] >= e for s, e, _ in taken):
            taken.append(hit)
    return taken


def contains(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` (as words, when it is English)."""
    start = text.find(phrase)
    while start >= 0:
        if not phrase.isascii() or word_edges(text, start, start + len(phrase)):
            return True
        start = text.find(phrase, start + 1)
    return False


def word_edges(text: str, start: int, end: int) -> bool:
    """An English phrase stands as words: no ASCII letter or digit around it (a plural "s" is fine)."""
    before = text[start - 1] if start else " "
    after = text[end:end + 1] or " "
    if after == "s" and text[end - 1].isalpha():
        after = text[end + 1:end + 2] or " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
