"""Loader benchmark: ``load_exports`` vs a plain ``pyarrow.csv.read_csv`` of the same 1M-row files.

Run: ``.venv/bin/python bench/bench_loader.py [--rows 1000000] [--repeat 3]`` (a few minutes), or
``... --file PATH [--file PATH]`` to time existing exports instead of generated ones.

Writes three exports into a temp folder: a canonical CSV (ISO dates), a Salesforce-style lead
report (``Lead ID``, US ``mm/dd/yyyy hh:mm AM`` dates, ``$12,000.00`` amounts, status values) and
the *narrow* export of issue 13 (16 canonical columns, about 95 bytes a row, unquoted). Two tables:

- in-process: each reader in its own subprocess (best of ``--repeat``; peak RSS from
  ``getrusage``): plain-read seconds, loader seconds and rows/s, load + diagnose seconds, both
  ratios to the plain read of the same run, and peak memory;
- whole process: ``revops diagnose FILE --json`` against ``python -c "pyarrow.csv.read_csv(FILE)"``,
  each timed from launch to exit (interpreter start and imports included), runs interleaved,
  best of ``--repeat`` wall seconds and the CPU seconds of that run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import HEADER, PROCESS_HEADER, machine, measure, process_row, row  # noqa: E402


def _dates(rng: np.random.Generator, base: np.ndarray, share: float, lag: int, fmt: str) -> pa.Array:
    """Dates ``lag``±days after ``base`` for ``share`` of the rows, formatted, empty otherwise."""
    days = base + rng.integers(0, lag + 1, len(base)).astype("timedelta64[D]")
    stamps = pa.array(days.astype("datetime64[s]"))
    text = pc.strftime(stamps, format=fmt)
    keep = pa.array(rng.random(len(base)) < share)
    return pc.if_else(keep, text, pa.scalar(None, pa.string()))


def make_files(rows: int, folder: Path) -> dict[str, Path]:
    """Write the two benchmark files (vectorised, a few seconds for 1M rows)."""
    rng = np.random.default_rng(7)
    created = np.datetime64("2023-01-01") + rng.integers(0, 1000, rows).astype("timedelta64[D]")
    amount = (rng.integers(10, 500, rows) * 10_000).astype(float)
    has_opp = rng.random(rows) < 0.12
    choice = lambda values: pa.array(np.asarray(values)[rng.integers(0, len(values), rows)])  # noqa: E731
    ids = pa.array(np.char.add("L", np.arange(rows).astype(str)))
    canonical = pa.table({
        "record_id": ids,
        "created_date": _dates(rng, created, 1.0, 0, "%Y-%m-%d"),
        "mql_date": _dates(rng, created, 0.45, 5, "%Y-%m-%d"),
        "sql_date": _dates(rng, created + 5, 0.18, 10, "%Y-%m-%d"),
        "opportunity_date": _dates(rng, created + 15, 0.12, 10, "%Y-%m-%d"),
        "won_date": _dates(rng, created + 40, 0.03, 30, "%Y-%m-%d"),
        "lost_date": _dates(rng, created + 40, 0.05, 30, "%Y-%m-%d"),
        "amount": pa.array(np.where(has_opp, amount, np.nan), from_pandas=True),
        "lead_source": choice(["Webinar", "Paid Search", "Event", "Referral", "Organic"]),
        "segment": choice(["SMB", "Mid-Market", "Enterprise"]),
        "industry": choice(["IT/SaaS", "Manufacturing", "Retail", "Finance"]),
        "employee_count": pa.array(rng.integers(5, 5000, rows)),
        "icp_fit": choice(["yes", "no"]),
        "owner": choice(["Sato", "Suzuki", "Tanaka", "Ito", "Kato"]),
        "phase": choice(["lead", "mql", "sql", "prospecting", "proposal", "won", "lost"]),
    })
    us = "%m/%d/%Y"
    salesforce = pa.table({
        "Lead ID": pa.array(np.char.add("00Q", np.arange(rows).astype(str))),
        "Lead Owner": canonical["owner"],
        "Lead Source": canonical["lead_source"],
        "Lead Status": choice(["Open - Not Contacted", "Working - Contacted", "Qualified", "Closed - Converted",
                               "Closed - Not Converted"]),
        "Created Date": _dates(rng, created, 1.0, 0, us + " %I:%M %p"),
        "MQL Date": _dates(rng, created, 0.45, 5, us),
        "SQL Date": _dates(rng, created + 5, 0.18, 10, us),
        "Converted Date": _dates(rng, created + 15, 0.12, 10, us),
        "Amount": pa.array([f"${v:,.2f}" if opp else None for v, opp in zip(amount, has_opp, strict=True)],
                           pa.string()),
        "Industry": canonical["industry"],
        "Employees": canonical["employee_count"],
    })
    paths = {"canonical": folder / "canonical.csv", "salesforce": folder / "salesforce_leads.csv"}
    pacsv.write_csv(canonical, paths["canonical"])
    pacsv.write_csv(salesforce, paths["salesforce"])
    return paths


def make_narrow(rows: int, path: Path) -> Path:
    """The narrow export: 16 canonical columns, about 95 bytes a row, unquoted (as spreadsheets write it)."""
    rng = np.random.default_rng(11)
    created = np.datetime64("2023-01-01") + rng.integers(0, 1000, rows).astype("timedelta64[D]")
    mql = rng.random(rows) < 0.45
    touch = created.astype("datetime64[s]") + rng.integers(600, 72 * 3600, rows).astype("timedelta64[s]")
    choice = lambda values: pa.array(np.asarray(values)[rng.integers(0, len(values), rows)])  # noqa: E731
    has_opp = rng.random(rows) < 0.12
    table = pa.table({
        "record_id": pa.array(np.char.add("L", np.char.zfill(np.arange(rows).astype(str), 7))),
        "created_date": _dates(rng, created, 1.0, 0, "%Y-%m-%d"),
        "mql_date": pc.if_else(pa.array(mql), _dates(rng, created, 1.0, 0, "%Y-%m-%d"), pa.scalar(None, pa.string())),
        "first_touch_date": pc.if_else(pa.array(mql), pc.strftime(pa.array(touch), format="%Y-%m-%d %H:%M:%S"),
                                       pa.scalar(None, pa.string())),
        "sql_date": _dates(rng, created + 5, 0.18, 10, "%Y-%m-%d"),
        "opportunity_date": _dates(rng, created + 15, 0.12, 10, "%Y-%m-%d"),
        "won_date": _dates(rng, created + 40, 0.03, 30, "%Y-%m-%d"),
        "lost_date": _dates(rng, created + 40, 0.05, 30, "%Y-%m-%d"),
        "amount": pa.array(np.where(has_opp, rng.integers(10, 500, rows) * 10_000, np.nan), from_pandas=True),
        "lead_source": choice(["Webinar", "Paid Search", "Trade Show", "Referral", "Organic Search"]),
        "segment": choice(["SMB", "Mid-Market", "Enterprise"]),
        "industry": choice(["IT/SaaS", "Manufacturing", "Retail", "Finance", "Healthcare"]),
        "employee_count": pa.array(rng.integers(5, 5000, rows)),
        "icp_fit": choice(["yes", "no"]),
        "owner": choice(["Sato", "Suzuki", "Tanaka", "Ito", "Kato", "Watanabe"]),
        "phase": choice(["lead", "mql", "sql", "prospecting", "won", "lost"]),
    })
    table = table.set_column(8, "amount", pc.cast(table["amount"], pa.int64()))
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))  # no value holds a comma or quote
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", type=Path, action="append", help="time this export (repeatable)")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        make_files(args.rows, args.generate)
        make_narrow(args.rows, args.generate / "narrow.csv")
        return
    if args.file:
        print(machine())
        _measure_files({path.name: path for path in args.file}, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        # generated in a child: a big parent's peak RSS would be inherited by every measured child
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--generate", folder], check=True)
        paths = {"canonical": Path(folder) / "canonical.csv", "salesforce": Path(folder) / "salesforce_leads.csv",
                 "narrow": Path(folder) / "narrow.csv"}
        narrow = paths["narrow"]
        print(f"wrote {args.rows:,} rows x 3 files in {time.perf_counter() - start:.1f}s (narrow: 16 columns, "
              f"{narrow.stat().st_size / args.rows:.0f} bytes a row); {machine()}")
        _measure_files(paths, args.repeat)


def _measure_files(paths: dict[str, Path], repeat: int) -> None:
    """One table line per file: plain read vs load and load + diagnose; then the whole-process table."""
    print(HEADER)
    for name, path in paths.items():
        size = path.stat().st_size / 1e6
        plain = measure("pyarrow", path, repeat)
        ours = measure("revops", path, repeat)
        print(row(name[:22], size, plain, ours), flush=True)
    print()
    print(PROCESS_HEADER)
    for name, path in paths.items():
        print(process_row(name[:22], path, repeat), flush=True)


if __name__ == "__main__":
    main()
