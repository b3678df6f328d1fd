"""The app's event handlers: plain functions of (inputs, session) -> outputs.

Each handler takes the per-tab ``TabState`` from ``gr.State`` and returns the new panel values
plus the session, so the same functions are unit-tested without a browser. Bad input is
translated here, once: ``RevOpsInputError`` becomes the visible error box and the session keeps
its previous data, so the app stays usable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import RevOpsInputError
from tools.safe_text import cap_text, defang_markdown, escape_markdown
from ui import charts, views
from ui.labels import label
from ui.state import Report, TabState, load_demo, load_files, parse_override_text, split_targets
from ui.web_guards import DOWNLOADS

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from assistant.chat.answer import Answer
    from assistant.settings import Settings

Messages = list[dict[str, Any]]
OK_MARK = "<span class='revops-ok'>✓</span> "
#: The number of answer chunks streamed into the chat (paragraph-sized pieces).
STREAM_CHUNKS = 12
#: Longest error message shown (a loader message quoting a 5 MB "column name" stays readable).
MAX_MESSAGE = 2000


@dataclass
class Panels:
    """What the data-dependent panels show after a load (or a failed load)."""

    status: str
    data: str
    diagnosis: str
    funnel: go.Figure | None
    finding: go.Figure | None

    def as_tuple(self) -> tuple[str, str, str, go.Figure | None, go.Figure | None]:
        return self.status, self.data, self.diagnosis, self.funnel, self.finding


def error_box(message: str, lang: str) -> str:
    """The visible error for a bad upload (the loader's own message, as literal text, capped)."""
    message = cap_text(message, MAX_MESSAGE)
    body = "\n".join(f"> {escape_markdown(line)}" for line in message.splitlines())
    hint = f"{label(lang, 'map_hint')}\n\n" if "--map" in message else ""
    return (f"<div class='revops-error'>\n\n**{label(lang, 'error')}**\n\n{body}\n\n{hint}"
            f"{label(lang, 'kept_previous')}\n\n</div>")


def internal_error(err: BaseException) -> str:
    """The one-line text of an unexpected error (no traceback in the UI)."""
    return f"internal error: {type(err).__name__}: {err}"


def panels(session: TabState, lang: str, status: str = "") -> Panels:
    """Render every data panel from the session."""
    return Panels(
        status=status,
        data=views.data_markdown(session.data, lang, is_demo=session.is_demo),
        diagnosis=views.diagnosis_markdown(session.diagnosis, lang),
        funnel=charts.funnel_figure(session.diagnosis, lang),
        finding=charts.finding_figure(session.diagnosis, lang),
    )


def ok_status(session: TabState, lang: str) -> str:
    """The one-line 'loaded' status for the session's data."""
    rows = session.data.rows if session.data is not None else 0
    if session.is_demo:
        return OK_MARK + label(lang, "demo_loaded", rows=f"{rows:,}")
    names = ", ".join(escape_markdown(p.name) for p in session.paths)
    return OK_MARK + label(lang, "loaded", rows=f"{rows:,}", files=names)


def _guard(session: TabState, lang: str, action: Callable[[], TabState]) -> tuple[TabState, Panels]:
    """Run a load; on bad input keep the previous data and show the loader's message."""
    try:
        session = action()
    except RevOpsInputError as err:
        return session, panels(session, lang, error_box(str(err), lang))
    except Exception as err:  # the edge: an internal error is shown, and the tab stays usable
        return session, panels(session, lang, error_box(internal_error(err), lang))
    return session, panels(session, lang, ok_status(session, lang))


def new_session(settings: Settings | None) -> TabState:
    """A fresh, empty session."""
    return TabState(settings=settings)


def start(settings: Settings | None, demo: bool, lang: str, report: Report) -> tuple[TabState, Panels]:
    """Page load: a new session, with the demo loaded when ``demo`` is on."""
    session = new_session(settings)
    if not demo:
        return session, panels(session, lang)
    return _guard(session, lang, lambda: load_demo(session, report=report))


def on_demo(session: TabState | None, settings: Settings | None, lang: str, report: Report) -> tuple[TabState, Panels]:
    """The demo button."""
    session = session or new_session(settings)
    return _guard(session, lang, lambda: load_demo(session, report=report))


def _paths(files: Sequence[Any] | Any | None) -> list[Path]:
    if files is None:
        return []
    items: list[Any] = list(files) if isinstance(files, list | tuple) else [files]
    return [Path(str(getattr(f, "name", f))) for f in items if f]


def on_upload(
    session: TabState | None,
    settings: Settings | None,
    files: Sequence[Any] | None,
    targets_file: Any,
    overrides_text: str,
    lang: str,
    report: Report,
) -> tuple[TabState, Panels]:
    """The load button: exports (+ optional targets file) with the mapping overrides."""
    session = session or new_session(settings)
    paths = _paths(files)
    targets = _paths(targets_file)
    if not paths:
        return session, panels(session, lang, error_box(label(lang, "no_files"), lang))
    if not targets:  # a targets file dropped among the exports is recognised by its name
        paths, found = split_targets(paths)
        targets = [found] if found else []
        if not paths:
            return session, panels(session, lang, error_box(label(lang, "no_files"), lang))

    def action() -> TabState:
        overrides = parse_override_text(overrides_text)
        return load_files(session, paths, targets[0] if targets else None, overrides, report=report)

    return _guard(session, lang, action)


def on_remap(
    session: TabState | None, settings: Settings | None, overrides_text: str, lang: str, report: Report
) -> tuple[TabState, Panels]:
    """Re-run the loader over the session's current files with the edited mapping."""
    session = session or new_session(settings)
    if not session.paths:
        return session, panels(session, lang, error_box(label(lang, "no_files"), lang))

    def action() -> TabState:
        overrides = parse_override_text(overrides_text)
        return load_files(session, session.paths, session.targets_path, overrides,
                          report=report, is_demo=session.is_demo)

    return _guard(session, lang, action)


# --- chat ---------------------------------------------------------------------------------------


def _chunks(text: str, pieces: int = STREAM_CHUNKS) -> list[str]:
    """Growing prefixes of ``text`` cut at whitespace (what the chat shows while streaming)."""
    if len(text) < 80:
        return [text]
    step = max(1, len(text) // pieces)
    cuts, pos = [], step
    while pos < len(text):
        space = text.find(" ", pos)
        newline = text.find("\n", pos)
        cut = min(c for c in (space, newline, len(text)) if c != -1)
        cuts.append(text[:cut])
        pos = cut + step
    cuts.append(text)
    return cuts


def stream_answer(
    question: str, history: Messages | None, session: TabState | None, settings: Settings | None, lang: str
) -> Iterator[tuple[Messages, TabState]]:
    """Answer ``question`` in the session's conversation, yielding the chat as it grows.

    First the question and a pending 'working' note with the tools as they run, then the answer
    text in growing pieces, finally the answer with its collapsible tool calls and sources.
    """
    session = session or new_session(settings)
    history = list(history or [])
    question = (question or "").strip()
    if not question:
        yield history, session
        return
    history.append({"role": "user", "content": escape_markdown(question, multiline=True)})
    progress: list[str] = []
    yield history + [views.working_message(progress, lang)], session
    answer: Answer | None = None
    try:
        for item in session.chat().ask_stream(question):
            if isinstance(item, str):
                progress.append(item)
                yield history + [views.working_message(progress, lang)], session
            else:
                answer = item
    except RevOpsInputError as err:
        text = f"**{label(lang, 'ask_failed')}:** {escape_markdown(cap_text(str(err), MAX_MESSAGE))}"
        yield history + [{"role": "assistant", "content": text}], session
        return
    except Exception as err:  # the edge: the chat keeps working after an internal error
        text = f"**{label(lang, 'ask_failed')}:** {escape_markdown(cap_text(internal_error(err), MAX_MESSAGE))}"
        yield history + [{"role": "assistant", "content": text}], session
        return
    if answer is None:
        yield history + [{"role": "assistant", "content": label(lang, "ask_failed")}], session
        return
    final = views.answer_messages(answer, lang, progress)
    how = final[0]
    for prefix in _chunks(answer.answer)[:-1]:  # each prefix made safe on its own (a cut can open a code span)
        yield history + [how, {"role": "assistant", "content": defang_markdown(prefix)}], session
    yield history + final, session


def on_clear(session: TabState | None, settings: Settings | None) -> tuple[Messages, TabState]:
    """Start a new conversation over the same data."""
    session = session or new_session(settings)
    session.reset_chat()
    return [], session


# --- memo ---------------------------------------------------------------------------------------

MEMO_FORMATS = {"Markdown": ".md", "DOCX": ".docx", "PDF": ".pdf"}


def on_memo(session: TabState | None, settings: Settings | None, fmt: str, lang: str,
            report: Report, browser: str | None = None) -> tuple[str | None, str, TabState]:
    """Write the memo for the session's data; returns (file path or None, status, session).

    The file is registered to ``browser`` (its ``revops_browser`` cookie): only that browser can
    download it (``ui.web_guards.SessionDownloads``).
    """
    from assistant.memo.build import write_memo

    session = session or new_session(settings)
    if session.data is None:
        return None, error_box(label(lang, "no_data"), lang), session
    suffix = MEMO_FORMATS.get(fmt, ".md")
    output = session.workdir / f"revops-memo-{lang}{suffix}"
    report(0.2, label(lang, "progress_memo"))
    try:
        path = write_memo(session.data, output, targets=session.targets, lang=lang)
    except RevOpsInputError as err:
        return None, error_box(str(err), lang), session
    except Exception as err:  # the edge: a failed memo leaves the app usable
        return None, error_box(internal_error(err), lang), session
    DOWNLOADS.bind(Path(path), browser)
    report(1.0, label(lang, "progress_memo"))
    return str(path), OK_MARK + label(lang, "memo_ready", name=escape_markdown(Path(path).name)), session
