"""The Chroma vector store behind the playbook: the only module that imports ``chromadb``.

``make_store`` opens either a persistent collection on disk (``PersistentClient``) or a
collection on a Chroma server (``HttpClient``, for a team deployment started with
``chroma run``). Vectors come from the offline USE model in ``knowledge/embeddings.py``; the
collection is created with that embedding function and the cosine space spelled out, so Chroma's
default (downloaded) embedding model is never used. Telemetry is off everywhere.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.documents import Chunk, embedding_text
from knowledge.embeddings import DIMENSIONS, MODEL_NAME, embed_texts, model_version
from knowledge.store_files import describe_failure, is_writable, move_aside, read_only_copy
from tools.errors import RevOpsInputError

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")
_PAGE = 500
_ADD_BATCH = 256


#: ``progress(done, total)``: chunks embedded and stored so far, of how many.
Progress = Callable[[int, int], None]


class StoreConfigError(RevOpsInputError):
    """The knowledge store cannot be opened as configured (bad collection name, server down)."""


class StoreDamagedError(StoreConfigError):
    """The store's files cannot be opened (not a database, malformed); ``index --rebuild`` repairs it."""


class StoreReadOnlyError(StoreConfigError):
    """The store is read-only: it serves searches, but documents cannot be added or removed."""


@register_embedding_function
class UseEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the offline multilingual USE model (512-d, cosine)."""

    def __init__(self) -> None:
        """No options: the model ships in the wheel and is cached per process."""

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's protocol name
        """Embed documents or queries (the model is symmetric)."""
        return [row for row in embed_texts(list(input))]

    @staticmethod
    def name() -> str:
        """Registered name, stored in the collection configuration."""
        return "revops-usem3"

    def get_config(self) -> dict[str, Any]:
        """Serializable configuration (the model identity)."""
        return {"model": MODEL_NAME, "version": model_version()}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> UseEmbeddingFunction:
        """Rebuild from a stored configuration (Chroma calls this when reopening a collection)."""
        return UseEmbeddingFunction()

    def default_space(self) -> Space:
        """Vectors are L2-normalised sentence embeddings: cosine is the natural space."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Spaces in which these vectors make sense."""
        return ["cosine", "ip", "l2"]


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store: its id, stored text, metadata and vector."""

    chunk_id: str
    text: str
    metadata: Mapping[str, Any]
    embedding: np.ndarray


@dataclass(frozen=True)
class DenseHit:
    """One nearest-neighbour hit: record id, cosine similarity (1 - cosine distance), metadata."""

    chunk_id: str
    similarity: float
    metadata: Mapping[str, Any]


def document_record_id(chunk: Chunk) -> str:
    """Id of a document's own record (its mean vector), derived from the source and content hash."""
    return f"{chunk.source}#doc:{chunk.content_hash[:12]}"


def _telemetry_off() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def validate_collection_name(name: str) -> str:
    """Check a collection name against Chroma's rules (3-512 chars of ``[A-Za-z0-9._-]``).

    Raises:
        StoreConfigError: The name is not allowed; the message says what is.
    """
    if not _COLLECTION_NAME.match(name) or ".." in name:
        raise StoreConfigError(
            f"invalid collection name '{name}'",
            hint="Use 3-512 characters (letters, digits, '.', '_', '-'), starting and ending with a "
            "letter or digit; set REVOPS_COLLECTION",
        )
    return name


class ChunkStore:
    """A Chroma collection of playbook chunks, with the few operations the knowledge base needs."""

    def __init__(self, client: Any, collection_name: str, location: str, *, read_only: bool = False) -> None:
        """Wrap an open Chroma client; use :func:`make_store` rather than calling this."""
        self._client = client
        self._name = collection_name
        self.location = location
        #: the folder could not be written: searches run on a private copy, changes are refused
        self.read_only = read_only
        #: what opening the store had to do (moved a damaged store aside, opened a copy)
        self.notes: list[str] = []
        self._collection = self._open()

    def _open(self) -> Any:
        try:
            return self._client.get_or_create_collection(
                name=self._name,
                embedding_function=UseEmbeddingFunction(),
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": MODEL_NAME, "embedding_version": model_version()},
            )
        except ValueError as exc:  # a collection of that name built with another embedding function
            raise StoreConfigError(
                f"collection '{self._name}' at {self.location} cannot be used ({exc})",
                hint="Choose another collection with REVOPS_COLLECTION",
            ) from exc

    @property
    def collection_name(self) -> str:
        """Name of the Chroma collection."""
        return self._name

    def model_matches(self) -> bool:
        """Whether the collection was built with the installed embedding model."""
        meta = self._collection.metadata or {}
        return bool(meta.get("embedding_model") == MODEL_NAME)

    def count(self) -> int:
        """Number of records stored (chunks plus one document vector per document)."""
        return int(self._collection.count())

    def reset(self) -> None:
        """Drop the collection and create it empty (``revops index --rebuild``)."""
        # Absent already: nothing to drop (the error type differs between local and HTTP clients).
        with contextlib.suppress(Exception):
            self._client.delete_collection(self._name)
        self._collection = self._open()

    def add_chunks(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> None:
        """Embed and store the chunks of one or more whole documents, one batch at a time.

        Besides one record per chunk (``kind="chunk"``), every document gets one record
        (``kind="document"``) whose vector is the normalised mean of its chunk vectors: a
        document-level representation that ranks topics better than any single section, in
        particular across languages. Ids are deterministic, so re-adding is an upsert. Each batch
        is embedded and stored before the next (memory stays one batch of vectors, whatever the
        document's size); ``progress(done, total)`` is called after each.
        """
        if not chunks:
            return
        sums: dict[str, np.ndarray] = {}
        outlines: dict[str, list[str]] = {}
        firsts: dict[str, Chunk] = {}
        for start in range(0, len(chunks), _ADD_BATCH):
            batch = list(chunks[start : start + _ADD_BATCH])
            texts = [embedding_text(c) for c in batch]
            vectors = embed_texts(texts)
            self._collection.upsert(
                ids=[c.chunk_id for c in batch],
                documents=texts,
                embeddings=[row for row in vectors],
                metadatas=[{**c.metadata(), "kind": "chunk"} for c in batch],  # type: ignore[misc]
            )
            for chunk, vector in zip(batch, vectors, strict=True):
                firsts.setdefault(chunk.source, chunk)
                sums[chunk.source] = sums[chunk.source] + vector if chunk.source in sums else vector.copy()
                if chunk.heading:
                    outlines.setdefault(chunk.source, []).append(chunk.heading)
            if progress is not None:
                progress(start + len(batch), len(chunks))
        ids, texts, embeddings, metadatas = [], [], [], []
        for source, first in firsts.items():
            centroid = sums[source] / (float(np.linalg.norm(sums[source])) or 1.0)
            ids.append(document_record_id(first))
            texts.append("\n".join([first.title, *dict.fromkeys(outlines.get(source, []))]))
            embeddings.append(centroid)
            metadatas.append({**first.metadata(), "kind": "document", "heading": "", "chunk_index": -1})
        self._collection.upsert(ids=ids, documents=texts, embeddings=embeddings, metadatas=metadatas)  # type: ignore[arg-type]

    def delete_source(self, source: str) -> None:
        """Remove every record (chunks and document vector) of one document."""
        self._collection.delete(where={"source": source})

    def iter_chunks(self) -> Iterator[StoredChunk]:
        """Every stored chunk, page by page."""
        offset = 0
        while True:
            page = self._collection.get(
                where={"kind": "chunk"},
                include=["documents", "metadatas", "embeddings"],
                limit=_PAGE,
                offset=offset,
            )
            ids = page["ids"]
            if not ids:
                return
            documents = page["documents"] or [""] * len(ids)
            metadatas = page["metadatas"] or [{}] * len(ids)
            embeddings = page["embeddings"]
            if embeddings is None:
                embeddings = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
            for chunk_id, text, meta, vector in zip(ids, documents, metadatas, embeddings, strict=True):
                yield StoredChunk(
                    chunk_id=chunk_id,
                    text=text or "",
                    metadata=dict(meta or {}),
                    embedding=np.asarray(vector, dtype=np.float32),
                )
            if len(ids) < _PAGE:
                return
            offset += _PAGE

    def documents(self) -> dict[str, dict[str, Any]]:
        """One summary per stored document, keyed by source, from chunk metadata.

        Each value holds ``topic``, ``title``, ``lang``, ``builtin``, ``content_hash`` and
        ``chunks`` (how many chunks the document has in the store).
        """
        summaries: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = self._collection.get(
                where={"kind": "chunk"}, include=["metadatas"], limit=_PAGE * 4, offset=offset
            )
            for meta in page["metadatas"] or []:
                if not meta:
                    continue
                source = str(meta.get("source"))
                summary = summaries.setdefault(
                    source,
                    {
                        "topic": str(meta.get("topic", "")),
                        "title": str(meta.get("title", "")),
                        "lang": str(meta.get("lang", "")),
                        "builtin": bool(meta.get("builtin", False)),
                        "content_hash": str(meta.get("content_hash", "")),
                        "chunks": 0,
                    },
                )
                summary["chunks"] += 1
            if len(page["ids"]) < _PAGE * 4:
                return summaries
            offset += _PAGE * 4

    def query(
        self, embedding: np.ndarray, n_results: int, where: Mapping[str, Any] | None = None
    ) -> list[DenseHit]:
        """Nearest records to a query vector (cosine), optionally filtered on metadata.

        Args:
            embedding: The query vector.
            n_results: How many neighbours at most.
            where: A Chroma metadata filter, e.g. ``{"kind": "document"}``.
        """
        total = self.count()
        if total == 0 or n_results < 1:
            return []
        result = self._collection.query(
            query_embeddings=[embedding],
            n_results=min(n_results, total),
            where=cast(Any, dict(where)) if where else None,
            include=["distances", "metadatas"],
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        metadatas = (result["metadatas"] or [[{}] * len(ids)])[0]
        return [
            DenseHit(chunk_id=i, similarity=1.0 - float(d), metadata=dict(m or {}))
            for i, d, m in zip(ids, distances, metadatas, strict=True)
        ]


def make_store(
    path: Path | str | None = None,
    *,
    host: str | None = None,
    port: int = 8000,
    collection: str = "revops_playbook",
    repair: bool = False,
) -> ChunkStore:
    """Open the playbook store: a Chroma server when ``host`` is given, else a directory on disk.

    A read-only directory is opened through a private copy (searches work, changes are refused).

    Args:
        path: Persistent directory (created if missing); required without ``host``.
        host: Chroma server host (``chroma run --host ...``); selects client/server mode.
        port: Chroma server port.
        collection: Collection name (3-512 chars of letters, digits, '.', '_', '-').
        repair: A local store that cannot be opened is moved aside and a new, empty one is
            created in its place (``revops index --rebuild``); the store's ``notes`` say where.

    Raises:
        StoreConfigError: Bad collection name, no path, or the server cannot be reached.
        StoreDamagedError: The local store's files cannot be opened (and ``repair`` is off).
    """
    name = validate_collection_name(collection)
    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=_telemetry_off())
            client.heartbeat()
        except Exception as exc:  # noqa: BLE001 - connection errors come from several libraries
            raise StoreConfigError(
                f"cannot reach the Chroma server at {host}:{port} ({type(exc).__name__})",
                hint="Start it with `chroma run --path DIR --host HOST --port PORT`, or unset "
                "REVOPS_CHROMA_HOST to use a local store",
            ) from exc
        return ChunkStore(client, name, location=f"http://{host}:{port}")
    if path is None:
        raise StoreConfigError("no store path given", hint="Set REVOPS_STORE_PATH or REVOPS_HOME")
    directory = Path(path).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreConfigError(
            f"cannot create the knowledge store folder ({exc.strerror or type(exc).__name__})", file=str(directory),
            hint="Set REVOPS_STORE_PATH or REVOPS_HOME to a folder you can write to",
        ) from exc
    try:
        return _open_local(directory, name)
    except StoreDamagedError:
        if not repair:
            raise
    aside = move_aside(directory)
    store = _open_local(directory, name)
    store.notes.append(f"the damaged store was moved aside to {aside} (delete it once the rebuild looks right)")
    return store


def _open_local(directory: Path, name: str) -> ChunkStore:
    """A persistent store in ``directory``; through a private copy when it cannot be written."""
    read_only = not is_writable(directory)
    opened = read_only_copy(directory) if read_only else directory
    try:
        client = chromadb.PersistentClient(path=str(opened), settings=_telemetry_off())
        store = ChunkStore(client, name, location=str(directory), read_only=read_only)
        store.count()  # a damaged file may only fail at the first read
    except StoreConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - SQLite/Chroma raise several types for one broken file
        SharedSystemClient.clear_system_cache()  # forget the broken client, or a retry would get it back
        if read_only:
            hint = "The folder is read-only: make it writable, then run `revops index --rebuild`"
        else:
            hint = "Run `revops index --rebuild`: it moves the damaged store aside and builds a new one, " \
                   "re-adding your own documents"
        raise StoreDamagedError(f"the knowledge store cannot be opened ({describe_failure(exc)})",
                                file=str(directory), hint=hint) from exc
    if read_only:
        store.notes.append(f"the knowledge store at {directory} is read-only: searching a private copy")
    return store
