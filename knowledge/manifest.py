"""The manifest of the user's own playbook documents: what ``revops index --add`` was given.

The vector store is a cache that can be rebuilt; the user's documents are not in the product.
So every user document added is also recorded here — its source path, content hash, topic and
title — in a small JSON file kept *outside* the store folder. When the store is rebuilt, moved
aside as damaged, or found emptied, the documents listed here are read again from their paths
and re-added; one whose file is gone is named in the report instead of vanishing silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.documents import Document

VERSION = 1


@dataclass
class UserManifest:
    """User documents by source path; ``path=None`` keeps it in memory only (tests, read-only)."""

    path: Path | None = None
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: why the file on disk could not be read (it is then rewritten from the store on the next save)
    problem: str | None = None

    @classmethod
    def load(cls, path: Path | None) -> UserManifest:
        """Read the manifest at ``path`` (missing: empty; unreadable: empty, with ``problem`` set)."""
        manifest = cls(path=path)
        if path is None or not path.exists():
            return manifest
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            documents = payload["documents"]
            if not isinstance(documents, dict):
                raise TypeError("documents is not an object")
            manifest.documents = {str(k): dict(v) for k, v in documents.items() if isinstance(v, dict)}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            manifest.problem = f"the list of your documents at {path} could not be read ({type(exc).__name__})"
        return manifest

    def sources(self) -> list[str]:
        """Every recorded source path, in the order they were added."""
        return list(self.documents)

    def record(self, docs: Iterable[Document]) -> None:
        """Remember user documents that were added or refreshed."""
        for doc in docs:
            if doc.builtin:
                continue
            previous = self.documents.get(doc.source, {})
            self.documents[doc.source] = {
                "topic": doc.topic, "title": doc.title, "lang": doc.lang, "content_hash": doc.content_hash,
                "added": previous.get("added") or time.strftime("%Y-%m-%dT%H:%M:%S"),
            }

    def forget(self, sources: Iterable[str]) -> None:
        """Drop documents the user removed (or whose file is gone for good)."""
        for source in sources:
            self.documents.pop(source, None)

    def save(self) -> None:
        """Write atomically (a crash leaves the old file, never half a file); no-op without a path."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": VERSION, "documents": self.documents}
        fd, tmp = tempfile.mkstemp(prefix=".user-documents-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.problem = None
