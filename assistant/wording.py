"""Words and number formats of offline answers, in English and Japanese.

Numbers are only ever formatted here, from tool values: a rate as a percentage with one decimal,
money and counts with thousands separators, days and hours with one decimal. The grounding check
accepts exactly these formattings.
"""

from __future__ import annotations

from typing import Any

STAGE = {
    "en": {"lead": "leads", "mql": "MQLs", "sql": "SQLs", "opportunity": "opportunities", "won": "won deals"},
    "ja": {"lead": "リード", "mql": "MQL", "sql": "SQL", "opportunity": "商談", "won": "受注"},
}
TRANSITION = {
    "en": {"lead_to_mql": "lead→MQL", "mql_to_sql": "MQL→SQL", "sql_to_opportunity": "SQL→opportunity",
           "opportunity_to_won": "opportunity→won (win rate)"},
    "ja": {"lead_to_mql": "リード→MQL", "mql_to_sql": "MQL→SQL", "sql_to_opportunity": "SQL→商談",
           "opportunity_to_won": "商談→受注（受注率）"},
}
LEVER = {
    "en": {"lead_volume": "lead volume", "deal_size": "deal size", "cycle_time": "sales cycle",
           "retention": "retention", **TRANSITION["en"]},
    "ja": {"lead_volume": "リード数", "deal_size": "受注単価", "cycle_time": "商談期間", "retention": "継続率",
           **TRANSITION["ja"]},
}
METRIC = {
    "en": {"win_rate": "win rate", "average_deal_size": "average won deal size",
           "median_cycle_days": "median sales cycle (days)", "median_follow_up_hours": "median follow-up time (hours)",
           "follow_up_within_sla": "MQLs followed up within the SLA", "open_pipeline": "open pipeline",
           "weighted_pipeline": "weighted pipeline", "churn_rate": "churn rate", "retention_rate": "retention rate",
           "ltv": "LTV", "won_revenue": "won revenue", "open_deals": "open deals", "stalled_deals": "stalled deals",
           "won_revenue_current": "won revenue, current period", "won_revenue_baseline": "won revenue, baseline period",
           "active_customers": "active customers"},
    "ja": {"win_rate": "受注率", "average_deal_size": "平均受注単価", "median_cycle_days": "商談期間の中央値（日）",
           "median_follow_up_hours": "初回対応時間の中央値（時間）", "follow_up_within_sla": "SLA内に対応したMQLの割合",
           "open_pipeline": "オープンパイプライン", "weighted_pipeline": "加重パイプライン", "churn_rate": "解約率",
           "retention_rate": "継続率", "ltv": "LTV", "won_revenue": "受注金額", "open_deals": "進行中の商談",
           "stalled_deals": "停滞商談", "won_revenue_current": "今期の受注金額", "won_revenue_baseline": "比較期間の受注金額",
           "active_customers": "アクティブ顧客数"},
}
FINDING = {
    "en": {"kpi_green_revenue_flat": "volume KPIs green, revenue flat", "lead_quality_decline": "lead quality decline",
           "mix_shift": "mix shift", "conversion_drop": "conversion drop", "slow_follow_up": "slow follow-up",
           "lead_volume_decline": "lead volume decline", "deal_size_drop": "deal size drop",
           "cycle_time_increase": "longer sales cycle", "churn_increase": "churn increase",
           "stalled_pipeline": "stalled pipeline", "recycle_opportunity": "recycle opportunity",
           "pipeline_coverage_low": "low pipeline coverage"},
    "ja": {"kpi_green_revenue_flat": "量のKPIは達成・売上は横ばい", "lead_quality_decline": "リードの質の低下",
           "mix_shift": "構成比の変化（ミックスシフト）", "conversion_drop": "転換率の低下", "slow_follow_up": "初回対応の遅れ",
           "lead_volume_decline": "リード数の減少", "deal_size_drop": "受注単価の低下", "cycle_time_increase": "商談期間の長期化",
           "churn_increase": "解約の増加", "stalled_pipeline": "停滞パイプライン", "recycle_opportunity": "リサイクルの機会",
           "pipeline_coverage_low": "パイプラインカバレッジ不足"},
}
SEVERITY = {"en": {"high": "high", "medium": "medium", "low": "low", "info": "info"},
            "ja": {"high": "高", "medium": "中", "low": "低", "info": "参考"}}
TARGET_METRIC = {
    "en": {"leads": "leads", "mql": "MQLs", "sql": "SQLs", "opportunities": "opportunities", "won": "won deals",
           "revenue": "revenue"},
    "ja": {"leads": "リード数", "mql": "MQL数", "sql": "SQL数", "opportunities": "商談数", "won": "受注数",
           "revenue": "売上"},
}
DIMENSION = {
    "en": {"lead_source": "lead source", "segment": "segment", "industry": "industry", "employee_count": "company size",
           "icp_fit": "ICP fit", "owner": "owner", "region": "region"},
    "ja": {"lead_source": "リードソース", "segment": "セグメント", "industry": "業種", "employee_count": "従業員規模",
           "icp_fit": "ICP適合", "owner": "担当者", "region": "地域"},
}
#: what to change, per finding code (no numbers: numbers come from tools)
ACTIONS = {
    "en": {
        "kpi_green_revenue_flat": "Replace pure volume KPIs with quality-linked ones (e.g. MQLs that become "
        "opportunities, pipeline amount) shared by Marketing, IS and FS, and fix the revenue target first.",
        "lead_quality_decline": "Tighten the MQL/SQL definition for the weak source (score threshold, BANT) and "
        "stop rewarding its volume; route its leads to nurturing instead of sales.",
        "mix_shift": "Report conversion per segment/source, not only overall, and set targets per segment.",
        "conversion_drop": "Inspect exit criteria of the affected stage and coach the owners of that step.",
        "slow_follow_up": "Agree a marketing–sales SLA (first touch within 24 hours) and track it weekly.",
        "lead_volume_decline": "Rebuild demand generation for the missing volume and the sources that convert.",
        "deal_size_drop": "Check segment mix and discounting; refocus on the ICP that buys larger deals.",
        "cycle_time_increase": "Review stalled phases and their exit criteria; clean up the pipeline.",
        "churn_increase": "Strengthen onboarding and watch usage signals; feed churn reasons back to marketing.",
        "stalled_pipeline": "Re-qualify or close stalled deals; enforce phase exit criteria.",
        "recycle_opportunity": "Recycle lost deals and unconverted leads into nurturing instead of discarding them.",
        "pipeline_coverage_low": "Raise pipeline generation or revisit the target; plan capacity for ~80% attainment.",
    },
    "ja": {
        "kpi_green_revenue_flat": "量だけのKPIをやめ、商談化したMQLやパイプライン金額など質と連動したKPIを"
        "マーケティング・IS・FSで共有し、まず売上目標から逆算して目標を設定し直す。",
        "lead_quality_decline": "質の低いソースのMQL/SQL定義（スコア閾値、BANT）を厳しくし、量への評価をやめる。"
        "そのリードは営業ではなくナーチャリングへ回す。",
        "mix_shift": "全体の転換率だけでなくセグメント・ソース別に転換率を見て、目標もセグメント別に置く。",
        "conversion_drop": "該当ステージの移行基準を点検し、そのステップの担当をコーチングする。",
        "slow_follow_up": "マーケティングと営業のSLA（24時間以内の初回接触など）を合意し、毎週追跡する。",
        "lead_volume_decline": "不足分のデマンドジェネレーションを、転換するソースを中心に立て直す。",
        "deal_size_drop": "セグメント構成と値引きを確認し、大きな案件を生むICPに集中する。",
        "cycle_time_increase": "停滞しているフェーズと移行基準を見直し、パイプラインを整理する。",
        "churn_increase": "オンボーディングを強化し利用状況のシグナルを監視、解約理由をマーケティングに還元する。",
        "stalled_pipeline": "停滞案件を再評価するかクローズし、フェーズの移行基準を徹底する。",
        "recycle_opportunity": "失注案件や未商談化リードを捨てずにナーチャリングへ戻してリサイクルする。",
        "pipeline_coverage_low": "パイプライン創出を増やすか目標を見直し、達成率80%前提で人員を計画する。",
    },
}


def pct(value: Any) -> str:
    """A rate (0.123) as "12.3%"."""
    return f"{float(value) * 100:.1f}%"


def money(value: Any) -> str:
    """An amount with thousands separators, no decimals."""
    return f"{float(value):,.0f}"


def count(value: Any) -> str:
    """A count with thousands separators."""
    return f"{round(float(value)):,}"


def num(value: Any, decimals: int = 1) -> str:
    """A plain number with ``decimals`` decimals."""
    return f"{float(value):,.{decimals}f}"


def fmt_metric(name: str, value: Any) -> str:
    """A headline metric in its natural format."""
    if value is None:
        return "—"
    if name in ("win_rate", "follow_up_within_sla", "churn_rate", "retention_rate"):
        return pct(value)
    if name in ("median_cycle_days", "median_follow_up_hours"):
        return num(value)
    if name in ("open_deals", "stalled_deals", "active_customers"):
        return count(value)
    return money(value)
