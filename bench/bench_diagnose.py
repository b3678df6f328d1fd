"""End-to-end benchmark: `load_exports` + `diagnose` on 1M and 5M rows vs a plain pyarrow read.

    .venv/bin/python bench/bench_diagnose.py [--rows 1000000 5000000] [--repeat 2] [--keep DIR]

Each reader runs in a fresh subprocess so peak memory (``resource.getrusage`` maxrss) is its own;
seconds are the best of ``--repeat`` runs inside that process. The CSV is a generated canonical
export (healthy scenario, 30 months), cached in ``--keep`` (default: a folder under the system
temp dir) so later runs skip the generation (~1 min for 5M rows) and take a few minutes in all.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import HEADER, machine, measure, row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MONTHS = 30


def write_csv(rows: int, folder: Path) -> Path:
    """A canonical export of about ``rows`` records (reused when already written)."""
    sys.path.insert(0, str(ROOT))
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from tools.demo.scenarios import generate_scenario

    path = folder / f"pipeline_{rows}.csv"
    if path.exists():
        return path
    sc = generate_scenario("healthy", 0, months=MONTHS, leads_per_month=max(rows // MONTHS, 10))
    partial = path.with_suffix(".partial")
    table = pa.Table.from_pandas(sc.frame, preserve_index=False)
    # whole seconds, as CRM exports write them
    table = table.cast(pa.schema([f.with_type(pa.timestamp("s")) if pa.types.is_timestamp(f.type) else f
                                  for f in table.schema]))
    pacsv.write_csv(table, partial)
    partial.rename(path)
    return path


def diagnose_only(path: Path, repeat: int) -> str:
    """``diagnose`` (and its JSON) timed on an already loaded file: wall and CPU seconds."""
    import json
    import resource
    import statistics

    sys.path.insert(0, str(ROOT))
    from tools.diagnosis import diagnose
    from tools.ingest.loading import load_exports

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    data = load_exports([path])
    walls, cpus = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), cpu()
        json.dumps(diagnose(data).to_dict())
        walls.append(time.perf_counter() - started)
        cpus.append(cpu() - used)
    return (f"{path.name}: diagnose wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
            f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s ({repeat} runs; {machine()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "revops-bench",
                        help="folder the generated CSVs are kept in")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--diagnose-only", action="store_true",
                        help="load each file once, then time diagnose alone (wall and CPU seconds, best and median "
                             "of --repeat): CPU time shows the engine's work even on a busy machine")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    if args.generate:
        write_csv(args.rows[0], args.keep)
        return
    if args.diagnose_only:
        for rows in args.rows:
            subprocess.run([sys.executable, __file__, "--generate", "--rows", str(rows), "--keep", str(args.keep)],
                           check=True)
            print(diagnose_only(args.keep / f"pipeline_{rows}.csv", args.repeat), flush=True)
        return
    paths = []
    for rows in args.rows:
        started = time.perf_counter()
        # generated in a child: a big parent's peak RSS would be inherited by every measured child
        subprocess.run([sys.executable, __file__, "--generate", "--rows", str(rows), "--keep", str(args.keep)],
                       check=True)
        paths.append(args.keep / f"pipeline_{rows}.csv")
        print(f"{paths[-1]} ready in {time.perf_counter() - started:.0f}s")
    print(machine())
    print(HEADER)
    for path in paths:
        plain = measure("pyarrow", path, args.repeat)
        ours = measure("revops", path, args.repeat)
        print(row(path.name, path.stat().st_size / 1e6, plain, ours), flush=True)


if __name__ == "__main__":
    main()
