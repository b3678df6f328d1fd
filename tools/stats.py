"""Small, hand-written statistics: Wilson intervals and two-sample tests (no scipy).

Every rate comparison the diagnosis makes goes through here so that sample sizes, intervals
and p-values are computed one way. Normal approximations are used throughout; callers enforce a
minimum n before trusting them (``MIN_N``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Below this many observations in either window a comparison is reported but never "high".
MIN_N = 30
#: Two-sided significance level for a single comparison.
ALPHA = 0.01


def normal_cdf(z: float) -> float:
    """Standard normal cumulative distribution function."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    if math.isnan(z):
        return 1.0
    return max(0.0, min(1.0, 2.0 * (1.0 - normal_cdf(abs(z)))))


def safe_rate(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` or ``None`` when the denominator is zero."""
    return float(numerator) / float(denominator) if denominator else None


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (95% by default); ``None`` when ``n == 0``."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Comparison:
    """Current vs baseline of one quantity, with the test that says whether it moved."""

    baseline: float | None
    current: float | None
    n_baseline: int
    n_current: int
    p_value: float
    test: str
    ci_baseline: tuple[float, float] | None = None
    ci_current: tuple[float, float] | None = None

    @property
    def relative_change(self) -> float | None:
        """``current / baseline - 1`` (``None`` when undefined)."""
        if self.baseline in (None, 0) or self.current is None:
            return None
        return self.current / self.baseline - 1.0

    @property
    def enough_data(self) -> bool:
        """Both windows hold at least ``MIN_N`` observations."""
        return min(self.n_baseline, self.n_current) >= MIN_N

    def significant(self, alpha: float = ALPHA) -> bool:
        """The change is statistically significant at ``alpha`` and both windows are large enough."""
        return self.enough_data and self.p_value < alpha

    def to_dict(self) -> dict[str, object]:
        """Evidence-ready dict (rounded)."""
        out: dict[str, object] = {
            "baseline": _round(self.baseline),
            "current": _round(self.current),
            "n_baseline": self.n_baseline,
            "n_current": self.n_current,
            "p_value": _round(self.p_value, 6),
            "test": self.test,
        }
        if self.ci_baseline is not None:
            out["ci_baseline"] = [_round(v) for v in self.ci_baseline]
        if self.ci_current is not None:
            out["ci_current"] = [_round(v) for v in self.ci_current]
        return out


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def compare_proportions(x_base: int, n_base: int, x_cur: int, n_cur: int) -> Comparison:
    """Two-proportion z-test (pooled) of ``x_cur/n_cur`` against ``x_base/n_base``."""
    p0 = safe_rate(x_base, n_base)
    p1 = safe_rate(x_cur, n_cur)
    if p0 is None or p1 is None:
        p_value = 1.0
    else:
        pooled = (x_base + x_cur) / (n_base + n_cur)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n_base + 1 / n_cur))
        p_value = two_sided_p((p1 - p0) / se) if se > 0 else (1.0 if p0 == p1 else 0.0)
    return Comparison(
        baseline=p0,
        current=p1,
        n_baseline=int(n_base),
        n_current=int(n_cur),
        p_value=p_value,
        test="two-proportion z",
        ci_baseline=wilson_interval(int(x_base), int(n_base)),
        ci_current=wilson_interval(int(x_cur), int(n_cur)),
    )


def compare_mix(
    x_base: np.ndarray, n_base: np.ndarray, x_cur: np.ndarray, n_cur: np.ndarray
) -> Comparison:
    """Shift-share mix effect of a rate split by one dimension, with a z-test.

    Arrays hold per-value successes and trials, baseline and current. The mix effect is how far
    the overall rate moves when today's composition is weighted with the baseline per-value
    rates, ``sum((w1 - w0) * p0_v)``; ``current`` is that rate at today's mix and ``baseline`` the
    overall baseline rate. Its variance (delta method) adds the multinomial sampling of both
    compositions and the binomial sampling of the per-value baseline rates. It rests on
    composition counts, not on the current window's outcomes, so it is far more precise than
    the overall rate change. A value new in the current window has no baseline rate: its current
    rate stands in (its arrival is pure mix).
    """
    x0, n0 = np.asarray(x_base, dtype="float64"), np.asarray(n_base, dtype="float64")
    x1, n1 = np.asarray(x_cur, dtype="float64"), np.asarray(n_cur, dtype="float64")
    total0, total1 = float(n0.sum()), float(n1.sum())
    if total0 <= 0 or total1 <= 0:
        return Comparison(None, None, int(total0), int(total1), 1.0, "shift-share mix z")
    w0, w1 = n0 / total0, n1 / total1
    has_base = n0 > 0
    trials = np.where(has_base, n0, n1)
    rate = np.where(trials > 0, np.where(has_base, x0, x1) / np.maximum(trials, 1.0), 0.0)
    p0 = float(x0.sum()) / total0
    at_mix = float((w1 * rate).sum())
    var = (
        (float((w1 * rate**2).sum()) - at_mix**2) / total1
        + (float((w0 * rate**2).sum()) - float((w0 * rate).sum()) ** 2) / total0
        + float(((w1 - w0) ** 2 * rate * (1.0 - rate) / np.maximum(trials, 1.0)).sum())
    )
    effect = at_mix - p0
    p_value = two_sided_p(effect / math.sqrt(var)) if var > 0 else (1.0 if effect == 0 else 0.0)
    return Comparison(p0, at_mix, int(total0), int(total1), p_value, "shift-share mix z")


def compare_means(
    mean_base: float, var_base: float, n_base: int, mean_cur: float, var_cur: float, n_cur: int
) -> Comparison:
    """Welch z-test of two means from summary statistics (sample variances)."""
    if n_base < 2 or n_cur < 2:
        return Comparison(
            _none_if_nan(mean_base), _none_if_nan(mean_cur), int(n_base), int(n_cur), 1.0, "welch z"
        )
    se = math.sqrt(var_base / n_base + var_cur / n_cur)
    equal = 1.0 if mean_cur == mean_base else 0.0
    p_value = two_sided_p((mean_cur - mean_base) / se) if se > 0 else equal
    half0 = 1.96 * math.sqrt(var_base / n_base)
    half1 = 1.96 * math.sqrt(var_cur / n_cur)
    return Comparison(
        baseline=float(mean_base),
        current=float(mean_cur),
        n_baseline=int(n_base),
        n_current=int(n_cur),
        p_value=p_value,
        test="welch z",
        ci_baseline=(mean_base - half0, mean_base + half0),
        ci_current=(mean_cur - half1, mean_cur + half1),
    )


def compare_counts(count_base: int, count_cur: int) -> Comparison:
    """Poisson test of two counts over equal exposure (z on the difference)."""
    total = count_base + count_cur
    p_value = two_sided_p((count_cur - count_base) / math.sqrt(total)) if total > 0 else 1.0
    return Comparison(
        baseline=float(count_base),
        current=float(count_cur),
        n_baseline=int(count_base),
        n_current=int(count_cur),
        p_value=p_value,
        test="poisson z",
    )


def _none_if_nan(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def compare_rates(
    events_base: int, exposure_base: float, events_cur: int, exposure_cur: float, *, scale: float = 1.0
) -> Comparison:
    """Poisson rate comparison (events per unit exposure), reported per ``scale`` units.

    The test is a z on the log rate ratio; ``n_*`` are the event counts.
    """
    r0 = events_base / exposure_base * scale if exposure_base > 0 else None
    r1 = events_cur / exposure_cur * scale if exposure_cur > 0 else None
    if r0 and r1:
        z = math.log(r1 / r0) / math.sqrt(1.0 / events_base + 1.0 / events_cur)
        p_value = two_sided_p(z)
    else:
        p_value = 1.0
    return Comparison(r0, r1, int(events_base), int(events_cur), p_value, "poisson rate z (log ratio)")


def stratified_log_test(
    amount: np.ndarray, frame: pd.DataFrame, dimensions: list[str], base: np.ndarray, cur: np.ndarray
) -> tuple[float, float] | None:
    """(p-value, adjusted ratio) of log won amounts, current vs baseline, within strata.

    The stratifying dimension is the one (with at most 12 values) whose groups explain most of
    the variance of log amounts; per-stratum mean differences are combined by inverse variance.
    """
    sample = (base | cur) & (amount > 0)  # NaN compares False
    if sample.sum() < 10:
        return None
    logs = np.log(amount[sample])
    rows = np.flatnonzero(sample)
    best, best_r2 = None, 0.05
    total_var = max(float(np.var(logs)), 1e-12)
    for dim in dimensions:
        if dim == "employee_count" or dim not in frame:
            continue
        codes, uniques = pd.factorize(frame[dim].iloc[rows])
        codes = np.where(codes < 0, len(uniques), codes)  # missing values form a group of their own
        groups = np.bincount(codes)
        if np.count_nonzero(groups) > 12:
            continue
        means = np.bincount(codes, weights=logs) / np.maximum(groups, 1)
        r2 = 1.0 - float(np.var(logs - means[codes])) / total_var
        if r2 > best_r2:
            best, best_r2 = dim, r2
    keys = (
        frame[best].iloc[rows].astype("string").fillna("(missing)").to_numpy()
        if best
        else np.full(len(rows), "all", dtype=object)
    )
    table = pd.DataFrame({"key": keys, "cur": cur[sample], "log": logs})
    cell_mean = table.groupby(["key", "cur"])["log"].transform("mean")
    dof = len(table) - table.groupby(["key", "cur"]).ngroups
    if dof < 2:
        return None
    # one pooled within-cell variance: tiny strata cannot claim a tiny variance of their own
    pooled_var = float(((table["log"] - cell_mean) ** 2).sum()) / dof
    num, den = 0.0, 0.0
    for _, group in table.groupby("key"):
        g0, g1 = group.loc[~group["cur"], "log"], group.loc[group["cur"], "log"]
        if len(g0) < 2 or len(g1) < 2:
            continue
        var = pooled_var * (1.0 / len(g0) + 1.0 / len(g1))
        if var <= 0:
            continue
        num += (float(g1.mean()) - float(g0.mean())) / var
        den += 1.0 / var
    if den == 0:
        return None
    diff = num / den
    return two_sided_p(diff * math.sqrt(den)), math.exp(diff)


def compare_weighted_proportions(
    weights_base: np.ndarray, success_base: np.ndarray, weights_cur: np.ndarray, success_cur: np.ndarray
) -> Comparison:
    """Two-sample z-test of weighted proportions ``sum(w·y) / sum(w)`` (e.g. win rate by amount).

    Each ratio's variance is the linearised (delta-method) one, ``sum(w²·(y − p)²) / sum(w)²``;
    ``n_*`` are the effective sample sizes ``sum(w)² / sum(w²)``: a window whose value sits in
    three large deals counts as about three observations, not as its number of rows.
    """
    stats: list[tuple[float | None, float, int]] = []
    for w, y in ((weights_base, success_base), (weights_cur, success_cur)):
        w = np.asarray(w, dtype="float64")
        y = np.asarray(y, dtype="float64")
        total = float(w.sum())
        if total <= 0:
            stats.append((None, 0.0, 0))
            continue
        p = float((w * y).sum()) / total
        var = float((w**2 * (y - p) ** 2).sum()) / total**2
        stats.append((p, var, int(total**2 / float((w**2).sum()))))
    (p0, v0, n0), (p1, v1, n1) = stats
    if p0 is None or p1 is None:
        p_value = 1.0
    else:
        se = math.sqrt(v0 + v1)
        p_value = two_sided_p((p1 - p0) / se) if se > 0 else (1.0 if p0 == p1 else 0.0)
    return Comparison(p0, p1, n0, n1, p_value, "weighted proportions z (delta method)")


def compare_standardised_rates(
    x_base: np.ndarray, n_base: np.ndarray, x_cur: np.ndarray, n_cur: np.ndarray, weights: np.ndarray
) -> Comparison:
    """Per-value rates combined with fixed ``weights`` (direct standardisation), current vs baseline.

    ``sum(w_v · p_v)`` in both windows with the same weights, so a change of composition cannot
    move it: only the values' own rates can. Values observed in only one window are left out and
    the weights renormalised over the rest. The z-test adds each value's binomial variance under
    the null (its pooled rate, as ``compare_proportions`` does), weighted: a window with one win in
    23 deals does not claim the tiny variance of a 4% rate.
    """
    x0, n0 = np.asarray(x_base, dtype="float64"), np.asarray(n_base, dtype="float64")
    x1, n1 = np.asarray(x_cur, dtype="float64"), np.asarray(n_cur, dtype="float64")
    both = (n0 > 0) & (n1 > 0)
    w = np.where(both, np.asarray(weights, dtype="float64"), 0.0)
    if not both.any() or w.sum() <= 0:
        return Comparison(None, None, int(n0.sum()), int(n1.sum()), 1.0, "standardised rates z")
    w = w / w.sum()
    p0 = np.divide(x0, n0, out=np.zeros_like(x0), where=both)
    p1 = np.divide(x1, n1, out=np.zeros_like(x1), where=both)
    pooled = np.divide(x0 + x1, n0 + n1, out=np.zeros_like(x0), where=both)
    var = float((w**2 * pooled * (1 - pooled) * (1 / np.maximum(n0, 1) + 1 / np.maximum(n1, 1))).sum())
    base, cur = float((w * p0).sum()), float((w * p1).sum())
    p_value = two_sided_p((cur - base) / math.sqrt(var)) if var > 0 else (1.0 if cur == base else 0.0)
    return Comparison(base, cur, int(n0[both].sum()), int(n1[both].sum()), p_value, "standardised rates z")


def compare_value_mix(
    share_base: np.ndarray,
    n_base: np.ndarray,
    share_cur: np.ndarray,
    n_cur: np.ndarray,
    value_base: np.ndarray,
    value_var_base: np.ndarray,
) -> Comparison:
    """Shift-share mix effect on a value per unit (revenue per lead), with a z-test.

    ``baseline`` is ``sum(s0_v · y0_v)``, ``current`` is ``sum(s1_v · y0_v)``: the value per unit
    today's shares would give at the baseline values ``y0``. Shares are proportions of ``n_*``
    units; the variance adds each share's binomial variance (independent across values, which
    over-states a multinomial's) and the baseline values' own variances (``value_var_base``).
    """
    s0, s1 = np.asarray(share_base, dtype="float64"), np.asarray(share_cur, dtype="float64")
    m0, m1 = np.asarray(n_base, dtype="float64"), np.asarray(n_cur, dtype="float64")
    y0, vy = np.asarray(value_base, dtype="float64"), np.asarray(value_var_base, dtype="float64")
    ok = (m0 > 0) & (m1 > 0)
    if not ok.any():
        return Comparison(None, None, 0, 0, 1.0, "shift-share value mix z")
    s0, s1, m0, m1, y0, vy = (a[ok] for a in (s0, s1, m0, m1, y0, vy))
    var = float((y0**2 * (s0 * (1 - s0) / m0 + s1 * (1 - s1) / m1) + (s1 - s0) ** 2 * vy).sum())
    base, cur = float((s0 * y0).sum()), float((s1 * y0).sum())
    p_value = two_sided_p((cur - base) / math.sqrt(var)) if var > 0 else (1.0 if cur == base else 0.0)
    return Comparison(base, cur, int(m0.sum()), int(m1.sum()), p_value, "shift-share value mix z")
