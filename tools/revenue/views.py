"""The revenue view of a diagnosis: why revenue moved, win rates by value, and the quarter ahead.

``revenue_views(ctx)`` computes the three together (``tools.revenue.bridge``, ``tools.revenue.amount_weighted``,
``tools.revenue.forecasting``); ``diagnose`` runs it on its second core while the conversion detectors run,
and the revenue findings read it (``tools.findings.revenue``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.analysis_context import AnalysisContext
from tools.revenue.amount_weighted import AmountWeightedWinRates, amount_weighted_win_rates
from tools.revenue.bridge import RevenueBridge, revenue_bridge
from tools.revenue.forecast import Forecast
from tools.revenue.forecasting import quarter_forecast


@dataclass(frozen=True)
class RevenueViews:
    """The revenue bridge, the win rates by value and the quarter forecast (each None when the
    data cannot support it: no amounts, no won dates, no history to compare)."""

    bridge: RevenueBridge | None = None
    win_rates: AmountWeightedWinRates | None = None
    forecast: Forecast | None = None


def revenue_views(ctx: AnalysisContext) -> RevenueViews:
    """Compute the revenue view of ``ctx``'s data (see the module docstring)."""
    return RevenueViews(revenue_bridge(ctx), amount_weighted_win_rates(ctx), quarter_forecast(ctx))
