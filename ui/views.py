"""Markdown views of loads, progress and diagnoses for the side panel.

Pure functions from the session's typed data and the diagnosis dict to Markdown strings, so they
are unit-tested without a browser. Names and number formats come from ``tools.wording``; the
numbers themselves from ``tools.diagnosis``. Every value from an upload is escaped (``cell``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tools.load_text import render_load_text
from tools.report import ja_summary
from tools.safe_text import cap_text, code_block, code_span, escape_markdown
from tools.wording import (
    Lang,
    finding_label,
    format_count,
    format_days,
    format_money,
    format_percent,
    lever_label,
    metric_label,
    owner_label,
    segment_label,
    severity_label,
    transition_label,
)
from ui.labels import label, role_name
from ui.state import Step

if TYPE_CHECKING:
    from assistant.settings import Settings
    from tools.dataset import LoadedData

#: Headline metrics in the diagnosis panel, with how each is written.
HEADLINE_METRICS = {"win_rate": "percent", "average_deal_size": "money", "median_cycle_days": "days",
                    "won_revenue": "money", "open_pipeline": "money"}
OK_MARK = "<span class='revops-ok'>✓</span> "
#: Longest error message shown (a loader message quoting a 5 MB "column name" stays readable).
MAX_MESSAGE = 2000
PENDING_MARK = "<span class='revops-pending'></span> "


def internal_error(err: BaseException) -> str:
    """The one-line text of an unexpected error (no traceback in the UI)."""
    return f"internal error: {type(err).__name__}: {err}"


def cell(text: object) -> str:
    """A value from the upload as literal Markdown text, also safe in a table cell (``tools.safe_text``)."""
    return escape_markdown(text)


def mode_markdown(settings: Settings | None, lang: Lang) -> str:
    """The mode indicator: offline, or LLM with the model name (and endpoint host)."""
    from assistant.chat.models import resolve_mode

    if settings is None:
        return label(lang, "mode_offline")
    try:
        mode = resolve_mode(settings)
    except Exception as err:  # misconfiguration shows up in the indicator, not as a crash
        return f"{label(lang, 'mode_offline')} — {cell(err)}"
    if mode == "offline":
        return label(lang, "mode_offline")
    model = settings.openai_model
    if settings.openai_base_url:
        model += f" @ {settings.openai_base_url}"
    return label(lang, "mode_llm", model=cell(model))


# --- progress -----------------------------------------------------------------------------------


class ProgressLog:
    """The lines a running load or memo shows: finished steps ticked, the running one with its time."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.elapsed: str | None = None

    def add(self, step: Step) -> None:
        if step.key == "tick":
            self.elapsed = str(step.values.get("seconds", ""))
            return
        self.elapsed = None
        if step.done:  # a finished step replaces the running ones it completes
            self.steps = [s for s in self.steps if s.done]
        self.steps.append(step)

    def markdown(self, lang: Lang) -> str:
        lines = []
        for step in self.steps:
            text = label(lang, step.key, **{k: _step_value(k, v, lang) for k, v in step.values.items()})
            if step.done:
                lines.append(f"{OK_MARK}{text}")
            else:
                timer = f" · {label(lang, 'progress_elapsed', seconds=self.elapsed)}" if self.elapsed else ""
                lines.append(f"{PENDING_MARK}{text}{timer}")
        return "<br>\n".join(lines)


def _step_value(key: str, value: Any, lang: Lang) -> str:
    if key == "role":
        return role_name(str(value), lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_count(value, lang)
    return cell(value)


# --- data panel ---------------------------------------------------------------------------------


def data_markdown(data: LoadedData | None, lang: Lang, *, is_demo: bool = False) -> str:
    """The data panel: files with their roles, the loader's report (joins, unused columns, what cannot
    be analysed) and the data-quality warnings."""
    if data is None:
        return label(lang, "no_data")
    roles = {f.name: f.role for f in data.report.files}
    demo = f" · {label(lang, 'demo_tag')}" if is_demo else ""
    lines = [f"**{label(lang, 'dialect')}:** {code_span(data.dialect)}{demo}", ""]
    if data.files:
        lines += [
            f"| {label(lang, 'files')} | {label(lang, 'role')} | {label(lang, 'dialect')} · {label(lang, 'encoding')} | "
            f"{label(lang, 'rows')} |",
            "|---|---|---|---:|",
        ]
        lines += [f"| {cell(f.name)} | {role_name(roles.get(f.name, 'leads'), lang)} | {code_span(f.dialect)} · "
                  f"{cell(f.encoding)} | {format_count(f.rows, lang)} |" for f in data.files]
        lines.append("")
    report = [line for line in render_load_text(data.report, lang) if line]
    if report:  # the loader's own words; file and column names are the upload's: verbatim in a block
        lines += [f"**{label(lang, 'load_report')}**", "", code_block("\n".join(report), "text"), ""]
    lines += [f"**{label(lang, 'data_quality')}**", ""]
    if data.data_quality:
        lines += [f"- <span class='revops-badge revops-sev-medium'>!</span> {code_span(d.code)} — {cell(d.message)}"
                  f" ({format_count(d.rows, lang)} {label(lang, 'rows')})" for d in data.data_quality]
    else:
        lines.append(label(lang, "no_warnings"))
    return "\n".join(lines)


# --- diagnosis panel ----------------------------------------------------------------------------


def severity_badge(severity: str, lang: Lang) -> str:
    """A coloured severity badge (CSS classes, no emoji: not every machine has an emoji font)."""
    return f"<span class='revops-badge revops-sev-{cell(severity)}'>{severity_label(severity, lang)}</span>"


def metric_value(metric: str, value: Any, lang: Lang, currency: str | None = None) -> str:
    """A headline metric written as the chat writes it."""
    unit = HEADLINE_METRICS.get(metric, "number")
    if unit == "percent":
        return format_percent(value, lang)
    if unit == "money":
        return format_money(value, lang, currency)
    if unit == "days":
        return format_days(value, lang)
    return format_count(value, lang)


def bottleneck_lines(diagnosis: dict[str, Any], lang: Lang, currency: str | None = None) -> list[str]:
    """The single constraint, its baseline and current level, and the revenue at stake."""
    bottleneck = diagnosis.get("bottleneck") or {}
    lever = bottleneck.get("lever")
    if not lever:
        return [label(lang, "no_bottleneck")]
    change: dict[str, Any] = next((c for c in bottleneck.get("levers", []) if c.get("lever") == lever), {})

    def level(value: Any) -> str:
        if lever == "lead_volume":
            return format_count(value, lang)
        if lever == "deal_size":
            return format_money(value, lang, currency)
        if lever == "cycle_time":
            return format_days(value, lang)
        return format_percent(value, lang)

    return [label(lang, "bottleneck_line", lever=lever_label(lever, lang), baseline=level(change.get("baseline")),
                  current=level(change.get("current")),
                  impact=format_money(bottleneck.get("revenue_impact"), lang, currency))]


def diagnosis_markdown(diagnosis: dict[str, Any] | None, lang: Lang, currency: str | None = None) -> str:
    """Bottleneck, headline metrics and the findings list."""
    if not diagnosis:
        return label(lang, "no_data")
    out = [f"### {label(lang, 'bottleneck')}"]
    bottleneck = diagnosis.get("bottleneck") or {}
    lever = bottleneck.get("lever")
    if lever:
        out.append(f"**{lever_label(lever, lang)}** — {label(lang, 'revenue_at_stake')}: "
                   f"**{format_money(bottleneck.get('revenue_impact'), lang, currency)}**\n")
    out += bottleneck_lines(diagnosis, lang, currency)
    metrics = diagnosis.get("metrics") or {}
    shown = [m for m in HEADLINE_METRICS if metrics.get(m) is not None]
    if shown:
        out += [f"\n### {label(lang, 'metrics')}", ""]
        out += [f"- {metric_label(m, lang)}: **{metric_value(m, metrics[m], lang, currency)}**" for m in shown]
    out.append(f"\n### {label(lang, 'findings')}\n")
    findings = diagnosis.get("findings") or []
    if not findings:
        out.append(label(lang, "no_findings"))
    out += [finding_line(f, lang) for f in findings]
    return "\n".join(out)


def finding_line(finding: dict[str, Any], lang: Lang) -> str:
    """One finding: severity badge, name, where, owner and its summary in the UI language."""
    where = transition_label(finding.get("transition"), lang) if finding.get("transition") else ""
    segment = finding.get("segment")
    if segment:
        where = " · ".join(w for w in (where, segment_label(segment["dimension"], segment["value"], lang)) if w)
    head = f"{severity_badge(finding['severity'], lang)} **{finding_label(finding['code'], lang)}**"
    head += f" ({cell(where)})" if where else ""
    owner = f" — {cell(owner_label(finding['owner'], lang))}" if finding.get("owner") else ""
    summary = ja_summary(finding) if lang == "ja" else finding.get("summary", "")
    return f"- {head}{owner}: {cell(summary)}"


def status_line(rows: int, files: Sequence[str], lang: Lang, *, is_demo: bool) -> str:
    """The one-line 'loaded' status."""
    if is_demo:
        return OK_MARK + label(lang, "demo_loaded", rows=format_count(rows, lang))
    return OK_MARK + label(lang, "loaded", rows=format_count(rows, lang), files=cell(", ".join(files)))


def error_box(message: str, lang: Lang, *, misread: bool = False) -> str:
    """The visible error for a bad upload (the loader's own message, as literal text, capped).

    ``misread``: the plausibility gate stopped it, so the way past it ("diagnose anyway") is named.
    """
    body = "\n".join(f"> {cell(line)}" for line in cap_text(message, MAX_MESSAGE).splitlines())
    hint = label(lang, "map_hint") + (f" {label(lang, 'force_hint')}" if misread else "")
    return (f"<div class='revops-error'>\n\n**{label(lang, 'error')}**\n\n{body}\n\n{hint}\n\n"
            f"{label(lang, 'kept_previous')}\n\n</div>")
