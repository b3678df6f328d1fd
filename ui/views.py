"""Markdown and chat-message views of loaded data, diagnoses and answers.

Pure functions from plain dicts / dataclasses to strings and Gradio message dicts, so they can be
unit-tested without a browser. Names and number formats come from ``tools.wording``; the
numbers themselves come from ``tools.diagnosis`` and ``assistant`` answers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tools import wording
from tools.load_text import render_load_text
from tools.safe_text import code_block, code_span, defang_markdown, escape_markdown
from tools.wording.finding_sentence import finding_sentence
from ui.charts import transition_name
from ui.labels import label

if TYPE_CHECKING:
    from assistant.chat.answer import Answer
    from assistant.settings import Settings
    from tools.dataset import LoadedData

HEADLINE_METRICS = ("win_rate", "average_deal_size", "median_cycle_days", "won_revenue", "open_pipeline")
MAX_EXCERPT = 420


def _word(table: dict[str, dict[str, str]], lang: str, key: str | None) -> str:
    if key is None:
        return ""
    return table.get(lang, table["en"]).get(key) or table["en"].get(key) or key


def _cell(text: object) -> str:
    """A value from the upload as literal text (also safe inside a Markdown table cell)."""
    return escape_markdown(text)


def mode_markdown(settings: Settings | None, lang: str) -> str:
    """The mode indicator: offline, or LLM with the model name (and endpoint host)."""
    from assistant.chat.models import resolve_mode

    if settings is None:
        return label(lang, "mode_offline")
    try:
        mode = resolve_mode(settings)
    except Exception as err:  # misconfiguration shows up in the indicator, not as a crash
        return f"{label(lang, 'mode_offline')} — {escape_markdown(err)}"
    if mode == "offline":
        return label(lang, "mode_offline")
    model = settings.openai_model
    if settings.openai_base_url:
        model += f" @ {settings.openai_base_url}"
    return label(lang, "mode_llm", model=escape_markdown(model))


def data_markdown(data: LoadedData | None, lang: str, *, is_demo: bool = False) -> str:
    """The data panel: detected dialect, files, column mapping and data-quality warnings."""
    if data is None:
        return label(lang, "no_data")
    lines = [f"**{label(lang, 'dialect')}:** {code_span(data.dialect)}" + (" · demo" if is_demo else ""), ""]
    if data.files:
        lines += [
            f"| {label(lang, 'files')} | {label(lang, 'dialect')} | {label(lang, 'encoding')} | {label(lang, 'rows')} |",
            "|---|---|---|---:|",
        ]
        lines += [f"| {_cell(f.name)} | {_cell(f.dialect)} | {_cell(f.encoding)} | {f.rows:,} |" for f in data.files]
        lines.append("")
    load = render_load_text(data.report, lang)  # roles, joins, analyses the data cannot support
    if load:  # file and column names are the upload's: verbatim, in a block they cannot close
        lines += [code_block("\n".join(line for line in load if line), "text"), ""]
    lines += [f"**{label(lang, 'data_quality')}**", ""]
    if data.data_quality:
        lines += [f"- <span class='revops-badge revops-sev-medium'>!</span> {code_span(d.code)} — {_cell(d.message)}"
                  f" ({d.rows:,} {label(lang, 'rows')})" for d in data.data_quality]
    else:
        lines.append(label(lang, "no_warnings"))
    lines += ["", f"**{label(lang, 'mapping')}**", "", f"| {label(lang, 'canonical')} | {label(lang, 'source_column')} |",
              "|---|---|"]
    lines += [f"| {code_span(k)} | {_cell(v)} |" for k, v in data.mapping.items()]
    return "\n".join(lines)


def severity_badge(severity: str, lang: str) -> str:
    """A coloured severity badge (CSS classes, no emoji: not every machine has an emoji font)."""
    return f"<span class='revops-badge revops-sev-{severity}'>{wording.severity_label(severity, _lang(lang))}</span>"


def _lang(lang: str) -> wording.Lang:
    return wording.as_lang(lang)


def _impact(value: Any, lang: str = "en") -> str:
    return wording.format_money(value, _lang(lang)) if isinstance(value, int | float) else "—"


def _metric_value(metric: str, value: Any, lang: str) -> str:
    if metric in ("win_rate", "follow_up_within_sla", "churn_rate", "retention_rate"):
        return wording.format_percent(value, _lang(lang))
    if metric == "median_cycle_days":
        return wording.format_days(value, _lang(lang))
    if metric == "median_follow_up_hours":
        return wording.format_hours(value, _lang(lang))
    return wording.format_money(value, _lang(lang))


def bottleneck_lines(diagnosis: dict[str, Any], lang: str) -> list[str]:
    """The single constraint and its revenue at stake, from the SPEC JSON the panels render."""
    b = diagnosis.get("bottleneck") or {}
    lever = b.get("lever")
    if not lever:
        return ["No single lever significantly holds revenue back right now." if lang == "en"
                else "現在、売上を大きく抑えている単一のレバーは見当たりません。"]
    change: dict[str, Any] = next((lc for lc in b.get("levers", []) if lc.get("lever") == lever), {})
    fmt: Any = {"lead_volume": wording.format_count, "deal_size": wording.format_money,
                "cycle_time": wording.format_days}.get(lever, wording.format_percent)
    base, cur = fmt(change.get("baseline"), _lang(lang)), fmt(change.get("current"), _lang(lang))
    name, impact = wording.lever_label(lever, _lang(lang)), _impact(b.get("revenue_impact"), lang)
    if lang == "ja":
        return [f"ボトルネックは「{name}」です: 比較期間 {base} → 今期 {cur}。"
                f"比較期間の水準に戻せば、1期間あたり約 {impact} の売上に相当します。"]
    return [f"The bottleneck is {name}: {base} in the baseline period vs {cur} now. "
            f"Restoring it is worth about {impact} in revenue per period."]


def diagnosis_markdown(diagnosis: dict[str, Any] | None, lang: str) -> str:
    """Bottleneck, headline metrics and the findings list."""
    if not diagnosis:
        return label(lang, "no_data")
    out: list[str] = []
    bottleneck = diagnosis.get("bottleneck") or {}
    lever = bottleneck.get("lever")
    out.append(f"### {label(lang, 'bottleneck')}")
    if lever:
        out.append(f"**{wording.lever_label(lever, _lang(lang))}** — {label(lang, 'revenue_at_stake')}: "
                   f"**{_impact(bottleneck.get('revenue_impact'), lang)}**\n")
    out += [_cell(line) for line in bottleneck_lines(diagnosis, lang)]
    metrics = diagnosis.get("metrics") or {}
    shown = [m for m in HEADLINE_METRICS if metrics.get(m) is not None]
    if shown:
        out += [f"\n### {label(lang, 'metrics')}", ""]
        out += [f"- {wording.metric_label(m, _lang(lang))}: **{_metric_value(m, metrics[m], lang)}**" for m in shown]
    out.append(f"\n### {label(lang, 'findings')}\n")
    findings = diagnosis.get("findings") or []
    if not findings:
        out.append(label(lang, "no_findings"))
    for f in findings:
        where = transition_name(f.get("transition"), lang)
        segment = f.get("segment")
        if segment:
            where = f"{where} · {segment['dimension']}={_cell(segment['value'])}".lstrip(" ·")
        head = f"{severity_badge(f['severity'], lang)} **{wording.finding_label(f['code'], _lang(lang))}**"
        head += f" ({where})" if where else ""
        owner = f" — {_cell(f['owner'])}" if f.get("owner") else ""
        summary = _cell(finding_sentence(f, _lang(lang)))
        out.append(f"- {head}{owner}: {summary}")
    return "\n".join(out)


# --- chat ---------------------------------------------------------------------------------------


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in args.items())


def tool_calls_markdown(answer: Answer) -> str:
    """The tool calls of an answer, one per line, as code."""
    calls = [f"{c.name}({_args(c.args)})" for c in answer.tool_calls]
    return code_block("\n".join(calls)) if calls else "—"


def citations_markdown(answer: Answer) -> str:
    """Each cited playbook passage: topic, title, source file and the excerpt."""
    parts = []
    for c in answer.citations:
        excerpt = " ".join(c.excerpt.split())
        if len(excerpt) > MAX_EXCERPT:
            excerpt = excerpt[:MAX_EXCERPT].rstrip() + "…"
        title = c.title or c.topic
        parts.append(f"**\\[{_cell(c.topic)}\\] {_cell(title)}** — {code_span(c.source)}\n\n> {_cell(excerpt)}")
    return "\n\n".join(parts)


def answer_text(answer: Answer, lang: str) -> str:
    """The answer body plus any fallback note and unverified-number warning."""
    text = defang_markdown(answer.answer.rstrip())
    if answer.fallback:
        text += "\n\n_" + label(lang, "fallback", reason=_cell(answer.fallback)) + "_"
    ungrounded = getattr(answer.grounding, "ungrounded", None)
    if ungrounded:
        text += "\n\n_" + label(lang, "ungrounded", numbers=_cell(", ".join(ungrounded))) + "_"
    return text


def working_message(progress: list[str], lang: str, *, done: bool = False) -> dict[str, Any]:
    """The collapsible 'how this was computed' message while (or after) the tools run."""
    return {
        "role": "assistant",
        "content": "\n".join(f"- {code_span(p)}" for p in progress) or "…",
        "metadata": {"title": label(lang, "how_computed" if done else "thinking"),
                     "status": "done" if done else "pending"},
    }


def answer_messages(answer: Answer, lang: str, progress: list[str] | None = None) -> list[dict[str, Any]]:
    """The finished answer as chat messages: how it was computed, the text, the sources."""
    how = tool_calls_markdown(answer)
    if progress and not answer.tool_calls:  # the calls with their arguments say more than the progress lines
        how = "\n".join(f"- {code_span(p)}" for p in progress)
    messages: list[dict[str, Any]] = [
        {"role": "assistant", "content": how,
         "metadata": {"title": label(lang, "how_computed"), "status": "done"}},
        {"role": "assistant", "content": answer_text(answer, lang)},
    ]
    if answer.citations:
        messages.append({
            "role": "assistant",
            "content": citations_markdown(answer),
            "metadata": {"title": label(lang, "sources", n=len(answer.citations)), "status": "done"},
        })
    return messages
