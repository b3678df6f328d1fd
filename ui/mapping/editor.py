"""The column-mapping editor: one row per uploaded column, with its values and a field dropdown.

Drawn with ``gr.render`` from the session's ``MappingPlan`` whenever an upload brings new columns
(or the language changes). Each file shows its detected role and format; each column its sample
values, what the loader detected, and a dropdown of the fields it can feed ("not used" included).
A change streams the funnel preview (``ui.handlers.on_choose``); nothing loads until "Apply".
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import gradio as gr

from tools.ingest.dialects import MAPPABLE_KEYS
from tools.ingest.roles import FILE_ROLES
from tools.safe_text import code_span
from tools.wording import Lang
from ui.labels import field_name, label, role_name
from ui.layout import SAFE_MARKDOWN
from ui.mapping.handlers import on_choose, on_date_order, on_role
from ui.mapping.suggest import ColumnChoice, FilePlan
from ui.state import TabState
from ui.views import cell

NOT_USED = ""


def field_choices(lang: Lang) -> list[tuple[str, str]]:
    """The dropdown's choices: "not used", then every field the loader can map."""
    return [(label(lang, "not_used"), NOT_USED)] + [(field_name(k, lang), k) for k in MAPPABLE_KEYS]


def column_markdown(choice: ColumnChoice, lang: Lang) -> str:
    """The column's name, a few of its values and what the loader detected."""
    samples = " · ".join(cell(s) for s in choice.samples) or "—"
    detected = field_name(choice.detected, lang) if choice.detected else label(lang, "not_used")
    return (f"**{cell(choice.column)}**  \n<small>{label(lang, 'samples')}: {samples}</small>  \n"
            f"<small>{label(lang, 'detected')}: {detected}</small>")


def file_markdown(plan: FilePlan, lang: Lang) -> str:
    return (f"#### {cell(plan.name)}\n{label(lang, 'dialect')}: {code_span(plan.dialect)} · "
            f"{label(lang, 'encoding')}: {cell(plan.encoding)}")


def role_choices(lang: Lang) -> list[tuple[str, str]]:
    return [(role_name(role, lang), role) for role in FILE_ROLES]


def date_order_choices(lang: Lang) -> list[tuple[str, str]]:
    return [(label(lang, "month_first"), "mdy"), (label(lang, "day_first"), "dmy")]


def _choose(file_name: str, column: str, session: TabState | None, key: str | None, lang: Lang) -> Iterator[str]:
    if session is None:
        yield ""
        return
    yield from on_choose(session, file_name, column, key, lang)


def _date_order(column: str, session: TabState | None, order: str, lang: Lang) -> Iterator[str]:
    if session is None:
        yield ""
        return
    yield from on_date_order(session, column, order, lang)


def define_editor(session: gr.State, editor_version: gr.State, language: gr.Radio, preview: gr.Markdown) -> None:
    """Define the editor (a ``gr.render``) at this point of the page."""

    def role_changed(file_name: str, state: TabState | None, role: str, lang: Lang) -> Iterator[dict[Any, Any]]:
        """A role changed: the preview streams, and the editor is drawn again (its columns read anew)."""
        if state is None:
            return
        for changed, shown in on_role(state, file_name, role, lang):
            out: dict[Any, Any] = {preview: shown}
            if changed:
                state.editor_version += 1
                out[editor_version] = state.editor_version
            yield out

    @gr.render(inputs=[session, language], triggers=[editor_version.change, language.change])
    def editor(state: TabState | None, lang: Lang) -> None:
        plan = state.plan if state is not None else None
        if plan is None or not plan.files:
            errors = "\n\n".join(f"> {cell(e)}" for e in (plan.errors if plan else []))
            gr.Markdown(errors or label(lang, "mapping_empty"), elem_id="revops-mapping-empty", **SAFE_MARKDOWN)
            return
        for question in plan.questions:  # date columns the loader could not read either way
            examples = " · ".join(cell(e) for e in question.examples[:4])
            order = gr.Radio(date_order_choices(lang), value=plan.date_orders.get(question.column),
                             label=label(lang, "date_order", column=question.column, file=question.file),
                             info=f"{label(lang, 'samples')}: {examples}", elem_classes=["revops-date-order"])
            order.input(partial(_date_order, question.column), [session, order, language], [preview],
                        show_progress="hidden")
        choices = field_choices(lang)
        for f_index, file in enumerate(plan.files):
            gr.Markdown(file_markdown(file, lang), elem_classes=["revops-map-file"], **SAFE_MARKDOWN)
            role = gr.Dropdown(role_choices(lang), value=file.role, label=label(lang, "file_role"),
                               info=label(lang, "role_detected", role=role_name(file.detected_role, lang)),
                               elem_id=f"revops-role-{f_index}", elem_classes=["revops-map-role"])
            role.input(partial(role_changed, file.name), [session, role, language], [preview, editor_version],
                       show_progress="hidden")
            for c_index, choice in enumerate(file.columns):
                with gr.Row(equal_height=False, elem_classes=["revops-map-row"]):
                    gr.Markdown(column_markdown(choice, lang), elem_classes=["revops-map-column"], **SAFE_MARKDOWN)
                    dropdown = gr.Dropdown(choices, value=choice.chosen or NOT_USED, label=label(lang, "field"),
                                           show_label=False,
                                           container=False, filterable=True,
                                           elem_id=f"revops-map-{f_index}-{c_index}",
                                           elem_classes=["revops-map-field"])
                handler: Any = partial(_choose, file.name, choice.column)
                dropdown.input(handler, [session, dropdown, language], [preview], show_progress="hidden")
