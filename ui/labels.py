"""UI label table (English / Japanese) and the example questions.

Only words the web app itself shows live here; finding summaries, answers and memo text come
from ``tools/`` and ``assistant/`` in the language they were asked for.
"""

from __future__ import annotations

from tools.wording import Lang

UiLang = Lang

#: The radio choices of the language switch, label -> code.
LANGUAGE_CHOICES: list[tuple[str, str]] = [("English", "en"), ("日本語", "ja")]

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "RevOps diagnostic assistant", "ja": "RevOps 診断アシスタント"},
    "subtitle": {
        "en": "Upload your CRM exports, see where the funnel leaks, ask why, download a memo.",
        "ja": "CRM のエクスポートをアップロードし、ファネルの詰まりを確認し、質問し、メモをダウンロード。",
    },
    "language": {"en": "Language", "ja": "言語"},
    "chat": {"en": "Chat", "ja": "チャット"},
    "chat_placeholder": {
        "en": "Ask about your funnel in English or Japanese — or pick an example question below.",
        "ja": "ファネルについて日本語か英語で質問してください。下の質問例も使えます。",
    },
    "question": {"en": "Your question", "ja": "質問"},
    "question_placeholder": {
        "en": "e.g. Why is revenue flat though our KPIs are green?",
        "ja": "例: KPIは達成しているのに売上が伸びないのはなぜ？",
    },
    "send": {"en": "Ask", "ja": "質問する"},
    "clear": {"en": "New conversation", "ja": "新しい会話"},
    "examples": {"en": "Example questions", "ja": "質問の例"},
    "upload": {"en": "Upload data", "ja": "データをアップロード"},
    "exports": {"en": "CRM exports (CSV / XLSX, several allowed)", "ja": "CRM エクスポート (CSV / XLSX、複数可)"},
    "targets": {"en": "Targets file (optional)", "ja": "目標ファイル (任意)"},
    "load": {"en": "Load files", "ja": "ファイルを読み込む"},
    "demo": {"en": "Load demo data", "ja": "デモデータを読み込む"},
    "data": {"en": "Data and mapping", "ja": "データとマッピング"},
    "overrides": {
        "en": "Fix the mapping (one per line: canonical=Your Column)",
        "ja": "マッピングの修正 (1 行に 1 つ: canonical=列名)",
    },
    "apply_mapping": {"en": "Re-load with this mapping", "ja": "このマッピングで再読み込み"},
    "diagnosis": {"en": "Diagnosis", "ja": "診断"},
    "funnel_chart": {"en": "Funnel", "ja": "ファネル"},
    "finding_chart": {"en": "Main finding", "ja": "主な検出事項"},
    "memo": {"en": "Improvement memo", "ja": "改善メモ"},
    "memo_format": {"en": "Format", "ja": "形式"},
    "memo_build": {"en": "Build memo", "ja": "メモを作成"},
    "memo_download": {"en": "Download memo", "ja": "メモをダウンロード"},
    "memo_ready": {"en": "Memo ready: {name}", "ja": "メモを作成しました: {name}"},
    "no_data": {
        "en": "No data loaded yet. Click **Load demo data** or upload your exports.",
        "ja": "データが未読み込みです。**デモデータを読み込む** か、エクスポートをアップロードしてください。",
    },
    "loaded": {"en": "Loaded {rows} records from {files}.", "ja": "{files} から {rows} 件を読み込みました。"},
    "demo_loaded": {"en": "Demo data loaded ({rows} records).", "ja": "デモデータを読み込みました ({rows} 件)。"},
    "error": {"en": "Could not load this upload", "ja": "このアップロードを読み込めませんでした"},
    "kept_previous": {
        "en": "The previous data is still loaded; fix the file and try again.",
        "ja": "以前のデータはそのまま使えます。ファイルを修正して再度お試しください。",
    },
    "map_hint": {
        "en": "In this app, write the mapping as canonical=Your Column in **Fix the mapping** and load again.",
        "ja": "このアプリでは **マッピングの修正** 欄に canonical=列名 と書いて再度読み込んでください。",
    },
    "no_files": {"en": "Choose at least one export file first.", "ja": "エクスポートファイルを選択してください。"},
    "dialect": {"en": "Detected format", "ja": "検出した形式"},
    "files": {"en": "Files", "ja": "ファイル"},
    "encoding": {"en": "encoding", "ja": "文字コード"},
    "rows": {"en": "rows", "ja": "行"},
    "mapping": {"en": "Column mapping", "ja": "列のマッピング"},
    "canonical": {"en": "canonical column", "ja": "標準列"},
    "source_column": {"en": "your column", "ja": "元の列"},
    "data_quality": {"en": "Data-quality warnings", "ja": "データ品質の警告"},
    "no_warnings": {"en": "No data-quality warnings.", "ja": "データ品質の警告はありません。"},
    "bottleneck": {"en": "Bottleneck", "ja": "ボトルネック"},
    "revenue_at_stake": {"en": "revenue at stake", "ja": "影響する売上"},
    "findings": {"en": "Findings", "ja": "検出事項"},
    "no_findings": {"en": "No findings.", "ja": "検出事項はありません。"},
    "metrics": {"en": "Key metrics", "ja": "主要指標"},
    "mode_offline": {
        "en": "Mode: **offline** (embedded planner, no network)",
        "ja": "モード: **オフライン** (内蔵プランナー、通信なし)",
    },
    "mode_llm": {"en": "Mode: **LLM** ({model})", "ja": "モード: **LLM** ({model})"},
    "sources": {"en": "Sources ({n})", "ja": "出典 ({n})"},
    "how_computed": {"en": "How this was computed", "ja": "計算の内訳"},
    "thinking": {"en": "Working…", "ja": "処理中…"},
    "fallback": {"en": "Note: {reason}", "ja": "注意: {reason}"},
    "ungrounded": {"en": "Unverified numbers: {numbers}", "ja": "未検証の数値: {numbers}"},
    "ask_failed": {"en": "Could not answer", "ja": "回答できませんでした"},
    "progress_reading": {"en": "Reading the exports", "ja": "エクスポートを読み込み中"},
    "progress_diagnosing": {"en": "Diagnosing the funnel", "ja": "ファネルを診断中"},
    "progress_memo": {"en": "Writing the memo", "ja": "メモを作成中"},
}

EXAMPLES: dict[str, list[str]] = {
    "en": [
        "Why is revenue flat though our KPIs are green?",
        "Where is the funnel leaking?",
        "What should we change in our MQL/SQL definitions?",
        "How many leads do we need to hit next quarter's revenue target?",
    ],
    "ja": [
        "KPIは達成しているのに売上が伸びないのはなぜ？",
        "ファネルのどこで漏れていますか？",
        "インサイドセールスのSLAはどう変えるべき？",
        "来期の売上目標に必要なリード数は？",
    ],
}


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when the language is unknown), formatted."""
    entry = LABELS[key]
    text = entry.get(lang, entry["en"])
    return text.format(**values) if values else text


def all_examples() -> list[str]:
    """Example questions in both languages (English first)."""
    return EXAMPLES["en"] + EXAMPLES["ja"]
