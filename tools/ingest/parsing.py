"""Vectorised value parsing for the loader: text cleaning and amounts, over whole pyarrow columns.

No per-row Python: columns are parsed with pyarrow compute kernels and numpy (dates: ``dates``).
Amounts accept thousands separators, currency signs (``¥ $ € £ 円``), full-width digits and
accounting negatives ``(500)``. Big columns whose values repeat are parsed once per distinct value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FACTORISE_MIN_ROWS = 10_000  # parse per distinct value above this many rows ...
_FACTORISE_MAX_SHARE = 0.25  # ... when distinct values are at most this share of the rows
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@dataclass(frozen=True)
class Parsed:
    """A parsed column: values (nulls where empty or unreadable) and what could not be read."""

    values: pa.Array
    failed: int
    examples: list[str]
    non_empty: int
    note: str | None = None  # e.g. an ambiguous day/month order


def as_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    return column


def _offsets_and_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's value offsets and data bytes as numpy views (no copy)."""
    _, offsets, data = text.buffers()
    if offsets is None:  # an empty array may come without buffers
        return np.zeros(1, np.int64), np.empty(0, np.uint8)
    width = 8 if pa.types.is_large_string(text.type) else 4
    offsets_view = np.frombuffer(offsets, np.int64 if width == 8 else np.int32, len(text) + 1, text.offset * width)
    return offsets_view, np.frombuffer(data, np.uint8) if data is not None else np.empty(0, np.uint8)


def all_ascii(text: pa.Array) -> bool:
    """No byte >= 0x80 in the values (null slots included, so False is only ever conservative)."""
    offsets, data = _offsets_and_bytes(text)
    return int(data[offsets[0]:offsets[-1]].max(initial=0)) < 0x80


def _already_clean(text: pa.Array) -> bool:
    """ASCII values none of which starts or ends with whitespace: trimming and NFKC would change nothing.

    A vectorised look at the byte at each value's start and end offset. Any byte <= 0x20 (a
    superset of what ``utf8_trim_whitespace`` strips from ASCII) sends the column through the full
    cleaning; so does an empty value's neighbour, which is only ever a false alarm.
    """
    if not all_ascii(text):
        return False
    offsets, data = _offsets_and_bytes(text)
    if offsets[-1] == offsets[0]:
        return True  # no characters at all
    first = np.take(data, offsets[:-1], mode="clip")
    last = np.take(data, offsets[1:] - 1, mode="clip")
    return not ((first <= 0x20).any() or (last <= 0x20).any())


def clean_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Strings trimmed, NFKC-normalised when not ASCII (full-width digits), empty -> null."""
    text = as_array(column)
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    if not _already_clean(text):
        text = pc.utf8_trim_whitespace(text)
        if not all_ascii(text):
            text = pc.utf8_normalize(text, form="NFKC")
            text = pc.utf8_trim_whitespace(text)
    blank = pc.equal(text, "")
    if pc.any(blank).as_py():  # if_else over strings is slow: only when there is something to blank
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text


def failures(text: pa.Array, values: pa.Array) -> tuple[int, list[str]]:
    bad = pc.and_(pc.is_valid(text), pc.is_null(values))
    failed = pc.sum(bad).as_py() or 0
    examples = pc.filter(text, bad).slice(0, 3).to_pylist() if failed else []
    return failed, [str(e) for e in examples]


def factorise(array: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """Distinct values and each row's index into them (-1 = null), when values repeat enough to pay.

    Exported dates and amounts repeat heavily (a few thousand days over a million rows), so the
    string kernels run once per distinct value instead of once per row.
    """
    if len(array) < _FACTORISE_MIN_ROWS:
        return None
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    encoded = pc.dictionary_encode(array)
    if len(encoded.dictionary) > len(array) * _FACTORISE_MAX_SHARE:
        return None
    return encoded.dictionary, pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)


def row_mask(per_value: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Per-distinct-value flags spread to rows (null rows: False)."""
    return np.append(per_value, False)[indices]


def per_value_failures(text: pa.Array, values: pa.Array, indices: np.ndarray, counts: np.ndarray) -> tuple[int, list[str]]:
    """Row count and first three row-order examples of values that did not parse."""
    bad = pc.fill_null(pc.and_(pc.is_valid(text), pc.is_null(values)), False).to_numpy(zero_copy_only=False)
    failed = int(counts[bad].sum())
    if not failed:
        return 0, []
    first = indices[np.flatnonzero(row_mask(bad, indices))[:3]]
    return failed, [str(e) for e in text.take(pa.array(first)).to_pylist()]


def parse_numbers(column: pa.ChunkedArray | pa.Array) -> Parsed:
    """Parse amounts / counts to float64: ``1,234,000``, ``¥1,234,000``, ``$12,000.00``, ``１２３``."""
    array = as_array(column)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return Parsed(array.cast(pa.float64()), 0, [], len(array) - array.null_count)
    encoded = factorise(array)
    if encoded is not None:
        unique, indices = encoded
        text = clean_text(unique)
        counts = np.bincount(indices[indices >= 0], minlength=len(unique))
        non_empty = int(counts[pc.is_valid(text).to_numpy(zero_copy_only=False)].sum())
        if not non_empty:
            return Parsed(pa.nulls(len(indices), pa.float64()), 0, [], 0)
        values = _numbers(text)
        failed, examples = per_value_failures(text, values, indices, counts)
        return Parsed(values.take(pa.array(indices, mask=indices < 0)), failed, examples, non_empty)
    text = clean_text(array)
    non_empty = len(text) - text.null_count
    if not non_empty:
        return Parsed(pa.nulls(len(text), pa.float64()), 0, [], 0)
    values = _numbers(text)
    failed, examples = failures(text, values)
    return Parsed(values, failed, examples, non_empty)


#: 1.234,56 / 12,5 / 1.234.567 (decimal comma) vs 1,234.56 / 12.5 / 1,234 (decimal point), currency aside;
#: a lone 1.234 proves nothing (it is read with a decimal point, as before)
_DECIMAL_COMMA = r"^\D*-?(\d{1,3}(\.\d{3})*,\d+|\d{1,3}(\.\d{3}){2,})\D*$"
_DECIMAL_POINT = r"^\D*-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d{1,2})\D*$"


def _decimal_comma(text: pa.Array) -> bool:
    """The column writes decimals with a comma (a European export): some values prove it, none deny it."""
    comma = pc.sum(pc.match_substring_regex(text, _DECIMAL_COMMA)).as_py() or 0
    return bool(comma) and not pc.any(pc.fill_null(pc.match_substring_regex(text, _DECIMAL_POINT), False)).as_py()


def _numbers(text: pa.Array) -> pa.Array:
    if _decimal_comma(text):
        text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    # a backslash is the yen sign of Shift-JIS (0x5C) read as CP932
    stripped = pc.replace_substring_regex(text, r"[,\s¥$€£円\\]|JPY|USD|EUR", "")
    stripped = pc.replace_substring_regex(stripped, r"^\((.*)\)$", r"-\1")
    valid = pc.fill_null(pc.match_substring_regex(stripped, _NUMBER), False)
    return pc.cast(pc.if_else(valid, stripped, None), pa.float64())
