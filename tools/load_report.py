"""The load report (SPEC §9.3): what the loader did with each file, how files were joined, and
which analyses the data supports.

``LoadReport.to_dict()`` is the ``load`` object of ``revops diagnose --json``. The UI's mapping
editor reads the same typed objects: each file's role, dialect, encoding, rows, mapping and unused
columns; each join with matched / unmatched counts; the capabilities with the reason each missing
one is missing; the plausibility verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tools.errors import PlausibilityVerdict
from tools.schema import AMOUNT_COLUMN, REACHED_COLUMNS, STAGES

CAPABILITIES: tuple[str, ...] = ("trends", "follow_up", "deal_size", "retention", "win_rate")
#: What each capability lets the engine do (for the "not analysed" lines).
CAPABILITY_NEEDS: dict[str, str] = {
    "trends": "dated records (a created, opportunity or other stage date)",
    "follow_up": "an MQL date and a first-contact date",
    "deal_size": "amounts on won deals",
    "retention": "churn dates of won customers",
    "win_rate": "deal outcomes (won / lost stages, dates or flags)",
}


#: Headline metrics that rest on each capability: blanked (None) when the data cannot support them.
CAPABILITY_METRICS: dict[str, tuple[str, ...]] = {
    "win_rate": ("win_rate", "open_pipeline", "weighted_pipeline"),  # without outcomes nothing is known open
    "deal_size": ("average_deal_size",),
    "follow_up": ("median_follow_up_hours", "follow_up_within_sla"),
    "retention": ("churn_rate", "retention_rate", "ltv"),
}


@dataclass(frozen=True)
class FileReport:
    """One uploaded file as the loader saw it."""

    name: str
    role: str  # one of tools.ingest.roles.FILE_ROLES
    dialect: str
    encoding: str
    rows: int
    mapping: dict[str, str] = field(default_factory=dict)  # key -> the file's column
    unused_columns: list[str] = field(default_factory=list)
    role_reason: str = ""  # why this role (shown next to it)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "dialect": self.dialect, "encoding": self.encoding,
                "rows": self.rows, "unused_columns": list(self.unused_columns), "mapping": dict(self.mapping),
                "role_reason": self.role_reason}


@dataclass(frozen=True)
class JoinReport:
    """One join between two files: ``left``'s keys looked up in ``right``."""

    left: str
    right: str
    on: tuple[str, str]  # (left column, right column)
    matched: int  # distinct left keys found in right
    unmatched: int  # distinct left keys not found in right
    kind: str = "records"  # records (leads ⋈ opportunities) or lookup (dimensions from accounts/owners)

    @property
    def match_rate(self) -> float:
        total = self.matched + self.unmatched
        return self.matched / total if total else 1.0

    def to_dict(self) -> dict[str, object]:
        return {"left": self.left, "right": self.right, "on": list(self.on), "matched": self.matched,
                "unmatched": self.unmatched, "kind": self.kind}


@dataclass(frozen=True)
class Capabilities:
    """Which analyses the data supports; ``missing`` says why each unsupported one is missing."""

    trends: bool
    follow_up: bool
    deal_size: bool
    retention: bool
    win_rate: bool
    funnel_start: str = "lead"  # the first stage the records enter at (opportunity-only: opportunity)
    #: stages no column observes: their counts are implied by later stages only
    unobserved_stages: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. follow-up measured from midnight
    #: whether any record has a start date (False: an undated snapshot, with no "as of" date of its own)
    dated: bool = True

    @property
    def observed_stages(self) -> list[str]:
        """The stages the upload observes: from the funnel's start on, without those no column observes.

        A count or a conversion of any other stage would be a guess (implied by a later stage, or a
        zero where the outcome is simply not in the data).
        """
        start = STAGES.index(self.funnel_start) if self.funnel_start in STAGES else 0
        return [s for s in STAGES[start:] if s not in self.unobserved_stages]

    def observes(self, stage: str) -> bool:
        return stage in self.observed_stages

    @property
    def observed_steps(self) -> list[tuple[str, str]]:
        """Conversions between consecutive observed stages (Lead → Opportunity for a converted flag)."""
        stages = self.observed_stages
        return list(zip(stages, stages[1:], strict=False))

    def to_dict(self) -> dict[str, object]:
        return {"trends": self.trends, "follow_up": self.follow_up, "deal_size": self.deal_size,
                "retention": self.retention, "win_rate": self.win_rate, "funnel_start": self.funnel_start,
                "unobserved_stages": list(self.unobserved_stages), "missing": dict(self.missing),
                "notes": list(self.notes), "dated": self.dated}


@dataclass(frozen=True)
class ExtraDimension:
    """A categorical column the loader maps to no canonical key, kept as a dimension of its own.

    ``name`` is its column on the canonical frame (``x_lead_origin``), ``label`` the header it came
    from; ``person``: its values name people (an SDR, a manager), so a remote model sees pseudonyms.
    """

    name: str
    label: str
    file: str
    values: int
    person: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "label": self.label, "file": self.file, "values": self.values,
                "person": self.person}


@dataclass(frozen=True)
class LoadReport:
    """Files, roles, joins and capabilities of one upload (SPEC §9.3 ``load``)."""

    files: list[FileReport] = field(default_factory=list)
    joins: list[JoinReport] = field(default_factory=list)
    capabilities: Capabilities | None = None
    plausibility: PlausibilityVerdict = field(default_factory=PlausibilityVerdict)
    #: the analysis date when the leads end well before the other dates (None: the latest date)
    as_of: pd.Timestamp | None = None
    #: categorical columns kept as dimensions of their own (breakdowns and filters, not the diagnosis)
    extra_dimensions: list[ExtraDimension] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"files": [f.to_dict() for f in self.files], "joins": [j.to_dict() for j in self.joins],
                "capabilities": self.capabilities.to_dict() if self.capabilities else None,
                "plausibility": self.plausibility.to_dict(),
                "as_of": self.as_of.date().isoformat() if self.as_of is not None else None,
                "extra_dimensions": [e.to_dict() for e in self.extra_dimensions]}


_NAT = np.iinfo(np.int64).min


def date_range(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last date of a ``datetime64`` column (None when it has none): one pass over int64 views."""
    values = dates.to_numpy()
    if values.dtype.kind != "M" or not len(values):
        return None
    stamps = values.view(np.int64)
    last = int(stamps.max())  # NaT is the smallest int64, so max skips it
    if last == _NAT:
        return None
    first = int(np.where(stamps == _NAT, last, stamps).min())
    bounds = np.array([first, last], dtype=np.int64).view(values.dtype)
    return pd.Timestamp(bounds[0]), pd.Timestamp(bounds[1])


def _months_spanned(dates: pd.Series) -> int:
    """Calendar months from the first to the last date (0 when undated)."""
    span = date_range(dates)
    if span is None:
        return 0
    first, last = span
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _has(frame: pd.DataFrame, column: str) -> bool:
    if column not in frame:
        return False
    return date_range(frame[column]) is not None if frame[column].dtype.kind == "M" else bool(
        frame[column].notna().any())


def capabilities_of(frame: pd.DataFrame, *, funnel_start: str = "lead", outcomes_known: bool | None = None,
                    outcomes_missing: str | None = None, unobserved_stages: list[str] | None = None,
                    notes: list[str] | None = None) -> Capabilities:
    """What ``frame`` (canonical, with stage flags) supports.

    ``outcomes_known`` is the loader's knowledge of whether the columns can say won *and* lost
    (``outcomes_missing`` says what is missing when not); for an in-memory frame it is inferred
    from won/lost dates and phases.
    """
    months = _months_spanned(frame["created_date"]) if "created_date" in frame else 0
    won = frame[REACHED_COLUMNS["won"]].to_numpy(dtype=bool) if REACHED_COLUMNS["won"] in frame else np.zeros(
        len(frame), dtype=bool)
    if outcomes_known is None:
        phase = frame["phase"] if "phase" in frame else pd.Series(dtype="object")
        outcomes_known = bool(won.any()) or _has(frame, "lost_date") or bool(phase.isin(["won", "lost"]).any())
    amounts = frame[AMOUNT_COLUMN].to_numpy(dtype=float, na_value=np.nan)[won] if AMOUNT_COLUMN in frame else []
    has = {
        "trends": months >= 2,
        "follow_up": _has(frame, "mql_date") and _has(frame, "first_touch_date"),
        "deal_size": bool(np.isfinite(amounts).any()) if len(amounts) else False,
        "retention": _has(frame, "churn_date") and bool(won.any()),
        "win_rate": bool(outcomes_known),
    }
    missing = {}
    for name, ok in has.items():
        if not ok:
            missing[name] = f"needs {CAPABILITY_NEEDS[name]}"
    if not has["win_rate"] and outcomes_missing:
        missing["win_rate"] = outcomes_missing
    if not has["trends"] and months == 1:
        missing["trends"] = "needs dated records over at least two months (all dates fall in one month)"
    return Capabilities(**has, funnel_start=funnel_start, unobserved_stages=list(unobserved_stages or []),
                        missing=missing, notes=list(notes or []), dated=months > 0)


def without_unsupported(metrics: dict[str, object], capabilities: Capabilities) -> dict[str, object]:
    """``metrics`` with every value the data cannot support set to None (its reason is in ``missing``)."""
    out = dict(metrics)
    for capability, keys in CAPABILITY_METRICS.items():
        if capability in capabilities.missing:
            for key in keys:
                if key in out:
                    out[key] = None
    return out
