"""Time ``write_memo`` for each format and language on the bundled demo data.

Usage: ``.venv/bin/python bench/bench_memo.py [--out DIR]`` (default: a temporary folder).
The diagnosis is computed once (as the UI and the chat do) and passed in; each timing is one
``write_memo`` call: the memo's own tools (funnel splits, what-ifs), charts and the render.
Also prints the PDF's page count and where its appendix starts (the body must fit 4 pages).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from assistant.memo.build import write_memo
from tools.dataset import from_canonical
from tools.demo.sample import demo_dataset
from tools.diagnosis import diagnose

APPENDIX_TITLES = {"en": "A. Evidence behind each finding", "ja": "A. 各課題の根拠データ"}


def pdf_pages(path: Path, lang: str) -> str:
    """"pages N, body M" from poppler (empty when poppler is not installed)."""
    if shutil.which("pdfinfo") is None:
        return ""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        if APPENDIX_TITLES[lang] in text:
            return f"  pages {pages}, body {page - 1}"
    return f"  pages {pages}"


def main() -> None:
    """Write the demo memo in every format and language and print the seconds each took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="Keep the memos in this folder.")
    args = parser.parse_args()
    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    out = args.out or Path(tempfile.mkdtemp(prefix="memo_bench_"))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    diagnosis = diagnose(data, targets=scenario.targets)
    print(f"demo data: {data.rows:,} rows; diagnosis {time.perf_counter() - start:.2f} s (once); output: {out}")
    write_memo(data, out / "warmup.md", targets=scenario.targets, diagnosis=diagnosis)  # imports, fonts, caches
    for lang in ("en", "ja"):
        for suffix in (".md", ".docx", ".pdf"):
            start = time.perf_counter()
            path = write_memo(data, out / f"memo_{lang}{suffix}", targets=scenario.targets, lang=lang,
                              diagnosis=diagnosis)
            seconds = time.perf_counter() - start
            pages = pdf_pages(path, lang) if suffix == ".pdf" else ""
            print(f"{lang} {suffix:<5} {seconds:6.2f} s  {path.stat().st_size / 1024:8.1f} KiB  {path.name}{pages}")


if __name__ == "__main__":
    main()
