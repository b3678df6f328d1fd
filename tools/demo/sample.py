"""The bundled demo: one planted "KPIs green, revenue flat" dataset, written as real CRM exports.

``revops sample OUTDIR`` calls ``write_sample``: the same 30 months of pipeline history in every
export dialect the loader understands, plus the monthly targets and a README.txt. The canonical
file and the targets sit at the top of the folder; each other dialect has its own subfolder so a
glob such as ``OUTDIR/hubspot/*.csv`` picks up exactly one export. ``write_demo`` writes a single
dialect (what the UI loads), ``demo_dataset`` returns the scenario in memory (UI, memo, tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from tools.demo.exports import EXPORT_DIALECTS, write_export
from tools.demo.scenarios import PlantedCause, Scenario, generate_scenario
from tools.errors import RevOpsInputError

DEMO_CAUSE: PlantedCause = "kpi_green_revenue_flat"
#: A seed whose story reads cleanly: volume targets met every recent month, revenue flat.
DEMO_SEED = 13
TARGETS_FILE = "targets.csv"
#: The demo company's amounts are annual contract values in yen (its README says so; most of its
#: exports write plain numbers, so the app that loads it states the currency).
DEMO_CURRENCY = "JPY"
README_FILE = "README.txt"
#: Sub-folder per dialect ("" = the top of the sample folder).
DIALECT_FOLDERS: dict[str, str] = {
    "canonical": "",
    "hubspot": "hubspot",
    "salesforce": "salesforce",
    "opportunity_only": "opportunity_only",
    "japanese": "japanese",
}

_README = """\
RevOps diagnostic assistant - demo data
=======================================

One fictional Japanese B2B SaaS company, {months} months of lead-to-customer history up to
{as_of} ({rows:,} leads; amounts are annual contract values in yen). The same data is written
in every export format the assistant reads, so you can try the one that looks like your CRM:

  canonical.csv                          the canonical table (one row per lead/deal journey)
  targets.csv                            monthly targets: period, metric, target
  hubspot/hubspot_contacts.csv           HubSpot contacts export   (load both HubSpot files
  hubspot/hubspot_deals.csv              HubSpot deals export       together)
  salesforce/salesforce_leads.csv        Salesforce leads report   (load both; they join on
  salesforce/salesforce_opportunities.csv  opportunities report     the converted opportunity id)
  opportunity_only/opportunities.csv     deals only, with stage values (Won / Lost / open phases)
  japanese/japanese_leads.csv            Japanese headers and values, Shift-JIS (CP932)

The story: in the last {window} months marketing and inside sales hit their lead, MQL and SQL
targets, yet revenue is flat and below plan. Ask the assistant why.

Try:
  revops diagnose {folder}/canonical.csv --targets {folder}/targets.csv
  revops diagnose {folder}/salesforce/*.csv --targets {folder}/targets.csv --lang ja
  revops ask "Why is revenue flat though our KPIs are green?" --data {folder}/canonical.csv --targets {folder}/targets.csv
  revops memo {folder}/canonical.csv --targets {folder}/targets.csv -o memo.md

Load one format at a time: each folder holds the same records.

デモデータ: 架空のB2B SaaS企業の{months}か月分のリード〜受注〜解約の履歴です。同じデータを各CRM形式で
出力しています（japanese/ は日本語見出し・Shift-JIS）。直近{window}か月はリード・MQL・SQLの目標を
達成しているのに売上が伸びていません。原因をアシスタントに聞いてみてください。
"""


@lru_cache(maxsize=1)
def _demo_scenario() -> Scenario:
    return generate_scenario(DEMO_CAUSE, DEMO_SEED)


def demo_dataset() -> Scenario:
    """The demo scenario in memory (a fresh copy of the frame and targets on every call)."""
    s = _demo_scenario()
    return Scenario(s.frame.copy(), s.targets.copy(), s.truth, s.as_of, s.window_start)


def _folder(outdir: Path | str) -> Path:
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise RevOpsInputError(
            "exists and is not a folder",
            file=str(folder),
            hint="Give the name of a new or existing folder for the demo files",
        )
    return folder


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """Create ``folder``; any OS error while writing the demo inside becomes a clear input error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as err:
        raise RevOpsInputError(
            f"cannot write the demo files ({err.strerror or err})",
            file=str(folder),
            hint="Choose a folder you can write to",
        ) from err


def _write_targets(scenario: Scenario, folder: Path) -> Path:
    path = folder / TARGETS_FILE
    scenario.targets.to_csv(path, index=False, encoding="utf-8")
    return path


def write_demo(outdir: Path | str, dialect: str = "canonical") -> list[Path]:
    """Write the demo as one export ``dialect`` plus ``targets.csv`` into ``outdir``.

    Args:
        outdir: folder to write into (created if needed).
        dialect: one of ``canonical``, ``hubspot``, ``salesforce``, ``opportunity_only``,
            ``japanese``.

    Returns:
        The export file(s), then the targets file.
    """
    if dialect not in EXPORT_DIALECTS:
        raise RevOpsInputError(
            f"unknown demo dialect '{dialect}'", hint=f"Use one of: {', '.join(EXPORT_DIALECTS)}"
        )
    folder = _folder(outdir)
    scenario = demo_dataset()
    with _writing(folder):
        return [*write_export(scenario.frame, dialect, folder), _write_targets(scenario, folder)]


def write_sample(outdir: Path | str) -> list[Path]:
    """Write the demo set for ``revops sample OUTDIR``; return every file written.

    ``canonical.csv``, ``targets.csv`` and ``README.txt`` at the top of ``outdir``, and one
    sub-folder per other dialect (``hubspot/``, ``salesforce/``, ``opportunity_only/``,
    ``japanese/``). Existing demo files are overwritten; nothing else in the folder is touched.

    Raises:
        RevOpsInputError: ``outdir`` is a file, or the folder cannot be written.
    """
    folder = _folder(outdir)
    scenario = demo_dataset()
    paths: list[Path] = []
    with _writing(folder):
        paths.extend(write_export(scenario.frame, "canonical", folder))
        paths.append(_write_targets(scenario, folder))
        for dialect in EXPORT_DIALECTS:
            if dialect != "canonical":
                sub = folder / DIALECT_FOLDERS.get(dialect, dialect)
                paths.extend(write_export(scenario.frame, dialect, sub))
        periods = scenario.targets["period"].drop_duplicates()
        readme = folder / README_FILE
        readme.write_text(
            _README.format(
                months=len(periods),
                as_of=scenario.as_of.isoformat(),
                rows=len(scenario.frame),
                window=int((periods >= f"{scenario.window_start:%Y-%m}").sum()),
                folder=str(outdir).rstrip("/") or ".",
            ),
            encoding="utf-8",
        )
    return [*paths, readme]
