"""Scenario accuracy of the diagnosis: every planted cause over many seeds, at three sizes.

    .venv/bin/python bench/scenario_accuracy.py [--seeds 10] [--default-seeds 5] [--moderate-seeds 10]
                                                [--workers 4] [--healthy]

Sizes: the generator's default (600 leads a month, 30 months, 6-month planted window), a
moderate size (1,500 leads a month, 36 months, 6-month window: the size issue 14's revenue
causes were reported at) and the suite's larger size (3,000 leads a month, 9-month window; 5,000
for the Enterprise-only win-rate drop, whose effect rests on few Enterprise closes). Prints one
row per cause x size with hits/seeds for the bottleneck lever and for the finding (planted code
and segment), then overall accuracy, and how many runs whose won revenue fell materially had the
bridge's largest driver named by the bottleneck or a medium-or-higher finding. The column
``bridge p/o/n`` counts what the bridge's largest driver (beyond noise) names: the planted cause
(where the plant localises it), another driver, or none.

A run is a hit on *lever* when the bottleneck names the planted lever (``None`` for the healthy
control and for the segment-mix shift, whose cause is not a lever) and on *finding* when a
non-info finding has the planted code and segment (for the healthy control: no finding of medium
or higher severity).

``--healthy`` instead counts false alarms (a lever, or a medium-or-higher finding) on the 100
healthy seeds 0-29, 300-319 and 400-449 at the default and the moderate size, and how often the
bridge names a driver beyond noise there.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.demo.scenarios import PLANTED_CAUSES, Truth, generate_scenario  # noqa: E402
from tools.diagnosis import Diagnosis, diagnose  # noqa: E402
from tools.findings.revenue import names_driver  # noqa: E402

# name, leads a month, planted months, months of history
DEFAULT = ("default", 600, 6, 30)
MODERATE = ("moderate", 1500, 6, 36)
LARGE = ("large", 3000, 9, 30)
LARGE_FOR = {"segment_win_rate_drop": 5000}
HEALTHY_SEEDS = (*range(30), *range(300, 320), *range(400, 450))


def explained(result: Diagnosis) -> bool | None:
    """``None`` unless revenue fell materially; then whether the largest driver is named."""
    bridge = result.revenue_bridge
    if bridge is None or bridge.change >= 0 or not bridge.material:
        return None
    top = bridge.largest_driver()
    if top is None:
        return True
    chosen = result.bottleneck.chosen
    by_lever = chosen is not None and chosen.lever == top.driver
    return by_lever or any(
        names_driver(f, top) or (f.code == "revenue_decline" and f.severity in ("high", "medium"))
        for f in result.findings
    )


def bridge_names(result: Diagnosis, truth: Truth) -> str:
    """What the bridge's largest driver beyond noise says: ``planted`` (the planted cause, where
    the plant localises it), ``other`` (a driver that is not the plant) or ``none``."""
    bridge = result.revenue_bridge
    top = bridge.largest_driver() if bridge is not None else None
    if top is None:
        return "none"
    value_ok = truth.segment is None or top.value in (None, truth.segment[1])
    if truth.segment is not None and (truth.segment[0] == "lead_source" or truth.lever is None):
        planted = top.driver == "mix" and top.dimension == truth.segment[0] and value_ok
    else:
        planted = top.driver == truth.lever and value_ok
    return "planted" if planted else "other"


def judge(job: tuple[str, int, int, int, int]) -> tuple[bool, bool, str, bool | None, str]:
    """(lever right, finding right, note, revenue explained, what the bridge names) for one
    generated scenario."""
    cause, seed, leads_per_month, recent_months, months = job
    sc = generate_scenario(cause, seed, leads_per_month=leads_per_month, recent_months=recent_months, months=months)  # type: ignore[arg-type]
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
    return lever_ok, finding_ok, f"seed {seed}: lever={result.bottleneck.lever}", explained(result), bridge_names(result, truth)


def false_alarm(job: tuple[int, int, int]) -> tuple[str | None, str | None]:
    """(what a healthy run named: a lever or a medium+ finding, the bridge driver it named beyond
    noise), each ``None`` when nothing."""
    seed, leads_per_month, months = job
    sc = generate_scenario("healthy", seed, leads_per_month=leads_per_month, months=months)
    result = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)
    alarms = [f"{f.code}/{f.severity}" for f in result.findings if f.severity in ("high", "medium")]
    bridge = result.revenue_bridge
    top = bridge.largest_driver() if bridge is not None else None
    driver = None if top is None else f"seed {seed}: {top.driver} {top.dimension or ''} {top.value or ''} ({top.amount:+,.0f})"
    if result.bottleneck.lever is None and not alarms:
        return None, driver
    return f"seed {seed}: lever={result.bottleneck.lever} {' '.join(alarms)}", driver


def healthy(workers: int) -> None:
    for name, volume, _, months in (DEFAULT, MODERATE):
        jobs = [(seed, volume, months) for seed in HEALTHY_SEEDS]
        with ProcessPoolExecutor(workers) as pool:
            outcomes = list(pool.map(false_alarm, jobs))
        alarms = [a for a, _ in outcomes if a]
        drivers = [d for _, d in outcomes if d]
        print(f"healthy {name} ({volume}/mo, {months} months): {len(alarms)}/{len(jobs)} false alarms; "
              f"the bridge names a driver beyond noise in {len(drivers)}/{len(jobs)}")
        for alarm in alarms:
            print(f"  {alarm}")
        for driver in drivers:
            print(f"  bridge {driver}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds at the larger size")
    parser.add_argument("--default-seeds", type=int, default=5, help="seeds at the default size")
    parser.add_argument("--moderate-seeds", type=int, default=10, help="seeds at the moderate size")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--healthy", action="store_true", help="false alarms on the 100 healthy seeds")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.healthy:
        healthy(args.workers)
        print(f"({time.perf_counter() - started:.0f}s)")
        return
    plan = []
    for name, volume, recent, months in (DEFAULT, MODERATE, LARGE):
        seeds = {"default": args.default_seeds, "moderate": args.moderate_seeds}.get(name, args.seeds)
        for cause in PLANTED_CAUSES:
            lpm = LARGE_FOR.get(cause, volume) if name == "large" else volume
            plan.append((cause, name, lpm, recent, [(cause, s, lpm, recent, months) for s in range(seeds)]))
    jobs = [job for *_, js in plan for job in js]
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip(jobs, pool.map(judge, jobs), strict=True))
    print(f"{'cause':<24}{'size':<22}{'lever':>8}{'finding':>9}{'both':>7}{'bridge p/o/n':>14}  misses")
    totals: dict[str, list[int]] = {}
    revenue: dict[str, list[int]] = {}
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
        checked = [o[3] for o in outcomes if o[3] is not None]
        r = revenue.setdefault(name, [0, 0])
        r[0] += sum(checked)
        r[1] += len(checked)
        misses = "; ".join(o[2] for o in outcomes if not (o[0] and o[1]))
        size = f"{name} {lpm}/mo {recent}m"
        named = "/".join(str(sum(o[4] == k for o in outcomes)) for k in ("planted", "other", "none"))
        print(f"{cause:<24}{size:<22}{lever:>5}/{n:<2}{finding:>6}/{n:<2}{both:>4}/{n:<2}{named:>14}  {misses}")
    for name, (lever, finding, both, n) in totals.items():
        print(f"overall {name}: lever {lever}/{n}, finding {finding}/{n}, both {both}/{n} = {both / n:.0%}")
    for name, (named, falls) in revenue.items():
        print(f"material revenue falls {name}: largest driver named in {named}/{falls}")
    print(f"({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
