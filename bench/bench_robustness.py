"""Hostile conditions, measured: a trickling model server and large playbook documents.

Usage: ``python bench/bench_robustness.py [--timeout 5] [--trickle 2] [--sizes 0.25,1,2]``

1. ``revops ask`` logic against a local OpenAI-compatible server that sends one byte every
   ``--trickle`` seconds, with ``REVOPS_LLM_TIMEOUT=--timeout``: seconds until the (offline) answer.
   Before the whole-question deadline this took minutes (each read succeeds, no read timeout fires).
2. ``revops index --add`` of generated Markdown documents of ``--sizes`` MB into a fresh store
   (built-in playbook indexed first, not timed), each in its own subprocess: chunks, seconds,
   seconds per MB and peak RSS; and the refusal time for a 50 MB document past REVOPS_DOC_MAX_MB.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REVOPS = [sys.executable, "-c", "from ui.cli import main; main()"]
#: The same, printing its own peak RSS (KB) on stderr at exit.
MEASURED = [sys.executable, "-c", "import resource, sys\nfrom ui.cli import main\ntry:\n    main()\nfinally:\n"
            "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"]
WORDS = ["pipeline", "lead", "conversion", "revenue", "quota", "follow", "up", "inbound", "outbound", "nurture", "segment", "win", "rate", "deal", "size", "churn", "renewal", "forecast", "coverage", "capacity", "handoff", "qualification"]


def trickle(timeout: float, interval: float) -> float:
    sys.path.insert(0, str(ROOT))
    from assistant.chat.conversation import answer_question
    from assistant.knowledge_access import open_knowledge
    from assistant.settings import Settings
    from tests.fake_openai_server import FakeOpenAI, Reply
    from tools.dataset import from_canonical
    from tools.demo.scenarios import generate_scenario

    open_knowledge()
    data = from_canonical(generate_scenario("kpi_green_revenue_flat", 1, leads_per_month=150).frame)
    answer_question("What is our win rate?", data, settings=Settings(llm="offline"))  # warm-up
    with FakeOpenAI([Reply(content="late")] * 4, trickle=interval) as server:
        settings = Settings(llm="openai", OPENAI_API_KEY="k", OPENAI_BASE_URL=server.base_url,  # type: ignore[call-arg]
                            llm_timeout=timeout, llm_max_retries=1)
        started = time.perf_counter()
        answer = answer_question("What is our win rate?", data, settings=settings)
        elapsed = time.perf_counter() - started
    assert answer.mode == "offline"
    return elapsed


def document(path: Path, megabytes: float) -> None:
    rng = random.Random(1)
    size, section = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# Our playbook\n\n")
        while size < megabytes * 1024 * 1024:
            text = f"## Section {section}\n\n" + " ".join(rng.choice(WORDS) for _ in range(180)) + "\n\n"
            out.write(text)
            size += len(text)
            section += 1


def index_add(home: Path, path: Path) -> tuple[float, float, int]:
    """Seconds, peak MB and exit code of ``revops index --add path`` in a fresh process."""
    env = dict(os.environ, REVOPS_HOME=str(home))
    started = time.perf_counter()
    done = subprocess.run([*MEASURED, "index", "--add", str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - started
    peak = next((int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK ")), 0)
    return elapsed, peak / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--trickle", type=float, default=2.0)
    parser.add_argument("--sizes", default="0.25,1,2")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    seconds = trickle(args.timeout, args.trickle)
    print(f"trickling server (1 byte / {args.trickle:g} s), REVOPS_LLM_TIMEOUT={args.timeout:g}: "
          f"answered offline after {seconds:.2f} s")
    with tempfile.TemporaryDirectory(prefix="revops-bench-") as tmp:
        home = Path(tmp)
        subprocess.run([*REVOPS, "index"], cwd=ROOT, env=dict(os.environ, REVOPS_HOME=str(home)), check=True,
                       capture_output=True)
        print(f"{'document':>10} {'chunks':>7} {'seconds':>8} {'s/MB':>6} {'peak MB':>8} {'exit':>5}")
        for size in [float(s) for s in args.sizes.split(",")]:
            path = home / f"doc-{size:g}mb.md"
            document(path, size)
            sys.path.insert(0, str(ROOT))
            from knowledge.documents import chunk_document, load_document

            chunks = len(chunk_document(load_document(path)))
            elapsed, peak, code = index_add(home, path)
            print(f"{size:>8.2f}MB {chunks:>7,} {elapsed:>8.1f} {elapsed / size:>6.1f} {peak:>8.0f} {code:>5}")
        big = home / "big.md"
        document(big, 50)
        elapsed, peak, code = index_add(home, big)
        print(f"{50:>8.2f}MB {'-':>7} {elapsed:>8.1f} {'-':>6} {peak:>8.0f} {code:>5}  (past REVOPS_DOC_MAX_MB: refused)")


if __name__ == "__main__":
    main()
