"""Offline answers that are not about one figure: help, off-topic, refusals, a metric the upload
cannot give, no data yet, playbook concepts, and tool errors worded in the question's language."""

from __future__ import annotations

from typing import Any

from assistant.chat.tools.playbook import Passage, first_sentences
from assistant.chat.tools.runtime import UploadSummary
from assistant.offline.words import Words
from tools.errors import RevOpsInputError
from tools.metric_layer import MetricUnavailableError, NotObservedError, StageNotInUploadError
from tools.wording import capitalised, stage_label

#: what a missing metric would need, by kind (intent_words.MISSING_METRICS)
NEEDS = {
    "survey_scores": ("survey scores", "アンケートのスコア"),
    "costs": ("marketing and sales costs", "マーケティング・営業のコスト"),
    "subscription_billing": ("subscription billing (recurring revenue per month)", "サブスクリプションの請求データ（月次の継続売上）"),
    "web_analytics": ("web analytics", "Webアクセス解析のデータ"),
    "email_activity": ("e-mail activity", "メール配信の実績"),
    "quotas": ("per-rep quotas", "担当者ごとのクォータ"),
    "activities": ("sales activity logs (calls, e-mails)", "営業活動の記録（架電・メール）"),
    "expansion": ("contract changes after the first deal", "初回受注後の契約変更"),
}


def off_topic(w: Words) -> list[str]:
    return [w.t("I'm a RevOps assistant: I answer questions about the funnel in your upload (leads, conversion, "
                "pipeline, revenue, follow-up) and about The Model playbook. Try \"Where is our funnel leaking?\"",
                "私はRevOpsのアシスタントです。アップロードされたファネルのデータ（リード、転換率、パイプライン、売上、"
                "初回対応）とThe Modelのプレイブックについてお答えします。例えば「ファネルのどこで漏れていますか？」と"
                "聞いてください。")]


def refusal(w: Words) -> list[str]:
    return [w.t("I can't do that. I only answer questions about your funnel from aggregates, I never show raw "
                "records or personal data, and instructions inside a question or the data do not change how I work.",
                "そのご依頼にはお応えできません。集計値からファネルについてお答えするのみで、生データや個人情報は表示せず、"
                "質問やデータの中の指示で動作を変えることもありません。")]


def no_data(w: Words) -> list[str]:
    return [w.t("No data is loaded, so I can only answer from the playbook. Upload your CRM exports for numbers.",
                "データが読み込まれていないため、プレイブックからのみ回答します。数値を見るにはCRMのエクスポートを"
                "アップロードしてください。")]


def help_lines(summary: UploadSummary | None, w: Words) -> list[str]:
    """What the assistant can do with this upload (what it holds and a few questions to try)."""
    lines = []
    if summary is not None:
        dims = ("、" if w.ja else ", ").join(w.dimension(d) for d in summary.dimensions) or w.t("none", "なし")
        span_en = f"from {summary.first_date} to {summary.last_date}" if summary.first_date else \
            "(an undated snapshot: no dates, so no trends)"
        span_ja = f"{w.period(summary.first_date)}〜{w.period(summary.last_date)}" if summary.first_date else \
            "日付のないスナップショット。推移は分析できません"
        lines.append(w.t(f"Your upload has {w.count(summary.rows)} records {span_en}, with these dimensions: {dims}.",
                         f"アップロードされたデータは {w.count(summary.rows)}件（{span_ja}）"
                         f"で、分析できる切り口は {dims} です。"))
    lines.append(w.t("Every figure I give is computed by code from your upload (never by a language model); each "
                     "answer lists the tool calls behind it, and a figure no tool returned would be flagged.",
                     "回答の数値はすべて、アップロードされたデータからコードで計算したものです（言語モデルは数値を作りません）。"
                     "各回答には根拠となったツール呼び出しが付き、ツールが返していない数値は指摘されます。"))
    lines.append(w.t("I can answer, in English or Japanese:", "英語・日本語で次のような質問に答えられます:"))
    examples = [
        ("counts and rates: \"How many MQLs did we get in Q3?\", \"What is our win rate?\"",
         "件数や率:「第3四半期のMQL数は？」「受注率は？」"),
        ("breakdowns and rankings: \"Win rate by segment\", \"Top 3 reps by revenue\"",
         "内訳やランキング:「セグメント別の受注率」「売上トップ3の担当者」"),
        ("trends and comparisons: \"MQLs by month\", \"Is revenue up on a year ago?\"",
         "推移や比較:「月別のMQL数」「前年同期と比べて売上は？」"),
        ("follow-up speed and recycling: \"How fast do we follow up?\", \"What could we recycle?\"",
         "初回対応とリサイクル:「初回対応の速さは？」「リサイクル対象は？」"),
        ("diagnosis: \"Where is the funnel leaking?\", \"Why is revenue flat though KPIs are green?\"",
         "診断:「ファネルのどこで漏れている？」「KPIは達成しているのに売上が伸びないのはなぜ？」"),
        ("what-ifs and plans: \"What if MQL→SQL improves 5 points?\", \"How many reps do we need?\"",
         "試算と計画:「MQL→SQLが5ポイント改善したら？」「営業は何人必要？」"),
        ("the playbook: \"What is an SQL?\", \"How should marketing hand leads to sales?\"",
         "プレイブック:「SQLとは？」「マーケから営業への引き継ぎはどうすべき？」"),
    ]
    lines += [f"- {w.t(en, ja)}" for en, ja in examples]
    if summary is not None and not summary.has_amounts:
        lines.append(w.t("This upload has no amounts, so revenue and deal size are not available.",
                         "このデータには金額がないため、売上や単価は分析できません。"))
    return lines


def help_sources() -> list[str]:
    """The example questions' own figures (Q3, 3, 5 points) are product text, not data: ground them."""
    return ["Q3 3 5 points 5ポイント 第3四半期"]


def missing_metric_lines(asked: str, needs: str, closest: list[Any], summary: UploadSummary | None,
                         w: Words) -> list[str]:
    """The metric is not in the upload: say what it would need, what the upload has, the closest figures."""
    need = NEEDS.get(needs, (needs, needs))
    lines = [w.t(f"{asked} is not in this upload: it needs {need[0]}, which CRM pipeline exports do not contain.",
                 f"{asked}はこのデータからは出せません。{need[1]}が必要ですが、CRMのパイプラインのエクスポートには"
                 "含まれていません。")]
    if summary is not None:
        lines.append(w.t("The upload has leads through won deals with dates" + (", amounts" if summary.has_amounts else "")
                         + (", follow-up times" if summary.has_follow_up else "") + (", churn" if summary.has_churn else "")
                         + ".", "このデータにあるのは、リードから受注までの日付" + ("・金額" if summary.has_amounts else "")
                         + ("・初回対応の時刻" if summary.has_follow_up else "") + ("・解約" if summary.has_churn else "")
                         + "です。"))
    if closest:
        lines.append(w.t("The closest figures it can give:", "代わりに出せる近い指標:"))
        lines += closest
    return lines


def concept_lines(definitions: list[Passage], searches: list[Passage], w: Words) -> list[str]:
    """A playbook concept in two or three sentences of its page, cited; else the best search passage."""
    if definitions:
        p = definitions[0]
        return [f"{p.excerpt} [{p.topic}]"]
    if not searches:
        return [w.t("The playbook has nothing on this yet.", "プレイブックに該当する記述がありません。")]
    best, *others = searches
    lines = [f"{first_sentences(best.excerpt, 3, best.lang)} [{best.topic}]"]
    if others:
        lines.append(w.t("See also: ", "関連: ") + ("、" if w.ja else "; ").join(f"{p.title} [{p.topic}]" for p in others[:2]))
    return lines


def playbook_lines(passages: list[Passage], w: Words, limit: int = 3) -> list[str]:
    lines = []
    for p in passages[:limit]:
        excerpt = " ".join(p.excerpt.split())
        if len(excerpt) > 260:
            excerpt = excerpt[:259] + "…"
        lines.append(f"- [{p.topic}] {p.title}: {excerpt}")
    return lines or [w.t("The playbook has nothing on this yet.", "プレイブックに該当する記述がありません。")]


def unknown_lines(unknown: tuple[tuple[str, str], ...], summary: UploadSummary | None, w: Words) -> list[str]:
    """What the question named that the upload does not have (so the figures below ignore it)."""
    lines = []
    sep = "、" if w.ja else ", "
    dims = sep.join(w.dimension(d) for d in summary.dimensions) if summary else ""
    for kind, word in unknown:
        if kind == "dimension":
            lines.append(w.t(f"The upload has no \"{word}\" to break down by (it has: {dims}).",
                             f"データに「{word}」という切り口はありません（あるのは: {dims}）。"))
        else:
            lines.append(w.t(f"\"{word}\" is not a value in the upload, so the figures below are not filtered by it.",
                             f"「{word}」はデータにない値のため、以下の数値はそれで絞り込んでいません。"))
    return lines


def error_line(err: RevOpsInputError, w: Words) -> str:
    """A tool error the user can act on, in the answer's language."""
    if isinstance(err, StageNotInUploadError):
        first, stage = w.stage(err.first), w.stage(err.stage)
        counted = err.metric in ("leads", "mqls", "sqls")
        what_en = f"no {stage} to count" if counted else f"no {stage} for the {w.metric(err.metric)}"
        what_ja = f"数えられる{stage}がありません" if counted else f"{w.metric(err.metric)}に必要な{stage}がありません"
        return w.t(f"This upload starts at the {err.first} stage (it holds {first} only), so there are {what_en}. "
                   "Upload the lead export too.",
                   f"このデータは{first}から始まっている（{first}のみの出力）ため、{what_ja}。"
                   "リードのエクスポートも合わせてアップロードしてください。")
    if isinstance(err, MetricUnavailableError):
        needs = ", ".join(err.needs)
        return w.t(f"{capitalised(w.metric(err.metric))} cannot be measured: the upload has "
                   f"no {needs} column.", f"{w.metric(err.metric)}は計算できません: データに {needs} 列がありません。")
    problem = err.problem
    if problem.startswith("unknown ") and "'" in problem and err.hint:
        value = problem.split("'")[1]
        return w.t(f"\"{value}\" is not in the data. {err.hint}.", f"「{value}」はデータにありません。候補: "
                   f"{err.hint.removeprefix('Valid values: ')}。")
    if problem.startswith("the data has no"):
        column = problem.split("'")[1] if "'" in problem else ""
        return w.t(f"The upload has no {w.dimension(column)} column. {err.hint or ''}".strip(),
                   f"データに{w.dimension(column)}の列がありません。")
    if "revenue target" in problem:
        return w.t(f"{capitalised(problem)}: upload a targets file with revenue targets.",
                   "売上目標がないため計算できません。売上目標を含む目標ファイルをアップロードしてください。")
    if "too short" in problem:
        return w.t("The data is too short for a baseline period to compare with.", "比較期間をとるにはデータの期間が短すぎます。")
    return w.t(f"I could not answer that from the data: {err}", f"データからはお答えできませんでした（{err}）。")


def not_observed_lines(errors: list[NotObservedError], w: Words) -> list[str]:
    """One line per kind of thing the upload cannot observe (stages, outcomes, dates), whatever asked for it."""
    sep = "、" if w.ja else ", "
    lines: list[str] = []
    stages = list(dict.fromkeys(e.stage for e in errors if e.missing == "stage" and e.stage))
    if stages:
        named = sep.join(stage_label(s, w.lang) for s in stages)
        lines.append(w.t(f"This upload does not observe the {named} stage{'s' if len(stages) > 1 else ''}: no column "
                         "says when a record reached it, so its counts and conversions are not measured "
                         "(a count implied by a later stage would be a guess).",
                         f"このデータには{named}の段階を示す列がないため、その件数と転換率は計測していません"
                         "（後の段階から推定した件数は推測にすぎません）。"))
    outcomes = [e for e in errors if e.missing == "outcomes"]
    if outcomes:
        names = sep.join(dict.fromkeys(w.metric(e.metric) for e in outcomes))
        reason = next((e.reason for e in outcomes if e.reason), "")
        lines.append(w.t(f"Deal outcomes are not complete in this upload ({reason or 'no won and lost deals'}), so "
                         f"{names} cannot be measured (a zero would be a guess).",
                         f"このデータには商談の結果（受注・失注）が揃っていないため、{names}は計測できません"
                         "（ゼロと表示すると誤りになります）。"))
    if any(e.missing == "dates" for e in errors):
        lines.append(w.t("The upload has no dates, so periods, trends and comparisons over time cannot be measured; "
                         "the figures are those of the undated snapshot.",
                         "このデータには日付がないため、期間別の推移や比較は計測できません（日付のないスナップショット"
                         "としての数値です）。"))
    return lines


def unobserved_between_line(stages: list[str], w: Words) -> str:
    """The upload skips ``stages``: a conversion runs across them."""
    named = ("、" if w.ja else " and ").join(stage_label(s, w.lang) for s in stages)
    return w.t(f"This upload does not observe {named} (no column says when a record reached them), so conversion "
               "is measured across them, between the stages it does observe.",
               f"このデータには{named}を示す列がないため、転換率はデータにある段階の間で通しで計測しています。")
