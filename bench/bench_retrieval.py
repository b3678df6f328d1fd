"""Retrieval benchmark: recall@3 and MRR for dense, lexical and hybrid search, plus timings.

Builds a fresh store from the built-in playbook in a temporary directory (index build time), runs
the evaluation set (``knowledge/eval/questions.jsonl``) in every mode:

- same-language: the question as users ask it, no language filter;
- cross-language: results restricted to the *other* language (a Japanese question must find the
  English page and vice versa);
- mixed: every page stays except the answer's page in the question's language, so the answer
  exists only in the other language while all other topics compete in both (a user document
  written in one language only);

and measures hybrid query latency (p50/p95, warm).

Usage::

    .venv/bin/python bench/bench_retrieval.py [--json] [--k 3] [--misses]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge.evalset import EvalQuestion, EvalScore, evaluate, load_evalset  # noqa: E402
from knowledge.playbook import KnowledgeBase  # noqa: E402
from knowledge.retrieval import MODES, Mode  # noqa: E402
from knowledge.store import make_store  # noqa: E402

RANK_DEPTH = 10  # MRR looks this deep


def _other(lang: str) -> str:
    return "en" if lang == "ja" else "ja"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(k: int = 3) -> dict[str, object]:
    """Build the store, run the evaluation, return all figures as a dict."""
    questions = load_evalset()
    with tempfile.TemporaryDirectory(prefix="revops-bench-") as tmp:
        started = time.perf_counter()
        cpu_started = time.process_time()
        kb = KnowledgeBase(make_store(Path(tmp) / "chroma"))
        report = kb.index()
        build_seconds = time.perf_counter() - started
        build_cpu = time.process_time() - cpu_started

        def ranker(mode: Mode, scenario: str):  # noqa: ANN202 - local closure
            def rank(q: EvalQuestion) -> list[str]:
                only = _other(q.lang) if scenario == "cross" else None
                # "mixed": every page stays, except the answer's page in the question's language,
                # as with a user document written in the other language only.
                exclude = {(q.topic, q.lang)} if scenario == "mixed" else set()
                results = kb.search(q.question, k=RANK_DEPTH, mode=mode, only_lang=only, exclude=exclude)
                return [r.topic for r in results]

            return rank

        groups = {
            "all": questions,
            "en": [q for q in questions if q.lang == "en"],
            "ja": [q for q in questions if q.lang == "ja"],
        }
        results: dict[str, dict[str, dict[str, object]]] = {}
        for mode in MODES:
            results[mode] = {}
            for scenario, prefix in (("same", ""), ("cross", "cross_"), ("mixed", "mixed_")):
                for name, group in groups.items():
                    score: EvalScore = evaluate(group, ranker(mode, scenario), k=k)
                    results[mode][f"{prefix}{name}"] = score.to_dict()

        kb.search("warm-up", k=5)
        latencies: list[float] = []
        for _ in range(3):
            for q in questions:
                t0 = time.perf_counter()
                kb.search(q.question, k=5)
                latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "k": k,
        "questions": {name: len(group) for name, group in groups.items()},
        "index": {
            "documents": report.documents,
            "chunks": report.chunks,
            "build_seconds": round(build_seconds, 2),
            "build_cpu_seconds": round(build_cpu, 2),
        },
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(_percentile(latencies, 95), 1),
            "n": len(latencies),
        },
        "results": results,
    }


def render(figures: dict[str, object], show_misses: bool = False) -> str:
    """A Markdown table of the figures (the README copy)."""
    k = figures["k"]
    results = figures["results"]
    assert isinstance(results, dict)
    columns = ["all", "en", "ja", "cross_all", "cross_en", "cross_ja", "mixed_all"]
    header = "| mode | " + " | ".join(f"{c} R@{k} / MRR" for c in columns) + " |"
    lines = [header, "|" + "---|" * (len(columns) + 1)]
    for mode, by_group in results.items():
        cells = [f"{by_group[c]['recall_at_k']:.3f} / {by_group[c]['mrr']:.3f}" for c in columns]
        lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    index = figures["index"]
    latency = figures["latency_ms"]
    assert isinstance(index, dict) and isinstance(latency, dict)
    lines.append("")
    lines.append(
        f"Index build: {index['documents']} documents, {index['chunks']} chunks in {index['build_seconds']} s "
        f"wall / {index['build_cpu_seconds']} s CPU (cold, model load included). Hybrid query latency (warm, k=5): p50 {latency['p50']} ms, "
        f"p95 {latency['p95']} ms over {latency['n']} queries."
    )
    if show_misses:
        for mode, by_group in results.items():
            for group in ("all", "cross_all", "mixed_all"):
                lines.append(f"misses {mode}/{group}: {', '.join(by_group[group]['misses'])}")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=3, help="recall cut-off")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list the question ids missed")
    args = parser.parse_args()
    figures = run(k=args.k)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(render(figures, show_misses=args.misses))


if __name__ == "__main__":
    main()
