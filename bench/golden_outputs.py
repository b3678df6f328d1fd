"""Golden outputs of ``revops diagnose``: write them for every input we have, to diff two engines.

    .venv/bin/python bench/golden_outputs.py OUTDIR [--inputs DIR] [--skip-large]

For each input (every planted scenario at two sizes with its targets, every demo dialect of
``revops sample``, each fixture folder and file of ``tests/data/corpus``, and the narrow 1M-row
export of ``bench/bench_loader.py``) it writes, under OUTDIR, the diagnosis JSON exactly as
``revops diagnose --json`` prints it and the text report in English and Japanese, once at the
data's own analysis date and once at an analysis date 92 days earlier; an input the loader refuses
writes its message instead. A speed change must leave OUTDIR byte-identical:

    .venv/bin/python bench/golden_outputs.py /tmp/golden-before   # on the commit before
    .venv/bin/python bench/golden_outputs.py /tmp/golden-after    # on the change
    diff -r /tmp/golden-before /tmp/golden-after

Generated inputs are kept in ``--inputs`` (default: a folder under the system temp dir) and reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tools.demo.exports import write_export  # noqa: E402
from tools.demo.sample import write_sample  # noqa: E402
from tools.demo.scenarios import PLANTED_CAUSES, generate_scenario  # noqa: E402
from tools.diagnosis import diagnose  # noqa: E402
from tools.errors import RevOpsInputError  # noqa: E402
from tools.ingest.loading import load_exports  # noqa: E402
from tools.ingest.targets import load_targets  # noqa: E402
from tools.report import render_diagnosis_text  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
#: The two scenario sizes: the default (600 leads a month, 30 months) and the revenue causes' own.
SIZES = {"small": {"leads_per_month": 600, "months": 30}, "large": {"leads_per_month": 1500, "months": 36}}
EARLIER_DAYS = 92

Case = tuple[str, list[Path], Path | None]


def scenario_cases(folder: Path) -> Iterator[Case]:
    """Every planted cause at both sizes, as a canonical CSV export with its targets file."""
    for size, shape in SIZES.items():
        for cause in PLANTED_CAUSES:
            target = folder / "scenarios" / f"{cause}_{size}"
            export, targets = target / "canonical.csv", target / "targets.csv"
            if not export.exists():
                scenario = generate_scenario(cause, 0, **shape)
                target.mkdir(parents=True, exist_ok=True)
                write_export(scenario.frame, "canonical", target)
                scenario.targets.to_csv(targets, index=False)
            yield f"scenario-{cause}-{size}", [export], targets


def sample_cases(folder: Path) -> Iterator[Case]:
    """Every dialect ``revops sample`` writes (each folder loaded as the README says)."""
    sample = folder / "sample"
    if not (sample / "canonical.csv").exists():
        write_sample(sample)
    targets = sample / "targets.csv"
    yield "sample-canonical", [sample / "canonical.csv"], targets
    for sub in sorted(p for p in sample.iterdir() if p.is_dir()):
        yield f"sample-{sub.name}", sorted(sub.glob("*.csv")), targets


def corpus_cases() -> Iterator[Case]:
    """Each fixture folder of the corpus as one upload, and each of its files alone."""
    for group in ("vendors", "classes"):
        for sub in sorted(p for p in (CORPUS / group).iterdir() if p.is_dir()):
            files = sorted(sub.glob("*.csv"))
            yield f"corpus-{group}-{sub.name}", files, None
            for path in files if len(files) > 1 else []:
                yield f"corpus-{group}-{sub.name}-{path.stem}", [path], None


def narrow_case(folder: Path) -> Iterator[Case]:
    """The narrow 1M-row export of issue 13 (16 columns, ~94 bytes a row)."""
    from bench_loader import make_narrow

    path = folder / "narrow.csv"
    if not path.exists():
        make_narrow(1_000_000, path)
    yield "narrow-1m", [path], None


def write_outputs(name: str, files: list[Path], targets: Path | None, out: Path) -> list[str]:
    """Diagnose one input at its own date and 92 days earlier; write JSON and EN/JA text."""
    written = []
    try:
        data = load_exports(files)
        goals = load_targets(targets) if targets else None
        default = diagnose(data, goals)
        runs = {"own-date": default,
                "earlier": diagnose(data, goals, as_of=default.as_of - pd.Timedelta(days=EARLIER_DAYS))}
    except RevOpsInputError as err:
        (out / f"{name}.error.txt").write_text(str(err) + "\n", encoding="utf-8")
        return [f"{name}.error.txt"]
    for label, result in runs.items():
        stem = f"{name}.{label}"
        texts = {
            "json": json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str),
            "en.txt": render_diagnosis_text(result, lang="en"),
            "ja.txt": render_diagnosis_text(result, lang="ja"),
        }
        for suffix, text in texts.items():
            (out / f"{stem}.{suffix}").write_text(text + "\n", encoding="utf-8")
            written.append(f"{stem}.{suffix}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--inputs", type=Path, default=Path(tempfile.gettempdir()) / "revops-golden-inputs")
    parser.add_argument("--skip-large", action="store_true", help="leave out the narrow 1M-row export")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    args.inputs.mkdir(parents=True, exist_ok=True)
    cases = [*scenario_cases(args.inputs), *sample_cases(args.inputs), *corpus_cases()]
    if not args.skip_large:
        cases += list(narrow_case(args.inputs))
    started = time.perf_counter()
    digest = hashlib.sha256()
    count = 0
    for name, files, targets in cases:
        for written in write_outputs(name, files, targets, args.outdir):
            digest.update((args.outdir / written).read_bytes())
            count += 1
    print(f"{len(cases)} inputs, {count} outputs in {time.perf_counter() - started:.0f}s; sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
