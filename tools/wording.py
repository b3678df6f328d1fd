"""Human labels for stages, transitions, levers and dimensions, in English and Japanese.

Finding summaries, the bottleneck explanation and the text report say "SQL → Opportunity" and
"lead source 'Giveaway Campaign'", never the raw ids; evidence keys keep the ids.
"""

from __future__ import annotations

STAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"lead": "Lead", "mql": "MQL", "sql": "SQL", "opportunity": "Opportunity", "won": "Won"},
    "ja": {"lead": "リード", "mql": "MQL", "sql": "SQL", "opportunity": "商談", "won": "受注"},
}
TRANSITION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "lead_to_mql": "Lead → MQL",
        "mql_to_sql": "MQL → SQL",
        "sql_to_opportunity": "SQL → Opportunity",
        "opportunity_to_won": "Opportunity → Won",
    },
    "ja": {
        "lead_to_mql": "リード → MQL",
        "mql_to_sql": "MQL → SQL",
        "sql_to_opportunity": "SQL → 商談",
        "opportunity_to_won": "商談 → 受注",
    },
}
LEVER_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "lead_volume": "lead volume",
        "deal_size": "deal size",
        "cycle_time": "sales cycle time",
        "retention": "retention (churn)",
        **TRANSITION_NAMES["en"],
    },
    "ja": {
        "lead_volume": "リード数",
        "deal_size": "受注単価",
        "cycle_time": "商談期間",
        "retention": "継続率（解約）",
        **TRANSITION_NAMES["ja"],
    },
}
#: Revenue-bridge drivers (SPEC §9.1): the levers, plus the mix of a dimension's values.
BRIDGE_DRIVER_NAMES: dict[str, dict[str, str]] = {
    "en": {**LEVER_NAMES["en"], "mix": "mix"},
    "ja": {**LEVER_NAMES["ja"], "mix": "構成比"},
}
DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "lead_source": "lead source",
        "segment": "segment",
        "industry": "industry",
        "employee_count": "company size",
        "icp_fit": "ICP fit",
        "owner": "owner",
        "region": "region",
    },
    "ja": {
        "lead_source": "リードソース",
        "segment": "セグメント",
        "industry": "業種",
        "employee_count": "従業員規模",
        "icp_fit": "ICP適合",
        "owner": "担当者",
        "region": "地域",
    },
}


def transition_label(transition: str | None, lang: str = "en") -> str:
    """"SQL → Opportunity" for ``sql_to_opportunity``."""
    if not transition:
        return ""
    return TRANSITION_NAMES.get(lang, TRANSITION_NAMES["en"]).get(transition, transition.replace("_", " "))


def dimension_label(dimension: str, lang: str = "en") -> str:
    """"lead source" for ``lead_source``."""
    return DIMENSION_NAMES.get(lang, DIMENSION_NAMES["en"]).get(dimension, dimension.replace("_", " "))


def segment_label(dimension: str, value: str, lang: str = "en") -> str:
    """"lead source 'Giveaway Campaign'" (ja: 「リードソース：Giveaway Campaign」)."""
    if lang == "ja":
        return f"{dimension_label(dimension, 'ja')}「{value}」"
    return f"{dimension_label(dimension)} '{value}'"


def driver_label(driver: str, dimension: str | None = None, lang: str = "en") -> str:
    """"Opportunity → Won", "segment mix" (ja: 「セグメント構成比」) for a revenue-bridge driver."""
    names = BRIDGE_DRIVER_NAMES.get(lang, BRIDGE_DRIVER_NAMES["en"])
    if driver == "mix" and dimension:
        return f"{dimension_label(dimension, lang)}構成比" if lang == "ja" else f"{dimension_label(dimension)} mix"
    return names.get(driver, driver.replace("_", " "))
