"""The web app's own words (English / Japanese): labels, hints, example questions, field names.

Only words the web app itself shows live here. Names of stages, levers, metrics and findings come
from ``tools.wording`` (the one source the chat, report and memo share); answers and finding
summaries come from ``tools/`` and ``assistant/`` in the language they were asked for.
"""

from __future__ import annotations

from tools.wording import Lang

UiLang = Lang

#: The radio choices of the language switch, label -> code.
LANGUAGE_CHOICES: list[tuple[str, str]] = [("English", "en"), ("日本語", "ja")]

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "RevOps diagnostic assistant", "ja": "RevOps 診断アシスタント"},
    "hint": {
        "en": "Drop your CRM exports (CSV or XLSX) below, or try the demo — then ask in English or Japanese.",
        "ja": "CRM のエクスポート (CSV / XLSX) を下にドロップするか、デモを試してください。日本語でも英語でも質問できます。",
    },
    "language": {"en": "Language", "ja": "言語"},
    "chat": {"en": "Conversation", "ja": "会話"},
    "chat_placeholder": {
        "en": "Ask where the funnel leaks, why revenue moved, or what to change. Pick an example below to start.",
        "ja": "ファネルのどこで漏れているか、売上が動いた理由、何を変えるべきかを質問してください。下の質問例からも始められます。",
    },
    "question": {"en": "Your question", "ja": "質問"},
    "question_placeholder": {
        "en": "e.g. Why is revenue flat though our KPIs are green?",
        "ja": "例: KPIは達成しているのに売上が伸びないのはなぜ？",
    },
    "send": {"en": "Ask", "ja": "質問する"},
    "clear": {"en": "Start over", "ja": "最初からやり直す"},
    "export_chat": {"en": "Export conversation (Markdown)", "ja": "会話を書き出す (Markdown)"},
    "examples": {"en": "Try asking", "ja": "質問の例"},
    "exports": {"en": "CRM exports (up to {limit} MB each)", "ja": "CRM エクスポート (1 ファイル {limit} MB まで)"},
    "upload_limit": {
        "en": "{files}: larger than the upload limit of {limit} MB per file. Split the export by period, "
              "or ask whoever runs this app to raise the limit.",
        "ja": "{files}: 1 ファイルあたりのアップロード上限 {limit} MB を超えています。期間でエクスポートを分けるか、"
              "このアプリの管理者に上限の引き上げを依頼してください。",
    },
    "targets": {"en": "Targets file (optional)", "ja": "目標ファイル (任意)"},
    "demo": {"en": "Try the demo", "ja": "デモを試す"},
    "demo_tag": {"en": "demo data", "ja": "デモデータ"},
    "open_panel": {"en": "Data, mapping and diagnosis", "ja": "データ・マッピング・診断"},
    "tab_data": {"en": "Data", "ja": "データ"},
    "tab_mapping": {"en": "Column mapping", "ja": "列のマッピング"},
    "tab_diagnosis": {"en": "Diagnosis", "ja": "診断"},
    "tab_memo": {"en": "Memo", "ja": "メモ"},
    "reload": {"en": "Load again with the targets", "ja": "目標を含めて再読み込み"},
    "diagnosis": {"en": "Diagnosis", "ja": "診断"},
    "funnel_chart": {"en": "Funnel", "ja": "ファネル"},
    "finding_chart": {"en": "Main finding", "ja": "主な発見"},
    "memo": {"en": "Improvement memo", "ja": "改善メモ"},
    "memo_format": {"en": "Format", "ja": "形式"},
    "memo_build": {"en": "Build memo", "ja": "メモを作成"},
    "memo_download": {"en": "Download memo", "ja": "メモをダウンロード"},
    "memo_ready": {"en": "Memo ready: {name} ({seconds} s)", "ja": "メモを作成しました: {name} ({seconds} 秒)"},
    "no_data": {
        "en": "No data loaded yet. Drop your exports or click **Try the demo**.",
        "ja": "データが未読み込みです。エクスポートをドロップするか、**デモを試す** をクリックしてください。",
    },
    "loaded": {"en": "Loaded {rows} records from {files}.", "ja": "{files} から {rows} 件を読み込みました。"},
    "demo_loaded": {"en": "Demo data loaded ({rows} records).", "ja": "デモデータを読み込みました ({rows} 件)。"},
    "error": {"en": "Could not load this upload", "ja": "このアップロードを読み込めませんでした"},
    "kept_previous": {
        "en": "The previous data is still loaded; fix the file or the mapping and try again.",
        "ja": "以前のデータはそのまま使えます。ファイルかマッピングを修正して再度お試しください。",
    },
    "map_hint": {
        "en": "Open **Column mapping** in the side panel and choose the right field for each column.",
        "ja": "サイドパネルの **列のマッピング** を開き、各列に正しい項目を選んでください。",
    },
    "force_hint": {
        "en": "If the upload is right as it is, tick **Diagnose even if the upload looks misread** there and apply.",
        "ja": "このままで正しい場合は、そこで **読み込みに疑わしい点があっても診断する** にチェックを入れて適用してください。",
    },
    "no_files": {"en": "Choose at least one export file first.", "ja": "エクスポートファイルを選択してください。"},
    "dialect": {"en": "Detected format", "ja": "検出した形式"},
    "files": {"en": "Files", "ja": "ファイル"},
    "role": {"en": "role", "ja": "役割"},
    "encoding": {"en": "encoding", "ja": "文字コード"},
    "rows": {"en": "rows", "ja": "行"},
    "records": {"en": "records", "ja": "件"},
    "joins": {"en": "Joins", "ja": "結合"},
    "load_report": {"en": "Load report", "ja": "読み込みの報告"},
    "matched": {"en": "matched", "ja": "一致"},
    "unmatched": {"en": "unmatched", "ja": "不一致"},
    "data_quality": {"en": "Data-quality warnings", "ja": "データ品質の警告"},
    "no_warnings": {"en": "No data-quality warnings.", "ja": "データ品質の警告はありません。"},
    "bottleneck": {"en": "Bottleneck", "ja": "ボトルネック"},
    "no_bottleneck": {"en": "No lever holds revenue back significantly.", "ja": "売上を大きく妨げている要因はありません。"},
    "revenue_at_stake": {"en": "revenue at stake", "ja": "影響する売上"},
    "bottleneck_line": {
        "en": "The bottleneck is {lever}: {baseline} in the baseline period vs {current} now. Restoring it is worth "
              "about {impact} in revenue per period.",
        "ja": "ボトルネックは「{lever}」です: 比較期間 {baseline} → 今期 {current}。比較期間の水準に戻せば、"
              "1期間あたり約 {impact} の売上に相当します。",
    },
    "findings": {"en": "Findings", "ja": "発見事項"},
    "no_findings": {"en": "No findings.", "ja": "発見事項はありません。"},
    "metrics": {"en": "Key metrics", "ja": "主要指標"},
    "mode_offline": {"en": "Offline (embedded planner, no network)", "ja": "オフライン (内蔵プランナー、通信なし)"},
    "mode_llm": {"en": "LLM: {model}", "ja": "LLM: {model}"},
    "sources": {"en": "Sources ({n})", "ja": "出典 ({n})"},
    "how_computed": {"en": "How this was computed", "ja": "計算の内訳"},
    "thinking": {"en": "Working…", "ja": "処理中…"},
    "running": {"en": "running {tool}", "ja": "{tool} を実行中"},
    "playbook_pending": {"en": "preparing the playbook index (first start only, a few seconds)",
                         "ja": "プレイブックの索引を準備中 (初回起動時のみ、数秒)"},
    "fallback": {"en": "Note: {reason}", "ja": "注意: {reason}"},
    "ungrounded": {"en": "Unverified numbers: {numbers}", "ja": "未検証の数値: {numbers}"},
    "ask_failed": {"en": "Could not answer", "ja": "回答できませんでした"},
    "csv_caption": {"en": "The numbers behind this chart (CSV)", "ja": "このグラフの数値 (CSV)"},
    "you": {"en": "You", "ja": "あなた"},
    "assistant": {"en": "Assistant", "ja": "アシスタント"},
    "transcript_title": {"en": "Conversation", "ja": "会話の記録"},
    # progress of loads and memos
    "progress_reading": {"en": "Reading {file} ({size})…", "ja": "{file} を読み込み中 ({size})…"},
    "progress_read": {"en": "{file}: {rows} rows read ({role}, {encoding})",
                      "ja": "{file}: {rows} 行を読み込みました ({role}、{encoding})"},
    "progress_joined": {"en": "Joined {left} and {right} on {on}: {matched} matched, {unmatched} unmatched",
                        "ja": "{left} と {right} を {on} で結合: 一致 {matched} 件、不一致 {unmatched} 件"},
    "progress_loaded": {"en": "{rows} records in the canonical table ({seconds} s)",
                        "ja": "標準テーブルに {rows} 件 ({seconds} 秒)"},
    "progress_diagnosing": {"en": "Diagnosing the funnel…", "ja": "ファネルを診断中…"},
    "progress_diagnosed": {"en": "Diagnosis ready ({seconds} s)", "ja": "診断が完了しました ({seconds} 秒)"},
    "progress_memo": {"en": "Writing the {fmt} memo… {seconds} s", "ja": "{fmt} のメモを作成中… {seconds} 秒"},
    "progress_elapsed": {"en": "{seconds} s", "ja": "{seconds} 秒"},
    "saved_reused": {"en": "Reused your saved mapping for {file}.", "ja": "{file} には保存済みのマッピングを使いました。"},
    # the mapping editor
    "mapping_intro": {
        "en": "Each of your columns, a few of its values, and the field it feeds. Change a field with its dropdown; "
              "the funnel preview updates before you apply.",
        "ja": "アップロードした各列、その値の例、対応する項目です。プルダウンで項目を変えると、適用する前にファネルのプレビューが更新されます。",
    },
    "mapping_empty": {"en": "Upload exports to edit their mapping.", "ja": "エクスポートをアップロードするとマッピングを編集できます。"},
    "column": {"en": "Your column", "ja": "元の列"},
    "samples": {"en": "Sample values", "ja": "値の例"},
    "detected": {"en": "Detected", "ja": "自動判定"},
    "field": {"en": "Field", "ja": "項目"},
    "not_used": {"en": "not used", "ja": "使用しない"},
    "file_role": {"en": "File role", "ja": "ファイルの役割"},
    "preview": {"en": "Preview", "ja": "プレビュー"},
    "stage": {"en": "Stage", "ja": "ステージ"},
    "loaded_now": {"en": "loaded now", "ja": "現在"},
    "with_mapping": {"en": "with this mapping", "ja": "このマッピングで"},
    "preview_changes": {"en": "Changes not applied yet: {changes}", "ja": "未適用の変更: {changes}"},
    "cannot_ignore": {
        "en": "{columns}: still read as detected. The loader cannot leave out a column it recognises yet; "
              "choose the right column for that field instead.",
        "ja": "{columns}: 自動判定のまま読み込まれます。認識済みの列を除外する機能はまだ読み込み側にありません。"
              "代わりに、その項目に正しい列を選んでください。",
    },
    "preview_failed": {"en": "With this mapping the upload cannot load:", "ja": "このマッピングでは読み込めません:"},
    "apply_mapping": {"en": "Apply mapping and diagnose", "ja": "マッピングを適用して診断"},
    "remember_mapping": {"en": "Remember this mapping for exports with the same columns",
                         "ja": "同じ列のエクスポートにこのマッピングを使う"},
    "mapping_saved": {"en": "Mapping saved for {file}.", "ja": "{file} のマッピングを保存しました。"},
    "mapping_session_only": {
        "en": "This shared server has no login, so the mapping is kept for this session only.",
        "ja": "この共有サーバーにはログインがないため、マッピングはこのセッション内だけで保持します。",
    },
    "roles": {"en": "File roles", "ja": "ファイルの役割"},
    "role_detected": {"en": "Detected: {role}", "ja": "自動判定: {role}"},
    "date_order": {"en": "{column} ({file}): how do its dates read?", "ja": "{column} ({file}): 日付の読み方は？"},
    "month_first": {"en": "month first (03/04 = March 4)", "ja": "月が先 (03/04 = 3月4日)"},
    "day_first": {"en": "day first (03/04 = 3 April)", "ja": "日が先 (03/04 = 4月3日)"},
    "force": {"en": "Diagnose even if the upload looks misread", "ja": "読み込みに疑わしい点があっても診断する"},
}

#: Example questions shown under the chat, whole (never cut), in the UI language.
EXAMPLES: dict[str, list[str]] = {
    "en": [
        "Why is revenue flat though our KPIs are green?",
        "Where is the funnel leaking?",
        "What is our win rate by segment?",
        "What happens to revenue if MQL→SQL improves 5 points?",
        "How many leads do we need to hit next quarter's revenue target?",
    ],
    "ja": [
        "KPIは達成しているのに売上が伸びないのはなぜ？",
        "ファネルのどこで漏れていますか？",
        "セグメント別の受注率は？",
        "MQL→SQLが5ポイント改善したら売上はどうなる？",
        "来期の売上目標に必要なリード数は？",
    ],
}

#: What each canonical field means, for the mapping editor's dropdown.
FIELD_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "record_id": "Record ID (lead / contact)", "created_date": "Created date", "mql_date": "MQL date",
        "first_touch_date": "First sales touch", "sql_date": "SQL date", "opportunity_date": "Opportunity date",
        "won_date": "Won date", "lost_date": "Lost date", "churn_date": "Churn date", "amount": "Amount (deal value)",
        "lead_source": "Lead source", "segment": "Segment", "industry": "Industry",
        "employee_count": "Employee count", "icp_fit": "ICP fit", "owner": "Owner", "region": "Region",
        "phase": "Phase / stage", "opportunity_id": "Opportunity ID",
        "converted_opportunity_id": "Converted opportunity ID (join key)",
        "contact_id": "Contact ID (join key)", "stage": "Deal stage", "status": "Lead status",
        "close_date": "Close date (won or lost)",
    },
    "ja": {
        "record_id": "レコードID (リード / 取引先責任者)", "created_date": "作成日", "mql_date": "MQL化日",
        "first_touch_date": "初回接触日", "sql_date": "SQL化日", "opportunity_date": "商談化日",
        "won_date": "受注日", "lost_date": "失注日", "churn_date": "解約日", "amount": "金額 (商談金額)",
        "lead_source": "リードソース", "segment": "セグメント", "industry": "業種",
        "employee_count": "従業員数", "icp_fit": "ICP適合", "owner": "担当者", "region": "地域",
        "phase": "フェーズ / ステージ", "opportunity_id": "商談ID",
        "converted_opportunity_id": "取引開始済み商談ID (結合キー)",
        "contact_id": "取引先責任者ID (結合キー)", "stage": "商談フェーズ", "status": "リードステータス",
        "close_date": "完了日 (受注または失注)",
    },
}

#: What each of the assistant's tools is doing, for the working note while it runs.
TOOL_NAMES: dict[str, dict[str, str]] = {
    "en": {"query_metric": "computing the metric", "diagnose_funnel": "diagnosing the funnel",
           "funnel_summary": "summarising the funnel", "what_if": "working out the what-if",
           "reverse_plan": "planning back from the target", "capacity_plan": "sizing the sales team",
           "inside_sales_plan": "sizing inside sales", "search_playbook": "searching the playbook",
           "playbook_passage": "reading the playbook"},
    "ja": {"query_metric": "指標を集計しています", "diagnose_funnel": "ファネルを診断しています",
           "funnel_summary": "ファネルを要約しています", "what_if": "試算しています",
           "reverse_plan": "目標から逆算しています", "capacity_plan": "必要な営業人数を見積もっています",
           "inside_sales_plan": "必要なインサイドセールス人数を見積もっています",
           "search_playbook": "プレイブックを検索しています", "playbook_passage": "プレイブックを読んでいます"},
}

#: File roles as the loader names them.
ROLE_NAMES: dict[str, dict[str, str]] = {
    "en": {"leads": "leads / contacts", "opportunities": "opportunities / deals", "accounts": "accounts",
           "owners": "owners / users", "targets": "targets", "unknown": "unknown"},
    "ja": {"leads": "リード / 取引先責任者", "opportunities": "商談", "accounts": "取引先",
           "owners": "担当者 / ユーザー", "targets": "目標", "unknown": "不明"},
}


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when the language is unknown), formatted."""
    entry = LABELS[key]
    text = entry.get(lang, entry["en"])
    return text.format(**values) if values else text


def examples(lang: str) -> list[str]:
    """The example questions in ``lang`` (English when unknown)."""
    return list(EXAMPLES.get(lang, EXAMPLES["en"]))


def field_name(key: str, lang: str) -> str:
    """What a canonical field means (``created_date`` -> "Created date" / 「作成日」)."""
    table = FIELD_NAMES.get(lang, FIELD_NAMES["en"])
    return table.get(key) or FIELD_NAMES["en"].get(key) or key


def tool_activity(tool: str, lang: str) -> str:
    """What a running tool is doing ("computing the metric"); unknown tools as "running <name>"."""
    return TOOL_NAMES.get(lang, TOOL_NAMES["en"]).get(tool) or label(lang, "running", tool=tool)


def role_name(role: str, lang: str) -> str:
    """A file role in ``lang`` (``opportunities`` -> "opportunities / deals" / 「商談」)."""
    table = ROLE_NAMES.get(lang, ROLE_NAMES["en"])
    return table.get(role) or role
