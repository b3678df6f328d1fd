"""A routed question: its intent, language, what it is about and the arguments of its tools.

The shared types of the chat package: ``routing`` produces a ``Route``, the offline planner and
composers read it, and ``Conversation`` remembers it so follow-ups ("and for SMB?", "why is
that?") resolve against the previous turn's subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tools.metric_layer import MetricQuery
from tools.wording import Lang

Intent = Literal[
    "metric", "why", "diagnose", "kpi_green_flat", "revenue_change", "forecast", "what_if", "reverse_plan",
    "capacity", "playbook", "memo", "help", "off_topic", "missing_metric", "refusal",
]
INTENTS: tuple[str, ...] = (
    "metric", "why", "diagnose", "kpi_green_flat", "revenue_change", "forecast", "what_if", "reverse_plan",
    "capacity", "playbook", "memo", "help", "off_topic", "missing_metric", "refusal",
)
#: Intents answered from the uploaded data (without it the assistant says so and uses the playbook).
DATA_INTENTS = frozenset({"metric", "why", "diagnose", "kpi_green_flat", "revenue_change", "forecast", "what_if",
                          "reverse_plan", "capacity", "memo"})


#: Answers a "why is that?" explains by the cause chain (bridge driver -> finding -> playbook).
CHAIN_SUBJECTS = frozenset({"revenue_change", "diagnose", "kpi_green_flat", "memo", "forecast"})


@dataclass
class SegmentFilter:
    """A dimension value a diagnosis is restricted to (``segment=enterprise``)."""

    dimension: str
    value: str

    def to_args(self) -> dict[str, str]:
        return {"segment_dimension": self.dimension, "segment_value": self.value}


@dataclass(frozen=True)
class Route:
    """The routed intent of one question and what its tools need.

    ``queries`` are metric-layer queries (metric questions, and the subject of a "why");
    ``change``/``change_unit`` the size of a what-if ("points" absolute, "relative" percent);
    ``role`` the team a capacity question is about (``ae`` or ``is``); ``asked`` the term a
    missing-metric question used ("NPS"); ``subject`` the route a follow-up refers to; ``depth`` how
    many "why?"s in a row have been asked about it (each goes one level down the cause chain).
    """

    intent: str
    lang: Lang
    question: str = ""
    queries: tuple[MetricQuery, ...] = ()
    segment: SegmentFilter | None = None
    lever: str | None = None
    change: float | None = None
    change_unit: Literal["points", "relative", "days"] | None = None
    revenue_target: float | None = None
    reps: int | None = None
    quota: float | None = None
    role: Literal["ae", "is"] | None = None
    #: MQLs one inside-sales rep works per month (an IS headcount question)
    per_rep: float | None = None
    asked: str | None = None
    followup: bool = False
    subject: Route | None = None
    #: how many "why?"s deep a why-question is (1: the first "why" about ``subject``)
    depth: int = 0
    #: an overview: the short diagnosis (revenue against the baseline, the bottleneck, the top finding)
    brief: bool = False
    #: what the question named that the upload does not have: ("dimension", "territory"), ("value", "Atlantis")
    unknown: tuple[tuple[str, str], ...] = ()
    scores: dict[str, float] = field(default_factory=dict, compare=False)

    def segment_args(self) -> dict[str, Any]:
        """``segment_dimension`` / ``segment_value`` tool arguments, when focused on a segment."""
        return self.segment.to_args() if self.segment else {}
