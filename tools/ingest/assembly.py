"""The pandas half of a load: from staged files (``staging``) to ``LoadedData``.

Parses the files of records with vectorised kernels, settles day/month order over the whole
upload, joins the record files and fills dimensions from the lookups, validates everything at
once and ends with ``tools.dataset.from_canonical``. The load report (files, roles, joins,
capabilities) rides on the result, and the plausibility gate stops an upload that looks misread.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from tools.dataset import PHASE_STAGE, LoadedData, SourceFile, from_canonical
from tools.errors import (
    AmbiguousDateOrderError,
    DataQualityIssue,
    DateOrderQuestion,
    ImplausibleUploadError,
    RevOpsInputError,
    ValidationFailed,
)
from tools.ingest.currency import upload_currency
from tools.ingest.dialects import FileMapping, overall_dialect
from tools.ingest.joining import combine
from tools.ingest.lookups import LookupTable, enrich, read_lookup
from tools.ingest.options import LoadOptions
from tools.ingest.plausibility import DateSpan, check_plausibility
from tools.ingest.problems import Problems
from tools.ingest.reading import Sniffed
from tools.ingest.records import DATE_KEYS, RecordFile, finish_records, read_records, reparse_dates
from tools.ingest.roles import RECORD_ROLES
from tools.ingest.staging import StagedFile
from tools.ingest.validation import (
    check_stage_order,
    drop_duplicates,
    missing_column,
    no_usable_rows,
)
from tools.load_report import ExtraDimension, FileReport, LoadReport, capabilities_of, date_range
from tools.schema import (
    CREATED_COLUMN,
    DATE_COLUMNS,
    ID_COLUMN,
    STAGE_DATE_COLUMNS,
    STAGES,
    is_extra_dimension,
)

#: Keys that can say a deal was won, and keys that can say it was lost.
_WIN_KEYS = {"stage", "won_date", "won_flag"}
_LOSS_KEYS = {"stage", "lost_date", "closed_flag", "decision_date"}


def assemble_upload(staged: list[StagedFile], options: LoadOptions, problems: Problems) -> LoadedData:
    """Parse the staged files of records, settle date orders, join, enrich, validate and gate them.

    Raises ``RevOpsInputError`` for bad input (every fatal problem of the upload at once) and
    ``ImplausibleUploadError`` when the result looks misread and ``options.force`` is not set.
    """
    mapped = [(s.sniffed, s.mapping) for s in staged]
    records, lookups = _read_files(staged, options, problems)
    _settle_date_orders(records, options, problems)
    for record in records:
        for column in record.dates:
            column.raw = None  # the text of ambiguous dates is no longer needed: let the table go
    problems.raise_if_fatal()
    if not records:
        raise _no_records(mapped)
    for record in records:
        finish_records(record, problems)
    combined = combine(records, problems)
    frame = combined.frame
    if len(records) > 1:
        frame = drop_duplicates(problems, frame, "across files")
    names = ", ".join(r.sniffed.name for r in records)
    record_headers = {k: h for r in records for k, h in r.mapping.columns.items()}
    frame, lookup_joins = enrich(frame, lookups, record_headers, names, problems)
    extras = _extra_dimensions(records, frame)
    frame = frame.drop(columns=["account", *(c for c in frame if is_extra_dimension(c)
                                            and c not in {e.name for e in extras})], errors="ignore")
    if frame.empty:
        raise no_usable_rows([r.sniffed.name for r in records])
    check_stage_order(problems, frame)
    notes = _follow_up_notes(records, problems)
    dialect = overall_dialect([m.dialect for _, m in mapped if m.role in RECORD_ROLES],
                              [m.role for _, m in mapped if m.role in RECORD_ROLES])
    loaded = from_canonical(frame, data_quality=problems.issues, mapping=_report_mapping(records), dialect=dialect)
    funnel_start = _funnel_start(records)
    outcomes, outcomes_missing = _outcomes_known(records, loaded.frame)
    reports = [_file_report(s, m, records, extras) for s, m in mapped]
    joins = combined.joins + lookup_joins
    verdict = check_plausibility(loaded.frame, files=reports, joins=joins, funnel_start=funnel_start,
                                 outcomes_known=outcomes, duplicates=problems.duplicates, spans=_spans(records))
    if not verdict.plausible:
        if not options.force:
            raise ImplausibleUploadError(verdict)
        verdict = replace(verdict, forced=True)
        for issue in verdict.issues:  # forced: the stop stays visible next to the results
            loaded.data_quality.append(DataQualityIssue(f"implausible_{issue.code}",
                                                        f"diagnosed anyway (--force): {issue.message}", 0))
    unobserved = _unobserved_stages(loaded.frame, funnel_start)
    if not outcomes and outcomes_missing is None and not loaded.frame["reached_won"].any():
        unobserved.append("won")  # no column says won or lost: a zero here would be a guess
    capabilities = capabilities_of(loaded.frame, funnel_start=funnel_start, outcomes_known=outcomes,
                                   outcomes_missing=outcomes_missing, unobserved_stages=unobserved, notes=notes)
    loaded.report = LoadReport(reports, joins, capabilities, verdict, _leads_end(records, loaded), extras)
    loaded.currency = upload_currency([r.currency for r in records])
    # the files last: their hashes run on worker threads while the stage flags above are derived
    loaded.files = [SourceFile(r.sniffed.name, r.mapping.dialect, r.sniffed.encoding, r.rows, r.sniffed.sha256,
                               dict(r.mapping.columns)) for r in records]
    return loaded


def _read_files(staged: list[StagedFile], options: LoadOptions,
                problems: Problems) -> tuple[list[RecordFile], list[LookupTable]]:
    """Parse record files, read lookups, and say what happens to every other file."""
    records: list[RecordFile] = []
    lookups: list[LookupTable] = []
    for item in staged:
        sniffed, mapping = item.sniffed, item.mapping
        if mapping.role in RECORD_ROLES:
            record = read_records(item, options, problems)
            if record is not None:
                records.append(record)
        elif mapping.role in ("accounts", "owners"):
            lookups.append(read_lookup(sniffed, mapping, problems))
        elif mapping.role == "targets":
            problems.warn("targets_not_loaded", f"{sniffed.name} looks like a targets file, so it was not loaded "
                          "as records; pass it with --targets", 0)
        else:
            problems.warn("file_not_used", f"{sniffed.name} was not used: {mapping.role_reason}", 0)
    return records, lookups


def _no_records(mapped: list[tuple[Sniffed, FileMapping]]) -> RevOpsInputError:
    """No file holds records: a file where nothing was recognised needs its id mapped; else say the roles."""
    unrecognised = [missing_column(s.name, ID_COLUMN, s.headers) for s, m in mapped if m.role == "unknown"
                    and not m.columns]
    if unrecognised:
        return unrecognised[0] if len(unrecognised) == 1 else ValidationFailed(unrecognised)
    roles = "; ".join(f"{s.name}: {m.role} ({m.role_reason})" for s, m in mapped)
    return RevOpsInputError(f"none of the files holds leads or opportunities ({roles})",
                            file=", ".join(s.name for s, _ in mapped),
                            hint='If a file does hold them, say so with --role "file.csv=leads" (or =opportunities)')


def _settle_date_orders(records: list[RecordFile], options: LoadOptions, problems: Problems) -> None:
    """Ambiguous day/month columns follow their file's other dates, else the upload's; else ask."""
    proven = {c.evidence for r in records for c in r.dates if c.evidence in ("mdy", "dmy")}
    for record in records:
        own = {c.evidence for c in record.dates if c.evidence in ("mdy", "dmy")}
        for column in record.dates:
            raw = column.raw
            if column.evidence != "ambiguous" or raw is None:
                continue
            if len(own) == 1:
                order, source = next(iter(own)), f"like the other dates of {record.sniffed.name}"
            elif not own and len(proven) == 1:
                order, source = next(iter(proven)), "like the dates of the other files"
            else:
                values = [str(v) for v in raw.drop_null().slice(0, 3).to_pylist()]
                problems.add(AmbiguousDateOrderError(DateOrderQuestion(
                    record.sniffed.name, column.header, values, len(raw) - raw.null_count)))
                continue
            reparse_dates(record, column, order, options)
            word = "month first (mm/dd)" if order == "mdy" else "day first (dd/mm)"
            problems.warn("date_order_inferred", f"{record.sniffed.name}, column '{column.header}': every date reads "
                          f"both ways, so it was read {word} {source}", 0)


def _follow_up_notes(records: list[RecordFile], problems: Problems) -> list[str]:
    """Follow-up hours measured from a date without a time read long: say so."""
    notes = []
    for record in records:
        dates = {c.key: c for c in record.dates}
        mql, touch = dates.get("mql_date"), dates.get("first_touch_date")
        if mql is None or touch is None or not mql.date_only or "first_touch_date" not in record.frame:
            continue
        note = (f"follow-up measured from midnight: '{mql.header}' in {record.sniffed.name} has dates without a "
                "time of day, so follow-up hours read longer than they were")
        if touch.date_only:
            note = (f"follow-up measured in whole days: '{mql.header}' and '{touch.header}' in "
                    f"{record.sniffed.name} have no time of day")
        notes.append(note)
        problems.warn("follow_up_from_midnight", note, int(record.frame["first_touch_date"].notna().sum()))
    return notes


#: Leads ending this much before the upload's other dates move the analysis date back to their end.
_LEADS_END_EARLY = pd.Timedelta(days=31)
_MISSING_LEADS = 50
_MIN_LEADS = 200


def _leads_end(records: list[RecordFile], loaded: LoadedData) -> pd.Timestamp | None:
    """The last lead start date, when the lead files end well before the other files' dates (else None).

    After that date new leads are unknown, not zero: comparing a window past it would report a
    volume collapse that never happened. A single file can end early too: an opportunity report
    filtered on its start date still carries the close dates of later months.
    """
    starting = [r for r in records if r.mapping.role == "leads"] or (records if len(records) == 1 else [])
    leads = [r.frame[CREATED_COLUMN] for r in starting if CREATED_COLUMN in r.frame]
    if not leads:
        return None
    starts = pd.concat(leads).dropna()
    if len(starts) < _MIN_LEADS:
        return None
    first, leads_end = date_range(starts) or (pd.NaT, pd.NaT)
    leads_end = leads_end.normalize()
    latest = max((r[1] for c in DATE_COLUMNS if c in loaded.frame and (r := date_range(loaded.frame[c]))),
                 default=leads_end)
    gap = latest - leads_end
    per_day = len(starts) / max((leads_end - first).days, 1)
    # a steady flow of leads would have brought this many in the gap; seeing none means the file ended
    if gap <= _LEADS_END_EARLY or per_day * gap.days < _MISSING_LEADS:
        return None
    what = "leads" if any(r.mapping.role == "leads" for r in starting) else "opportunities"  # an opportunity-only file
    loaded.data_quality.append(DataQualityIssue(
        "leads_end_early", f"the {what} end on {leads_end.date()} while other dates run to {latest.date()}; the "
        f"diagnosis is as of {leads_end.date()}, because new {what} after it are not in the data", 0))
    return leads_end


def _funnel_start(records: list[RecordFile]) -> str:
    leads = [r for r in records if r.mapping.role == "leads"]
    if not leads:
        return "opportunity"
    return "mql" if all(r.mapping.starts_at == "mql" for r in leads) else "lead"


def _outcomes_known(records: list[RecordFile], frame: pd.DataFrame) -> tuple[bool, str | None]:
    """Whether the columns can say both won and lost (a win rate needs both); else what is missing."""
    keys = set().union(*(set(r.mapping.columns) | ({"stage"} if r.mapping.role == "opportunities" and "status" in
                                                   r.mapping.columns else set()) for r in records))
    if "won_flag" in keys and keys & {"closed_flag", "decision_date"}:
        keys |= _LOSS_KEYS
    wins = bool(keys & _WIN_KEYS) or bool(frame["reached_won"].any())
    losses = bool(keys & _LOSS_KEYS) or bool(frame["is_lost"].any())
    if wins and losses:
        return True, None
    if wins:
        return False, "needs lost deals as well as won ones (only won deals are in the data)"
    return False, None


def _unobserved_stages(frame: pd.DataFrame, funnel_start: str) -> list[str]:
    """Stages after the funnel's start (won aside: see the outcomes) that no date or status observes.

    Their counts are only implied by a later stage, or zero because no column could say otherwise
    (a lead list with MQL dates and nothing after them has no opportunity stage to count).
    """
    phases = set(frame["phase"].dropna().unique()) if "phase" in frame else set()
    seen_at = {PHASE_STAGE[p] for p in phases if p in PHASE_STAGE} | ({"opportunity"} if "lost" in phases else set())
    start = STAGES.index(funnel_start)
    return [s for s in STAGES[start + 1: -1] if s not in seen_at and not _dated(frame, s)]


def _extra_dimensions(records: list[RecordFile], frame: pd.DataFrame) -> list[ExtraDimension]:
    """The extra dimensions of the files the journeys start in, with values (one per name).

    A joined opportunities file describes converted leads only: splitting a conversion from the
    lead stage by one of its columns would compare the converted with nobody, so its columns stay unused.
    """
    found: dict[str, ExtraDimension] = {}
    starting = [r for r in records if r.mapping.role == "leads"] or records
    for record in starting:
        for extra in record.extras:
            if extra.name in frame and extra.name not in found and frame[extra.name].notna().any():
                found[extra.name] = replace(extra, values=int(frame[extra.name].nunique()))
    return list(found.values())


def _dated(frame: pd.DataFrame, stage: str) -> bool:
    column = STAGE_DATE_COLUMNS[stage]
    return column in frame and date_range(frame[column]) is not None


def _spans(records: list[RecordFile]) -> list[DateSpan]:
    """Each record file's first and last date (over its date columns), when there are several files."""
    spans = []
    for record in records if len(records) > 1 else []:
        ranges = [r for c in record.frame.columns if c in DATE_KEYS and (r := date_range(record.frame[c]))]
        if ranges:
            spans.append(DateSpan(record.sniffed.name, min(r[0] for r in ranges), max(r[1] for r in ranges)))
    return spans


def _file_report(sniffed: Sniffed, mapping: FileMapping, records: list[RecordFile],
                 extras: list[ExtraDimension]) -> FileReport:
    record = next((r for r in records if r.sniffed is sniffed), None)
    rows = record.rows if record is not None else len(sniffed.xlsx_rows or []) if sniffed.xlsx_rows is not None \
        else _count_rows(sniffed)
    columns = dict(mapping.columns)
    if record is not None and record.start_from and CREATED_COLUMN not in columns:
        columns[CREATED_COLUMN] = f"{record.start_from} (start date: no created-date column)"
    kept = {e.label for e in extras if e.file == sniffed.name}
    return FileReport(sniffed.name, mapping.role, mapping.dialect, sniffed.encoding, rows, columns,
                      [c for c in mapping.unused if c not in kept], mapping.role_reason)


def _count_rows(sniffed: Sniffed) -> int:
    """Data rows of a file that was not parsed as records (lookups and ignored files are small)."""
    return max(bytes(sniffed.data).count(b"\n") - 1 + (not bytes(sniffed.data).endswith(b"\n")), 0)


def _report_mapping(records: list[RecordFile]) -> dict[str, str]:
    """canonical -> "Column" (one file) or "file: Column; file: Column" (several)."""
    several = len(records) > 1
    joined = {r.mapping.role for r in records} == {"leads", "opportunities"}
    mapping: dict[str, list[str]] = {}
    for r in records:
        for key, header in r.mapping.columns.items():
            if key == CREATED_COLUMN and joined and r.mapping.role == "opportunities":
                key = "opportunity_date"
            elif key in ("stage", "status", "won_flag", "closed_flag", "converted_flag"):
                key = "phase"
            elif key in ("close_date", "decision_date"):
                key = "won_date/lost_date"
            mapping.setdefault(key, []).append(f"{r.sniffed.name}: {header}" if several else header)
        if r.start_from and CREATED_COLUMN not in r.mapping.columns:
            shown = f"{r.start_from} (start date)"
            mapping.setdefault(CREATED_COLUMN, []).append(f"{r.sniffed.name}: {shown}" if several else shown)
    return {k: "; ".join(v) for k, v in mapping.items()}

