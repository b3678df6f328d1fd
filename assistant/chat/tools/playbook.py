"""Playbook passages for answers: one sentence from a known topic, or a hybrid search.

``topic_passage`` reads the built-in Markdown pages directly (no vector store, no embedding
model), so a narrow answer can carry one line of playbook context at no start-up cost: the
sentence of the topic page that contains a cue ("contact within 24 hours"), else the page's
first sentence. ``search_passages`` is the hybrid retrieval (Chroma + BM25) for concept
questions. Either way the passage text is a tool result, so a figure quoted from it (24 hours,
~80%) is grounded by the passage it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tools.errors import RevOpsInputError
from tools.schema import PLAYBOOK_TOPICS

if TYPE_CHECKING:
    from assistant.chat.tools.runtime import ToolRecord, ToolRuntime

#: Section headings that list finding codes rather than explain a topic (en / ja documents).
RELATED_HEADINGS = ("related findings", "関連する診断結果")
#: Chunks per topic fetched so an explanatory one can be preferred over a "Related findings" list.
PER_TOPIC = 3
_SENTENCE = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")


@dataclass(frozen=True)
class Passage:
    """A playbook excerpt an answer quotes, with where it comes from."""

    topic: str
    title: str
    lang: str
    source: str
    excerpt: str
    heading: str = ""
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "title": self.title, "lang": self.lang, "source": self.source,
                "heading": self.heading, "score": self.score, "excerpt": self.excerpt}


@lru_cache(maxsize=1)
def _builtin_sections() -> dict[tuple[str, str], list[tuple[str, str, str, str]]]:
    """(topic, lang) -> [(heading, text, title, source)] of the built-in pages."""
    from knowledge.documents import chunk_document, load_builtin_documents

    out: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for doc in load_builtin_documents():
        for chunk in chunk_document(doc):
            out.setdefault((doc.topic, doc.lang), []).append((chunk.heading, chunk.text, doc.title, doc.source))
    return out


def _plain(text: str) -> str:
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def topic_passage(topic: str, lang: str, cue: str | None = None, sentences: int = 1) -> Passage:
    """The sentence of ``topic``'s page (in ``lang``) that contains ``cue``, else its first sentence
    (``sentences``: that many sentences of its section from there, for a definition or a reason)."""
    if topic not in PLAYBOOK_TOPICS:
        raise RevOpsInputError(f"unknown topic {topic!r}", hint="Valid topics: " + ", ".join(PLAYBOOK_TOPICS))
    sections = _builtin_sections().get((topic, lang)) or _builtin_sections().get((topic, "en")) or []
    if not sections:
        raise RevOpsInputError(f"the playbook page {topic!r} is missing")
    explanatory = [s for s in sections if not any(h in s[0].casefold() for h in RELATED_HEADINGS)] or sections
    heading, text, title, source = explanatory[0]
    sentence = ""
    if cue:
        for h, t, _title, _source in explanatory:
            lines = [line for line in _SENTENCE.split(_plain(t)) if line.strip()]
            for i, line in enumerate(lines):
                if cue.casefold() in line.casefold():
                    heading, sentence = h, line
                    if len(line) < 60 and i + 1 < len(lines):  # "Always split by segment." needs its reason
                        sentence = f"{line} {lines[i + 1]}" if lang == "en" else line + lines[i + 1]
                    break
            if sentence:
                break
    if not sentence:
        sentence = next((s for s in _SENTENCE.split(_plain(text)) if len(s) > 20), _plain(text)[:240])
    if sentences > 1:
        section = next((t for h, t, _title, _source in explanatory if h == heading), text)
        lines = [line.strip() for line in _SENTENCE.split(_plain(section)) if line.strip()]
        first = next((i for i, line in enumerate(lines) if sentence.strip().startswith(line)), 0)
        sentence = (" " if lang == "en" else "").join(lines[first:first + sentences])
    return Passage(topic, title, lang, source, sentence.strip(), heading)


def first_sentences(text: str, count: int, lang: str) -> str:
    """The first ``count`` sentences of a passage (Markdown marks and list bullets removed)."""
    lines = [line.strip() for line in _SENTENCE.split(_plain(text)) if line.strip()]
    return (" " if lang == "en" else "").join(lines[:count])


def passage_record(ctx: ToolRuntime, topic: str, lang: str, cue: str | None = None, sentences: int = 1) -> ToolRecord:
    """``topic_passage`` as a logged tool call."""
    args = {"topic": topic, "lang": lang, "cue": cue, "sentences": sentences if sentences > 1 else None}
    return ctx.run("playbook_passage", args, lambda: topic_passage(topic, lang, cue, sentences))


def search_record(ctx: ToolRuntime, query: str, lang: str | None = None, k: int = 4,
                  topics: list[str] | None = None) -> ToolRecord:
    """The hybrid playbook search as a logged tool call (``{"results": [...]}``)."""

    def compute() -> list[Passage]:
        if not query.strip():
            raise RevOpsInputError("query is empty", hint="Pass the question or concept to look up")
        unknown = [t for t in topics or [] if t not in PLAYBOOK_TOPICS]
        if unknown:
            raise RevOpsInputError(f"unknown topic {unknown[0]!r}", hint="Valid topics: " + ", ".join(PLAYBOOK_TOPICS))
        return search_passages(ctx, query, max(1, min(int(k), 8)), lang, list(topics or []))

    return ctx.run("search_playbook", {"query": query, "lang": lang, "k": k, "topics": topics}, compute,
                   lambda found: {"results": [p.to_dict() for p in found]})


def search_passages(ctx: ToolRuntime, query: str, k: int, lang: str | None, topics: list[str]) -> list[Passage]:
    """Hybrid playbook search; passages of the preferred ``topics`` first (each looked up if missing).

    One passage per topic, taken from an explanatory section when the topic has one (a document's
    "Related findings" section is a list of finding codes, a poor excerpt for an answer).
    """
    found = _search(ctx, query, max(k, 6), lang)
    by_topic = {p.topic: p for p in found}
    for topic in topics:
        if topic not in by_topic:
            extra = _search(ctx, topic.replace("-", " "), 3, lang)
            by_topic.update({p.topic: p for p in extra if p.topic == topic})
    preferred = [by_topic[t] for t in topics if t in by_topic]
    rest = [p for p in found if p.topic not in topics]
    return (preferred + rest)[: max(k, len(preferred))]


def is_related_section(passage: Passage) -> bool:
    """Whether a passage comes from a document's "Related findings" / 「関連する診断結果」 section."""
    return any(h in passage.heading.casefold() for h in RELATED_HEADINGS)


def explanatory(passages: list[Passage]) -> list[Passage]:
    """One passage per topic in rank order, preferring chunks outside the "Related findings" section."""
    chosen: dict[str, Passage] = {}
    for p in passages:
        current = chosen.get(p.topic)
        if current is None or (is_related_section(current) and not is_related_section(p)):
            chosen[p.topic] = p
    return list(chosen.values())


def _search(ctx: ToolRuntime, query: str, k: int, lang: str | None) -> list[Passage]:
    """Up to ``k`` topics for ``query``, memoised per conversation (same query, same passages)."""

    def run() -> list[Passage]:
        results = ctx.knowledge.search(query, k=k * PER_TOPIC, lang=lang, per_topic=PER_TOPIC)
        return explanatory([_passage(r) for r in results])[:k]

    return list(ctx.cached(("search", query, k, lang), run))


def _passage(result: Any) -> Passage:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return Passage(str(data.get("topic")), str(data.get("title") or ""), str(data.get("lang") or ""),
                   str(data.get("source") or ""), str(data.get("excerpt") or ""), str(data.get("heading") or ""),
                   data.get("score"))
