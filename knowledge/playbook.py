"""The knowledge base facade: index the playbook (built-in and user pages) and search it.

Indexing is idempotent. Every chunk carries its document's content hash, so re-indexing an
unchanged file does nothing, a changed file has its chunks replaced (delete by source, then add),
and ``rebuild`` drops the collection and builds it again (user documents whose files still exist
are added back).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.documents import (
    SUPPORTED_SUFFIXES,
    Document,
    chunk_document,
    load_builtin_documents,
    load_document,
)
from knowledge.manifest import UserManifest
from knowledge.retrieval import Mode, Retriever, SearchResult
from knowledge.store import ChunkStore, Progress, StoreReadOnlyError
from tools.errors import RevOpsInputError, UnreadableFileError


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document as listed by ``revops index --list``."""

    topic: str
    title: str
    lang: str
    source: str
    builtin: bool = True
    chunks: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "topic": self.topic,
            "title": self.title,
            "lang": self.lang,
            "source": self.source,
            "builtin": self.builtin,
            "chunks": self.chunks,
        }


@dataclass
class IndexReport:
    """What one indexing run changed.

    Attributes:
        added: Sources indexed for the first time.
        updated: Sources whose content changed and whose chunks were replaced.
        removed: Sources deleted from the store.
        unchanged: How many documents were already up to date.
        documents: Documents in the store afterwards.
        chunks: Chunks in the store afterwards.
        rebuilt: Whether the collection was dropped and rebuilt.
        seconds: Wall time of the run.
        location: Store directory or server URL, and collection.
        notes: Anything the user should know (e.g. a user file that moved).
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: int = 0
    chunks: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    location: str = ""
    notes: list[str] = field(default_factory=list)
    #: user documents that could not be read again (and are no longer indexed)
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the run modified the store."""
        return bool(self.added or self.updated or self.removed or self.rebuilt)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "documents": self.documents,
            "chunks": self.chunks,
            "rebuilt": self.rebuilt,
            "seconds": round(self.seconds, 3),
            "location": self.location,
            "notes": self.notes,
        }

    def render_text(self) -> str:
        """Human summary for the CLI."""
        verb = "Rebuilt" if self.rebuilt else "Indexed"
        lines = [
            f"{verb} {self.location}: {self.documents} documents, {self.chunks} chunks "
            f"({len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged) in {self.seconds:.1f}s."
        ]
        lines += [f"  + {s}" for s in self.added]
        lines += [f"  ~ {s}" for s in self.updated]
        lines += [f"  - {s}" for s in self.removed]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files to add: the paths themselves, and the supported files inside any folder."""
    files: list[Path] = []
    for item in paths:
        path = Path(item).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                raise UnreadableFileError(
                    "no .md, .txt or .pdf files in this folder",
                    file=str(path),
                    hint="Add documents one by one",
                )
            files.extend(found)
        else:
            files.append(path)
    return files


class KnowledgeBase:
    """The playbook: a chunk store plus hybrid retrieval over it.

    Args:
        store: The Chroma-backed chunk store (``knowledge.store.make_store``).
        builtin_root: Folder with ``en/`` and ``ja/`` built-in documents (default: the packaged
            ``knowledge/docs``; tests pass a fixture folder).
        manifest: Where the user's documents are listed (default: in memory only).
        max_document_bytes: Largest user document accepted (``REVOPS_DOC_MAX_MB``).
    """

    def __init__(
        self,
        store: ChunkStore,
        builtin_root: Path | None = None,
        *,
        manifest: UserManifest | None = None,
        max_document_bytes: int | None = None,
    ) -> None:
        """Wrap a store; nothing is indexed until :meth:`index` is called."""
        self.store = store
        self.builtin_root = builtin_root
        self.manifest = manifest if manifest is not None else UserManifest()
        self.max_document_bytes = max_document_bytes
        #: the report of the last :meth:`index` run (its notes matter even when nothing was asked)
        self.last_report: IndexReport | None = None
        self._retriever = Retriever(store)
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- indexing

    def index(
        self,
        rebuild: bool = False,
        add: Sequence[str | Path] = (),
        remove: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> IndexReport:
        """Bring the store up to date with the built-in playbook, then add/remove user documents.

        User documents are also kept in the manifest: a rebuild re-adds them, and so does any run
        that finds them missing from the store (an emptied or replaced store file).

        Args:
            rebuild: Drop the collection first and index everything again.
            add: User documents (.md, .txt, .pdf files, or folders of them) to add or refresh.
            remove: User documents to remove, by source path, file name, stem or topic id.
            progress: ``progress(done, total)`` after each batch of chunks embedded.

        Returns:
            What changed.

        Raises:
            RevOpsInputError: A file to add cannot be read or is too large, a document to remove is
                unknown, or the store is read-only. Nothing is changed in that case.
        """
        started = time.perf_counter()
        if self.store.read_only and (rebuild or add or remove):
            raise StoreReadOnlyError(
                "the knowledge store is read-only: it serves searches, but documents cannot be added, "
                "removed or rebuilt", file=self.store.location,
                hint="Make the folder writable, or set REVOPS_STORE_PATH to a folder you can write to",
            )
        # Read and validate every input before touching the store, so a bad path changes nothing.
        new_user_docs = [load_document(p, max_bytes=self.max_document_bytes) for p in _expand_paths(add)]
        with self._lock:
            report = IndexReport(location=f"{self.store.location} [{self.store.collection_name}]")
            report.notes += self.store.notes + ([self.manifest.problem] if self.manifest.problem else [])
            self.store.notes = []
            stored = self.store.documents()
            to_remove = self._resolve_removals(remove, stored)
            adding = {d.source for d in new_user_docs}
            known = [s for s, info in stored.items() if not info["builtin"]]
            if rebuild or (stored and not self.store.model_matches()):
                self.store.reset()
                report.rebuilt = True
                wanted = [s for s in dict.fromkeys([*known, *self.manifest.sources()]) if s not in to_remove]
                stored = {}
                new_user_docs = self._reload_user_docs([s for s in wanted if s not in adding], report) + new_user_docs
            else:  # listed in the manifest but gone from the store: the store lost them, bring them back
                lost = [s for s in self.manifest.sources() if s not in stored and s not in adding]
                new_user_docs = self._reload_user_docs(lost, report, lost=True) + new_user_docs
            for source in to_remove:
                self.store.delete_source(source)
                stored.pop(source, None)
                report.removed.append(source)
            builtins = load_builtin_documents(self.builtin_root)
            current = {d.source for d in builtins}
            for source, info in list(stored.items()):
                if info["builtin"] and source not in current:  # a built-in page that no longer ships
                    self.store.delete_source(source)
                    stored.pop(source)
                    report.removed.append(source)
            refreshed = self._refresh_user_docs(stored, {d.source for d in new_user_docs}, report)
            pending = [
                doc
                for doc in [*builtins, *refreshed, *new_user_docs]
                if self._needs_sync(doc, stored, report)
            ]
            # One pass over everything that changed, embedded and stored batch by batch.
            self.store.add_chunks([chunk for doc in pending for chunk in chunk_document(doc)], progress)
            if report.changed:
                self._retriever.invalidate()
            summaries = self.store.documents()
            report.documents = len(summaries)
            report.chunks = sum(int(s["chunks"]) for s in summaries.values())
            self._keep_manifest(summaries, report)
        report.seconds = time.perf_counter() - started
        self.last_report = report
        return report

    def _keep_manifest(self, summaries: dict[str, dict[str, Any]], report: IndexReport) -> None:
        """The manifest lists exactly the user documents in the store (plus files it still expects)."""
        self.manifest.forget(report.removed)
        self.manifest.forget(s for s in report.dropped if s not in summaries)
        for source, info in summaries.items():
            if not info["builtin"]:
                self.manifest.documents[source] = {
                    **self.manifest.documents.get(source, {}),
                    **{k: info[k] for k in ("topic", "title", "lang", "content_hash")},
                }
                self.manifest.documents[source].setdefault("added", time.strftime("%Y-%m-%dT%H:%M:%S"))
        if not self.store.read_only:
            try:
                self.manifest.save()
            except OSError as exc:
                report.notes.append(f"could not save the list of your documents ({exc.strerror})")

    def ensure_indexed(self) -> IndexReport:
        """Index on first use and pick up changed built-in/user files (cheap when nothing changed)."""
        return self.index()

    def _needs_sync(self, doc: Document, stored: dict[str, dict[str, Any]], report: IndexReport) -> bool:
        """Whether a document must be (re-)embedded; a changed document's old chunks are deleted."""
        previous = stored.get(doc.source)
        if previous is not None and previous["content_hash"] == doc.content_hash:
            report.unchanged += 1
            return False
        if previous is not None:
            self.store.delete_source(doc.source)
            report.updated.append(doc.source)
        else:
            report.added.append(doc.source)
        stored[doc.source] = {"content_hash": doc.content_hash, "builtin": doc.builtin}
        return True

    def _reload_user_docs(self, sources: Sequence[str], report: IndexReport, *, lost: bool = False) -> list[Document]:
        """Read user documents again from their files (after a rebuild, or when the store lost them)."""
        docs: list[Document] = []
        for source in sources:
            path = Path(source)
            try:
                docs.append(load_document(path, max_bytes=self.max_document_bytes))
            except RevOpsInputError as exc:
                report.dropped.append(source)
                report.notes.append(f"dropped user document {source}: {exc}")
                continue
            if lost:
                report.notes.append(f"re-added {source}: the store had lost it (it is in the list of your documents)")
        return docs

    def _refresh_user_docs(
        self, stored: dict[str, dict[str, Any]], being_added: set[str], report: IndexReport
    ) -> list[Document]:
        """Re-read user documents already in the store; a moved or deleted file keeps its chunks."""
        docs: list[Document] = []
        for source, info in stored.items():
            if info["builtin"] or source in being_added:
                continue
            path = Path(source)
            if not path.is_file():
                report.notes.append(
                    f"{source} is no longer on disk; its indexed copy is kept (--remove to drop)"
                )
                continue
            try:
                docs.append(load_document(path, max_bytes=self.max_document_bytes))
            except RevOpsInputError as exc:
                report.notes.append(f"kept the indexed copy of {source}: {exc}")
        return docs

    @staticmethod
    def _resolve_removals(names: Sequence[str], stored: dict[str, dict[str, Any]]) -> list[str]:
        sources: list[str] = []
        for name in names:
            resolved = str(Path(name).expanduser().resolve()) if name else name
            matches = [
                source
                for source, info in stored.items()
                if name in (source, Path(source).name, Path(source).stem, info["topic"]) or resolved == source
            ]
            if not matches:
                user_docs = sorted(Path(s).name for s, i in stored.items() if not i["builtin"])
                raise RevOpsInputError(
                    f"no indexed document matches '{name}'",
                    examples=user_docs,
                    hint="Give the path, file name or topic id shown by `revops index --list`",
                )
            builtin = [s for s in matches if stored[s]["builtin"]]
            if builtin:
                raise RevOpsInputError(
                    f"'{name}' is a built-in playbook document and cannot be removed",
                    examples=builtin,
                    hint="Only documents added with `revops index --add` can be removed",
                )
            sources.extend(s for s in matches if s not in sources)
        return sources

    # ---------------------------------------------------------------- reading

    def search(
        self,
        query: str,
        k: int = 5,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        only_lang: str | None = None,
        per_topic: int = 1,
        exclude: Collection[tuple[str, str]] = (),
    ) -> list[SearchResult]:
        """Search the playbook; see :meth:`knowledge.retrieval.Retriever.search`.

        Args:
            query: The question, in English or Japanese.
            k: How many results (one per topic).
            lang: Preferred answer language; default: the question's language.
            mode: ``hybrid`` (default), ``dense`` or ``lexical``.
            only_lang: Only documents in this language.
            per_topic: Passages per topic (more than one lets a caller pick the best section).
            exclude: ``(topic, lang)`` documents to leave out (evaluation).
        """
        return self._retriever.search(
            query, k=k, lang=lang, mode=mode, only_lang=only_lang, per_topic=per_topic, exclude=exclude
        )

    def list_documents(self) -> list[DocumentInfo]:
        """Every indexed document, built-ins first, then by language and topic."""
        docs = [
            DocumentInfo(
                topic=str(info["topic"]),
                title=str(info["title"]),
                lang=str(info["lang"]),
                source=source,
                builtin=bool(info["builtin"]),
                chunks=int(info["chunks"]),
            )
            for source, info in self.store.documents().items()
        ]
        return sorted(docs, key=lambda d: (not d.builtin, d.lang, d.topic, d.source))
