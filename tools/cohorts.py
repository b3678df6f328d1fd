"""Cohort conversion for one transition: current vs baseline, mature cohorts only.

Records are grouped by the date they entered the *from* stage (falling back to the creation date
when that stage has no date). A record converted if it reached the *to* stage within the
transition's maturity lag; both windows are measured the same way, and the current window is the
latest window whose cohorts have had that lag to convert. For ``opportunity_to_won`` the rate is
the win rate, ``won / (won + lost)`` of deals closed in the window, so a slower cycle is not
mistaken for a lower win rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.columns import NAT, FrameArrays, elapsed
from tools.periods import (
    Grain,
    Window,
    latest_mature_windows,
    maturity_lag,
)
from tools.schema import TRANSITION_STAGES
from tools.stats import Comparison, compare_proportions

WIN_TRANSITION = "opportunity_to_won"


@dataclass
class TransitionCohorts:
    """Per-record cohort membership and outcome for one transition."""

    transition: str
    lag_days: float
    current: Window
    baseline: Window | None
    definition: str
    #: eligible records inside either window (row positions), and each one's cell:
    #: 2 x window (0 baseline, 1 current) + success (0 or 1)
    rows: np.ndarray
    cell: np.ndarray

    def counts(self, mask: np.ndarray | None = None) -> tuple[int, int, int, int]:
        """(successes, n) in baseline then current, optionally within ``mask``."""
        rows, cell = self.rows, self.cell
        if mask is not None:
            cell = cell[mask[rows]]
        x0, f0, x1, f1 = _cell_counts(cell)
        return x0, x0 + f0, x1, x1 + f1

    def comparison(self, mask: np.ndarray | None = None) -> Comparison:
        """Two-proportion test of current vs baseline (optionally within ``mask``)."""
        return compare_proportions(*self.counts(mask))

    def counts_by(self, codes: np.ndarray, labels: list[str]) -> pd.DataFrame:
        """``x0, n0, x1, n1`` per value of a factorised key (``codes`` index into ``labels``)."""
        k = len(labels)
        key, cell = codes[self.rows], self.cell
        known = key >= 0
        # one pass: (value, cell) pairs counted together, then read out as a k x 4 table
        grid = np.bincount(key[known] * 4 + cell[known], minlength=4 * k).reshape(k, 4)
        table = pd.DataFrame(
            {"x0": grid[:, 1], "n0": grid[:, 0] + grid[:, 1], "x1": grid[:, 3], "n1": grid[:, 2] + grid[:, 3]},
            index=pd.Index(labels, name="key"),
        ).astype("int64")
        return table[(table["n0"] + table["n1"]) > 0]

    def evidence(self) -> dict[str, object]:
        """Window and maturity facts for a finding's evidence."""
        return {
            "definition": self.definition,
            "maturity_lag_days": self.lag_days,
            "current_window": self.current.label,
            "baseline_window": self.baseline.label if self.baseline else None,
        }


def _cell_counts(cell: np.ndarray) -> tuple[int, int, int, int]:
    """(baseline successes, baseline failures, current successes, current failures)."""
    f0, x0, f1, x1 = (int(c) for c in np.bincount(cell, minlength=4))
    return x0, f0, x1, f1


def transition_cohorts(
    arrays: FrameArrays, transition: str, as_of: pd.Timestamp, grain: Grain
) -> TransitionCohorts:
    """Build the cohort view of ``transition`` (see module docstring)."""
    a, b = TRANSITION_STAGES[transition]
    rows: np.ndarray | None  # the records measured, or None with ``eligible`` over every record
    if transition == WIN_TRANSITION:
        # win rate is measured on deals *closed* in the window: closing is the event, no cohort
        # has to mature, and a slower cycle does not read as a lower win rate
        is_won = arrays.reached("won")
        rows = np.flatnonzero(arrays.reached(a) & (is_won | arrays.lost()))
        entered = arrays.closed()[rows]
        success = is_won[rows]
        lag = 0.0
        definition = "win rate: won / (won + lost) of deals closed in the window"
    else:
        # only records that reached the from-stage are measured
        eligible = arrays.reached(a)
        # only records that reached the to-stage can have converted (a to-stage date or a later
        # one implies reaching it)
        converted = eligible & arrays.reached(b)
        if np.count_nonzero(converted) * 2 > len(converted):
            # most records converted: every step over whole columns with masks, cheaper than picking
            # the rows out of each column (the same values either way)
            rows, (entered, success, lag) = None, _converted_in_time(arrays, a, b, converted)
        else:
            rows = np.flatnonzero(eligible)
            entered, success, lag = _converted_in_time_of(arrays, a, b, rows)
        definition = f"reached {b} within {lag:.0f} days of entering {a} (mature cohorts)"
    current, baseline = latest_mature_windows(as_of, grain, lag, arrays.first_created, wide_baseline=True)
    in_current = current.mask(entered)
    in_baseline = baseline.mask(entered) if baseline is not None else np.zeros(len(entered), dtype=bool)
    member = in_current | in_baseline
    # the cell over every row, then the members picked once (one fancy index instead of three)
    cell = (in_current & ~in_baseline).view(np.int8) * np.int8(2) + success.view(np.int8)
    if rows is None:
        member &= eligible
        return TransitionCohorts(transition, lag, current, baseline, definition, np.flatnonzero(member), cell[member])
    return TransitionCohorts(transition, lag, current, baseline, definition, rows[member], cell[member])


def _converted_in_time(arrays: FrameArrays, a: str, b: str,
                       converted: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Over every record: the date it entered ``a``, whether it reached ``b`` within the maturity
    lag (only the ``converted`` can), and the lag."""
    entered = arrays.stage(a)
    arrived = arrays.stage(b, fallback="later")
    delta = elapsed(entered, arrived)
    lag = maturity_lag(delta[converted])
    # a record that reached the stage without any date counts as converted in time
    success = converted & ((delta <= lag) | (arrived == NAT))  # NaN (no entry date) is not in time
    return entered, success, lag


def _converted_in_time_of(arrays: FrameArrays, a: str, b: str,
                          rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``_converted_in_time`` for the records at ``rows`` alone (when they are few)."""
    subset = None if len(rows) == len(arrays) else rows  # every lead reached the lead stage
    entered = arrays.stage(a, rows=subset)
    converted = arrays.reached(b) if subset is None else arrays.reached(b)[rows]
    arrived = arrays.stage(b, fallback="later", rows=rows[converted])
    delta = elapsed(entered[converted], arrived)
    lag = maturity_lag(delta)
    success = np.zeros(len(rows), dtype=bool)
    success[converted] = (delta <= lag) | (arrived == NAT)
    return entered, success, lag
