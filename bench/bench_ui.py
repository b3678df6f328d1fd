"""Benchmark the web app: start-up, the demo on screen, and the time to the first answer.

Starts ``ui.app.launch`` (demo on) in a fresh process on a free loopback port, twice:

- ``cold``: an empty ``REVOPS_HOME``, so the playbook store is built by the start-up warm-up;
- ``warm``: the same home again (the store exists), in a new process.

For each start it measures ``served_s`` (process start -> HTTP 200 on ``/``), ``demo_ready_s``
(the browser opens the page -> the demo diagnosis is on screen) and, asking at once, per question:
``first_update_s`` (the chat shows the running tools), ``first_text_s`` (the first piece of answer
text is on screen) and ``answer_done_s`` (the sources are on screen). The first question of a start
is the "first answer after app start". Uses Debian's headless Chromium through Playwright; prints
the figures and writes ``bench/out/bench_ui.json``.

    .venv/bin/python bench/bench_ui.py [--questions N] [--wait-after-ready S]
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
#: Records (time, chat text) on every change of the chat, from the moment the question is sent.
RECORD_JS = """() => {
  window.__log = [];
  const chat = document.querySelector('#revops-chat');
  new MutationObserver(() => window.__log.push([performance.now(), chat.innerText]))
    .observe(chat, {subtree: true, childList: true, characterData: true});
  return performance.now();
}"""


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


def first(log: list[list[Any]], start: float, needle: str) -> float | None:
    """Seconds from ``start`` to the first recorded chat text containing ``needle``."""
    return next((round((t - start) / 1000, 3) for t, text in log if needle in text), None)


def ask(page: Page, question: str) -> dict[str, Any]:
    """Start over, ask, and time the running-tools note, the first answer text and the sources."""
    page.locator("#revops-clear").click()
    page.wait_for_function("() => !document.querySelector('#revops-chat').innerText.includes('Sources (')")
    page.locator("#revops-question textarea").fill(question)
    start = page.evaluate(RECORD_JS)
    page.locator("#revops-ask").click()
    page.locator("#revops-chat").get_by_text("Sources (").last.wait_for(timeout=300_000)
    log = page.evaluate("() => window.__log")
    # the working note is titled "Working…"; it becomes "How this was computed" with the first text
    return {"question": question, "first_update_s": first(log, start, "Working"),
            "first_text_s": first(log, start, "How this was computed"),
            "answer_done_s": first(log, start, "Sources (")}


def run_start(home: Path, questions: list[str], wait_after_ready: float) -> dict[str, Any]:
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", REVOPS_HOME=str(home), REVOPS_LLM="offline",
               GRADIO_TEMP_DIR=tempfile.mkdtemp(prefix="revops-bench-gradio-"))
    code = f"from ui.app import launch; launch(host='127.0.0.1', port={port}, demo=True)"
    url = f"http://127.0.0.1:{port}/"
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result: dict[str, Any] = {}
    try:
        wait_served(url, proc)
        result["served_s"] = round(time.monotonic() - start, 3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened = time.monotonic()
            page.goto(url)
            page.locator("#revops-status").get_by_text("Demo data loaded").wait_for(timeout=300_000)
            result["demo_ready_s"] = round(time.monotonic() - opened, 3)
            result["since_start_s"] = round(time.monotonic() - start, 3)
            time.sleep(wait_after_ready)
            result["questions"] = [ask(page, q) for q in questions]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=len(QUESTIONS), help="How many questions to time")
    parser.add_argument("--wait-after-ready", type=float, default=0.0,
                        help="Seconds to wait after the demo is on screen before the first question")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="revops-bench-home-"))
    questions = QUESTIONS[: args.questions]
    load = os.getloadavg()[0]
    results = {"load_average": round(load, 2),
               "cold": run_start(home, questions, args.wait_after_ready),
               "warm": run_start(home, questions, args.wait_after_ready)}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_ui.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
