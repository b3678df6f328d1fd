"""Vectorised date parsing for the loader, over whole pyarrow columns.

Accepted: ISO, ``yyyy/mm/dd``, ``mm/dd/yyyy`` and ``dd/mm/yyyy``, ``yyyymmdd`` (text or integer),
``2024年1月5日``, Excel serial day numbers (``45678``, ``45678.5``), each with or without a time.

Day-first vs month-first is decided per column from the evidence: a value like ``13/01/2025``
proves day-first, ``01/13/2025`` month-first. A column where every value reads both ways is
*ambiguous*: it is returned read month-first with ``order_evidence == "ambiguous"``, and the loader
settles it from the other columns of the upload or asks the user; it is never guessed silently.
Years outside a window (default 1990-2100) are blanked and counted, never wrapped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tools.ingest.parsing import (
    Parsed,
    all_ascii,
    as_array,
    clean_text,
    factorise,
    failures,
    per_value_failures,
    row_mask,
)

DEFAULT_YEARS = (1990, 2100)
_SAMPLE = 2000
_YEAR_FIRST_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
)
_MONTH_FIRST_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S")
#: month names (Jan 5, 2025 / 5 Jan 2025 / 05-Jan-2025): the name says which part is the month
_MONTH_NAME_FORMATS = ("%b %d, %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%B %d, %Y", "%d %b %Y", "%d-%b-%Y",
                       "%d %B %Y", "%d %b %Y %H:%M")
_DATE_PATTERN = (
    r"^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp][Mm])?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_PATTERN = r"^(?P<a>\d{4})(?P<b>\d{2})(?P<c>\d{2})$"
_SERIAL_PATTERN = r"^\d{4,7}(\.\d+)?$"
#: Excel's 1900 date system: serial 61 is 1900-03-01 (the fake 1900-02-29 is serial 60)
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
_MAX_SERIAL = 2_958_465  # 9999-12-31
_DAY = 86_400


@dataclass(frozen=True)
class ParsedDates(Parsed):
    """A parsed date column: ``values`` are ``timestamp[s]``."""

    order_evidence: str | None = None  # mdy / dmy (proved), ambiguous, or None (no day/month question)
    out_of_range: int = 0  # values outside the year window, blanked
    out_of_range_examples: tuple[str, ...] = ()


def parse_dates(column: pa.ChunkedArray | pa.Array, *, order: str | None = None,
                years: tuple[int, int] = DEFAULT_YEARS) -> ParsedDates:
    """Parse a date column to ``timestamp[s]``; unreadable or out-of-range values become null and are counted.

    Args:
        column: the column as read (text, integers, floats or timestamps).
        order: ``"mdy"`` or ``"dmy"`` to read day/month-ambiguous values one way (None: decide from the data).
        years: the inclusive window of plausible years.
    """
    array = as_array(column)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        if pa.types.is_timestamp(array.type) and array.type.tz is not None:
            array = array.cast(pa.timestamp(array.type.unit))
        values = array.cast(pa.timestamp("s"), safe=False)
        return _windowed(ParsedDates(values, 0, [], len(array) - array.null_count), array, years)
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return _windowed(_parse_numbers_as_dates(array), array, years)
    encoded = factorise(array)
    if encoded is not None:
        unique, indices = encoded
        parsed = _parse_distinct(unique, indices, order)
    else:
        parsed = _parse_text(array, order)
    return _windowed(parsed, array, years)


def _parse_text(array: pa.Array, order: str | None) -> ParsedDates:
    text = _date_text(clean_text(array))
    non_empty = len(text) - text.null_count
    if not non_empty:
        return ParsedDates(pa.nulls(len(text), pa.timestamp("s")), 0, [], 0)
    fast = _fast_path(text, pc.drop_null(text).slice(0, _SAMPLE), order)
    if fast is not None:
        return ParsedDates(fast[0], 0, [], non_empty, order_evidence=fast[1])
    values, evidence = _component_parse(text, None, order)
    failed, examples = failures(text, values)
    return ParsedDates(values, failed, examples, non_empty, order_evidence=evidence)


def _parse_distinct(unique: pa.Array, indices: np.ndarray, order: str | None) -> ParsedDates:
    """``parse_dates`` over the distinct values, weighted by how many rows hold each."""
    text = _date_text(clean_text(unique))
    counts = np.bincount(indices[indices >= 0], minlength=len(unique))
    valid = pc.is_valid(text).to_numpy(zero_copy_only=False)
    non_empty = int(counts[valid].sum())
    if not non_empty:
        return ParsedDates(pa.nulls(len(indices), pa.timestamp("s")), 0, [], 0)
    take = pa.array(indices, mask=indices < 0)
    # the same sample the row-wise path probes: the first non-empty rows, in row order
    sample_rows = np.flatnonzero(row_mask(valid, indices)[: _SAMPLE * 64])[:_SAMPLE]
    if len(sample_rows) < min(_SAMPLE, non_empty):
        sample_rows = np.flatnonzero(row_mask(valid, indices))[:_SAMPLE]
    fast = _fast_path(text, text.take(pa.array(indices[sample_rows])), order)
    if fast is not None:
        return ParsedDates(fast[0].take(take), 0, [], non_empty, order_evidence=fast[1])
    values, evidence = _component_parse(text, counts, order)
    failed, examples = per_value_failures(text, values, indices, counts)
    return ParsedDates(values.take(take), failed, examples, non_empty, order_evidence=evidence)


def _fast_path(text: pa.Array, sample: pa.Array, order: str | None) -> tuple[pa.Array, str | None] | None:
    """One strptime format that reads every value (the common case), with its day/month evidence."""
    formats = _YEAR_FIRST_FORMATS + (_MONTH_FIRST_FORMATS if order != "dmy" else ()) + _MONTH_NAME_FORMATS
    for fmt in formats:
        probe = pc.strptime(sample, format=fmt, unit="s", error_is_null=True)
        if probe.null_count:
            continue
        values = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        if values.null_count != text.null_count:
            return None
        # strptime rolls 2025-02-30 over to March 2: values landing on day 1-3 are re-read strictly
        suspect = pc.fill_null(pc.less_equal(pc.day(values), 3), False)
        named = "%b" in fmt or "%B" in fmt  # a month name leaves no day/month question to re-read
        if not named and pc.any(suspect).as_py():
            strict, _ = _component_parse(pc.filter(text, suspect), None, "mdy")
            if not pc.all(pc.fill_null(pc.equal(strict, pc.filter(values, suspect)), False)).as_py():
                return None
        if fmt.startswith("%Y") or named:
            return values, None
        return values, _month_first_evidence(values, order)
    return None


def _month_first_evidence(values: pa.Array, order: str | None) -> str | None:
    """mm/dd values: a day above 12 proves month-first; all days <= 12 (and not all day == month) is ambiguous."""
    if order is not None:
        return order
    if (pc.max(pc.day(values)).as_py() or 0) > 12:
        return "mdy"
    same = pc.all(pc.fill_null(pc.equal(pc.day(values), pc.month(values)), True)).as_py()
    return None if same else "ambiguous"


def _date_text(text: pa.Array) -> pa.Array:
    """Japanese date marks (2024年1月5日 10時30分) to separators."""
    if not all_ascii(text):
        for mark, repl in (("年", "/"), ("月", "/"), ("日", " "), ("時", ":"), ("分", "")):
            text = pc.replace_substring(text, mark, repl)
        text = pc.utf8_trim_whitespace(text)
    return text


def _component_parse(text: pa.Array, weights: np.ndarray | None, order: str | None) -> tuple[pa.Array, str | None]:
    """Regex components, then the day/month order the evidence supports (``weights``: rows per value)."""
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
    mdy = _build(c, a, b, clock)
    dmy = _build(c, b, a, clock)
    rest = ~year_first & (a >= 0)
    rows = np.ones(len(rest), dtype=np.int64) if weights is None else weights
    evidence: str | None = order
    if order is None:
        mdy_ok = int(rows[~np.isnat(mdy) & rest].sum())
        dmy_ok = int(rows[~np.isnat(dmy) & rest].sum())
        if mdy_ok != dmy_ok:
            evidence = "mdy" if mdy_ok > dmy_ok else "dmy"
        elif mdy_ok and bool(((a <= 12) & (b <= 12) & (a != b) & rest).any()):
            evidence = "ambiguous"
    values = np.where(year_first, ymd, dmy if evidence == "dmy" else mdy)
    serial = pc.fill_null(pc.match_substring_regex(filled, _SERIAL_PATTERN), False).to_numpy(zero_copy_only=False)
    if serial.any():
        numbers = pc.cast(pc.if_else(pa.array(serial), filled, None), pa.float64()).to_numpy(zero_copy_only=False)
        from_serial = _from_serial(numbers)
        values = np.where(serial & np.isnat(values), from_serial, values)
    return pa.array(values, pa.timestamp("s")), evidence


def _to_int(raw: pa.Array) -> np.ndarray:
    filled = pc.if_else(pc.equal(pc.fill_null(raw, ""), ""), None, raw)
    return pc.fill_null(pc.cast(filled, pa.int64()), -1).to_numpy()


def _build(year: np.ndarray, month: np.ndarray, day: np.ndarray, clock: tuple[np.ndarray, ...]) -> np.ndarray:
    """datetime64[s] from components; NaT where the date or time does not exist (years 1000-9999)."""
    hour, minute, second = clock
    ok = (year >= 1000) & (year <= 9999) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    months = (np.where(ok, year, 1970) - 1970) * 12 + np.where(ok, month, 1) - 1
    start = months.astype("timedelta64[M]") + np.datetime64("1970-01", "M")
    days_in_month = (start + np.timedelta64(1, "M")).astype("datetime64[D]") - start.astype("datetime64[D]")
    ok &= day <= days_in_month.astype(np.int64)
    offset = (np.where(ok, day, 1) - 1) * _DAY + hour * 3600 + minute * 60 + second
    stamp = start.astype("datetime64[s]") + offset.astype("timedelta64[s]")
    return np.where(ok, stamp, np.datetime64("NaT", "s"))


def _from_serial(serial: np.ndarray) -> np.ndarray:
    """Excel serial day numbers (fraction = time of day) -> datetime64[s]; NaT outside 61..9999-12-31."""
    ok = np.isfinite(serial) & (serial >= 61) & (serial <= _MAX_SERIAL)
    seconds = np.round(np.where(ok, serial, 0) * _DAY).astype(np.int64)
    return np.where(ok, _EXCEL_EPOCH + seconds.astype("timedelta64[s]"), np.datetime64("NaT", "s"))


def _parse_numbers_as_dates(array: pa.Array) -> ParsedDates:
    """Integers ``20250105`` (yyyymmdd) or Excel serials (``45662``, ``45662.375``)."""
    numbers = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
    present = ~np.isnan(numbers)
    whole = present & (numbers == np.floor(np.where(present, numbers, 0)))
    compact = whole & (numbers >= 10_000_000) & (numbers <= 99_991_231)
    n = np.where(compact, numbers, 0).astype(np.int64)
    none = np.zeros(len(n), dtype=np.int64)
    ymd = _build(n // 10_000, n // 100 % 100, n % 100, (none, none, none))
    values = np.where(compact, ymd, _from_serial(np.where(compact, np.nan, numbers)))
    bad = present & np.isnat(values)
    examples = [f"{v:g}" for v in numbers[bad][:3]]
    return ParsedDates(pa.array(values, pa.timestamp("s")), int(bad.sum()), examples, int(present.sum()))


def _seconds(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A ``timestamp[s]`` array as numpy int64 seconds (a view of its buffer) and its validity."""
    data = values.buffers()[1]
    if data is None:
        return np.zeros(len(values), np.int64), np.zeros(len(values), dtype=bool)
    seconds = np.frombuffer(data, np.int64, len(values), values.offset * 8)
    if not values.null_count:
        return seconds, np.ones(len(values), dtype=bool)
    bits = np.unpackbits(np.frombuffer(values.buffers()[0], np.uint8), bitorder="little")  # the validity bitmap
    return seconds, bits[values.offset: values.offset + len(values)].view(bool)


def _windowed(parsed: ParsedDates, source: pa.Array, years: tuple[int, int]) -> ParsedDates:
    """Blank (and count) dates outside the year window: never wrapped, never kept."""
    values = parsed.values
    if not len(values) or values.null_count == len(values):
        return parsed
    seconds, valid = _seconds(values)
    low = np.datetime64(f"{years[0]:04d}-01-01", "s").astype(np.int64)
    high = np.datetime64(f"{years[1] + 1:04d}-01-01", "s").astype(np.int64)
    outside = valid & ((seconds < low) | (seconds >= high))
    if not outside.any():
        return parsed
    count = int(outside.sum())
    shown = [str(v).removesuffix(" 00:00:00")  # a timestamp column's value, shown as its export wrote it
             for v in pc.cast(source.filter(pa.array(outside)).slice(0, 3), pa.string()).to_pylist()]
    kept = pc.if_else(pa.array(~outside), values, pa.scalar(None, pa.timestamp("s")))
    return ParsedDates(kept, parsed.failed, parsed.examples, parsed.non_empty, parsed.note,
                       order_evidence=parsed.order_evidence, out_of_range=count,
                       out_of_range_examples=tuple(shown))


def datetime64_ns(values: pa.Array) -> np.ndarray:
    """``timestamp[s]`` (already within the year window) -> a writable numpy ``datetime64[ns]``, NaT where null.

    One numpy pass over the buffer. The window keeps every value inside datetime64[ns]'s range
    (1677-2262), so the multiplication cannot overflow; anything outside it is blanked here as a
    last guard instead of wrapping around.
    """
    seconds, valid = _seconds(values)
    valid = valid & (seconds >= -9_223_372_036) & (seconds <= 9_223_372_036)
    nanos = np.where(valid, seconds * 1_000_000_000, np.iinfo(np.int64).min)
    return nanos.view("datetime64[ns]")


def is_date_only(values: pa.Array) -> bool:
    """Every value is at midnight: the column carries dates without a time of day."""
    seconds, valid = _seconds(values)
    return bool(valid.any()) and not bool(np.any(seconds[valid] % _DAY))
