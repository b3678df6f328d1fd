"""Shared measurement for the loader and diagnose benchmarks (each reader in a fresh subprocess).

``python bench/_measure.py KIND PATH REPEAT`` prints one JSON line: best-of-``REPEAT`` seconds and
the process's peak RSS (``resource.getrusage`` maxrss). KIND ``pyarrow`` is a plain
``pyarrow.csv.read_csv`` of the file; KIND ``revops`` is ``load_exports`` followed by ``diagnose``
(the work of ``revops diagnose FILE --json``), timed as load and end to end.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(kind: str, path: Path, repeat: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import pyarrow.csv as pacsv

    if kind == "revops":
        from tools.diagnosis import diagnose
        from tools.ingest.loading import load_exports
    best: dict[str, float] = {}
    rows = 0
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        if kind == "pyarrow":
            rows = pacsv.read_csv(path).num_rows
            times = {"seconds": time.perf_counter() - started}
        else:
            data = load_exports([path])
            loaded = time.perf_counter() - started
            json.dumps(diagnose(data).to_dict())
            rows = data.rows
            times = {"load_seconds": loaded, "seconds": time.perf_counter() - started}
        times["cpu_seconds"] = _cpu() - cpu
        for key, value in times.items():
            best[key] = min(best.get(key, float("inf")), value)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {**best, "rows": rows, "peak_mb": peak_mb}


def measure(kind: str, path: Path, repeat: int) -> dict[str, float]:
    """Run one reader in a fresh subprocess and return its figures."""
    done = subprocess.run([sys.executable, __file__, kind, str(path), str(repeat)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


HEADER = (f"{'file':<22} {'rows':>10} {'MB':>5} {'plain s':>8} {'load s':>7} {'load rows/s':>12} "
          f"{'load x':>6} {'e2e s':>6} {'e2e x':>6} {'plain MB':>8} {'e2e MB':>7}")


def row(name: str, size_mb: float, plain: dict[str, float], ours: dict[str, float]) -> str:
    """One table line: plain read vs load and load + diagnose (ratios to the plain read, same run)."""
    base = plain["seconds"]
    return (f"{name:<22} {int(ours['rows']):>10,} {size_mb:>5.0f} {base:>8.2f} {ours['load_seconds']:>7.2f} "
            f"{ours['rows'] / ours['load_seconds']:>12,.0f} {ours['load_seconds'] / base:>5.2f}x "
            f"{ours['seconds']:>6.2f} {ours['seconds'] / base:>5.2f}x {plain['peak_mb']:>8.0f} "
            f"{ours['peak_mb']:>7.0f}")


def machine() -> str:
    """CPU count and load average: the ratios are only comparable on a quiet machine."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load} (best of repeats; ratios from the same run)"


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))))
