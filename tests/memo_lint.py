"""What a leadership reader must never see in a memo's body: raw keys, p-values, untranslated English.

Shared by the memo tests and the golden-memo checks. ``body_text`` is the memo without its
appendix (the appendix keeps ids, column names, JSON tool calls and p-values on purpose).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.memo.model import Memo
from tools.dataset import LoadedData

#: snake_case identifiers (two or more lowercase words joined by underscores).
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
P_VALUE = re.compile(r"p[-\s]?value|p値|p\s*[=<>]\s*\d", re.IGNORECASE)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: Product and method terms a Japanese memo writes in Latin letters.
JA_ALLOWED_TERMS = frozenset({
    "MQL", "SQL", "KPI", "SLA", "IS", "FS", "CS", "RevOps", "LTV", "ICP", "BANT", "AE", "ABM", "what-if", "Q",
    "SMB", "GTM",
})


def body_text(memo: Memo, data: LoadedData | None = None) -> str:
    """Everything a reader sees before the appendix (less the upload's file names, which are the
    reader's own)."""
    text = memo.plain_text(include_appendix=False)
    for source in data.files if data is not None else []:
        text = text.replace(source.name, "")
    return text


def raw_keys(text: str) -> list[str]:
    """snake_case ids left in ``text``."""
    return sorted(set(SNAKE_CASE.findall(text)))


def p_values(text: str) -> list[str]:
    return [m.group(0) for m in P_VALUE.finditer(text)]


def data_names(data: LoadedData) -> set[str]:
    """Words of the upload's own values (lead sources, segments, ...): data names may stay as they are."""
    words: set[str] = set()
    for column in data.dimensions:
        for value in data.frame[column].dropna().astype(str).unique()[:200]:
            words.update(LATIN_WORD.findall(value))
    return words


def english_in_japanese(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Latin-letter words in a Japanese text that are neither product terms nor data names."""
    ok = JA_ALLOWED_TERMS | set(allowed)
    text = re.sub(r"\d{4}-Q[1-4]", "", text)  # window labels
    text = re.sub(r"付録[A-G]|The Model", "", text)  # appendix references; the method's own name
    return sorted({w for w in LATIN_WORD.findall(text) if w not in ok})
