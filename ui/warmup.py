"""Warm what the first question needs, on a background thread started with the app.

Two threads: one opens the playbook store (built on the first ever start, a few seconds) and then
the intent router's embeddings; the other loads the demo upload and its diagnosis (when the demo is
on; a page opened meanwhile waits for it), imports the chat engine, then, once the playbook is
ready, asks one throwaway question over the demo so the answer's code paths are warm. A question asked before the playbook is ready waits for it, and its working
note says why (``playbook_pending``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings


@dataclass
class WarmUp:
    """The background warm-up: which steps are done and how long each took."""

    done: list[tuple[str, float]] = field(default_factory=list)
    playbook_ready: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def step(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.done.append((name, round(now - since, 3)))
        return now


_current: WarmUp | None = None


def playbook_pending() -> bool:
    """True while a warm-up started in this process is still building/opening the playbook store."""
    return _current is not None and not _current.playbook_ready.is_set() and not _current.finished.is_set()


def _playbook(warm: WarmUp, settings: Settings) -> None:
    """Open (on a first start: build) the playbook store, then the router's embeddings."""
    start = time.perf_counter()
    try:
        from assistant.knowledge_access import open_knowledge

        open_knowledge(settings)
        start = warm.step("playbook", start)
    except Exception:  # noqa: BLE001 - warming is best-effort; the first question does the work itself
        return
    finally:
        warm.playbook_ready.set()
    try:
        from assistant.chat.routing import warm_up as warm_intents

        warm_intents()
        warm.step("router", start)
    except Exception:  # noqa: BLE001
        return


def _run(warm: WarmUp, settings: Settings, demo: bool) -> None:
    """The chat engine's imports and the demo, beside the playbook thread; then one question."""
    start = time.perf_counter()
    playbook = threading.Thread(target=_playbook, args=(warm, settings), name="revops-warm-playbook", daemon=True)
    playbook.start()
    try:
        data = targets = diagnosis = None
        if demo:  # first: a page opened now waits for it
            from ui.state import TabState, load_demo

            session = load_demo(TabState(settings=settings))  # fills the process's shared demo cache
            data, targets, diagnosis = session.data, session.targets, session.diagnosis_result
            start = warm.step("demo", start)
        import assistant.chat.conversation  # noqa: F401 - the chat engine's imports

        start = warm.step("imports", start)
        playbook.join()
        if data is not None:
            from assistant.chat.conversation import Conversation

            Conversation(data=data, targets=targets, settings=settings, diagnosis=diagnosis).ask(
                "Where is the funnel leaking?")
            warm.step("first question", start)
    except Exception:  # noqa: BLE001 - warming is best-effort; the first question does the work itself
        return
    finally:
        warm.finished.set()


def start_warm_up(settings: Settings, *, demo: bool = True) -> WarmUp:
    """Start the warm-up thread (daemon) and return its progress record."""
    global _current
    warm = WarmUp()
    _current = warm
    threading.Thread(target=_run, args=(warm, settings, demo), name="revops-warm-up", daemon=True).start()
    return warm
