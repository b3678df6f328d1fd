"""Combine parsed files into one journey table: concatenate lead files, join opportunity files.

Salesforce: ``leads.Converted Opportunity ID = opportunities.Opportunity ID``. HubSpot (and any
opportunity file with a lead/contact id column): ``deals.Associated Contact IDs = contacts.Record
ID``. A lead without an opportunity stays a lead; an opportunity without a lead is kept as its own
record (its created date is the opportunity's) and counted in ``data_quality``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tools.ingest.dialects import LINK_KEYS, FileMapping
from tools.ingest.reading import Sniffed
from tools.ingest.validation import Problems, drop_duplicates
from tools.schema import CANONICAL_COLUMNS, CREATED_COLUMN, ID_COLUMN

#: Columns the opportunity's own value wins for (the lead's value only fills gaps).
_OPPORTUNITY_FIRST = {"opportunity_date", "won_date", "lost_date", "amount", "phase"}
_SUFFIX = "__opp"


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in CANONICAL_COLUMNS if c in frame]]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


@dataclass
class ParsedFile:
    """One file after mapping and parsing: a frame of canonical / link columns."""

    sniffed: Sniffed
    mapping: FileMapping
    frame: pd.DataFrame
    rows: int


def combine(parsed: list[ParsedFile], problems: Problems) -> pd.DataFrame:
    """One canonical frame from every parsed file."""
    leads = [p for p in parsed if p.mapping.role == "leads"]
    opps = [p for p in parsed if p.mapping.role == "opportunities"]
    if not opps:
        return _canonical(_concat([p.frame for p in leads]))
    opp_name = ", ".join(p.sniffed.name for p in opps)
    opp_frame = _concat([p.frame for p in opps])
    if len(opps) > 1:
        opp_frame = drop_duplicates(problems, opp_frame, opp_name, "opportunity id", "opportunity_id")
    if not leads:
        return _canonical(opp_frame.assign(**{ID_COLUMN: opp_frame["opportunity_id"]}))
    lead_name = ", ".join(p.sniffed.name for p in leads)
    lead_frame = _concat([p.frame for p in leads])
    if len(leads) > 1:
        lead_frame = drop_duplicates(problems, lead_frame, lead_name)
    if "converted_opportunity_id" in lead_frame:
        lead_key, opp_key = "converted_opportunity_id", "opportunity_id"
    elif "contact_id" in opp_frame:
        lead_key, opp_key = ID_COLUMN, "contact_id"
        opp_frame = _first_per_lead(problems, opp_frame, opp_name)
    else:
        n = len(opp_frame)
        problems.warn("opportunities_not_joined", f"{opp_name}: no column links the {n} opportunities to "
                      f"{lead_name}; they were kept as their own records", n)
        own = opp_frame.assign(**{ID_COLUMN: opp_frame["opportunity_id"]})
        return _canonical(pd.concat([_canonical(lead_frame), _canonical(own)], ignore_index=True))
    return _join(problems, lead_frame, opp_frame, lead_key, opp_key, lead_name, opp_name)


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
        if theirs not in merged or column in LINK_KEYS or column == CREATED_COLUMN:
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
        own = orphans.assign(**{ID_COLUMN: orphans["opportunity_id"]})
        return pd.concat([_canonical(merged), _canonical(own)], ignore_index=True)
    return _canonical(merged)
