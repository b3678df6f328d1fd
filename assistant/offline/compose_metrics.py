"""Offline wording of a metric answer: value with its n, vs the whole upload, trend, one-line reading.

Input is one ``lookup_metric`` result (see ``assistant.chat.tools.metric_summary`` for ``n``, ``overall`` and
``trend``). Every number printed is a value of that result; comparisons ("below", "improved") are
made between tool values, never printed as computed differences.
"""

from __future__ import annotations

from typing import Any

from assistant import wording as L

#: metrics where a lower value is the better one
LOWER_IS_BETTER = frozenset({"median_cycle_days", "median_follow_up_hours", "churn_rate"})


def _direction(metric: str, value: Any, reference: Any) -> str:
    """``better`` / ``worse`` / ``same`` for ``value`` against ``reference`` (same when they print alike)."""
    if value is None or reference is None or L.fmt_metric(metric, value) == L.fmt_metric(metric, reference):
        return "same"
    higher = float(value) > float(reference)
    return "better" if higher != (metric in LOWER_IS_BETTER) else "worse"


def _where(payload: dict[str, Any], lang: str) -> str:
    seg = payload.get("segment") or {}
    if not seg:
        return ""
    dim = L.DIMENSION[lang].get(str(seg.get("dimension")), str(seg.get("dimension")))
    return f"{dim}「{seg.get('value')}」" if lang == "ja" else f"{dim} \"{seg.get('value')}\""


def _n_text(n: dict[str, Any], lang: str) -> str:
    if "lost" in n:
        return (f"（受注 {L.count(n['won'])} 件・失注 {L.count(n['lost'])} 件）" if lang == "ja"
                else f" ({L.count(n['won'])} won and {L.count(n['lost'])} lost deals)")
    if "won" in n:
        return f"（受注 {L.count(n['won'])} 件）" if lang == "ja" else f" (from {L.count(n['won'])} won deals)"
    return ""


READING = {
    "en": {
        ("worse", "worse"): "{who} lags the company and is slipping, so it drags the blended number down; fix it "
                            "before adding volume there.",
        ("worse", "better"): "{who} still lags the company but is recovering; keep what changed.",
        ("worse", "same"): "{who} lags the company; look at where its deals stall or are lost.",
        ("better", "worse"): "{who} beats the company but is slipping; find out what changed before it erodes.",
        ("better", "better"): "{who} beats the company and keeps improving; a pattern worth copying elsewhere.",
        ("better", "same"): "{who} beats the company; a pattern worth copying elsewhere.",
        ("same", "worse"): "{who} is slipping against its own baseline; find the step where deals are lost.",
        ("same", "better"): "{who} is improving against its own baseline.",
        ("same", "same"): "{who} is steady; no action needed on this number alone.",
    },
    "ja": {
        ("worse", "worse"): "{who}は全体を下回り、しかも悪化しているため、全体の数字を押し下げています。量を増やす前にここを改善しましょう。",
        ("worse", "better"): "{who}は全体を下回るものの回復傾向です。効いている変化を続けましょう。",
        ("worse", "same"): "{who}は全体を下回っています。どこで停滞・失注しているかを確認しましょう。",
        ("better", "worse"): "{who}は全体を上回るものの悪化傾向です。何が変わったかを早めに確認しましょう。",
        ("better", "better"): "{who}は全体を上回り、さらに改善しています。他にも展開できる勝ちパターンです。",
        ("better", "same"): "{who}は全体を上回っています。他にも展開できる勝ちパターンです。",
        ("same", "worse"): "{who}は比較期間より悪化しています。失注が増えたステップを特定しましょう。",
        ("same", "better"): "{who}は比較期間より改善しています。",
        ("same", "same"): "{who}は安定しています。この数字だけで打ち手を変える必要はありません。",
    },
}

#: appended when the trend moved but the engine's test does not call it significant
NOISE = {"en": " (The move since the baseline window is not yet beyond noise: watch it.)",
         "ja": "（比較期間からの変化はまだ誤差の範囲のため、推移を見守りましょう。）"}


def metric_lines(payload: dict[str, Any], lang: str) -> list[str]:
    """A single metric with context, as sentences (English or Japanese)."""
    metric = payload["metric"]
    values = payload.get("values") or {}
    value = values.get("all")
    name = L.METRIC[lang].get(metric, metric)
    where = _where(payload, lang)
    fmt = L.fmt_metric(metric, value)
    n = _n_text(payload.get("n") or {}, lang)
    overall, trend = payload.get("overall"), payload.get("trend") or {}
    if lang == "ja":
        lines = [f"{where + 'の' if where else ''}{name}は {fmt} です{n}。"]
        if overall is not None:
            lines.append(f"全体の{name}は {L.fmt_metric(metric, overall)} です。")
    else:
        lines = [f"The {name}{' for ' + where if where else ''} is {fmt}{n}."]
        if overall is not None:
            lines.append(f"Across the whole upload it is {L.fmt_metric(metric, overall)}.")
    if trend.get("baseline") is not None and trend.get("current") is not None:
        lines.append(_trend_line(metric, trend, lang))
    vs = _direction(metric, value, overall) if overall is not None else "same"
    moved = _direction(metric, trend.get("current"), trend.get("baseline")) if trend else "same"
    who = where or ("この指標" if lang == "ja" else "This number")
    if lang == "en" and where:
        who = where[:1].upper() + where[1:]
    reading = READING[lang][(vs, moved)].format(who=who)
    if moved != "same" and not trend.get("significant"):
        reading += NOISE[lang]
    lines.append(("読み方: " if lang == "ja" else "Reading: ") + reading)
    return lines


def _trend_line(metric: str, trend: dict[str, Any], lang: str) -> str:
    base, cur = L.fmt_metric(metric, trend["baseline"]), L.fmt_metric(metric, trend["current"])
    bw, cw = trend.get("baseline_window") or "", trend.get("current_window") or ""
    nb, nc = trend.get("n_baseline"), trend.get("n_current")
    if base == cur:
        return (f"比較期間（{bw}）から今期（{cw}）まで {cur} のまま変わっていません。" if lang == "ja"
                else f"It held at {cur} from the baseline window ({bw}) to the current window ({cw}).")
    if lang == "ja":
        n = f"（対象 {L.count(nb)} 件 → {L.count(nc)} 件）" if nb is not None and nc is not None else ""
        sig = "統計的に有意な変化です。" if trend.get("significant") else "ただし件数からみて統計的に有意な変化ではありません。"
        return f"比較期間（{bw}）の {base} から今期（{cw}）は {cur} になりました{n}。{sig}"
    n = f" (n = {L.count(nb)} → {L.count(nc)})" if nb is not None and nc is not None else ""
    sig = ("a statistically significant change." if trend.get("significant")
           else "with this many deals the change is not statistically significant.")
    return f"It went from {base} in the baseline window ({bw}) to {cur} in the current window ({cw}){n}; {sig}"
