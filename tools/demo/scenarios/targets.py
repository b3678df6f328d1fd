"""Monthly targets for a generated scenario: the plan the business set before the plant hit.

The plan is the expected flow of the *unplanted* business: planned leads per month (trend x
seasonality) convolved with how long leads take to reach each stage. Each month's target for a
metric is the number of records expected to reach that stage in that calendar month (revenue: the
won amount by won month). The lag profile comes from a fixed-seed Monte Carlo of the baseline
funnel, computed once per process. In the recent window targets are multiplied by the plant's
``plan_uplift`` (the KPI-green story's stretch plan).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

import tools.demo.scenarios.profile as p
from tools.demo.scenarios.journeys import DAYS_PER_MONTH, pick_codes, simulate_journeys
from tools.demo.scenarios.plants import NEUTRAL, Plant
from tools.schema import TARGET_METRICS

_PROFILE_LEADS = 200_000
_PROFILE_SEED = 20_260_401


@lru_cache(maxsize=4)
def stage_profiles(horizon: int) -> np.ndarray:
    """Per planned lead: expected records reaching each target metric ``k`` months after creation.

    Returns an array (len(TARGET_METRICS), horizon); the revenue row is in yen per lead.
    """
    rng = np.random.default_rng(_PROFILE_SEED)
    n = _PROFILE_LEADS
    created = rng.random(n) * DAYS_PER_MONTH
    share = np.cumsum(p.SOURCE_SHARE / p.SOURCE_SHARE.sum())
    source = pick_codes(rng, np.broadcast_to(share, (n, len(share))))
    segment = pick_codes(rng, np.cumsum(p.SEGMENT_GIVEN_SOURCE, axis=1)[source])
    icp = (rng.random(n) < p.ICP_YES[source]).astype(int)
    j = simulate_journeys(rng, created, source, segment, icp, NEUTRAL, np.inf)
    won_at = np.where(j.won, j.close, np.nan)
    times = {
        "leads": created,
        "mql": j.mql,
        "sql": j.sql,
        "opportunities": j.opportunity,
        "won": won_at,
        "revenue": won_at,
    }
    rows = []
    for metric in TARGET_METRICS:
        t = times[metric]
        valid = np.isfinite(t)
        k = np.floor(t[valid] / DAYS_PER_MONTH).astype(int)
        weights = j.amount[valid] if metric == "revenue" else np.ones(int(valid.sum()))
        keep = k < horizon
        rows.append(np.bincount(k[keep], weights=weights[keep], minlength=horizon)[:horizon] / n)
    return np.vstack(rows)


def build_targets(
    labels: list[str], window_index: int, plant: Plant, planned_leads: np.ndarray
) -> pd.DataFrame:
    """Long targets frame ``period, metric, target`` for every month in ``labels``."""
    months = len(labels)
    profiles = stage_profiles(months)
    uplift = np.where(np.arange(months) >= window_index, plant.plan_uplift, 1.0)
    records: list[tuple[str, str, float]] = []
    for row, metric in enumerate(TARGET_METRICS):
        flow = np.convolve(planned_leads, profiles[row])[:months] * uplift
        values = np.round(flow, -4) if metric == "revenue" else np.round(flow)
        records.extend((labels[m], metric, float(values[m])) for m in range(months))
    out = pd.DataFrame(records, columns=["period", "metric", "target"])
    out["target"] = out["target"].astype("int64")
    out["period"] = out["period"].astype("string")
    out["metric"] = out["metric"].astype("string")
    return out.sort_values("period", kind="stable").reset_index(drop=True)
