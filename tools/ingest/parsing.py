"""Vectorised value parsing for the loader: dates and amounts, over whole pyarrow columns.

No per-row Python: columns are parsed with pyarrow compute kernels and numpy. Dates accept ISO,
``yyyy/mm/dd``, ``mm/dd/yyyy`` (and ``dd/mm/yyyy`` when only that reading works), ``yyyymmdd`` and
``2024年1月5日``, each with or without a time. Amounts accept thousands separators, currency signs
(``¥ $ € £ 円``), full-width digits and accounting negatives ``(500)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_SAMPLE = 2000
_FACTORISE_MIN_ROWS = 10_000  # parse per distinct value above this many rows ...
_FACTORISE_MAX_SHARE = 0.25  # ... when distinct values are at most this share of the rows
_FAST_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S",
)
_DATE_PATTERN = (
    r"^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp][Mm])?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_PATTERN = r"^(?P<a>\d{4})(?P<b>\d{2})(?P<c>\d{2})$"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@dataclass(frozen=True)
class Parsed:
    """A parsed column: values (nulls where empty or unreadable) and what could not be read."""

    values: pa.Array
    failed: int
    examples: list[str]
    non_empty: int
    note: str | None = None  # e.g. an ambiguous day/month order


def _as_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
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


def _all_ascii(text: pa.Array) -> bool:
    """No byte >= 0x80 in the values (null slots included, so False is only ever conservative)."""
    offsets, data = _offsets_and_bytes(text)
    return int(data[offsets[0]:offsets[-1]].max(initial=0)) < 0x80


def _already_clean(text: pa.Array) -> bool:
    """ASCII values none of which starts or ends with whitespace: trimming and NFKC would change nothing.

    A vectorised look at the byte at each value's start and end offset. Any byte <= 0x20 (a
    superset of what ``utf8_trim_whitespace`` strips from ASCII) sends the column through the full
    cleaning; so does an empty value's neighbour, which is only ever a false alarm.
    """
    if not _all_ascii(text):
        return False
    offsets, data = _offsets_and_bytes(text)
    if offsets[-1] == offsets[0]:
        return True  # no characters at all
    first = np.take(data, offsets[:-1], mode="clip")
    last = np.take(data, offsets[1:] - 1, mode="clip")
    return not ((first <= 0x20).any() or (last <= 0x20).any())


def clean_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Strings trimmed, NFKC-normalised when not ASCII (full-width digits), empty -> null."""
    text = _as_array(column)
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        text = pc.cast(text, pa.string())
    if not _already_clean(text):
        text = pc.utf8_trim_whitespace(text)
        if not _all_ascii(text):
            text = pc.utf8_normalize(text, form="NFKC")
            text = pc.utf8_trim_whitespace(text)
    blank = pc.equal(text, "")
    if pc.any(blank).as_py():  # if_else over strings is slow: only when there is something to blank
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text


def _failures(text: pa.Array, values: pa.Array) -> tuple[int, list[str]]:
    bad = pc.and_(pc.is_valid(text), pc.is_null(values))
    failed = pc.sum(bad).as_py() or 0
    examples = pc.filter(text, bad).slice(0, 3).to_pylist() if failed else []
    return failed, [str(e) for e in examples]


def parse_dates(column: pa.ChunkedArray | pa.Array) -> Parsed:
    """Parse a date column to ``timestamp[s]``; unreadable values become null and are counted."""
    array = _as_array(column)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        if pa.types.is_timestamp(array.type) and array.type.tz is not None:
            array = array.cast(pa.timestamp(array.type.unit))
        values = array.cast(pa.timestamp("s"))
        return Parsed(values, 0, [], len(array) - array.null_count)
    encoded = _factorise(array)
    if encoded is not None:
        return _parse_dates_per_value(*encoded)
    text = _date_text(clean_text(array))
    non_empty = len(text) - text.null_count
    if not non_empty:
        return Parsed(pa.nulls(len(text), pa.timestamp("s")), 0, [], 0)
    fast = _fast_path(text, pc.drop_null(text).slice(0, _SAMPLE))
    if fast is not None:
        return Parsed(fast, 0, [], non_empty)
    values, note = _component_parse(text)
    failed, examples = _failures(text, values)
    return Parsed(values, failed, examples, non_empty, note)


def datetime64_ns(values: pa.Array) -> np.ndarray:
    """``timestamp[s]`` -> a writable numpy ``datetime64[ns]``, NaT where null.

    Integer arithmetic, about twice as fast as ``to_numpy().astype``; like numpy's unit cast it
    does not check for overflow (dates after 2262 wrap around).
    """
    nanos = pc.fill_null(pc.multiply(values.view(pa.int64()), 1_000_000_000), np.iinfo(np.int64).min)
    return nanos.to_numpy(zero_copy_only=False, writable=True).view("datetime64[ns]")


def _date_text(text: pa.Array) -> pa.Array:
    """Japanese date marks (2024年1月5日 10時30分) to separators."""
    if not _all_ascii(text):
        for mark, repl in (("年", "/"), ("月", "/"), ("日", " "), ("時", ":"), ("分", "")):
            text = pc.replace_substring(text, mark, repl)
        text = pc.utf8_trim_whitespace(text)
    return text


def _factorise(array: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
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


def _row_mask(per_value: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Per-distinct-value flags spread to rows (null rows: False)."""
    return np.append(per_value, False)[indices]


def _per_value_failures(text: pa.Array, values: pa.Array, indices: np.ndarray, counts: np.ndarray) -> tuple[int, list[str]]:
    """Row count and first three row-order examples of values that did not parse."""
    bad = pc.fill_null(pc.and_(pc.is_valid(text), pc.is_null(values)), False).to_numpy(zero_copy_only=False)
    failed = int(counts[bad].sum())
    if not failed:
        return 0, []
    first = indices[np.flatnonzero(_row_mask(bad, indices))[:3]]
    return failed, [str(e) for e in text.take(pa.array(first)).to_pylist()]


def _parse_dates_per_value(unique: pa.Array, indices: np.ndarray) -> Parsed:
    """``parse_dates`` over the distinct values, weighted by how many rows hold each."""
    text = _date_text(clean_text(unique))
    counts = np.bincount(indices[indices >= 0], minlength=len(unique))
    valid = pc.is_valid(text).to_numpy(zero_copy_only=False)
    non_empty = int(counts[valid].sum())
    if not non_empty:
        return Parsed(pa.nulls(len(indices), pa.timestamp("s")), 0, [], 0)
    take = pa.array(indices, mask=indices < 0)
    # the same sample the row-wise path probes: the first non-empty rows, in row order
    sample_rows = np.flatnonzero(_row_mask(valid, indices)[: _SAMPLE * 64])[:_SAMPLE]
    if len(sample_rows) < min(_SAMPLE, non_empty):
        sample_rows = np.flatnonzero(_row_mask(valid, indices))[:_SAMPLE]
    sample = text.take(pa.array(indices[sample_rows]))
    fast = _fast_path(text, sample)
    if fast is not None:
        return Parsed(fast.take(take), 0, [], non_empty)
    values, note = _component_parse(text, counts)
    failed, examples = _per_value_failures(text, values, indices, counts)
    return Parsed(values.take(take), failed, examples, non_empty, note)


def _fast_path(text: pa.Array, sample: pa.Array) -> pa.Array | None:
    """One strptime format that reads every value (the common case), else None.

    ``sample`` (the first non-empty values in row order) picks the candidate format.
    """
    for fmt in _FAST_FORMATS:
        probe = pc.strptime(sample, format=fmt, unit="s", error_is_null=True)
        if probe.null_count:
            continue
        values = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        if values.null_count != text.null_count or not _plausible_years(values):
            return None
        # strptime rolls 2025-02-30 over to March 2: values landing on day 1-3 are re-read strictly
        suspect = pc.fill_null(pc.less_equal(pc.day(values), 3), False)
        strict, _ = _component_parse(pc.filter(text, suspect))
        if not pc.all(pc.fill_null(pc.equal(strict, pc.filter(values, suspect)), False)).as_py():
            return None
        return values
    return None


def _plausible_years(values: pa.Array) -> bool:
    years = pc.year(values)
    low, high = pc.min(years).as_py(), pc.max(years).as_py()
    return low is None or (low >= 1900 and high <= 2100)


def _component_parse(text: pa.Array, weights: np.ndarray | None = None) -> tuple[pa.Array, str | None]:
    """Regex components, then the y/m/d order that reads the most rows (``weights``: rows per value)."""
    filled = pc.fill_null(text, "")
    parts = pc.extract_regex(filled, _DATE_PATTERN)
    compact = pc.extract_regex(filled, _COMPACT_PATTERN)

    def field(name: str) -> pa.Array:
        value = pc.struct_field(parts, name)
        if name in ("a", "b", "c"):
            value = pc.coalesce(value, pc.struct_field(compact, name))
        return value

    a, b, c = (_to_int(field(n)) for n in ("a", "b", "c"))
    hour, minute, second = (_to_int(field(n)) for n in ("h", "mi", "s"))
    ampm = pc.fill_null(pc.utf8_lower(pc.struct_field(parts, "ampm")), "").to_numpy(zero_copy_only=False)
    hour = np.where((ampm == "pm") & (hour >= 0) & (hour < 12), hour + 12, hour)
    hour = np.where((ampm == "am") & (hour == 12), 0, hour)
    clock = (np.maximum(hour, 0), np.maximum(minute, 0), np.maximum(second, 0))
    year_first = pc.fill_null(pc.utf8_length(field("a")), 0).to_numpy() == 4
    ymd = _build(a, b, c, clock)
    # day/month order for the other rows: the reading that parses every row wins
    mdy = _build(c, a, b, clock)
    dmy = _build(c, b, a, clock)
    rest = ~year_first
    rows = np.ones(len(rest), dtype=np.int64) if weights is None else weights
    mdy_ok = int(rows[~np.isnat(mdy) & rest].sum())
    dmy_ok = int(rows[~np.isnat(dmy) & rest].sum())
    day_first = dmy_ok > mdy_ok
    note = None
    if mdy_ok == dmy_ok and mdy_ok and bool(((a <= 12) & (b <= 12) & (a != b) & rest).any()):
        note = "day and month order is ambiguous; read as mm/dd/yyyy"
    values = np.where(year_first, ymd, dmy if day_first else mdy)
    return pa.array(values, pa.timestamp("s")), note


def _to_int(raw: pa.Array) -> np.ndarray:
    filled = pc.if_else(pc.equal(pc.fill_null(raw, ""), ""), None, raw)
    return pc.fill_null(pc.cast(filled, pa.int64()), -1).to_numpy()


def _build(year: np.ndarray, month: np.ndarray, day: np.ndarray, clock: tuple[np.ndarray, ...]) -> np.ndarray:
    """datetime64[s] from components; NaT where the date or time does not exist."""
    hour, minute, second = clock
    ok = (year >= 1900) & (year <= 2100) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    months = (np.where(ok, year, 1970) - 1970) * 12 + np.where(ok, month, 1) - 1
    start = months.astype("timedelta64[M]") + np.datetime64("1970-01", "M")
    days_in_month = (start + np.timedelta64(1, "M")).astype("datetime64[D]") - start.astype("datetime64[D]")
    ok &= day <= days_in_month.astype(np.int64)
    offset = (np.where(ok, day, 1) - 1) * 86400 + hour * 3600 + minute * 60 + second
    stamp = start.astype("datetime64[s]") + offset.astype("timedelta64[s]")
    return np.where(ok, stamp, np.datetime64("NaT", "s"))


def parse_numbers(column: pa.ChunkedArray | pa.Array) -> Parsed:
    """Parse amounts / counts to float64: ``1,234,000``, ``¥1,234,000``, ``$12,000.00``, ``１２３``."""
    array = _as_array(column)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return Parsed(array.cast(pa.float64()), 0, [], len(array) - array.null_count)
    encoded = _factorise(array)
    if encoded is not None:
        unique, indices = encoded
        text = clean_text(unique)
        counts = np.bincount(indices[indices >= 0], minlength=len(unique))
        non_empty = int(counts[pc.is_valid(text).to_numpy(zero_copy_only=False)].sum())
        if not non_empty:
            return Parsed(pa.nulls(len(indices), pa.float64()), 0, [], 0)
        values = _numbers(text)
        failed, examples = _per_value_failures(text, values, indices, counts)
        return Parsed(values.take(pa.array(indices, mask=indices < 0)), failed, examples, non_empty)
    text = clean_text(array)
    non_empty = len(text) - text.null_count
    if not non_empty:
        return Parsed(pa.nulls(len(text), pa.float64()), 0, [], 0)
    values = _numbers(text)
    failed, examples = _failures(text, values)
    return Parsed(values, failed, examples, non_empty)


def _numbers(text: pa.Array) -> pa.Array:
    # a backslash is the yen sign of Shift-JIS (0x5C) read as CP932
    stripped = pc.replace_substring_regex(text, r"[,\s¥$€£円\\]|JPY|USD|EUR", "")
    stripped = pc.replace_substring_regex(stripped, r"^\((.*)\)$", r"-\1")
    valid = pc.fill_null(pc.match_substring_regex(stripped, _NUMBER), False)
    return pc.cast(pc.if_else(valid, stripped, None), pa.float64())
