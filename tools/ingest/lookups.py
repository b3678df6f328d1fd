"""Lookup tables (accounts, owners) enrich the records' dimensions; they are never records.

An accounts file fills ``industry``, ``segment``, ``employee_count`` and ``region`` of the records
whose account column names one of its accounts; an owners file fills ``region`` (a sales team's
office) and turns owner ids into names. The key column is found from the values: the lookup
column (with unique values) that holds most of the records' distinct keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from tools.ingest.dialects import FileMapping
from tools.ingest.headers import normalise_name
from tools.ingest.parsing import clean_text
from tools.ingest.problems import Problems
from tools.ingest.reading import Sniffed, read_table, unique_headers
from tools.ingest.records import parse_value_column
from tools.load_report import JoinReport

#: The records' column each lookup role joins on, and the dimensions it may fill.
_JOIN_COLUMN = {"accounts": "account", "owners": "owner"}
_FILLS = {"accounts": ("industry", "segment", "employee_count", "region"), "owners": ("region",)}
_NAME_HEADERS = {normalise_name(n) for n in ("Name", "Full Name", "User Name", "Owner Name", "Display Name",
                                             "氏名", "名前", "ユーザー名", "担当者名")}
_MIN_UNIQUE_SHARE = 0.9


@dataclass
class LookupTable:
    """A lookup file: every column as cleaned text, plus its mapped dimensions parsed."""

    name: str
    role: str
    mapping: FileMapping
    text: pd.DataFrame
    dimensions: dict[str, pd.Series] = field(default_factory=dict)


def read_lookup(sniffed: Sniffed, mapping: FileMapping, problems: Problems) -> LookupTable:
    """Read every column of a (small) lookup file as text and parse its dimension columns."""
    names = unique_headers(sniffed.headers)
    table, _, _ = read_table(sniffed, {n: pa.string() for n in names})
    text = pd.DataFrame({n: clean_text(table.column(n)).to_pandas() for n in names})
    dimensions: dict[str, pd.Series] = {}
    for key in _FILLS.get(mapping.role, ()):
        header = mapping.columns.get(key)
        if header is None:
            continue
        data: dict[str, object] = {}
        found = Problems()
        if parse_value_column(data, key, header, table.column(header), sniffed.name, found):
            dimensions[key] = pd.Series(data[key])
        problems.issues.extend(found.issues)
    return LookupTable(sniffed.name, mapping.role, mapping, text, dimensions)


def _fold(values: pd.Series) -> pd.Series:
    return values.astype("string").str.casefold()


def _best_key(lookup: LookupTable, keys: pd.Index) -> tuple[str | None, int]:
    """The lookup column holding most of ``keys`` (compared case-folded), among unique-valued columns."""
    best, best_hits = None, 0
    for column in lookup.text.columns:
        values = lookup.text[column].dropna()
        if not len(values) or values.nunique() < _MIN_UNIQUE_SHARE * len(values):
            continue
        hits = int(keys.isin(_fold(values)).sum())
        if hits > best_hits:
            best, best_hits = column, hits
    return best, best_hits


def enrich(frame: pd.DataFrame, lookups: list[LookupTable], record_headers: dict[str, str],
           record_names: str, problems: Problems) -> tuple[pd.DataFrame, list[JoinReport]]:
    """Fill the records' dimensions from each lookup; one ``JoinReport`` per lookup joined."""
    joins: list[JoinReport] = []
    for lookup in lookups:
        column = _JOIN_COLUMN[lookup.role]
        if column not in frame or not frame[column].notna().any():
            problems.warn("lookup_not_joined", f"{lookup.name} ({lookup.role}) was not used: the records have no "
                          f"{column} column to join it on", 0)
            continue
        record_keys = _fold(frame[column])
        keys = pd.Index(record_keys.dropna().unique())
        key, matched = _best_key(lookup, keys)
        joins.append(JoinReport(record_names, lookup.name, (record_headers.get(column, column), key or "—"),
                                matched, len(keys) - matched, kind="lookup"))
        if key is None:
            continue
        folded = _fold(lookup.text[key])
        first = (folded.notna() & ~folded.duplicated()).to_numpy()
        position = pd.Index(folded[first]).get_indexer(record_keys.fillna("\x00"))  # -1: not in the lookup
        found = position >= 0
        rows = np.flatnonzero(first)[position.clip(0)]  # the lookup row of each record (any, when not found)
        frame = frame.copy()
        for dimension, values in lookup.dimensions.items():
            looked_up = pd.Series(values.to_numpy()[rows], index=frame.index).where(found)
            frame[dimension] = frame[dimension].fillna(looked_up) if dimension in frame else looked_up
        if lookup.role == "owners":
            frame = _owner_names(frame, lookup, key, rows, found)
    return frame, joins


def _owner_names(frame: pd.DataFrame, lookup: LookupTable, key: str, rows: np.ndarray,
                 found: np.ndarray) -> pd.DataFrame:
    """Owner ids (``005...``) become the users' names when the lookup has a name column."""
    name_column = next((c for c in lookup.text.columns if normalise_name(c) in _NAME_HEADERS and c != key), None)
    owner_header = lookup.mapping.columns.get("owner")
    if name_column is None and owner_header is not None and owner_header != key:
        name_column = owner_header
    if name_column is None:
        return frame
    names = pd.Series(lookup.text[name_column].to_numpy()[rows], index=frame.index)
    frame["owner"] = names.where(found).fillna(frame["owner"]).astype("string")
    return frame
