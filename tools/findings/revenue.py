"""Revenue findings: a value-weighted win-rate fall, and ``revenue_decline`` from the revenue bridge.

* A **value-weighted win-rate fall** (``conversion_drop`` on Opportunity → Won): each segment's own
  win rate, weighed by what the segment is worth (``tools.revenue.amount_weighted``). One test for the
  whole funnel, localised to the segment carrying most of the weighted fall. It upgrades a weaker
  count-based finding on the same transition rather than repeating it.
* ``pipeline_coverage_low``: from the quarter forecast (``tools.revenue.forecast``): open pipeline against
  the revenue still to win this quarter.
* ``revenue_decline``: won revenue fell and no narrower finding of medium or higher severity
  names the bridge's largest driver beyond noise (``tools.revenue.bridge``), or no component is beyond
  noise (the finding then names none). Its severity comes from the revenue
  change against its own month-to-month variation (``tools.revenue.variation``) or, when the largest
  driver is the segment mix, from the mix's own test; a fall beyond two standard deviations that
  neither test carries is a hint ("low").
"""

from __future__ import annotations

from tools.analysis_context import AnalysisContext
from tools.findings.model import Finding, severity_for
from tools.metrics import COVERAGE_FLOOR
from tools.revenue.amount_weighted import AmountWeightedWinRates
from tools.revenue.bridge import BridgeComponent, RevenueBridge
from tools.revenue.forecast import Forecast
from tools.schema import SEVERITIES, TRANSITIONS
from tools.stats import Comparison
from tools.wording import dimension_label, driver_label, segment_label, transition_label

#: Smallest relative fall worth a finding (like the other value detectors).
MATERIAL_FALL = 0.10
WIN = "opportunity_to_won"
#: Findings that can own each bridge driver (the transition must match for conversion drivers).
OWNERS: dict[str, tuple[str, ...]] = {
    "lead_volume": ("lead_volume_decline",),
    "deal_size": ("deal_size_drop",),
    "mix": ("mix_shift", "lead_quality_decline", "kpi_green_revenue_flat"),
    **{
        t: ("conversion_drop", "mix_shift", "lead_quality_decline", "kpi_green_revenue_flat")
        + (("slow_follow_up",) if t == "mql_to_sql" else ())
        + (("cycle_time_increase",) if t == WIN else ())
        for t in TRANSITIONS
    },
}

def _stronger(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if SEVERITIES.index(a) <= SEVERITIES.index(b) else b


def value_win_rate_finding(rates: AmountWeightedWinRates | None, earlier: list[Finding]) -> list[Finding]:
    """Opportunity → Won fell like for like, segments weighed by value (see the module docstring)."""
    if rates is None or rates.like_for_like is None:
        return []
    test = rates.like_for_like
    rel = test.relative_change
    severity = severity_for(test, -rel if rel is not None else 0.0, MATERIAL_FALL)
    if severity is None:
        return []
    worst = rates.largest_fall()
    segment = worst.segment if worst is not None else None
    evidence: dict[str, object] = {"value_weighted": test.to_dict(), "by_amount": rates.overall.by_amount.to_dict()}
    if worst is not None:
        evidence.update({"segment": worst.by_count.to_dict(), "segment_by_amount": worst.by_amount.to_dict(),
                         "value_share": worst.value_share})
    same = [f for f in earlier if f.transition == WIN and f.code in ("conversion_drop", "mix_shift", "lead_quality_decline")]
    if any(f.severity in ("high", "medium") for f in same):
        for f in same:
            f.evidence.setdefault("value_weighted", test.to_dict())
        return []
    for f in same:  # a weaker count-based finding on the same transition gives way
        earlier.remove(f)
    where = ""
    if worst is not None and segment is not None:
        c = worst.by_count
        where = (
            f", mostly in {segment_label(*segment)} ({c.baseline:.1%} → {c.current:.1%}, "
            f"n={c.n_baseline}→{c.n_current}; {worst.value_share:.0%} of the closed value)"
        )
    amount = rates.overall.by_amount
    return [
        Finding(
            "conversion_drop",
            severity,
            f"Win rate weighed by deal value fell from {test.baseline:.1%} to {test.current:.1%} like for like "
            f"({rates.baseline_label} → {rates.current_label}, p={test.p_value:.2g}){where}; by amount it moved "
            f"{_pct(amount.baseline)} → {_pct(amount.current)} while the count-based rate moved "
            f"{_pct(rates.overall.by_count.baseline)} → {_pct(rates.overall.by_count.current)}.",
            evidence,
            transition=WIN,
            segment=segment,
        )
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def names_driver(finding: Finding, driver: BridgeComponent) -> bool:
    """``finding`` (medium or higher) explains the bridge ``driver`` where the bridge localises it
    (a ``revenue_decline`` finding explains the driver it was made from)."""
    if finding.severity not in ("high", "medium"):
        return False
    if finding.code == "revenue_decline":
        top = finding.evidence.get("largest_driver")
        return isinstance(top, dict) and (top.get("driver"), top.get("dimension"), top.get("value")) == (
            driver.driver, driver.dimension, driver.value)
    if finding.code not in OWNERS.get(driver.driver, ()):
        return False
    if driver.driver in TRANSITIONS and finding.transition not in (driver.driver, None):
        return False
    if driver.driver == "mix":
        return finding.segment is not None and finding.segment[0] == driver.dimension
    if driver.value is not None and finding.segment is not None:
        return finding.segment == (driver.dimension, driver.value)
    return True


def revenue_comparison(bridge: RevenueBridge) -> Comparison | None:
    """The revenue change as a ``Comparison`` tested against its month-to-month variation."""
    if bridge.variation is None:
        return None
    won = bridge.variation.won_deals
    return Comparison(
        bridge.baseline_revenue, bridge.current_revenue, won, won, bridge.variation.p_value,
        "revenue change t (month-to-month variation)",
    )


def revenue_decline_finding(
    ctx: AnalysisContext, bridge: RevenueBridge | None, earlier: list[Finding]
) -> list[Finding]:
    """``revenue_decline``: revenue fell and no narrower finding owns the bridge's largest driver
    (or the bridge has no component beyond noise: then the finding says so, names no driver, and
    its severity is the revenue change's own)."""
    if bridge is None or bridge.change >= 0 or not bridge.baseline_revenue:
        return []
    top = bridge.largest_driver()
    if top is not None and any(names_driver(f, top) for f in earlier):
        return []
    fall = -bridge.change / bridge.baseline_revenue
    revenue = revenue_comparison(bridge)
    severity = None if revenue is None else severity_for(revenue, fall, MATERIAL_FALL)
    if severity == "low" and not (bridge.variation is not None and bridge.variation.notable):
        severity = None
    evidence: dict[str, object] = {
        "revenue": {"baseline": bridge.baseline_revenue, "current": bridge.current_revenue, "change": bridge.change},
        "largest_driver": None if top is None else top.to_dict(),
        "drivers": [d.to_dict() for d in bridge.by_driver()],
        "variation": None if bridge.variation is None else bridge.variation.to_dict(),
    }
    if top is not None and top.driver == "mix" and top.dimension == bridge.dimension and bridge.mix_test is not None:
        # the mix has its own, far more precise test: composition counts, not lumpy revenue
        share_lost = -top.amount / bridge.baseline_revenue
        severity = _stronger(severity, severity_for(bridge.mix_test, share_lost, MATERIAL_FALL))
        evidence["mix_test"] = bridge.mix_test.to_dict()
    if severity is None:
        return []
    segment = None if top is None or top.dimension is None or top.value is None else (top.dimension, top.value)
    return [
        Finding(
            "revenue_decline",
            severity,
            revenue_decline_summary(bridge, top),
            evidence,
            transition=top.driver if top is not None and top.driver in TRANSITIONS else None,
            segment=segment,
            revenue_impact=None if top is None else -top.amount,
        )
    ]


def revenue_decline_summary(bridge: RevenueBridge, top: BridgeComponent | None, lang: str = "en") -> str:
    """The ``revenue_decline`` sentence (``lang``: en or ja), from the bridge alone; ``top`` is its
    largest driver beyond noise (None: no component stands out, and the sentence says so)."""
    rel = bridge.relative_change or 0.0
    b, c, window = bridge.baseline_revenue, bridge.current_revenue, f"{bridge.baseline.label} → {bridge.current.label}"
    if lang == "ja":
        fell = f"受注売上が{b:,.0f}から{c:,.0f}に{-rel:.0%}減少しました（{window}）。"
        if top is None:
            return fell + "売上ブリッジのどの要因も、その元データの通常の揺れを超えていません。"
        where = f"（{segment_label(top.dimension, top.value, 'ja')}）" if top.dimension and top.value else ""
        if top.driver == "mix":
            what = f"{dimension_label(top.dimension or '', 'ja')}の構成比の変化{where}"
        else:
            what = f"{driver_label(top.driver, lang='ja')}{where}"
        return fell + f"売上ブリッジでは最大の要因は{what}で、約{-top.amount:,.0f}の減少に相当します。"
    fell = f"Won revenue fell {-rel:.0%} ({b:,.0f} → {c:,.0f}, {window})"
    if top is None:
        return fell + "; no component of the revenue bridge stands out from the noise of the data behind it."
    if top.driver == "mix":
        what = f"the {dimension_label(top.dimension or '')} mix moving"
        what += f" away from {segment_label(top.dimension, top.value)}" if top.dimension and top.value else ""
    elif top.driver in TRANSITIONS:
        what = f"{transition_label(top.driver)} conversion"
        what += f" in {segment_label(top.dimension, top.value)}" if top.dimension and top.value else ""
    else:
        what = driver_label(top.driver)
        what += f" in {segment_label(top.dimension, top.value)}" if top.dimension and top.value else ""
    return fell + f"; the revenue bridge puts {-top.amount:,.0f} of it on {what}."


def coverage_finding(forecast: Forecast | None) -> list[Finding]:
    """``pipeline_coverage_low``: open pipeline under 3× the revenue still to win this quarter
    ("medium" under 2×); the summary adds the forecast and its gap to target."""
    if forecast is None or forecast.coverage is None or forecast.target is None:
        return []
    ratio = forecast.coverage
    if ratio >= COVERAGE_FLOOR:
        return []
    severity = "medium" if ratio < 2.0 else "low"
    gap = forecast.gap or 0.0
    return [
        Finding(
            "pipeline_coverage_low",
            severity,
            f"Open pipeline covers {ratio:.1f}× the revenue still to win in {forecast.period} "
            f"({forecast.open_pipeline:,.0f} vs {forecast.remaining:,.0f} of a {forecast.target:,.0f} target; "
            f"3× is the usual floor). The forecast expects {forecast.expected:,.0f} "
            f"(80%: {forecast.low:,.0f}–{forecast.high:,.0f}), "
            + (f"{gap:,.0f} short of target." if gap > 0 else f"{-gap:,.0f} above target."),
            {
                "coverage": ratio,
                "open_pipeline": forecast.open_pipeline,
                "remaining": forecast.remaining,
                "revenue_target": forecast.target,
                "won_so_far": forecast.closed,
                "expected": forecast.expected,
                "low": forecast.low,
                "high": forecast.high,
                "gap": forecast.gap,
                "window": forecast.window.to_dict(),
            },
        )
    ]


def revenue_findings(
    ctx: AnalysisContext,
    earlier: list[Finding],
    bridge: RevenueBridge | None,
    rates: AmountWeightedWinRates | None,
) -> list[Finding]:
    """The value-weighted win-rate fall, then ``revenue_decline`` (which defers to it).

    Removes a weaker count-based Opportunity → Won finding from ``earlier`` when the
    value-weighted one replaces it.
    """
    out = value_win_rate_finding(rates, earlier)
    out += revenue_decline_finding(ctx, bridge, earlier + out)
    return out
