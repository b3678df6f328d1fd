"""The column-mapping editor's event handlers: a field, a role or a date order changed; apply.

Each change updates the session's ``MappingPlan`` and streams a preview: the funnel the edited
mapping would give, next to the one loaded now, or the loader's reason it cannot load. Nothing is
loaded into the session until "apply", which loads, diagnoses and saves the mapping for the same
header sets (``ui.mapping.saved``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tools.errors import RevOpsInputError
from tools.wording import Lang
from ui import views
from ui.handlers import Update, full_update, guarded, status_of
from ui.labels import field_name, label
from ui.mapping.suggest import MappingPlan, plan_mapping
from ui.state import Step, TabState, in_background, load_steps, tick

if TYPE_CHECKING:
    from tools.dataset import LoadedData


def _field(key: str | None, lang: Lang) -> str:
    return field_name(key, lang) if key else label(lang, "not_used")


def preview_markdown(session: TabState, plan: MappingPlan, lang: Lang) -> str:
    """The funnel the edited mapping would give, next to the one loaded now; or why it cannot load."""
    from tools.funnel import stage_counts
    from tools.ingest.loading import load_exports
    from tools.wording import format_count, stage_label

    changes = ", ".join(f"{views.cell(c.column)} → {_field(c.chosen, lang)}" for _, c in plan.changes())
    head = label(lang, "preview_changes", changes=changes) if changes else ""
    ignored = [column for columns in plan.ignored().values() for column in columns]
    if ignored:
        head += "\n\n" + label(lang, "cannot_ignore", columns=views.cell(", ".join(ignored)))
    try:
        data: LoadedData = load_exports([f.path for f in plan.files], overrides=plan.overrides() or None,
                                        options=plan.options())
    except RevOpsInputError as err:
        plan.ask_date_orders(err)
        body = "\n".join(f"> {views.cell(line)}" for line in str(err).splitlines())
        return f"{head}\n\n**{label(lang, 'preview_failed')}**\n\n{body}"
    now = {s["stage"]: s["count"] for s in (session.diagnosis or {}).get("funnel", {}).get("stages", [])}
    rows = [f"| {stage_label(s.stage, lang)} | {format_count(now.get(s.stage), lang)} | **{format_count(s.count, lang)}** |"
            for s in stage_counts(data.frame)]
    table = "\n".join([f"| {label(lang, 'stage')} | {label(lang, 'loaded_now')} | {label(lang, 'with_mapping')} |",
                       "|---|---:|---:|", *rows])
    return f"{head}\n\n{table}"


def stream_preview(session: TabState, lang: Lang) -> Iterator[str]:
    """The preview of the session's plan, with the elapsed time while the loader reads."""
    plan = session.plan
    if plan is None:
        yield ""
        return
    result = ""
    for item in in_background(lambda: preview_markdown(session, plan, lang), tick):
        if isinstance(item, Step):
            yield f"{views.PENDING_MARK}{label(lang, 'progress_elapsed', seconds=item.values['seconds'])}"
        else:
            result = item
    yield result


def on_choose(session: TabState, file_name: str, column: str, key: str | None, lang: Lang) -> Iterator[str]:
    """A column's field changed: record the choice and stream the new funnel preview."""
    if session.plan is not None:
        session.plan.choose(file_name, column, key or None)
    yield from stream_preview(session, lang)


def on_date_order(session: TabState, column: str, order: str, lang: Lang) -> Iterator[str]:
    """The user said how a date column reads (month first or day first): preview with it."""
    if session.plan is not None:
        session.plan.set_date_order(column, order)
    yield from stream_preview(session, lang)


def on_role(session: TabState, file_name: str, role: str, lang: Lang) -> Iterator[tuple[bool, str]]:
    """A file's role changed: read its columns again under that role (the editor is drawn again),
    then stream the preview. Yields (editor changed, preview)."""
    plan = session.plan
    if plan is None:
        yield False, ""
        return
    plan.set_role(file_name, role)
    rebuilt = plan_mapping([f.path for f in plan.files], plan.overrides(), plan.options())
    rebuilt.targets, rebuilt.is_demo, rebuilt.questions = plan.targets, plan.is_demo, plan.questions
    session.plan = rebuilt
    first = True
    for preview in stream_preview(session, lang):
        yield first, preview
        first = False


def on_apply(session: TabState, remember: bool, force: bool, lang: Lang) -> Iterator[Update]:
    """Apply the editor's mapping: load with it, diagnose, and save it for the same header sets."""
    plan = session.plan
    if plan is None or not plan.files:
        yield full_update(session, lang, views.error_box(label(lang, "no_files"), lang))
        return
    plan.force = force
    exports = [f.path for f in plan.files]
    yield from guarded(session, lang, lambda: load_steps(session, exports, plan.targets, plan.overrides(), plan=plan,
                                                          is_demo=plan.is_demo and not plan.changes()))
    if remember and session.plan is plan and session.data is not None:
        saved = []
        for file in plan.files:
            choices = plan.choices_of(file.name)
            if choices:
                session.mappings.save(file.header_key, choices)
                saved.append(file.name)
        if saved:
            note = label(lang, "mapping_saved", file=", ".join(saved))
            if not session.mappings.persistent:
                note += " " + label(lang, "mapping_session_only")
            yield Update(status=status_of(session, lang) + f"<br>\n{views.OK_MARK}{views.cell(note)}")
