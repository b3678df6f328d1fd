"""Does a column's sample fit the kind of values a key holds?

Headers are mapped by name, then confirmed by their values: ``Won`` holding TRUE/FALSE is the won
flag, ``Won time`` holding dates is the won date; a "Created" column of free text is not a date.
Judged on the file's first rows (``Sniffed.sample``); an empty sample fits every kind.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from tools.ingest.dates import parse_dates
from tools.ingest.parsing import clean_text, parse_numbers
from tools.ingest.vocabulary import phase_of, yes_no_of

#: Share of a sample's non-empty values that must read as the kind.
MIN_SHARE = 0.6


def _share(readable: int, non_empty: int) -> float:
    return readable / non_empty if non_empty else 1.0


def fits(kind: str, sample: pa.Array | None) -> bool:
    """True when the sample's values look like ``kind`` (``date``, ``number``, ``flag``, ``stage``, ...)."""
    if sample is None or kind in ("id", "text", "stage"):  # unknown stages are warned about, not unmapped
        return True
    text = clean_text(sample)
    values = pc.drop_null(text)
    if not len(values):
        return True
    if kind == "date":
        parsed = parse_dates(values, years=(1000, 9999))
        return _share(parsed.non_empty - parsed.failed, parsed.non_empty) >= MIN_SHARE
    if kind == "number":
        parsed_numbers = parse_numbers(values)
        return _share(parsed_numbers.non_empty - parsed_numbers.failed, parsed_numbers.non_empty) >= MIN_SHARE
    if kind == "flag":
        counts = pc.value_counts(values).to_pylist()
        readable = sum(int(c["counts"]) for c in counts if yes_no_of(c["values"]) is not None)
        return _share(readable, len(values)) >= 0.9
    return True


def phase_shares(sample: pa.Array | None) -> dict[str, int]:
    """How many sampled rows hold each normalised phase (unrecognised values under ``None``)."""
    if sample is None:
        return {}
    counts = pc.value_counts(pc.drop_null(clean_text(sample))).to_pylist()
    shares: dict[str, int] = {}
    for item in counts:
        phase = phase_of(item["values"]) or "?"
        shares[phase] = shares.get(phase, 0) + int(item["counts"])
    return shares
