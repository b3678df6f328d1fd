"""The Gradio web app: chat, uploads, data mapping, charts, findings and memo download.

``build_app(settings)`` assembles the Blocks (tests use it); ``launch(host, port, demo)`` serves
it (``revops ui``). The app is a thin shell: loading, diagnosis, answers and memos all come from
``tools/`` and ``assistant/`` through ``ui.handlers``. Each browser tab has its own ``TabState``
in a ``gr.State``; uploads are size-limited (``REVOPS_UPLOAD_MAX_MB``) and Gradio's cache is
swept (``delete_cache``); ``REVOPS_UI_PASSWORD`` turns on a login.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402 - the analytics switch must be set before the import

from ui import handlers  # noqa: E402
from ui.labels import LANGUAGE_CHOICES, all_examples, label  # noqa: E402
from ui.state import Report, TabState, close_session, remove_temp_dirs  # noqa: E402
from ui.views import mode_markdown  # noqa: E402
from ui.web_guards import LoginRateLimit, SessionDownloads, browser_id  # noqa: E402

if TYPE_CHECKING:
    from assistant.settings import Settings

#: Sweep Gradio's upload/download cache every 30 minutes, removing files older than an hour.
DELETE_CACHE = (1800, 3600)
#: A session is dropped (and its files removed) after this many idle seconds.
SESSION_TTL = 6 * 3600
AUTH_USER = "revops"
#: Local font stacks: the default theme fonts come from Google Fonts, and the app must work offline.
LOCAL_FONTS = ["Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"]
LOCAL_MONO_FONTS = ["Noto Sans Mono CJK JP", "DejaVu Sans Mono", "Consolas", "monospace"]

#: Every Markdown and Chatbot component renders data as text: HTML sanitised, no custom tags, no
#: LaTeX. Values are escaped before they get here (``tools.safe_text``); this is the second wall.
SAFE_MARKDOWN: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": []}
SAFE_CHATBOT: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": [], "allow_tags": False,
                                "render_markdown": True}

CSS = """
.revops-error { border-left: 4px solid #d9534f; background: #fdf0ef; padding: 4px 12px; border-radius: 6px; }
.revops-error blockquote { white-space: pre-wrap; border-left: none; margin: 0; }
#revops-status p { margin: 4px 0; }
.revops-ok { color: #2e7d32; font-weight: 700; }
.revops-badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.8em; font-weight: 600;
  color: #fff; background: #6c757d; }
.revops-sev-high { background: #c62828; }
.revops-sev-medium { background: #ef6c00; }
.revops-sev-low { background: #b59b00; }
.revops-sev-info { background: #1565c0; }
#revops-header h1 { margin-bottom: 0; }
#revops-mode { text-align: right; }
"""


def _reporter(progress: gr.Progress, lang: str) -> Report:
    """Adapt ``gr.Progress`` to the loaders' ``report(fraction, step)`` callback."""
    steps = {"demo": "progress_reading", "reading": "progress_reading", "diagnosing": "progress_diagnosing"}

    def report(fraction: float, step: str) -> None:
        key = steps.get(step)
        progress(fraction, desc=label(lang, key) if key else step)

    return report


def _header(lang: str) -> str:
    return f"# {label(lang, 'title')}\n{label(lang, 'subtitle')}"


def build_app(settings: Settings | None = None, *, demo: bool = True) -> gr.Blocks:
    """The Blocks app for ``settings`` (demo data loaded on page load when ``demo``)."""
    from assistant.settings import get_settings

    settings = settings or get_settings()
    lang0 = settings.lang
    with gr.Blocks(title=label(lang0, "title"), delete_cache=DELETE_CACHE) as app:
        session = gr.State(None, time_to_live=SESSION_TTL, delete_callback=close_session)
        with gr.Row(equal_height=True):
            header = gr.Markdown(_header(lang0), elem_id="revops-header", **SAFE_MARKDOWN)
            with gr.Column(scale=0, min_width=360):
                language = gr.Radio(LANGUAGE_CHOICES, value=lang0, label=label(lang0, "language"),
                                    elem_id="revops-lang")
                mode = gr.Markdown(mode_markdown(settings, lang0), elem_id="revops-mode", **SAFE_MARKDOWN)
        status = gr.Markdown("", elem_id="revops-status", **SAFE_MARKDOWN)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label=label(lang0, "chat"), height=560, elem_id="revops-chat", **SAFE_CHATBOT,
                                     feedback_options=None, buttons=["copy"],
                                     placeholder=label(lang0, "chat_placeholder"))
                with gr.Row():
                    question = gr.Textbox(label=label(lang0, "question"), show_label=False, scale=5,
                                          placeholder=label(lang0, "question_placeholder"), elem_id="revops-question")
                    ask = gr.Button(label(lang0, "send"), variant="primary", scale=1, elem_id="revops-ask")
                examples = gr.Dataset(components=[question], samples=[[q] for q in all_examples()],
                                      label=label(lang0, "examples"), elem_id="revops-examples", samples_per_page=8)
                clear = gr.Button(label(lang0, "clear"), size="sm", elem_id="revops-clear")
                with gr.Accordion(label(lang0, "memo"), open=True) as memo_box:
                    with gr.Row():
                        memo_format = gr.Radio(list(handlers.MEMO_FORMATS), value="Markdown",
                                               label=label(lang0, "memo_format"), elem_id="revops-memo-format")
                    with gr.Row():
                        memo_build = gr.Button(label(lang0, "memo_build"), elem_id="revops-memo-build")
                        memo_download = gr.DownloadButton(label(lang0, "memo_download"), visible=False,
                                                          variant="primary", elem_id="revops-memo-download")
                    memo_status = gr.Markdown("", elem_id="revops-memo-status", **SAFE_MARKDOWN)
            with gr.Column(scale=2):
                with gr.Accordion(label(lang0, "upload"), open=True) as upload_box:
                    exports = gr.File(label=label(lang0, "exports"), file_count="multiple",
                                      file_types=[".csv", ".xlsx", ".xls", ".tsv", ".txt"], elem_id="revops-exports")
                    targets = gr.File(label=label(lang0, "targets"), file_count="single",
                                      file_types=[".csv", ".xlsx"], elem_id="revops-targets")
                    with gr.Row():
                        load = gr.Button(label(lang0, "load"), variant="primary", elem_id="revops-load")
                        demo_btn = gr.Button(label(lang0, "demo"), elem_id="revops-demo")
                with gr.Accordion(label(lang0, "diagnosis"), open=True) as diagnosis_box:
                    diagnosis = gr.Markdown(label(lang0, "no_data"), elem_id="revops-diagnosis", **SAFE_MARKDOWN)
        with gr.Row():
            funnel = gr.Plot(show_label=False, elem_id="revops-funnel")
            finding = gr.Plot(show_label=False, elem_id="revops-finding")
        with gr.Accordion(label(lang0, "data"), open=True) as data_box, gr.Row():
            data = gr.Markdown(label(lang0, "no_data"), elem_id="revops-data", **SAFE_MARKDOWN)
            with gr.Column(scale=0, min_width=380):
                overrides = gr.Textbox(label=label(lang0, "overrides"), lines=4, elem_id="revops-overrides",
                                       placeholder="amount=Deal Value\nsegment=Company Size")
                remap = gr.Button(label(lang0, "apply_mapping"), size="sm", elem_id="revops-remap")

        panel_outputs = [session, status, data, diagnosis, funnel, finding]

        def unpack(result: tuple[TabState, handlers.Panels]) -> tuple[Any, ...]:
            new_session, shown = result
            return (new_session, *shown.as_tuple())

        def on_load(lang: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return unpack(handlers.start(settings, demo, lang, _reporter(progress, lang)))

        def on_demo(state: TabState | None, lang: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return unpack(handlers.on_demo(state, settings, lang, _reporter(progress, lang)))

        def on_upload(state: TabState | None, files: Any, target: Any, text: str, lang: str,
                      progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return unpack(handlers.on_upload(state, settings, files, target, text, lang, _reporter(progress, lang)))

        def on_remap(state: TabState | None, text: str, lang: str,
                     progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return unpack(handlers.on_remap(state, settings, text, lang, _reporter(progress, lang)))

        def on_ask(text: str, history: handlers.Messages, state: TabState | None, lang: str) -> Any:
            yield from handlers.stream_answer(text, history, state, settings, lang)

        def on_memo(state: TabState | None, fmt: str, lang: str, request: gr.Request,
                    progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            browser = browser_id(dict(getattr(request, "cookies", None) or {}))  # the download is this browser's only
            path, note, new_session = handlers.on_memo(state, settings, fmt, lang, _reporter(progress, lang), browser)
            return gr.DownloadButton(value=path, visible=path is not None), note, new_session

        def on_language(lang: str, state: TabState | None, shown_status: str) -> tuple[Any, ...]:
            shown = handlers.panels(state or TabState(settings=settings), lang)
            if state is not None and state.data is not None and "revops-error" not in (shown_status or ""):
                shown_status = handlers.ok_status(state, lang)  # an error stays as the loader wrote it
            return (
                _header(lang), mode_markdown(settings, lang), gr.Radio(label=label(lang, "language")),
                gr.Chatbot(label=label(lang, "chat"), placeholder=label(lang, "chat_placeholder")),
                gr.Textbox(label=label(lang, "question"), placeholder=label(lang, "question_placeholder")),
                gr.Button(label(lang, "send")), gr.Dataset(label=label(lang, "examples")),
                gr.Button(label(lang, "clear")), gr.Accordion(label=label(lang, "upload")),
                gr.File(label=label(lang, "exports")), gr.File(label=label(lang, "targets")),
                gr.Button(label(lang, "load")), gr.Button(label(lang, "demo")),
                gr.Accordion(label=label(lang, "diagnosis")), gr.Accordion(label=label(lang, "memo")),
                gr.Radio(label=label(lang, "memo_format")), gr.Button(label(lang, "memo_build")),
                gr.DownloadButton(label(lang, "memo_download")), gr.Accordion(label=label(lang, "data")),
                gr.Textbox(label=label(lang, "overrides")), gr.Button(label(lang, "apply_mapping")),
                shown.data, shown.diagnosis, shown.funnel, shown.finding, shown_status,
            )

        app.load(on_load, [language], panel_outputs)
        demo_btn.click(on_demo, [session, language], panel_outputs)
        load.click(on_upload, [session, exports, targets, overrides, language], panel_outputs)
        remap.click(on_remap, [session, overrides, language], panel_outputs)
        ask_args: dict[str, Any] = {"inputs": [question, chatbot, session, language], "outputs": [chatbot, session]}
        question.submit(on_ask, **ask_args).then(lambda: "", None, question)
        ask.click(on_ask, **ask_args).then(lambda: "", None, question)
        examples.click(lambda sample: sample[0], [examples], [question]).then(on_ask, **ask_args)
        clear.click(lambda state: handlers.on_clear(state, settings), [session], [chatbot, session])
        memo_build.click(on_memo, [session, memo_format, language], [memo_download, memo_status, session])
        language.change(
            on_language, [language, session, status],
            [header, mode, language, chatbot, question, ask, examples, clear, upload_box, exports, targets, load,
             demo_btn, diagnosis_box, memo_box, memo_format, memo_build, memo_download, data_box, overrides, remap,
             data, diagnosis, funnel, finding, status],
        )
    app.queue(default_concurrency_limit=4)
    return app


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``Blocks.launch``: upload limit, optional login, styling, web guards."""
    from starlette.middleware import Middleware

    options: dict[str, Any] = {
        "max_file_size": f"{settings.upload_max_mb}mb",
        "ssr_mode": False,
        "css": CSS,
        "theme": gr.themes.Soft(font=LOCAL_FONTS, font_mono=LOCAL_MONO_FONTS),
        "footer_links": [],
        # login attempts throttled; memo downloads only for the browser that built them (ui.web_guards)
        "app_kwargs": {"middleware": [Middleware(LoginRateLimit), Middleware(SessionDownloads)]},
    }
    if settings.ui_password:
        options["auth"] = (AUTH_USER, settings.ui_password)
        options["auth_message"] = "RevOps diagnostic assistant — user 'revops'"
    return options


def warm_up(settings: Settings) -> None:
    """Load the playbook store and the intent router in the background (faster first answer)."""

    def run() -> None:
        try:
            from assistant.knowledge_access import open_knowledge

            open_knowledge(settings)
            from assistant.chat.routing import warm_up as warm_intents

            warm_intents()
        except Exception:  # noqa: BLE001 - warming is best-effort; the first question retries
            return

    threading.Thread(target=run, name="revops-warm-up", daemon=True).start()


def launch(host: str = "127.0.0.1", port: int = 7860, demo: bool = True, *, block: bool = True) -> gr.Blocks:
    """Serve the app on ``host:port`` (``revops ui``); ``block=False`` returns once it is up."""
    from assistant.settings import get_settings

    settings = get_settings()
    remove_temp_dirs(stale_only=True)  # left behind by a UI that was killed
    atexit.register(remove_temp_dirs, stale_only=False)  # this process's session and demo folders
    if threading.current_thread() is threading.main_thread():  # SIGTERM closes the server like Ctrl-C
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    app = build_app(settings, demo=demo)
    warm_up(settings)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block,
               **launch_options(settings))
    return app
