"""``generate_scenario``: a seeded canonical dataset with one planted cause and known truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

import tools.demo.scenarios.profile as p
from tools.dataset import LoadedData, from_canonical
from tools.demo.scenarios.journeys import Journeys, pick_codes, simulate_journeys
from tools.demo.scenarios.plants import PLANTED_CAUSES, PLANTS, TRUTHS, Plant, PlantedCause, Truth
from tools.demo.scenarios.targets import build_targets
from tools.schema import CANONICAL_COLUMNS, PHASES

EPOCH = date(1970, 1, 1)
DATE_DTYPE = "datetime64[us]"  # what pandas infers for parsed dates, so frames compare cleanly


@dataclass
class Scenario:
    """A generated dataset: canonical frame, monthly targets, and what was planted.

    ``window_start`` is the first day of the planted (recent) window; it is for tests that check
    the plant directly. The diagnosis must find the cause without it.
    """

    frame: pd.DataFrame
    targets: pd.DataFrame
    truth: Truth
    as_of: date
    window_start: date = field(default=date(1970, 1, 1))

    def to_loaded_data(self) -> LoadedData:
        """The frame as ``tools.dataset.LoadedData`` (coerced, with stage flags)."""
        return from_canonical(self.frame, dialect="canonical")


@dataclass(frozen=True)
class Calendar:
    """Monthly history ending at ``as_of``, in days since the epoch."""

    month_start: np.ndarray  # int day number of each month's first day
    month_days: np.ndarray  # days of each month inside the history (the last may be partial)
    full_days: np.ndarray  # calendar length of each month
    month_of_year: np.ndarray  # 0 = January
    labels: list[str]  # "YYYY-MM"
    window_index: int  # first month of the recent window
    cutoff: float  # first instant after as_of

    @property
    def window_start(self) -> float:
        return float(self.month_start[self.window_index])


def make_calendar(as_of: date, months: int, recent_months: int) -> Calendar:
    """The ``months`` calendar months ending with the month of ``as_of``."""
    last = np.datetime64(as_of, "M")
    month = last - np.arange(months - 1, -1, -1)
    start = month.astype("datetime64[D]")
    end = (month + 1).astype("datetime64[D]")
    full = (end - start).astype(int)
    days = full.copy()
    days[-1] = as_of.day
    return Calendar(
        month_start=start.astype(int),
        month_days=days,
        full_days=full,
        month_of_year=month.astype(int) % 12,
        labels=[str(m) for m in month],
        window_index=months - recent_months,
        cutoff=float((as_of - EPOCH).days + 1),
    )


def _quarter_end(day: date) -> date:
    """The last day of the calendar quarter holding ``day``."""
    last_month = (day.month - 1) // 3 * 3 + 3
    return date(day.year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)


def expected_leads(calendar: Calendar, plant: Plant, leads_per_month: int) -> np.ndarray:
    """Planned (noise-free, unplanted) leads per full month: trend x seasonality."""
    trend = (1.0 + plant.monthly_growth) ** np.arange(len(calendar.labels))
    return leads_per_month * trend * p.SEASONALITY[calendar.month_of_year]


def _draw_leads(
    rng: np.random.Generator, calendar: Calendar, plant: Plant, leads_per_month: int
) -> dict[str, np.ndarray]:
    """Lead volume per month, creation times and the lead's dimensions."""
    months = len(calendar.labels)
    is_recent_month = np.arange(months) >= calendar.window_index
    level = expected_leads(calendar, plant, leads_per_month)
    level = level * np.exp(p.MONTHLY_NOISE_SIGMA * rng.standard_normal(months))
    level = level * calendar.month_days / calendar.full_days
    base_counts = rng.poisson(level * np.where(is_recent_month, plant.lead_volume_factor, 1.0))
    giveaway_counts = rng.poisson(level * plant.giveaway_ratio * is_recent_month)

    month = np.concatenate(
        [np.repeat(np.arange(months), base_counts), np.repeat(np.arange(months), giveaway_counts)]
    )
    n = len(month)
    day = np.floor(rng.random(n) * calendar.month_days[month])
    created = calendar.month_start[month] + day + (8.5 + 10.0 * rng.random(n)) / 24.0
    recent = month >= calendar.window_index

    n_base = int(base_counts.sum())
    base_cum = np.cumsum(p.SOURCE_SHARE / p.SOURCE_SHARE.sum())
    recent_share = np.asarray(plant.recent_source_share or p.SOURCE_SHARE)
    recent_cum = np.cumsum(recent_share / recent_share.sum())
    cum = np.where(recent[:n_base, None], recent_cum[None, :], base_cum[None, :])
    source = np.full(n, p.GIVEAWAY)
    source[:n_base] = pick_codes(rng, cum)

    segment_cum = np.cumsum(p.SEGMENT_GIVEN_SOURCE, axis=1)[source]
    if plant.recent_segment_share is not None:
        # the planted segment mix replaces P(segment | source) for leads created in the window
        planted = np.cumsum(np.asarray(plant.recent_segment_share) / sum(plant.recent_segment_share))
        segment_cum = np.where(recent[:, None], planted[None, :], segment_cum)
    segment = pick_codes(rng, segment_cum)
    icp = (rng.random(n) < p.ICP_YES[source]).astype(int)
    industry = rng.choice(len(p.INDUSTRIES), size=n, p=p.INDUSTRY_SHARE)
    region = rng.choice(len(p.REGIONS), size=n, p=p.REGION_SHARE)
    low, high = np.log(p.EMPLOYEES_RANGE[segment, 0]), np.log(p.EMPLOYEES_RANGE[segment, 1])
    employees = np.round(np.exp(low + (high - low) * rng.random(n))).astype(int)
    team_size = np.array([len(t) for t in p.OWNERS_BY_SEGMENT])
    team_offset = np.concatenate([[0], np.cumsum(team_size)[:-1]])
    owner = team_offset[segment] + np.floor(rng.random(n) * team_size[segment]).astype(int)

    order = np.argsort(created, kind="stable")
    leads = {
        "created": created,
        "recent": recent,
        "source": source,
        "segment": segment,
        "icp": icp,
        "industry": industry,
        "region": region,
        "employees": employees,
        "owner": owner,
    }
    return {k: v[order] for k, v in leads.items()}


def _dates(days: np.ndarray, reached: np.ndarray, *, keep_time: bool) -> pd.Series:
    """Float days -> datetime column (NaT where not reached); day-level unless ``keep_time``."""
    values = days if keep_time else np.floor(days)
    micros = np.where(reached, np.round(values * 86_400.0) * 1_000_000.0, 0.0).astype("int64")
    out = micros.view(DATE_DTYPE).copy()
    out[~reached] = np.datetime64("NaT")
    return pd.Series(out)


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(names))).astype("string")


def _phase(j: Journeys, reached: dict[str, np.ndarray], cutoff: float, rng: np.random.Generator) -> pd.Series:
    """Lead status / opportunity phase at ``as_of``; open deals by how far through the cycle they are."""
    n = len(j.mql)
    progress = np.where(np.isfinite(j.close), (cutoff - j.opportunity) / (j.close - j.opportunity), 0.0)
    open_phase = np.searchsorted([0.2, 0.45, 0.7, 0.9], np.nan_to_num(progress), side="right")
    # stalled deals sit in engaging/proposal until they are closed out
    open_phase = np.where(j.stalled, 1 + (rng.random(n) < 0.5), open_phase)
    names = np.array(["lead", "mql", "sql", *PHASES, "won", "lost"], dtype=object)
    code = np.zeros(n, dtype=int)
    code[reached["mql"]] = 1
    code[reached["sql"]] = 2
    code[reached["opportunity"]] = 3 + open_phase[reached["opportunity"]]
    code[reached["won"]] = 3 + len(PHASES)
    code[reached["lost"]] = 4 + len(PHASES)
    return pd.Series(names[code]).astype("string")


def _record_ids(n: int) -> pd.Series:
    width = max(6, len(str(n)))
    return pd.Series(np.arange(1, n + 1)).astype("string").str.zfill(width).radd("L")


def _build_frame(
    leads: dict[str, np.ndarray], j: Journeys, calendar: Calendar, rng: np.random.Generator
) -> pd.DataFrame:
    """Cut the journeys at ``as_of`` (nothing dated later) and assemble the canonical frame."""
    cut = calendar.cutoff
    reached: dict[str, np.ndarray] = {"mql": j.mql < cut}
    reached["first_touch"] = reached["mql"] & (j.first_touch < cut)
    reached["sql"] = reached["first_touch"] & (j.sql < cut)
    reached["opportunity"] = reached["sql"] & (j.opportunity < cut)
    closed = reached["opportunity"] & (j.close < cut)
    reached["won"] = closed & j.won
    reached["lost"] = closed & ~j.won
    reached["churn"] = reached["won"] & (j.churn < cut)

    frame = pd.DataFrame(
        {
            "record_id": _record_ids(len(j.mql)),
            "created_date": _dates(leads["created"], np.ones(len(j.mql), dtype=bool), keep_time=True),
            "mql_date": _dates(j.mql, reached["mql"], keep_time=True),
            "first_touch_date": _dates(j.first_touch, reached["first_touch"], keep_time=True),
            "sql_date": _dates(j.sql, reached["sql"], keep_time=False),
            "opportunity_date": _dates(j.opportunity, reached["opportunity"], keep_time=False),
            "won_date": _dates(j.close, reached["won"], keep_time=False),
            "lost_date": _dates(j.close, reached["lost"], keep_time=False),
            "amount": np.where(reached["opportunity"], j.amount, np.nan),
            "churn_date": _dates(j.churn, reached["churn"], keep_time=False),
            "lead_source": _labels(leads["source"], p.SOURCES),
            "segment": _labels(leads["segment"], p.SEGMENTS),
            "industry": _labels(leads["industry"], p.INDUSTRIES),
            "employee_count": leads["employees"],
            "icp_fit": _labels(leads["icp"], ("no", "yes")),
            "owner": _labels(leads["owner"], p.OWNER_NAMES),
            "region": _labels(leads["region"], p.REGIONS),
            "phase": _phase(j, reached, cut, rng),
        }
    )
    return frame[list(CANONICAL_COLUMNS)]


def generate_scenario(
    cause: PlantedCause = "kpi_green_revenue_flat",
    seed: int = 0,
    *,
    months: int = 30,
    leads_per_month: int = 600,
    as_of: date = date(2026, 10, 31),
    recent_months: int = 6,
) -> Scenario:
    """Generate a seeded canonical dataset with one planted cause (see ``tools.demo.scenarios``).

    Args:
        cause: the planted cause, one of ``PLANTED_CAUSES``.
        seed: random seed; the same arguments always give the same data.
        months: calendar months of history, ending with the month of ``as_of``.
        leads_per_month: baseline lead volume (before trend, seasonality and the plant).
        as_of: the export date; no date in the data is later.
        recent_months: length of the planted window at the end of the history.
    """
    if cause not in PLANTED_CAUSES:
        raise ValueError(f"unknown cause {cause!r}; valid: {', '.join(PLANTED_CAUSES)}")
    if months < 12:
        raise ValueError(f"months must be at least 12 (got {months})")
    if not 1 <= recent_months < months:
        raise ValueError(f"recent_months must be between 1 and months - 1 (got {recent_months})")
    if leads_per_month < 10:
        raise ValueError(f"leads_per_month must be at least 10 (got {leads_per_month})")
    plant = PLANTS[cause]
    rng = np.random.default_rng(seed)
    calendar = make_calendar(as_of, months, recent_months)
    leads = _draw_leads(rng, calendar, plant, leads_per_month)
    journeys = simulate_journeys(
        rng,
        leads["created"],
        leads["source"],
        leads["segment"],
        leads["icp"],
        plant,
        calendar.window_start,
    )
    frame = _build_frame(leads, journeys, calendar, rng)
    # the plan covers the history and the rest of the quarter being forecast (the one holding
    # the day after as_of): a company plans whole quarters
    plan_end = _quarter_end(as_of + timedelta(days=1))
    ahead = (plan_end.year - as_of.year) * 12 + plan_end.month - as_of.month
    plan = make_calendar(plan_end, months + ahead, recent_months + ahead)
    planned = expected_leads(plan, plant, leads_per_month)
    targets = build_targets(plan.labels, plan.window_index, plant, planned)
    window_start = EPOCH + timedelta(days=int(calendar.window_start))
    return Scenario(frame, targets, TRUTHS[cause], as_of, window_start)
