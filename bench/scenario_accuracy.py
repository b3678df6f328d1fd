"""Scenario accuracy of the diagnosis: every planted cause over many seeds.

    .venv/bin/python bench/scenario_accuracy.py [--seeds 10] [--leads-per-month 3000] [--recent-months 9]

By default the Enterprise-only win-rate drop is generated with 5,000 leads a month (its planted
effect rests on few Enterprise closes); ``--uniform`` uses ``--leads-per-month`` for every cause.

A run is correct when the bottleneck names the planted lever and a finding with the planted code
(and segment) is reported; for the healthy control, when there is no bottleneck and no high finding.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.diagnosis import diagnose  # noqa: E402
from tools.scenarios import PLANTED_CAUSES, generate_scenario  # noqa: E402


def judge(cause: str, seed: int, leads_per_month: int, recent_months: int) -> tuple[bool, bool, str]:
    """(lever right, finding right, note) for one generated scenario."""
    sc = generate_scenario(cause, seed, leads_per_month=leads_per_month, recent_months=recent_months)  # type: ignore[arg-type]
    result = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)
    truth = sc.truth
    lever_ok = result.bottleneck.lever == truth.lever
    if truth.finding is None:
        finding_ok = not any(f.severity == "high" for f in result.findings)
    else:
        finding_ok = any(
            f.code == truth.finding and f.segment == truth.segment and f.severity != "info"
            for f in result.findings
        )
    return lever_ok, finding_ok, f"lever={result.bottleneck.lever}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--leads-per-month", type=int, default=3000)
    parser.add_argument("--recent-months", type=int, default=9)
    parser.add_argument("--uniform", action="store_true", help="same lead volume for every cause")
    args = parser.parse_args()
    started = time.perf_counter()
    total_ok = total = 0
    print(
        f"leads/month={args.leads_per_month} recent_months={args.recent_months} seeds={args.seeds} uniform={args.uniform}"
    )
    print(f"{'cause':<26}{'lever':>8}{'finding':>9}{'both':>7}")
    for cause in PLANTED_CAUSES:
        lever = finding = both = 0
        misses = []
        for seed in range(args.seeds):
            volume = args.leads_per_month
            if cause == "segment_win_rate_drop" and not args.uniform:
                volume = max(volume, 5000)
            lever_ok, finding_ok, note = judge(cause, seed, volume, args.recent_months)
            lever += lever_ok
            finding += finding_ok
            both += lever_ok and finding_ok
            if not (lever_ok and finding_ok):
                misses.append(f"seed {seed}: {note}")
        total_ok += both
        total += args.seeds
        print(
            f"{cause:<26}{lever:>5}/{args.seeds}{finding:>6}/{args.seeds}{both:>4}/{args.seeds}  {'; '.join(misses)}"
        )
    print(f"overall: {total_ok}/{total} = {total_ok / total:.0%} in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
