"""Open the playbook knowledge base as configured in :class:`assistant.settings.Settings`.

``knowledge/`` takes paths and hosts as arguments; this is the one place that turns settings
(``REVOPS_STORE_PATH``/``REVOPS_HOME``, ``REVOPS_CHROMA_HOST``/``PORT``, ``REVOPS_COLLECTION``)
into a store. Opened knowledge bases are kept per process, so the agent, the UI and the CLI share
one in-memory lexical index instead of rebuilding it on every question.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from knowledge.playbook import KnowledgeBase

_cache: dict[tuple[str, str, int, str], KnowledgeBase] = {}
_indexed: set[tuple[str, str, int, str]] = set()
_lock = threading.Lock()


def manifest_path(settings: Settings) -> Path:
    """Where the list of the user's own documents is kept: beside the store folder, never inside it
    (a damaged store is moved aside as a whole; the list must survive that)."""
    if settings.chroma_host:
        return settings.home / f"user-documents.{settings.chroma_host}-{settings.chroma_port}.{settings.collection}.json"
    store = settings.resolved_store_path.expanduser()
    return store.with_name(f"{store.name}.user-documents.{settings.collection}.json")


def _key(settings: Settings) -> tuple[str, str, int, str]:
    if settings.chroma_host:
        return ("server", settings.chroma_host, settings.chroma_port, settings.collection)
    return ("local", str(settings.resolved_store_path.expanduser().resolve()), 0, settings.collection)


def open_knowledge(settings: Settings | None = None, auto_index: bool = True, repair: bool = False) -> KnowledgeBase:
    """The knowledge base for these settings (default: from the environment).

    Args:
        settings: Where the store lives; default ``get_settings()``.
        auto_index: Index the built-in playbook on first use in this process (idempotent: only
            new or changed documents are embedded).
        repair: Move a store that cannot be opened aside and start a new one (``index --rebuild``).

    Raises:
        StoreConfigError: The collection name is invalid or the Chroma server cannot be reached.
        StoreDamagedError: The local store cannot be opened (and ``repair`` is off).
    """
    from knowledge.manifest import UserManifest
    from knowledge.playbook import KnowledgeBase
    from knowledge.store import make_store

    settings = settings or get_settings()
    key = _key(settings)
    with _lock:
        kb = _cache.get(key)
        if kb is None:
            store = make_store(
                None if settings.chroma_host else settings.resolved_store_path,
                host=settings.chroma_host,
                port=settings.chroma_port,
                collection=settings.collection,
                repair=repair,
            )
            kb = _cache[key] = KnowledgeBase(store, manifest=UserManifest.load(manifest_path(settings)),
                                             max_document_bytes=int(settings.doc_max_mb * 1024 * 1024))
        if auto_index and key not in _indexed:
            kb.ensure_indexed()
            _indexed.add(key)
    return kb


def clear_cache() -> None:
    """Forget opened knowledge bases (tests that reuse a path with fresh settings)."""
    with _lock:
        _cache.clear()
        _indexed.clear()
