"""The column-mapping editor's model: each uploaded column, a few values, and the field it feeds.

``plan_mapping(paths)`` reads each file's header row and first rows the way the loader does
(``tools.ingest.reading.sniff``) and asks the loader's own header matcher
(``tools.ingest.dialects.match_headers``) what each column means. The user changes a column's
field in the editor (``MappingPlan.choose``); ``MappingPlan.overrides()`` turns those choices into
the loader's ``canonical -> column`` overrides, so the loader, not the UI, decides what the data
says. Nothing here computes a number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import AmbiguousDateOrderError, DateOrderQuestion, RevOpsInputError, ValidationFailed
from tools.ingest.dialects import MAPPABLE_KEYS, FileMapping, match_headers
from tools.ingest.options import LoadOptions
from tools.ingest.reading import Sniffed, sniff
from tools.ingest.roles import FILE_ROLES

#: Sample values shown per column (from the loader's own sample of the first rows).
SAMPLES = 3
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
    #: the role the loader detected, and why (shown next to the role dropdown)
    detected_role: str = "leads"
    role_reason: str = ""

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
    #: the user's roles (file name -> role), day/month orders (column -> mdy / dmy) and "diagnose anyway"
    roles: dict[str, str] = field(default_factory=dict)
    date_orders: dict[str, str] = field(default_factory=dict)
    force: bool = False
    #: date columns the last load could not read either way: the editor asks
    questions: list[DateOrderQuestion] = field(default_factory=list)

    def options(self) -> LoadOptions:
        """The loader's options for the user's roles, date orders and "diagnose anyway"."""
        return LoadOptions(roles=dict(self.roles), date_orders=dict(self.date_orders), force=self.force)

    def set_role(self, file_name: str, role: str) -> None:
        """The user's role for a file (its detected role clears the choice)."""
        if role not in FILE_ROLES:
            raise ValueError(f"unknown role {role!r}")
        for plan in self.files:
            if plan.name == file_name:
                plan.role = role
                if role == plan.detected_role:
                    self.roles.pop(file_name, None)
                else:
                    self.roles[file_name] = role

    def set_date_order(self, column: str, order: str) -> None:
        if order not in ("mdy", "dmy"):
            raise ValueError(f"unknown date order {order!r}")
        self.date_orders[column] = order

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

    def ask_date_orders(self, error: RevOpsInputError) -> bool:
        """Keep the day/month questions a failed load raised (True when there are any)."""
        problems = error.problems if isinstance(error, ValidationFailed) else [error]
        self.questions = [p.question for p in problems if isinstance(p, AmbiguousDateOrderError)]
        return bool(self.questions)

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


def _match(sniffed: Sniffed, overrides: dict[str, str] | None, role: str | None) -> FileMapping:
    """The loader's own header matching for this file (its values sample included)."""
    return match_headers(sniffed.headers, overrides, sample=sniffed.sample, role=role, file=sniffed.name)


def sample_values(sniffed: Sniffed, limit: int = SAMPLES) -> dict[str, list[str]]:
    """A few distinct non-empty values of each column, from the loader's sample of the first rows."""
    table = sniffed.sample
    samples: dict[str, list[str]] = {}
    for name in table.column_names:
        values: list[str] = []
        for value in table.column(name).to_pylist():
            text = (value or "").strip()
            if text and text[:MAX_SAMPLE_TEXT] not in values:
                values.append(text[:MAX_SAMPLE_TEXT])
            if len(values) == limit:
                break
        samples[name] = values
    return samples


def plan_file(path: Path, overrides: dict[str, str] | None = None, role: str | None = None) -> FilePlan:
    """One file's editor rows; raises ``RevOpsInputError`` when the file cannot be opened."""
    sniffed = sniff(path)
    detected = _match(sniffed, None, None)
    chosen = _match(sniffed, overrides, role)
    detected_keys = {column: key for key, column in detected.columns.items()}
    chosen_keys = {column: key for key, column in chosen.columns.items()}
    samples = sample_values(sniffed)
    columns = [ColumnChoice(name, samples.get(name, []), detected_keys.get(name), chosen_keys.get(name))
               for name in sniffed.sample.column_names if name]
    return FilePlan(sniffed.name, path, chosen.role, chosen.dialect, sniffed.encoding, path.stat().st_size, columns,
                    detected_role=detected.role, role_reason=detected.role_reason)


def plan_mapping(paths: Sequence[Path], overrides: dict[str, str] | None = None,
                 options: LoadOptions | None = None) -> MappingPlan:
    """The editor's rows for every uploaded file, with ``overrides`` and the options' roles applied."""
    options = options or LoadOptions()
    plan = MappingPlan(roles=dict(options.roles), date_orders=dict(options.date_orders), force=options.force)
    for path in paths:
        try:
            plan.files.append(plan_file(Path(path), overrides, options.roles.get(Path(path).name)))
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
