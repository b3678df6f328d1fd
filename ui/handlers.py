"""The data side's event handlers: page load, demo, upload, mapping editor, memo.

Plain generator functions of (inputs, session) that yield ``Update``s, so the same functions are
unit-tested without a browser and the app streams their progress. Bad input is translated here,
once: ``RevOpsInputError`` becomes the visible error box (the loader's own message), the session
keeps its previous data, and the mapping editor shows the upload's columns so it can be fixed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import ImplausibleUploadError, RevOpsInputError
from tools.wording import Lang
from ui import charts, views
from ui.labels import label
from ui.state import Step, TabState, demo_steps, in_background, load_steps, split_targets, tick
from ui.web_guards import DOWNLOADS

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from assistant.settings import Settings


@dataclass
class Update:
    """What the data panels show after (or during) a load: ``None`` fields are left as they are."""

    status: str
    data: str | None = None
    diagnosis: str | None = None
    funnel: go.Figure | None = None
    finding: go.Figure | None = None
    #: the mapping editor must be drawn again (a new upload's columns)
    editor_changed: bool = False
    preview: str | None = None


def new_session(settings: Settings | None) -> TabState:
    """A fresh, empty session."""
    return TabState(settings=settings)


def status_of(session: TabState, lang: Lang) -> str:
    """The one-line 'loaded' status for the session's data ('' when nothing is loaded)."""
    if session.data is None:
        return ""
    return views.status_line(session.data.rows, [p.name for p in session.paths], lang, is_demo=session.is_demo)


def full_update(session: TabState, lang: Lang, status: str, *, editor_changed: bool = False) -> Update:
    """Every data panel rendered from the session."""
    return Update(
        status=status,
        data=views.data_markdown(session.data, lang, is_demo=session.is_demo),
        diagnosis=views.diagnosis_markdown(session.diagnosis, lang, session.currency),
        funnel=charts.funnel_figure(session.diagnosis, lang),
        finding=charts.finding_figure(session.diagnosis, lang),
        editor_changed=editor_changed,
        preview="",
    )


def guarded(session: TabState, lang: Lang, steps: Callable[[], Iterator[Step]]) -> Iterator[Update]:
    """Run a load, streaming its progress; on bad input keep the data and show the loader's message."""
    log = views.ProgressLog()
    plan_before = session.plan
    try:
        for step in steps():
            log.add(step)
            yield Update(status=log.markdown(lang))
    except RevOpsInputError as err:
        box = views.error_box(str(err), lang, misread=isinstance(err, ImplausibleUploadError))
        yield full_update(session, lang, box, editor_changed=session.plan is not plan_before)
        return
    except Exception as err:  # the edge: an internal error is shown, and the tab stays usable
        yield full_update(session, lang, views.error_box(views.internal_error(err), lang))
        return
    lines = log.markdown(lang)
    status = status_of(session, lang) + (f"\n\n<div class='revops-steps'>\n\n{lines}\n\n</div>" if lines else "")
    yield full_update(session, lang, status, editor_changed=True)


def start(session: TabState | None, settings: Settings | None, demo: bool, lang: Lang) -> Iterator[Update]:
    """Page load: the session's panels, with the demo loaded when ``demo`` is on."""
    session = session or new_session(settings)
    if not demo or session.data is not None:
        yield full_update(session, lang, status_of(session, lang), editor_changed=True)
        return
    yield from guarded(session, lang, lambda: demo_steps(session))


def on_demo(session: TabState, lang: Lang) -> Iterator[Update]:
    """The demo button."""
    yield from guarded(session, lang, lambda: demo_steps(session))


def file_paths(files: Sequence[Any] | Any | None) -> list[Path]:
    """Paths of Gradio file values (strings or objects with ``.name``)."""
    if files is None:
        return []
    items: list[Any] = list(files) if isinstance(files, list | tuple) else [files]
    return [Path(str(getattr(f, "name", f))) for f in items if f]


def on_upload(session: TabState, files: Sequence[Any] | None, targets_file: Any, lang: Lang) -> Iterator[Update]:
    """Exports dropped (+ an optional targets file): load them with any saved mapping, and diagnose."""
    paths = file_paths(files)
    targets = file_paths(targets_file)
    if not targets:  # a targets file dropped among the exports is recognised by its name
        paths, found = split_targets(paths)
        targets = [found] if found else []
    if not paths:
        yield full_update(session, lang, views.error_box(label(lang, "no_files"), lang))
        return
    yield from guarded(session, lang, lambda: load_steps(session, paths, targets[0] if targets else None))


def on_targets(session: TabState, targets_file: Any, lang: Lang) -> Iterator[Update]:
    """A targets file chosen in the data tab: load the current exports again, with these targets."""
    targets = file_paths(targets_file)
    if not session.paths or not targets:
        yield full_update(session, lang, views.error_box(label(lang, "no_files"), lang))
        return
    yield from guarded(session, lang, lambda: load_steps(session, session.paths, targets[0], session.overrides,
                                                          is_demo=session.is_demo))


# --- memo ---------------------------------------------------------------------------------------

MEMO_FORMATS = {"Markdown": ".md", "DOCX": ".docx", "PDF": ".pdf"}


def on_memo(session: TabState, fmt: str, lang: Lang) -> Iterator[tuple[str | None, str]]:
    """Write the memo for the session's data, streaming the elapsed time; yields (file or None, status).

    The conversation writes it (``Conversation.write_memo``): the upload's diagnosis, the chat's
    answered questions and its currency, nothing computed twice.
    """
    if session.data is None:
        yield None, views.error_box(label(lang, "no_data"), lang)
        return
    suffix = MEMO_FORMATS.get(fmt, ".md")
    output = session.workdir / f"revops-memo-{lang}{suffix}"
    conversation = session.chat()
    start = time.perf_counter()
    yield None, f"{views.PENDING_MARK}{label(lang, 'progress_memo', fmt=fmt, seconds='0.0')}"
    try:
        for item in in_background(lambda: conversation.write_memo(output, lang), tick):
            if isinstance(item, Step):
                yield None, f"{views.PENDING_MARK}{label(lang, 'progress_memo', fmt=fmt, seconds=item.values['seconds'])}"
    except RevOpsInputError as err:
        yield None, views.error_box(str(err), lang)
        return
    except Exception as err:  # the edge: a failed memo leaves the app usable
        yield None, views.error_box(views.internal_error(err), lang)
        return
    DOWNLOADS.bind(output, session.browser)  # this browser's download only (ui.web_guards)
    seconds = f"{time.perf_counter() - start:.1f}"
    yield str(output), views.OK_MARK + label(lang, "memo_ready", name=views.cell(output.name), seconds=seconds)
