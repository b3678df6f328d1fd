"""The page: the conversation as the main column; data, mapping, diagnosis and memo in a side panel.

``build_page(lang, settings)`` creates every component inside the current ``gr.Blocks`` and returns
them as a ``Page``; ``relabel(page, lang)`` gives the updates that redraw every label in another
language. Events are wired in ``ui.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from tools.wording import Lang
from ui.handlers import MEMO_FORMATS
from ui.labels import LANGUAGE_CHOICES, examples, label
from ui.views import mode_markdown

if TYPE_CHECKING:
    from assistant.settings import Settings

EXAMPLE_COUNT = len(examples("en"))
#: Every Markdown and Chatbot component renders data as text: HTML sanitised, no custom tags, no
#: LaTeX. Values are escaped before they get here (``tools.safe_text``); this is the second wall.
SAFE_MARKDOWN: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": []}
SAFE_CHATBOT: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": [], "allow_tags": False,
                                "render_markdown": True}
EXPORT_TYPES = [".csv", ".xlsx", ".tsv", ".txt"]

CSS = """
.revops-error { border-left: 4px solid #d9534f; background: #fdf0ef; padding: 4px 12px; border-radius: 6px; }
.revops-error blockquote { white-space: pre-wrap; border-left: none; margin: 0; }
#revops-status p { margin: 2px 0; }
#revops-status .revops-steps { font-size: 0.85em; color: var(--body-text-color-subdued); }
.revops-ok { color: #2e7d32; font-weight: 700; }
.revops-pending { display: inline-block; width: 0.8em; height: 0.8em; border: 2px solid #9aa7b8;
  border-top-color: #2f6fdf; border-radius: 50%; animation: revops-spin 0.8s linear infinite; vertical-align: -1px; }
@keyframes revops-spin { to { transform: rotate(360deg); } }
.revops-badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.8em; font-weight: 600;
  color: #fff; background: #6c757d; }
.revops-sev-high { background: #c62828; }
.revops-sev-medium { background: #ef6c00; }
.revops-sev-low { background: #b59b00; }
.revops-sev-info { background: #1565c0; }
#revops-header h1 { margin: 0 0 2px 0; font-size: 1.5em; }
#revops-header p { margin: 0; }
#revops-mode { font-size: 0.85em; color: var(--body-text-color-subdued); text-align: right; }
#revops-exports { min-height: 0; }
.revops-example { white-space: normal !important; text-align: left !important; height: auto !important;
  line-height: 1.3 !important; padding: 6px 10px !important; }
#revops-data td:last-child { white-space: nowrap; }
.revops-map-column p { margin: 0; }
.revops-map-column small { color: var(--body-text-color-subdued); }
"""


@dataclass
class Page:
    """Every component the events read or write."""

    session: gr.State
    editor_version: gr.State
    side: gr.Sidebar
    tabs: gr.Tabs
    tab_data: gr.Tab
    tab_mapping: gr.Tab
    tab_diagnosis: gr.Tab
    tab_memo: gr.Tab
    header: gr.Markdown
    mode: gr.Markdown
    language: gr.Radio
    exports: gr.File
    demo: gr.Button
    open_panel: gr.Button
    status: gr.Markdown
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    example_buttons: list[gr.Button]
    clear: gr.Button
    export_chat: gr.DownloadButton
    targets: gr.File
    data: gr.Markdown
    mapping_intro: gr.Markdown
    preview: gr.Markdown
    remember: gr.Checkbox
    force: gr.Checkbox
    apply: gr.Button
    diagnosis: gr.Markdown
    funnel: gr.Plot
    finding: gr.Plot
    memo_format: gr.Radio
    memo_build: gr.Button
    memo_download: gr.DownloadButton
    memo_status: gr.Markdown

    def labelled(self) -> list[Any]:
        """The components ``relabel`` updates, in its order."""
        return [self.header, self.mode, self.language, self.tab_data, self.tab_mapping, self.tab_diagnosis, self.tab_memo,
                self.exports, self.targets, self.demo, self.open_panel, self.chatbot, self.question, self.ask,
                self.clear, self.export_chat, self.mapping_intro, self.remember, self.force, self.apply, self.memo_format,
                self.memo_build, self.memo_download, *self.example_buttons]

    def panel_outputs(self) -> list[Any]:
        """What a load updates, in ``ui.app.unpack`` order."""
        return [self.session, self.status, self.data, self.diagnosis, self.funnel, self.finding,
                self.editor_version, self.preview, self.side, self.tabs, self.exports]


def upload_limit(settings: Settings | None) -> int:
    """The per-file upload limit in MB (the settings' default when there are none)."""
    if settings is None:
        from assistant.settings import get_settings

        settings = get_settings()
    return int(settings.upload_max_mb)


def header_markdown(lang: Lang) -> str:
    return f"# {label(lang, 'title')}\n{label(lang, 'hint')}"


def build_page(lang: Lang, settings: Settings | None, session_ttl: int, close: Any,
               draw_editor: Callable[[gr.State, gr.State, gr.Radio, gr.Markdown], None]) -> Page:
    """Create the page's components in the current Blocks context.

    ``draw_editor(session, editor_version, language, preview)`` defines the mapping editor (a
    ``gr.render``) in its place inside the mapping tab.
    """
    session = gr.State(None, time_to_live=session_ttl, delete_callback=close)
    editor_version = gr.State(0)
    # created first, drawn later: the mapping editor in the side panel redraws on a language switch
    language = gr.Radio(LANGUAGE_CHOICES, value=lang, label=label(lang, "language"), show_label=False,
                        container=False, elem_id="revops-lang", render=False)
    preview = gr.Markdown("", elem_id="revops-mapping-preview", **SAFE_MARKDOWN, render=False)
    with gr.Sidebar(position="right", open=False, width=660, elem_id="revops-side") as side, \
            gr.Tabs(elem_id="revops-tabs") as tabs:
        with gr.Tab(label(lang, "tab_data"), id="data", elem_id="revops-tab-data") as tab_data:
            data = gr.Markdown(label(lang, "no_data"), elem_id="revops-data", **SAFE_MARKDOWN)
            targets = gr.File(label=label(lang, "targets"), file_count="single", file_types=[".csv", ".xlsx"],
                              elem_id="revops-targets", height=120)
        with gr.Tab(label(lang, "tab_mapping"), id="mapping", elem_id="revops-tab-mapping") as tab_mapping:
            mapping_intro = gr.Markdown(label(lang, "mapping_intro"), elem_id="revops-mapping-intro", **SAFE_MARKDOWN)
            preview.render()
            with gr.Row(equal_height=True):
                with gr.Column(scale=3, min_width=240):
                    remember = gr.Checkbox(True, label=label(lang, "remember_mapping"), elem_id="revops-remember")
                    force = gr.Checkbox(False, label=label(lang, "force"), elem_id="revops-force")
                apply = gr.Button(label(lang, "apply_mapping"), variant="primary", elem_id="revops-apply", scale=2)
            draw_editor(session, editor_version, language, preview)
        with gr.Tab(label(lang, "tab_diagnosis"), id="diagnosis", elem_id="revops-tab-diagnosis") as tab_diagnosis:
            diagnosis = gr.Markdown(label(lang, "no_data"), elem_id="revops-diagnosis", **SAFE_MARKDOWN)
            funnel = gr.Plot(show_label=False, elem_id="revops-funnel")
            finding = gr.Plot(show_label=False, elem_id="revops-finding")
        with gr.Tab(label(lang, "tab_memo"), id="memo", elem_id="revops-tab-memo") as tab_memo:
            memo_format = gr.Radio(list(MEMO_FORMATS), value="Markdown", label=label(lang, "memo_format"),
                                   elem_id="revops-memo-format")
            memo_build = gr.Button(label(lang, "memo_build"), elem_id="revops-memo-build")
            memo_download = gr.DownloadButton(label(lang, "memo_download"), visible=False, variant="primary",
                                              elem_id="revops-memo-download")
            memo_status = gr.Markdown("", elem_id="revops-memo-status", **SAFE_MARKDOWN)
    with gr.Row(equal_height=True):
        header = gr.Markdown(header_markdown(lang), elem_id="revops-header", **SAFE_MARKDOWN)
        with gr.Column(scale=0, min_width=300):
            language.render()
            mode = gr.Markdown(mode_markdown(settings, lang), elem_id="revops-mode", **SAFE_MARKDOWN)
    with gr.Row(equal_height=True):
        exports = gr.File(label=label(lang, "exports", limit=upload_limit(settings)), file_count="multiple", file_types=EXPORT_TYPES,
                          elem_id="revops-exports", height=110, scale=4)
        with gr.Column(scale=1, min_width=220):
            demo = gr.Button(label(lang, "demo"), elem_id="revops-demo")
            open_panel = gr.Button(label(lang, "open_panel"), elem_id="revops-open-panel")
    status = gr.Markdown("", elem_id="revops-status", **SAFE_MARKDOWN)
    chatbot = gr.Chatbot(label=label(lang, "chat"), show_label=False, height="64vh", min_height=420, elem_id="revops-chat",
                         **SAFE_CHATBOT,
                         feedback_options=None, buttons=["copy", "copy_all"],
                         placeholder=label(lang, "chat_placeholder"), group_consecutive_messages=True)
    with gr.Row(equal_height=True):
        question = gr.Textbox(label=label(lang, "question"), show_label=False, scale=6,
                              placeholder=label(lang, "question_placeholder"),
                              elem_id="revops-question", container=False)
        ask = gr.Button(label(lang, "send"), variant="primary", scale=1, elem_id="revops-ask")
    with gr.Row(elem_id="revops-examples"):
        example_buttons = [gr.Button(text, size="sm", elem_classes=["revops-example"], elem_id=f"revops-example-{i}")
                           for i, text in enumerate(examples(lang))]
    with gr.Row():
        clear = gr.Button(label(lang, "clear"), size="sm", elem_id="revops-clear")
        export_chat = gr.DownloadButton(label(lang, "export_chat"), size="sm", interactive=False,
                                        elem_id="revops-export-chat")
    return Page(session, editor_version, side, tabs, tab_data, tab_mapping, tab_diagnosis, tab_memo, header, mode,
                language, exports, demo, open_panel, status, chatbot, question, ask, example_buttons, clear,
                export_chat, targets, data, mapping_intro, preview, remember, force, apply, diagnosis, funnel, finding,
                memo_format, memo_build, memo_download, memo_status)


def remount_uploads(page: Page) -> dict[Any, Any]:
    """Make the upload areas editable again (drawn anew, in the front-end's current language)."""
    return {page.exports: gr.File(interactive=True), page.targets: gr.File(interactive=True)}


def relabel(page: Page, lang: Lang, settings: Settings | None) -> dict[Any, Any]:
    """Updates that write every label of the page in ``lang`` (values and data stay).

    Call it inside an event only: outside one, Gradio would draw the updates as new components.
    """
    updates: dict[Any, Any] = {
        page.header: header_markdown(lang),
        page.mode: mode_markdown(settings, lang),
        page.tab_data: gr.Tab(label=label(lang, "tab_data")),
        page.tab_mapping: gr.Tab(label=label(lang, "tab_mapping")),
        page.tab_diagnosis: gr.Tab(label=label(lang, "tab_diagnosis")),
        page.tab_memo: gr.Tab(label=label(lang, "tab_memo")),
        # redrawn read-only here and editable again right after (``remount_uploads``): Gradio writes
        # "Drop File Here" in the front-end's language only when an upload area is created
        page.exports: gr.File(label=label(lang, "exports", limit=upload_limit(settings)), interactive=False),
        page.targets: gr.File(label=label(lang, "targets"), interactive=False),
        page.demo: gr.Button(label(lang, "demo")),
        page.open_panel: gr.Button(label(lang, "open_panel")),
        page.chatbot: gr.Chatbot(placeholder=label(lang, "chat_placeholder")),
        page.question: gr.Textbox(label=label(lang, "question"), placeholder=label(lang, "question_placeholder")),
        page.language: gr.Radio(label=label(lang, "language")),
        page.ask: gr.Button(label(lang, "send")),
        page.clear: gr.Button(label(lang, "clear")),
        page.export_chat: gr.DownloadButton(label(lang, "export_chat")),
        page.mapping_intro: label(lang, "mapping_intro"),
        page.remember: gr.Checkbox(label=label(lang, "remember_mapping")),
        page.force: gr.Checkbox(label=label(lang, "force")),
        page.apply: gr.Button(label(lang, "apply_mapping")),
        page.memo_format: gr.Radio(label=label(lang, "memo_format")),
        page.memo_build: gr.Button(label(lang, "memo_build")),
        page.memo_download: gr.DownloadButton(label(lang, "memo_download")),
    }
    for button, text in zip(page.example_buttons, examples(lang), strict=True):
        updates[button] = gr.Button(text)
    return updates
