"""Header normalisation and synonym lookup.

Two forms of a header are compared with the synonyms of ``tools.ingest.synonyms``:

- the *name*: NFKC (full-width -> half-width), case-folded, spaces and punctuation removed, so
  ``Lead ID``, ``lead_id`` and ``ＬＥＡＤ　ＩＤ`` are the same name;
- the *stem*: the name without a vendor entity prefix (Pipedrive's ``Deal - Won time``), a
  parenthesised note (``(JST)``, ``(Do Not Modify)``) or a trailing date/time word (Date, Time, At,
  On, Datetime, Timestamp, 日, 日時, 日付, 時刻), so ``初回接触日時`` meets ``初回接触日`` and
  ``CreatedAt`` meets ``Created Date``.

A name match outranks a stem match; among the keys one header may mean (``Won`` the flag,
``Won time`` the date), the loader keeps the one whose kind the column's values fit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tools.ingest.synonyms import KEY_KINDS, SYNONYMS

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: "Deal - Title", "Person - Name", "Organization - Name": the export's entity, then the field
_ENTITY = re.compile(r"^\s*(deal|lead|person|organization|organisation|org|contact|opportunity|account|"
                     r"company|user|product)\s*[-:–]\s*(.+)$", re.IGNORECASE)
_NOTE = re.compile(r"\s*[(\[（［][^)\]）］]*[)\]）］]\s*")
_TIME_WORDS = ("datetime", "timestamp", "date", "time", "at", "on", "dt", "jst", "utc", "gmt")
_JA_TIME_SUFFIXES = ("年月日", "日時", "日付", "時刻", "日")
_STEM_MIN = 2


def normalise_name(text: object) -> str:
    """Normalise a header or a categorical value for matching (NFKC, case, spaces, punctuation)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def entity_of(header: str) -> str | None:
    """The entity of a prefixed export header (``Deal - Value`` -> ``deal``), else None."""
    match = _ENTITY.match(unicodedata.normalize("NFKC", header))
    return match.group(1).casefold() if match else None


def _words(header: str) -> list[str]:
    text = unicodedata.normalize("NFKC", header)
    match = _ENTITY.match(text)
    if match:
        text = match.group(2)
    text = _NOTE.sub(" ", text)
    text = _CAMEL.sub(" ", text)
    return [w for w in _PUNCT.split(text.casefold()) if w]


def header_stem(header: str) -> str:
    """The header's stem: no entity prefix, no bracketed note, no trailing date/time word."""
    words = _words(header)
    while len(words) > 1 and words[-1] in _TIME_WORDS:
        words.pop()
    stem = "".join(words)
    for suffix in _JA_TIME_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= _STEM_MIN and not stem.isascii():
            stem = stem[: -len(suffix)]
            break
    return stem or normalise_name(header)


def _bare_name(header: str) -> str:
    """The name without entity prefix and bracketed note (``Deal - ID`` -> ``id``)."""
    return "".join(_words(header)) or normalise_name(header)


@dataclass(frozen=True)
class Candidate:
    """One key a header may map to, and how well it matched."""

    key: str
    exact: bool  # the whole name matched (a stem match ranks below)
    priority: int  # position of the synonym in its key's list (lower wins)


def _build_index(use_stem: bool) -> dict[str, list[tuple[str, int]]]:
    index: dict[str, list[tuple[str, int]]] = {}
    for key, names in SYNONYMS.items():
        for priority, name in enumerate(names):
            if use_stem:
                forms = {header_stem(name)}
            else:  # a synonym with a note ("(Do Not Modify) Lead") only matches whole
                forms = {normalise_name(name)} if _NOTE.search(name) else {normalise_name(name), _bare_name(name)}
            for form in forms:
                entries = index.setdefault(form, [])
                if all(k != key for k, _ in entries):
                    entries.append((key, priority))
    return index


_NAME_INDEX = _build_index(use_stem=False)
_STEM_INDEX = _build_index(use_stem=True)


def candidates(header: str) -> list[Candidate]:
    """Keys ``header`` may mean, best first: whole-name matches, then stem matches."""
    found: list[Candidate] = []
    seen: set[str] = set()
    for form, exact in ((normalise_name(header), True), (_bare_name(header), True), (header_stem(header), False)):
        index = _NAME_INDEX if exact else _STEM_INDEX
        for key, priority in index.get(form, []):
            if key not in seen:
                seen.add(key)
                found.append(Candidate(key, exact, priority))
        if not exact:
            for key, priority in _NAME_INDEX.get(form, []):  # "受注日時" -> stem "受注" -> the 受注 flag
                if key not in seen:
                    seen.add(key)
                    found.append(Candidate(key, False, priority))
    return found


def kind_of(key: str) -> str:
    """The kind of values a key holds (``id``, ``date``, ``number``, ``flag``, ``stage``, ``text``)."""
    return KEY_KINDS.get(key, "text")


def accepted_names(key: str, limit: int = 8) -> list[str]:
    """A few header names accepted for ``key`` (for error hints): English ones, then two Japanese."""
    names = [s for s in SYNONYMS.get(key, (key,)) if s != key]
    japanese = [s for s in names if not s.isascii()][:2]
    return [s for s in names if s.isascii()][: limit - len(japanese)] + japanese


def looks_like(headers: list[str], words: tuple[str, ...]) -> int:
    """How many of ``headers`` are one of ``words`` (compared as stems)."""
    stems = {header_stem(w) for w in words}
    return sum(1 for h in headers if header_stem(h) in stems)
