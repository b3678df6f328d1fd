"""Read one uploaded file (CSV or XLSX) into a pyarrow table, with encoding and delimiter detection.

Reading happens in two steps so the loader can choose column types from the header mapping:
``sniff`` maps the file's bytes, detects format/encoding/delimiter and the header row; ``read_table``
parses the data with pyarrow's multi-threaded CSV reader (ids and dimensions as strings, the rest
type-inferred so ISO dates and plain numbers arrive already parsed).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import mmap
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from tools.errors import DataQualityIssue, EmptyFileError, UnreadableFileError, shorten
from tools.ingest.workbook import header_row, read_first_sheet

_HEAD_BYTES = 65536
_SAMPLE_BYTES = 1 << 18  # the first 256 KB of rows: what roles and value kinds are judged on
_SAMPLE_ROWS = 2000
_MAX_NUL_SHARE = 0.01  # more NUL bytes than this and the file is binary, not text with a stray NUL
_EXPORT_HINT = "Export the report again as CSV (UTF-8 or Shift-JIS) or XLSX and upload that file"
_BOM = b"\xef\xbb\xbf"

#: A file's bytes: memory-mapped (no copy of a big export), or ``bytes`` (empty/special files, transcoded text).
FileBytes = bytes | mmap.mmap


@dataclass
class Sniffed:
    """What the first look at a file found."""

    name: str
    data: FileBytes  # UTF-8 CSV bytes (transcoded when needed); empty for XLSX
    encoding: str
    raw: FileBytes = field(repr=False)  # the file's bytes as uploaded (what ``sha256`` hashes)
    headers: list[str] = field(default_factory=list)
    delimiter: str = ","
    xlsx_rows: list[list[str | None]] | None = None
    issues: list[DataQualityIssue] = field(default_factory=list)  # noticed while reading (NUL bytes, ...)
    data_start: int = 0  # byte offset of the header row in ``data`` (after a report's title rows)
    _digest: Future[str] | None = field(default=None, repr=False)
    _sample: pa.Table | None = field(default=None, repr=False)

    @property
    def sample(self) -> pa.Table:
        """The first rows, every column as text (``unique_headers`` names): for roles and value kinds."""
        if self._sample is None:
            self._sample = _sample_table(self)
        return self._sample

    def hash_in_background(self) -> None:
        """Start hashing the file's bytes on a worker thread (hashlib releases the GIL on large buffers).

        The loader calls this once the parallel work (pyarrow's reader threads, the column
        parsing) is done, so the hash overlaps the single-threaded rest instead of competing.
        """
        if self._digest is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
            self._digest = pool.submit(lambda: hashlib.sha256(self.raw).hexdigest())
            pool.shutdown(wait=False)  # the submitted hash still runs to the end

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (started on first use unless already running)."""
        self.hash_in_background()
        assert self._digest is not None
        return self._digest.result()


def _map_file(path: Path) -> FileBytes:
    """The file's bytes, memory-mapped: the page cache is read in place instead of copied."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return file.read()  # empty, or a special file whose size is unknown
        try:
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system without mmap support
            return file.read()


def _is_ascii(raw: FileBytes) -> bool:
    """Every byte < 0x80 (one vectorised pass, no copy of a mapped file)."""
    return len(raw) == 0 or int(np.frombuffer(raw, np.uint8).max()) < 0x80


def _is_blank(raw: FileBytes, head: bytes) -> bool:
    """Nothing but whitespace (``bytes.isspace``) or nothing at all; ``head`` is the start of ``raw``."""
    if not raw:
        return True
    if not head.isspace():
        return False
    return len(head) == len(raw) or bytes(raw).isspace()


def sniff(path: Path) -> Sniffed:
    """Read ``path``, detect XLSX / encoding / delimiter and return the header row."""
    name = path.name
    try:
        raw = _map_file(path)
    except FileNotFoundError:
        raise UnreadableFileError("file not found", file=str(path), hint="Check the path") from None
    except OSError as err:
        raise UnreadableFileError(f"the file cannot be read ({err.strerror})", file=str(path)) from None
    start = raw[:_HEAD_BYTES]
    if _is_blank(raw, start):
        raise EmptyFileError("the file is empty", file=name, hint="Export the report again with its header row and data")
    if start.startswith(b"PK\x03\x04"):
        sheet = read_first_sheet(name, raw)
        return Sniffed(name, b"", "xlsx", raw, sheet.headers, xlsx_rows=sheet.rows, issues=sheet.issues)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError("this is a legacy Excel .xls file, which is not supported", file=name,
                                  hint="Save it as .xlsx or CSV and upload that file")
    issues: list[DataQualityIssue] = []
    source = raw
    utf16 = start.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and _control_share(start[:8192]) > _MAX_NUL_SHARE:
        raise UnreadableFileError("this is not a CSV or XLSX file (it contains binary data)", file=name,
                                  hint=_EXPORT_HINT)
    if not utf16 and raw.find(b"\x00") >= 0:
        source, issue = _without_nul_bytes(name, raw)
        issues.append(issue)
        start = source[:_HEAD_BYTES]
    text, encoding = _decode(name, source, start)
    # the raw bytes never start with a BOM here (that file's label is utf-8-sig, and it is transcoded)
    data = source if encoding == "utf-8" else text.encode("utf-8").removeprefix(_BOM)
    head = text.lstrip("\ufeff")[:_HEAD_BYTES]
    lines = head.split("\n", 20)[:20]
    delimiter = max((",", "\t", ";"), key=lambda d: max(line.count(d) for line in lines))
    try:
        first_rows = list(itertools.islice(csv.reader(io.StringIO(head), delimiter=delimiter), 20))
    except csv.Error:
        first_rows = []
    titles = header_row([sum(1 for v in row if v.strip()) for row in first_rows]) if len(first_rows) > 1 else 0
    headers = [h.strip() for h in first_rows[titles]] if first_rows else []
    if not any(headers):
        raise EmptyFileError("the first row is blank, so there is no header row", file=name, hint=_EXPORT_HINT)
    header_at = 0
    if titles:  # a report title above the header: the data start at the header's line
        for _ in range(titles):
            header_at = data.find(b"\n", header_at) + 1
        issues.append(DataQualityIssue(
            "title_rows", f"{name}: {titles} row{'s' if titles != 1 else ''} above the header (a report title) "
            f"{'was' if titles == 1 else 'were'} skipped", titles))
    return Sniffed(name, data, encoding, raw, headers, delimiter, issues=issues, data_start=header_at)


_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[*range(1, 9), *range(14, 27), *range(28, 32)]] = True  # not TAB, LF, CR, FF, ESC, NUL


def _control_share(head: bytes) -> float:
    """Share of control bytes no text export contains (binary files are full of them)."""
    if not head:
        return 0.0
    return float(_CONTROL[np.frombuffer(head, np.uint8)].mean())


def _without_nul_bytes(name: str, raw: FileBytes) -> tuple[bytes, DataQualityIssue]:
    """The bytes without NUL (a stray NUL costs a warning); many NULs mean a binary file."""
    array = np.frombuffer(raw, np.uint8)
    where = np.flatnonzero(array == 0)
    if len(where) > max(_MAX_NUL_SHARE * len(array), 8):
        raise UnreadableFileError("this is not a CSV or XLSX file (it contains binary data)", file=name,
                                  hint=_EXPORT_HINT)
    newlines = np.flatnonzero(array == 0x0A)
    lines = len(np.unique(np.searchsorted(newlines, where)))
    issue = DataQualityIssue(
        "nul_bytes", f"{name}: {len(where)} NUL byte{'s' if len(where) != 1 else ''} (a byte of value 0, not "
        f"text) on {lines} line{'s' if lines != 1 else ''} {'was' if len(where) == 1 else 'were'} removed", lines)
    return bytes(raw).replace(b"\x00", b""), issue


def _decode(name: str, raw: FileBytes, start: bytes) -> tuple[str, str]:
    """Text and encoding label: UTF-8, UTF-8 with BOM, UTF-16 with BOM or CP932.

    ``start`` is the head of ``raw``. An ASCII file is not decoded: only its head is returned as text
    (the header row); the bytes themselves are the CSV data.
    """
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return str(raw, "utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if _is_ascii(raw):
        return start.decode("ascii"), "utf-8"
    for encoding, label in (("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")):
        try:
            text = str(raw, encoding)
        except UnicodeDecodeError:
            continue
        if label == "utf-8-sig" and not start.startswith(_BOM):
            label = "utf-8"
        return text, label
    raise UnreadableFileError("the file is not UTF-8, UTF-8 with BOM or CP932 (Shift-JIS) text", file=name,
                              hint="Save it again as CSV UTF-8 from Excel or your CRM")


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique (``Amount``, ``Amount (2)``) so every column can be addressed."""
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        name = header or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def read_table(sniffed: Sniffed, wanted: dict[str, pa.DataType | None]) -> tuple[pa.Table, int, list[str]]:
    """Parse the data rows of ``wanted`` columns (header -> forced type, None = infer).

    Returns the table, the number of data rows with the wrong number of fields (skipped) and the
    text of a few of them.
    """
    names = unique_headers(sniffed.headers)
    if sniffed.xlsx_rows is not None:
        return _xlsx_table(sniffed, names, wanted), 0, []
    bad_rows: list[str] = []

    def skip(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row.text)
        return "skip"

    def read(column_types: dict[str, pa.DataType], newlines_in_values: bool) -> pa.Table:
        bad_rows.clear()
        return pacsv.read_csv(
            pa.BufferReader(_from_header(sniffed)),  # zero-copy; a BytesIO goes through Python file calls
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sniffed.delimiter, invalid_row_handler=skip,
                                             newlines_in_values=newlines_in_values),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types, include_columns=list(wanted), null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
                # sniff already proved the bytes UTF-8 (ASCII, decoded, or transcoded by Python), and
                # a field boundary never splits a multi-byte character: no second check per value
                check_utf8=False),
        )

    types = {k: v for k, v in wanted.items() if v is not None}
    newlines = False

    def read_retrying(column_types: dict[str, pa.DataType]) -> pa.Table:
        nonlocal newlines
        table = read(column_types, newlines)
        if bad_rows and not newlines and sniffed.data.find(b'"') >= 0:
            # quoted values with line breaks (notes fields) break the fast parallel split
            newlines = True
            table = read(column_types, newlines)
        return table

    try:
        table = read_retrying(types)
    except pa.ArrowException:
        # type inference tripped (e.g. a number column with a stray text value): read text only
        try:
            table = read_retrying({k: pa.string() for k in wanted})
        except pa.ArrowException as err:
            raise UnreadableFileError(f"this is not a readable CSV file ({shorten(str(err).splitlines()[0])})",
                                      file=sniffed.name, hint=_EXPORT_HINT) from None
    return table, len(bad_rows), [shorten(r, 60) for r in bad_rows[:3]]


def _xlsx_table(sniffed: Sniffed, names: list[str], wanted: dict[str, pa.DataType | None]) -> pa.Table:
    rows = sniffed.xlsx_rows or []
    columns = {}
    for name in wanted:
        i = names.index(name)
        columns[name] = pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
    return pa.table(columns) if columns else pa.table({"_": pa.nulls(len(rows))}).drop(["_"])


def _from_header(sniffed: Sniffed) -> FileBytes | memoryview:
    """The CSV bytes from the header row on (a zero-copy view past any title rows)."""
    return sniffed.data if not sniffed.data_start else memoryview(sniffed.data)[sniffed.data_start:]


def _sample_table(sniffed: Sniffed) -> pa.Table:
    """Up to ``_SAMPLE_ROWS`` first data rows, all columns as strings."""
    names = unique_headers(sniffed.headers)
    if sniffed.xlsx_rows is not None:
        rows = sniffed.xlsx_rows[:_SAMPLE_ROWS]
        return pa.table({n: pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
                         for i, n in enumerate(names)})
    head = bytes(sniffed.data[sniffed.data_start: sniffed.data_start + _SAMPLE_BYTES])
    if len(sniffed.data) - sniffed.data_start > _SAMPLE_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(head),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sniffed.delimiter, newlines_in_values=True,
                                             invalid_row_handler=lambda row: "skip"),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True))
    except pa.ArrowException:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return table.slice(0, _SAMPLE_ROWS)
