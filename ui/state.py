"""Per-browser-session state, and the load steps behind the upload, demo and mapping buttons.

One ``TabState`` lives in a ``gr.State`` per browser tab: its data, targets, diagnosis, mapping
editor and conversation never reach another tab. Loading calls the real loader and engine
(``tools.ingest``, ``tools.diagnosis``: one diagnosis per upload, shared by the panels, the chat and
the memo); the UI computes no numbers itself. ``load_steps``
yields ``Step`` progress events while the work runs on a worker thread; a failed load raises
``RevOpsInputError`` and leaves the session as it was.
"""

from __future__ import annotations

import copy
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tools.errors import RevOpsInputError
from ui.mapping.saved import MappingStore, SessionMappings
from ui.mapping.suggest import MappingPlan, apply_saved, plan_mapping
from ui.temp_dirs import make_temp_dir

if TYPE_CHECKING:
    from assistant.chat.answer import Answer
    from assistant.chat.conversation import Conversation
    from assistant.settings import Settings
    from tools.dataset import LoadedData
    from tools.diagnosis import Diagnosis

T = TypeVar("T")
#: Builds a session's conversation: ``(data, targets, settings, diagnosis) -> Conversation`` (tests pass their own).
ConversationFactory = Callable[[Any, Any, Any, Any], "Conversation"]
_TARGET_HINTS = ("target", "目標")
#: How often a running step reports its elapsed time (seconds).
TICK = 0.25


@dataclass
class Step:
    """One progress event: a ``ui.labels`` key and its values (rendered in the UI language)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    done: bool = False


@dataclass
class ChatTurn:
    """One question in the conversation, its progress lines and its answer (or error)."""

    question: str
    progress: list[str] = field(default_factory=list)
    #: the playbook store was still being prepared when the question was asked
    waiting_for_playbook: bool = False
    answer: Answer | None = None
    error: str | None = None
    csv_files: list[Path] = field(default_factory=list)
    #: the turn's chat messages per UI language, once finished (charts are drawn once)
    rendered: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)


@dataclass(eq=False)
class TabState:
    """Everything one browser tab has loaded and said."""

    settings: Settings | None = None
    data: LoadedData | None = None
    targets: Any = None
    #: the upload's diagnosis as the panels read it (SPEC §5 dict), and typed (the chat and memo reuse it)
    diagnosis: dict[str, Any] | None = None
    diagnosis_result: Diagnosis | None = None
    paths: list[Path] = field(default_factory=list)
    targets_path: Path | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    is_demo: bool = False
    conversation: Conversation | None = None
    turns: list[ChatTurn] = field(default_factory=list)
    #: the mapping editor over the current (or the last attempted) upload
    plan: MappingPlan | None = None
    #: files whose saved mapping was reused on the last upload
    reused: list[str] = field(default_factory=list)
    mappings: MappingStore = field(default_factory=SessionMappings)
    #: bumped when the mapping editor must be drawn again (new columns)
    editor_version: int = 0
    conversation_factory: ConversationFactory | None = field(default=None, repr=False)
    #: this browser's ``revops_browser`` cookie: the session's generated files are served to it only
    browser: str | None = None
    _workdir: Path | None = field(default=None, repr=False)

    @property
    def workdir(self) -> Path:
        """A private folder for this session's generated files (memos, CSVs), removed on ``close``."""
        if self._workdir is None:
            self._workdir = make_temp_dir("revops-session-")
        return self._workdir

    def chat(self) -> Conversation:
        """The conversation over the current data, reusing its diagnosis (created on first use)."""
        if self.conversation is None:
            factory = self.conversation_factory or _new_conversation
            self.conversation = factory(self.data, self.targets, self.settings, self.diagnosis_result)
        return self.conversation

    @property
    def currency(self) -> str | None:
        """The amounts' currency as the chat reads it (the upload's, else ``REVOPS_CURRENCY``)."""
        if self.data is None:
            return None
        currency = self.chat().context.currency
        return currency if isinstance(currency, str) else None

    def reset_chat(self) -> None:
        """Forget the conversation (the data stays loaded)."""
        self.conversation = None
        self.turns = []

    def close(self) -> None:
        """Delete this session's generated files (called when Gradio drops the state)."""
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def _new_conversation(data: Any, targets: Any, settings: Any, diagnosis: Any) -> Conversation:
    from assistant.chat.conversation import Conversation

    return Conversation(data=data, targets=targets, settings=settings, diagnosis=diagnosis)


def close_session(session: TabState | None) -> None:
    """``gr.State`` delete callback: clean up a session's files."""
    if isinstance(session, TabState):
        session.close()


def split_targets(paths: Sequence[Path]) -> tuple[list[Path], Path | None]:
    """Separate a targets file (name mentions 'target' / '目標') from the exports."""
    exports: list[Path] = []
    targets: Path | None = None
    for path in paths:
        if targets is None and any(h in path.stem.lower() for h in _TARGET_HINTS):
            targets = path
        else:
            exports.append(path)
    return exports, targets


def human_size(size: int) -> str:
    """A file size for progress lines ("98.4 MB")."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def in_background(work: Callable[[], T], on_tick: Callable[[float], Step]) -> Iterator[Step | T]:
    """Run ``work`` on a worker thread; yield ``on_tick(elapsed)`` every ``TICK`` s, then its result."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="revops-ui")
    start = time.perf_counter()
    future: Future[T] = pool.submit(work)
    pool.shutdown(wait=False)
    while True:
        try:
            result = future.result(timeout=TICK)
        except TimeoutError:
            yield on_tick(time.perf_counter() - start)
            continue
        yield result
        return


def tick(elapsed: float) -> Step:
    """The elapsed-time event of the running step."""
    return Step("tick", {"seconds": f"{elapsed:.1f}"})


def _seconds(since: float) -> str:
    return f"{time.perf_counter() - since:.1f}"


def load_steps(
    session: TabState,
    paths: Sequence[Path | str],
    targets_path: Path | str | None = None,
    overrides: dict[str, str] | None = None,
    *,
    is_demo: bool = False,
    plan: MappingPlan | None = None,
) -> Iterator[Step]:
    """Load exports (+ targets) into ``session`` and diagnose them, yielding progress ``Step``s.

    The mapping editor's plan is built first (the user can fix a mapping even when the load
    fails); saved mappings for the same header sets are applied unless ``overrides`` are given.
    Raises ``RevOpsInputError`` (the loader's message) and leaves the data unchanged on bad input.
    """
    from tools.ingest.loading import load_exports

    files = [Path(p) for p in paths]
    if not files:
        raise RevOpsInputError("no export files chosen", hint="Choose at least one CSV or XLSX export")
    reused: list[str] = []
    if plan is None:
        plan = plan_mapping(files, overrides)
        if overrides is None:
            reused = apply_saved(plan, session.mappings.load_all())
    plan.targets = Path(targets_path) if targets_path is not None else None
    plan.is_demo = is_demo
    session.plan = plan
    for name in reused:
        yield Step("saved_reused", {"file": name}, done=True)
    overrides = plan.overrides() if overrides is None else dict(overrides)
    for file in files:
        yield Step("progress_reading", {"file": file.name, "size": human_size(_size(file))})
    start = time.perf_counter()
    data: Any = None
    options = plan.options()
    try:
        for loaded in in_background(lambda: load_exports(files, overrides=overrides or None, options=options), tick):
            if isinstance(loaded, Step):
                yield loaded
            else:
                data = loaded
    except RevOpsInputError as err:
        plan.ask_date_orders(err)  # a date column read both ways: the editor asks which
        raise
    plan.questions = []
    for source in data.report.files:
        yield Step("progress_read", {"file": source.name, "rows": source.rows, "encoding": source.encoding,
                                     "role": source.role}, done=True)
    for join in load_joins(data):
        yield Step("progress_joined", join, done=True)
    yield Step("progress_loaded", {"rows": data.rows, "seconds": _seconds(start)}, done=True)
    targets = None
    if targets_path is not None:
        from tools.ingest.targets import load_targets

        targets = load_targets(Path(targets_path))
    start = time.perf_counter()
    yield Step("progress_diagnosing")
    diagnosis: Any = None
    for item in in_background(lambda: diagnose_upload(data, targets), tick):
        if isinstance(item, Step):
            yield item
        else:
            diagnosis = item
    yield Step("progress_diagnosed", {"seconds": _seconds(start)}, done=True)
    if is_demo and data.currency is None:
        from tools.demo.sample import DEMO_CURRENCY

        data.currency = DEMO_CURRENCY
    session.data, session.targets = data, targets
    session.diagnosis, session.diagnosis_result = diagnosis
    if session.conversation is not None:  # a new upload starts a fresh analysis but keeps the chat
        session.conversation.set_data(data, targets, session.diagnosis_result)
    session.paths = files
    session.targets_path = Path(targets_path) if targets_path is not None else None
    session.overrides = dict(overrides)
    session.is_demo = is_demo
    session.reused = reused


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_joins(data: LoadedData) -> list[dict[str, Any]]:
    """The joins the loader made (its load report), with matched and unmatched keys."""
    return [{"left": j.left, "right": j.right, "on": " = ".join(j.on), "matched": j.matched, "unmatched": j.unmatched}
            for j in data.report.joins]


def diagnose_upload(data: LoadedData, targets: Any) -> tuple[dict[str, Any], Diagnosis]:
    """The upload's one diagnosis: the dict the panels read, and the typed result the chat and the
    memo reuse instead of diagnosing again."""
    from tools.diagnosis import diagnose

    result = diagnose(data, targets=targets)
    return result.to_dict(), result


def run_steps(steps: Iterator[Step]) -> None:
    """Drain a step iterator (for callers that need no progress, like tests and the demo cache)."""
    for _ in steps:
        pass


def load_files(
    session: TabState,
    paths: Sequence[Path | str],
    targets_path: Path | str | None = None,
    overrides: dict[str, str] | None = None,
    *,
    is_demo: bool = False,
) -> TabState:
    """``load_steps`` without progress; returns the session."""
    run_steps(load_steps(session, paths, targets_path, overrides, is_demo=is_demo))
    return session


# --- demo data ----------------------------------------------------------------------------------

_demo_lock = threading.Lock()
_demo_files: list[Path] | None = None
#: The export dialect the demo button loads (two files joined on the deal id: shows the mapping).
DEMO_DIALECT = "hubspot"
_demo_cache: tuple[LoadedData, Any, tuple[dict[str, Any], Diagnosis | None], MappingPlan | None] | None = None
_demo_compute = threading.Lock()


def demo_files() -> list[Path]:
    """The bundled demo exports, written once per process into a temp folder."""
    global _demo_files
    with _demo_lock:
        if _demo_files is None or not all(p.exists() for p in _demo_files):
            from tools.demo.sample import write_demo

            outdir = make_temp_dir("revops-demo-")
            _demo_files = [Path(p) for p in write_demo(outdir, DEMO_DIALECT)]
        return list(_demo_files)


def demo_steps(session: TabState) -> Iterator[Step]:
    """Load the bundled demo into ``session`` (computed once per process, shared read-only)."""
    global _demo_cache
    exports, targets = split_targets(demo_files())
    with _demo_compute:  # the start-up warm-up may be computing it right now
        if _demo_cache is None:
            yield from load_steps(session, exports, targets, {}, is_demo=True)
            assert session.data is not None and session.diagnosis is not None
            _demo_cache = (session.data, session.targets, (session.diagnosis, session.diagnosis_result),
                           copy.deepcopy(session.plan))
            return
        data, target_data, diagnosis, shared_plan = _demo_cache
    plan = copy.deepcopy(shared_plan)  # the editor's choices are this session's own
    session.data, session.targets, session.plan = data, target_data, plan
    session.diagnosis, session.diagnosis_result = diagnosis
    if session.conversation is not None:
        session.conversation.set_data(data, target_data, session.diagnosis_result)
    session.paths, session.targets_path, session.overrides = exports, targets, {}
    session.is_demo, session.reused = True, []
    yield Step("progress_loaded", {"rows": data.rows, "seconds": "0.0"}, done=True)


def load_demo(session: TabState) -> TabState:
    """``demo_steps`` without progress; returns the session."""
    run_steps(demo_steps(session))
    return session
