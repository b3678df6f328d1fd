"""Expected figures for the evaluation set, computed from the canonical frame with plain pandas.

Independent of the product's metric code on purpose: these are the definitions written out again
from the SPEC, so an answer that agrees with them agrees with an analyst redoing the sums.

Definitions (one row = one lead/deal journey):

- a record *reached* a stage when it has that stage's date, a later stage's date, or a phase that
  implies it; a lost deal reached the opportunity stage; *won* = reached won, *lost* = lost date or
  phase ``lost``;
- a stage count in a period counts the records whose entry date into the stage (its own date, else
  the next later stage's date) falls in the period; leads by creation date;
- won deals, revenue, deal size and cycle belong to the period of the won date; lost deals to the
  lost date; win rate in a period = won / (won + lost) closed in it;
- a conversion in a period is the cohort that entered the from-stage in it;
- follow-up is measured on MQLs by MQL date: hours from MQL to first touch (both present, >= 0),
  the median and the share within 24 hours; *never contacted* = MQL, no first touch, not SQL;
- the recycle pool: lost deals, and MQLs at least 90 days old (at the latest date in the data)
  that never became SQL;
- open deals: reached opportunity, neither won nor lost (a snapshot: no period); the weighted
  pipeline multiplies each open deal's amount by its phase's win probability (prospecting 0%,
  engaging 25%, proposal 30%, negotiation 50%, commit 75%); a deal is *stalled* when it has been open
  (from its opportunity date to the latest date in the data) longer than the 90th percentile of won
  cycles (opportunity to won, in days) of its segment, or of every segment when its own has under 30;
- days between two stages: the median days from the from-stage's own date to the to-stage's own
  date, over the records that have both (a negative lag is not a lag); leads start at creation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

STAGES = ("lead", "mql", "sql", "opportunity", "won")
STAGE_DATE = {"lead": "created_date", "mql": "mql_date", "sql": "sql_date",
              "opportunity": "opportunity_date", "won": "won_date"}
PHASE_RANK = {"lead": 0, "mql": 1, "sql": 2, "prospecting": 3, "engaging": 3, "proposal": 3,
              "negotiation": 3, "commit": 3, "lost": 3, "won": 4}
DATES = ("created_date", "mql_date", "first_touch_date", "sql_date", "opportunity_date", "won_date",
         "lost_date", "churn_date")
CONVERSIONS = {"lead_to_mql": ("lead", "mql"), "mql_to_sql": ("mql", "sql"),
               "sql_to_opportunity": ("sql", "opportunity"), "opportunity_to_won": ("opportunity", "won"),
               "lead_to_won": ("lead", "won"), "mql_to_won": ("mql", "won"), "mql_to_opportunity": ("mql", "opportunity"),
               "sql_to_won": ("sql", "won")}
COUNTS = {"leads": "lead", "mqls": "mql", "sqls": "sql", "opportunities": "opportunity", "won_deals": "won"}
#: totals: a ranking of these needs no minimum sample
SUMS = frozenset({*COUNTS, "lost_deals", "won_revenue", "open_pipeline", "open_deals", "never_contacted_mqls",
                  "weighted_pipeline", "stalled_deals", "stalled_amount",
                  "recycle_lost_deals", "recycle_lost_amount", "recycle_mqls", "churned_customers"})
#: rankings ignore groups resting on fewer records than this
MIN_N = 30
SLA_HOURS = 24.0
RECYCLE_DAYS = 90
PHASE_PROBABILITY = {"prospecting": 0.0, "engaging": 0.25, "proposal": 0.30, "negotiation": 0.50, "commit": 0.75}
STALL_QUANTILE = 0.9
STALL_MIN_WON = 30


@dataclass(frozen=True)
class Figure:
    """One number an answer must state: its kind decides how it is matched."""

    value: float
    kind: str  # percent | count | money | hours | days | number
    label: str | None = None


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns with dates as datetimes (derived flags, if any, are ignored)."""
    out = frame[[c for c in frame.columns if not c.startswith("reached_") and c != "is_lost"]].copy()
    for column in DATES:
        if column in out:
            out[column] = pd.to_datetime(out[column], errors="coerce")
    return out


def as_of(frame: pd.DataFrame) -> pd.Timestamp:
    return max(frame[c].max() for c in DATES if c in frame and frame[c].notna().any()).normalize()


def _rank(frame: pd.DataFrame) -> pd.Series:
    phase = frame["phase"].astype("string").str.lower() if "phase" in frame else pd.Series("", index=frame.index)
    return phase.map(PHASE_RANK).astype("float64").fillna(-1)


def reached(frame: pd.DataFrame, stage: str) -> pd.Series:
    i = STAGES.index(stage)
    hit = pd.Series(False, index=frame.index)
    for later in STAGES[i:]:
        if STAGE_DATE[later] in frame:
            hit |= frame[STAGE_DATE[later]].notna()
    if stage != "won" and "lost_date" in frame:
        hit |= frame["lost_date"].notna()
    return hit | (_rank(frame) >= i)


def lost(frame: pd.DataFrame) -> pd.Series:
    hit = frame["lost_date"].notna() if "lost_date" in frame else pd.Series(False, index=frame.index)
    if "phase" in frame:
        hit |= frame["phase"].astype("string").str.lower().eq("lost").fillna(False)
    return hit


def entry_date(frame: pd.DataFrame, stage: str) -> pd.Series:
    """When a record entered ``stage``: its own date, else the next later stage's date."""
    dates = frame[STAGE_DATE[stage]].copy()
    for later in STAGES[STAGES.index(stage) + 1 :]:
        dates = dates.fillna(frame[STAGE_DATE[later]])
    return dates


def window(spec: str | list[str], data_as_of: pd.Timestamp, first: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, end)`` of a named period, a relative one, or an explicit ``[start, end]`` pair."""
    if isinstance(spec, list):
        return pd.Timestamp(spec[0]), pd.Timestamp(spec[1])
    month0 = pd.Timestamp(year=data_as_of.year, month=data_as_of.month, day=1)
    complete_end = pd.Timestamp((data_as_of + pd.Timedelta(days=1)).replace(day=1))
    quarter0 = pd.Timestamp(year=data_as_of.year, month=3 * ((data_as_of.month - 1) // 3) + 1, day=1)
    to_date = data_as_of + pd.Timedelta(days=1)
    if spec.startswith("last_") and spec.endswith(("_months", "_quarters")):
        n = int(spec.split("_")[1])
        months = n * (3 if spec.endswith("_quarters") else 1)
        return complete_end - pd.DateOffset(months=months), complete_end
    named = {
        "this_month": (month0, to_date), "last_month": (month0 - pd.DateOffset(months=1), month0),
        "this_quarter": (quarter0, to_date), "last_quarter": (quarter0 - pd.DateOffset(months=3), quarter0),
        "this_year": (pd.Timestamp(year=data_as_of.year, month=1, day=1), to_date),
        "last_year": (pd.Timestamp(year=data_as_of.year - 1, month=1, day=1),
                      pd.Timestamp(year=data_as_of.year, month=1, day=1)),
    }
    if spec in named:
        return named[spec]
    if spec in ("current", "baseline"):
        current, baseline = current_and_baseline(data_as_of, first)
        return current if spec == "current" else baseline
    if "-Q" in spec:
        year, q = spec.split("-Q")
        start = pd.Timestamp(year=int(year), month=3 * (int(q) - 1) + 1, day=1)
        return start, start + pd.DateOffset(months=3)
    if len(spec) == 4:
        return pd.Timestamp(year=int(spec), month=1, day=1), pd.Timestamp(year=int(spec) + 1, month=1, day=1)
    start = pd.Timestamp(spec + "-01")
    return start, start + pd.DateOffset(months=1)


def current_and_baseline(data_as_of: pd.Timestamp, first: pd.Timestamp) -> tuple[tuple[pd.Timestamp, pd.Timestamp], ...]:
    """The comparison windows: the latest whole quarter (month when under 180 days of data) and the
    same window a year earlier (else the window before it)."""
    months = 3 if (data_as_of - first).days >= 180 else 1
    end = pd.Timestamp((data_as_of + pd.Timedelta(days=1)).replace(day=1))
    current = (end - pd.DateOffset(months=months), end)
    year_ago = (current[0] - pd.DateOffset(months=12), current[1] - pd.DateOffset(months=12))
    first_month = pd.Timestamp(first.replace(day=1)).normalize()
    if year_ago[0] >= first_month:
        return current, year_ago
    return current, (current[0] - pd.DateOffset(months=months), current[0])


def _in(dates: pd.Series, span: tuple[pd.Timestamp, pd.Timestamp] | None) -> pd.Series:
    if span is None:
        return pd.Series(True, index=dates.index)
    return (dates >= span[0]) & (dates < span[1])


def measure(frame: pd.DataFrame, metric: str, span: tuple[pd.Timestamp, pd.Timestamp] | None,
            data_as_of: pd.Timestamp, whole: pd.DataFrame | None = None) -> tuple[float | None, int]:
    """(value, n) of ``metric`` over ``frame`` in ``span`` (None = whole upload); ``whole`` is the
    upload ``frame`` was cut from (stall thresholds are the whole upload's)."""
    if metric in COUNTS:
        stage = COUNTS[metric]
        hit = reached(frame, stage) & _in(entry_date(frame, stage), span)
        return float(hit.sum()), int(hit.sum())
    won = reached(frame, "won")
    is_lost = lost(frame)
    won_in = won & _in(frame["won_date"], span) if span else won
    lost_in = is_lost & _in(frame["lost_date"], span) if span else is_lost
    if metric == "lost_deals":
        return float(lost_in.sum()), int(lost_in.sum())
    if metric == "won_revenue":
        return float(frame.loc[won_in, "amount"].fillna(0).sum()), int(won_in.sum())
    if metric == "win_rate":
        n = int(won_in.sum() + lost_in.sum())
        return (won_in.sum() / n if n else None), n
    if metric == "average_deal_size":
        amounts = frame.loc[won_in, "amount"].dropna()
        return (float(amounts.mean()) if len(amounts) else None), len(amounts)
    if metric == "median_cycle_days":
        days = ((frame.loc[won_in, "won_date"] - frame.loc[won_in, "opportunity_date"]).dt.total_seconds()
                / 86400).dropna()
        days = days[days >= 0]
        return (float(days.median()) if len(days) else None), len(days)
    if metric.endswith("_reached") and metric.removesuffix("_reached") in CONVERSIONS:  # "how many leads became MQLs"
        a, b = CONVERSIONS[metric.removesuffix("_reached")]
        hit = reached(frame, a) & _in(entry_date(frame, a), span) & reached(frame, b)
        return float(hit.sum()), int(hit.sum())
    if metric in CONVERSIONS:
        a, b = CONVERSIONS[metric]
        cohort = reached(frame, a) & _in(entry_date(frame, a), span)
        n = int(cohort.sum())
        return ((reached(frame, b) & cohort).sum() / n if n else None), n
    if metric in ("median_follow_up_hours", "follow_up_within_sla", "never_contacted_mqls", "never_contacted_share"):
        mqls = reached(frame, "mql") & _in(frame["mql_date"], span)
        if metric in ("never_contacted_mqls", "never_contacted_share"):
            hit = mqls & frame["first_touch_date"].isna() & ~reached(frame, "sql")
            if metric == "never_contacted_share":
                return (hit.sum() / mqls.sum() if mqls.sum() else None), int(mqls.sum())
            return float(hit.sum()), int(hit.sum())
        hours = ((frame.loc[mqls, "first_touch_date"] - frame.loc[mqls, "mql_date"]).dt.total_seconds()
                 / 3600).dropna()
        hours = hours[hours >= 0]
        if not len(hours):
            return None, 0
        value = float(hours.median()) if metric == "median_follow_up_hours" else float((hours <= SLA_HOURS).mean())
        return value, len(hours)
    if metric in ("open_deals", "open_pipeline"):
        open_ = reached(frame, "opportunity") & ~won & ~is_lost
        value = float(open_.sum()) if metric == "open_deals" else float(frame.loc[open_, "amount"].fillna(0).sum())
        return value, int(open_.sum())
    if metric == "weighted_pipeline":
        open_ = reached(frame, "opportunity") & ~won & ~is_lost
        probability = frame.loc[open_, "phase"].astype("string").str.lower().map(PHASE_PROBABILITY)
        known = probability.notna()
        amount = frame.loc[open_, "amount"].fillna(0)[known]
        return float((amount * probability[known].astype(float)).sum()), int(known.sum())
    if metric == "stalled_share":  # stalled among the open deals
        open_ = reached(frame, "opportunity") & ~won & ~is_lost
        hit = stalled(frame, data_as_of, frame if whole is None else whole)
        return (hit.sum() / open_.sum() if open_.sum() else None), int(open_.sum())
    if metric in ("stalled_deals", "stalled_amount"):
        hit = stalled(frame, data_as_of, frame if whole is None else whole)
        value = float(hit.sum()) if metric == "stalled_deals" else float(frame.loc[hit, "amount"].fillna(0).sum())
        return value, int(hit.sum())
    if metric.startswith("days_") and "_to_" in metric:
        a, b = metric.removeprefix("days_").split("_to_")
        moved = frame[STAGE_DATE[b]].notna() & _in(frame[STAGE_DATE[b]], span)
        days = ((frame.loc[moved, STAGE_DATE[b]] - frame.loc[moved, STAGE_DATE[a]]).dt.total_seconds() / 86400).dropna()
        days = days[days >= 0]
        return (float(days.median()) if len(days) else None), len(days)
    if metric == "recycle_lost_deals":
        return float(is_lost.sum()), int(is_lost.sum())
    if metric == "recycle_lost_amount":
        return float(frame.loc[is_lost, "amount"].fillna(0).sum()), int(is_lost.sum())
    if metric == "recycle_mqls":
        age = (data_as_of - frame["mql_date"]).dt.days
        hit = reached(frame, "mql") & ~reached(frame, "sql") & (age >= RECYCLE_DAYS)
        return float(hit.sum()), int(hit.sum())
    if metric == "churned_customers":
        hit = won & frame["churn_date"].notna() & _in(frame["churn_date"], span)
        return float(hit.sum()), int(hit.sum())
    raise KeyError(f"the oracle has no metric {metric!r}")


def stalled(frame: pd.DataFrame, data_as_of: pd.Timestamp, whole: pd.DataFrame) -> pd.Series:
    """Open deals of ``frame`` open longer than the 90th percentile won cycle of their segment in the
    ``whole`` upload (or of all its deals when the segment has too few)."""
    won = reached(whole, "won")
    cycle = (whole.loc[won, "won_date"] - entry_date(whole, "opportunity")[won]).dt.total_seconds() / 86400
    cycle = cycle[cycle >= 0]
    overall = float(cycle.quantile(STALL_QUANTILE)) if len(cycle) else float("inf")
    limits = {}
    if "segment" in whole:
        for segment, days in cycle.groupby(whole.loc[cycle.index, "segment"].astype("string")):
            if len(days) >= STALL_MIN_WON:
                limits[str(segment)] = float(days.quantile(STALL_QUANTILE))
    open_ = reached(frame, "opportunity") & ~reached(frame, "won") & ~lost(frame)
    age = (data_as_of - frame["opportunity_date"]).dt.total_seconds() / 86400
    segment = frame["segment"].astype("string") if "segment" in frame else pd.Series(pd.NA, index=frame.index)
    limit = segment.map(limits).astype("float64").fillna(overall)
    return open_ & (age > limit)


KIND = {"win_rate": "percent", "follow_up_within_sla": "percent", "never_contacted_share": "percent",
        "stalled_share": "percent", "won_revenue": "money",
        "average_deal_size": "money", "open_pipeline": "money", "recycle_lost_amount": "money",
        "median_cycle_days": "days", "median_follow_up_hours": "hours", "weighted_pipeline": "money",
        "stalled_amount": "money", **{f"days_{a}_to_{b}": "days" for i, a in enumerate(STAGES) for b in STAGES[i + 1:]}}


def kind_of(metric: str) -> str:
    if metric in CONVERSIONS:
        return "percent"
    return KIND.get(metric, "count")


def _period_key(dates: pd.Series, grain: str) -> pd.Series:
    if grain == "month":
        return dates.dt.strftime("%Y-%m")
    return dates.dt.year.astype("Int64").astype("string") + "-Q" + ((dates.dt.month - 1) // 3 + 1).astype(
        "Int64").astype("string")


def _event_dates(frame: pd.DataFrame, metric: str) -> pd.Series:
    if metric in COUNTS:
        return entry_date(frame, COUNTS[metric])
    if metric in CONVERSIONS:
        return entry_date(frame, CONVERSIONS[metric][0])
    if metric in ("median_follow_up_hours", "follow_up_within_sla", "never_contacted_mqls", "never_contacted_share"):
        return frame["mql_date"]
    if metric == "lost_deals":
        return frame["lost_date"]
    if metric == "win_rate":
        return frame["won_date"].fillna(frame["lost_date"])
    return frame["won_date"]


def expected(spec: dict[str, Any], frame: pd.DataFrame, targets: pd.DataFrame | None = None) -> list[Figure]:
    """The figures an answer to a question with ``spec`` must state.

    ``spec`` keys: ``metric``; ``by`` (a dimension, ``month`` or ``quarter``); ``where`` ({dimension:
    value}); ``period`` (``2025-Q3``, ``2025-03``, ``2025``, ``last_quarter``, ``last_3_months``,
    ``current``, ``baseline``...); ``periods`` (the labels of a trend to check); ``top``/``bottom``
    (a ranking: the k best/worst groups with at least ``MIN_N`` records); ``attainment`` (a target
    period); ``capacity`` / ``reverse_plan`` (planning inputs).
    """
    data_as_of = as_of(frame)
    first = frame["created_date"].min()
    if "capacity" in spec:
        return [_capacity(spec["capacity"], targets)]
    if "quarter_target" in spec or "coverage" in spec:
        return _quarter_target(spec, frame, targets, data_as_of)
    if "reverse_plan" in spec:
        deal = frame.loc[reached(frame, "won"), "amount"].dropna().mean()
        return [Figure(float(math.ceil(spec["reverse_plan"]["target"] / deal - 1e-9)), "count")]
    rows = frame
    for dimension, value in (spec.get("where") or {}).items():
        rows = rows[rows[dimension].astype("string") == value]
    metric = spec["metric"]
    if "attainment" in spec:
        assert targets is not None
        period = spec["attainment"]
        value, _ = measure(rows, metric, window(period, data_as_of, first), data_as_of)
        target_name = {"leads": "leads", "mqls": "mql", "sqls": "sql", "opportunities": "opportunities",
                       "won_deals": "won", "won_revenue": "revenue"}[metric]
        goal = targets[(targets["period"].astype(str) == period) & (targets["metric"] == target_name)]["target"]
        return [Figure(float(value or 0.0), kind_of(metric)), Figure(float(goal.iloc[0]), kind_of(metric)),
                Figure(float(value or 0.0) / float(goal.iloc[0]), "percent")]
    span: tuple[pd.Timestamp, pd.Timestamp] | None = (
        window(spec["period"], data_as_of, first) if spec.get("period") else None)
    by = spec.get("by")
    if by is None:
        value, _ = measure(rows, metric, span, data_as_of, frame)
        return [] if value is None else [Figure(value, kind_of(metric))]
    if by in ("month", "quarter"):
        keys = _period_key(_event_dates(rows, metric), by)
        wanted = spec.get("periods") or []
        out = []
        for label in wanted:
            value, _ = measure(rows[keys == label], metric, None, data_as_of)
            if value is not None:
                out.append(Figure(value, kind_of(metric), label))
        return out
    groups = []
    keys = rows[by].astype("string").fillna("(missing)")
    for label, group in rows.groupby(keys, sort=True):
        value, n = measure(group, metric, span, data_as_of, frame)
        if value is not None:
            groups.append((str(label), value, n))
    k = spec.get("top") or spec.get("bottom")
    if k:
        eligible = [g for g in groups if metric in SUMS or g[2] >= MIN_N]
        eligible.sort(key=lambda g: g[1], reverse=bool(spec.get("top")))
        groups = eligible[:k]
    return [Figure(value, kind_of(metric), label) for label, value, _ in groups]


def _quarter_target(spec: dict[str, Any], frame: pd.DataFrame, targets: pd.DataFrame | None,
                    data_as_of: pd.Timestamp) -> list[Figure]:
    """A quarter's revenue target (its months' targets summed), or with ``coverage`` the open pipeline over
    what is still to win of it (the target less the revenue won in the quarter so far)."""
    assert targets is not None
    quarter = spec.get("quarter_target") or spec["coverage"]
    if quarter == "this_quarter":  # the quarter of the latest date in the data
        quarter = f"{data_as_of.year}-Q{(data_as_of.month - 1) // 3 + 1}"
    year, q = quarter.split("-Q")
    months = {f"{year}-{3 * (int(q) - 1) + m:02d}" for m in (1, 2, 3)}
    target = float(targets[(targets["metric"] == "revenue") & targets["period"].astype(str).isin(months)]["target"].sum())
    if "quarter_target" in spec:
        return [Figure(target, "money")]
    won_so_far, _ = measure(frame, "won_revenue", window(quarter, data_as_of, frame["created_date"].min()), data_as_of)
    open_pipeline, _ = measure(frame, "open_pipeline", None, data_as_of)
    return [Figure(float(open_pipeline or 0.0) / (target - float(won_so_far or 0.0)), "number")]


def _capacity(plan: dict[str, Any], targets: pd.DataFrame | None) -> Figure:
    target = plan.get("target")
    if target is None:
        assert targets is not None
        revenue = targets[targets["metric"] == "revenue"].sort_values("period")
        target = float(revenue["target"].iloc[-1])
    return Figure(float(math.ceil(target / (plan["quota"] * 0.8) - 1e-9)), "count")
