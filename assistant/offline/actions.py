"""What to change, per finding code: the fixed advice an offline answer ends with (no numbers).

Chat-specific sentences (the memo has its own, longer actions in ``assistant.memo.actions``).
"""

from __future__ import annotations

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


def actions_for(codes: list[str], lang: str, limit: int = 3) -> list[str]:
    """The advice for the first ``limit`` distinct finding codes that have one."""
    found = [ACTIONS[lang][c] for c in codes if c in ACTIONS[lang]]
    return list(dict.fromkeys(found))[:limit]
