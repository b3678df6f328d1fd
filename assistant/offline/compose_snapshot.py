"""The answer to "where is the funnel leaking?" on an undated upload: a snapshot, not a clean bill of health.

Without dates nothing can be said about trends (so "no material problem" would mislead). Instead:
each conversion between the stages the upload observes, with its n and 95% interval, and the
dimensions where it differs most (highest against lowest group, each with n and interval; groups
under the ranking's minimum skipped and named). Every figure is a ``MetricResult`` value.
"""

from __future__ import annotations

from assistant.offline.compose_metrics import interval_text, metric_name, value_sentence
from assistant.offline.words import Words
from tools.metric_layer import MetricResult, MetricValue
from tools.metric_layer.spreads import widest_spreads
from tools.wording import capitalised

#: how many dimensions the snapshot names per conversion (the widest spreads first)
SPREAD_ROWS = 3


def is_snapshot(results: list[MetricResult]) -> bool:
    return bool(results) and all(any(n.code == "undated" for n in r.notes) for r in results)


def _group(result: MetricResult, value: MetricValue, w: Words) -> str:
    details = [f"n={w.count(value.n)}" if not w.ja else f"{w.count(value.n)}件", interval_text(result.info, value, w)]
    inner = ("、" if w.ja else "; ").join(d for d in details if d)
    shown = w.value(result.info, value.value)
    return f"{value.group} {shown}（{inner}）" if w.ja else f"{value.group} {shown} ({inner})"


def snapshot_lines(results: list[MetricResult], w: Words) -> list[str]:
    """The snapshot: lines for each observed conversion and where it differs most by dimension."""
    lines = [w.t("Trends cannot be judged: the upload has no dates (an undated snapshot), so whether anything got "
                 "worse over time is unknown. What the snapshot shows:",
                 "このデータには日付がない（日付のないスナップショット）ため、推移や悪化は判断できません。"
                 "スナップショットから分かること:")]
    totals = [r for r in results if r.query.by is None]
    for total in totals:
        lines.append(f"- {value_sentence(total, w, scope=False)}")
        spreads = widest_spreads(results, total.query.metric, SPREAD_ROWS)
        if spreads:
            lines.append(w.t(f"  Where {metric_name(total.info, w)} differs most:",
                             f"  {metric_name(total.info, w)}の差が大きい切り口:"))
        for s in spreads:
            dimension = w.dimension(s.result.query.by or "")
            dimension = capitalised(dimension)  # it starts the line ("Region:", beside "Lead Quality:")
            lines.append(w.t(f"  - {dimension}: highest {_group(s.result, s.high, w)}, lowest {_group(s.result, s.low, w)}.",
                             f"  - {dimension}: 最も高い {_group(s.result, s.high, w)}、最も低い {_group(s.result, s.low, w)}。"))
        skipped = [(s.result, v) for s in spreads for v in s.result.skipped]
        if skipped:
            min_n = skipped[0][0].query.min_n
            names = ", ".join(f"{v.group} ({w.count(v.n)})" for _, v in skipped[:8])
            lines.append(w.t(f"  Skipped, fewer than {min_n} records: {names}.",
                             f"  件数が{min_n}件未満のため除外: {names}。"))
    return lines
