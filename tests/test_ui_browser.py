"""The web app in a real browser: Playwright drives Debian's headless Chromium against the app.

The app runs in a subprocess (``tests/ui_app.py``) on a free loopback port with the session's
isolated ``REVOPS_HOME``; no test reaches beyond loopback. Screenshots of each main state go to
``tests/artifacts/screenshots/`` (gitignored) for a human to look at.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
ANSWER_TIMEOUT = 150_000
LOAD_TIMEOUT = 120_000
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
PASSWORD = "correct horse battery"


class App:
    """One app process on a loopback port."""

    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tmp / "app.log"
        full_env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", GRADIO_TEMP_DIR=str(tmp / "gradio"),
                        PYTHONUNBUFFERED="1", REVOPS_LLM="offline", **(env or {}))
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.ui_app", str(self.port), *args], cwd=ROOT,
                                         env=full_env, stdout=out, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}:\n{self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:  # noqa: S310 - loopback only
                    if response.status in (200, 401):
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the app did not start within {timeout}s:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app like ``revops ui`` (demo on)."""
    app = App(tmp_path_factory.mktemp("ui-app"), env={"REVOPS_UPLOAD_MAX_MB": "400"})
    try:
        app.wait()
        yield app.url
    finally:
        app.stop()


@pytest.fixture(scope="module")
def locked_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app behind a password, with a 1 MB upload limit and no demo."""
    app = App(tmp_path_factory.mktemp("ui-locked"), "--no-demo",
              env={"REVOPS_UI_PASSWORD": PASSWORD, "REVOPS_UPLOAD_MAX_MB": "1"})
    try:
        app.wait()
        yield app.url
    finally:
        app.stop()


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


def open_app(context: BrowserContext, url: str, loaded: str = "Demo data loaded") -> Page:
    """A new tab on the app, once the demo data has been loaded."""
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#revops-status")).to_contain_text(loaded, timeout=LOAD_TIMEOUT)
    return page


RECORD_CHAT_JS = """() => {
  window.__chat = [];
  const chat = document.querySelector('#revops-chat');
  const record = () => {
    const bots = [...chat.querySelectorAll('[data-testid="bot"]')];
    window.__chat.push({pending: chat.innerText.includes('Working…') || chat.innerText.includes('処理中…'),
                        bots: bots.length, text: chat.innerText.length,
                        charts: chat.querySelectorAll('.js-plotly-plot').length});
  };
  new MutationObserver(record).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


def ask(page: Page, question: str, sources_title: str, *, chart: bool = True) -> list[dict[str, Any]]:
    """Type a question, send it, wait for the finished answer (and its chart); return what the chat showed."""
    answered = page.locator("#revops-chat").get_by_text(sources_title).count()
    page.evaluate(RECORD_CHAT_JS)
    page.locator("#revops-question textarea").fill(question)
    page.locator("#revops-ask").click()
    return wait_for_answer(page, sources_title, chart=chart, answered=answered)


def wait_for_answer(page: Page, sources_title: str, *, chart: bool = True, answered: int = 0) -> list[dict[str, Any]]:
    """Wait until the chat shows one more answer (its sources) than ``answered``, and its chart."""
    chat = page.locator("#revops-chat")
    expect(chat.get_by_text(sources_title)).to_have_count(answered + 1, timeout=ANSWER_TIMEOUT)
    if chart:
        expect(chat.locator(".js-plotly-plot").last).to_be_visible(timeout=LOAD_TIMEOUT)
    return list(page.evaluate("() => window.__chat || []"))


def assert_streamed(states: list[dict[str, Any]]) -> None:
    """The chat showed the running tools, then answer text that grew several times, then the chart."""
    assert any(s["pending"] for s in states), "no working note while the tools ran"
    first_chart = next(i for i, s in enumerate(states) if s["charts"] > states[0]["charts"])
    before = [s["text"] for s in states[:first_chart] if not s["pending"]]
    growth = sum(1 for a, b in zip(before, before[1:], strict=False) if b > a)
    assert growth >= 3, f"the answer text did not grow piece by piece: {before}"


def upload(page: Page, paths: list[Path]) -> None:
    """Drop export files on the upload area (the app loads them at once)."""
    page.locator("#revops-exports input[type=file]").set_input_files([str(p) for p in paths])


def open_tab(page: Page, name: str) -> None:
    """Open the side panel (unless it is open) and one of its tabs."""
    side = page.locator("#revops-side")
    if "open" not in (side.get_attribute("class") or "").split():
        page.locator("#revops-open-panel").click()
        expect(side).to_have_class(re.compile(r"\bopen\b"))
    page.locator("#revops-tabs").get_by_role("tab", name=name).click()


def chart_csv(page: Page, tmp_path: Path) -> str:
    """Download the CSV under the last inline chart and return its text."""
    link = page.locator("#revops-chat a[data-testid=chatbot-file]").last
    with page.expect_download(timeout=LOAD_TIMEOUT) as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes().decode("utf-8-sig")


def demo_exhibit_csv(question: str) -> str:
    """The chart the chat gives ``question`` on the demo, asked here in the test process."""
    from ui.state import TabState, load_demo

    answer = load_demo(TabState()).chat().ask(question)
    assert len(answer.exhibits) == 1
    return answer.exhibits[0].to_csv()


def demo_win_rates() -> dict[str, float]:
    """Won / (won + lost) per segment of the demo, from its canonical frame with plain pandas."""
    from tools.demo.sample import demo_dataset

    frame = demo_dataset().frame
    closed = frame[frame["won_date"].notna() | frame["lost_date"].notna()]
    return closed.groupby("segment")["won_date"].apply(lambda won: won.notna().mean()).to_dict()


WIN_RATE_EN = "What is our win rate by segment?"
WIN_RATE_JA = "セグメント別の受注率は？"


def test_english_question_streams_an_answer_with_an_inline_chart_and_its_csv(
    context: BrowserContext, app_url: str, tmp_path: Path
) -> None:
    import csv
    import io

    page = open_app(context, app_url)
    expect(page.locator("#revops-header")).to_contain_text("Drop your CRM exports")
    expect(page.locator("#revops-mode")).to_contain_text("Offline")
    shot(page, "01-first-screen")
    assert_streamed(ask(page, WIN_RATE_EN, "Sources ("))
    chat = page.locator("#revops-chat")
    expect(chat.locator(".js-plotly-plot").last).to_contain_text("Enterprise")
    csv_text = chart_csv(page, tmp_path)
    assert csv_text == demo_exhibit_csv(WIN_RATE_EN)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    expected = demo_win_rates()
    assert {r["segment"] for r in rows} == set(expected)
    for row in rows:  # the numbers behind the chart, against plain pandas on the demo's own frame
        assert abs(float(row["win rate"]) - expected[row["segment"]]) < 1e-9
    shot(page, "02-english-answer-with-chart")

    ask(page, EN_QUESTION, "Sources (")
    expect(chat).to_contain_text("Giveaway Campaign")  # the planted cause, from the tools
    expect(chat.locator(".js-plotly-plot").last).to_contain_text("Revenue bridge")
    bridge = list(csv.reader(io.StringIO(chart_csv(page, tmp_path))))[1:]
    assert bridge == list(csv.reader(io.StringIO(demo_exhibit_csv(EN_QUESTION))))[1:]
    levels = [float(amount) for _, amount in bridge]  # baseline, each driver, current: the bridge adds up
    assert abs(levels[0] + sum(levels[1:-1]) - levels[-1]) < 1.0
    shot(page, "02b-revenue-bridge")
    chat.get_by_text("Sources (").last.click()
    expect(chat.get_by_text("knowledge/docs/en/partial-optimization.md")).to_be_visible()


def visible_texts(page: Page) -> list[str]:
    """Every piece of text a user can see on the page, plus input placeholders.

    The prose of the chat's messages is left out: the question is the user's own text and the
    answer is the assistant's (its language is the chat's concern, tested there); everything around
    them, the charts' titles, axes and labels included, is checked.
    """
    return list(page.evaluate("""() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || !node.textContent.trim() || el.closest('script,style')) continue;
        if (el.closest('#revops-chat .prose') && !el.closest('.js-plotly-plot')) continue;
        const style = getComputedStyle(el), box = el.getBoundingClientRect();
        if (style.display === 'none' || style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
        out.push(node.textContent.trim());
      }
      document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
        if (e.getBoundingClientRect().width > 0) out.push(e.getAttribute('placeholder'));
      });
      return out;
    }"""))


WORD = r"[A-Za-z][A-Za-z-]{2,}"
#: Product, format and method names that are written in Latin letters in Japanese too; and the
#: language switch's "English", which names the language in its own language, as switches do.
PRODUCT_NAMES = {"English", "RevOps", "CSV", "XLSX", "TSV", "Markdown", "DOCX", "PDF", "LLM", "MQL", "SQL", "KPI", "ICP",
                 "SLA", "IS", "FS", "CS", "LTV", "BANT", "ABM", "CRM", "ID", "UTF", "utf", "cp", "sig", "xlsx", "csv",
                 "md"}


def data_words() -> set[str]:
    """Words that come from the demo data: file names, headers, values, dialect ids, playbook sources."""
    import pandas as pd

    from ui.state import demo_files

    words: set[str] = set()
    for path in demo_files():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        text = " ".join([path.name, *frame.columns, *(" ".join(frame[c].unique()[:500]) for c in frame.columns)])
        words |= set(re.findall(WORD, text))
    return words


#: Identifiers shown as such: file names, format ids (``hubspot_contacts``), encodings, playbook paths and topic ids.
IDENTIFIER = re.compile(r"[\w.-]+\.(?:csv|md|xlsx)\b|\b\w+_\w+\b|\butf-8(?:-sig)?\b|\bcp932\b|knowledge/docs/\S+"
                        r"|\[[a-z0-9-]+\]")


def english_leftovers(texts: list[str], allowed: set[str]) -> list[str]:
    found = []
    for text in texts:
        for word in re.findall(WORD, IDENTIFIER.sub(" ", text)):
            if word not in allowed and word not in PRODUCT_NAMES:
                found.append(f"{word!r} in {text[:80]!r}")
    return found


def test_japanese_mode_translates_everything_and_answers_with_a_chart(
    context: BrowserContext, app_url: str, tmp_path: Path
) -> None:
    page = open_app(context, app_url)
    page.locator("#revops-lang").get_by_text("日本語").click()
    expect(page.locator("#revops-ask")).to_have_text("質問する")
    expect(page.locator("#revops-exports")).to_contain_text("ファイルをここにドロップ")  # Gradio's own strings
    expect(page.locator("#revops-example-4")).to_have_text("来期の売上目標に必要なリード数は？")  # whole, not cut
    page.evaluate(RECORD_CHAT_JS)
    page.locator("#revops-example-2").click()
    chat = page.locator("#revops-chat")
    assert_streamed(wait_for_answer(page, "出典 ("))
    expect(chat).to_contain_text(WIN_RATE_JA)
    plot = chat.locator(".js-plotly-plot").last
    expect(plot).to_contain_text("セグメント別の受注率")
    expect(plot).to_contain_text("%")
    assert chart_csv(page, tmp_path) == demo_exhibit_csv(WIN_RATE_JA)
    shot(page, "03-japanese-answer-with-chart")

    allowed = data_words()
    leftovers = english_leftovers(visible_texts(page), allowed)
    for tab in ("データ", "列のマッピング", "診断", "メモ"):
        open_tab(page, tab)
        page.wait_for_timeout(400)
        leftovers += [f"[{tab}] {w}" for w in english_leftovers(visible_texts(page), allowed)]
        shot(page, f"04-japanese-tab-{tab}")
    assert not leftovers, "English left on the Japanese page:\n" + "\n".join(leftovers)


def test_language_switch_keeps_the_conversation(context: BrowserContext, app_url: str) -> None:
    page = open_app(context, app_url)
    ask(page, "Where is the funnel leaking?", "Sources (")
    page.locator("#revops-lang").get_by_text("日本語").click()
    chat = page.locator("#revops-chat")
    expect(chat.get_by_text("出典 (").last).to_be_visible()
    expect(chat).to_contain_text("Where is the funnel leaking?")
    expect(chat.locator(".js-plotly-plot")).to_be_visible()
    page.locator("#revops-clear").click()
    expect(chat).not_to_contain_text("Where is the funnel leaking?")


def misnamed_export(folder: Path, seed: int, name: str = "pipeline_export.csv") -> tuple[Path, float]:
    """A canonical export whose amount column is called 'Signed Total', and its won deals' mean amount."""
    import pandas as pd

    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("deal_size_drop", seed, leads_per_month=80).frame
    path = write_export(frame, "canonical", folder)[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = folder / name
    raw.rename(columns={"amount": "Signed Total"}).to_csv(out, index=False)
    won = raw[raw["won_date"] != ""]
    return out, float(pd.to_numeric(won["amount"], errors="coerce").mean())


def choose_field(page: Page, column: str, field: str) -> None:
    row = page.locator(".revops-map-row").filter(has=page.get_by_text(column, exact=True))
    row.locator(".revops-map-field input").click()
    page.get_by_role("option", name=field, exact=True).click()


def test_mapping_editor_fixes_a_misnamed_column_and_the_saved_mapping_comes_back(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    from tools.wording import format_money

    first, first_mean = misnamed_export(tmp_path / "a", 4)
    second, second_mean = misnamed_export(tmp_path / "b", 5, "pipeline_next_month.csv")
    ctx = new_context(browser)
    try:
        page = open_app(ctx, app_url)
        upload(page, [first])
        expect(page.locator("#revops-status")).to_contain_text("Loaded", timeout=LOAD_TIMEOUT)
        open_tab(page, "Diagnosis")
        expect(page.locator("#revops-diagnosis")).to_contain_text("Findings")
        expect(page.locator("#revops-diagnosis")).not_to_contain_text("average won deal size")
        open_tab(page, "Column mapping")
        row = page.locator(".revops-map-row").filter(has=page.get_by_text("Signed Total", exact=True))
        expect(row).to_contain_text("Detected: not used")
        choose_field(page, "Signed Total", "Amount (deal value)")
        preview = page.locator("#revops-mapping-preview")
        expect(preview).to_contain_text("Signed Total → Amount (deal value)", timeout=LOAD_TIMEOUT)
        shot(page, "05-mapping-editor-preview")
        page.locator("#revops-apply").click()
        expect(page.locator("#revops-status")).to_contain_text("Mapping saved for pipeline_export.csv",
                                                               timeout=LOAD_TIMEOUT)
        open_tab(page, "Diagnosis")
        expect(page.locator("#revops-diagnosis")).to_contain_text(
            f"average won deal size: {format_money(first_mean, 'en')}")
        shot(page, "06-mapping-applied-diagnosis")
    finally:
        ctx.close()

    ctx = new_context(browser)  # a new session: the mapping comes from the user's store, not from memory
    try:
        page = open_app(ctx, app_url)
        upload(page, [second])
        expect(page.locator("#revops-status")).to_contain_text(
            "Reused your saved mapping for pipeline_next_month.csv", timeout=LOAD_TIMEOUT)
        open_tab(page, "Diagnosis")
        expect(page.locator("#revops-diagnosis")).to_contain_text(
            f"average won deal size: {format_money(second_mean, 'en')}")
        shot(page, "07-saved-mapping-reused")
    finally:
        ctx.close()


def million_row_export(folder: Path, rows: int = 1_000_000) -> Path:
    """A narrow canonical export with ``rows`` rows (vectorised: a few seconds)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(11)
    created = np.datetime64("2024-01-01") + rng.integers(0, 540, rows).astype("timedelta64[D]")

    def later(share: float, lag: int) -> pa.Array:
        days = pa.array((created + rng.integers(1, lag, rows).astype("timedelta64[D]")).astype("datetime64[s]"))
        return pc.if_else(pa.array(rng.random(rows) < share), pc.strftime(days, format="%Y-%m-%d"),
                          pa.scalar(None, pa.string()))

    mql = rng.random(rows) < 0.4
    table = pa.table({
        "record_id": pa.array(np.char.add("R", np.arange(rows).astype(str))),
        "created_date": pc.strftime(pa.array(created.astype("datetime64[s]")), format="%Y-%m-%d"),
        "mql_date": pc.if_else(pa.array(mql), later(1.0, 10), pa.scalar(None, pa.string())),
        "won_date": pc.if_else(pa.array(mql), later(0.05, 90), pa.scalar(None, pa.string())),
        "amount": pa.array(rng.integers(10, 500, rows) * 10_000),
        "segment": pa.array(np.array(["SMB", "Mid-Market", "Enterprise"])[rng.integers(0, 3, rows)]),
    })
    path = folder / "million_rows.csv"
    pacsv.write_csv(table, path)
    return path


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return million_row_export(tmp_path_factory.mktemp("big"))


def test_a_million_row_upload_shows_its_progress(context: BrowserContext, app_url: str, million_rows: Path) -> None:
    page = open_app(context, app_url)
    page.evaluate("""() => {
      window.__status = [];
      const status = document.querySelector('#revops-status');
      new MutationObserver(() => window.__status.push(status.innerText))
        .observe(status, {subtree: true, childList: true, characterData: true});
    }""")
    upload(page, [million_rows])
    status = page.locator("#revops-status")
    expect(status).to_contain_text("Loaded 1,000,000 records from million_rows.csv", timeout=LOAD_TIMEOUT)
    expect(status).to_contain_text("million_rows.csv: 1,000,000 rows read")
    seen = list(page.evaluate("() => window.__status"))
    assert any("Reading million_rows.csv" in s for s in seen), seen[:5]
    assert any("Diagnosing the funnel" in s for s in seen)
    shot(page, "08-million-rows-loaded")


@pytest.mark.parametrize("fmt,magic", [("Markdown", b"# "), ("DOCX", b"PK"), ("PDF", b"%PDF")])
def test_memo_downloads(context: BrowserContext, app_url: str, tmp_path: Path, fmt: str, magic: bytes) -> None:
    page = open_app(context, app_url)
    open_tab(page, "Memo")
    page.locator("#revops-memo-format").get_by_text(fmt, exact=True).click()
    page.locator("#revops-memo-build").click()
    button = page.locator("#revops-memo-download")
    expect(button).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator("#revops-memo-status")).to_contain_text("Memo ready")
    with page.expect_download(timeout=LOAD_TIMEOUT) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    content = target.read_bytes()
    assert content.startswith(magic) and len(content) > 1000
    if fmt == "DOCX":
        import zipfile

        with zipfile.ZipFile(target) as docx:
            assert "Giveaway Campaign" in docx.read("word/document.xml").decode("utf-8")
    if fmt == "Markdown":
        assert "Giveaway Campaign" in content.decode("utf-8")
    shot(page, f"09-memo-{fmt.lower()}")


def test_conversation_export_downloads_the_markdown(context: BrowserContext, app_url: str, tmp_path: Path) -> None:
    page = open_app(context, app_url)
    ask(page, "Where is the funnel leaking?", "Sources (")
    with page.expect_download(timeout=LOAD_TIMEOUT) as info:
        page.locator("#revops-export-chat").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Conversation") and "Where is the funnel leaking?" in text and "| Lead |" in text


def test_broken_upload_opens_the_mapping_editor_and_the_app_stays_usable(
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
    expect(page.locator("#revops-tabs").get_by_role("tab", name="Column mapping")).to_have_attribute(
        "aria-selected", "true")
    expect(page.locator(".revops-map-row").first).to_contain_text("Name")
    shot(page, "10-broken-upload-editor")
    ask(page, "Where is the funnel leaking?", "Sources (")  # the demo data is still loaded

    good = tmp_path / "good_export.csv"
    good.write_text("record_id,created_date,mql_date\nR1,2025-01-01,2025-02-01\nR2,2025-01-03,\n", encoding="utf-8")
    upload(page, [good])  # a new drop is a new upload, not the broken file plus this one
    expect(status).to_contain_text("Loaded 2 records from good_export.csv.", timeout=LOAD_TIMEOUT)
    expect(status).not_to_contain_text("broken_export.csv")


def test_two_sessions_do_not_see_each_other(browser: Browser, app_url: str, tmp_path: Path) -> None:
    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("slow_follow_up", 5, leads_per_month=120).frame
    canonical = write_export(frame, "canonical", tmp_path)[0]
    renamed = canonical.with_name("team_b_pipeline.csv")
    canonical.rename(renamed)
    ctx_a, ctx_b = new_context(browser), new_context(browser)
    try:
        page_a, page_b = open_app(ctx_a, app_url), open_app(ctx_b, app_url)
        upload(page_b, [renamed])
        expect(page_b.locator("#revops-status")).to_contain_text("team_b_pipeline.csv", timeout=LOAD_TIMEOUT)
        ask(page_a, EN_QUESTION, "Sources (", chart=False)
        expect(page_b.locator("#revops-chat")).not_to_contain_text(EN_QUESTION)
        expect(page_a.locator("#revops-status")).not_to_contain_text("team_b_pipeline.csv")
        page_b.reload()  # a reload is a new session: the demo again
        expect(page_b.locator("#revops-status")).to_contain_text("Demo data loaded", timeout=LOAD_TIMEOUT)
    finally:
        ctx_a.close()
        ctx_b.close()


def login(page: Page, url: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("username").fill("revops")
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def test_password_and_upload_limit(context: BrowserContext, locked_url: str, tmp_path: Path) -> None:
    page = context.new_page()
    login(page, locked_url, "wrong password")
    expect(page.get_by_text("Incorrect credentials")).to_be_visible(timeout=LOAD_TIMEOUT)
    login(page, locked_url, PASSWORD)
    expect(page.locator("#revops-header")).to_contain_text("RevOps diagnostic assistant", timeout=LOAD_TIMEOUT)
    shot(page, "11-after-login")

    too_big = tmp_path / "too_big.csv"
    line = "R{},2025-01-01,2025-02-01\n"
    too_big.write_text("record_id,created_date,mql_date\n" + "".join(line.format(i) for i in range(60_000)),
                       encoding="utf-8")
    assert too_big.stat().st_size > 1024 * 1024
    upload(page, [too_big])
    notice = page.locator("#revops-upload-notice")
    expect(notice).to_have_text("too_big.csv: larger than the upload limit of 1 MB per file. Split the export by "
                                "period, or ask whoever runs this app to raise the limit.")
    page.locator("#revops-lang").get_by_text("日本語").click()
    expect(page.locator("#revops-exports")).to_contain_text("1 ファイル 1 MB まで")
    upload(page, [too_big])
    expect(notice).to_contain_text("too_big.csv: 1 ファイルあたりのアップロード上限 1 MB を超えています")
    page.wait_for_timeout(500)
    expect(page.get_by_text("exceed", exact=False)).to_have_count(0)  # Gradio's English toast never shows
    expect(page.locator("#revops-status")).not_to_contain_text("Loaded")
    shot(page, "12-upload-limit")

    small = tmp_path / "small.csv"
    small.write_text("record_id,created_date,mql_date\nR1,2025-01-01,2025-02-01\nR2,2025-01-03,\n", encoding="utf-8")
    upload(page, [small])
    expect(page.locator("#revops-status")).to_contain_text("small.csv から 2 件を読み込みました", timeout=LOAD_TIMEOUT)
    expect(notice).to_have_count(0)
