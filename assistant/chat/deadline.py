"""A wall-clock deadline around a remote-model run: from the first request to the final answer.

An HTTP client's timeout bounds each read, not the call: a server that trickles one byte every
two seconds never trips a 30-second read timeout, and retries multiply the wait. So the remote
agent runs as an async task on a private event loop, and the caller waits for its events with
the time that is left. When the deadline passes, the task is cancelled — which closes the open
HTTP request at once — and ``DeadlineExceeded`` is raised, so the question can fall back to the
offline model immediately. The caller never waits for the cancelled task to wind down.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class DeadlineExceeded(TimeoutError):
    """The remote run did not finish within its deadline (``REVOPS_LLM_TIMEOUT``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


def iterate_with_deadline(
    make_stream: Callable[[], AsyncIterator[T]], seconds: float, *, started: float | None = None
) -> Iterator[T]:
    """Yield the items of the async iterator ``make_stream()`` until it ends or ``seconds`` pass.

    Args:
        make_stream: Called once, inside the new task (so context variables it sets stay there).
        seconds: The budget.
        started: ``time.monotonic()`` when the budget started (default: now).

    Raises:
        DeadlineExceeded: The stream had not ended when the deadline passed (it is cancelled).
        Exception: Whatever the stream raised.
    """
    deadline = (time.monotonic() if started is None else started) + seconds
    events: queue.Queue[tuple[object, BaseException | None]] = queue.Queue()
    loop = asyncio.new_event_loop()

    async def pump() -> None:
        try:
            async for item in make_stream():
                events.put((item, None))
        except asyncio.CancelledError:
            raise
        except BaseException as err:  # noqa: BLE001 - handed to the waiting caller
            events.put((_DONE, err))
            return
        events.put((_DONE, None))

    task = loop.create_task(pump())  # created before the loop runs, so it can be cancelled from here
    thread = threading.Thread(target=_serve, args=(loop, task), name="revops-remote-model", daemon=True)
    thread.start()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded(seconds)
            try:
                item, error = events.get(timeout=remaining)
            except queue.Empty:
                raise DeadlineExceeded(seconds) from None
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item  # type: ignore[misc]
    finally:
        with contextlib.suppress(RuntimeError):  # the loop is already closed: the task had finished
            loop.call_soon_threadsafe(task.cancel)  # cancels the run and its open HTTP request


def _serve(loop: asyncio.AbstractEventLoop, task: asyncio.Task[None]) -> None:
    """Run ``task`` to its end (or cancellation), let work it started finish, close the loop."""
    asyncio.set_event_loop(loop)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())  # a tool still running finishes here
    finally:
        loop.close()
