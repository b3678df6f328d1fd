"""Benchmark the web app: cold start to first page, demo diagnosis, and time to first answer token.

Starts ``ui.app.launch`` (demo on) in a fresh process on a free loopback port and measures:

- ``cold_start_s``: process start -> the first page is served (HTTP 200 on ``/``);
- ``demo_ready_s``: browser opens the page -> the demo diagnosis is on screen;
- per question: ``first_update_s`` (the chat shows the pending 'working' note),
  ``first_token_s`` (the first piece of answer text appears) and ``answer_done_s`` (sources shown).

The first question runs against a cold process (and, with the default fresh ``REVOPS_HOME``, an
empty playbook store that is built on first use); the next ones are warm. Uses Debian's headless
Chromium through Playwright. Results are printed and written to ``bench/out/bench_ui.json``.

    .venv/bin/python bench/bench_ui.py [--home DIR] [--questions N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
QUESTIONS = [
    "Why is revenue flat though our KPIs are green?",
    "KPIは達成しているのに売上が伸びないのはなぜ？",
    "Where is the funnel leaking?",
]
#: True once a chat bubble from the assistant holds answer text (not the collapsible work note).
ANSWER_TEXT_JS = """() => [...document.querySelectorAll('#revops-chat [data-testid="bot"]')]
    .some(b => !b.querySelector('.thought-group') && b.innerText.trim().length > 0)"""
PENDING_JS = """() => document.querySelectorAll('#revops-chat [data-testid="bot"]').length > 0"""
SOURCES_JS = """(title) => document.querySelector('#revops-chat').innerText.includes(title)"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_served(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"no page within {timeout}s")


def wait_js(page: Page, script: str, arg: Any = None, timeout: float = 300) -> float:
    """Poll ``script`` every 20 ms until true; return the monotonic time it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(script, arg):
            return time.monotonic()
        time.sleep(0.02)
    chat = page.locator("#revops-chat").inner_text()
    raise SystemExit(f"timed out waiting for {script[:60]}…; the chat shows:\n{chat[-2000:]}")


def ask(page: Page, question: str) -> dict[str, float]:
    """Clear the chat, ask, and time the first update, first answer text and the finished answer."""
    page.locator("#revops-clear").click()
    page.wait_for_function("() => document.querySelectorAll('#revops-chat [data-testid=\"bot\"]').length === 0")
    page.locator("#revops-question textarea").fill(question)
    start = time.monotonic()
    page.locator("#revops-ask").click()
    pending = wait_js(page, PENDING_JS)
    token = wait_js(page, ANSWER_TEXT_JS)
    done = wait_js(page, SOURCES_JS, "Sources (")  # accordion titles follow the UI language (English here)
    return {"first_update_s": round(pending - start, 3), "first_token_s": round(token - start, 3),
            "answer_done_s": round(done - start, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="REVOPS_HOME (default: a fresh temp folder)")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS), help="How many questions to time")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="revops-bench-home-"))
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", REVOPS_HOME=str(home), REVOPS_LLM="offline",
               GRADIO_TEMP_DIR=tempfile.mkdtemp(prefix="revops-bench-gradio-"))
    code = f"from ui.app import launch; launch(host='127.0.0.1', port={port}, demo=True)"
    url = f"http://127.0.0.1:{port}/"
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, Any] = {"home": str(home)}
    try:
        wait_served(url, proc)
        results["cold_start_s"] = round(time.monotonic() - start, 3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened = time.monotonic()
            page.goto(url)
            page.locator("#revops-status").get_by_text("Demo data loaded").wait_for(timeout=300_000)
            results["demo_ready_s"] = round(time.monotonic() - opened, 3)
            results["questions"] = [{"question": q, **ask(page, q)} for q in QUESTIONS[: args.questions]]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ui.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
