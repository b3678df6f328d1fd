"""How often the revenue bridge names noise as a cause: simulated funnels of known truth.

    .venv/bin/python bench/bridge_noise.py [--seeds 100] [--leads-per-day 20]

A stationary funnel (``tests/test_bridge_noise.py: simulated_funnel``: every rate, mix and deal
size fixed, everything drawn at random) has no driver, so any driver the bridge names there is
noise; the same funnel with Enterprise's win rate collapsed (27% -> 4%) has one. Prints, per
case, how often ``largest_driver()`` names a driver (and which), how often any component is
beyond noise, and the median size of the largest component in the direction revenue moved (what
the bridge named before it tested its components), as a share of baseline revenue.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_bridge_noise import COLLAPSE, SEGMENTS, WIDE_ENTERPRISE, bridge_of, simulated_funnel  # noqa: E402


def run(name: str, seeds: int, leads_per_day: int, **plant: object) -> None:
    named: Counter[str] = Counter()
    beyond, shares = 0, []
    for seed in range(seeds):
        bridge = bridge_of(simulated_funnel(seed, leads_per_day, **plant))  # type: ignore[arg-type]
        moved = [c for c in bridge.by_driver() if c.amount * bridge.change > 0]
        shares.append(max((abs(c.amount) for c in moved), default=0.0) / bridge.baseline_revenue)
        beyond += any(c.beyond_noise for c in bridge.by_driver())
        top = bridge.largest_driver()
        named[f"{top.driver} {top.value or ''}".strip() if top is not None else "none"] += 1
    print(f"{name} ({leads_per_day} leads/day, {seeds} seeds): names {dict(named.most_common())}; "
          f"any component beyond noise in {beyond}/{seeds}; median largest component "
          f"{float(np.median(shares)):.0%} of baseline revenue")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--leads-per-day", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    run("stationary", args.seeds, args.leads_per_day, segments=SEGMENTS)
    run("Enterprise win collapse", max(args.seeds // 5, 1), 120, segments=WIDE_ENTERPRISE, enterprise_win_after=COLLAPSE)
    print(f"({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
