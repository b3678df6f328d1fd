"""The canonical vocabulary every part of the product shares.

One row of the canonical table is one lead/deal journey (SPEC §3). Stage, lever, transition,
finding-code and playbook-topic names are defined here once; nothing else spells them.
"""

from __future__ import annotations

from typing import Literal, get_args

# --- canonical columns -------------------------------------------------------------------------

ID_COLUMN = "record_id"
CREATED_COLUMN = "created_date"

#: Stage date columns in funnel order (``created_date`` is the lead stage).
STAGE_DATE_COLUMNS: dict[str, str] = {
    "lead": "created_date",
    "mql": "mql_date",
    "sql": "sql_date",
    "opportunity": "opportunity_date",
    "won": "won_date",
}
DATE_COLUMNS: tuple[str, ...] = (
    "created_date",
    "mql_date",
    "first_touch_date",
    "sql_date",
    "opportunity_date",
    "won_date",
    "lost_date",
    "churn_date",
)
AMOUNT_COLUMN = "amount"
DIMENSION_COLUMNS: tuple[str, ...] = (
    "lead_source",
    "segment",
    "industry",
    "employee_count",
    "icp_fit",
    "owner",
    "region",
)
#: Extra dimensions: categorical columns of an upload the loader maps to no canonical key, kept on
#: the canonical frame as ``x_<header>`` (their header is their label, ``LoadReport.extra_dimensions``).
#: The metric layer and the chat break down and filter by them; the diagnosis's splits never use them.
EXTRA_DIMENSION_PREFIX = "x_"


def is_extra_dimension(column: str) -> bool:
    """Whether ``column`` is an extra dimension of the upload (``x_lead_origin``)."""
    return column.startswith(EXTRA_DIMENSION_PREFIX)


#: Current opportunity phase / lead status as exported (normalised by the loader to PHASES when
#: it can be); drives weighted pipeline and stage reach when dates are missing.
PHASE_COLUMN = "phase"

CANONICAL_COLUMNS: tuple[str, ...] = (
    (ID_COLUMN,) + DATE_COLUMNS + (AMOUNT_COLUMN,) + DIMENSION_COLUMNS + (PHASE_COLUMN,)
)
REQUIRED_COLUMNS: tuple[str, ...] = (ID_COLUMN, CREATED_COLUMN)

# --- stages, transitions, levers -----------------------------------------------------------------

Stage = Literal["lead", "mql", "sql", "opportunity", "won"]
STAGES: tuple[str, ...] = get_args(Stage)

Transition = Literal["lead_to_mql", "mql_to_sql", "sql_to_opportunity", "opportunity_to_won"]
TRANSITIONS: tuple[str, ...] = get_args(Transition)
#: transition -> (from stage, to stage)
TRANSITION_STAGES: dict[str, tuple[str, str]] = {
    t: (STAGES[i], STAGES[i + 1]) for i, t in enumerate(TRANSITIONS)
}

#: Boolean columns the loader adds: ``reached_<stage>`` for each stage, plus ``is_lost``.
REACHED_COLUMNS: dict[str, str] = {s: f"reached_{s}" for s in STAGES}
LOST_FLAG = "is_lost"

Lever = Literal[
    "lead_volume",
    "lead_to_mql",
    "mql_to_sql",
    "sql_to_opportunity",
    "opportunity_to_won",
    "deal_size",
    "cycle_time",
    "retention",
]
LEVERS: tuple[str, ...] = get_args(Lever)

#: What a revenue change is attributed to (SPEC §9.1): the multiplicative levers, plus ``mix``
#: (the shares of a dimension's values moved; the component carries the dimension).
BridgeDriver = Literal[
    "lead_volume",
    "lead_to_mql",
    "mql_to_sql",
    "sql_to_opportunity",
    "opportunity_to_won",
    "deal_size",
    "mix",
]
BRIDGE_DRIVERS: tuple[str, ...] = get_args(BridgeDriver)

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[str, ...] = get_args(Severity)

FindingCode = Literal[
    "kpi_green_revenue_flat",
    "lead_quality_decline",
    "mix_shift",
    "conversion_drop",
    "slow_follow_up",
    "lead_volume_decline",
    "deal_size_drop",
    "cycle_time_increase",
    "churn_increase",
    "stalled_pipeline",
    "recycle_opportunity",
    "pipeline_coverage_low",
    "revenue_decline",
]
FINDING_CODES: tuple[str, ...] = get_args(FindingCode)

#: Opportunity phases and their win probabilities (the playbook's five-phase model).
PHASES: tuple[str, ...] = ("prospecting", "engaging", "proposal", "negotiation", "commit")
PHASE_PROBABILITIES: dict[str, float] = {
    "prospecting": 0.0,
    "engaging": 0.25,
    "proposal": 0.30,
    "negotiation": 0.50,
    "commit": 0.75,
}

# --- targets -------------------------------------------------------------------------------------

TargetMetric = Literal["leads", "mql", "sql", "opportunities", "won", "revenue"]
TARGET_METRICS: tuple[str, ...] = get_args(TargetMetric)
#: target metric -> the stage whose reached count it measures (revenue is the won amount)
TARGET_METRIC_STAGE: dict[str, str] = {
    "leads": "lead",
    "mql": "mql",
    "sql": "sql",
    "opportunities": "opportunity",
    "won": "won",
    "revenue": "won",
}

# --- playbook ------------------------------------------------------------------------------------

PLAYBOOK_TOPICS: tuple[str, ...] = (
    "the-model-overview",
    "funnel-chain",
    "lead-temperature",
    "lead-stages",
    "flexible-qualification",
    "demand-generation",
    "sla-handoff",
    "recycle",
    "opportunity-phases",
    "kpi-design",
    "partial-optimization",
    "gtm-vs-model",
    "smb-vs-enterprise",
    "resource-management",
    "performance-management",
    "customer-success",
    "failure-patterns",
    "leadership-org",
)

#: Which playbook topics explain each finding (used by findings, answers and memos).
FINDING_TOPICS: dict[str, tuple[str, ...]] = {
    "kpi_green_revenue_flat": ("partial-optimization", "kpi-design", "funnel-chain"),
    "lead_quality_decline": ("lead-stages", "flexible-qualification", "demand-generation"),
    "mix_shift": ("performance-management", "gtm-vs-model", "smb-vs-enterprise"),
    "conversion_drop": ("performance-management", "opportunity-phases", "funnel-chain"),
    "slow_follow_up": ("sla-handoff", "lead-temperature"),
    "lead_volume_decline": ("demand-generation", "funnel-chain"),
    "deal_size_drop": ("smb-vs-enterprise", "gtm-vs-model"),
    "cycle_time_increase": ("opportunity-phases", "resource-management"),
    "churn_increase": ("customer-success", "sla-handoff"),
    "stalled_pipeline": ("opportunity-phases", "performance-management"),
    "recycle_opportunity": ("recycle", "lead-temperature"),
    "pipeline_coverage_low": ("resource-management", "funnel-chain"),
    "revenue_decline": ("performance-management", "resource-management", "smb-vs-enterprise"),
}

#: Which function owns the fix for each finding (memo owners: Marketing / IS / FS / CS / RevOps).
FINDING_OWNERS: dict[str, str] = {
    "kpi_green_revenue_flat": "RevOps",
    "lead_quality_decline": "Marketing",
    "mix_shift": "RevOps",
    "conversion_drop": "FS",
    "slow_follow_up": "IS",
    "lead_volume_decline": "Marketing",
    "deal_size_drop": "FS",
    "cycle_time_increase": "FS",
    "churn_increase": "CS",
    "stalled_pipeline": "FS",
    "recycle_opportunity": "Marketing",
    "pipeline_coverage_low": "RevOps",
    "revenue_decline": "RevOps",
}

#: Which function owns each transition (for localised conversion findings).
TRANSITION_OWNERS: dict[str, str] = {
    "lead_to_mql": "Marketing",
    "mql_to_sql": "IS",
    "sql_to_opportunity": "IS",
    "opportunity_to_won": "FS",
}
