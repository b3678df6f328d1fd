"""The names a reader sees for the product's ids, in English and Japanese: one table per kind.

Stages, transitions, levers, dimensions, metrics, finding codes, severities, owners, target
metrics and comparison windows. The chat, the text report, the memo and the web app all read
these tables, so "SQL → Opportunity" and 「SQL → 商談」 are written one way everywhere; ids
(``sql_to_opportunity``) stay in JSON and evidence keys. Unknown ids are shown readably
(underscores become spaces), never dropped.
"""

from __future__ import annotations

from tools.wording.lang import Lang

Table = dict[str, dict[str, str]]

STAGE_NAMES: Table = {
    "en": {"lead": "Lead", "mql": "MQL", "sql": "SQL", "opportunity": "Opportunity", "won": "Won"},
    "ja": {"lead": "リード", "mql": "MQL", "sql": "SQL", "opportunity": "商談", "won": "受注"},
}
#: The stage as a countable noun in a sentence ("1,234 opportunities").
STAGE_NOUNS: Table = {
    "en": {"lead": "leads", "mql": "MQLs", "sql": "SQLs", "opportunity": "opportunities", "won": "won deals"},
    "ja": {"lead": "リード", "mql": "MQL", "sql": "SQL", "opportunity": "商談", "won": "受注"},
}
TRANSITION_NAMES: Table = {
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
LEVER_NAMES: Table = {
    "en": {
        "lead_volume": "lead volume",
        "deal_size": "deal size",
        "cycle_time": "sales cycle time",
        "retention": "retention (churn)",
        "mix": "mix",
        **TRANSITION_NAMES["en"],
    },
    "ja": {
        "lead_volume": "リード数",
        "deal_size": "受注単価",
        "cycle_time": "商談期間",
        "retention": "継続率（解約）",
        "mix": "構成比",
        **TRANSITION_NAMES["ja"],
    },
}
#: what "lead volume" measures when the records enter the funnel later (an opportunity-only export)
START_VOLUME_NAMES: Table = {
    "en": {"mql": "new MQLs", "sql": "new SQLs", "opportunity": "new opportunities"},
    "ja": {"mql": "新規MQL数", "sql": "新規SQL数", "opportunity": "新規商談数"},
}
DIMENSION_NAMES: Table = {
    "en": {
        "lead_source": "lead source",
        "segment": "segment",
        "industry": "industry",
        "employee_count": "company size",
        "icp_fit": "ICP fit",
        "owner": "owner",
        "region": "region",
        "phase": "phase",
    },
    "ja": {
        "lead_source": "リードソース",
        "segment": "セグメント",
        "industry": "業種",
        "employee_count": "従業員規模",
        "icp_fit": "ICP適合",
        "owner": "担当者",
        "region": "地域",
        "phase": "フェーズ",
    },
}
METRIC_NAMES: Table = {
    "en": {
        "win_rate": "win rate",
        "average_deal_size": "average won deal size",
        "median_cycle_days": "median sales cycle (days)",
        "median_follow_up_hours": "median follow-up time (hours)",
        "follow_up_within_sla": "MQLs followed up within the SLA",
        "open_pipeline": "open pipeline",
        "weighted_pipeline": "weighted pipeline",
        "churn_rate": "churn rate",
        "retention_rate": "retention rate",
        "ltv": "LTV",
        "won_revenue": "won revenue",
        "open_deals": "open deals",
        "stalled_deals": "stalled deals",
        "won_revenue_current": "won revenue, current period",
        "won_revenue_baseline": "won revenue, baseline period",
        "active_customers": "active customers",
        "leads": "leads",
        "mqls": "MQLs",
        "sqls": "SQLs",
        "opportunities": "opportunities",
        "won_deals": "won deals",
        "lost_deals": "lost deals",
        "opportunity_amount": "pipeline created",
        "lost_amount": "lost deal value",
        "win_rate_amount": "win rate by amount",
        "lead_to_mql": "Lead → MQL conversion",
        "mql_to_sql": "MQL → SQL conversion",
        "sql_to_opportunity": "SQL → Opportunity conversion",
        "opportunity_to_won": "Opportunity → Won conversion",
        "lead_to_won": "Lead → Won conversion",
        "lead_to_sql": "Lead → SQL conversion",
        "lead_to_opportunity": "Lead → Opportunity conversion",
        "mql_to_opportunity": "MQL → Opportunity conversion",
        "mql_to_won": "MQL → Won conversion",
        "sql_to_won": "SQL → Won conversion",
        "opportunity_to_won_amount": "Opportunity → Won conversion by amount",
        "days_lead_to_mql": "median days from lead to MQL",
        "days_mql_to_sql": "median days from MQL to SQL",
        "days_sql_to_opportunity": "median days from SQL to opportunity",
        "days_opportunity_to_won": "median days from opportunity to won",
        "days_lead_to_sql": "median days from lead to SQL",
        "days_lead_to_opportunity": "median days from lead to opportunity",
        "days_lead_to_won": "median days from lead to won",
        "days_mql_to_opportunity": "median days from MQL to opportunity",
        "days_mql_to_won": "median days from MQL to won",
        "days_sql_to_won": "median days from SQL to won",
        "never_contacted_mqls": "MQLs never contacted",
        "never_contacted_share": "share of MQLs never contacted",
        "stalled_amount": "stalled pipeline value",
        "stalled_share": "share of open deals stalled",
        "median_open_age_days": "median age of open deals (days)",
        "recycle_lost_deals": "lost deals to recycle",
        "recycle_lost_amount": "value of lost deals to recycle",
        "recycle_mqls": "MQLs over 90 days old that never became SQL",
        "churned_customers": "churned customers",
        "pipeline_coverage": "pipeline coverage",
    },
    "ja": {
        "win_rate": "受注率",
        "average_deal_size": "平均受注単価",
        "median_cycle_days": "商談期間の中央値（日）",
        "median_follow_up_hours": "初回対応時間の中央値（時間）",
        "follow_up_within_sla": "SLA内に対応したMQLの割合",
        "open_pipeline": "オープンパイプライン",
        "weighted_pipeline": "加重パイプライン",
        "churn_rate": "解約率",
        "retention_rate": "継続率",
        "ltv": "LTV",
        "won_revenue": "受注金額",
        "open_deals": "進行中の商談",
        "stalled_deals": "停滞商談",
        "won_revenue_current": "今期の受注金額",
        "won_revenue_baseline": "比較期間の受注金額",
        "active_customers": "アクティブ顧客数",
        "leads": "リード数",
        "mqls": "MQL数",
        "sqls": "SQL数",
        "opportunities": "商談数",
        "won_deals": "受注件数",
        "lost_deals": "失注件数",
        "opportunity_amount": "商談創出金額",
        "lost_amount": "失注金額",
        "win_rate_amount": "金額ベースの受注率",
        "lead_to_mql": "リード → MQL 転換率",
        "mql_to_sql": "MQL → SQL 転換率",
        "sql_to_opportunity": "SQL → 商談 転換率",
        "opportunity_to_won": "商談 → 受注 転換率",
        "lead_to_won": "リード → 受注 転換率",
        "lead_to_sql": "リード → SQL 転換率",
        "lead_to_opportunity": "リード → 商談 転換率",
        "mql_to_opportunity": "MQL → 商談 転換率",
        "mql_to_won": "MQL → 受注 転換率",
        "sql_to_won": "SQL → 受注 転換率",
        "opportunity_to_won_amount": "金額ベースの商談 → 受注 転換率",
        "days_lead_to_mql": "リードからMQLまでの日数の中央値",
        "days_mql_to_sql": "MQLからSQLまでの日数の中央値",
        "days_sql_to_opportunity": "SQLから商談までの日数の中央値",
        "days_opportunity_to_won": "商談から受注までの日数の中央値",
        "days_lead_to_sql": "リードからSQLまでの日数の中央値",
        "days_lead_to_opportunity": "リードから商談までの日数の中央値",
        "days_lead_to_won": "リードから受注までの日数の中央値",
        "days_mql_to_opportunity": "MQLから商談までの日数の中央値",
        "days_mql_to_won": "MQLから受注までの日数の中央値",
        "days_sql_to_won": "SQLから受注までの日数の中央値",
        "never_contacted_mqls": "一度も接触していないMQL",
        "never_contacted_share": "一度も接触していないMQLの割合",
        "stalled_amount": "停滞商談の金額",
        "stalled_share": "停滞している進行中商談の割合",
        "median_open_age_days": "進行中商談の経過日数の中央値（日）",
        "recycle_lost_deals": "リサイクル対象の失注商談",
        "recycle_lost_amount": "リサイクル対象の失注商談の金額",
        "recycle_mqls": "90日以上SQLにならないMQL",
        "churned_customers": "解約顧客数",
        "pipeline_coverage": "パイプラインカバレッジ",
    },
}
#: A finding code as a short name ("Slow follow-up").
FINDING_NAMES: Table = {
    "en": {
        "kpi_green_revenue_flat": "KPIs green, revenue flat",
        "lead_quality_decline": "Lead quality decline",
        "mix_shift": "Mix shift",
        "conversion_drop": "Conversion drop",
        "slow_follow_up": "Slow follow-up",
        "lead_volume_decline": "Lead volume decline",
        "deal_size_drop": "Deal size drop",
        "cycle_time_increase": "Longer sales cycle",
        "churn_increase": "Churn increase",
        "stalled_pipeline": "Stalled pipeline",
        "recycle_opportunity": "Recycle opportunity",
        "pipeline_coverage_low": "Low pipeline coverage",
        "revenue_decline": "Revenue decline",
    },
    "ja": {
        "kpi_green_revenue_flat": "KPIは達成、売上は横ばい",
        "lead_quality_decline": "リードの質の低下",
        "mix_shift": "構成比の変化（ミックスシフト）",
        "conversion_drop": "転換率の低下",
        "slow_follow_up": "初回対応の遅れ",
        "lead_volume_decline": "リード数の減少",
        "deal_size_drop": "受注単価の低下",
        "cycle_time_increase": "商談期間の長期化",
        "churn_increase": "解約の増加",
        "stalled_pipeline": "停滞商談",
        "recycle_opportunity": "リサイクルの機会",
        "pipeline_coverage_low": "パイプライン不足",
        "revenue_decline": "売上の減少",
    },
}
#: A finding code as a headline ("Follow-up after MQL is too slow").
FINDING_TITLES: Table = {
    "en": {
        "kpi_green_revenue_flat": "Department KPIs are green but revenue is flat",
        "lead_quality_decline": "Lead volume is up but lead quality is down",
        "mix_shift": "A shift in the mix hides a change in conversion (Simpson's paradox)",
        "conversion_drop": "Conversion has dropped",
        "slow_follow_up": "Follow-up after MQL is too slow",
        "lead_volume_decline": "Lead volume is declining",
        "deal_size_drop": "Average deal size has dropped",
        "cycle_time_increase": "The sales cycle is getting longer",
        "churn_increase": "Churn is rising",
        "stalled_pipeline": "Open pipeline is stalling",
        "recycle_opportunity": "Unworked leads and lost deals can be recycled",
        "pipeline_coverage_low": "Pipeline coverage is below target",
        "revenue_decline": "Won revenue has fallen",
    },
    "ja": {
        "kpi_green_revenue_flat": "各部門のKPIは達成しているのに売上が伸びていない",
        "lead_quality_decline": "リード数は増えているがリードの質が下がっている",
        "mix_shift": "構成比の変化が転換率の変化を覆い隠している（シンプソンのパラドックス）",
        "conversion_drop": "転換率が低下している",
        "slow_follow_up": "MQL後の初回フォローが遅い",
        "lead_volume_decline": "リード数が減少している",
        "deal_size_drop": "平均受注単価が下がっている",
        "cycle_time_increase": "商談期間が長期化している",
        "churn_increase": "解約が増えている",
        "stalled_pipeline": "進行中の商談が停滞している",
        "recycle_opportunity": "未対応リードや失注案件を再活用できる",
        "pipeline_coverage_low": "目標に対してパイプラインが不足している",
        "revenue_decline": "受注金額が減少している",
    },
}
SEVERITY_NAMES: Table = {
    "en": {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"},
    "ja": {"high": "高", "medium": "中", "low": "低", "info": "参考"},
}
OWNER_NAMES: Table = {
    "en": {
        "Marketing": "Marketing",
        "IS": "Inside Sales (IS)",
        "FS": "Field Sales (FS)",
        "CS": "Customer Success (CS)",
        "RevOps": "RevOps",
    },
    "ja": {
        "Marketing": "マーケティング",
        "IS": "インサイドセールス（IS）",
        "FS": "フィールドセールス（FS）",
        "CS": "カスタマーサクセス（CS）",
        "RevOps": "RevOps",
    },
}
TARGET_METRIC_NAMES: Table = {
    "en": {"leads": "leads", "mql": "MQLs", "sql": "SQLs", "opportunities": "opportunities", "won": "won deals",
           "revenue": "revenue"},
    "ja": {"leads": "リード数", "mql": "MQL数", "sql": "SQL数", "opportunities": "商談数", "won": "受注数",
           "revenue": "売上"},
}
WINDOW_NAMES: Table = {
    "en": {"baseline": "baseline", "current": "current"},
    "ja": {"baseline": "比較期間", "current": "直近期間"},
}


def lookup(table: Table, key: str | None, lang: Lang = "en") -> str:
    """``key``'s name in ``lang`` from ``table``; unknown keys readably ("lead_source" -> "lead source")."""
    if not key:
        return ""
    return table.get(lang, table["en"]).get(key) or key.replace("_", " ")


def stage_label(stage: str, lang: Lang = "en") -> str:
    """"Opportunity" / 「商談」 for ``opportunity``."""
    return lookup(STAGE_NAMES, stage, lang)


def transition_label(transition: str | None, lang: Lang = "en") -> str:
    """"SQL → Opportunity" for ``sql_to_opportunity``."""
    return lookup(TRANSITION_NAMES, transition, lang)


def lever_label(lever: str | None, lang: Lang = "en") -> str:
    """"lead volume" / 「リード数」 for ``lead_volume`` (transitions as ``transition_label``)."""
    return lookup(LEVER_NAMES, lever, lang)


def volume_label(lever: str, start: str | None, lang: Lang = "en") -> str | None:
    """"new opportunities" for ``lead_volume`` of an upload whose records start at the opportunity stage
    (its volume counts opportunities, not leads); None when the lever is not the volume or starts at lead."""
    if lever != "lead_volume" or not start or start == "lead":
        return None
    return START_VOLUME_NAMES.get(lang, START_VOLUME_NAMES["en"]).get(start)


def driver_label(driver: str, dimension: str | None = None, lang: Lang = "en") -> str:
    """"Opportunity → Won", "segment mix" (ja: 「セグメント構成比」) for a revenue-bridge driver."""
    if driver == "mix" and dimension:
        return f"{dimension_label(dimension, 'ja')}構成比" if lang == "ja" else f"{dimension_label(dimension)} mix"
    return lookup(LEVER_NAMES, driver, lang)


def dimension_label(dimension: str, lang: Lang = "en") -> str:
    """"lead source" for ``lead_source``."""
    return lookup(DIMENSION_NAMES, dimension, lang)


def segment_label(dimension: str, value: str, lang: Lang = "en") -> str:
    """"lead source 'Giveaway Campaign'" (ja: 「リードソース「Giveaway Campaign」」)."""
    if dimension == "phase" and value.lower() in PHASE_NAMES.get("en", {}):  # "phase 'Negotiation'" / 「フェーズ「交渉」」
        value = phase_label(value.lower(), lang)
    if lang == "ja":
        return f"{dimension_label(dimension, 'ja')}「{value}」"
    return f"{dimension_label(dimension)} '{value}'"


def metric_label(metric: str, lang: Lang = "en") -> str:
    """"win rate" / 「受注率」 for ``win_rate``."""
    return lookup(METRIC_NAMES, metric, lang)


def finding_label(code: str, lang: Lang = "en") -> str:
    """"Slow follow-up" / 「初回対応の遅れ」 for ``slow_follow_up``."""
    return lookup(FINDING_NAMES, code, lang)


def finding_title(code: str, lang: Lang = "en") -> str:
    """"Follow-up after MQL is too slow" for ``slow_follow_up``."""
    return lookup(FINDING_TITLES, code, lang)


def severity_label(severity: str, lang: Lang = "en") -> str:
    """"High" / 「高」."""
    return lookup(SEVERITY_NAMES, severity, lang)


def owner_label(owner: str, lang: Lang = "en") -> str:
    """"Inside Sales (IS)" / 「インサイドセールス（IS）」 for ``IS``."""
    return lookup(OWNER_NAMES, owner, lang)


def target_metric_label(metric: str, lang: Lang = "en") -> str:
    """"MQLs" / 「MQL数」 for the target metric ``mql``."""
    return lookup(TARGET_METRIC_NAMES, metric, lang)


def window_label(window: str, lang: Lang = "en") -> str:
    """"baseline" / 「比較期間」."""
    return lookup(WINDOW_NAMES, window, lang)


#: Open-opportunity phases (``tools.schema.PHASES``).
PHASE_NAMES: Table = {
    "en": {"prospecting": "Prospecting", "engaging": "Engaging", "proposal": "Proposal",
           "negotiation": "Negotiation", "commit": "Commit"},
    "ja": {"prospecting": "見込み", "engaging": "関係構築", "proposal": "提案", "negotiation": "交渉",
           "commit": "合意"},
}


def phase_label(phase: str, lang: Lang = "en") -> str:
    """"Proposal" / 「提案」 for ``proposal``."""
    return lookup(PHASE_NAMES, phase, lang)
