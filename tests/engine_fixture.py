"""A tiny hand-checkable funnel for the engine's unit tests (values are counted by hand)."""

from __future__ import annotations

import pandas as pd

from tools.dataset import LoadedData, from_canonical

AS_OF = pd.Timestamp("2025-06-30")

# id, created, mql, first_touch, sql, opp, won, lost, amount, churn, segment, phase
ROWS = [
    (
        "A",
        "2025-01-05",
        "2025-01-06 09:00",
        "2025-01-06 12:00",
        "2025-01-10",
        "2025-01-20",
        "2025-02-19",
        None,
        1000.0,
        None,
        "SMB",
        "won",
    ),
    (
        "B",
        "2025-01-07",
        "2025-01-08 09:00",
        "2025-01-09 09:00",
        "2025-01-12",
        "2025-01-22",
        None,
        "2025-03-01",
        2000.0,
        None,
        "SMB",
        "lost",
    ),
    (
        "C",
        "2025-01-10",
        "2025-01-11 09:00",
        "2025-01-11 10:00",
        "2025-01-15",
        "2025-02-01",
        "2025-04-02",
        None,
        3000.0,
        "2025-06-01",
        "Enterprise",
        "won",
    ),
    (
        "D",
        "2025-02-01",
        "2025-02-02 08:00",
        "2025-02-05 08:00",
        "2025-02-10",
        "2025-03-01",
        None,
        None,
        4000.0,
        None,
        "Enterprise",
        "negotiation",
    ),
    (
        "E",
        "2025-02-03",
        "2025-02-04 08:00",
        "2025-02-04 20:00",
        "2025-02-08",
        None,
        None,
        None,
        None,
        None,
        "SMB",
        "sql",
    ),
    ("F", "2025-03-01", "2025-03-02 08:00", None, None, None, None, None, None, None, "SMB", "mql"),
    ("G", "2025-03-05", None, None, None, None, None, None, None, None, "Enterprise", "lead"),
    (
        "H",
        "2025-04-01",
        "2025-04-02 08:00",
        "2025-04-02 09:00",
        "2025-04-05",
        "2025-06-20",
        None,
        None,
        5000.0,
        None,
        "SMB",
        "proposal",
    ),
]
COLUMNS = [
    "record_id",
    "created_date",
    "mql_date",
    "first_touch_date",
    "sql_date",
    "opportunity_date",
    "won_date",
    "lost_date",
    "amount",
    "churn_date",
    "segment",
    "phase",
]


def fixture_frame() -> pd.DataFrame:
    """The raw canonical frame."""
    return pd.DataFrame(ROWS, columns=COLUMNS)


def fixture_data() -> LoadedData:
    """The fixture as ``LoadedData`` (stage flags derived)."""
    return from_canonical(fixture_frame())
