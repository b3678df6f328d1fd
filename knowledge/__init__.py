"""The playbook and its retrieval: bilingual Markdown topics, offline embeddings, a Chroma store.

Public API (imported lazily; ``assistant.knowledge_access.open_knowledge`` builds one from the
settings)::

    from knowledge import KnowledgeBase

    kb = KnowledgeBase(store)                     # store: knowledge.store.make_store(...)
    for hit in kb.search("how fast should IS call back an inbound lead", k=3):
        print(hit.topic, hit.score, hit.excerpt)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "KnowledgeBase": "knowledge.playbook",
    "DocumentInfo": "knowledge.playbook",
    "IndexReport": "knowledge.playbook",
    "SearchResult": "knowledge.retrieval",
    "make_store": "knowledge.store",
}

__all__ = [
    "DocumentInfo",
    "IndexReport",
    "KnowledgeBase",
    "SearchResult",
    "make_store",
]

if TYPE_CHECKING:
    from knowledge.playbook import DocumentInfo, IndexReport, KnowledgeBase
    from knowledge.retrieval import SearchResult
    from knowledge.store import make_store


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
