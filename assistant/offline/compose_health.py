"""The one-line pipeline health: what is open, what it is worth weighted by phase, how much of it is
stalled, and how it covers the revenue target still to win this quarter (when a target is loaded).

Every figure is a metric-layer result of this turn (``open_pipeline``, ``weighted_pipeline``,
``stalled_share``, ``pipeline_coverage``); this module only words them.
"""

from __future__ import annotations

from assistant.offline.compose_metrics import period_text
from assistant.offline.words import Words
from tools.metric_layer import MetricResult


def health_lines(results: list[MetricResult], w: Words, targets_loaded: bool = True) -> list[str]:
    """One or two lines; an empty list when the open pipeline itself could not be measured."""
    by_metric = {r.info.id: r for r in results if not r.query.by}
    open_ = by_metric.get("open_pipeline")
    if open_ is None or open_.total.value is None:
        return []
    deals = w.count(open_.total.n)
    parts = [w.t(f"{w.money(open_.total.value)} open in {deals} deals",
                 f"進行中 {w.money(open_.total.value)}（{deals}件）")]
    weighted = by_metric.get("weighted_pipeline")
    if weighted is not None and weighted.total.value is not None:
        parts.append(w.t(f"{w.money(weighted.total.value)} weighted by phase",
                         f"フェーズ確度で加重すると {w.money(weighted.total.value)}"))
    stalled = by_metric.get("stalled_share")
    if stalled is not None and stalled.total.value is not None and stalled.total.successes is not None:
        parts.append(w.t(f"{w.count(stalled.total.successes)} stalled ({w.pct(stalled.total.value)} of open deals)",
                         f"停滞 {w.count(stalled.total.successes)}件（進行中の{w.pct(stalled.total.value)}）"))
    head = w.t(f"Pipeline health ({period_text(open_, w)}): ", f"パイプラインの健全性（{period_text(open_, w)}）: ")
    lines = [head + ("、" if w.ja else "; ").join(parts) + w.t(".", "。")]
    coverage = by_metric.get("pipeline_coverage")
    floor = next((n.detail for n in coverage.notes if n.code == "coverage_floor"), None) if coverage else None
    elsewhere = coverage is not None and any(n.code == "no_target_for" for n in coverage.notes)  # another window's
    if coverage is not None and coverage.total.value is not None and coverage.total.target is not None and not elsewhere:
        period = w.period(coverage.period_label)
        lines.append(w.t(f"It covers {w.number(coverage.total.value)}× the revenue still to win against the "
                         f"{period} target of {w.money(coverage.total.target)}"
                         + (f" (about {floor}× is the usual floor)." if floor else "."),
                         f"{period}の売上目標 {w.money(coverage.total.target)} のうち未達分に対するカバレッジは "
                         f"{w.number(coverage.total.value)}倍です" + (f"（目安は{floor}倍程度）。" if floor else "。")))
    elif not targets_loaded:
        lines.append(w.t("No revenue target is loaded, so coverage against the plan cannot be given.",
                         "売上目標が読み込まれていないため、目標に対するカバレッジは示せません。"))
    else:
        lines.append(w.t("No revenue target covers the whole of this quarter, so coverage against the plan cannot be "
                         "given (a targets file with its months, or the quarter, adds it).",
                         "今四半期全体をカバーする売上目標がないため、目標に対するカバレッジは示せません"
                         "（四半期の各月、または四半期の目標を読み込むと表示されます）。"))
    return lines
