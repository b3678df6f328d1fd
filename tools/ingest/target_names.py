"""The header and metric names of a targets file (long ``period,metric,target`` or wide
``period,leads,mql,...``), shared by the targets reader and the file-role classifier."""

from __future__ import annotations

from tools.ingest.headers import normalise_name

METRIC_NAMES: dict[str, tuple[str, ...]] = {
    "leads": ("leads", "lead", "リード", "リード数"),
    "mql": ("mql", "mqls", "MQL数"),
    "sql": ("sql", "sqls", "SQL数"),
    "opportunities": ("opportunities", "opportunity", "opps", "商談", "商談数"),
    "won": ("won", "wins", "deals won", "受注", "受注数", "受注件数"),
    "revenue": ("revenue", "bookings", "売上", "受注金額", "売上目標"),
}
METRICS = {normalise_name(n): m for m, names in METRIC_NAMES.items() for n in names}
PERIOD_HEADERS = {normalise_name(n) for n in ("period", "month", "quarter", "year", "期間", "年月", "月")}
METRIC_HEADERS = {normalise_name(n) for n in ("metric", "kpi", "指標")}
TARGET_HEADERS = {normalise_name(n) for n in ("target", "value", "goal", "目標", "目標値")}


def looks_like_targets(headers: list[str]) -> bool:
    """A period column with metric + target columns (long) or two metric columns (wide)."""
    names = {normalise_name(h) for h in headers}
    if not names & PERIOD_HEADERS:
        return False
    return bool(names & METRIC_HEADERS and names & TARGET_HEADERS) or len(names & set(METRICS)) >= 2
