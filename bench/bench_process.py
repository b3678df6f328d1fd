"""``revops diagnose FILE --json`` as a whole process, against a plain read and against older commits.

    .venv/bin/python bench/bench_process.py FILE [--baseline REV ...] [--repeat 7]

Every command runs in a fresh process timed from launch to exit (interpreter start, imports and
exit included): a plain ``pyarrow.csv.read_csv`` of FILE, this checkout's ``revops diagnose FILE
--json``, and the same command on each ``--baseline`` commit (``git archive`` into a temp folder,
run with this checkout's virtualenv, its source ahead of the editable install). The runs are
interleaved (plain, this checkout, each baseline, then again), so a burst of load from other work
hits them alike; each line shows the best wall seconds of ``--repeat`` runs, the best CPU seconds
(user + system of the child) and both as a ratio to the plain read of the same runs. Only those
same-run ratios mean anything on a shared machine; on a quiet one the best walls do too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import _PLAIN, _timed, machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_CLI = "import sys; sys.path.insert(0, {root!r}); from ui.cli import main; sys.argv[0] = 'revops'; main()"


def _checkout(rev: str, folder: Path) -> Path:
    """The tree of commit ``rev`` written into ``folder`` (no .git, no venv)."""
    target = folder / rev.replace("/", "_")
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--baseline", action="append", default=[], help="a commit to compare with (repeatable)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    path = str(args.file)
    with tempfile.TemporaryDirectory() as folder:
        commands = {"plain pyarrow read": [sys.executable, "-c", _PLAIN, path],
                    "this checkout": [sys.executable, "-c", _CLI.format(root=str(ROOT)), "diagnose", path, "--json"]}
        for rev in args.baseline:
            root = _checkout(rev, Path(folder))
            commands[rev] = [sys.executable, "-c", _CLI.format(root=str(root)), "diagnose", path, "--json"]
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                runs[name].append(_timed(command))
    print(f"{args.file.name}: {args.repeat} interleaved runs; {machine()}")
    plain_wall = min(w for w, _ in runs["plain pyarrow read"])
    plain_cpu = min(c for _, c in runs["plain pyarrow read"])
    print(f"{'command':<22} {'best wall':>9} {'x':>6} {'best CPU':>9} {'x':>6}   walls")
    for name, timings in runs.items():
        wall, cpu = min(w for w, _ in timings), min(c for _, c in timings)
        walls = " ".join(f"{w:.2f}" for w, _ in timings)
        print(f"{name[:22]:<22} {wall:>9.2f} {wall / plain_wall:>5.2f}x {cpu:>9.2f} {cpu / plain_cpu:>5.2f}x   {walls}")
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
