"""Validation of an upload, all at once: fatal problems are collected, survivable ones counted.

Fatal problems (no id column, a date column that mostly does not parse, ...) are gathered over
every file and raised together at the end (one error, or ``ValidationFailed`` listing them all).
Survivable ones become ``DataQualityIssue`` warnings; no row is dropped without being counted.
The message texts here are part of the product contract: tests check them exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tools.errors import (
    EmptyFileError,
    InvalidValuesError,
    MissingColumnError,
    UnreadableFileError,
    shorten,
)
from tools.ingest.dates import ParsedDates
from tools.ingest.headers import accepted_names
from tools.ingest.parsing import Parsed
from tools.ingest.problems import DuplicateDrop, Problems
from tools.schema import CREATED_COLUMN, ID_COLUMN, STAGE_DATE_COLUMNS

_DATE_HINT = ("Use dates like 2024-01-31, 2024/01/31 or 01/31/2024, or map another column with "
              '--map {key}="Your Column"')
_AMOUNT_HINT = ("Amounts may use thousands separators and a currency sign (1,234,000, ¥1,234,000, "
                '$12,000.00); fix the column or map another one with --map {key}="Your Column"')
_COLUMN_LABEL = {ID_COLUMN: "record id", CREATED_COLUMN: "created-date"}


def _examples(examples: Sequence[object]) -> str:
    return ", ".join(repr(str(e)) for e in list(examples)[:3])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def missing_column(file: str, key: str, headers: Sequence[str]) -> MissingColumnError:
    """The required ``key`` (record_id / created_date) could not be mapped."""
    accepted = ", ".join(accepted_names(key))
    holds = "the id" if key == ID_COLUMN else "the date each lead was created"
    shown = ", ".join(repr(shorten(h, 60)) for h in headers[:12]) + (", …" if len(headers) > 12 else "")
    return MissingColumnError(
        f"no {_COLUMN_LABEL.get(key, key)} column found",
        file=file,
        hint=f"Columns found: {shown}. Accepted names include {accepted}. If one of your columns holds "
        f'{holds}, run again with --map {key}="Your Column"',
    )


def no_data_rows(file: str) -> EmptyFileError:
    """Header row present, no data."""
    return EmptyFileError("the file has a header row but no data rows", file=file,
                          hint="Export the report again with its data")


def check_malformed(problems: Problems, file: str, bad: int, lines: list[str], good: int) -> None:
    """Rows with the wrong number of fields: fatal when they are most rows, else counted."""
    if not bad:
        return
    if bad > good:
        problems.add(UnreadableFileError(
            "this does not look like a CSV file: most rows do not have the same number of fields as "
            "the header", file=file, rows=bad, examples=lines,
            hint="Export the report again as CSV (UTF-8 or Shift-JIS) or XLSX and upload that file"))
        return
    problems.warn("malformed_rows", f"{file}: {_plural(bad, 'row')} with the wrong number of fields "
                  f"{'was' if bad == 1 else 'were'} skipped (e.g. {_examples(lines)})", bad, lines)


def check_dates(problems: Problems, file: str, header: str, key: str, parsed: ParsedDates,
                years: tuple[int, int]) -> bool:
    """Judge a parsed date column. Returns False when the column is unusable (fatal)."""
    if parsed.out_of_range:
        n = parsed.out_of_range
        problems.warn("date_out_of_range", f"{file}, column '{header}': {_plural(n, 'date')} "
                      f"{'falls' if n == 1 else 'fall'} outside the years {years[0]}-{years[1]} and "
                      f"{'was' if n == 1 else 'were'} left empty (e.g. {_examples(parsed.out_of_range_examples)}); "
                      "set another window with --years", n, parsed.out_of_range_examples)
    if not parsed.failed:
        return True
    if parsed.failed * 2 > parsed.non_empty:
        problems.add(InvalidValuesError("most dates could not be read", file=file, column=header,
                                        rows=parsed.failed, examples=parsed.examples,
                                        hint=_DATE_HINT.format(key=key)))
        return False
    one = parsed.failed == 1
    outcome = "it was left empty" if one else "they were left empty"
    problems.warn("unparseable_date", f"{file}, column '{header}': {_plural(parsed.failed, 'date')} could "
                  f"not be read and {outcome} (e.g. {_examples(parsed.examples)})", parsed.failed,
                  parsed.examples)
    return True


def check_numbers(problems: Problems, file: str, header: str, key: str, parsed: Parsed,
                  negatives: int, negative_examples: list[str]) -> bool:
    """Judge a parsed amount / count column; non-numbers and negatives are blanked or fatal."""
    ok = True
    word = "amount" if key == "amount" else "value"
    if parsed.failed * 2 > parsed.non_empty:
        problems.add(InvalidValuesError(f"most {word}s are not numbers", file=file, column=header,
                                        rows=parsed.failed, examples=parsed.examples,
                                        hint=_AMOUNT_HINT.format(key=key)))
        ok = False
    elif parsed.failed:
        problems.warn(f"invalid_{'amount' if key == 'amount' else 'number'}",
                      f"{file}, column '{header}': {_plural(parsed.failed, word)} "
                      f"{'is' if parsed.failed == 1 else 'are'} not a number and "
                      f"{'was' if parsed.failed == 1 else 'were'} left empty (e.g. {_examples(parsed.examples)})",
                      parsed.failed, parsed.examples)
    if negatives * 2 > parsed.non_empty:
        problems.add(InvalidValuesError(f"most {word}s are negative", file=file, column=header, rows=negatives,
                                        examples=negative_examples, hint=_AMOUNT_HINT.format(key=key)))
        ok = False
    elif negatives:
        problems.warn(f"negative_{'amount' if key == 'amount' else 'number'}",
                      f"{file}, column '{header}': {_plural(negatives, word)} "
                      f"{'is' if negatives == 1 else 'are'} negative and {'was' if negatives == 1 else 'were'} "
                      f"left empty (e.g. {_examples(negative_examples)})", negatives, negative_examples)
    return ok


def check_unrecognised(problems: Problems, file: str, header: str, code: str, what: str,
                       count: int, examples: list[str]) -> None:
    """Categorical values (stages, yes/no) that were not recognised and left empty."""
    if count:
        problems.warn(code, f"{file}, column '{header}': {_plural(count, 'row')} {'has' if count == 1 else 'have'} "
                      f"{what} that is not recognised and {'was' if count == 1 else 'were'} left empty "
                      f"(e.g. {_examples(examples)})", count, examples)


def drop_unusable(problems: Problems, frame: pd.DataFrame, file: str, id_label: str = "record id",
                  id_column: str = ID_COLUMN) -> pd.DataFrame:
    """Drop rows without an id, then repeated ids (first kept); count rows kept without a date.

    A row without a created (start) date is a real record of unknown age: it counts in the funnel
    snapshot and is left out of trends, and the warning says so.
    """
    # a totals row carries no date: only undated rows can be one (none, in a clean export)
    created = frame.get(CREATED_COLUMN)
    undated = created.isna().to_numpy() if created is not None else np.ones(len(frame), dtype=bool)
    summary = pd.Series(False, index=frame.index)
    if undated.any():
        summary[undated] = _summary_rows(frame[id_column][undated]).to_numpy()
    if summary.any():
        n = int(summary.sum())
        problems.warn("summary_rows", f"{file}: {_plural(n, 'total or summary row')} (e.g. "
                      f"{_examples(frame[id_column][summary].head(3).tolist())}) {'was' if n == 1 else 'were'} "
                      f"skipped: {'it holds' if n == 1 else 'they hold'} the report's totals, not records", n)
        frame = frame[~summary]
    no_id = frame[id_column].isna()
    if no_id.any():
        n = int(no_id.sum())
        problems.warn("missing_id", f"{file}: {_plural(n, 'row')} {'has' if n == 1 else 'have'} no {id_label} "
                      f"and {'was' if n == 1 else 'were'} dropped", n)
        frame = frame[~no_id]
    created = frame.get(CREATED_COLUMN)
    if created is not None and created.notna().any() and created.isna().any():
        n = int(created.isna().sum())
        problems.warn("undated_rows", f"{file}: {_plural(n, 'row')} {'has' if n == 1 else 'have'} no created "
                      f"date; {'it counts' if n == 1 else 'they count'} in the funnel but not in trends", n)
    return drop_duplicates(problems, frame, file, id_label, id_column)


#: A report's totals row, where an id would be ("Total", "Grand Totals (12 records)", 合計).
_SUMMARY_IDS = pa.array(["Total", "Totals", "TOTAL", "total", "Grand Total", "Grand Totals", "Subtotal", "Sum",
                         "合計", "総計", "小計", "計"])


def _summary_rows(ids: pd.Series) -> pd.Series:
    """Rows whose id is a totals label (one vectorised membership test, no per-row Python)."""
    values = pa.array(ids.array) if isinstance(ids.dtype, pd.StringDtype) else pa.array(ids.astype(object), pa.string(),
                                                                                             from_pandas=True)
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    hit = pc.or_(pc.is_in(values, value_set=_SUMMARY_IDS), pc.starts_with(values, "Grand Total"))
    return pd.Series(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), index=ids.index)


def drop_duplicates(problems: Problems, frame: pd.DataFrame, where: str, id_label: str = "record id",
                    id_column: str = ID_COLUMN) -> pd.DataFrame:
    """Keep the first row of each id; count the others."""
    ids = frame[id_column]
    if _is_unique(ids):
        return frame
    repeated = ids.duplicated(keep="first")
    n = int(repeated.sum())
    examples = ids[repeated].drop_duplicates().head(3).tolist()
    problems.duplicates.append(DuplicateDrop(where, n, len(ids)))
    problems.warn("duplicate_id", f"{where}: {_plural(n, 'row')} {'repeats' if n == 1 else 'repeat'} a {id_label} "
                  f"seen earlier and {'was' if n == 1 else 'were'} dropped; the first row of each id was kept "
                  f"(e.g. {_examples(examples)})", n, examples)
    return frame[~repeated]


def _is_unique(ids: pd.Series) -> bool:
    """True when no id repeats.

    Exports are usually sorted by id: strictly ascending (or descending) ids cannot repeat, which
    one vectorised comparison of neighbours shows. Otherwise the index hash table decides (several
    times faster than ``Series.is_unique``).
    """
    if isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow":
        values = pa.array(ids.array)
        later, earlier = values.slice(1), values.slice(0, max(len(values) - 1, 0))
        for in_order in (pc.greater, pc.less):
            if pc.all(pc.fill_null(in_order(later, earlier), False)).as_py():
                return True
        return len(pc.unique(values)) == len(values)  # pyarrow's hash set: about twice as fast as the Index's
    return bool(pd.Index(ids).is_unique)


def _calendar_days(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Whole days since 1970 (floored, as ``datetime64[D]`` would be) and which rows have a date.

    NaT is the smallest int64, so it floors to the smallest day of all: "later < earlier" is
    already False when the earlier date is missing; the mask rules out a missing later one.
    """
    stamps = dates.to_numpy(dtype="datetime64[ns]")
    days = (stamps.view(np.int64) // (86_400 * 10**9)).astype(np.int32)  # +-106,752 days fit
    return days, ~np.isnat(stamps)


def check_stage_order(problems: Problems, frame: pd.DataFrame) -> None:
    """Warn (rows kept) when a later stage's date is before an earlier one's."""
    order = [c for c in STAGE_DATE_COLUMNS.values() if c in frame]
    pairs = [(order[i], later) for i in range(len(order)) for later in order[i + 1:]]
    before_lost = [c for c in order if c != "won_date"] if "lost_date" in frame else []
    pairs += [(c, "lost_date") for c in before_lost]
    # compare calendar days: a date-only stage on the same day as a timestamped one is in order
    if not pairs:
        return
    days = {c: _calendar_days(frame[c]) for c in set(sum(pairs, ()))}
    # first the rows with any inversion, in one pass: a date before the latest of the earlier stages
    bad_any = np.zeros(len(frame), dtype=bool)
    latest = None
    for column in order:
        day, dated = days[column]
        if latest is not None:
            bad_any |= (day < latest) & dated
        latest = day if latest is None else np.maximum(latest, day)
    if before_lost:
        latest_open = np.maximum.reduce([days[c][0] for c in before_lost])
        bad_any |= (days["lost_date"][0] < latest_open) & days["lost_date"][1]
    rows = np.flatnonzero(bad_any)
    if not len(rows):
        return
    details = []  # then which pairs, on those rows only
    for earlier, later in pairs:
        (later_day, dated), (earlier_day, _) = days[later], days[earlier]
        n = int(np.count_nonzero((later_day[rows] < earlier_day[rows]) & dated[rows]))
        if n:
            details.append(f"{later} before {earlier}: {n}")
    n = len(rows)
    problems.warn("stage_dates_out_of_order", f"{_plural(n, 'row')} {'has' if n == 1 else 'have'} stage dates "
                  f"out of order ({'; '.join(details)}); {'it was' if n == 1 else 'they were'} kept as "
                  "exported", n)


def no_usable_rows(files: Sequence[str]) -> EmptyFileError:
    """Every row was dropped."""
    return EmptyFileError("no usable rows: every row lacks a record id", file=", ".join(files),
                          hint='Check the id column, or map it with --map record_id="Your Column"')
