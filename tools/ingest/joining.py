"""Combine files of records into one journey table: concatenate lead files, join opportunity files.

Join keys, in the order they are tried:

- ``leads.Converted Opportunity ID = opportunities.Opportunity ID`` (Salesforce);
- ``opportunities.<lead id> = leads.<id>``: HubSpot's associated contact ids, Dynamics'
  originating lead, or a lead / MQL id both files share (a closed-deals file keyed by ``mql_id``).

A lead without an opportunity stays a lead; an opportunity without a lead is kept as its own
record (its start is the opportunity's date) and counted in ``data_quality``. Every join is
reported with its matched and unmatched keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tools.ingest.problems import Problems
from tools.ingest.records import RecordFile
from tools.ingest.validation import drop_duplicates
from tools.load_report import JoinReport
from tools.schema import CANONICAL_COLUMNS, CREATED_COLUMN, ID_COLUMN, is_extra_dimension

#: Columns the opportunity's own value wins for (the lead's value only fills gaps).
_OPPORTUNITY_FIRST = {"opportunity_date", "won_date", "lost_date", "amount", "phase"}
_LINKS = ("opportunity_id", "converted_opportunity_id", "contact_id")
#: Canonical columns plus the link the lookups join on (dropped once dimensions are filled).
KEPT_COLUMNS = CANONICAL_COLUMNS + ("account",)
_SUFFIX = "__opp"


def _kept(frame: pd.DataFrame) -> pd.DataFrame:
    extras = [c for c in frame if is_extra_dimension(c) and not c.endswith(_SUFFIX)]
    return frame[[c for c in KEPT_COLUMNS if c in frame] + extras]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _names(files: list[RecordFile]) -> str:
    return ", ".join(f.sniffed.name for f in files)


@dataclass
class Combined:
    """The journey table and how it was put together."""

    frame: pd.DataFrame
    joins: list[JoinReport] = field(default_factory=list)


def combine(files: list[RecordFile], problems: Problems) -> Combined:
    """One frame of journeys from every parsed file of records."""
    leads = [f for f in files if f.mapping.role == "leads"]
    opps = [f for f in files if f.mapping.role == "opportunities"]
    if not opps:
        return Combined(_kept(_concat([f.frame for f in leads])))
    opp_name = _names(opps)
    opp_frame = _concat([f.frame for f in opps])
    if len(opps) > 1:
        opp_frame = drop_duplicates(problems, opp_frame, opp_name, "opportunity id", "opportunity_id")
    if not leads:
        return Combined(_kept(opp_frame.assign(**{ID_COLUMN: opp_frame["opportunity_id"]})))
    lead_name = _names(leads)
    lead_frame = _concat([f.frame for f in leads])
    if len(leads) > 1:
        lead_frame = drop_duplicates(problems, lead_frame, lead_name)
    if "converted_opportunity_id" in lead_frame and lead_frame["converted_opportunity_id"].notna().any():
        lead_key, opp_key = "converted_opportunity_id", "opportunity_id"
        left, right, on = lead_name, opp_name, (_column_of(leads, lead_key), _column_of(opps, opp_key))
    elif "contact_id" in opp_frame:
        lead_key, opp_key = ID_COLUMN, "contact_id"
        opp_frame = _first_per_lead(problems, opp_frame, opp_name)
        left, right, on = opp_name, lead_name, (_column_of(opps, opp_key), _column_of(leads, lead_key))
    else:
        n = len(opp_frame)
        problems.warn("opportunities_not_joined", f"{opp_name}: no column links the {n} opportunities to "
                      f"{lead_name}; they were kept as their own records", n)
        own = _as_own_records(opp_frame, lead_frame[ID_COLUMN])
        return Combined(_kept(pd.concat([_kept(lead_frame), _kept(own)], ignore_index=True)))
    frame = _join(problems, lead_frame, opp_frame, lead_key, opp_key, lead_name, opp_name)
    referencing = lead_frame[lead_key] if left == lead_name else opp_frame[opp_key]
    referenced = opp_frame[opp_key] if left == lead_name else lead_frame[lead_key]
    keys = pd.Index(referencing.dropna().unique())
    matched = int(keys.isin(referenced.dropna()).sum())
    return Combined(frame, [JoinReport(left, right, on, matched, len(keys) - matched)])


def _column_of(files: list[RecordFile], key: str) -> str:
    """The header ``key`` was mapped from (the first file that has it)."""
    return next((f.mapping.columns[key] for f in files if key in f.mapping.columns), key)


def _as_own_records(opps: pd.DataFrame, lead_ids: pd.Series) -> pd.DataFrame:
    """Opportunities kept as records of their own; an id a lead already uses gets an ``opportunity`` prefix
    (two apps numbering their records 1, 2, 3 ... must not drop each other's rows as duplicates)."""
    ids = opps["opportunity_id"]
    clash = ids.isin(lead_ids.dropna())
    return opps.assign(**{ID_COLUMN: ids.where(~clash, "opportunity " + ids.astype("string"))})


def _first_per_lead(problems: Problems, opp_frame: pd.DataFrame, opp_name: str) -> pd.DataFrame:
    """Several deals for one contact: the first is the contact's journey; the rest are counted."""
    linked = opp_frame["contact_id"].notna()
    extra = linked & opp_frame["contact_id"].duplicated(keep="first")
    n = int(extra.sum())
    if n:
        problems.warn("extra_opportunities", f"{opp_name}: {n} opportunit{'y belongs' if n == 1 else 'ies belong'} "
                      "to a lead that already has one and " + ("was" if n == 1 else "were") + " not used", n)
    return opp_frame[~extra]


def _join(problems: Problems, lead_frame: pd.DataFrame, opp_frame: pd.DataFrame, lead_key: str,
          opp_key: str, lead_name: str, opp_name: str) -> pd.DataFrame:
    right = opp_frame.drop(columns=[CREATED_COLUMN]).add_suffix(_SUFFIX)
    merged = lead_frame.merge(right, how="left", left_on=lead_key, right_on=opp_key + _SUFFIX)
    for column in opp_frame.columns:
        theirs = column + _SUFFIX
        if theirs not in merged or column in _LINKS or column == CREATED_COLUMN:
            continue
        if column not in merged:
            merged[column] = merged[theirs]
        elif column in _OPPORTUNITY_FIRST:
            merged[column] = merged[theirs].combine_first(merged[column])
        else:
            merged[column] = merged[column].combine_first(merged[theirs])
    matched = merged[opp_key + _SUFFIX].notna()
    dangling = int((merged[lead_key].notna() & ~matched).sum()) if lead_key != ID_COLUMN else 0
    if dangling:
        problems.warn("opportunity_not_found", f"{lead_name}: {dangling} converted lead"
                      f"{' points' if dangling == 1 else 's point'} to an opportunity that is not in {opp_name}; "
                      f"{'it was' if dangling == 1 else 'they were'} kept as lead{'' if dangling == 1 else 's'}",
                      dangling)
    used = lead_frame[lead_key].dropna()
    orphans = opp_frame[~opp_frame[opp_key].isin(used)]
    if len(orphans):
        n = len(orphans)
        problems.warn("opportunity_without_lead", f"{opp_name}: {n} opportunit{'y has' if n == 1 else 'ies have'} "
                      f"no matching lead in {lead_name} and {'was' if n == 1 else 'were'} kept as "
                      f"{'its' if n == 1 else 'their'} own record{'' if n == 1 else 's'}", n)
        own = _as_own_records(orphans, lead_frame[ID_COLUMN])
        return pd.concat([_kept(merged), _kept(own)], ignore_index=True)
    return _kept(merged)
