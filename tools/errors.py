"""One small error hierarchy for bad input, translated once at the edge (CLI exit 2, UI message).

Every error names the file, the column, how many rows and a few examples, and what to do.
Survivable problems are not errors: they become ``DataQualityIssue`` warnings in the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class RevOpsInputError(Exception):
    """Bad input the user can fix. ``str(err)`` is the complete message shown to the user."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: int | None = None,
        examples: Sequence[object] = (),
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.column = column
        self.rows = rows
        self.examples = [str(e) for e in examples][:5]
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (": ".join([", ".join(where), self.problem]) if where else self.problem).rstrip(".")
        if self.rows is not None:
            text += f" ({self.rows} row{'s' if self.rows != 1 else ''})"
        text += "."
        if self.examples:
            text += " Examples: " + ", ".join(repr(e) for e in self.examples) + "."
        if self.hint:
            text += " " + self.hint.rstrip(".") + "."
        return text


class UnreadableFileError(RevOpsInputError):
    """Not a CSV/XLSX, binary junk, unknown encoding, missing file."""


class EmptyFileError(RevOpsInputError):
    """No header or no data rows."""


class MissingColumnError(RevOpsInputError):
    """A required canonical column (record_id, created_date) could not be mapped."""


class InvalidValuesError(RevOpsInputError):
    """Values in a column cannot be used (dates that do not parse, negative amounts, ...)."""


class MappingError(RevOpsInputError):
    """A user mapping override (--map / mapping file) is malformed or names an unknown column."""


class TargetsError(RevOpsInputError):
    """The targets file is malformed."""


class ValidationFailed(RevOpsInputError):
    """Several fatal problems found in one pass over an upload; all are reported together."""

    def __init__(self, problems: Sequence[RevOpsInputError]) -> None:
        self.problems = list(problems)
        body = "\n".join(f"- {p.render()}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problems found in the upload:\n{body}")

    def render(self) -> str:  # the summary line already carries every problem
        return self.problem


@dataclass(frozen=True)
class DataQualityIssue:
    """A survivable problem: rows kept (or dropped) and counted, never silently."""

    code: str
    message: str
    rows: int
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "rows": self.rows}
