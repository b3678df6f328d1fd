"""Forecast backtest on generated histories: how often the 80% interval held the actual quarter.

    .venv/bin/python bench/forecast_backtest.py [--seeds 20] [--workers 2] [--causes healthy,...]

For each size (600 and 1,500 leads a month, 36 months of history) and cause, every seed's
diagnosis replays the quarter forecast at the same day of each past quarter that has history
before it (``Forecast.backtest``). Prints, per row, the quarters replayed, the share whose actual
won revenue fell inside the 80% interval, the mean absolute error, and the mean signed error
(actual / expected − 1), then the pooled rates.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.demo.scenarios import generate_scenario  # noqa: E402
from tools.diagnosis import diagnose  # noqa: E402

SIZES = ((600, 36), (1500, 36))


def replay(job: tuple[str, int, int, int]) -> list[tuple[bool, float, float]]:
    """(hit, absolute error, signed error) for each backtested quarter of one history."""
    cause, seed, leads_per_month, months = job
    sc = generate_scenario(cause, seed, leads_per_month=leads_per_month, months=months)  # type: ignore[arg-type]
    forecast = diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of).forecast
    if forecast is None or forecast.backtest is None:
        return []
    return [
        (q.hit, abs(q.actual / q.expected - 1), q.actual / q.expected - 1)
        for q in forecast.backtest.quarters
        if q.expected > 0
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--causes", default="healthy,lead_volume_decline,deal_size_drop,enterprise_win_collapse")
    args = parser.parse_args()
    started = time.perf_counter()
    causes = args.causes.split(",")
    plan = [(cause, lpm, months) for lpm, months in SIZES for cause in causes]
    jobs = [(cause, seed, lpm, months) for cause, lpm, months in plan for seed in range(args.seeds)]
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip(jobs, pool.map(replay, jobs), strict=True))
    print(f"{'cause':<26}{'size':<14}{'quarters':>9}{'hit rate':>10}{'MAE':>8}{'bias':>8}")
    pooled: dict[str, list[tuple[bool, float, float]]] = {}
    for cause, lpm, months in plan:
        rows = [r for seed in range(args.seeds) for r in results[(cause, seed, lpm, months)]]
        pooled.setdefault(f"{lpm}/mo", []).extend(rows)
        if rows:
            hit = sum(r[0] for r in rows) / len(rows)
            mae = sum(r[1] for r in rows) / len(rows)
            bias = sum(r[2] for r in rows) / len(rows)
            print(f"{cause:<26}{f'{lpm}/mo {months}m':<14}{len(rows):>9}{hit:>10.1%}{mae:>8.1%}{bias:>+8.1%}")
    for size, rows in pooled.items():
        print(f"pooled {size}: {sum(r[0] for r in rows)}/{len(rows)} = {sum(r[0] for r in rows) / len(rows):.1%}")
    print(f"({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
