"""The revenue bridge and the quarter forecast as the memo reads them (SPEC §9.1, §9.2).

The engine's ``Diagnosis`` gains ``revenue_bridge`` and ``forecast``; this module is the one place
that reads them, into small memo views, so the brief's headline, the bridge section and the
mix-driven effect sizes do not care how the engine spells its types. Both views are ``None`` when
the diagnosis has no bridge or forecast (older engines, data without amounts or windows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.diagnosis import Diagnosis


@dataclass(frozen=True)
class BridgeStep:
    """One driver's share of the revenue change (``dimension``/``value`` for mix), and whether it
    stands out from the noise of the data behind it (None: the engine did not say)."""

    driver: str
    amount: float
    dimension: str | None = None
    value: str | None = None
    beyond_noise: bool | None = None


@dataclass(frozen=True)
class BridgeView:
    """Won revenue in the baseline and current windows and what moved it."""

    baseline_label: str
    baseline_revenue: float
    current_label: str
    current_revenue: float
    change: float
    steps: list[BridgeStep]
    residual: float
    #: the engine's largest driver beyond noise, localised (None: no component stands out)
    largest_step: BridgeStep | None = None
    #: the change is beyond won revenue's usual month-to-month variation (None: not measured)
    material: bool | None = None
    #: standard deviation of such a change under that variation
    usual_variation: float | None = None

    @property
    def relative_change(self) -> float | None:
        return self.change / self.baseline_revenue if self.baseline_revenue else None

    def largest(self) -> BridgeStep | None:
        """The engine's largest driver beyond noise (``RevenueBridge.largest_driver``), or None."""
        return self.largest_step

    def mix(self, dimension: str | None) -> BridgeStep | None:
        """The mix component of ``dimension`` (any mix component when ``dimension`` is None)."""
        steps = [s for s in self.steps if s.driver == "mix" and (dimension is None or s.dimension == dimension)]
        return min(steps, key=lambda s: s.amount) if steps else None


@dataclass(frozen=True)
class ForecastView:
    """The quarter forecast with its 80% interval, target gap and backtest."""

    period: str
    expected: float
    low: float
    high: float
    target: float | None
    gap: float | None
    backtest_periods: int
    interval_hit_rate: float | None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a typed engine object (or of its SPEC JSON, while the engine's type settles)."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def bridge_view(diagnosis: Diagnosis) -> BridgeView | None:
    """The diagnosis's revenue bridge, or None."""
    bridge = getattr(diagnosis, "revenue_bridge", None)
    if bridge is None:
        return None
    baseline, current = _get(bridge, "baseline"), _get(bridge, "current")
    base_rev, cur_rev = _number(_get(baseline, "revenue")), _number(_get(current, "revenue"))
    change = _number(_get(bridge, "change"))
    if base_rev is None or cur_rev is None or change is None:
        return None
    steps = [step for step in map(_step, _get(bridge, "components", []) or []) if step is not None]
    largest = getattr(bridge, "largest_driver", None)
    variation = _get(bridge, "variation")
    material = _get(bridge, "material")
    return BridgeView(
        baseline_label=str(_get(baseline, "label", "")), baseline_revenue=base_rev,
        current_label=str(_get(current, "label", "")), current_revenue=cur_rev,
        change=change, steps=steps, residual=_number(_get(bridge, "residual")) or 0.0,
        largest_step=_step(largest() if callable(largest) else largest),
        material=material if isinstance(material, bool) and variation is not None else None,
        usual_variation=_number(_get(variation, "change_sd")) if variation is not None else None,
    )


def _step(component: Any) -> BridgeStep | None:
    """A bridge component (typed or its JSON) as a memo step."""
    amount = None if component is None else _number(_get(component, "amount"))
    if amount is None:
        return None
    noise = _get(component, "beyond_noise")
    return BridgeStep(str(_get(component, "driver")), amount, _get(component, "dimension"), _get(component, "value"),
                      noise if isinstance(noise, bool) else None)


def forecast_view(diagnosis: Diagnosis) -> ForecastView | None:
    """The diagnosis's quarter forecast, or None."""
    forecast = getattr(diagnosis, "forecast", None)
    if forecast is None:
        return None
    expected, low, high = (_number(_get(forecast, k)) for k in ("expected", "low", "high"))
    if expected is None or low is None or high is None:
        return None
    backtest = _get(forecast, "backtest") or {}
    return ForecastView(
        period=str(_get(forecast, "period", "")), expected=expected, low=low, high=high,
        target=_number(_get(forecast, "target")), gap=_number(_get(forecast, "gap")),
        backtest_periods=int(_get(backtest, "periods", 0) or 0),
        interval_hit_rate=_number(_get(backtest, "interval_hit_rate")),
    )
