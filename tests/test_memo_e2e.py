"""End-to-end memos from the real engine: planted scenarios, grounding, DOCX and PDF (slow)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from assistant.chat.grounding import check_grounding
from assistant.memo.build import build_memo, write_memo
from assistant.memo.sections import finding_owner
from assistant.memo.text import FINDING_TITLES, LEVER_NAMES, OWNER_NAMES, fmt_money
from tests.test_memo import grounding_sources
from tools.dataset import LoadedData, from_canonical
from tools.demo.sample import demo_dataset
from tools.demo.scenarios import PLANTED_CAUSES, generate_scenario
from tools.diagnosis import diagnose

pytestmark = pytest.mark.slow

#: Planted causes whose finding the engine reports for seed 0 (segment_win_rate_drop is not
#: detected by the engine at seed 0; the memo can only say what the engine found).
CAUSES = [c for c in PLANTED_CAUSES if c not in ("healthy", "segment_win_rate_drop")]


@pytest.fixture(scope="module")
def demo() -> tuple[LoadedData, object]:
    scenario = demo_dataset()
    return from_canonical(scenario.frame), scenario.targets


@pytest.mark.parametrize("cause", CAUSES)
def test_summary_names_the_planted_cause_and_its_owner(cause: str) -> None:
    scenario = generate_scenario(cause, seed=0)  # type: ignore[arg-type]
    data = from_canonical(scenario.frame)
    diagnosis = diagnose(data, targets=scenario.targets).to_dict()
    code = str(scenario.truth.finding)
    planted = [f for f in diagnosis["findings"] if f["code"] == code]
    assert planted, f"the engine did not report {code}"
    for lang in ("en", "ja"):
        memo = build_memo(data, lang=lang, diagnosis=diagnosis, knowledge=None, charts=False)
        summary = memo.summary_text()
        assert FINDING_TITLES[lang][code] in summary, (lang, summary)
        assert OWNER_NAMES[lang][finding_owner(planted[0])] in summary, (lang, summary)
        report = check_grounding(memo.plain_text(), grounding_sources(memo))
        assert report.ungrounded == [], (cause, lang, report.ungrounded)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_demo_memo_numbers_all_come_from_tools(demo: tuple[LoadedData, object], lang: str) -> None:
    data, targets = demo
    memo = build_memo(data, targets=targets, lang=lang, knowledge=None, today=dt.date(2026, 11, 1))
    report = check_grounding(memo.plain_text(), grounding_sources(memo))
    assert report.numbers > 100
    assert report.ungrounded == []
    assert {f.name for f in memo.figures()} == {"funnel.png", "trend.png", "breakdown.png"}
    assert [c.name for c in memo.tool_calls].count("funnel_summary") == 2


def test_docx_opens_and_has_the_sections(demo: tuple[LoadedData, object], tmp_path: Path) -> None:
    data, targets = demo
    path = write_memo(data, tmp_path / "memo.docx", targets=targets, lang="en")
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    for title in ("Executive summary", "The funnel", "The bottleneck and the revenue at stake", "Findings",
                  "Recommended actions", "30/60/90-day plan", "Appendix", "A. Column mapping",
                  "C. Tool calls", "E. Reproducibility"):
        assert title in headings
    assert len(doc.inline_shapes) == 3  # funnel, trend, breakdown charts embedded
    assert len(doc.tables) >= 6


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_text_has_the_key_figures(demo: tuple[LoadedData, object], tmp_path: Path, lang: str) -> None:
    data, targets = demo
    path = write_memo(data, tmp_path / f"memo_{lang}.pdf", targets=targets, lang=lang)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    diagnosis = diagnose(data, targets=targets).to_dict()
    bottleneck = diagnosis["bottleneck"]
    assert fmt_money(lang, bottleneck["revenue_impact"]) in text
    assert LEVER_NAMES[lang][bottleneck["lever"]] in text
    won = next(s for s in diagnosis["funnel"]["stages"] if s["stage"] == "won")
    assert f"{won['count']:,}" in text
    assert data.input_hash in text.replace("\n", "")
    if lang == "ja":
        for phrase in ("売上改善メモ", "エグゼクティブサマリー", "ボトルネックと影響額", "30/60/90日プラン", "付録"):
            assert phrase in text
    else:
        assert "Executive summary" in text and "30/60/90-day plan" in text
