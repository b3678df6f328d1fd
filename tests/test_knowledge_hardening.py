"""The knowledge store under stress: document size limit, batched embedding with progress, a
damaged store moved aside and rebuilt with the user's documents, an emptied store refilled, and a
read-only store that still serves searches."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from typer.testing import CliRunner

import knowledge.store as store_module
from knowledge.documents import DocumentTooLargeError
from knowledge.manifest import UserManifest
from knowledge.playbook import KnowledgeBase
from knowledge.store import StoreDamagedError, StoreReadOnlyError, make_store
from ui.cli import app

FIXTURES = Path(__file__).parent / "data" / "knowledge"
USER_QUESTION = "webinar follow-up playbook"


@pytest.fixture
def docs_root(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    shutil.copytree(FIXTURES / "en", root / "en")
    shutil.copytree(FIXTURES / "ja", root / "ja")
    return root


@pytest.fixture
def user_doc(tmp_path: Path) -> Path:
    target = tmp_path / "user" / "webinar-playbook.md"
    target.parent.mkdir()
    shutil.copy(FIXTURES / "user" / "webinar-playbook.md", target)
    return target


def _kb(store_dir: Path, docs_root: Path, **options: object) -> KnowledgeBase:
    manifest = UserManifest.load(store_dir.with_name("user-documents.json"))
    return KnowledgeBase(make_store(store_dir, **options), builtin_root=docs_root, manifest=manifest)  # type: ignore[arg-type]


def _new_process() -> None:
    """What a new process sees: Chroma keeps one client per path per process."""
    SharedSystemClient.clear_system_cache()


@pytest.fixture
def indexed(tmp_path: Path, docs_root: Path, user_doc: Path) -> Path:
    """A store with the fixture playbook and one user document; the process 'ends'."""
    store_dir = tmp_path / "chroma"
    report = _kb(store_dir, docs_root).index(add=[user_doc])
    assert str(user_doc.resolve()) in report.added
    _new_process()
    return store_dir


def _user_doc_found(kb: KnowledgeBase, user_doc: Path) -> bool:
    return any(r.source == str(user_doc.resolve()) for r in kb.search(USER_QUESTION, k=5))


# --- size limit, batches, progress ------------------------------------------------------------


def test_document_past_the_limit_is_refused_before_anything_changes(tmp_path: Path, docs_root: Path) -> None:
    big = tmp_path / "handbook.md"
    big.write_text("# Handbook\n\n" + "Call inbound leads back fast. " * 40_000, encoding="utf-8")  # 1.1 MB
    kb = KnowledgeBase(make_store(tmp_path / "chroma"), builtin_root=docs_root, max_document_bytes=1024 * 1024)
    kb.index()
    before = kb.store.count()
    with pytest.raises(DocumentTooLargeError) as err:
        kb.index(add=[big])
    assert str(err.value) == (f"{big}: this document is 1.1 MB; the limit is 1 MB. Split it into smaller "
                              "documents, or raise the limit with REVOPS_DOC_MAX_MB.")
    assert kb.store.count() == before


def test_cli_index_add_past_the_limit_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "notes.txt"
    big.write_bytes(b"lead follow-up " * 2000)  # 30 KB
    monkeypatch.setenv("REVOPS_STORE_PATH", str(tmp_path / "chroma"))
    monkeypatch.setenv("REVOPS_DOC_MAX_MB", "0.01")
    result = CliRunner().invoke(app, ["index", "--add", str(big)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {big}: this document is 29 KB; the limit is 10 KB. Split it into smaller "
                             "documents, or raise the limit with REVOPS_DOC_MAX_MB.\n")


def test_embedding_runs_in_batches_with_progress(tmp_path: Path, docs_root: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    real_embed = store_module.embed_texts

    def recording(texts: list[str]) -> np.ndarray:
        sizes.append(len(texts))
        return real_embed(texts)

    monkeypatch.setattr(store_module, "_ADD_BATCH", 4)
    monkeypatch.setattr(store_module, "embed_texts", recording)
    doc = tmp_path / "sections.md"
    doc.write_text("# Sections\n\n" + "".join(f"## Part {i}\n\nRecycle lost deal {i} after a quarter.\n\n"
                                              for i in range(10)), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    kb = KnowledgeBase(make_store(tmp_path / "chroma"), builtin_root=docs_root)
    kb.index()
    sizes.clear()
    kb.index(add=[doc], progress=lambda done, total: calls.append((done, total)))
    assert sizes == [4, 4, 2]  # never more than one batch of vectors at a time
    assert calls == [(4, 10), (8, 10), (10, 10)]
    # the document record is still the normalised mean of its chunk vectors
    chunks = [c for c in kb.store.iter_chunks() if c.metadata["source"] == str(doc.resolve())]
    mean = np.mean([c.embedding for c in chunks], axis=0)
    hit = kb.store.query(mean / np.linalg.norm(mean), 1, where={"kind": "document"})[0]
    assert hit.metadata["source"] == str(doc.resolve()) and hit.similarity > 0.999


def test_cli_prints_progress_for_a_large_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.cli as cli

    lines: list[str] = []
    show = cli._embedding_progress()
    monkeypatch.setattr(cli.typer, "echo", lambda message, err=False: lines.append(message))
    for done in range(256, 2561, 256):
        show(done, 2560)
    assert lines[0] == "index: embedded 256 of 2,560 chunks (10%)" and lines[-1].endswith("(100%)")
    assert len(lines) == 10
    lines.clear()
    cli._embedding_progress()(10, 10)  # small runs stay quiet
    assert lines == []


# --- a damaged store ---------------------------------------------------------------------------


def test_damaged_store_is_detected_then_moved_aside_and_rebuilt_with_user_documents(
    indexed: Path, docs_root: Path, user_doc: Path
) -> None:
    with (indexed / "chroma.sqlite3").open("r+b") as database:
        database.write(b"GARBAGE!" * 16)  # the header of a SQLite file
    with pytest.raises(StoreDamagedError) as err:
        make_store(indexed)
    assert str(err.value) == (f"{indexed}: the knowledge store cannot be opened (file is not a database). Run "
                              "`revops index --rebuild`: it moves the damaged store aside and builds a new one, "
                              "re-adding your own documents.")
    kb = _kb(indexed, docs_root, repair=True)
    report = kb.index(rebuild=True)
    aside = [p for p in indexed.parent.iterdir() if p.name.startswith("chroma.damaged-")]
    assert len(aside) == 1 and (aside[0] / "chroma.sqlite3").read_bytes().startswith(b"GARBAGE!")
    assert any(str(aside[0]) in note for note in report.notes)
    assert str(user_doc.resolve()) in report.added
    assert report.documents == 5
    assert _user_doc_found(kb, user_doc)


def test_cli_search_on_a_damaged_store_exits_2_and_rebuild_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "chroma"
    store_dir.mkdir()
    (store_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("REVOPS_STORE_PATH", str(store_dir))
    result = CliRunner().invoke(app, ["search", "SLA"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {store_dir}: the knowledge store cannot be opened (file is not a database)")
    assert "revops index --rebuild" in result.stderr and result.stderr.count("\n") == 1


def test_a_missing_user_file_is_named_not_dropped_silently(indexed: Path, docs_root: Path, user_doc: Path) -> None:
    user_doc.unlink()
    kb = _kb(indexed, docs_root)
    report = kb.index(rebuild=True)
    assert report.dropped == [str(user_doc.resolve())]
    assert any(note.startswith(f"dropped user document {user_doc.resolve()}") for note in report.notes)
    assert kb.manifest.sources() == []


# --- an emptied store file ---------------------------------------------------------------------


def test_emptied_store_gets_the_user_documents_back_with_a_note(indexed: Path, docs_root: Path,
                                                                user_doc: Path) -> None:
    (indexed / "chroma.sqlite3").write_bytes(b"")  # Chroma starts a new, empty database here
    kb = _kb(indexed, docs_root)
    report = kb.index()
    assert str(user_doc.resolve()) in report.added
    assert f"re-added {user_doc.resolve()}: the store had lost it (it is in the list of your documents)" in report.notes
    assert _user_doc_found(kb, user_doc)


def test_manifest_follows_removals(indexed: Path, docs_root: Path, user_doc: Path) -> None:
    kb = _kb(indexed, docs_root)
    assert kb.manifest.sources() == [str(user_doc.resolve())]
    kb.index(remove=["webinar-playbook.md"])
    assert UserManifest.load(indexed.with_name("user-documents.json")).sources() == []


# --- a read-only store ---------------------------------------------------------------------------


@pytest.fixture
def read_only(indexed: Path) -> Iterator[Path]:
    """The store folder made unwritable — for root too (``chattr +i``), else by permissions."""
    paths = [indexed, *indexed.rglob("*")]
    made = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, check=False).returncode == 0
    if not made:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        if store_module.is_writable(indexed):
            pytest.skip("cannot make a folder read-only here")
        yield indexed
    finally:
        if made:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=False)
        for path in paths:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_read_only_store_serves_searches_and_refuses_changes(read_only: Path, docs_root: Path,
                                                            user_doc: Path) -> None:
    before = (read_only / "chroma.sqlite3").read_bytes()
    kb = _kb(read_only, docs_root)
    assert kb.store.read_only
    report = kb.index()  # the automatic index on first use works on the private copy
    assert f"the knowledge store at {read_only} is read-only: searching a private copy" in report.notes
    assert _user_doc_found(kb, user_doc)
    assert [d.source for d in kb.list_documents() if not d.builtin] == [str(user_doc.resolve())]
    with pytest.raises(StoreReadOnlyError, match="documents cannot be added, removed or rebuilt"):
        kb.index(add=[user_doc])
    assert (read_only / "chroma.sqlite3").read_bytes() == before
