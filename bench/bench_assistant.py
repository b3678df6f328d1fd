"""Question-set pass rates and offline answer latency of the assistant.

Usage: ``python bench/bench_assistant.py [--split dev|heldout|heldout2|both|all] [--rows 50000] [--no-latency]
[--show-failures]``

1. Pass rates: every question of ``assistant/eval/questions.jsonl`` (dev) and
   ``assistant/eval/heldout.jsonl`` (held out: never looked at while tuning; ``heldout2.jsonl`` the
   second round's, written before its fixes) is asked offline on
   the demo data, conversations in order. A question passes when the harness
   (``assistant.eval.harness``) finds the right intent and language, every figure the plain-pandas
   oracle expects, no ungrounded number and no "[unverified]", and the item's own checks.
2. Latency: the dev questions on a ~``rows``-row upload, one conversation per question group,
   after one warm-up question; p50/p95 in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.chat.conversation import Conversation
from assistant.eval.harness import conversations, load_items, run, summary
from assistant.settings import Settings
from tools.dataset import from_canonical
from tools.demo.sample import demo_dataset
from tools.demo.scenarios import generate_scenario

#: the demo's amounts are yen; the setting makes answers print ¥ / 円
SETTINGS = Settings(llm="offline", currency="JPY")


def pass_rates(split: str, show_failures: bool) -> dict[str, Any]:
    scenario = demo_dataset()
    data = from_canonical(scenario.frame)
    results = run(load_items(split), lambda: Conversation(data, scenario.targets, settings=SETTINGS),
                  scenario.frame, scenario.targets)
    report = summary(results)
    print(f"{split}: {report['passed']}/{report['total']} passed ({report['passed'] / report['total']:.0%})"
          + "".join(f"; {lang} {p}/{t}" for lang, (p, t) in sorted(report["by_lang"].items())))
    for kind, (p, t) in sorted(report["by_type"].items()):
        print(f"  {kind:18} {p}/{t}")
    if show_failures:
        for r in results:
            if not r.passed:
                print(f"  FAIL {r.item['id']} {r.item['question']}: {'; '.join(r.problems)}")
    return report


def latency(rows: int) -> tuple[int, float, float]:
    per_month = max(50, int(600 * rows / 19_600))
    scenario = generate_scenario("kpi_green_revenue_flat", seed=0, leads_per_month=per_month)
    data = from_canonical(scenario.frame)
    timings = []
    warm = Conversation(data, scenario.targets, settings=SETTINGS)
    warm.ask("Where is our funnel leaking?")  # the diagnosis and the playbook pages, once
    for group in conversations(load_items("dev")):
        chat = Conversation(data, scenario.targets, settings=SETTINGS, diagnosis=warm.context.diagnosis())
        for item in group:
            start = time.perf_counter()
            chat.ask(item["question"])
            timings.append(time.perf_counter() - start)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return data.rows, statistics.median(timings), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout", "heldout2", "both", "all"), default="both")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    splits = {"both": ("dev", "heldout"), "all": ("dev", "heldout", "heldout2")}.get(args.split, (args.split,))
    for split in splits:
        pass_rates(split, args.show_failures)
    if not args.no_latency:
        rows, p50, p95 = latency(args.rows)
        print(f"offline latency on {rows:,} rows after warm-up: p50 {p50:.3f} s, p95 {p95:.3f} s")
        rows, p50, p95 = undated_latency(args.rows)
        print(f"offline latency on an undated {rows:,}-row lead list (6 extra dimensions, the partial "
              f"questions): p50 {p50:.3f} s, p95 {p95:.3f} s")


def undated_latency(rows: int) -> tuple[int, float, float]:
    """The dev split's questions on the undated lead list, resampled to ``rows`` records (the snapshot
    answer breaks the observed conversion down by every dimension, the extra ones included)."""
    import pandas as pd

    from assistant.eval.harness import UPLOADS_DIR
    from tools.ingest.loading import load_exports

    source = pd.read_csv(UPLOADS_DIR / "undated_leads" / "leads.csv", dtype=str, keep_default_na=False)
    big = source.sample(n=rows, replace=True, random_state=0).reset_index(drop=True)
    big["Prospect ID"] = [f"p{i:07d}" for i in range(len(big))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "leads.csv"
        big.to_csv(path, index=False)
        data = load_exports([path])
    questions = [i["question"] for i in load_items("dev") if i.get("upload") == "undated_leads"]
    Conversation(data, settings=SETTINGS).ask("Where is the funnel leaking?")  # warm-up
    timings = []
    for question in questions:
        chat = Conversation(data, settings=SETTINGS)
        start = time.perf_counter()
        chat.ask(question)
        timings.append(time.perf_counter() - start)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return data.rows, statistics.median(timings), p95


if __name__ == "__main__":
    main()
