"""Scenario accuracy of the diagnosis: every planted cause over many seeds, at two sizes.

    .venv/bin/python bench/scenario_accuracy.py [--seeds 10] [--default-seeds 5] [--workers 4]

Sizes: the generator's default (600 leads a month, 6-month planted window) and the suite's
larger size (3,000 leads a month, 9-month window; 5,000 for the Enterprise-only win-rate drop,
whose effect rests on few Enterprise closes). Prints one row per cause x size with hits/seeds for
the bottleneck lever and for the finding (planted code and segment), then overall accuracy.

A run is a hit on *lever* when the bottleneck names the planted lever (``None`` for the healthy
control) and on *finding* when a non-info finding has the planted code and segment (for the
healthy control: no finding of medium or higher severity).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.demo.scenarios import PLANTED_CAUSES, generate_scenario  # noqa: E402
from tools.diagnosis import diagnose  # noqa: E402

DEFAULT = ("default", 600, 6)
LARGE = ("large", 3000, 9)
LARGE_FOR = {"segment_win_rate_drop": 5000}


def judge(job: tuple[str, int, int, int]) -> tuple[bool, bool, str]:
    """(lever right, finding right, note) for one generated scenario."""
    cause, seed, leads_per_month, recent_months = job
    sc = generate_scenario(cause, seed, leads_per_month=leads_per_month, recent_months=recent_months)  # type: ignore[arg-type]
    result = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)
    truth = sc.truth
    lever_ok = result.bottleneck.lever == truth.lever
    if truth.finding is None:
        finding_ok = not any(f.severity in ("high", "medium") for f in result.findings)
    else:
        finding_ok = any(
            f.code == truth.finding and f.segment == truth.segment and f.severity != "info"
            for f in result.findings
        )
    return lever_ok, finding_ok, f"seed {seed}: lever={result.bottleneck.lever}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds at the larger size")
    parser.add_argument("--default-seeds", type=int, default=5, help="seeds at the default size")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    started = time.perf_counter()
    plan = []
    for name, volume, recent in (DEFAULT, LARGE):
        seeds = args.default_seeds if name == "default" else args.seeds
        for cause in PLANTED_CAUSES:
            lpm = LARGE_FOR.get(cause, volume) if name == "large" else volume
            plan.append((cause, name, lpm, recent, [(cause, s, lpm, recent) for s in range(seeds)]))
    jobs = [job for *_, js in plan for job in js]
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip(jobs, pool.map(judge, jobs), strict=True))
    print(f"{'cause':<24}{'size':<22}{'lever':>8}{'finding':>9}{'both':>7}  misses")
    totals: dict[str, list[int]] = {}
    for cause, name, lpm, recent, js in plan:
        outcomes = [results[j] for j in js]
        lever = sum(o[0] for o in outcomes)
        finding = sum(o[1] for o in outcomes)
        both = sum(o[0] and o[1] for o in outcomes)
        t = totals.setdefault(name, [0, 0, 0, 0])
        t[0] += lever
        t[1] += finding
        t[2] += both
        t[3] += len(js)
        n = len(js)
        misses = "; ".join(o[2] for o in outcomes if not (o[0] and o[1]))
        size = f"{name} {lpm}/mo {recent}m"
        print(f"{cause:<24}{size:<22}{lever:>5}/{n:<2}{finding:>6}/{n:<2}{both:>4}/{n:<2} {misses}")
    for name, (lever, finding, both, n) in totals.items():
        print(f"overall {name}: lever {lever}/{n}, finding {finding}/{n}, both {both}/{n} = {both / n:.0%}")
    print(f"({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
