"""Load CRM exports (CSV / XLSX, any supported dialect) into the canonical table of SPEC §3.

``load_exports`` sniffs each file, maps its headers (synonyms, then user overrides), parses the
columns it needs with vectorised kernels, validates the whole upload at once, joins files that
share an id (Salesforce leads + opportunities, HubSpot contacts + deals) and ends with
``tools.dataset.from_canonical`` (dtypes + stage-reach flags).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tools.dataset import LoadedData, SourceFile, from_canonical
from tools.errors import MappingError, RevOpsInputError
from tools.ingest.dialects import (
    MAPPABLE_KEYS,
    FileMapping,
    map_categories,
    match_headers,
    normalise_name,
    overall_dialect,
    phase_of,
    segment_of,
    yes_no_of,
)
from tools.ingest.joining import ParsedFile, combine
from tools.ingest.parsing import clean_text, datetime64_ns, parse_dates, parse_numbers
from tools.ingest.reading import Sniffed, read_table, sniff
from tools.ingest.validation import (
    Problems,
    check_dates,
    check_malformed,
    check_numbers,
    check_stage_order,
    check_unrecognised,
    drop_duplicates,
    drop_unusable,
    missing_column,
    no_data_rows,
    no_usable_rows,
)
from tools.schema import CREATED_COLUMN, DATE_COLUMNS, ID_COLUMN

_DATE_KEYS = set(DATE_COLUMNS) | {"close_date"}
_NUMBER_KEYS = {"amount", "employee_count"}
#: Categorical keys: how each value is normalised, and the warning for values it does not recognise.
_CATEGORY_KEYS: dict[str, tuple[Callable[[str], str | None], str | None, str]] = {
    "stage": (phase_of, "unknown_stage", "a stage or status"),
    "status": (phase_of, "unknown_stage", "a stage or status"),
    "icp_fit": (yes_no_of, "unknown_yes_no", "a yes/no value"),
    "segment": (segment_of, None, ""),
}
# categorical columns are read as dictionaries: cleaning and mapping then run once per distinct value
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_UNREADABLE_CREATED = "_unreadable_created"


def parse_mapping_overrides(items: Sequence[str], mapping_file: Path | None = None) -> dict[str, str]:
    """``["amount=Deal Value", ...]`` and/or a JSON file ``{"amount": "Deal Value"}`` -> dict.

    Command-line items win over the file. Unknown canonical names raise ``MappingError``.
    """
    overrides: dict[str, str] = {}
    if mapping_file is not None:
        overrides.update(_read_mapping_file(Path(mapping_file)))
    for item in items:
        key, sep, column = item.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise MappingError(f"'{item}' is not canonical=Column", hint='Write it like --map record_id="Lead ID"')
        overrides[key.strip()] = column.strip().strip('"').strip("'")
    unknown = sorted(k for k in overrides if k not in MAPPABLE_KEYS)
    if unknown:
        raise MappingError(f"unknown canonical column {', '.join(repr(k) for k in unknown)}",
                           hint=f"Valid names: {', '.join(MAPPABLE_KEYS)}")
    return overrides


def _read_mapping_file(path: Path) -> dict[str, str]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError("mapping file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MappingError(f"the mapping file is not valid JSON ({err})", file=path.name,
                           hint='Write it like {"record_id": "Lead ID", "created_date": "Created"}') from None
    if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
        raise MappingError("the mapping file must be one JSON object of canonical name -> column name",
                           file=path.name, hint='Write it like {"record_id": "Lead ID"}')
    return {str(k): v for k, v in payload.items()}


def load_exports(paths: Iterable[Path | str], overrides: dict[str, str] | None = None) -> LoadedData:
    """Load one or more exports into ``LoadedData``; bad input raises ``RevOpsInputError``."""
    files = [Path(p) for p in paths]
    if not files:
        raise RevOpsInputError("no files given", hint="Pass at least one CSV or XLSX export")
    overrides = dict(overrides or {})
    problems = Problems()
    parsed: list[ParsedFile] = []
    headers_seen: list[str] = []
    for path in files:
        try:
            sniffed = sniff(path)
        except RevOpsInputError as err:
            problems.add(err)
            continue
        headers_seen.extend(sniffed.headers)
        result = _parse_file(sniffed, overrides, problems)
        if result is not None:
            parsed.append(result)
    _check_overrides_used(overrides, headers_seen, problems, files)
    problems.raise_if_fatal()
    names = [p.sniffed.name for p in parsed]
    frame = combine(parsed, problems)
    if len(parsed) > 1:
        frame = drop_duplicates(problems, frame, "across files")
    if frame.empty:
        raise no_usable_rows(names)
    check_stage_order(problems, frame)
    dialect = overall_dialect([p.mapping.dialect for p in parsed], [p.mapping.role for p in parsed])
    loaded = from_canonical(frame, data_quality=problems.issues, mapping=_report_mapping(parsed), dialect=dialect)
    # the files last: their hashes run on worker threads while the stage flags above are derived
    loaded.files = [
        SourceFile(p.sniffed.name, p.mapping.dialect, p.sniffed.encoding, p.rows, p.sniffed.sha256,
                   dict(p.mapping.columns))
        for p in parsed
    ]
    return loaded


def _check_overrides_used(overrides: dict[str, str], headers: list[str], problems: Problems,
                          files: list[Path]) -> None:
    found = {normalise_name(h) for h in headers}
    for key, column in overrides.items():
        if headers and normalise_name(column) not in found:
            shown = ", ".join(repr(h) for h in dict.fromkeys(headers) if h)
            problems.add(MappingError(f"--map {key}: no column named '{column}'",
                                      file=", ".join(p.name for p in files),
                                      hint=f"Columns found: {shown[:600]}"))


def _parse_file(sniffed: Sniffed, overrides: dict[str, str], problems: Problems) -> ParsedFile | None:
    mapping = match_headers(sniffed.headers, overrides)
    columns = mapping.columns
    id_key = "opportunity_id" if mapping.role == "opportunities" else ID_COLUMN
    missing = [k for k, present in ((ID_COLUMN, id_key in columns), (CREATED_COLUMN, CREATED_COLUMN in columns))
               if not present]
    for key in missing:
        problems.add(missing_column(sniffed.name, key, sniffed.headers))
    if missing:
        return None
    wanted = {h: _read_type(k) for k, h in columns.items()}
    table, bad, lines = read_table(sniffed, wanted)
    check_malformed(problems, sniffed.name, bad, lines, table.num_rows)
    if table.num_rows == 0:
        if not bad:
            problems.add(no_data_rows(sniffed.name))
        return None
    data: dict[str, object] = {}
    ok = True
    for parsed, found, column_ok in _parse_columns(columns, table, sniffed.name):
        data.update(parsed)
        problems.merge(found)
        ok &= column_ok
    if not ok:
        return None
    sniffed.hash_in_background()  # overlaps the single-threaded rest of the load
    frame = _assemble(data, mapping, table.num_rows)
    unreadable = frame.pop(_UNREADABLE_CREATED) if _UNREADABLE_CREATED in frame else None
    id_label = "opportunity id" if mapping.role == "opportunities" else "record id"
    frame = drop_unusable(problems, frame, sniffed.name, id_label, id_key, unreadable)
    return ParsedFile(sniffed, mapping, frame, table.num_rows)


def _parse_columns(columns: dict[str, str], table: pa.Table,
                   file: str) -> list[tuple[dict[str, object], Problems, bool]]:
    """Parse every mapped column, two at a time, each with its own problems; results in column order.

    The kernels (pyarrow compute, numpy) release the GIL, so the second core, idle once the
    reader's threads are done, takes half the columns.
    """
    def parse(item: tuple[str, str]) -> tuple[dict[str, object], Problems, bool]:
        key, header = item
        data: dict[str, object] = {}
        found = Problems()
        ok = _parse_column(data, key, header, table.column(header), file, found)
        return data, found, ok

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="columns") as pool:
        return list(pool.map(parse, columns.items()))


def _parse_column(data: dict[str, object], key: str, header: str, column: pa.ChunkedArray, file: str,
                  problems: Problems) -> bool:
    if key in _DATE_KEYS:
        parsed = parse_dates(column)
        data[key] = datetime64_ns(parsed.values)
        if key == CREATED_COLUMN and parsed.failed:
            text = clean_text(column)
            data[_UNREADABLE_CREATED] = pc.is_valid(text).to_numpy(zero_copy_only=False) & pd.isna(data[key])
        return check_dates(problems, file, header, key, parsed)
    if key in _NUMBER_KEYS:
        parsed = parse_numbers(column)
        values = parsed.values.to_numpy(zero_copy_only=False)
        negative = values < 0  # NaN (empty) compares False
        negatives = int(negative.sum())
        examples = [f"{v:,.2f}".rstrip("0").rstrip(".") for v in values[negative][:3]]
        data[key] = np.where(negative, np.nan, values)
        return check_numbers(problems, file, header, key, parsed, negatives, examples)
    if key in _CATEGORY_KEYS:
        convert, code, what = _CATEGORY_KEYS[key]
        mapped = map_categories(column, convert)
        if code is not None:
            check_unrecognised(problems, file, header, code, what, mapped.unrecognised, mapped.examples)
        data[key] = mapped.values.to_pandas()
        return True
    data[key] = clean_text(column).to_pandas()
    return True


def _read_type(key: str) -> pa.DataType | None:
    """The type the CSV reader gives a column: inferred (dates, numbers), dictionary or string."""
    if key in _DATE_KEYS or key in _NUMBER_KEYS:
        return None
    return _DICTIONARY if key in _CATEGORY_KEYS else pa.string()


def _assemble(data: dict[str, object], mapping: FileMapping, rows: int) -> pd.DataFrame:
    """Build the file's frame: phase from stage/status, won/lost dates from stage + close date."""
    # the arrays are the loader's own (writable, unshared): no copy into consolidated blocks
    frame = pd.DataFrame(data, index=pd.RangeIndex(rows), copy=False)
    if "stage" in frame or "status" in frame:
        stage = frame.pop("stage") if "stage" in frame else None
        status = frame.pop("status") if "status" in frame else None
        frame["phase"] = stage.fillna(status) if stage is not None and status is not None else (
            stage if stage is not None else status)
    if "close_date" in frame:
        # without a stage, a close date cannot say won or lost (it may be an expected date)
        close = frame.pop("close_date")
        phase = frame["phase"] if "phase" in frame else pd.Series("", index=frame.index)
        for outcome in ("won", "lost"):
            column = f"{outcome}_date"
            from_close = close.where(phase.eq(outcome).fillna(False).astype(bool))
            frame[column] = frame[column].fillna(from_close) if column in frame else from_close
    if mapping.role == "opportunities":
        created = frame[CREATED_COLUMN]
        frame["opportunity_date"] = frame["opportunity_date"].fillna(created) if "opportunity_date" in frame else created
    if "contact_id" in frame and frame["contact_id"].notna().any():
        # HubSpot lists several associated contacts as "101;102": the first is the journey's
        frame["contact_id"] = frame["contact_id"].str.split(";").str[0].str.strip()
    return frame


def _report_mapping(parsed: list[ParsedFile]) -> dict[str, str]:
    """canonical -> "Column" (one file) or "file: Column; file: Column" (several)."""
    several = len(parsed) > 1
    joined = {p.mapping.role for p in parsed} == {"leads", "opportunities"}
    mapping: dict[str, list[str]] = {}
    for p in parsed:
        for key, header in p.mapping.columns.items():
            if key == CREATED_COLUMN and joined and p.mapping.role == "opportunities":
                key = "opportunity_date"
            elif key in ("stage", "status"):
                key = "phase"
            elif key == "close_date":
                key = "won_date/lost_date"
            mapping.setdefault(key, []).append(f"{p.sniffed.name}: {header}" if several else header)
    return {k: "; ".join(v) for k, v in mapping.items()}
