"""The shared analysis context: windows, cohorts and windowed measures computed once.

The bottleneck and every finding detector read from one ``AnalysisContext`` so each number is
computed in one place and the detectors stay small.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from tools.cohorts import TransitionCohorts, transition_cohorts
from tools.columns import DAY_NS, HOUR_NS, NAT, FrameArrays, elapsed
from tools.dataset import LoadedData
from tools.funnel import factorise_dimension
from tools.ingest.targets import targets_frame
from tools.metrics import AgingSummary, amount_stats, churn_in_window, stage_aging
from tools.periods import (
    Grain,
    Periods,
    Window,
    choose_periods,
    latest_mature_windows,
    maturity_lag,
)
from tools.schema import AMOUNT_COLUMN, CREATED_COLUMN
from tools.stats import (
    Comparison,
    compare_counts,
    compare_means,
    compare_proportions,
    compare_rates,
    stratified_log_test,
)


@dataclass
class AnalysisContext:
    """Everything the detectors share for one diagnosis run."""

    data: LoadedData
    periods: Periods
    targets: pd.DataFrame | None = None
    _cohorts: dict[str, TransitionCohorts] = field(default_factory=dict)
    deal_size_adjusted_ratio: float | None = None
    _codes: dict[str, Future[tuple[np.ndarray, list[str]]]] = field(default_factory=dict)
    # measures several detectors ask for, memoised (a 1-tuple so a None result is cached too)
    _deal_size: tuple[Comparison | None] | None = None
    _cycle: tuple[tuple[Comparison, float, float, float] | None] | None = None
    _churn: tuple[tuple[Comparison, float] | None] | None = None

    @classmethod
    def build(
        cls,
        data: LoadedData,
        targets: object = None,
        *,
        as_of: object = None,
        grain: Grain | None = None,
    ) -> AnalysisContext:
        """Choose the windows and wrap the data."""
        as_of_ts = None if as_of is None else pd.Timestamp(as_of)  # type: ignore[arg-type]
        periods = choose_periods(data.frame, as_of=as_of_ts, grain=grain)
        return cls(data=data, periods=periods, targets=targets_frame(targets))

    @property
    def frame(self) -> pd.DataFrame:
        return self.data.frame

    @property
    def as_of(self) -> pd.Timestamp:
        return self.periods.as_of

    @property
    def grain(self) -> Grain:
        return self.periods.grain

    @property
    def periods_per_year(self) -> int:
        return 12 if self.grain == "month" else 4

    @property
    def period_days(self) -> float:
        return 365.25 / self.periods_per_year

    @property
    def comparable(self) -> bool:
        """There is a baseline window to compare with."""
        return self.periods.current is not None and self.periods.baseline is not None

    @cached_property
    def arrays(self) -> FrameArrays:
        """Numpy views of the frame (dates as int64 ns, flags, amounts), computed once."""
        return FrameArrays(self.frame)

    def cohorts(self, transition: str) -> TransitionCohorts:
        """Cohort view of one transition (cached)."""
        if transition not in self._cohorts:
            self._cohorts[transition] = transition_cohorts(self.arrays, transition, self.as_of, self.grain)
        return self._cohorts[transition]

    def dimension_codes(self, dimension: str) -> tuple[np.ndarray, list[str]]:
        """Factorised dimension (integer codes, labels), computed once per run.

        The same codes and label order as ``pd.factorize(dimension_key(...))`` (first appearance,
        missing values labelled ``(missing)``), without copying the column to fill its gaps.
        """
        if dimension not in self._codes:
            done: Future[tuple[np.ndarray, list[str]]] = Future()
            done.set_result(factorise_dimension(self.frame, dimension))
            self._codes[dimension] = done
        return self._codes[dimension].result()

    def prefetch_dimension_codes(self, dimensions: Iterable[str]) -> None:
        """Start factorising ``dimensions`` on worker threads while the caller goes on.

        Hashing a million strings takes tens of milliseconds per dimension and pyarrow does it
        without holding the GIL, so the codes are ready by the time the detectors split by them.
        """
        todo = [d for d in dimensions if d in self.frame and d not in self._codes]
        if not todo:
            return
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="factorise")
        for dim in todo:
            self._codes[dim] = pool.submit(factorise_dimension, self.frame, dim)
        pool.shutdown(wait=False)  # the submitted jobs still run; dimension_codes waits for each

    def dimension_mask(self, dimension: str, value: str) -> np.ndarray:
        """Rows whose ``dimension`` equals ``value``."""
        codes, labels = self.dimension_codes(dimension)
        return codes == labels.index(value) if value in labels else np.zeros(len(codes), dtype=bool)

    def conversion(self, transition: str, mask: np.ndarray | None = None) -> Comparison:
        """Current vs baseline conversion of ``transition`` (optionally within ``mask``)."""
        return self.cohorts(transition).comparison(mask)

    @cached_property
    def has_amounts(self) -> bool:
        return AMOUNT_COLUMN in self.frame and bool(self.frame[AMOUNT_COLUMN].notna().any())

    @cached_property
    def has_churn(self) -> bool:
        """At least one churn date is known."""
        return bool((self.arrays.dates("churn_date") != NAT).any())

    @cached_property
    def aging(self) -> AgingSummary:
        """Open deals and how long they have been open, at the analysis date."""
        return stage_aging(self.arrays, self.as_of)

    @cached_property
    def first_date(self) -> pd.Timestamp:
        """The earliest creation date (where the data's history starts)."""
        return self.frame[CREATED_COLUMN].min()

    # --- windowed volume and value measures --------------------------------------------------

    def windows(self) -> tuple[Window, Window] | None:
        if self.periods.current is None or self.periods.baseline is None:
            return None
        return self.periods.baseline, self.periods.current

    def in_windows(self, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(baseline mask, current mask) for int64-ns ``dates`` (see ``tools.columns``)."""
        wins = self.windows()
        if wins is None:
            return None
        return wins[0].mask(dates), wins[1].mask(dates)

    def stage_volume(self, stage: str, mask: np.ndarray | None = None) -> Comparison | None:
        """Records entering ``stage`` in current vs baseline (Poisson test)."""
        dates = self.arrays.stage(stage) if stage != "lead" else self.arrays.dates(CREATED_COLUMN)
        masks = self.in_windows(dates)
        if masks is None:
            return None
        reached = self.arrays.reached(stage)
        if mask is not None:
            reached = reached & mask
        return compare_counts(int((masks[0] & reached).sum()), int((masks[1] & reached).sum()))

    @cached_property
    def won_in_windows(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Masks of deals won in the baseline / current window."""
        if "won_date" not in self.frame:
            return None
        return self.in_windows(self.arrays.dates("won_date"))

    @cached_property
    def rate_windows(self) -> tuple[Window, Window] | None:
        """(baseline year, current window) for per-deal measures, which need the samples."""
        current = self.periods.current
        if current is None:
            return None
        _, baseline = latest_mature_windows(self.as_of, self.grain, 0.0, self.first_date, wide_baseline=True)
        return None if baseline is None else (baseline, current)

    @cached_property
    def won_in_rate_windows(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Deals won in the baseline year / current window (per-deal measures need the samples)."""
        if "won_date" not in self.frame or self.rate_windows is None:
            return None
        won = self.arrays.dates("won_date")
        baseline, current = self.rate_windows
        return baseline.mask(won), current.mask(won)

    def won_revenue(self) -> tuple[float, float] | None:
        """Won revenue in (baseline, current) windows."""
        masks = self.won_in_windows
        if masks is None or not self.has_amounts:
            return None
        amount = self.arrays.amount_or_zero()
        return float(amount[masks[0]].sum()), float(amount[masks[1]].sum())

    def deal_size(self, mask: np.ndarray | None = None) -> Comparison | None:
        """Average won amount, deals won in current vs baseline.

        Means are the plain averages; the p-value comes from a log-amount comparison stratified by
        the dimension that explains most of the amount variance (segment, usually), so a shift of
        mix towards small customers is not read as smaller deals.
        """
        if mask is None and self._deal_size is not None:
            return self._deal_size[0]
        masks = self.won_in_rate_windows
        if masks is None or not self.has_amounts:
            return None
        base, cur = masks
        if mask is not None:
            base, cur = base & mask, cur & mask
        amount = self.arrays.amount()
        m0, v0, n0 = amount_stats(amount[base])
        m1, v1, n1 = amount_stats(amount[cur])
        plain = compare_means(m0, v0, n0, m1, v1, n1)
        stratified = stratified_log_test(self.arrays.amount(), self.frame, self.data.dimensions, base, cur)
        result = plain
        if stratified is not None:
            p_value, ratio = stratified
            self.deal_size_adjusted_ratio = ratio
            result = replace(plain, p_value=p_value, test="stratified log-amount z")
        if mask is None:
            self._deal_size = (result,)
        return result

    def revenue_share(self, dimension: str, value: str) -> float:
        """Share of won revenue (current and baseline windows) coming from one dimension value."""
        masks = self.won_in_windows
        if masks is None or not self.has_amounts or dimension not in self.frame:
            return 0.0
        won = masks[0] | masks[1]
        amount = self.arrays.amount_or_zero()
        total = float(amount[won].sum())
        in_slice = won & self.dimension_mask(dimension, value)
        return float(amount[in_slice].sum()) / total if total else 0.0

    def cycle(self) -> tuple[Comparison, float, float, float] | None:
        """Opportunity cohorts closing within the baseline median close lag, current vs baseline.

        Returns (test on the share closed in time, baseline median days, estimated current median
        days, lag days). The current median is estimated by rescaling the baseline lag distribution
        so it reproduces the current share closed in time (young cohorts cannot show it directly).
        """
        if self._cycle is None:
            self._cycle = (self._measure_cycle(),)
        return self._cycle[0]

    def _measure_cycle(self) -> tuple[Comparison, float, float, float] | None:
        rows = np.flatnonzero(self.arrays.reached("opportunity"))
        opened = self.arrays.stage("opportunity", rows=rows)
        closed_lag = elapsed(opened, self.arrays.closed()[rows])
        lags = np.where(np.isnan(closed_lag), np.inf, closed_lag)
        finite = lags[np.isfinite(lags)]
        if len(finite) < 10:
            return None
        horizon = float(np.ceil(np.median(finite)))
        current, baseline = latest_mature_windows(
            self.as_of, self.grain, horizon, self.first_date, wide_baseline=True
        )
        if baseline is None:
            return None
        in_cur = current.mask(opened)
        in_base = baseline.mask(opened)
        ok = lags <= horizon
        comp = compare_proportions(
            int((ok & in_base).sum()), int(in_base.sum()), int((ok & in_cur).sum()), int(in_cur.sum())
        )
        base_lags = np.sort(lags[in_base])
        if len(base_lags) < 10 or not comp.current:
            return None
        median0 = float(np.quantile(base_lags, 0.5))
        share0 = comp.baseline or 0.0
        # the baseline lag at which the baseline had closed the share the current window closes by `horizon`
        q_cur = float(np.quantile(base_lags, min(max(comp.current, 0.01), 0.99)))
        q_base = float(np.quantile(base_lags, min(max(share0, 0.01), 0.99)))
        scale = q_base / q_cur if q_cur > 0 else 1.0
        if not np.isfinite(median0):
            return None
        return comp, median0, median0 * scale, horizon

    def churn(self) -> tuple[Comparison, float] | None:
        """Churn per customer-window on the active base, current window vs the baseline year.

        Churn events are divided by customer-days of exposure inside each window (a Poisson rate),
        so a twelve-month baseline and a three-month current window compare fairly; rates are
        expressed per window length. Also returns the amount of customers active at the current
        window start.
        """
        if self._churn is None:
            self._churn = (self._measure_churn(),)
        return self._churn[0]

    def _measure_churn(self) -> tuple[Comparison, float] | None:
        if (
            "churn_date" not in self.frame
            or "won_date" not in self.frame
            or not self.has_churn
            or self.rate_windows is None
        ):
            return None
        baseline, current = self.rate_windows
        won = self.arrays.reached("won")
        start = self.arrays.dates("won_date")[won]
        end = self.arrays.dates("churn_date")[won]
        missing_end = end == NAT
        stats = []
        for w in (baseline, current):
            ws, we = w.start.value, w.end.value
            lo = np.maximum(start, ws)
            hi = np.where(missing_end, we, np.minimum(end, we))
            # a won deal without a won date has no exposure
            exposure = np.where(start == NAT, np.nan, np.clip((hi - lo) / DAY_NS, 0, None))
            events = int(w.mask(end).sum())
            stats.append((events, float(np.nansum(exposure))))
        (e0, x0), (e1, x1) = stats
        comp = compare_rates(e0, x0, e1, x1, scale=current.days)
        active = churn_in_window(self.arrays, current)
        return replace(
            comp, n_baseline=int(x0 / baseline.days), n_current=int(x1 / current.days)
        ), active.active_amount

    @cached_property
    def follow_up_windows(self) -> tuple[Window, Window | None] | None:
        """MQL windows old enough for their first touches to have happened."""
        if "first_touch_date" not in self.frame or "mql_date" not in self.frame:
            return None
        lag = maturity_lag(self.arrays.between("mql_date", "first_touch_date"))
        return latest_mature_windows(self.as_of, self.grain, lag, self.first_date, wide_baseline=True)

    @cached_property
    def follow_up_hours(self) -> np.ndarray:
        """Hours from MQL to first touch per record (NaN where either date is missing)."""
        return self.arrays.between("mql_date", "first_touch_date", HOUR_NS)

    def follow_up_sla(self) -> Comparison | None:
        """Share of MQLs touched within the SLA, by MQL date, current vs baseline (mature windows)."""
        from tools.metrics import FOLLOW_UP_SLA_HOURS

        wins = self.follow_up_windows
        if wins is None or wins[1] is None:
            return None
        mql = self.arrays.dates("mql_date")
        hours = self.follow_up_hours
        # untouched MQLs count as outside the SLA: a dropped ball is the slowest follow-up
        is_mql = mql != NAT
        ok = (hours >= 0) & (hours <= FOLLOW_UP_SLA_HOURS)  # NaN compares False
        base, cur = wins[1].mask(mql) & is_mql, wins[0].mask(mql) & is_mql
        if not (base.any() and (~np.isnan(hours)).any()):
            return None
        return compare_proportions(
            int((ok & base).sum()), int(base.sum()), int((ok & cur).sum()), int(cur.sum())
        )

    def follow_up_medians(self) -> tuple[float | None, float | None]:
        """Median follow-up hours for MQLs of the baseline and current (mature) windows."""
        wins = self.follow_up_windows
        if wins is None or wins[1] is None:
            return None, None
        hours = self.follow_up_hours
        mql = self.arrays.dates("mql_date")
        out = []
        for w in (wins[1], wins[0]):
            h = hours[w.mask(mql) & (hours >= 0)]
            out.append(float(np.median(h)) if len(h) else None)
        return out[0], out[1]
