"""Bilingual (English / Japanese) labels, names and number formats for the memo.

Every word the memo prints that is not an engine string lives here, keyed by language, so the
English and Japanese memos have the same structure. Number formats are deliberately plain
(``23.4%``, ``12,345,000``) so each printed number can be traced back to the engine's output.
"""

from __future__ import annotations

import math
from typing import Any

from tools.wording import STAGE_NAMES

LANGS: tuple[str, ...] = ("en", "ja")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Revenue improvement memo",
        "date": "Date",
        "data_covered": "Data covered",
        "data_covered_value": "{rows} records from {files} ({first} to {last})",
        "data_in_memory": "in-memory dataset",
        "as_of": "As of",
        "periods": "Periods compared",
        "periods_value": "{current} (current) vs {baseline} (baseline), by {grain}",
        "grain_month": "month",
        "grain_quarter": "quarter",
        "summary": "Executive summary",
        "funnel": "The funnel",
        "bottleneck": "The bottleneck and the revenue at stake",
        "findings": "Findings",
        "actions": "Recommended actions",
        "plan": "30/60/90-day plan",
        "appendix": "Appendix",
        "appendix_mapping": "A. Column mapping",
        "appendix_quality": "B. Data-quality warnings",
        "appendix_tools": "C. Tool calls",
        "appendix_sources": "D. Playbook sources",
        "appendix_version": "E. Reproducibility",
        "stage": "Stage",
        "reached": "Reached",
        "amount": "Amount",
        "transition": "Transition",
        "rate_all": "Conversion (all data)",
        "rate_baseline": "Baseline",
        "rate_current": "Current",
        "metric": "Metric",
        "value": "Value",
        "severity": "Severity",
        "owner": "Owner",
        "segment": "Segment",
        "evidence": "Evidence",
        "reasoning": "Playbook reasoning",
        "engine_summary": "What the data shows",
        "action": "Action",
        "category": "Type",
        "expected_effect": "Expected effect",
        "horizon": "By day",
        "canonical": "Canonical column",
        "source_column": "Source column",
        "code": "Code",
        "message": "Message",
        "rows": "Rows",
        "tool": "Tool",
        "parameters": "Parameters",
        "topic": "Topic",
        "title_col": "Title",
        "lang": "Language",
        "source": "Source",
        "version": "Software version",
        "input_hash": "Input hash (SHA256)",
        "files": "Input files",
        "no_quality": "No data-quality warnings.",
        "no_findings": "No significant findings: the funnel looks healthy against its baseline.",
        "kb_unavailable": "The playbook store was not available; topics are cited by id.",
        "fig_funnel": "Records reaching each stage (all data)",
        "fig_trend": "The bottleneck, {lever}, by {grain}",
        "fig_segment": "{metric} by {dimension}, baseline vs current window",
        "baseline_period": "baseline",
        "current_period": "current",
        "none": "none",
        "na": "n/a",
        "bn_lever": "Bottleneck lever",
        "bn_impact": "Revenue at stake",
        "bn_method": "How the revenue at stake was computed",
        "bn_none": "No single lever holds revenue back significantly.",
        "footer": "Numbers come from the deterministic diagnosis tools; see Appendix C.",
        "by_day": "By day {n}",
        "per_grain": "per {grain}",
        "effect": "Expected effect (what-if)",
        "what_if": "A {change} change in {lever} ({current} → {new}) changes revenue by {delta} {per} ({revenue} → {new_revenue}).",
        "what_if_restore": "If this brings {lever} back to its baseline ({current} → {new}), revenue changes by {delta} {per} ({revenue} → {new_revenue}).",
        "reference_revenue": "Modelled revenue, current window",
        "p_value": "p-value",
        "topics_cited": "Playbook topics",
        "bn_method_text": "The engine models revenue per period as leads × lead-to-MQL × MQL-to-SQL × SQL-to-opportunity × win rate × deal size, less revenue slipping out through longer cycles and churn. Each lever is compared between the baseline and the current window on mature cohorts (records that have had time to convert), with a significance test. The revenue at stake is what restoring the lever to its baseline level would add per period, all else at today's level; the bottleneck is the significant, material deterioration with the largest such value.",
    },
    "ja": {
        "title": "売上改善メモ",
        "date": "作成日",
        "data_covered": "対象データ",
        "data_covered_value": "{files}の{rows}件（{first}〜{last}）",
        "data_in_memory": "メモリ上のデータ",
        "as_of": "基準日",
        "periods": "比較期間",
        "periods_value": "当期 {current} と基準期間 {baseline} の比較（{grain}単位）",
        "grain_month": "月",
        "grain_quarter": "四半期",
        "summary": "エグゼクティブサマリー",
        "funnel": "ファネルの現状",
        "bottleneck": "ボトルネックと影響額",
        "findings": "検出された課題",
        "actions": "推奨アクション",
        "plan": "30/60/90日プラン",
        "appendix": "付録",
        "appendix_mapping": "A. 列のマッピング",
        "appendix_quality": "B. データ品質に関する警告",
        "appendix_tools": "C. ツール呼び出し",
        "appendix_sources": "D. 参照したプレイブック",
        "appendix_version": "E. 再現性のための情報",
        "stage": "ステージ",
        "reached": "到達件数",
        "amount": "金額",
        "transition": "遷移",
        "rate_all": "転換率（全期間）",
        "rate_baseline": "基準期間",
        "rate_current": "当期",
        "metric": "指標",
        "value": "値",
        "severity": "重要度",
        "owner": "担当",
        "segment": "セグメント",
        "evidence": "根拠データ",
        "reasoning": "プレイブックに基づく考察",
        "engine_summary": "データが示すこと",
        "action": "アクション",
        "category": "種類",
        "expected_effect": "期待される効果",
        "horizon": "期限",
        "canonical": "標準列",
        "source_column": "元データの列",
        "code": "コード",
        "message": "内容",
        "rows": "行数",
        "tool": "ツール",
        "parameters": "パラメータ",
        "topic": "トピック",
        "title_col": "タイトル",
        "lang": "言語",
        "source": "出典",
        "version": "ソフトウェアのバージョン",
        "input_hash": "入力データのハッシュ（SHA256）",
        "files": "入力ファイル",
        "no_quality": "データ品質に関する警告はありません。",
        "no_findings": "重要な課題は検出されませんでした。ファネルは基準期間と比べて健全です。",
        "kb_unavailable": "プレイブックの検索が利用できなかったため、トピックIDで参照しています。",
        "fig_funnel": "ステージ別の到達件数（全期間）",
        "fig_trend": "ボトルネック（{lever}）の{grain}別推移",
        "fig_segment": "{dimension}別の{metric}（基準期間と当期）",
        "baseline_period": "基準期間",
        "current_period": "当期",
        "none": "なし",
        "na": "—",
        "bn_lever": "ボトルネック",
        "bn_impact": "影響額（売上）",
        "bn_method": "影響額の算出方法",
        "bn_none": "売上を大きく制約している単一の要因は見つかりませんでした。",
        "footer": "数値はすべて決定論的な診断ツールの出力です（付録C参照）。",
        "by_day": "{n}日以内",
        "per_grain": "{grain}あたり",
        "effect": "期待される効果（what-if試算）",
        "what_if": "{lever}が{change}変化（{current}→{new}）すると、売上は{per}{delta}変化します（{revenue}→{new_revenue}）。",
        "what_if_restore": "{lever}を基準期間の水準に戻せれば（{current}→{new}）、売上は{per}{delta}変化します（{revenue}→{new_revenue}）。",
        "reference_revenue": "当期のモデル売上",
        "p_value": "p値",
        "topics_cited": "参照トピック",
        "bn_method_text": "診断エンジンは、期間あたりの売上を「リード数×リード→MQL転換率×MQL→SQL転換率×SQL→商談化率×受注率×平均受注単価」とし、営業サイクルの長期化や解約で失われる分を差し引いてモデル化しています。各指標は、転換に必要な期間が経過した成熟コホート同士で基準期間と当期を比較し、統計的検定を行っています。影響額は、その指標だけを基準期間の水準に戻し、他は当期の水準のままとした場合に増える期間あたりの売上です。有意かつ一定以上悪化した指標のうち、影響額が最大のものをボトルネックとしています。",
    },
}

LEVER_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "lead_volume": "lead volume",
        "lead_to_mql": "lead-to-MQL conversion",
        "mql_to_sql": "MQL-to-SQL conversion",
        "sql_to_opportunity": "SQL-to-opportunity conversion",
        "opportunity_to_won": "opportunity win rate",
        "deal_size": "average deal size",
        "cycle_time": "sales cycle time",
        "retention": "customer retention",
    },
    "ja": {
        "lead_volume": "リード数",
        "lead_to_mql": "リード→MQL転換率",
        "mql_to_sql": "MQL→SQL転換率",
        "sql_to_opportunity": "SQL→商談化率",
        "opportunity_to_won": "商談→受注率",
        "deal_size": "平均受注単価",
        "cycle_time": "営業サイクル",
        "retention": "顧客継続率",
    },
}

FINDING_TITLES: dict[str, dict[str, str]] = {
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
    },
    "ja": {
        "kpi_green_revenue_flat": "各部門のKPIは達成しているのに売上が伸びていない",
        "lead_quality_decline": "リード数は増えているがリードの質が下がっている",
        "mix_shift": "構成比の変化が転換率の変化を覆い隠している（シンプソンのパラドックス）",
        "conversion_drop": "転換率が低下している",
        "slow_follow_up": "MQL後の初回フォローが遅い",
        "lead_volume_decline": "リード数が減少している",
        "deal_size_drop": "平均受注単価が下がっている",
        "cycle_time_increase": "営業サイクルが長期化している",
        "churn_increase": "解約が増えている",
        "stalled_pipeline": "進行中の商談が停滞している",
        "recycle_opportunity": "未対応リードや失注案件を再活用できる",
        "pipeline_coverage_low": "目標に対してパイプラインが不足している",
    },
}

OWNER_NAMES: dict[str, dict[str, str]] = {
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

SEVERITY_NAMES: dict[str, dict[str, str]] = {
    "en": {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"},
    "ja": {"high": "高", "medium": "中", "low": "低", "info": "参考"},
}

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "lead_source": "lead source",
        "segment": "segment",
        "industry": "industry",
        "employee_count": "employee count",
        "icp_fit": "ICP fit",
        "owner": "owner",
        "region": "region",
    },
    "ja": {
        "lead_source": "リードソース",
        "segment": "企業規模",
        "industry": "業種",
        "employee_count": "従業員数",
        "icp_fit": "ICP適合",
        "owner": "担当者",
        "region": "地域",
    },
}


def label(lang: str, key: str, **values: Any) -> str:
    """The label ``key`` in ``lang``, formatted with ``values``."""
    text = LABELS[lang][key]
    return text.format(**values) if values else text


def name(table: dict[str, dict[str, str]], lang: str, key: str | None) -> str:
    """Look ``key`` up in a bilingual name table; unknown keys are shown as they are."""
    if key is None:
        return LABELS[lang]["none"]
    return table[lang].get(key, key)


def transition_name(lang: str, transition: str) -> str:
    """``lead_to_mql`` -> ``Lead → MQL`` / ``リード→MQL``."""
    parts = transition.split("_to_")
    if len(parts) != 2:
        return transition
    src, dst = (STAGE_NAMES[lang].get(p, p) for p in parts)
    return f"{src} → {dst}" if lang == "en" else f"{src}→{dst}"


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_pct(lang: str, rate: Any) -> str:
    """A rate in [0, 1] as a percentage with one decimal (``23.4%``)."""
    return f"{rate * 100:.1f}%" if _finite(rate) else LABELS[lang]["na"]


def fmt_pct_points(lang: str, delta: Any) -> str:
    """A rate difference in percentage points (``-4.2 pt`` / ``-4.2ポイント``)."""
    if not _finite(delta):
        return LABELS[lang]["na"]
    return f"{delta * 100:+.1f} pt" if lang == "en" else f"{delta * 100:+.1f}ポイント"


def fmt_money(lang: str, amount: Any) -> str:
    """An amount with thousands separators, no currency (the exports do not say which)."""
    return f"{amount:,.0f}" if _finite(amount) else LABELS[lang]["na"]


def fmt_count(lang: str, count: Any) -> str:
    """A count with thousands separators."""
    return f"{count:,.0f}" if _finite(count) else LABELS[lang]["na"]


def fmt_days(lang: str, days: Any) -> str:
    """Days with one decimal when needed (``12.5 days`` / ``12.5日``)."""
    if not _finite(days):
        return LABELS[lang]["na"]
    text = f"{days:,.0f}" if float(days).is_integer() else f"{days:,.1f}"
    return f"{text} days" if lang == "en" else f"{text}日"


def fmt_number(lang: str, value: Any) -> str:
    """A generic engine number: integers plain, others with up to three significant decimals."""
    if not _finite(value):
        return LABELS[lang]["na"] if value is None else str(value)
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.1f}"
