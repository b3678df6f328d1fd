"""The first, pandas-free steps of a load: sniff each file, map its headers, start its read.

``load_exports`` runs these before it imports the pandas half of the loader (``assembly``), so
pyarrow parses the files on worker threads (without the GIL) while Python imports pandas: the
two biggest fixed costs of ``revops diagnose`` overlap instead of adding up.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from tools.errors import MappingError, RevOpsInputError
from tools.ingest.dialects import FileMapping, candidate_types, column_types, match_headers, normalise_name
from tools.ingest.extras import read_candidates
from tools.ingest.options import LoadOptions
from tools.ingest.problems import Problems
from tools.ingest.reading import Sniffed, read_table, sniff
from tools.ingest.roles import RECORD_ROLES

#: What ``read_table`` returns: the table, the rows skipped for a wrong field count, a few of them.
TableRead = tuple[pa.Table, int, list[str]]


@dataclass
class StagedFile:
    """One file sniffed and mapped, with its read running when it holds records."""

    sniffed: Sniffed
    mapping: FileMapping
    reading: Future[TableRead] | None = None

    def table(self) -> TableRead:
        """The parsed columns (waits for the read; reads now when none was started). Taken once:
        the staged file lets go of the table, so its memory goes when the caller is done with it."""
        reading, self.reading = self.reading, None
        if reading is None:
            wanted = column_types(self.mapping)
            wanted.update(read_candidates(self.sniffed.headers, self.sniffed.sample, wanted))
            return read_table(self.sniffed, wanted)
        return reading.result()


def stage_upload(files: list[Path], overrides: dict[str, str], options: LoadOptions,
                 problems: Problems) -> list[StagedFile]:
    """Sniff and map every file, start reading the files of records; problems are collected."""
    staged: list[StagedFile] = []
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read")
    for path in files:
        try:
            sniffed = sniff(path)
        except RevOpsInputError as err:
            problems.add(err)
            continue
        problems.issues.extend(sniffed.issues)
        # the read starts before any value is looked at: the first values looked at (pyarrow
        # building arrays) import pandas, which then loads while the reader threads parse
        wanted = candidate_types(sniffed.headers, overrides)
        if len(wanted) < len(sniffed.headers):  # columns no key may take: categories among them are read too
            wanted.update(read_candidates(sniffed.headers, sniffed.sample, wanted))
        reading = pool.submit(read_table, sniffed, wanted) if wanted else None
        mapping = match_headers(sniffed.headers, overrides, sample=sniffed.sample,
                                role=options.roles.get(sniffed.name), file=sniffed.name)
        _report_repeated_headers(problems, sniffed.name, mapping)
        if reading is not None and mapping.role not in RECORD_ROLES:
            reading.cancel()  # lookups and ignored files are read their own way (or not at all)
        staged.append(StagedFile(sniffed, mapping, reading if mapping.role in RECORD_ROLES else None))
    pool.shutdown(wait=False)  # the reads go on; StagedFile.table() waits for each
    _check_overrides_used(overrides, [h for s in staged for h in s.sniffed.headers], problems, files)
    _check_roles_used(options, [s.sniffed.name for s in staged], problems)
    return staged


def _report_repeated_headers(problems: Problems, file: str, mapping: FileMapping) -> None:
    for header, count in mapping.duplicates.items():
        problems.warn("duplicate_header", f"{file}: the column '{header}' appears {count} times; the first was "
                      f"used and the other{'s were' if count > 2 else ' was'} ignored", 0)


def _check_overrides_used(overrides: dict[str, str], headers: list[str], problems: Problems,
                          files: list[Path]) -> None:
    found = {normalise_name(h) for h in headers}
    for key, column in overrides.items():
        if headers and normalise_name(column) not in found:
            shown = ", ".join(repr(h) for h in dict.fromkeys(headers) if h)
            problems.add(MappingError(f"--map {key}: no column named '{column}'",
                                      file=", ".join(p.name for p in files),
                                      hint=f"Columns found: {shown[:600]}"))


def _check_roles_used(options: LoadOptions, names: list[str], problems: Problems) -> None:
    for name in options.roles:
        if names and name not in names:
            problems.add(MappingError(f"--role {name}: no such file in the upload",
                                      hint=f"Files: {', '.join(names)}"))
