"""The finding type and the severity rule every detector shares.

``Finding`` is the SPEC §5 finding object: what a RevOps lead should look at, with severity,
evidence and playbook topics. ``severity_for`` turns a tested change into high/medium/low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tools.schema import FINDING_CODES, FINDING_OWNERS, FINDING_TOPICS, SEVERITIES, TRANSITIONS
from tools.stats import MIN_N, Comparison

#: The primary comparisons every diagnosis makes, current vs baseline: one per transition, then
#: follow-up SLA, lead volume, deal size, cycle time and churn, then the revenue view's three
#: (the value-weighted win rate, the segment mix's value test, the revenue change against its
#: month-to-month variation). "medium" and "high" are family-wise over them (Bonferroni), so a
#: healthy funnel shows a medium finding at most ~MEDIUM_ALPHA of the time rather than
#: ~PRIMARY_TESTS times that; "low" stays per comparison.
PRIMARY_TESTS = len(TRANSITIONS) + 5 + 3
#: A "high" finding needs at least this many observations in each window ...
HIGH_MIN_N = 50
#: ... a p-value below this (after the multiple-comparison corrections) ...
HIGH_ALPHA = 0.001
#: ... and an effect at least this many times the materiality threshold.
HIGH_EFFECT_MULTIPLE = 1.5
MEDIUM_ALPHA = 0.01
LOW_ALPHA = 0.05


#: Findings whose fall can come from the mix (their evidence has ``driver_rate`` when it does).
MIX_FINDINGS = ("lead_quality_decline", "mix_shift")

@dataclass
class Finding:
    """One diagnosis finding (SPEC §5)."""

    code: str
    severity: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    transition: str | None = None
    segment: tuple[str, str] | None = None
    revenue_impact: float | None = None

    def __post_init__(self) -> None:
        assert self.code in FINDING_CODES, self.code
        assert self.severity in SEVERITIES, self.severity
        assert self.transition is None or self.transition in TRANSITIONS, self.transition

    @property
    def mix_driven(self) -> bool:
        """A rate that fell because the mix moved towards a weaker slice, not within the slices: fixing
        the mix restores it, and cutting the slice alone restores the rate but adds no revenue."""
        return (self.code in MIX_FINDINGS and self.segment is not None
                and isinstance(self.evidence, dict) and self.evidence.get("driver_rate") is not None)

    @property
    def playbook_topics(self) -> list[str]:
        return list(FINDING_TOPICS[self.code])

    @property
    def owner(self) -> str:
        return FINDING_OWNERS[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "transition": self.transition,
            "segment": {"dimension": self.segment[0], "value": self.segment[1]} if self.segment else None,
            "summary": self.summary,
            "evidence": _clean(self.evidence),
            "playbook_topics": self.playbook_topics,
            "owner": self.owner,
            "revenue_impact": _clean(self.revenue_impact),
        }


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def severity_for(
    comp: Comparison,
    effect: float,
    material: float,
    *,
    tests: int = 1,
) -> str | None:
    """Severity of a change of size ``effect`` (positive = worse) tested by ``comp``.

    ``None`` when the change is not material or not significant at ``LOW_ALPHA``. ``tests`` is
    the number of comparisons searched within this one (Bonferroni); "medium" and "high" are
    also corrected for the ``PRIMARY_TESTS`` of the whole diagnosis. Small samples are at most
    "low".
    """
    if effect < material or comp.baseline is None or comp.current is None:
        return None
    p = min(1.0, comp.p_value * tests)
    family = min(1.0, p * PRIMARY_TESTS)
    n = min(comp.n_baseline, comp.n_current)
    if family < HIGH_ALPHA and n >= HIGH_MIN_N and effect >= HIGH_EFFECT_MULTIPLE * material:
        return "high"
    if family < MEDIUM_ALPHA and n >= MIN_N:
        return "medium"
    if p < LOW_ALPHA and n >= 10:
        return "low"
    return None
