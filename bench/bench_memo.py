"""Time ``write_memo`` for each format and language on the bundled demo data.

Usage: ``.venv/bin/python bench/bench_memo.py [--out DIR]`` (default: a temporary folder).
Each timing is one full ``write_memo`` call: diagnosis, what-if and funnel tools, charts, render.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.memo.build import write_memo
from tools.dataset import from_canonical
from tools.demo.sample import demo_dataset


def main() -> None:
    """Write the demo memo in every format and language and print the seconds each took."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="Keep the memos in this folder.")
    args = parser.parse_args()
    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    out = args.out or Path(tempfile.mkdtemp(prefix="memo_bench_"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"demo data: {data.rows:,} rows; output: {out}")
    write_memo(data, out / "warmup.md", targets=scenario.targets)  # imports, fonts, caches
    for lang in ("en", "ja"):
        for suffix in (".md", ".docx", ".pdf"):
            start = time.perf_counter()
            path = write_memo(data, out / f"memo_{lang}{suffix}", targets=scenario.targets, lang=lang)
            seconds = time.perf_counter() - start
            print(f"{lang} {suffix:<5} {seconds:6.2f} s  {path.stat().st_size / 1024:8.1f} KiB  {path.name}")


if __name__ == "__main__":
    main()
