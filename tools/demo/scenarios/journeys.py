"""Vectorised simulation of lead journeys: who converts, when, for how much, and who churns.

Times are float days since 1970-01-01. A stage a record never reaches is NaN; the cut at
``as_of`` (immature cohorts) happens later, in ``tools.demo.scenarios.generator``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import tools.demo.scenarios.profile as p
from tools.demo.scenarios.plants import Plant

DAYS_PER_MONTH = 365.25 / 12


@dataclass
class Journeys:
    """Per-record stage times (NaN = never) and outcomes, before the ``as_of`` cut."""

    mql: np.ndarray
    first_touch: np.ndarray
    sql: np.ndarray
    opportunity: np.ndarray
    close: np.ndarray  # won or lost date (stalled deals: the late close-out as lost)
    won: np.ndarray  # bool: the deal is (or will be) won
    stalled: np.ndarray  # bool: a losing deal nobody works, closed out months later
    amount: np.ndarray  # ACV for opportunities, NaN otherwise
    churn: np.ndarray  # churn time for won customers, NaN otherwise


def pick_codes(rng: np.random.Generator, cumulative: np.ndarray) -> np.ndarray:
    """Draw one code per row from per-row cumulative probabilities (shape n x k)."""
    u = rng.random(len(cumulative))
    return (u[:, None] >= cumulative[:, :-1]).sum(axis=1)


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(n))


def simulate_journeys(
    rng: np.random.Generator,
    created: np.ndarray,
    source: np.ndarray,
    segment: np.ndarray,
    icp: np.ndarray,
    plant: Plant,
    window_start: float,
) -> Journeys:
    """Simulate every record's path through the funnel.

    A plant acts from ``window_start`` on the records entering the stage it changes on or after
    that day (follow-up: MQLs; meeting quality: SQLs; win rate, deal size, cycle: opportunities;
    churn: churn events), the way a change in team behaviour or market shows up in a real CRM.

    Args:
        rng: the scenario's random generator.
        created: creation times (days).
        source, segment, icp: integer codes (see ``profile``); icp 1 = fits the ICP.
        plant: the planted change.
        window_start: start of the planted window (days); ``np.inf`` for no plant.
    """
    n = len(created)
    nan = np.full(n, np.nan)

    is_mql = rng.random(n) < p.LEAD_TO_MQL[source] * p.SEG_MQL[segment]
    mql = np.where(is_mql, created + _lognormal(rng, p.LEAD_TO_MQL_MEDIAN_DAYS, p.LEAD_TO_MQL_SIGMA, n), nan)

    follow_median = np.where(mql >= window_start, plant.follow_up_median_days, p.FOLLOW_UP_MEDIAN_DAYS)
    delay = _lognormal(rng, follow_median, p.FOLLOW_UP_SIGMA, n)
    touched = is_mql & (rng.random(n) >= p.NEVER_TOUCHED)
    first_touch = np.where(touched, mql + delay, nan)

    p_sql = p.MQL_TO_SQL[source] * p.SEG_SQL[segment] * p.follow_up_cooling(delay)
    is_sql = touched & (rng.random(n) < p_sql)
    # >= 1 day after the first touch, so a day-level SQL date never precedes the touch timestamp
    sql = np.where(is_sql, first_touch + 1.0 + _lognormal(rng, p.TOUCH_TO_SQL_MEDIAN_DAYS, 0.7, n), nan)

    p_opp = p.SQL_TO_OPP[source] * p.SEG_OPP[segment] * p.ICP_OPP[icp]
    p_opp = p_opp * np.where(sql >= window_start, plant.sql_to_opp_factor, 1.0)
    is_opp = is_sql & (rng.random(n) < p_opp)
    opportunity = np.where(is_opp, sql + 1.0 + _lognormal(rng, p.SQL_TO_OPP_MEDIAN_DAYS, 0.6, n), nan)

    p_won = p.OPP_TO_WON[source] * p.SEG_WON[segment] * p.ICP_WON[icp]
    opened_in_window = opportunity >= window_start
    p_won = p_won * np.where(opened_in_window & (segment == p.ENTERPRISE), plant.enterprise_win_factor, 1.0)
    won = is_opp & (rng.random(n) < p_won)
    lost = is_opp & ~won
    stalled = lost & (rng.random(n) < p.STALLED_SHARE_OF_LOST)

    cycle_median = p.CYCLE_MEDIAN_DAYS[segment] * np.where(lost, 1.1, 1.0)
    cycle_median = cycle_median * np.where(opened_in_window, plant.cycle_factor, 1.0)
    cycle = 1.0 + _lognormal(rng, cycle_median, p.CYCLE_SIGMA, n)
    close = np.where(is_opp, np.where(stalled, np.inf, opportunity + cycle), nan)

    acv = _lognormal(rng, p.ACV_MEDIAN[segment], p.ACV_SIGMA, n)
    acv = acv * np.where(source == p.GIVEAWAY, p.GIVEAWAY_ACV_FACTOR, 1.0)
    acv = acv * np.where(opened_in_window, plant.acv_factor, 1.0)
    amount = np.where(is_opp, np.maximum(np.round(acv, -4), 100_000.0), nan)

    churn = _churn_times(rng, np.where(won, np.floor(close), nan), plant, window_start)
    # reps close the zombies out as lost in a pipeline review, 3-9 months after they opened
    # (drawn last so every other draw, and so every seeded scenario's story, is unchanged)
    lo, hi = p.STALLED_CLOSE_OUT_DAYS
    close = np.where(stalled, opportunity + lo + (hi - lo) * rng.random(n), close)
    return Journeys(mql, first_touch, sql, opportunity, close, won, stalled, amount, churn)


def _churn_times(
    rng: np.random.Generator, won_day: np.ndarray, plant: Plant, window_start: float
) -> np.ndarray:
    """Churn time per customer under a piecewise-constant hazard (baseline, then the plant's rate).

    Memorylessness makes this exact: draw a baseline-rate time; if it falls before the window
    start it stands, otherwise the customer survived to the window and draws again at the new rate.
    """
    n = len(won_day)
    daily_base = -np.log1p(-p.MONTHLY_CHURN) / DAYS_PER_MONTH
    daily_recent = -np.log1p(-plant.monthly_churn) / DAYS_PER_MONTH
    start = won_day + p.ONBOARDING_DAYS
    first = start + rng.exponential(1.0 / daily_base, n)
    second = np.maximum(start, window_start) + rng.exponential(1.0 / daily_recent, n)
    return np.where(first < window_start, first, second)
