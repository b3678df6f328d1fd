"""The problems of one upload: fatal errors gathered over every file, survivable ones counted.

Fatal problems are raised together at the end (one error, or ``ValidationFailed`` listing them
all); survivable ones become ``DataQualityIssue`` warnings. Free of pandas, so the first steps of a
load (sniffing, mapping, starting the reads) can run before pandas is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tools.errors import DataQualityIssue, RevOpsInputError, ValidationFailed


@dataclass(frozen=True)
class DuplicateDrop:
    """Rows of one file (or of several, combined) dropped because their id repeated."""

    where: str
    dropped: int
    rows: int


@dataclass
class Problems:
    """Collects fatal errors and data-quality warnings over a whole upload."""

    fatal: list[RevOpsInputError] = field(default_factory=list)
    issues: list[DataQualityIssue] = field(default_factory=list)
    duplicates: list[DuplicateDrop] = field(default_factory=list)  # for the plausibility gate

    def add(self, error: RevOpsInputError) -> None:
        """Record a fatal problem (raised later, together with the others)."""
        self.fatal.append(error)

    def warn(self, code: str, message: str, rows: int, examples: Sequence[object] = ()) -> None:
        """Record a survivable problem."""
        self.issues.append(DataQualityIssue(code, message, int(rows), [str(e) for e in examples][:3]))

    def merge(self, other: Problems) -> None:
        """Append another collector's problems (e.g. one column's, parsed on another thread)."""
        self.fatal.extend(other.fatal)
        self.issues.extend(other.issues)
        self.duplicates.extend(other.duplicates)

    def raise_if_fatal(self) -> None:
        """Raise the one fatal problem, or ``ValidationFailed`` with all of them."""
        if len(self.fatal) == 1:
            raise self.fatal[0]
        if self.fatal:
            raise ValidationFailed(self.fatal)


