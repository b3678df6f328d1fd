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


PROCESS_HEADER = (f"{'whole process':<22} {'plain s':>8} {'cpu':>5} {'revops s':>9} {'cpu':>5} {'x wall':>7} "
                  f"{'x cpu':>6}")
_PLAIN = "import sys, pyarrow.csv; pyarrow.csv.read_csv(sys.argv[1])"


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one process, from launch to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_row(name: str, path: Path, repeat: int) -> str:
    """``revops diagnose FILE --json`` vs a plain-read process: best wall of interleaved runs, its CPU."""
    revops = str(Path(sys.executable).with_name("revops"))
    plain: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for _ in range(repeat):
        plain.append(_timed([sys.executable, "-c", _PLAIN, str(path)]))
        ours.append(_timed([revops, "diagnose", str(path), "--json"]))
    (p_wall, p_cpu), (o_wall, o_cpu) = min(plain), min(ours)
    return (f"{name:<22} {p_wall:>8.2f} {p_cpu:>5.2f} {o_wall:>9.2f} {o_cpu:>5.2f} {o_wall / p_wall:>6.2f}x "
            f"{o_cpu / p_cpu:>5.2f}x")


def machine() -> str:
    """CPU count and load average: the ratios are only comparable on a quiet machine."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load} (best of repeats; ratios from the same run)"


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))))
