"""Question-set pass rate and offline answer latency of the assistant.

Usage: ``python bench/bench_assistant.py [--rows 50000]``

1. Pass rate: every question of ``assistant/eval/questions.jsonl`` is asked offline on the demo
   data, grouped into conversations (follow-ups share one). A question passes when the routed
   intent, the expected tools and findings, the language and zero ungrounded numbers all hold.
2. Latency: the same questions on a ~``rows``-row upload, one conversation, after one warm-up
   question (embedding model, knowledge index and the first diagnosis); p50/p95 in seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from assistant.chat.conversation import Conversation
from assistant.language import detect_language
from tools.dataset import from_canonical
from tools.demo.scenarios import generate_scenario

QUESTIONS = Path(__file__).resolve().parents[1] / "assistant" / "eval" / "questions.jsonl"


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def check(item: dict, answer) -> list[str]:  # noqa: ANN001
    problems = []
    if answer.intent != item["intent"]:
        problems.append(f"intent {answer.intent} != {item['intent']}")
    called = {t.name for t in answer.tool_calls}
    if not set(item["tools"]) <= called:
        problems.append(f"tools {sorted(called)} lack {sorted(set(item['tools']) - called)}")
    if not set(item["findings"]) <= set(answer.findings):
        problems.append(f"findings lack {sorted(set(item['findings']) - set(answer.findings))}")
    if answer.language != detect_language(item["question"]):
        problems.append("wrong language")
    if answer.grounding.ungrounded:
        problems.append(f"ungrounded {answer.grounding.ungrounded}")
    return problems


def pass_rate(questions: list[dict]) -> tuple[int, int, list[str]]:
    scenario = generate_scenario("kpi_green_revenue_flat", seed=0)
    data = from_canonical(scenario.frame)
    groups: dict[str, list[dict]] = defaultdict(list)
    for q in questions:
        groups[q["conversation"]].append(q)
    passed, failures = 0, []
    for items in groups.values():
        chat = Conversation(data, scenario.targets)
        for item in items:
            problems = check(item, chat.ask(item["question"]))
            if problems:
                failures.append(f"{item['question']}: {'; '.join(problems)}")
            else:
                passed += 1
    return passed, len(questions), failures


def latency(questions: list[dict], rows: int) -> tuple[int, float, float]:
    per_month = max(50, int(600 * rows / 19_600))
    scenario = generate_scenario("kpi_green_revenue_flat", seed=0, leads_per_month=per_month)
    data = from_canonical(scenario.frame)
    chat = Conversation(data, scenario.targets)
    chat.ask("Where is our funnel leaking?")  # warm-up
    timings = []
    for item in questions:
        start = time.perf_counter()
        chat.ask(item["question"])
        timings.append(time.perf_counter() - start)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return data.rows, statistics.median(timings), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    questions = load_questions()
    passed, total, failures = pass_rate(questions)
    print(f"question set: {passed}/{total} passed ({passed / total:.0%})")
    for failure in failures:
        print(f"  FAIL {failure}")
    rows, p50, p95 = latency(questions, args.rows)
    print(f"offline latency on {rows:,} rows after warm-up: p50 {p50:.3f} s, p95 {p95:.3f} s")


if __name__ == "__main__":
    main()
