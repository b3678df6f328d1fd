"""The playbook behind the memo: topic titles from the knowledge base, reasoning per finding."""

from __future__ import annotations

from typing import Any

from assistant.memo.actions import REASONING
from assistant.memo.context import MemoContext, TopicRef

AUTO = "auto"


def load_topics(lang: str, knowledge: Any = AUTO) -> tuple[dict[str, TopicRef], bool]:
    """Playbook topic titles and sources in ``lang``, and whether the knowledge base answered.

    ``knowledge`` may be a ``KnowledgeBase``, ``"auto"`` (open it) or ``None`` (do not open a
    store); the built-in playbook files still give titles when the store cannot be used.
    """
    documents: list[Any] = []
    available = False
    if knowledge is not None:
        try:
            if knowledge == AUTO:
                from assistant.knowledge_access import open_knowledge

                knowledge = open_knowledge(auto_index=False)
            documents = list(knowledge.list_documents())
            available = bool(documents)
        except Exception:  # retrieval is a nicety here; the memo must still be written
            documents = []
    if not documents:
        try:
            from knowledge.documents import load_builtin_documents

            documents = list(load_builtin_documents())
        except Exception:
            return {}, False
    topics: dict[str, TopicRef] = {}
    for doc in sorted(documents, key=lambda d: (d.topic, d.lang != lang, str(d.source))):
        if doc.topic not in topics or (topics[doc.topic].lang != lang and doc.lang == lang):
            topics[doc.topic] = TopicRef(doc.topic, doc.title, doc.lang, str(doc.source))
    return topics, available


def reasoning_text(ctx: MemoContext, finding: Any) -> str:
    """Why the playbook says so, citing topic titles in the memo's language (ids in Appendix F)."""
    w = ctx.words
    text = REASONING[w.lang].get(finding.code, "")
    titles = [ctx.topics[t].title for t in finding.playbook_topics
              if t in ctx.topics and ctx.topics[t].lang == w.lang]
    if titles:
        text += (f"（参照：{'、'.join(f'「{t}」' for t in titles)}）" if w.ja else f" (See: {'; '.join(titles)}.)")
    return text.strip()
