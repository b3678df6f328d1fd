"""The web app's guards without a browser: login throttling, session-bound memo downloads, the
components' safe rendering settings, escaping in every view, and temporary folders removed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.net import free_port
from ui import views
from ui.web_guards import BROWSER_COOKIE, DownloadRegistry, LoginRateLimit, SessionDownloads

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<img src=http://127.0.0.1:9/beacon.png>[click](javascript:alert(1)) www.evil.example'


# --- a tiny ASGI harness -------------------------------------------------------------------------


def _request(app: Any, method: str, path: str, *, client: str = "10.0.0.1", cookie: str | None = None,
             ) -> tuple[int, dict[str, str]]:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers, "client": (client, 1234)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start.get("headers", [])}


def _gradio_login(password_ok: set[str]) -> Any:
    """Stands in for Gradio's /login route: 200 for a right password, 400 otherwise."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        status = 200 if scope["client"][0] in password_ok else 400
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


# --- login ------------------------------------------------------------------------------------------


def test_login_attempts_are_rate_limited_per_client() -> None:
    now = [1000.0]
    guard = LoginRateLimit(_gradio_login(set()), attempts=5, window=60, clock=lambda: now[0])
    statuses = [_request(guard, "POST", "/login")[0] for _ in range(7)]
    assert statuses == [400] * 5 + [429] * 2
    status, headers = _request(guard, "POST", "/login")
    assert status == 429 and headers["retry-after"] == "60"
    assert _request(guard, "POST", "/login", client="10.0.0.2")[0] == 400  # another client is not locked out
    assert _request(guard, "GET", "/")[0] == 400  # only POST /login is counted and throttled...
    now[0] += 61
    assert _request(guard, "POST", "/login")[0] == 400  # ...and the lock lifts after the window


def test_right_password_clears_the_count_and_many_clients_share_a_ceiling() -> None:
    ok: set[str] = set()
    guard = LoginRateLimit(_gradio_login(ok), attempts=3, window=60, global_attempts=8, clock=lambda: 5.0)
    assert [_request(guard, "POST", "/login", client="10.0.0.9")[0] for _ in range(2)] == [400, 400]
    ok.add("10.0.0.9")
    assert _request(guard, "POST", "/login", client="10.0.0.9")[0] == 200
    ok.clear()
    assert [_request(guard, "POST", "/login", client="10.0.0.9")[0] for _ in range(4)] == [400, 400, 400, 429]
    for i in range(3):  # 2 + 3 + 3 failures in the window: the shared ceiling of 8 is reached
        assert _request(guard, "POST", "/login/", client=f"10.1.0.{i}")[0] == 400
    assert _request(guard, "POST", "/login", client="10.2.0.1")[0] == 429  # spread-out guessing is capped too


# --- downloads ------------------------------------------------------------------------------------


def _file_app() -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"file"})

    return app


def test_memo_download_is_served_only_to_the_browser_that_built_it(tmp_path: Path) -> None:
    registry = DownloadRegistry()
    guard = SessionDownloads(_file_app(), registry)
    memo = tmp_path / "gradio" / "3f2a" / "revops-memo-en.md"
    memo.parent.mkdir(parents=True)
    memo.write_text("# memo for browser A\n", encoding="utf-8")
    url = f"/gradio_api/file={memo}"
    status, headers = _request(guard, "GET", "/")
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"{BROWSER_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    browser_a = cookie.split(";")[0].split("=", 1)[1]
    assert _request(guard, "GET", url, cookie=f"{BROWSER_COOKIE}={browser_a}")[0] == 403  # nobody registered it
    registry.bind(memo, browser_a)
    assert _request(guard, "GET", url, cookie=f"{BROWSER_COOKIE}={browser_a}")[0] == 200
    assert _request(guard, "GET", url, cookie=f"{BROWSER_COOKIE}=someone-else")[0] == 403
    assert _request(guard, "GET", url)[0] == 403  # no cookie at all
    other = tmp_path / "upload.csv"
    other.write_text("a,b\n")
    assert _request(guard, "GET", f"/gradio_api/file={other}")[0] == 200  # other files are Gradio's business


def test_memo_handler_binds_the_file_to_the_browser(tmp_path: Path) -> None:
    from tools.demo.scenarios import generate_scenario
    from ui import handlers
    from ui.state import TabState, load_files
    from ui.web_guards import DOWNLOADS

    export = tmp_path / "pipeline.csv"
    generate_scenario("kpi_green_revenue_flat", 1, leads_per_month=60, months=12).frame.to_csv(export, index=False)
    session = load_files(TabState(browser="browser-a"), [export])
    path, _ = list(handlers.on_memo(session, "Markdown", "en"))[-1]
    assert path is not None and Path(path).name.startswith("revops-memo-")
    assert DOWNLOADS.allowed(Path(path), "browser-a") and not DOWNLOADS.allowed(Path(path), "browser-b")
    session.close()


# --- rendering ----------------------------------------------------------------------------------


def test_every_markdown_and_chatbot_component_is_configured_safe() -> None:
    import gradio as gr

    from ui.app import build_app

    app = build_app(demo=False)
    shown = [b for b in app.blocks.values() if isinstance(b, gr.Markdown | gr.Chatbot)]
    assert len(shown) >= 7
    for block in shown:
        assert block.sanitize_html is True, block.elem_id
        assert block.latex_delimiters == [], block.elem_id
    chat = next(b for b in shown if isinstance(b, gr.Chatbot))
    assert chat.allow_tags is False


def test_views_show_upload_values_as_text() -> None:
    from assistant.chat.answer import Answer, Citation
    from tools.errors import RevOpsInputError
    from ui.conversation_view import answer_text, citations_markdown
    from ui.views import error_box

    diagnosis = {"bottleneck": {"lever": None}, "metrics": {}, "findings": [{
        "code": "lead_quality_decline", "severity": "high", "transition": "sql_to_opportunity",
        "segment": {"dimension": "lead_source", "value": HOSTILE}, "owner": "Marketing",
        "summary": f"Lead growth came from lead source '{HOSTILE}'."}]}
    answer = Answer(answer=f"The leak is **{HOSTILE}** ![x](http://127.0.0.1:9/a.png) <iframe src=x>",
                    language="en", mode="llm",
                    citations=[Citation("user:ours", "/docs/<b>ours</b>.md", f"Excerpt {HOSTILE}", HOSTILE, "en")])
    texts = [views.diagnosis_markdown(diagnosis, "en"), answer_text(answer, "en"),
             citations_markdown(answer), error_box(str(RevOpsInputError(f"bad value {HOSTILE}")), "en")]
    for text in texts:
        assert "<img" not in text and "<iframe" not in text and "](" not in text.replace("\\](", "")
        assert "http://" not in text and "www.evil" not in text  # no autolink can form
    assert "**" in texts[1]  # the answer's own emphasis survives


# --- temporary folders --------------------------------------------------------------------------


def test_sigterm_removes_session_folders_and_start_removes_stale_ones(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    stale = tmp_path / f"revops-session-{dead}-abc"
    stale.mkdir()
    living = tmp_path / f"revops-session-{os.getpid()}-xyz"  # another live UI's folder: kept
    living.mkdir()
    port = free_port()
    code = (f"from ui.app import launch; from ui.state import TabState, demo_files\n"
            f"app = launch(host='127.0.0.1', port={port}, demo=False, block=False)\n"
            "folder = TabState().workdir; (folder / 'memo.md').write_text('x'); demo_files()\n"
            "print('READY', folder, flush=True)\napp.block_thread()\n")
    env = dict(os.environ, TMPDIR=str(tmp_path), GRADIO_TEMP_DIR=str(tmp_path / "gradio"), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        line = ""
        while not line.startswith("READY") and time.monotonic() < deadline:
            line = proc.stdout.readline() or line
            if proc.poll() is not None:
                break
        assert line.startswith("READY"), line
        folder = Path(line.split()[1])
        assert folder.is_dir() and not stale.exists() and living.is_dir()
        assert list(tmp_path.glob(f"revops-demo-{proc.pid}-*"))
        time.sleep(1.0)  # into Gradio's block_thread, which turns the signal into a clean close
        proc.send_signal(signal.SIGTERM)
        # 0 from block_thread; -SIGINT if the signal beat it (this harness prints READY just before)
        assert proc.wait(timeout=60) in (0, -signal.SIGINT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not folder.exists()
    assert not list(tmp_path.glob(f"revops-*-{proc.pid}-*"))
    assert living.is_dir()


def test_the_real_app_throttles_login_and_sets_the_browser_cookie(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    port = free_port()
    env = dict(os.environ, REVOPS_UI_PASSWORD="correct horse", GRADIO_TEMP_DIR=str(tmp_path / "gradio"),
               PYTHONUNBUFFERED="1")
    code = f"from ui.app import launch; launch(host='127.0.0.1', port={port}, demo=False)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def login(password: str) -> int:
        body = f"username=revops&password={password}".encode()
        request = urllib.request.Request(f"{url}/login", data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/", timeout=2) as page:  # noqa: S310 - loopback only
                    cookie = page.headers.get("set-cookie") or ""
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
        assert cookie.startswith("revops_browser=")
        assert [login("guess") for _ in range(6)] == [400] * 5 + [429]
        assert login("correct horse") == 429  # locked for the window, even with the right password
    finally:
        proc.terminate()
        proc.wait(timeout=30)
