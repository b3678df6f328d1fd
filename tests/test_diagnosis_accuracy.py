"""Decision rules that keep planted causes visible at the default size without new false alarms.

Every case is a generated scenario (known planted truth) or a healthy one edited in a known way.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from tools.dataset import from_canonical
from tools.diagnosis import Diagnosis, diagnose
from tools.scenarios import generate_scenario


@lru_cache(maxsize=8)
def _diagnosis(cause: str, seed: int) -> Diagnosis:
    sc = generate_scenario(cause, seed)  # type: ignore[arg-type]
    return diagnose(sc.to_loaded_data(), sc.targets, as_of=sc.as_of)


def _lever(result: Diagnosis, name: str):  # type: ignore[no-untyped-def]
    return next(lc for lc in result.bottleneck.levers if lc.lever == name)


def test_deal_size_is_judged_like_for_like_when_the_plain_average_rose() -> None:
    # ACV x0.7 planted; seed 9's current window happened to win more Enterprise deals, so the
    # plain average rose while every segment's deals got smaller
    result = _diagnosis("deal_size_drop", 9)
    lever = _lever(result, "deal_size")
    assert lever.current > lever.baseline  # the plain average went up ...
    assert lever.adjusted_ratio is not None and lever.adjusted_ratio < 0.8  # ... like for like it fell
    assert result.bottleneck.lever == "deal_size"
    assert result.bottleneck.revenue_impact == pytest.approx(
        result.bottleneck.reference_revenue * (1 / lever.adjusted_ratio - 1)  # type: ignore[operator]
    )
    assert "like for like" in result.bottleneck.explanation
    assert any(f.code == "deal_size_drop" for f in result.findings)


def test_fewer_enterprise_wins_is_not_a_deal_size_drop() -> None:
    # healthy data, minus most Enterprise deals won in the current window: the plain average
    # falls by a third, but no segment's deals got smaller
    sc = generate_scenario("healthy", 1)
    frame = sc.frame
    enterprise_now = frame.index[(frame["won_date"] >= "2026-08-01") & (frame["segment"] == "Enterprise")]
    edited = frame.drop(index=enterprise_now[: int(len(enterprise_now) * 0.8)])
    result = diagnose(from_canonical(edited, dialect="canonical"), sc.targets, as_of=sc.as_of)
    lever = _lever(result, "deal_size")
    assert lever.current < 0.75 * lever.baseline
    assert not lever.significant
    assert not [f for f in result.findings if f.code == "deal_size_drop"]

