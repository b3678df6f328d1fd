"""Statistics against hand computations."""

from __future__ import annotations

import math

import pytest

from tools.stats import (
    compare_counts,
    compare_means,
    compare_proportions,
    compare_rates,
    normal_cdf,
    wilson_interval,
)


def test_normal_cdf_known_points() -> None:
    assert normal_cdf(0.0) == pytest.approx(0.5)
    assert normal_cdf(1.96) == pytest.approx(0.975, abs=1e-4)


def test_wilson_interval_matches_formula() -> None:
    # 0 of 10: upper bound z^2/(n+z^2)
    low, high = wilson_interval(0, 10)  # type: ignore[misc]
    assert low == 0.0
    assert high == pytest.approx(1.96**2 / (10 + 1.96**2), abs=1e-9)
    # 50 of 100: symmetric around 0.5
    low, high = wilson_interval(50, 100)  # type: ignore[misc]
    assert low + high == pytest.approx(1.0)
    assert high - 0.5 == pytest.approx(1.96 * math.sqrt(0.25 / 100 + 1.96**2 / 40000) / (1 + 1.96**2 / 100))
    assert wilson_interval(0, 0) is None


def test_two_proportion_z_by_hand() -> None:
    comp = compare_proportions(40, 100, 25, 100)
    pooled = 65 / 200
    z = (0.25 - 0.40) / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert comp.p_value == pytest.approx(2 * (1 - normal_cdf(abs(z))))
    assert comp.relative_change == pytest.approx(0.25 / 0.40 - 1)
    assert comp.significant(alpha=0.05)
    assert not compare_proportions(4, 10, 2, 10).significant(alpha=0.5)  # n below the minimum


def test_means_counts_and_rates() -> None:
    comp = compare_means(10.0, 4.0, 50, 12.0, 4.0, 50)
    assert comp.p_value == pytest.approx(2 * (1 - normal_cdf(2.0 / math.sqrt(8 / 50))))
    counts = compare_counts(100, 144)
    assert counts.p_value == pytest.approx(2 * (1 - normal_cdf(44 / math.sqrt(244))))
    rates = compare_rates(10, 1000.0, 20, 500.0, scale=100)
    assert rates.baseline == pytest.approx(1.0)
    assert rates.current == pytest.approx(4.0)
    assert rates.p_value == pytest.approx(2 * (1 - normal_cdf(math.log(4) / math.sqrt(1 / 10 + 1 / 20))))
