"""The loaded, canonical dataset every analysis takes, and stage-reach derivation.

``LoadedData`` is what ``tools.ingest.loading.load_exports`` returns and what ``tools.diagnosis``,
the agent tools, the memo and the UI consume. ``from_canonical`` builds one from an in-memory
canonical frame (the scenario generator and tests use it; the loader ends with it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tools.errors import DataQualityIssue
from tools.load_report import Capabilities, LoadReport, capabilities_of
from tools.schema import (
    AMOUNT_COLUMN,
    DATE_COLUMNS,
    DIMENSION_COLUMNS,
    ID_COLUMN,
    LOST_FLAG,
    PHASE_COLUMN,
    PHASES,
    REACHED_COLUMNS,
    STAGE_DATE_COLUMNS,
    STAGES,
)

#: Normalised ``phase`` values and the furthest stage each implies.
PHASE_STAGE: dict[str, str] = {
    "lead": "lead",
    "mql": "mql",
    "sql": "sql",
    **{p: "opportunity" for p in PHASES},
    "lost": "opportunity",
    "won": "won",
}


@dataclass(frozen=True)
class SourceFile:
    """One uploaded file as the loader saw it."""

    name: str
    dialect: str
    encoding: str
    rows: int
    sha256: str
    mapping: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "dialect": self.dialect,
            "encoding": self.encoding,
            "rows": self.rows,
            "sha256": self.sha256,
            "mapping": dict(self.mapping),
        }


@dataclass
class LoadedData:
    """Canonical table (one row per lead/deal journey) plus how it was obtained."""

    frame: pd.DataFrame
    mapping: dict[str, str] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    data_quality: list[DataQualityIssue] = field(default_factory=list)
    dialect: str = "canonical"
    #: files, roles, joins, capabilities and the plausibility verdict (``load`` in the JSON)
    report: LoadReport = field(default_factory=LoadReport)
    #: ISO 4217 code the export's amounts show (signs, codes, header); None when it does not say
    currency: str | None = None

    @property
    def capabilities(self) -> Capabilities:
        """Which analyses the data supports (from the loader, or worked out from the frame)."""
        if self.report.capabilities is not None:
            return self.report.capabilities
        return capabilities_of(self.frame)

    @property
    def input_hash(self) -> str:
        """SHA-256 over the input files (or over the frame when built in memory)."""
        if self.files:
            digest = hashlib.sha256()
            for f in sorted(self.files, key=lambda f: f.name):
                digest.update(f"{f.name}:{f.sha256}\n".encode())
            return digest.hexdigest()
        hashed = pd.util.hash_pandas_object(self.frame, index=False)
        return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()

    @property
    def dimensions(self) -> list[str]:
        """Dimension columns present with at least one value."""
        return [c for c in DIMENSION_COLUMNS if c in self.frame and self.frame[c].notna().any()]

    @property
    def extra_dimensions(self) -> dict[str, str]:
        """The upload's own categorical columns kept as dimensions: frame column -> its header (label).

        The metric layer and the chat break down and filter by them; the diagnosis does not split by them.
        """
        return {e.name: e.label for e in self.report.extra_dimensions
                if e.name in self.frame and self.frame[e.name].notna().any()}

    @property
    def rows(self) -> int:
        return len(self.frame)


def derive_stage_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``reached_<stage>`` and ``is_lost`` (SPEC §3: a later stage implies the earlier ones).

    A record reached a stage when it has that stage's date, a later stage's date, or a
    normalised ``phase`` value implying that stage or a later one. Lost deals reached the
    opportunity stage.
    """
    out = frame.copy(deep=False)  # copy-on-write: new columns never touch the caller's frame
    n = len(out)
    phase = out[PHASE_COLUMN] if PHASE_COLUMN in out else pd.Series([None] * n, index=out.index)
    # a dict lookup, not a per-row lambda: this runs over every row of million-row uploads
    stage_rank = {value: STAGES.index(stage) for value, stage in PHASE_STAGE.items()}
    codes, uniques = pd.factorize(phase)
    # code -1 (missing) picks the trailing -1
    ranks = np.array([stage_rank.get(v, -1) for v in uniques] + [-1], dtype=np.int8)
    phase_rank = ranks[codes]
    # the furthest stage with a date; arithmetic, not writes through a mask (many times slower)
    date_rank = np.full(n, -1, dtype=np.int8)
    for rank, stage in enumerate(STAGES):
        col = STAGE_DATE_COLUMNS[stage]
        if col in out:
            np.maximum(date_rank, out[col].notna().to_numpy() * np.int8(rank + 1) - 1, out=date_rank)
    lost_date = out["lost_date"] if "lost_date" in out else pd.Series(pd.NaT, index=out.index)
    is_lost = lost_date.notna() | (phase == "lost")
    # a lost deal was an opportunity, even if the export has no opportunity date (an unknown
    # is_lost, possible with a nullable phase, counts as lost here, as Series.where did)
    lost = is_lost.to_numpy(dtype=bool, na_value=True)
    loss_rank = lost * np.int8(STAGES.index("opportunity") + 1) - 1
    # every record is at least a lead, dated or not (an undated snapshot has no created date)
    furthest = np.maximum(np.maximum(np.maximum(phase_rank, date_rank), loss_rank), 0)
    for rank, stage in enumerate(STAGES):
        out[REACHED_COLUMNS[stage]] = furthest >= rank
    won = out[REACHED_COLUMNS["won"]]
    out[LOST_FLAG] = is_lost & ~won
    return out


#: The ``"string"`` dtype as an object: ``dtype == "string"`` is also true of ``str`` (NaN-valued) columns.
_STRING = pd.api.types.pandas_dtype("string")


def coerce_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Give canonical columns their dtypes: ids as strings, dates as datetime64, amount as float.

    A column that already has its dtype (the loader's frames) is kept as it is.
    """
    out = frame.copy(deep=False)  # copy-on-write: columns are replaced, not modified in place
    text = [ID_COLUMN] + [c for c in DIMENSION_COLUMNS if c in out and c != "employee_count"]
    for col in text:
        if out[col].dtype != _STRING:
            out[col] = out[col].astype(_STRING)
    for col in DATE_COLUMNS:
        if col in out and not _is_naive_datetime(out[col]):
            out[col] = pd.to_datetime(out[col], errors="coerce")
    if AMOUNT_COLUMN in out and out[AMOUNT_COLUMN].dtype != np.float64:
        out[AMOUNT_COLUMN] = pd.to_numeric(out[AMOUNT_COLUMN], errors="coerce").astype("float64")
    if "employee_count" in out and not pd.api.types.is_numeric_dtype(out["employee_count"]):
        out["employee_count"] = pd.to_numeric(out["employee_count"], errors="coerce")
    return out


def _is_naive_datetime(column: pd.Series) -> bool:
    """numpy ``datetime64`` (any unit, no time zone): what ``pd.to_datetime`` would return unchanged."""
    return isinstance(column.dtype, np.dtype) and column.dtype.kind == "M"


def from_canonical(
    frame: pd.DataFrame,
    *,
    data_quality: list[DataQualityIssue] | None = None,
    mapping: dict[str, str] | None = None,
    files: list[SourceFile] | None = None,
    dialect: str = "canonical",
    report: LoadReport | None = None,
) -> LoadedData:
    """Wrap an in-memory canonical frame as ``LoadedData`` (coerced, with stage flags)."""
    canonical = derive_stage_flags(coerce_canonical(frame))
    return LoadedData(
        frame=canonical.reset_index(drop=True),
        mapping=dict(mapping or {c: c for c in frame.columns}),
        files=list(files or []),
        data_quality=list(data_quality or []),
        dialect=dialect,
        report=report or LoadReport(),
    )
