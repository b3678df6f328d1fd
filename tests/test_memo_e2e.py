"""End-to-end memos from the real engine: planted scenarios, golden memos, the rendered pages (slow).

Golden memos (``tests/data/memo_golden``) are the Markdown of the demo and two planted scenarios
in both languages; regenerate them with ``REVOPS_UPDATE_GOLDEN=1`` after an intended change and
read the diff. The rendered PDF's pages are checked as images (poppler) and as text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from assistant.chat.grounding import check_grounding
from assistant.memo.build import build_memo, write_memo
from assistant.memo.effects import mix_effect
from assistant.memo.model import Memo, Table
from assistant.memo.render.markdown import render_markdown
from assistant.memo.roadmap import finding_owner
from assistant.memo.words import Words
from tests.memo_lint import body_text, data_names, english_in_japanese, p_values, raw_keys
from tests.test_memo import TODAY, grounding_sources
from tools.dataset import LoadedData, from_canonical
from tools.demo.sample import demo_dataset
from tools.demo.scenarios import PLANTED_CAUSES, generate_scenario
from tools.diagnosis import Diagnosis, diagnose
from tools.wording import finding_title, owner_label

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "data" / "memo_golden"
#: The demo and two planted scenarios: a mix-driven fall and a lever that fell on its own.
GOLDEN_CASES = ("demo", "mix_shift", "slow_follow_up")
#: Planted causes whose finding the engine reports for seed 0.
CAUSES = [c for c in PLANTED_CAUSES if c not in ("healthy", "segment_win_rate_drop")]
#: Four pages of body, plus the revenue bridge section (table, waterfall and forecast line) the
#: engine now provides (issue 14); the memo's own layout may win the page back.
BODY_PAGE_CAP = 5
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


def _load(name: str) -> tuple[LoadedData, object, Diagnosis]:
    scenario = demo_dataset() if name == "demo" else generate_scenario(name, seed=0)  # type: ignore[arg-type]
    data = from_canonical(scenario.frame)
    return data, scenario.targets, diagnose(data, targets=scenario.targets)


@pytest.fixture(scope="module")
def demo() -> tuple[LoadedData, object, Diagnosis]:
    return _load("demo")


def _golden_memo(name: str, lang: str) -> tuple[Memo, LoadedData]:
    data, targets, diagnosis = _load(name)
    currency = "JPY" if name == "demo" else None
    memo = build_memo(data, targets, lang, diagnosis=diagnosis, knowledge=None, today=TODAY, currency=currency)
    return memo, data


@pytest.mark.parametrize("name", GOLDEN_CASES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_golden_memo(name: str, lang: str) -> None:
    memo, data = _golden_memo(name, lang)
    text = render_markdown(memo, image_dir=f"{name}_{lang}_files")
    path = GOLDEN / f"{name}_{lang}.md"
    if os.environ.get("REVOPS_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; REVOPS_UPDATE_GOLDEN=1 to accept"
    body = body_text(memo)
    assert raw_keys(body) == []
    assert p_values(body) == []
    if lang == "ja":
        assert english_in_japanese(body, data_names(data)) == []
    assert check_grounding(memo.plain_text(), grounding_sources(memo)).ungrounded == []


@pytest.mark.parametrize("cause", CAUSES)
def test_brief_names_the_planted_cause_and_its_owner(cause: str) -> None:
    data, targets, diagnosis = _load(cause)
    planted = next(f for f in diagnosis.findings if f.code == str(generate_scenario(cause).truth.finding))  # type: ignore[arg-type]
    for lang in ("en", "ja"):
        memo = build_memo(data, targets, lang, diagnosis=diagnosis, knowledge=None, charts=False, today=TODAY)
        assert finding_title(planted.code, lang) in memo.plain_text()
        assert owner_label(finding_owner(planted), lang) in memo.plain_text()
        assert memo.brief_text().count("\n") > 5
        assert check_grounding(memo.plain_text(), grounding_sources(memo)).ungrounded == [], (cause, lang)


def test_mix_driven_effect_is_the_bridges_mix_component() -> None:
    """On the mix-shift scenario, fixing the weak source is worth what the mix cost (the revenue
    bridge's mix component), not the counterfactual that restores the blended rate."""
    data, targets, diagnosis = _load("mix_shift")
    if getattr(diagnosis, "revenue_bridge", None) is None:
        pytest.skip("the diagnosis has no revenue bridge yet (issue 14)")
    from assistant.memo.bridge import bridge_view
    from assistant.memo.context import MemoContext
    from assistant.memo.words import Words

    finding = next(f for f in diagnosis.findings if f.code == "mix_shift")
    bridge = bridge_view(diagnosis)
    assert bridge is not None
    component = bridge.mix(finding.segment[0] if finding.segment else None)
    assert component is not None and component.amount < 0
    ctx = MemoContext(words=Words("en"), data=data, diagnosis=diagnosis, targets=targets)
    effect = mix_effect(ctx, finding)
    assert effect is not None and effect.amount is not None
    assert abs(effect.amount - (-component.amount)) <= 0.10 * abs(component.amount)
    blended = diagnosis.bottleneck.revenue_impact or 0.0
    assert effect.basis == "mix" and (blended == 0 or abs(effect.amount - blended) > 0.10 * abs(component.amount))


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _squeeze(text: str) -> str:
    """Text without any whitespace (a wrapped table cell reads as one string again)."""
    return "".join(text.split())


def test_demo_headline_names_no_noise_as_a_cause(demo: tuple[LoadedData, object, Diagnosis]) -> None:
    """The demo's planted truth is the Giveaway Campaign (leads that convert badly, the core flat).
    Won revenue fell within its usual variation; Enterprise's win ratio, which once carried the
    bridge's largest term, rests on a handful of deals (plain pandas below). The headline says the
    change is within the usual variation first, names no driver but the planted one, and joins the
    driver and the first cause with "because" only as one cause."""
    data, targets, diagnosis = demo
    bridge = diagnosis.revenue_bridge
    assert bridge is not None and bridge.variation is not None and bridge.change < 0
    frame = data.frame
    for window in (bridge.baseline.window, bridge.current.window):
        won = frame["won_date"].ge(window.start) & frame["won_date"].lt(window.end)
        enterprise_wins = int((won & frame["segment"].eq("Enterprise")).sum())
        assert enterprise_wins < 30  # a handful of deals: their ratio is noise, whatever it carries
    top = bridge.largest_driver()
    assert top is None or (top.driver, top.dimension, top.value) == ("mix", "lead_source", "Giveaway Campaign")
    memo = build_memo(data, targets, "en", diagnosis=diagnosis, knowledge=None, today=TODAY, currency="JPY")
    headline = memo.section("brief").blocks[0].text  # type: ignore[union-attr]
    w = Words("en", "JPY")
    fall = w.pct(-bridge.change / bridge.baseline_revenue, 0)
    opening = (f"Won revenue fell {fall} in {w.period(bridge.current.label)}: {w.money(bridge.current_revenue)} against "
               f"{w.money(bridge.baseline_revenue)} in {w.period(bridge.baseline.label)}")
    assert not bridge.material
    assert headline.startswith(opening + ", within its usual month-to-month variation; ")
    assert "Opportunity → Won" not in headline
    if top is None:
        assert "no component of the revenue bridge stands out from noise" in headline and "because" not in headline
    else:
        driver = ("the largest component beyond noise was the lead source mix, mostly lead source 'Giveaway Campaign' ("
                  + w.money(top.amount, signed=True) + "), mainly because ")
        assert driver in headline and headline.count("because") == 1
        assert "Giveaway Campaign" in headline.split("because")[1]  # the one cause, both halves


def _page_png(pdf: Path, page: int, out: Path, dpi: int = 50) -> Image.Image:
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png", "-singlefile",
                    str(pdf), str(out)], check=True)
    return Image.open(out.with_suffix(".png")).convert("L")


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_page_one_decides(demo: tuple[LoadedData, object, Diagnosis], lang: str, tmp_path: Path) -> None:
    """Page 1 rendered as an image carries ink only inside the margins; its text has the headline,
    the three actions and their owners."""
    data, targets, diagnosis = demo
    memo = build_memo(data, targets, lang, diagnosis=diagnosis, knowledge=None, today=TODAY, currency="JPY")
    pdf = tmp_path / "memo.pdf"
    from assistant.memo.render.pdf import write_pdf

    write_pdf(memo, pdf)
    image = _page_png(pdf, 1, tmp_path / "page1")
    width, height = image.size
    margin = int(round(50 / 25.4 * 10))  # 10 mm: inside the 18 mm page margin, outside any text
    pixels = image.load()
    ink = [(x, y) for x in list(range(margin)) + list(range(width - margin, width)) for y in range(height)
           if pixels[x, y] < 128]
    assert ink == [], "text or tables run past the page margin"
    assert sum(1 for x in range(width) for y in range(0, height, 4) if pixels[x, y] < 128) > 2000  # not blank
    page_one = _squeeze(_pdftotext(pdf, 1))
    headline = memo.section("brief").blocks[0].text  # type: ignore[union-attr]
    assert _squeeze(headline) in page_one
    actions = memo.section("brief-actions").blocks[0]
    assert isinstance(actions, Table) and len(actions.rows) == 3
    for owner, step, _kpi, effect in actions.rows:
        assert _squeeze(owner) in page_one
        assert _squeeze(step)[:14] in page_one and _squeeze(effect)[:12] in page_one  # each cell's first line


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_body_fits_four_pages_and_embeds_its_fonts(demo: tuple[LoadedData, object, Diagnosis], lang: str,
                                                       tmp_path: Path) -> None:
    data, targets, diagnosis = demo
    pdf = write_memo(data, tmp_path / "memo.pdf", targets, lang, diagnosis=diagnosis, today=TODAY)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    appendix_title = "A. 各課題の根拠データ" if lang == "ja" else "A. Evidence behind each finding"
    first_appendix = next(p for p in range(1, pages + 1) if appendix_title in _pdftotext(pdf, p))
    assert first_appendix - 1 <= BODY_PAGE_CAP
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    assert any("CJK" in line or "IPA" in line for line in fonts)


def test_docx_has_no_empty_tables_and_legible_charts(demo: tuple[LoadedData, object, Diagnosis],
                                                     tmp_path: Path) -> None:
    data, targets, diagnosis = demo
    for lang in ("en", "ja"):
        path = write_memo(data, tmp_path / f"memo_{lang}.docx", targets, lang, diagnosis=diagnosis, today=TODAY)
        doc = Document(str(path))
        assert doc.tables
        for table in doc.tables:
            assert len(table.rows) >= 2, "a table without data rows"
            for row in table.rows[1:]:
                assert any(cell.text.strip() for cell in row.cells), "an empty table row"
        shapes = doc.inline_shapes
        assert len(shapes) >= 2
        for shape in shapes:
            assert shape.width.cm >= 10  # at 200 dpi a 10 cm chart prints its 8 pt labels at full size
        headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert headings[0] == ("1ページで判断するための要約" if lang == "ja" else "The decision on one page")


def test_figures_are_print_resolution(demo: tuple[LoadedData, object, Diagnosis]) -> None:
    data, targets, diagnosis = demo
    memo = build_memo(data, targets, "ja", diagnosis=diagnosis, knowledge=None, today=TODAY)
    names = {f.name for f in memo.figures()}
    assert {"trend.png", "breakdown.png"} <= names
    for figure in memo.figures():
        width_px = int.from_bytes(figure.png[16:20], "big")
        assert width_px / (figure.width_cm / 2.54) >= 150  # dots per inch at the printed width


def test_cli_memo_writes_every_format(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tools.demo.sample import write_sample
    from ui.cli import app

    write_sample(tmp_path / "demo")
    runner = CliRunner()
    for name in ("memo.md", "memo.docx", "memo.pdf"):
        out = tmp_path / name
        result = runner.invoke(app, ["memo", str(tmp_path / "demo" / "canonical.csv"), "--targets",
                                     str(tmp_path / "demo" / "targets.csv"), "--lang", "ja", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000


@pytest.mark.parametrize("files", [["salesforce_leads.csv", "salesforce_opportunities.csv"],
                                   ["japanese_leads_cp932.csv"], ["opportunities_only.csv"]])
def test_memos_of_real_exports_read_cleanly(files: list[str]) -> None:
    """Small exports in other dialects (joined, CP932, opportunity-only): the memo is written in
    both languages with no raw keys, p-values or stray English in its body."""
    from tools.ingest.loading import load_exports

    data = load_exports([Path(__file__).parent / "data" / "exports" / f for f in files])
    for lang in ("en", "ja"):
        memo = build_memo(data, lang=lang, knowledge=None, charts=False, today=TODAY)
        body = body_text(memo, data)
        assert raw_keys(body) == [] and p_values(body) == []
        if lang == "ja":
            assert english_in_japanese(body, data_names(data)) == []
        assert check_grounding(memo.plain_text(), grounding_sources(memo)).ungrounded == []
