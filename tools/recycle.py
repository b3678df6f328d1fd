"""The recycle pool: lost deals and old MQLs that never became SQL, worth routing back to nurture.

One definition for the ``recycle_opportunity`` finding and the metric layer's ``recycle_*`` metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.columns import DAY_NS, NAT, FrameArrays
from tools.schema import CREATED_COLUMN

#: Unconverted MQLs must be at least this old (days) to count as recyclable, not still in play.
RECYCLE_MIN_AGE_DAYS = 90


@dataclass(frozen=True)
class RecyclePool:
    """Masks over the records: lost deals, and MQLs older than ``RECYCLE_MIN_AGE_DAYS`` never SQL."""

    lost: np.ndarray
    unconverted_mqls: np.ndarray


def recycle_pool(arrays: FrameArrays, as_of: pd.Timestamp) -> RecyclePool:
    """The recycle pool at ``as_of`` (MQL age in whole days, floored like ``Timedelta.days``)."""
    mql_date = arrays.dates("mql_date" if arrays.has("mql_date") else CREATED_COLUMN)
    old = (mql_date != NAT) & ((as_of.value - mql_date) // DAY_NS >= RECYCLE_MIN_AGE_DAYS)
    return RecyclePool(arrays.lost(), arrays.reached("mql") & ~arrays.reached("sql") & old)
