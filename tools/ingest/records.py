"""Parse one file of records (leads or opportunities) into a frame of canonical and link columns.

Each mapped column is parsed with vectorised kernels, two columns at a time; the file's frame
then gets its phase (stage / status / won and closed flags), won and lost dates (a close or
decision date with the outcome), and its start date: an opportunity starts at its own date, a
lead file without a created date at its earliest stage date. Rows without a date are kept
(undated: they count in the funnel snapshot, not in trends); rows without an id are dropped and
counted.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from tools.ingest.currency import amount_currency
from tools.ingest.dates import ParsedDates, datetime64_ns, is_date_only, parse_dates
from tools.ingest.dialects import FileMapping, map_categories, phase_of, segment_of, yes_no_of
from tools.ingest.extras import extra_columns
from tools.ingest.options import LoadOptions
from tools.ingest.parsing import clean_text, parse_numbers
from tools.ingest.problems import Problems
from tools.ingest.reading import Sniffed
from tools.ingest.staging import StagedFile
from tools.ingest.validation import (
    check_dates,
    check_malformed,
    check_numbers,
    check_unrecognised,
    drop_unusable,
    missing_column,
    no_data_rows,
)
from tools.ingest.vocabulary import LEAD_PHASES
from tools.load_report import ExtraDimension
from tools.schema import CREATED_COLUMN, DATE_COLUMNS, ID_COLUMN

#: pyarrow strings become pandas' pyarrow-backed strings (the dtype of every canonical text column)
_STRINGS = {pa.string(): pd.StringDtype("pyarrow")}

DATE_KEYS = frozenset(DATE_COLUMNS) | {"close_date", "decision_date"}
_NUMBER_KEYS = {"amount", "employee_count"}
_FLAG_KEYS = {"icp_fit", "won_flag", "closed_flag", "converted_flag"}
#: Categorical keys: how each value is normalised, and the warning for values it does not recognise.
_CATEGORY_KEYS: dict[str, tuple[Callable[[str], str | None], str | None, str]] = {
    "stage": (phase_of, "unknown_stage", "a stage or status"),
    "status": (phase_of, "unknown_stage", "a stage or status"),
    **{k: (yes_no_of, "unknown_yes_no", "a yes/no value") for k in _FLAG_KEYS},
    "segment": (segment_of, None, ""),
}
#: Stage dates a lead file may start from when it has no created date, in funnel order.
_START_CANDIDATES = ("mql_date", "sql_date", "opportunity_date", "won_date", "lost_date", "first_touch_date")


@dataclass
class DateColumn:
    """What parsing one date column found (for the upload-wide day/month decision and notes)."""

    key: str
    header: str
    evidence: str | None
    date_only: bool
    raw: pa.ChunkedArray | None = field(repr=False)  # an ambiguous column's text, until its order is settled


@dataclass
class RecordFile:
    """One file of records: its parsed columns, then (``finish_records``) its frame."""

    sniffed: Sniffed
    mapping: FileMapping
    data: dict[str, object]
    rows: int
    dates: list[DateColumn] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    start_from: str | None = None  # the column the start date was taken from, when not a created date
    currency: str | None = None  # what the amount column's signs, codes or header say (tools.ingest.currency)
    #: the file's own categorical columns kept as dimensions (``tools.ingest.extras``)
    extras: list[ExtraDimension] = field(default_factory=list)


def read_records(staged: StagedFile, options: LoadOptions, problems: Problems) -> RecordFile | None:
    """Parse the columns of a leads or opportunities file; None when it is unusable (problems say why).

    The frame is built by ``finish_records`` once the upload's date orders are settled.
    """
    sniffed, mapping = staged.sniffed, staged.mapping
    columns = mapping.columns
    id_key = "opportunity_id" if mapping.role == "opportunities" else ID_COLUMN
    if id_key not in columns:
        problems.add(missing_column(sniffed.name, ID_COLUMN, sniffed.headers))
        return None
    table, bad, lines = staged.table()
    check_malformed(problems, sniffed.name, bad, lines, table.num_rows)
    if table.num_rows == 0:
        if not bad:
            problems.add(no_data_rows(sniffed.name))
        return None
    data: dict[str, object] = {}
    dates: list[DateColumn] = []
    ok = True
    for parsed, found, column_ok, date in _parse_columns(columns, table, sniffed.name, options):
        data.update(parsed)
        problems.merge(found)
        ok &= column_ok
        if date is not None:
            dates.append(date)
    if not ok:
        return None
    extras = []
    for column in extra_columns(mapping.unused, table, set()):
        data[column.name] = column.values.to_pandas(types_mapper=_STRINGS.get).astype("string")
        extras.append(ExtraDimension(column.name, column.header, sniffed.name, column.distinct, column.person))
    sniffed.hash_in_background()  # overlaps the single-threaded rest of the load
    amount = columns.get("amount")
    currency = amount_currency(amount, table.column(amount)) if amount else None
    return RecordFile(sniffed, mapping, data, table.num_rows, dates, currency=currency, extras=extras)


def finish_records(record: RecordFile, problems: Problems) -> None:
    """Build the file's frame: phase and outcomes, start date, rows without an id dropped."""
    frame = pd.DataFrame(record.data, index=pd.RangeIndex(record.rows), copy=False)
    record.data = {}
    record.frame = assemble(frame, record.mapping)
    record.start_from = _start_date(record)
    opportunities = record.mapping.role == "opportunities"
    id_label, id_key = ("opportunity id", "opportunity_id") if opportunities else ("record id", ID_COLUMN)
    record.frame = drop_unusable(problems, record.frame, record.sniffed.name, id_label, id_key)


def _parse_columns(columns: dict[str, str], table: pa.Table, file: str,
                   options: LoadOptions) -> list[tuple[dict[str, object], Problems, bool, DateColumn | None]]:
    """Parse every mapped column, two at a time, each with its own problems; results in column order.

    The kernels (pyarrow compute, numpy) release the GIL, so the second core, idle once the
    reader's threads are done, takes half the columns.
    """
    def parse(item: tuple[str, str]) -> tuple[dict[str, object], Problems, bool, DateColumn | None]:
        key, header = item
        data: dict[str, object] = {}
        found = Problems()
        column = table.column(header)
        if key in DATE_KEYS:
            parsed = parse_dates(column, order=options.date_order(header), years=options.years)
            data[key] = datetime64_ns(parsed.values)
            ok = check_dates(problems=found, file=file, header=header, key=key, parsed=parsed,
                             years=options.years)
            date_only = is_date_only(parsed.values) if key in ("mql_date", "first_touch_date") else False
            raw = column if parsed.order_evidence == "ambiguous" else None  # kept only to be read again
            return data, found, ok, DateColumn(key, header, parsed.order_evidence, date_only, raw)
        ok = parse_value_column(data, key, header, column, file, found)
        return data, found, ok, None

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="columns") as pool:
        return list(pool.map(parse, columns.items()))


def reparse_dates(record: RecordFile, column: DateColumn, order: str, options: LoadOptions) -> ParsedDates:
    """Read an ambiguous date column again in the order the upload's evidence (or the user) chose."""
    assert column.raw is not None, "date orders are settled before the raw columns are released"
    parsed = parse_dates(column.raw, order=order, years=options.years)
    record.data[column.key] = datetime64_ns(parsed.values)
    column.evidence = order
    return parsed


def parse_value_column(data: dict[str, object], key: str, header: str, column: pa.ChunkedArray, file: str,
                       problems: Problems) -> bool:
    """Parse a number, category or text column into ``data[key]``; False when it is unusable."""
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


def _flag(frame: pd.DataFrame, key: str) -> pd.Series | None:
    if key not in frame:
        return None
    return frame.pop(key).map({"yes": True, "no": False}).astype("boolean")


def assemble(frame: pd.DataFrame, mapping: FileMapping) -> pd.DataFrame:
    """Phase from stage / status / flags, won and lost dates from the outcome and its date."""
    opportunities = mapping.role == "opportunities"
    stage = frame.pop("stage") if "stage" in frame else None
    status = frame.pop("status") if "status" in frame else None
    if status is not None and not opportunities:
        status = status.mask(status.eq("lost").fillna(False).astype(bool), "lead")  # a lost lead is disqualified
    phase = _combine_phases(stage, status)
    won_flag, closed_flag, converted = (_flag(frame, k) for k in ("won_flag", "closed_flag", "converted_flag"))
    decision = frame.pop("decision_date") if "decision_date" in frame else None
    if won_flag is not None:
        # won: the flag; lost: not won and either closed, or decided (a decision date without the win)
        decided = closed_flag.fillna(False) if closed_flag is not None else (
            decision.notna() if decision is not None else pd.Series(False, index=frame.index))
        outcome = pd.Series(pd.NA, index=frame.index, dtype="string")
        outcome = outcome.mask(won_flag.fillna(False).astype(bool), "won")
        outcome = outcome.mask((~won_flag.fillna(True) & decided).astype(bool), "lost")
        phase = outcome.fillna(phase) if phase is not None else outcome
    if converted is not None:
        reached = pd.Series(pd.NA, index=frame.index, dtype="string").mask(converted.fillna(False).astype(bool),
                                                                             "prospecting")
        phase = phase.fillna(reached) if phase is not None else reached
    if opportunities and phase is not None:
        # an opportunity whose stage reads like a lead status is an open opportunity
        phase = phase.mask(phase.isin(LEAD_PHASES).fillna(False).astype(bool), "prospecting")
    if phase is not None:
        frame["phase"] = phase.astype("str")  # missing is NaN: comparisons say False, never NA
    close = frame.pop("close_date") if "close_date" in frame else None
    close = decision if close is None else (close if decision is None else decision.fillna(close))
    if close is not None:
        # without an outcome, a close date cannot say won or lost (it may be an expected date)
        current = frame["phase"] if "phase" in frame else pd.Series("", index=frame.index)
        for outcome_name in ("won", "lost"):
            column = f"{outcome_name}_date"
            from_close = close.where(current.eq(outcome_name).fillna(False).astype(bool))
            frame[column] = frame[column].fillna(from_close) if column in frame else from_close
    if "contact_id" in frame and frame["contact_id"].notna().any():
        # HubSpot lists several associated contacts as "101;102": the first is the journey's
        frame["contact_id"] = frame["contact_id"].str.split(";").str[0].str.strip()
    return frame


def _combine_phases(stage: pd.Series | None, status: pd.Series | None) -> pd.Series | None:
    """The stage's phase, unless the status says won or lost (Pipedrive keeps the last stage of a won deal)."""
    if stage is None or status is None:
        return stage if stage is not None else status
    outcome = status.where(status.isin(["won", "lost"]).fillna(False).astype(bool))
    return outcome.fillna(stage).fillna(status)


def _start_date(record: RecordFile) -> str | None:
    """Give the file a created (start) date when it has none; returns the column it came from."""
    frame, mapping = record.frame, record.mapping
    if mapping.role == "opportunities":
        undated = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        own = frame.get(CREATED_COLUMN)
        opp = frame.get("opportunity_date")
        start = opp.fillna(own) if opp is not None and own is not None else (
            opp if opp is not None else own if own is not None else undated)
        frame["opportunity_date"] = start
        if own is None:
            frame[CREATED_COLUMN] = start
            return mapping.columns.get("opportunity_date")
        return None
    if CREATED_COLUMN in frame:
        if mapping.starts_at == "mql":
            frame["mql_date"] = frame["mql_date"].fillna(frame[CREATED_COLUMN]) if "mql_date" in frame else frame[
                CREATED_COLUMN]
        return None
    present = [c for c in _START_CANDIDATES if c in frame]
    start = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for column in present:
        start = start.fillna(frame[column])
    frame[CREATED_COLUMN] = start
    if present == ["first_touch_date"]:
        # the file's only date is when the lead first made contact: that is its start, not a follow-up
        frame.pop("first_touch_date")
    if mapping.starts_at == "mql" and "mql_date" not in frame:
        frame["mql_date"] = start
    return ", ".join(mapping.columns[c] for c in present) if present else None
