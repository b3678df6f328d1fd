"""The column-mapping editor's model: each uploaded column, a few values, and the field it feeds.

``plan_mapping(paths)`` reads each file's header row and first rows the way the loader does
(``tools.ingest.reading.sniff``) and asks the loader's own header matcher
(``tools.ingest.dialects.match_headers``) what each column means. The user changes a column's
field in the editor (``MappingPlan.choose``); ``MappingPlan.overrides()`` turns those choices into
the loader's ``canonical -> column`` overrides, so the loader, not the UI, decides what the data
says. Nothing here computes a number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import RevOpsInputError
from tools.ingest.dialects import MAPPABLE_KEYS, match_headers
from tools.ingest.reading import Sniffed, sniff

#: Sample values shown per column, and how far into a file to look for them.
SAMPLES = 3
SAMPLE_ROWS = 200
SAMPLE_BYTES = 256 * 1024
MAX_SAMPLE_TEXT = 40


@dataclass
class ColumnChoice:
    """One uploaded column: its values, what the loader detected, and what the user chose."""

    column: str
    samples: list[str]
    detected: str | None
    chosen: str | None

    @property
    def changed(self) -> bool:
        return self.chosen != self.detected


@dataclass
class FilePlan:
    """One uploaded file as the editor shows it."""

    name: str
    path: Path
    role: str
    dialect: str
    encoding: str
    size_bytes: int
    columns: list[ColumnChoice]

    @property
    def header_key(self) -> str:
        """Identifies the file's header set (the same export format next month has the same key)."""
        return header_key([c.column for c in self.columns])


@dataclass
class MappingPlan:
    """The editor's state for one upload: every file's columns and the user's choices."""

    files: list[FilePlan] = field(default_factory=list)
    #: files that could not even be opened (their loader message), shown above the editor
    errors: list[str] = field(default_factory=list)
    #: the targets file uploaded with these exports, and whether they are the bundled demo
    targets: Path | None = None
    is_demo: bool = False

    def choose(self, file_name: str, column: str, key: str | None) -> None:
        """Set ``column`` of ``file_name`` to feed ``key`` (``None``: not used).

        A field feeds from one column per file, so the column that had ``key`` before is released.
        """
        if key is not None and key not in MAPPABLE_KEYS:
            raise ValueError(f"unknown field {key!r}")
        for plan in self.files:
            if plan.name != file_name:
                continue
            for choice in plan.columns:
                if choice.column == column:
                    choice.chosen = key
                elif key is not None and choice.chosen == key:
                    choice.chosen = None

    def changes(self) -> list[tuple[str, ColumnChoice]]:
        """(file name, column) pairs whose field differs from what the loader detected."""
        return [(p.name, c) for p in self.files for c in p.columns if c.changed]

    def overrides(self) -> dict[str, str]:
        """The loader's ``canonical -> column`` overrides for the user's choices."""
        out: dict[str, str] = {}
        for _, choice in self.changes():
            if choice.chosen is not None:
                out[choice.chosen] = choice.column
        return out

    def ignored(self) -> dict[str, list[str]]:
        """Columns the loader detected that the user marked "not used", per file."""
        out: dict[str, list[str]] = {}
        for name, choice in self.changes():
            if choice.chosen is None and choice.detected is not None:
                out.setdefault(name, []).append(choice.column)
        return out

    def choices_of(self, file_name: str) -> dict[str, str | None]:
        """The user's changed choices for one file (what a saved mapping stores)."""
        return {c.column: c.chosen for name, c in self.changes() if name == file_name}


def header_key(headers: Sequence[str]) -> str:
    """A stable key for a set of headers (order and surrounding spaces do not matter)."""
    joined = "\n".join(sorted({h.strip() for h in headers if h.strip()}))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def _detected_keys(headers: Sequence[str], overrides: dict[str, str] | None) -> tuple[dict[str, str], str, str]:
    mapping = match_headers(list(headers), overrides)
    by_column = {column: key for key, column in mapping.columns.items()}
    return by_column, mapping.role, mapping.dialect


def sample_values(sniffed: Sniffed, limit: int = SAMPLES) -> dict[str, list[str]]:
    """A few distinct non-empty values of each column, from the first rows of the file."""
    if sniffed.xlsx_rows is not None:
        rows: list[list[str | None]] = sniffed.xlsx_rows[:SAMPLE_ROWS]
    else:
        head = bytes(sniffed.data[:SAMPLE_BYTES]).decode("utf-8", errors="ignore").lstrip("\ufeff")
        lines = head.splitlines()[: SAMPLE_ROWS + 1]
        if len(head) >= SAMPLE_BYTES - 4 and len(lines) > 1:
            lines = lines[:-1]  # the last line may be cut mid-row
        try:
            parsed = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sniffed.delimiter))
        except csv.Error:
            parsed = []
        rows = [list(r) for r in parsed[1:]]
    samples: dict[str, list[str]] = {h: [] for h in sniffed.headers}
    for row in rows:
        for header, value in zip(sniffed.headers, row, strict=False):
            text = (value or "").strip()
            if text and text not in samples[header] and len(samples[header]) < limit:
                samples[header].append(text[:MAX_SAMPLE_TEXT])
    return samples


def plan_file(path: Path, overrides: dict[str, str] | None = None) -> FilePlan:
    """One file's editor rows; raises ``RevOpsInputError`` when the file cannot be opened."""
    sniffed = sniff(path)
    detected, _, _ = _detected_keys(sniffed.headers, None)
    chosen, role, dialect = _detected_keys(sniffed.headers, overrides)
    samples = sample_values(sniffed)
    columns = [ColumnChoice(h, samples.get(h, []), detected.get(h), chosen.get(h))
               for h in dict.fromkeys(sniffed.headers) if h]
    return FilePlan(sniffed.name, path, role, dialect, sniffed.encoding, path.stat().st_size, columns)


def plan_mapping(paths: Sequence[Path], overrides: dict[str, str] | None = None) -> MappingPlan:
    """The editor's rows for every uploaded file, with ``overrides`` already applied."""
    plan = MappingPlan()
    for path in paths:
        try:
            plan.files.append(plan_file(Path(path), overrides))
        except RevOpsInputError as err:
            plan.errors.append(str(err))
    return plan


def apply_saved(plan: MappingPlan, saved: dict[str, dict[str, str | None]]) -> list[str]:
    """Apply saved choices (``header_key -> {column: field}``); returns the names of the files reused."""
    reused = []
    for file in plan.files:
        choices = saved.get(file.header_key)
        if not choices:
            continue
        known = {c.column for c in file.columns}
        for column, key in choices.items():
            if column in known and (key is None or key in MAPPABLE_KEYS):
                plan.choose(file.name, column, key)
        reused.append(file.name)
    return reused
