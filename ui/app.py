"""The Gradio web app: a conversation first, with data, mapping, diagnosis and memo in a side panel.

``build_app(settings)`` assembles the Blocks (tests use it); ``launch(host, port, demo)`` serves
it (``revops ui``). The app is a thin shell: loading, diagnosis, answers and memos all come from
``tools/`` and ``assistant/`` through ``ui.handlers`` and ``ui.chat_handlers``. Each browser tab
has its own ``TabState`` in a ``gr.State``; uploads are size-limited (``REVOPS_UPLOAD_MAX_MB``),
Gradio's cache is swept (``delete_cache``) and ``REVOPS_UI_PASSWORD`` turns on a login.
``launch`` warms the chat engine, the demo, the playbook store and the intent router on a
background thread (``ui.warmup``), so the first question does not pay for them.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402 - the analytics switch must be set before the import

from tools.wording import Lang  # noqa: E402
from ui import chat_handlers, handlers  # noqa: E402
from ui.labels import label  # noqa: E402
from ui.layout import CSS, Page, build_page, relabel, remount_uploads  # noqa: E402
from ui.locale import gradio_i18n, set_locale_js  # noqa: E402
from ui.mapping import handlers as mapping_handlers  # noqa: E402
from ui.mapping.editor import define_editor  # noqa: E402
from ui.mapping.saved import mapping_store  # noqa: E402
from ui.state import ConversationFactory, TabState, close_session  # noqa: E402
from ui.temp_dirs import remove_temp_dirs  # noqa: E402
from ui.upload_guard import upload_guard_head  # noqa: E402
from ui.warmup import start_warm_up  # noqa: E402
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


def _panels(page: Page, session: TabState, update: handlers.Update, *, open_mapping: bool = False) -> dict[Any, Any]:
    """A handler's ``Update`` as Gradio updates (``None`` fields stay as they are)."""
    out: dict[Any, Any] = {page.session: session, page.status: update.status}
    for component, value in ((page.data, update.data), (page.diagnosis, update.diagnosis),
                             (page.preview, update.preview)):
        if value is not None:
            out[component] = value
    if update.data is not None:
        out[page.funnel], out[page.finding] = update.funnel, update.finding
    if update.editor_changed:
        session.editor_version += 1
        out[page.editor_version] = session.editor_version
    if open_mapping:
        out[page.side], out[page.tabs] = gr.Sidebar(open=True), gr.Tabs(selected="mapping")
    return out


def _stream_load(page: Page, session: TabState, updates: Iterator[handlers.Update]) -> Iterator[dict[Any, Any]]:
    """Stream a load's progress; when it fails, open the mapping editor so the user can fix it.

    The upload area is emptied at the end: Gradio adds a new drop to the files already there, and
    each drop is a new upload (the status says what is loaded).
    """
    for update in updates:
        failed = "revops-error" in update.status and session.plan is not None and bool(session.plan.files)
        yield _panels(page, session, update, open_mapping=failed)
    yield {page.exports: None}


def build_app(settings: Settings | None = None, *, demo: bool = True, host: str = "127.0.0.1",
              conversation_factory: ConversationFactory | None = None) -> gr.Blocks:
    """The Blocks app for ``settings`` (demo data loaded on page load when ``demo``).

    ``host`` decides whether saved mappings can be kept per user (see ``ui.mapping.saved``);
    ``conversation_factory`` replaces the chat engine (tests script it).
    """
    from assistant.settings import get_settings

    settings = settings or get_settings()
    lang0: Lang = settings.lang
    with gr.Blocks(title="RevOps", delete_cache=DELETE_CACHE) as app:
        page = build_page(lang0, settings, SESSION_TTL, close_session, define_editor)
        panels = page.panel_outputs()

        def on_load(lang: Lang, request: gr.Request) -> Iterator[dict[Any, Any]]:
            session = handlers.new_session(settings)
            session.conversation_factory = conversation_factory
            # this browser's cookie: generated downloads are served to it only (ui.web_guards)
            session.browser = browser_id(dict(getattr(request, "cookies", None) or {}))
            user = getattr(request, "username", None) if request is not None else None
            session.mappings = mapping_store(settings.home, user, host, bool(settings.ui_password))
            yield from _stream_load(page, session, handlers.start(session, settings, demo, lang))

        def on_demo(session: TabState, lang: Lang) -> Iterator[dict[Any, Any]]:
            yield from _stream_load(page, session, handlers.on_demo(session, lang))

        def on_upload(session: TabState, files: Any, target: Any, lang: Lang) -> Iterator[dict[Any, Any]]:
            yield from _stream_load(page, session, handlers.on_upload(session, files, target, lang))

        def on_targets(session: TabState, target: Any, lang: Lang) -> Iterator[dict[Any, Any]]:
            yield from _stream_load(page, session, handlers.on_targets(session, target, lang))

        def on_apply(session: TabState, remember: bool, force: bool, lang: Lang) -> Iterator[dict[Any, Any]]:
            yield from _stream_load(page, session, mapping_handlers.on_apply(session, remember, force, lang))

        def on_ask(text: str, session: TabState, lang: Lang) -> Iterator[dict[Any, Any]]:
            for messages in chat_handlers.stream_answer(text, session, lang):
                yield {page.chatbot: messages, page.question: ""}
            path = chat_handlers.write_transcript(session, lang)
            yield {page.export_chat: gr.DownloadButton(value=path, interactive=path is not None)}

        def on_clear(session: TabState) -> dict[Any, Any]:
            return {page.chatbot: chat_handlers.on_clear(session),
                    page.export_chat: gr.DownloadButton(value=None, interactive=False)}

        def on_memo(session: TabState, fmt: str, lang: Lang) -> Iterator[dict[Any, Any]]:
            for path, note in handlers.on_memo(session, fmt, lang):
                yield {page.memo_download: gr.DownloadButton(value=path, visible=path is not None),
                       page.memo_status: note}

        def on_language(lang: Lang, session: TabState | None) -> dict[Any, Any]:
            out = relabel(page, lang, settings)
            if session is None:
                return out
            update = handlers.full_update(session, lang, handlers.status_of(session, lang))
            out.update(_panels(page, session, update))
            out[page.status] = handlers.status_of(session, lang)
            out[page.chatbot] = gr.Chatbot(chat_handlers.messages(session, lang),  # type: ignore[arg-type]
                                           placeholder=label(lang, "chat_placeholder"))
            path = chat_handlers.write_transcript(session, lang)
            out[page.export_chat] = gr.DownloadButton(label(lang, "export_chat"), value=path,
                                                      interactive=path is not None)
            return out

        def open_side() -> dict[Any, Any]:
            return {page.side: gr.Sidebar(open=True)}

        app.load(on_load, [page.language], panels, js=set_locale_js("(lang)", "lang")).then(
            lambda: remount_uploads(page), None, [page.exports, page.targets])
        page.demo.click(on_demo, [page.session, page.language], panels)
        page.exports.upload(on_upload, [page.session, page.exports, page.targets, page.language], panels)
        page.targets.upload(on_targets, [page.session, page.targets, page.language], panels)
        page.apply.click(on_apply, [page.session, page.remember, page.force, page.language], panels)
        page.open_panel.click(open_side, None, [page.side])
        chat_outputs = [page.chatbot, page.question, page.export_chat]
        page.question.submit(on_ask, [page.question, page.session, page.language], chat_outputs)
        page.ask.click(on_ask, [page.question, page.session, page.language], chat_outputs)
        for button in page.example_buttons:
            button.click(on_ask, [button, page.session, page.language], chat_outputs)
        page.clear.click(on_clear, [page.session], [page.chatbot, page.export_chat])
        page.memo_build.click(on_memo, [page.session, page.memo_format, page.language],
                              [page.memo_download, page.memo_status])
        page.language.change(on_language, [page.language, page.session],
                             list(dict.fromkeys([*page.labelled(), *panels])), js=set_locale_js()).then(
            lambda: remount_uploads(page), None, [page.exports, page.targets])
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
        "head": upload_guard_head(settings.upload_max_mb),
        "i18n": gradio_i18n(),
        # login attempts throttled; generated downloads only for the browser that made them (ui.web_guards)
        "app_kwargs": {"middleware": [Middleware(LoginRateLimit), Middleware(SessionDownloads)]},
    }
    if settings.ui_password:
        options["auth"] = (AUTH_USER, settings.ui_password)
        options["auth_message"] = "RevOps diagnostic assistant — user 'revops'"
    return options


def launch(host: str = "127.0.0.1", port: int = 7860, demo: bool = True, *, block: bool = True) -> gr.Blocks:
    """Serve the app on ``host:port`` (``revops ui``); ``block=False`` returns once it is up."""
    from assistant.settings import get_settings

    settings = get_settings()
    remove_temp_dirs(stale_only=True)  # left behind by a UI that was killed
    atexit.register(remove_temp_dirs, stale_only=False)  # this process's session and demo folders
    if threading.current_thread() is threading.main_thread():  # SIGTERM closes the server like Ctrl-C
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    start_warm_up(settings, demo=demo)
    app = build_app(settings, demo=demo, host=host)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block,
               **launch_options(settings))
    return app
