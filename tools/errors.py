"""One small error hierarchy for bad input, translated once at the edge (CLI exit 2, UI message).

Every error names the file, the column, how many rows and a few examples, and what to do.
Survivable problems are not errors: they become ``DataQualityIssue`` warnings in the result.
Messages are capped in length: a file that is one 5 MB line still yields a readable message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from tools.safe_text import cap_text

#: Longest text shown for one quoted value (an example, a file or column name).
MAX_VALUE_CHARS = 80
#: Longest hint and longest whole message of one problem.
MAX_HINT_CHARS = 700
MAX_MESSAGE_CHARS = 1500


def shorten(text: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked in the middle (the one capping rule:
    ``tools.safe_text.cap_text``)."""
    return cap_text(str(text), limit)


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
        self.examples = [shorten(e) for e in examples][:5]
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file:
            where.append(shorten(self.file, 200))
        if self.column:
            where.append(f"column '{shorten(self.column)}'")
        problem = shorten(self.problem, MAX_HINT_CHARS)
        text = (": ".join([", ".join(where), problem]) if where else problem).rstrip(".")
        if self.rows is not None:
            text += f" ({self.rows} row{'s' if self.rows != 1 else ''})"
        text += "."
        if self.examples:
            text += " Examples: " + ", ".join(repr(e) for e in self.examples) + "."
        if self.hint:
            text += " " + shorten(self.hint, MAX_HINT_CHARS).rstrip(".") + "."
        return shorten(text, MAX_MESSAGE_CHARS)


class UnreadableFileError(RevOpsInputError):
    """Not a CSV/XLSX, binary junk, unknown encoding, missing file, a workbook over the budget."""


class EmptyFileError(RevOpsInputError):
    """No header or no data rows."""


class MissingColumnError(RevOpsInputError):
    """A required canonical column (record_id) could not be mapped."""


class InvalidValuesError(RevOpsInputError):
    """Values in a column cannot be used (dates that do not parse, negative amounts, ...)."""


class MappingError(RevOpsInputError):
    """A user mapping override (--map / mapping file / --role / --date-order) is malformed or unknown."""


class TargetsError(RevOpsInputError):
    """The targets file is malformed."""


DateOrder = Literal["dmy", "mdy"]


@dataclass(frozen=True)
class DateOrderQuestion:
    """A date column whose day/month order the data cannot decide (every value reads both ways).

    The UI offers the two readings; the CLI names the column and the ``--date-order`` to pass.
    """

    file: str
    column: str
    examples: list[str]  # a few values, e.g. ['03/04/2025', '05/06/2025']
    rows: int  # non-empty values in the column
    choices: tuple[DateOrder, DateOrder] = ("mdy", "dmy")


class AmbiguousDateOrderError(InvalidValuesError):
    """One date column reads as both day-first and month-first: the user must choose."""

    def __init__(self, question: DateOrderQuestion) -> None:
        self.question = question
        super().__init__(
            "the day/month order cannot be told from the data: every date reads both as month/day and as "
            "day/month", file=question.file, column=question.column, rows=question.rows,
            examples=question.examples,
            hint=f'Say which it is: --date-order "{question.column}=mdy" (month first, 03/04 = March 4) or '
                 f'--date-order "{question.column}=dmy" (day first, 03/04 = 3 April)')


@dataclass(frozen=True)
class PlausibilityIssue:
    """One reason an upload looks misread (SPEC §9.3), with the mapping or role to try."""

    code: str  # equal_stages, no_won, duplicate_ids, weak_join, disjoint_dates
    message: str  # what looked wrong, with the figures
    suggestion: str  # the mapping or role to try
    file: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "suggestion": self.suggestion, "file": self.file}


@dataclass(frozen=True)
class PlausibilityVerdict:
    """The gate's verdict on a loaded upload: empty ``issues`` means it looks plausible."""

    issues: list[PlausibilityIssue] = field(default_factory=list)
    forced: bool = False  # the user chose to proceed anyway (--force)

    @property
    def plausible(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, object]:
        return {"plausible": self.plausible, "forced": self.forced, "issues": [i.to_dict() for i in self.issues]}


class ImplausibleUploadError(RevOpsInputError):
    """The upload loaded but looks misread; no diagnosis is made unless the user forces it."""

    def __init__(self, verdict: PlausibilityVerdict) -> None:
        self.verdict = verdict
        body = "\n".join(f"- {shorten(i.message, MAX_HINT_CHARS)} {shorten(i.suggestion, MAX_HINT_CHARS)}"
                         for i in verdict.issues)
        super().__init__(f"the upload looks misread, so no diagnosis was made:\n{body}\n"
                         "Fix the mapping or role above, or run again with --force to diagnose it as loaded")

    def render(self) -> str:  # the problem text already carries every issue
        return self.problem


class ValidationFailed(RevOpsInputError):
    """Several fatal problems found in one pass over an upload; all are reported together."""

    def __init__(self, problems: Sequence[RevOpsInputError]) -> None:
        self.problems = list(problems)
        shown = self.problems[:20]
        body = "\n".join(f"- {p.render()}" for p in shown)
        more = f"\n- … and {len(self.problems) - len(shown)} more" if len(self.problems) > len(shown) else ""
        super().__init__(f"{len(self.problems)} problems found in the upload:\n{body}{more}")

    def render(self) -> str:  # the summary line already carries every problem
        return self.problem

    @property
    def date_order_questions(self) -> list[DateOrderQuestion]:
        """The date columns among the problems whose day/month order the user must choose."""
        return [p.question for p in self.problems if isinstance(p, AmbiguousDateOrderError)]


@dataclass(frozen=True)
class DataQualityIssue:
    """A survivable problem: rows kept (or dropped) and counted, never silently."""

    code: str
    message: str
    rows: int
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "rows": self.rows}
