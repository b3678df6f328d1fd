"""Markup and control characters in uploaded values stay text in all three memo formats."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import markdown_it
import pytest
from docx import Document

from assistant.memo.build import build_memo
from assistant.memo.render.docx import render_docx
from assistant.memo.render.markdown import render_markdown
from assistant.memo.render.pdf import render_pdf
from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario

pytestmark = pytest.mark.slow

IMG = "<img src=http://127.0.0.1:9/beacon.png>"
LINK = "[click](javascript:alert(1))"
SOURCE = f"{IMG}Give\x00away{LINK} $x^2$ \x1b[31mred"
SEGMENT = '<form action="http://127.0.0.1:9/f"><input name=q></form>SMB'


@pytest.fixture(scope="module")
def memo():  # noqa: ANN201
    frame = generate_scenario("kpi_green_revenue_flat", 1, leads_per_month=150).frame.copy()
    source = frame["lead_source"].astype("object")
    source[source == "Giveaway Campaign"] = SOURCE
    frame["lead_source"] = source
    segment = frame["segment"].astype("object")
    segment[segment == "SMB"] = SEGMENT
    frame["segment"] = segment
    built = build_memo(from_canonical(frame), lang="en", knowledge=None)
    assert "Give" in built.plain_text()  # the planted source is named by the memo, so the test bites
    return built


def test_markdown_memo_renders_no_element_and_no_link_from_data(memo) -> None:  # noqa: ANN001
    text = render_markdown(memo, image_dir="memo_files")
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    tags = set(re.findall(r"<([a-z]+)[\s>]", html))
    assert tags <= {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "table", "thead", "tbody",
                    "tr", "th", "td", "hr", "img", "code", "br"}, tags
    assert re.findall(r'<img src="([^"]+)"', html) == [f"memo_files/{n}" for n in re.findall(
        r"!\[[^\]]*\]\(memo_files/([^)]+)\)", text)]  # only the memo's own charts
    assert "<a " not in html and "<form" not in html and "<input" not in html
    assert "&lt;img src=http" in html  # the value is there, as text
    assert "\x00" not in text and "\x1b" not in text
    assert "http://" not in text  # no GFM autolink either (a word joiner sits after the scheme)


def test_docx_memo_holds_the_value_as_plain_text(memo, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "memo.docx"
    render_docx(memo).save(str(path))  # before: ValueError (NUL is not XML), the memo was never written
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert f"{IMG}Giveaway{LINK} $x^2$ red" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_memo_holds_the_value_as_plain_text(memo, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "memo.pdf"
    path.write_bytes(render_pdf(memo))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "<img src=http://127.0.0.1:9/beacon.png>Giveaway" in re.sub(r"\s+", " ", text).replace("- ", "-")


def test_chart_labels_are_not_parsed_as_tex() -> None:
    from assistant.memo.charts import breakdown_chart

    # before: matplotlib read "$...$" as mathtext and the memo failed with ParseFatalException
    label = "$\\notacommand{$ <b>Webinar</b>"
    png = breakdown_chart([label, "Organic"], {"baseline": [0.1, 0.2], "current": [0.2, 0.3]}, ylabel="win rate",
                          highlight=label)
    assert png.startswith(b"\x89PNG")
