"""Per-browser-session state and the loading steps behind the upload and demo buttons.

One ``TabState`` lives in a ``gr.State`` per browser tab: its data, targets, diagnosis and
conversation never reach another tab. Loading calls the real loader and engine
(``tools.ingest.loading``, ``tools.ingest.targets``, ``tools.diagnosis``); the UI computes no numbers itself.
A failed load raises ``RevOpsInputError`` and leaves the session as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import RevOpsInputError

if TYPE_CHECKING:
    from assistant.chat.conversation import Conversation
    from assistant.settings import Settings
    from tools.dataset import LoadedData

#: ``report(fraction, message)``: progress callback (``gr.Progress`` or a no-op in tests).
Report = Callable[[float, str], None]

_TARGET_HINTS = ("target", "目標")
#: Temporary folders this app creates: ``<prefix><pid>-<random>`` (the pid says who owns them).
TEMP_PREFIXES = ("revops-session-", "revops-demo-")
#: A temporary folder without a readable owner is stale after this many seconds.
STALE_AFTER = 6 * 3600


def make_temp_dir(prefix: str) -> Path:
    """A new temporary folder ``<prefix><pid>-…`` owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def _owner_alive(name: str, prefix: str) -> bool | None:
    """Whether the process named in a temp folder's name still runs (``None``: no pid in the name)."""
    pid = name[len(prefix):].split("-", 1)[0]
    if not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_temp_dirs(*, stale_only: bool, root: Path | None = None) -> list[Path]:
    """Remove this process's temporary folders (at exit), or the stale ones of dead processes (at start)."""
    removed: list[Path] = []
    age = 0.0
    base = root or Path(tempfile.gettempdir())
    for prefix in TEMP_PREFIXES:
        for path in base.glob(f"{prefix}*"):
            alive = _owner_alive(path.name, prefix)
            if stale_only:
                with contextlib.suppress(OSError):
                    age = time.time() - path.stat().st_mtime
                # a dead owner; no owner and old; or very old whatever the pid says (pids are reused)
                if not (alive is False or (alive is None and age > STALE_AFTER) or age > 4 * STALE_AFTER):
                    continue
            elif not path.name.startswith(f"{prefix}{os.getpid()}-"):
                continue
            with contextlib.suppress(OSError):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _no_report(fraction: float, message: str) -> None:  # noqa: ARG001 - matches Report
    return None


@dataclass
class TabState:
    """Everything one browser tab has loaded and said."""

    settings: Settings | None = None
    data: LoadedData | None = None
    targets: Any = None
    diagnosis: dict[str, Any] | None = None
    #: the typed diagnosis behind ``diagnosis``: the chat reuses it instead of diagnosing again
    diagnosis_result: Any = None
    paths: list[Path] = field(default_factory=list)
    targets_path: Path | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    is_demo: bool = False
    conversation: Conversation | None = None
    _workdir: Path | None = field(default=None, repr=False)

    @property
    def workdir(self) -> Path:
        """A private folder for this session's generated files (memos), removed on ``close``."""
        if self._workdir is None:
            self._workdir = make_temp_dir("revops-session-")
        return self._workdir

    def chat(self) -> Conversation:
        """The conversation over the current data (created on first use)."""
        if self.conversation is None:
            from assistant.chat.conversation import Conversation

            self.conversation = Conversation(data=self.data, targets=self.targets, settings=self.settings,
                                             diagnosis=self.diagnosis_result)
        return self.conversation

    def reset_chat(self) -> None:
        """Forget the conversation (the data stays loaded)."""
        self.conversation = None

    def close(self) -> None:
        """Delete this session's generated files (called when Gradio drops the state)."""
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


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


def parse_override_text(text: str) -> dict[str, str]:
    """The mapping textbox (``canonical=Column`` per line, ``#`` comments) -> overrides."""
    from tools.ingest.loading import parse_mapping_overrides

    items = [line.strip() for line in (text or "").splitlines()]
    return parse_mapping_overrides([i for i in items if i and not i.startswith("#")], None)


def load_files(
    session: TabState,
    paths: Sequence[Path | str],
    targets_path: Path | str | None = None,
    overrides: dict[str, str] | None = None,
    *,
    report: Report = _no_report,
    is_demo: bool = False,
) -> TabState:
    """Load exports (+ targets) into ``session``, diagnose, and start a fresh conversation.

    Raises ``RevOpsInputError`` (the loader's message) and leaves ``session`` unchanged on bad input.
    """
    from tools.ingest.loading import load_exports

    files = [Path(p) for p in paths]
    if not files:
        raise RevOpsInputError("no export files chosen", hint="Choose at least one CSV or XLSX export")
    report(0.1, "reading")
    data = load_exports(files, overrides=overrides or None)
    targets = None
    if targets_path is not None:
        from tools.ingest.targets import load_targets

        targets = load_targets(Path(targets_path))
    report(0.6, "diagnosing")
    from tools.diagnosis import diagnose

    result = diagnose(data, targets=targets)
    session.data, session.targets, session.diagnosis = data, targets, result.to_dict()
    session.diagnosis_result = result
    session.paths = files
    session.targets_path = Path(targets_path) if targets_path is not None else None
    session.overrides = dict(overrides or {})
    session.is_demo = is_demo
    session.conversation = None
    report(1.0, "done")
    return session


def run_diagnosis(data: LoadedData, targets: Any = None) -> dict[str, Any]:
    """``tools.diagnosis.diagnose(...).to_dict()`` — the SPEC §5 object the panels render."""
    from tools.diagnosis import diagnose

    return diagnose(data, targets=targets).to_dict()


# --- demo data ----------------------------------------------------------------------------------

_demo_lock = threading.Lock()
_demo_files: list[Path] | None = None


def demo_files() -> list[Path]:
    """The bundled demo exports, written once per process into a temp folder."""
    global _demo_files
    with _demo_lock:
        if _demo_files is None or not all(p.exists() for p in _demo_files):
            outdir = make_temp_dir("revops-demo-")
            _demo_files = _write_demo(outdir)
        return list(_demo_files)


#: The export dialect the demo button loads (two files joined on the deal id: shows the mapping).
DEMO_DIALECT = "hubspot"


def _write_demo(outdir: Path) -> list[Path]:
    """The bundled demo (``tools.demo.sample.write_demo``): the exports, then ``targets.csv``."""
    from tools.demo.sample import write_demo

    return [Path(p) for p in write_demo(outdir, DEMO_DIALECT)]


_demo_cache: tuple[LoadedData, Any, dict[str, Any], Any] | None = None


def load_demo(session: TabState, *, report: Report = _no_report) -> TabState:
    """Load the bundled demo exports (and their targets file) into ``session``.

    The loaded demo is computed once per process and shared read-only between sessions; each
    session still gets its own conversation.
    """
    global _demo_cache
    report(0.05, "demo")
    exports, targets = split_targets(demo_files())
    if _demo_cache is None:
        load_files(session, exports, targets, report=report, is_demo=True)
        assert session.data is not None and session.diagnosis is not None
        _demo_cache = (session.data, session.targets, session.diagnosis, session.diagnosis_result)
        return session
    session.data, session.targets, session.diagnosis, session.diagnosis_result = _demo_cache
    session.paths, session.targets_path, session.overrides = exports, targets, {}
    session.is_demo, session.conversation = True, None
    report(1.0, "done")
    return session
