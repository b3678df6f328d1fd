"""What may leave the process: aggregates with safe labels, never people's names or raw cells.

Policy (SPEC §7, documented in ARCHITECTURE.md):

- Tool results are aggregates (counts, rates, amounts per stage / period / dimension value).
- Dimension values are aggregate *labels* ("webinar", "enterprise") and may be sent, except
  ``owner``: an owner is a person, so owner values are pseudonymised ("Rep A", "Rep B", … in
  order of record count) in every tool result. The upload's extra dimensions (its own category
  columns, ``x_...``) follow the same rules; one whose header names a role held by people (an SDR,
  a manager: ``ExtraDimension.person``) is pseudonymised as "Person 1", "Person 2", …. Any label that looks like an e-mail address,
  URL or phone number is pseudonymised the same way ("Label 1"), whatever its column.
- Labels are cut to ``MAX_LABEL`` characters and stripped of control characters, so a cell such
  as "ignore previous instructions and …" stays a short quoted string inside JSON data. A label
  that needs cutting gets its cut form as a pseudonym, so the cut holds everywhere it appears:
  in keys, in segment values and inside the sentences (finding summaries, explanations) that
  quote it. ``scrub_value`` walks a tool result before it is serialised and truncated.
- The local user sees real names again: ``reveal`` maps pseudonyms back in the final answer,
  after the remote model has finished.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import pandas as pd

from tools.schema import DIMENSION_COLUMNS, is_extra_dimension

MAX_LABEL = 60
PERSON_DIMENSIONS = ("owner",)
_SENSITIVE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://\S+|www\.\S+|\+?\d[\d\s().-]{7,}\d", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _alias(prefix: str, index: int) -> str:
    letters = string.ascii_uppercase
    if prefix == "Rep":
        name = ""
        n = index
        while True:
            name = letters[n % 26] + name
            n = n // 26 - 1
            if n < 0:
                break
        return f"Rep {name}"
    return f"{prefix} {index + 1}"


def clean_label(value: object) -> str:
    """A dimension value as a short, single-line label."""
    text = _CONTROL.sub(" ", str(value)).strip()
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


@dataclass
class Privacy:
    """Pseudonyms for person names and sensitive labels of one upload."""

    forward: dict[str, str] = field(default_factory=dict)
    backward: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame | None, people: tuple[str, ...] = ()) -> Privacy:
        """Build the pseudonym table from the upload's dimension columns, its extra dimensions included
        (``people``: the extra ones whose values name people, pseudonymised like owners: "Person 1")."""
        privacy = cls()
        if frame is None:
            return privacy
        labels = 0
        persons = 0
        extras = [c for c in frame.columns if is_extra_dimension(c)]
        for column in [*DIMENSION_COLUMNS, *extras]:
            if column not in frame or column == "employee_count":
                continue
            counts = frame[column].dropna().astype("string").value_counts()
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            if column in PERSON_DIMENSIONS:
                for i, (value, _) in enumerate(ranked):
                    privacy._add(str(value), _alias("Rep", i))
                continue
            if column in people:
                for value, _ in ranked:
                    if str(value) not in privacy.forward:
                        privacy._add(str(value), _alias("Person", persons))
                        persons += 1
                continue
            for value, _ in ranked:
                text = str(value)
                if _SENSITIVE.search(text):
                    privacy._add(text, _alias("Label", labels))
                    labels += 1
                elif clean_label(text) != text:  # too long, or control characters: send the cut form
                    cut = clean_label(text)
                    if cut in privacy.backward or not cut:
                        cut = _alias("Label", labels)
                        labels += 1
                    privacy._add(text, cut)
        return privacy

    def _add(self, real: str, alias: str) -> None:
        if real and real not in self.forward:
            self.forward[real] = alias
            self.backward[alias] = real

    def label(self, value: object) -> str:
        """The label of a dimension value as tools report it."""
        text = str(value)
        return self.forward.get(text) or clean_label(text)

    def real(self, label: str) -> str:
        """The upload's value behind a label (identity for ordinary labels)."""
        return self.backward.get(label, label)

    def scrub(self, text: str) -> str:
        """Replace every real sensitive value inside ``text`` by its pseudonym."""
        for real in sorted(self.forward, key=len, reverse=True):
            if real in text:
                pattern = rf"(?<![A-Za-z0-9]){re.escape(real)}(?![A-Za-z0-9])"
                text = re.sub(pattern, self.forward[real].replace("\\", "\\\\"), text)
        return text

    def scrub_value(self, value: object) -> object:
        """``scrub`` applied to every string (and dict key) inside a tool result."""
        if not self.forward:
            return value
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub_value(k): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_value(v) for v in value]
        return value

    def reveal(self, text: str) -> str:
        """Put the real names back (for the local user only)."""
        for alias in sorted(self.backward, key=len, reverse=True):
            if alias in text:
                pattern = rf"(?<![A-Za-z0-9]){re.escape(alias)}(?![A-Za-z0-9])"
                text = re.sub(pattern, self.backward[alias].replace("\\", "\\\\"), text)
        return text
