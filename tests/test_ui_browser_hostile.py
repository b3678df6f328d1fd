"""Hostile data in a real browser: markup in uploaded values renders as text, and a memo download
URL does not work from another browser session. Harness: ``tests/test_ui_browser.py``."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests import test_ui_browser as harness

# the harness's fixtures (the app in a subprocess, headless Chromium, a loopback-only context)
app_url, browser, context = harness.app_url, harness.browser, harness.context
LOAD_TIMEOUT, new_context, open_app, upload, ask, shot, open_tab = (
    harness.LOAD_TIMEOUT, harness.new_context, harness.open_app, harness.upload, harness.ask, harness.shot,
    harness.open_tab)

pytestmark = pytest.mark.browser

from playwright.sync_api import Browser, BrowserContext, expect  # noqa: E402

BEACON = "http://127.0.0.1:9/beacon"
HOSTILE_VALUES = {
    "Giveaway Campaign": f'<img src={BEACON}.png onerror="this.remove()">Giveaway',
    "Webinar": f'<a href="{BEACON}/link">click me</a>',
    "Referral": f"[click](javascript:alert(1)) ![pixel]({BEACON}/md.png) www.evil.example {BEACON}/bare",
    "Paid Search": f'<iframe src="{BEACON}/frame"></iframe>Paid',
}
HOSTILE_SEGMENT = f'<form action="{BEACON}/form"><input name=q><button>Go</button></form>SMB'
#: Where data is shown: the status line, the data and diagnosis panels, the mapping editor, the chat.
PANELS = ("#revops-status", "#revops-data", "#revops-diagnosis", "#revops-tab-mapping", "#revops-chat")
FOREIGN = "img, a, form, iframe, input, object, embed, video, audio, svg image"


def hostile_export(outdir: Path) -> Path:
    from tools.demo.exports import write_export
    from tools.demo.scenarios import generate_scenario

    frame = generate_scenario("kpi_green_revenue_flat", 1, leads_per_month=150).frame.copy()
    source = frame["lead_source"].astype("object")
    for plain, hostile in HOSTILE_VALUES.items():
        source[source == plain] = hostile
    frame["lead_source"] = source
    segment = frame["segment"].astype("object")
    segment[segment == "SMB"] = HOSTILE_SEGMENT
    frame["segment"] = segment
    path = write_export(frame, "canonical", outdir)[0]
    return path.rename(path.with_name("<b onmouseover=alert(1)>pipeline.csv"))


FOREIGN_JS = """(panel, foreign) => {
  // elements inside text rendered from Markdown (where data is shown) that the text could have made,
  // and, anywhere in the panel, any element that would load or open the data's beacon or a script URL
  const inText = [...panel.querySelectorAll('.prose, .md')].flatMap(p => [...p.querySelectorAll(foreign)]);
  const loads = /^(href|src|srcset|action|formaction|xlink:href|data|poster|background)$/i;
  const pointing = [...panel.querySelectorAll('*')].filter(e => [...e.attributes].some(
    a => loads.test(a.name) && /beacon|evil\\.example|javascript:/i.test(a.value)));
  return [...new Set([...inText, ...pointing])].map(e => e.outerHTML.slice(0, 120));
}"""


def _foreign_elements(page: object) -> dict[str, list[str]]:
    """Per panel, elements the data could have made (the app's own controls, charts and download
    links are not counted: they sit outside rendered text and point nowhere the data chose)."""
    found = {}
    for panel in PANELS:
        located = page.locator(panel)  # type: ignore[attr-defined]
        found[panel] = located.evaluate(FOREIGN_JS, FOREIGN) if located.count() else []
    return found


def test_markup_in_uploaded_values_stays_text(context: BrowserContext, app_url: str, tmp_path: Path) -> None:
    import pandas as pd

    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = open_app(context, app_url)
    assert _foreign_elements(page) == {panel: [] for panel in PANELS}  # the page itself puts none there
    export = hostile_export(tmp_path)
    upload(page, [export])
    expect(page.locator("#revops-status")).to_contain_text("Loaded", timeout=LOAD_TIMEOUT)
    expect(page.locator("#revops-status")).to_contain_text("pipeline.csv")  # Gradio itself strips <> from upload names
    ask(page, "Why is revenue flat though our KPIs are green?", "Sources (", chart=False)
    page.locator("#revops-chat").get_by_text("Sources (").last.click()
    ask(page, "What is the win rate by lead source?", "Sources (")
    expect(page.locator("#revops-chat")).to_contain_text("<img src=")
    found = _foreign_elements(page)
    # the side panel draws a tab's content when it is opened: check each one open
    open_tab(page, "Diagnosis")
    expect(page.locator("#revops-diagnosis")).to_contain_text("<img src=")  # shown, literally, as text
    found.update({k: v for k, v in _foreign_elements(page).items() if v})
    open_tab(page, "Column mapping")  # the editor shows each column's sample values, as text
    first_source = next(v for v in pd.read_csv(export, dtype=str)["lead_source"] if isinstance(v, str))
    assert "<" in first_source
    expect(page.locator("#revops-tab-mapping")).to_contain_text(first_source.split("http")[0])  # a URL is broken up
    found.update({k: v for k, v in _foreign_elements(page).items() if v})
    open_tab(page, "Data")
    expect(page.locator("#revops-data")).to_contain_text("pipeline.csv")
    found.update({k: v for k, v in _foreign_elements(page).items() if v})
    shot(page, "09-hostile-values-as-text")

    assert found == {panel: [] for panel in PANELS}
    assert not [url for url in requests if "beacon" in url or "evil.example" in url]


def test_memo_download_url_does_not_work_from_another_session(browser: Browser, app_url: str) -> None:
    owner, stranger = new_context(browser), new_context(browser)
    try:
        page = open_app(owner, app_url)
        open_tab(page, "Memo")
        page.locator("#revops-memo-format").get_by_text("Markdown", exact=True).click()
        page.locator("#revops-memo-build").click()
        button = page.locator("#revops-memo-download")
        expect(button).to_be_visible(timeout=LOAD_TIMEOUT)
        with page.expect_download(timeout=LOAD_TIMEOUT) as info:
            button.click()
        url = info.value.url
        assert "/file=" in url and "revops-memo-" in url
        assert owner.request.get(url).status == 200  # the browser that built it can fetch it again
        assert stranger.request.get(url).status == 403  # another browser session cannot
        with pytest.raises(urllib.error.HTTPError) as refused:  # nor can a client without cookies
            urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback only
        assert refused.value.code == 403
    finally:
        owner.close()
        stranger.close()
