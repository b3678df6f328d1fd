"""The web app in a real browser: Playwright drives Debian's headless Chromium against the app.

The app runs in a subprocess (``ui.app.launch``) on a free loopback port, with the session's
isolated ``REVOPS_HOME``; no test reaches beyond loopback. Screenshots of each main state go to
``tests/artifacts/screenshots/`` (gitignored) for a human to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.net import free_port

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's /usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
EN_QUESTION = "Why is revenue flat though our KPIs are green?"
JA_QUESTION = "KPIは達成しているのに売上が伸びないのはなぜ？"
#: First answers build the playbook store and warm the router; later ones take a second or two.
ANSWER_TIMEOUT = 150_000
LOAD_TIMEOUT = 90_000
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}



def _wait_until_served(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not start within {timeout}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, launched like ``revops ui`` (demo on), on a free loopback port."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("ui-app")
    log = tmp / "app.log"
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", GRADIO_TEMP_DIR=str(tmp / "gradio"),
               REVOPS_UPLOAD_MAX_MB="20", PYTHONUNBUFFERED="1")
    code = f"from ui.app import launch; launch(host='127.0.0.1', port={port}, demo=True)"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_served(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with playwright_sync.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser profile (own cookies = own Gradio session) that can only reach loopback."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)

    def only_loopback(route: Route) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    ctx.route("**/*", only_loopback)
    return ctx


@pytest.fixture()
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = new_context(browser)
    yield ctx
    ctx.close()


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot of the current state."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_app(context: BrowserContext, url: str) -> Page:
    """A new tab on the app, once the demo data has been loaded."""
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#revops-status")).to_contain_text("Demo data loaded", timeout=LOAD_TIMEOUT)
    return page


def ask(page: Page, question: str, sources_title: str) -> None:
    """Type a question, send it, and wait for the finished answer (its sources accordion)."""
    page.locator("#revops-question textarea").fill(question)
    page.locator("#revops-ask").click()
    expect(page.locator("#revops-chat").get_by_text(sources_title).last).to_be_visible(timeout=ANSWER_TIMEOUT)


def upload(page: Page, paths: list[Path]) -> None:
    """Choose export files in the upload area and press the load button."""
    page.locator("#revops-exports input[type=file]").set_input_files([str(p) for p in paths])
    expect(page.locator("#revops-exports")).to_contain_text(paths[0].name, timeout=LOAD_TIMEOUT)
    page.locator("#revops-load").click()


def japanese_export(outdir: Path, seed: int = 3) -> list[Path]:
    """A CP932 export with Japanese headers and values (small, so the test stays quick)."""
    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("kpi_green_revenue_flat", seed, leads_per_month=150).frame
    return write_export(frame, "japanese", outdir)


def test_demo_english_question_is_answered_with_citations(context: BrowserContext, app_url: str) -> None:
    page = open_app(context, app_url)
    expect(page.locator("#revops-data")).to_contain_text("hubspot")
    expect(page.locator("#revops-diagnosis")).to_contain_text("Bottleneck")
    page.locator("#revops-funnel").scroll_into_view_if_needed()
    expect(page.locator("#revops-funnel .js-plotly-plot")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#revops-finding .js-plotly-plot")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#revops-funnel")).to_contain_text("Lead")
    expect(page.locator("#revops-mode")).to_contain_text("offline")
    shot(page, "01-demo-loaded")

    ask(page, EN_QUESTION, "Sources (")
    chat = page.locator("#revops-chat")
    expect(chat).to_contain_text("revenue")
    expect(chat).to_contain_text("Giveaway Campaign")  # the planted cause, from the tools
    chat.get_by_text("Sources (").last.click()
    expect(chat.get_by_text("knowledge/docs/en/partial-optimization.md")).to_be_visible()
    chat.get_by_text("How this was computed").last.click()
    expect(chat.get_by_text("diagnose_funnel(").last).to_be_visible()
    shot(page, "02-english-answer")
    chat.get_by_text("How this was computed").last.scroll_into_view_if_needed()
    chat.screenshot(path=str(SHOTS / "02b-english-answer-chat.png"))


def test_japanese_labels_and_question(context: BrowserContext, app_url: str) -> None:
    page = open_app(context, app_url)
    page.locator("#revops-lang").get_by_text("日本語").click()
    expect(page.locator("#revops-ask")).to_have_text("質問する")
    expect(page.locator("#revops-diagnosis")).to_contain_text("ボトルネック")
    expect(page.locator("#revops-status")).to_contain_text("デモデータを読み込みました")

    ask(page, JA_QUESTION, "出典 (")
    chat = page.locator("#revops-chat")
    expect(chat).to_contain_text("売上")
    chat.get_by_text("出典 (").last.click()
    expect(chat).to_contain_text("knowledge/docs/ja/")
    shot(page, "03-japanese-answer")


def test_cp932_japanese_export_shows_mapping_and_diagnosis(
    context: BrowserContext, app_url: str, tmp_path: Path
) -> None:
    files = japanese_export(tmp_path)
    assert files[0].read_bytes().decode("cp932")  # really Shift-JIS, not UTF-8
    page = open_app(context, app_url)
    upload(page, files)
    status = page.locator("#revops-status")
    expect(status).to_contain_text("Loaded", timeout=LOAD_TIMEOUT)
    data = page.locator("#revops-data")
    expect(data).to_contain_text("japanese")
    expect(data).to_contain_text("cp932")
    expect(data).to_contain_text("リードID")
    expect(data).to_contain_text("作成日")
    expect(page.locator("#revops-diagnosis")).to_contain_text("Findings")
    shot(page, "04-cp932-upload")


def test_broken_upload_shows_the_loader_error_and_app_stays_usable(
    context: BrowserContext, app_url: str, tmp_path: Path
) -> None:
    from tools.errors import RevOpsInputError
    from tools.ingest.loading import load_exports

    broken = tmp_path / "broken_export.csv"
    broken.write_text("Name,Email\nAlice,a@example.com\nBob,b@example.com\n", encoding="utf-8")
    with pytest.raises(RevOpsInputError) as expected:
        load_exports([broken])
    first_line = str(expected.value).splitlines()[0]

    page = open_app(context, app_url)
    upload(page, [broken])
    status = page.locator("#revops-status")
    expect(status).to_contain_text("Could not load this upload", timeout=LOAD_TIMEOUT)
    expect(status).to_contain_text(first_line.strip("- ")[:60])
    expect(status).to_contain_text("broken_export.csv")
    shot(page, "05-broken-upload")

    # the demo data is still loaded and the chat still answers
    expect(page.locator("#revops-data")).to_contain_text("hubspot")
    ask(page, "Where is the funnel leaking?", "Sources (")
    shot(page, "06-after-error-still-usable")


@pytest.mark.parametrize(("fmt", "suffix", "magic"), [("Markdown", ".md", b"# "), ("PDF", ".pdf", b"%PDF")])
def test_memo_download(context: BrowserContext, app_url: str, tmp_path: Path, fmt: str, suffix: str,
                       magic: bytes) -> None:
    page = open_app(context, app_url)
    page.locator("#revops-memo-format").get_by_text(fmt, exact=True).click()
    page.locator("#revops-memo-build").click()
    button = page.locator("#revops-memo-download")
    expect(button).to_be_visible(timeout=LOAD_TIMEOUT)
    with page.expect_download(timeout=LOAD_TIMEOUT) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == suffix
    content = target.read_bytes()
    assert content.startswith(magic)
    assert len(content) > 1000
    if suffix == ".md":
        text = content.decode("utf-8")
        assert "Giveaway Campaign" in text
    shot(page, f"07-memo-{suffix.lstrip('.')}")


def test_two_sessions_do_not_see_each_other(browser: Browser, app_url: str, tmp_path: Path) -> None:
    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    ja_files = japanese_export(tmp_path / "a")
    other = generate_scenario("slow_follow_up", 5, leads_per_month=120).frame
    canonical = write_export(other, "canonical", tmp_path / "b")
    renamed = canonical[0].with_name("team_b_pipeline.csv")
    canonical[0].rename(renamed)

    ctx_a, ctx_b = new_context(browser), new_context(browser)
    try:
        page_a, page_b = open_app(ctx_a, app_url), open_app(ctx_b, app_url)
        upload(page_a, ja_files)
        upload(page_b, [renamed])
        expect(page_a.locator("#revops-status")).to_contain_text("Loaded", timeout=LOAD_TIMEOUT)
        expect(page_b.locator("#revops-status")).to_contain_text("Loaded", timeout=LOAD_TIMEOUT)
        data_a, data_b = page_a.locator("#revops-data"), page_b.locator("#revops-data")
        expect(data_a).to_contain_text(ja_files[0].name)
        expect(data_b).to_contain_text("team_b_pipeline.csv")
        expect(data_a).not_to_contain_text("team_b_pipeline.csv")
        expect(data_b).not_to_contain_text(ja_files[0].name)

        ask(page_a, EN_QUESTION, "Sources (")
        expect(page_b.locator("#revops-chat")).not_to_contain_text(EN_QUESTION)
        page_b.reload()  # a reload is a new session: the demo again, not A's or B's upload
        expect(page_b.locator("#revops-status")).to_contain_text("Demo data loaded", timeout=LOAD_TIMEOUT)
        expect(page_b.locator("#revops-data")).not_to_contain_text(ja_files[0].name)
        shot(page_a, "08-isolation-a")
        shot(page_b, "08-isolation-b")
    finally:
        ctx_a.close()
        ctx_b.close()
