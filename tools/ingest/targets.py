"""Targets files: long ``period,metric,target`` or wide ``period,leads,mql,sql,opportunities,won,revenue``.

Periods are ``YYYY-MM`` (month), ``YYYY-Qn`` (quarter) or ``YYYY`` (year). ``Targets.frame`` is a
tidy long table (period, grain, metric, target); ``Targets.target_for`` answers "what is the
revenue target for this date range" (pro-rating periods that only partly overlap it).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tools.errors import RevOpsInputError, TargetsError
from tools.ingest.headers import normalise_name
from tools.ingest.reading import sniff
from tools.ingest.target_names import METRIC_HEADERS, METRICS, PERIOD_HEADERS, TARGET_HEADERS
from tools.schema import TARGET_METRICS

_GRAINS = ("month", "quarter", "year")
_METRICS, _PERIOD_HEADERS, _METRIC_HEADERS, _TARGET_HEADERS = METRICS, PERIOD_HEADERS, METRIC_HEADERS, TARGET_HEADERS
_HINT = ("Use a long file with columns period,metric,target or a wide one with period,leads,mql,sql,"
         "opportunities,won,revenue; periods look like 2025-04, 2025-Q2 or 2025")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[-/ ]?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def period_bounds(period: str) -> tuple[str, date, date]:
    """``(grain, first day, last day)`` of a normalised period label; ValueError when not one."""
    if m := _MONTH.match(period):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(period)
        start = date(year, month, 1)
        return "month", start, _month_end(start)
    if m := _QUARTER.match(period):
        start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return "quarter", start, _month_end(date(start.year, start.month + 2, 1))
    if m := _YEAR.match(period):
        return "year", date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    raise ValueError(period)


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _label(period: str) -> str:
    """Canonical label: 2025-04, 2025-Q2, 2025."""
    grain, start, _ = period_bounds(period)
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


@dataclass
class Targets:
    """Targets per period and metric, as a tidy long frame (period, grain, metric, target)."""

    frame: pd.DataFrame
    source: str = "targets"

    @property
    def metrics(self) -> list[str]:
        """Metrics that have at least one target."""
        return [m for m in TARGET_METRICS if (self.frame["metric"] == m).any()]

    def target_for(self, metric: str, start: date, end: date, *, whole: bool = False) -> float | None:
        """Target for ``metric`` over ``start``..``end`` (inclusive), or None when none overlaps.

        Uses the finest grain given for the metric (months before quarters before years) and
        pro-rates a period by the share of its days inside the range. With ``whole``, None also when
        that grain's periods leave part of the range uncovered (a quarter with only its first
        month's target has no quarter target: a third of it would read as the whole).
        """
        if metric not in TARGET_METRICS:
            raise ValueError(f"unknown target metric '{metric}'; valid: {', '.join(TARGET_METRICS)}")
        rows = self.frame[self.frame["metric"] == metric]
        for grain in _GRAINS:
            total, overlapped, covered = 0.0, False, 0
            for period, target in rows.loc[rows["grain"] == grain, ["period", "target"]].itertuples(index=False):
                _, first, last = period_bounds(period)
                days = (min(last, end) - max(first, start)).days + 1
                if days > 0:
                    overlapped = True
                    covered += days
                    total += float(target) * days / ((last - first).days + 1)
            if overlapped:
                return None if whole and covered < (end - start).days + 1 else total
        return None

    def to_records(self) -> list[dict[str, object]]:
        """Plain rows for JSON."""
        return [dict(r) for r in self.frame.to_dict(orient="records")]


def targets_from_frame(frame: pd.DataFrame, source: str = "targets") -> Targets:
    """Validate an in-memory long frame (period, metric, target) into ``Targets``."""
    return _build(frame.astype({"period": str, "metric": str}), source, {"period": "period", "metric": "metric",
                                                                         "target": "target"})


def load_targets(path: Path | str) -> Targets:
    """Read a targets CSV/XLSX file in long or wide form; ``TargetsError`` when it is malformed."""
    path = Path(path)
    try:
        sniffed = sniff(path)
    except RevOpsInputError as err:
        raise TargetsError(err.problem, file=err.file, hint=err.hint) from None
    name = sniffed.name
    if sniffed.xlsx_rows is not None:
        raw = pd.DataFrame(sniffed.xlsx_rows, columns=sniffed.headers, dtype=object).astype("string")
    else:
        raw = pd.read_csv(io.BytesIO(bytes(sniffed.data[sniffed.data_start:])), dtype=str, sep=sniffed.delimiter, keep_default_na=False,
                          na_values=[""], skipinitialspace=True)
    headers = {normalise_name(h): h for h in raw.columns}
    period_col = next((h for n, h in headers.items() if n in _PERIOD_HEADERS), None)
    if period_col is None:
        raise TargetsError("no period column found", file=name,
                           hint=f"Columns found: {', '.join(repr(h) for h in raw.columns)}. {_HINT}")
    metric_col = next((h for n, h in headers.items() if n in _METRIC_HEADERS), None)
    target_col = next((h for n, h in headers.items() if n in _TARGET_HEADERS), None)
    if metric_col and target_col:
        columns = {"period": period_col, "metric": metric_col, "target": target_col}
        return _build(raw, name, columns)
    wide = {h: _METRICS[n] for n, h in headers.items() if n in _METRICS}
    if not wide:
        raise TargetsError("no metric columns found", file=name,
                           hint=f"Columns found: {', '.join(repr(h) for h in raw.columns)}. {_HINT}")
    long = raw.melt(id_vars=[period_col], value_vars=list(wide), var_name="metric", value_name="target")
    long["metric"] = long["metric"].map(wide)
    long = long[long["target"].notna()]
    return _build(long, name, {"period": period_col, "metric": "metric", "target": "target"})


def _build(raw: pd.DataFrame, name: str, columns: dict[str, str]) -> Targets:
    if raw.empty:
        raise TargetsError("the targets file has no rows", file=name, hint=_HINT)
    periods = raw[columns["period"]].astype("string").str.strip().fillna("")
    labels, bad = [], []
    for value in periods:
        try:
            labels.append(_label(value))
        except ValueError:
            labels.append("")
            bad.append(value)
    if bad:
        raise TargetsError("periods must look like 2025-04, 2025-Q2 or 2025", file=name, column=columns["period"],
                           rows=len(bad), examples=bad, hint=_HINT)
    metrics = raw[columns["metric"]].astype("string").map(lambda v: _METRICS.get(normalise_name(v), ""))
    unknown = raw.loc[(metrics == "").to_numpy(), columns["metric"]].astype(str).tolist()
    if unknown:
        raise TargetsError("unknown metric", file=name, column=columns["metric"], rows=len(unknown),
                           examples=unknown, hint=f"Valid metrics: {', '.join(TARGET_METRICS)}")
    text = raw[columns["target"]].astype("string").str.replace(r"[,\s¥$￥円]", "", regex=True)
    targets = pd.to_numeric(text, errors="coerce")
    invalid = raw.loc[(targets.isna() | (targets < 0)).to_numpy(), columns["target"]].astype(str).tolist()
    if invalid:
        raise TargetsError("targets must be non-negative numbers", file=name, column=columns["target"],
                           rows=len(invalid), examples=invalid, hint=_HINT)
    frame = pd.DataFrame({
        "period": labels,
        "grain": [period_bounds(p)[0] for p in labels],
        "metric": metrics.astype(str).to_numpy(),
        "target": targets.astype("float64").to_numpy(),
    })
    repeated = frame.duplicated(["period", "metric"], keep=False)
    if repeated.any():
        examples = (frame.loc[repeated, "period"] + " " + frame.loc[repeated, "metric"]).drop_duplicates().tolist()
        raise TargetsError("the same period and metric appear more than once", file=name,
                           rows=int(repeated.sum()), examples=examples, hint="Keep one target per period and metric")
    return Targets(frame.sort_values(["metric", "period"], ignore_index=True), source=name)


def targets_frame(targets: object) -> pd.DataFrame | None:
    """Tidy ``period, metric, target`` frame from a DataFrame or a ``Targets`` object."""
    if targets is None:
        return None
    if isinstance(targets, pd.DataFrame):
        frame = targets
    else:
        frame = None
        for attr in ("frame", "long", "data", "table"):
            value = getattr(targets, attr, None)
            if isinstance(value, pd.DataFrame):
                frame = value
                break
        if frame is None and callable(getattr(targets, "to_frame", None)):
            frame = targets.to_frame()  # type: ignore[attr-defined]
        if frame is None:
            return None
    if not {"period", "metric", "target"} <= set(frame.columns):
        return None
    out = frame[["period", "metric", "target"]].copy()
    out["period"] = out["period"].astype("string")
    out["metric"] = out["metric"].astype("string")
    out["target"] = pd.to_numeric(out["target"], errors="coerce")
    return out.dropna(subset=["target"])
