"""The real built-in playbook: `revops index` / `revops search --json`, and retrieval quality."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.knowledge_access import clear_cache, open_knowledge
from knowledge.evalset import EvalQuestion, evaluate, load_evalset
from knowledge.playbook import KnowledgeBase
from ui.cli import app

FIXTURES = Path(__file__).parent / "data" / "knowledge"


@pytest.fixture(scope="module")
def playbook() -> Iterator[KnowledgeBase]:
    """The session's default store (REVOPS_HOME from conftest), auto-indexed on first use."""
    clear_cache()
    yield open_knowledge()
    clear_cache()


@pytest.mark.slow
def test_first_use_indexes_the_whole_playbook(playbook: KnowledgeBase) -> None:
    docs = playbook.list_documents()
    assert len([d for d in docs if d.builtin]) >= 36
    assert playbook.index().changed is False  # already up to date: nothing re-embedded


@pytest.mark.slow
def test_search_json_matches_the_spec(playbook: KnowledgeBase) -> None:
    result = CliRunner().invoke(
        app, ["search", "展示会で集めた名刺が全然商談にならない", "--k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["results"]) == 3
    for row in payload["results"]:
        assert set(row) >= {"topic", "title", "lang", "source", "score", "excerpt"}
        assert row["lang"] == "ja"
        assert row["source"].startswith("knowledge/docs/ja/")
    assert len({row["topic"] for row in payload["results"]}) == 3


@pytest.mark.slow
def test_index_command_adds_lists_and_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVOPS_STORE_PATH", str(tmp_path / "chroma"))
    clear_cache()
    runner = CliRunner()
    try:
        added = runner.invoke(
            app, ["index", "--add", str(FIXTURES / "user" / "webinar-playbook.md"), "--list"]
        )
        assert added.exit_code == 0, added.output
        assert "1 added" not in added.output or "37 added" in added.output
        assert "user:webinar-playbook\ten" in added.output
        again = runner.invoke(app, ["index"])
        assert "0 added, 0 updated, 0 removed, 37 unchanged" in again.output
        found = runner.invoke(app, ["search", "ウェビナー参加者には終了後に何を送る？", "--json"])
        assert "user:webinar-playbook" in [r["topic"] for r in json.loads(found.output)["results"][:3]]
        removed = runner.invoke(app, ["index", "--remove", "webinar-playbook.md"])
        assert "1 removed" in removed.output
        missing = runner.invoke(app, ["index", "--remove", "nothing.md"])
        assert missing.exit_code == 2
    finally:
        clear_cache()


def _other(lang: str) -> str:
    return "en" if lang == "ja" else "ja"


@pytest.mark.slow
def test_hybrid_retrieval_quality_on_the_evaluation_set(playbook: KnowledgeBase) -> None:
    questions = load_evalset()

    def same_language(q: EvalQuestion) -> list[str]:
        return [r.topic for r in playbook.search(q.question, k=10)]

    def cross_language(q: EvalQuestion) -> list[str]:
        return [r.topic for r in playbook.search(q.question, k=10, only_lang=_other(q.lang))]

    overall = evaluate(questions, same_language)
    assert overall.recall_at_k >= 0.9, overall
    for lang in ("en", "ja"):
        assert evaluate([q for q in questions if q.lang == lang], same_language).recall_at_k >= 0.85
    assert evaluate(questions, cross_language).recall_at_k >= 0.85

    def ranked(mode: str) -> float:
        return evaluate(
            questions,
            lambda q: [r.topic for r in playbook.search(q.question, k=10, mode=mode)],  # type: ignore[arg-type]
        ).mrr

    assert overall.mrr >= max(ranked("dense"), ranked("lexical"))
