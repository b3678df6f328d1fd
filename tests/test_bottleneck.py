"""Bottleneck levers, decomposition and what-if."""

from __future__ import annotations

import math
from functools import lru_cache

import pytest

from tools.analysis_context import AnalysisContext
from tools.bottleneck import find_bottleneck, lever_changes
from tools.dataset import LoadedData
from tools.demo.scenarios import generate_scenario
from tools.errors import RevOpsInputError
from tools.planning import what_if


@lru_cache(maxsize=2)
def _data(cause: str) -> LoadedData:
    sc = generate_scenario(cause, 1)
    return sc.to_loaded_data()


def test_lead_volume_decline_is_the_lever_and_sized_by_restore_value() -> None:
    ctx = AnalysisContext.build(_data("lead_volume_decline"))
    changes, reference = lever_changes(ctx)
    lead = next(c for c in changes if c.lever == "lead_volume")
    assert lead.significant
    assert lead.current < lead.baseline  # type: ignore[operator]
    # restoring the lever: reference x (baseline / current - 1)
    assert lead.revenue_impact == pytest.approx(reference * (lead.baseline / lead.current - 1))  # type: ignore[operator]
    assert find_bottleneck(ctx).lever == "lead_volume"


def test_decomposition_adds_up_to_the_modelled_change() -> None:
    ctx = AnalysisContext.build(_data("lead_volume_decline"))
    changes, reference = lever_changes(ctx)
    multiplicative = [c for c in changes if c.lever not in ("cycle_time", "retention")]
    ratio = math.prod(c.current / c.baseline for c in multiplicative)  # type: ignore[operator]
    modelled_change = reference - reference / ratio  # type: ignore[operator]
    assert sum(c.contribution for c in multiplicative) == pytest.approx(modelled_change)  # type: ignore[misc]


def test_what_if_scales_revenue() -> None:
    data = _data("healthy")
    up = what_if(data, "lead_volume", 0.10)
    assert up["revenue_change"] == pytest.approx(0.10 * up["revenue"], rel=1e-6)
    down = what_if(data, "mql_to_sql", -0.2)
    assert down["revenue_change"] == pytest.approx(-0.2 * down["revenue"], rel=1e-6)
    slower = what_if(data, "cycle_time", 0.5)
    assert slower["revenue_change"] < 0
    with pytest.raises(RevOpsInputError, match="unknown lever 'price'.*lead_volume"):
        what_if(data, "price", 0.1)


def test_healthy_funnel_has_no_bottleneck() -> None:
    assert find_bottleneck(AnalysisContext.build(_data("healthy"))).lever is None


@pytest.mark.parametrize("cause", ["kpi_green_revenue_flat", "meeting_quality_drop"])
def test_a_rate_that_fell_with_the_mix_is_not_promised_back_by_restoring_it(cause: str) -> None:
    """Planted: a low-converting source added on top (the other sources hold their rate) against a
    rate that falls within the funnel itself. Only the first may not claim its gap as recoverable."""
    from tools.diagnosis import diagnose

    sc = generate_scenario(cause, 1)
    diagnosis = diagnose(sc.to_loaded_data(), as_of=sc.as_of)
    chosen = diagnosis.bottleneck.chosen
    assert chosen is not None and chosen.lever == sc.truth.lever
    mix_findings = [f for f in diagnosis.findings if f.mix_driven and f.transition == chosen.lever]
    text, text_ja = diagnosis.bottleneck.explanation_in("en"), diagnosis.bottleneck.explanation_in("ja")
    if mix_findings:  # the planted mix: the source converts far worse, the rest held
        assert chosen.mix_explained == mix_findings[0].segment
        assert "adds no revenue" in text and "at most" in text and "restoring it to the baseline" not in text
        assert "最大" in text_ja and "売上は増えません" in text_ja
    else:
        assert chosen.mix_explained is None
        assert "restoring it to the baseline is worth about" in text
    assert bool(mix_findings) == (cause == "kpi_green_revenue_flat")
