"""The plausibility gate (SPEC §9.3): an upload that looks misread never gets a confident diagnosis.

A misread upload (a leads file taken for opportunities, a lead status column read as deal
stages, the wrong id column) still "loads"; what gives it away is a funnel no business has. The
gate looks for those shapes and names the cause and the mapping or role to try:

- every stage from the funnel's start to the opportunity has the same count;
- zero won among hundreds of opportunities, although outcomes were mapped;
- more than 5% of a file's rows dropped as repeated ids;
- a join that matches under half its keys;
- one file's dates outside every other file's date range.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tools.errors import PlausibilityIssue, PlausibilityVerdict
from tools.ingest.problems import DuplicateDrop
from tools.load_report import FileReport, JoinReport
from tools.schema import REACHED_COLUMNS, STAGES

MIN_RECORDS = 30  # below this many records no funnel shape is suspicious
MIN_OPPORTUNITIES_FOR_WINS = 300
MAX_DUPLICATE_SHARE = 0.05
MIN_JOIN_MATCH = 0.5
MIN_JOIN_KEYS = 10


@dataclass(frozen=True)
class DateSpan:
    """The earliest and latest date of one file of records."""

    file: str
    first: pd.Timestamp
    last: pd.Timestamp


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    return {s: int(frame[REACHED_COLUMNS[s]].sum()) for s in STAGES if REACHED_COLUMNS[s] in frame}


def check_plausibility(frame: pd.DataFrame, *, files: list[FileReport], joins: list[JoinReport],
                       funnel_start: str, outcomes_known: bool, duplicates: list[DuplicateDrop],
                       spans: list[DateSpan]) -> PlausibilityVerdict:
    """Every reason the loaded upload looks misread (an empty verdict when it looks plausible)."""
    issues: list[PlausibilityIssue] = []
    counts = _counts(frame)
    lead_files = [f.name for f in files if f.role == "leads"]
    opp_files = [f.name for f in files if f.role == "opportunities"]
    issues += _equal_stages(counts, funnel_start, lead_files or opp_files)
    if outcomes_known and counts.get("opportunity", 0) >= MIN_OPPORTUNITIES_FOR_WINS and counts.get("won", 0) == 0:
        where = ", ".join(opp_files or lead_files)
        issues.append(PlausibilityIssue(
            "no_won", f"none of the {counts['opportunity']:,} opportunities is won, although {where} has a stage or "
            "outcome column", "Check which column holds the outcome and map it, e.g. --map stage=\"Your Stage\" or "
            "--map won_date=\"Your Won Date\" (or won_flag=\"Your Won Flag\")", where))
    for drop in duplicates:
        if drop.rows >= MIN_RECORDS and drop.dropped > MAX_DUPLICATE_SHARE * drop.rows:
            issues.append(PlausibilityIssue(
                "duplicate_ids", f"{drop.where}: {drop.dropped:,} of {drop.rows:,} rows "
                f"({drop.dropped / drop.rows:.0%}) were dropped as repeated ids",
                "The id column may not be each row's own id: map the right one with --map record_id=\"Your Id\" "
                "(opportunity_id for a deals file), or set the file's role, e.g. --role \"file.csv=leads\"",
                drop.where))
    for join in joins:
        keys = join.matched + join.unmatched
        if keys >= MIN_JOIN_KEYS and join.match_rate < MIN_JOIN_MATCH:
            key = "converted_opportunity_id" if join.kind == "records" else "account or owner"
            issues.append(PlausibilityIssue(
                "weak_join", f"only {join.matched:,} of {keys:,} '{join.on[0]}' keys of {join.left} were found in "
                f"'{join.on[1]}' of {join.right} ({join.match_rate:.0%})",
                f"Check that the files come from the same export, or map the key column (--map {key}=\"Column\"); "
                "leave out a file that does not belong", join.right))
    issues += _disjoint_dates(spans)
    return PlausibilityVerdict(issues)


def _equal_stages(counts: dict[str, int], funnel_start: str, files: list[str]) -> list[PlausibilityIssue]:
    """Every record reached every stage from the start up to the opportunity."""
    start = STAGES.index(funnel_start) if funnel_start in STAGES else 0
    chain = [s for s in STAGES[start: STAGES.index("opportunity") + 1] if s in counts]
    if len(chain) < 3 or counts[chain[0]] < MIN_RECORDS:
        return []
    if len({counts[s] for s in chain}) != 1:
        return []
    where = ", ".join(files)
    shown = " = ".join(chain)
    return [PlausibilityIssue(
        "equal_stages", f"every one of the {counts[chain[0]]:,} records reached every stage from {chain[0]} to "
        f"opportunity ({shown} = {counts[chain[0]]:,}), which no real funnel does",
        f"The stage or status column of {where} was probably read as the wrong thing: check the file's role "
        "(--role \"file.csv=leads\" or =opportunities) and map its status column (--map status=\"Your Status\")",
        where)]


def _disjoint_dates(spans: list[DateSpan]) -> list[PlausibilityIssue]:
    """A file whose dates overlap no other file's."""
    if len(spans) < 2:
        return []
    issues = []
    for span in spans:
        others = [o for o in spans if o.file != span.file]
        if others and all(span.last < o.first or span.first > o.last for o in others):
            ranges = "; ".join(f"{o.file} {o.first.date()}..{o.last.date()}" for o in others)
            issues.append(PlausibilityIssue(
                "disjoint_dates", f"{span.file} covers {span.first.date()}..{span.last.date()}, outside every other "
                f"file's dates ({ranges})",
                "Check that the files belong to the same export, and that their dates read the right way round "
                "(--date-order \"Column=dmy\" or =mdy)", span.file))
    return issues
