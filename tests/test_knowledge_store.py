"""The Chroma-backed knowledge base over small fixture documents: indexing, user documents, search."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge.playbook import KnowledgeBase
from knowledge.store import StoreConfigError, make_store
from tools.errors import RevOpsInputError

FIXTURES = Path(__file__).parent / "data" / "knowledge"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def docs_root(tmp_path: Path) -> Path:
    """A private copy of the fixture playbook (tests may edit it)."""
    root = tmp_path / "docs"
    shutil.copytree(FIXTURES / "en", root / "en")
    shutil.copytree(FIXTURES / "ja", root / "ja")
    return root


@pytest.fixture
def user_docs(tmp_path: Path) -> Path:
    """A private copy of the fixture user documents."""
    folder = tmp_path / "user"
    shutil.copytree(FIXTURES / "user", folder)
    return folder


@pytest.fixture
def kb(tmp_path: Path, docs_root: Path) -> KnowledgeBase:
    """A knowledge base in a fresh store under tmp_path, fixture playbook indexed."""
    base = KnowledgeBase(make_store(tmp_path / "chroma"), builtin_root=docs_root)
    base.index()
    return base


def test_first_index_adds_every_document(tmp_path: Path, docs_root: Path) -> None:
    base = KnowledgeBase(make_store(tmp_path / "chroma"), builtin_root=docs_root)
    report = base.index()
    assert sorted(report.added) == [
        "knowledge/docs/en/recycle.md",
        "knowledge/docs/en/sla-handoff.md",
        "knowledge/docs/ja/recycle.md",
        "knowledge/docs/ja/sla-handoff.md",
    ]
    assert report.documents == 4
    assert report.chunks == 3 + 3 + 2 + 2
    assert "4 documents, 10 chunks (4 added" in report.render_text()


def test_reindexing_unchanged_documents_changes_nothing(kb: KnowledgeBase) -> None:
    count_before = kb.store.count()
    ids_before = {c.chunk_id for c in kb.store.iter_chunks()}
    report = kb.index()
    assert kb.store.count() == count_before
    assert {c.chunk_id for c in kb.store.iter_chunks()} == ids_before
    assert (report.added, report.updated, report.removed, report.unchanged) == ([], [], [], 4)
    assert not report.changed


def test_changed_document_replaces_its_chunks(kb: KnowledgeBase, docs_root: Path) -> None:
    old_ids = {
        c.chunk_id for c in kb.store.iter_chunks() if c.metadata["source"] == "knowledge/docs/en/recycle.md"
    }
    path = docs_root / "en" / "recycle.md"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n## Nurture tracks\n\nPut recycled leads on a quarterly nurture track.\n",
        encoding="utf-8",
    )
    report = kb.index()
    assert report.updated == ["knowledge/docs/en/recycle.md"]
    assert report.added == []
    chunks = [c for c in kb.store.iter_chunks() if c.metadata["source"] == "knowledge/docs/en/recycle.md"]
    assert len(chunks) == 3  # two before, one new section: old chunks are gone, not duplicated
    assert not old_ids & {c.chunk_id for c in chunks}
    assert len({c.metadata["content_hash"] for c in chunks}) == 1
    assert kb.search("quarterly nurture track for recycled leads", k=1)[0].heading == "Nurture tracks"


def test_deleted_builtin_document_is_removed(kb: KnowledgeBase, docs_root: Path) -> None:
    (docs_root / "ja" / "recycle.md").unlink()
    report = kb.index()
    assert report.removed == ["knowledge/docs/ja/recycle.md"]
    assert report.documents == 3


def test_rebuild_drops_and_rebuilds_keeping_user_documents(kb: KnowledgeBase, user_docs: Path) -> None:
    kb.index(add=[user_docs / "webinar-playbook.md"])
    count_before = kb.store.count()
    report = kb.index(rebuild=True)
    assert report.rebuilt
    assert len(report.added) == 5
    assert kb.store.count() == count_before


def test_search_returns_spec_fields_one_result_per_topic(kb: KnowledgeBase) -> None:
    results = kb.search("How fast should sales call back a qualified lead?", k=5)
    assert results[0].topic == "sla-handoff"
    assert results[0].lang == "en"
    assert set(results[0].to_dict()) >= {"topic", "title", "lang", "source", "score", "excerpt"}
    assert results[0].source == "knowledge/docs/en/sla-handoff.md"
    topics = [r.topic for r in results[:2]]
    assert len(set(topics)) == 2
    assert results[0].score >= results[1].score


def test_answer_language_follows_the_question(kb: KnowledgeBase) -> None:
    ja = kb.search("失注した案件にもう一度連絡するタイミングは？", k=1)[0]
    assert (ja.topic, ja.lang) == ("recycle", "ja")
    assert kb.search("失注した案件にもう一度連絡するタイミングは？", k=1, lang="en")[0].lang == "en"
    en = kb.search("when should we contact lost deals again?", k=1)[0]
    assert (en.topic, en.lang) == ("recycle", "en")


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_every_mode_finds_an_obvious_match(kb: KnowledgeBase, mode: str) -> None:
    results = kb.search("24時間以内にリードへ連絡するSLA", k=2, mode=mode)  # type: ignore[arg-type]
    assert results[0].topic == "sla-handoff"


def test_unknown_mode_is_rejected(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="unknown search mode 'fuzzy'; valid: hybrid, dense, lexical"):
        kb.search("x", mode="fuzzy")  # type: ignore[arg-type]


def test_user_documents_are_found_listed_and_removed(kb: KnowledgeBase, user_docs: Path) -> None:
    report = kb.index(add=[user_docs])  # a folder: every .md/.txt/.pdf inside
    assert len(report.added) == 2
    listed = {d.topic: d for d in kb.list_documents()}
    assert not listed["user:webinar-playbook"].builtin
    assert listed["user:webinar-playbook"].source == str((user_docs / "webinar-playbook.md").resolve())

    hit = kb.search("what do we send webinar attendees after the session?", k=3)[0]
    assert hit.topic == "user:webinar-playbook"
    assert hit.title == "Webinar follow-up playbook"

    count_with = kb.store.count()
    assert kb.index(add=[user_docs / "webinar-playbook.md"]).unchanged == 6  # re-adding: no duplicate
    assert kb.store.count() == count_with

    removed = kb.index(remove=["webinar-playbook.md"])
    assert removed.removed == [str((user_docs / "webinar-playbook.md").resolve())]
    assert "user:webinar-playbook" not in {d.topic for d in kb.list_documents()}
    assert "user:webinar-playbook" not in {r.topic for r in kb.search("webinar attendees recording", k=5)}
    kb.index(remove=["user:call-script-ja"])  # by topic id
    assert all(d.builtin for d in kb.list_documents())


def test_japanese_question_finds_english_only_user_document(kb: KnowledgeBase, user_docs: Path) -> None:
    kb.index(add=[user_docs / "webinar-playbook.md"])
    results = kb.search("ウェビナーの参加者には、終了後に何を送ればいい？", k=3)
    assert results[0].topic == "user:webinar-playbook"
    assert results[0].lang == "en"  # no Japanese page: shown in English rather than dropped


def test_english_question_finds_japanese_only_user_document(kb: KnowledgeBase, user_docs: Path) -> None:
    kb.index(add=[user_docs / "call-script-ja.txt"])
    results = kb.search("What should inside sales say in the first seconds of a cold call?", k=3)
    assert "user:call-script-ja" in [r.topic for r in results]
    assert next(r for r in results if r.topic == "user:call-script-ja").lang == "ja"


def test_changed_user_document_is_refreshed_on_the_next_index(kb: KnowledgeBase, user_docs: Path) -> None:
    path = user_docs / "webinar-playbook.md"
    kb.index(add=[path])
    path.write_text(
        path.read_text(encoding="utf-8") + "\n## Slides\n\nShare the slide deck as a PDF.\n", "utf-8"
    )
    report = kb.index()
    assert report.updated == [str(path.resolve())]


def test_bad_additions_and_removals_change_nothing(kb: KnowledgeBase, tmp_path: Path) -> None:
    count = kb.store.count()
    with pytest.raises(RevOpsInputError, match="file not found"):
        kb.index(add=[tmp_path / "missing.md"])
    with pytest.raises(RevOpsInputError, match="no indexed document matches 'nothing.md'"):
        kb.index(remove=["nothing.md"])
    with pytest.raises(RevOpsInputError, match="built-in playbook document and cannot be removed"):
        kb.index(remove=["recycle"])
    assert kb.store.count() == count


def test_invalid_collection_name_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreConfigError, match="invalid collection name 'kb'.*REVOPS_COLLECTION"):
        make_store(tmp_path / "chroma", collection="kb")


def test_store_survives_a_process_restart(kb: KnowledgeBase, user_docs: Path, tmp_path: Path) -> None:
    kb.index(add=[user_docs / "webinar-playbook.md"])
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from knowledge.playbook import KnowledgeBase
        from knowledge.store import make_store
        kb = KnowledgeBase(make_store({str(tmp_path / "chroma")!r}))
        hits = kb.search("ウェビナー参加者へのフォロー", k=3)
        print(json.dumps({{"count": kb.store.count(), "topics": [h.topic for h in hits],
                          "docs": len(kb.list_documents())}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True, cwd=tmp_path
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["count"] == kb.store.count()
    assert result["docs"] == 5
    assert "user:webinar-playbook" in result["topics"]
