"""``finding_sentence``: what a finding says in a language, from the finding itself.

English is the finding's ``summary`` (its detector worded it on the unrounded values with
``tools.wording.findings``); Japanese is the same code's function in ``tools.wording.findings``
on the finding's SPEC evidence. The text report, the chat and the web app word findings here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.wording.findings import (
    BridgeDriver,
    Change,
    CoverageFacts,
    Segment,
    churn_increase,
    conversion_drop,
    cycle_time_increase,
    deal_size_drop,
    kpi_green_revenue_flat,
    lead_quality_decline,
    lead_volume_decline,
    mix_shift,
    pipeline_coverage_low,
    recycle_opportunity,
    revenue_decline,
    slow_follow_up,
    stalled_pipeline,
)
from tools.wording.lang import Lang
from tools.wording.numbers import as_number


def finding_sentence(finding: Any, lang: Lang) -> str:
    """What ``finding`` (a ``Finding`` or its SPEC dict) says in ``lang``.

    English is the finding's own ``summary`` (worded by its detector on the unrounded values);
    Japanese is the same code's function on the finding's SPEC evidence. A code without a
    sentence falls back to the summary.
    """
    spec = finding.to_dict() if hasattr(finding, "to_dict") else finding
    if lang == "en":
        return str(spec.get("summary", ""))
    words = FROM_EVIDENCE.get(spec["code"])
    if words is None:
        return str(spec.get("summary", ""))
    seg = spec.get("segment")
    segment = (seg["dimension"], seg["value"]) if seg else None
    return words(spec.get("evidence") or {}, spec.get("transition"), segment, lang)


Evidence = Mapping[str, Any]


def _part(ev: Evidence, key: str) -> Evidence:
    value = ev.get(key)
    return value if isinstance(value, Mapping) else {}


def _conversion_drop(ev: Evidence, transition: str | None, segment: Segment | None, lang: Lang) -> str:
    return conversion_drop(lang, transition or "", Change.of(_part(ev, "segment") or _part(ev, "overall")),
                           segment=segment)


def _mix(ev: Evidence, transition: str | None, segment: Segment | None, lang: Lang, code: str) -> str:
    share = Change(ev.get("driver_share_baseline"), ev.get("driver_share_current"))
    if segment is None:  # never made without one; worded as "a slice" rather than failing
        segment = (str(ev.get("dimension") or "segment"), "?")
    words = mix_shift if code == "mix_shift" else lead_quality_decline
    return words(lang, transition or "", segment, share, ev.get("driver_rate"), ev.get("others_rate"))


def _revenue_decline(ev: Evidence, transition: str | None, segment: Segment | None, lang: Lang) -> str:
    revenue, top = _part(ev, "revenue"), _part(ev, "largest_driver")
    baseline, current = as_number(revenue.get("baseline")) or 0.0, as_number(revenue.get("current")) or 0.0
    driver = BridgeDriver(str(top.get("driver")), top.get("dimension"), top.get("value"),
                          as_number(top.get("amount")) or 0.0) if top else None
    return revenue_decline(lang, baseline, current, (current - baseline) / baseline if baseline else None,
                           ev.get("window"), driver)


def _coverage(ev: Evidence, transition: str | None, segment: Segment | None, lang: Lang) -> str:
    numbers = {k: as_number(ev.get(k)) or 0.0 for k in ("coverage", "open_pipeline", "remaining", "revenue_target",
                                                         "expected", "low", "high", "gap")}
    return pipeline_coverage_low(lang, CoverageFacts(
        numbers["coverage"], str(_part(ev, "window").get("label") or ""), numbers["open_pipeline"],
        numbers["remaining"], numbers["revenue_target"], numbers["expected"], numbers["low"], numbers["high"],
        numbers["gap"]))


#: How each code is worded from its SPEC evidence (the Japanese side; English is the summary).
FROM_EVIDENCE: dict[str, Any] = {
    "conversion_drop": _conversion_drop,
    "mix_shift": lambda ev, t, s, lang: _mix(ev, t, s, lang, "mix_shift"),
    "lead_quality_decline": lambda ev, t, s, lang: _mix(ev, t, s, lang, "lead_quality_decline"),
    "slow_follow_up": lambda ev, t, s, lang: slow_follow_up(lang, Change.of(_part(ev, "within_sla"))),
    "lead_volume_decline": lambda ev, t, s, lang: lead_volume_decline(lang, Change.of(_part(ev, "leads")), segment=s,
                                                                      volume_of=ev.get("volume_of")),
    "deal_size_drop": lambda ev, t, s, lang: deal_size_drop(lang, Change.of(_part(ev, "deal_size")),
                                                            ev.get("adjusted_ratio")),
    "cycle_time_increase": lambda ev, t, s, lang: cycle_time_increase(
        lang, Change.of(_part(ev, "closed_in_time")), ev.get("horizon_days"),
        (ev.get("median_days_baseline"), ev.get("median_days_current_estimate"))),
    "churn_increase": lambda ev, t, s, lang: churn_increase(lang, Change.of(_part(ev, "churn"))),
    "kpi_green_revenue_flat": lambda ev, t, s, lang: kpi_green_revenue_flat(lang, segment=s),
    "stalled_pipeline": lambda ev, t, s, lang: stalled_pipeline(
        lang, int(ev.get("stalled_deals") or 0), int(ev.get("open_deals") or 0), ev.get("stalled_share"),
        ev.get("stall_threshold_days"), _part(ev, "stall_threshold_by_segment")),
    "recycle_opportunity": lambda ev, t, s, lang: recycle_opportunity(
        lang, int(ev.get("lost_deals") or 0), ev.get("lost_amount"), int(ev.get("unconverted_mqls") or 0),
        int(ev.get("min_age_days") or 0)),
    "pipeline_coverage_low": _coverage,
    "revenue_decline": _revenue_decline,
}
