"""End-to-end benchmark: `load_exports` + `diagnose` on 1M and 5M rows vs a plain pyarrow read.

    .venv/bin/python bench/bench_diagnose.py [--rows 1000000 5000000] [--keep DIR]

Each measurement runs in a fresh subprocess so peak memory (``resource.getrusage`` maxrss) is its
own. The CSV is a generated canonical export (healthy scenario, 30 months).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONTHS = 30

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "pyarrow":
    import pyarrow.csv
    table = pyarrow.csv.read_csv(path)
    rows = table.num_rows
else:
    from tools.loading import load_exports
    from tools.diagnosis import diagnose
    data = load_exports([path])
    loaded = time.perf_counter() - started
    result = diagnose(data)
    rows = data.rows
    json.dumps(result.to_dict())
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {{"mode": mode, "rows": rows, "seconds": round(seconds, 2), "peak_mb": round(peak_mb)}}
if mode != "pyarrow":
    out["load_seconds"] = round(loaded, 2)
print(json.dumps(out))
"""


def write_csv(rows: int, folder: Path) -> Path:
    """A canonical export of about ``rows`` records."""
    sys.path.insert(0, str(ROOT))
    from tools.scenarios import generate_scenario

    path = folder / f"pipeline_{rows}.csv"
    if path.exists():
        return path
    sc = generate_scenario("healthy", 0, months=MONTHS, leads_per_month=max(rows // MONTHS, 10))
    sc.frame.to_csv(path, index=False)
    return path


def measure(mode: str, path: Path) -> dict[str, object]:
    """Run one measurement in a subprocess."""
    code = CHILD.format(root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code, mode, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the generated CSVs in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="revops-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for rows in args.rows:
        started = time.perf_counter()
        path = write_csv(rows, folder)
        size_mb = path.stat().st_size / 1e6
        print(
            f"# {rows:,} requested rows: {path.name} {size_mb:,.0f} MB (written in {time.perf_counter() - started:.0f}s)"
        )
        plain = measure("pyarrow", path)
        full = measure("diagnose", path)
        ratio = float(full["seconds"]) / float(plain["seconds"])  # type: ignore[arg-type]
        print(
            json.dumps(
                {"plain_read": plain, "load_and_diagnose": full, "ratio_to_plain_read": round(ratio, 2)}
            )
        )


if __name__ == "__main__":
    main()
