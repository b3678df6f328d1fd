"""Client/server mode: a real ``chroma run`` on loopback, indexed and searched through HttpClient."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.knowledge_access import clear_cache, open_knowledge
from assistant.settings import get_settings
from knowledge.playbook import KnowledgeBase
from knowledge.store import StoreConfigError, make_store
from tests.net import free_port

FIXTURES = Path(__file__).parent / "data" / "knowledge"



def _chroma_cli() -> list[str]:
    script = Path(sys.executable).with_name("chroma")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from chromadb.cli.cli import app; sys.argv[0]='chroma'; app()"]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A Chroma server on 127.0.0.1 with its own data directory; stopped after the module."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [*_chroma_cli(), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(data / 'server.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.mark.slow
def test_index_and_search_against_a_chroma_server(chroma_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = chroma_server
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "en", docs / "en")
    shutil.copytree(FIXTURES / "ja", docs / "ja")
    kb = KnowledgeBase(make_store(host=host, port=port, collection="server_test"), builtin_root=docs)
    report = kb.index()
    assert report.documents == 4
    assert report.location.startswith(f"http://{host}:{port}")
    assert kb.index().unchanged == 4  # idempotent on the server too

    kb.index(add=[FIXTURES / "user" / "webinar-playbook.md"])
    assert "user:webinar-playbook" in [r.topic for r in kb.search("ウェビナー参加者に終了後に送るもの", k=3)]
    assert kb.search("失注案件にもう一度連絡するタイミング", k=1)[0].topic == "recycle"

    # A second client (another team member) sees the same collection.
    other = KnowledgeBase(make_store(host=host, port=port, collection="server_test"), builtin_root=docs)
    assert {d.topic for d in other.list_documents()} == {"recycle", "sla-handoff", "user:webinar-playbook"}


@pytest.mark.slow
def test_settings_select_server_mode(
    chroma_server: tuple[str, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    host, port = chroma_server
    monkeypatch.setenv("REVOPS_CHROMA_HOST", host)
    monkeypatch.setenv("REVOPS_CHROMA_PORT", str(port))
    monkeypatch.setenv("REVOPS_COLLECTION", "settings_test")
    monkeypatch.setenv("REVOPS_STORE_PATH", str(tmp_path / "unused"))
    clear_cache()
    try:
        kb = open_knowledge(get_settings(), auto_index=False)
        assert kb.store.location == f"http://{host}:{port}"
        assert kb.store.collection_name == "settings_test"
        assert not (tmp_path / "unused").exists()
    finally:
        clear_cache()


def test_unreachable_server_is_a_clear_error() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(StoreConfigError, match=f"cannot reach the Chroma server at 127.0.0.1:{port}"):
        make_store(host="127.0.0.1", port=port)
