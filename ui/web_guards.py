"""What stands between the web app and the network: login throttling and session-bound downloads.

Both are plain ASGI middleware handed to Gradio's FastAPI app (``launch(app_kwargs=...)``), so
they see every request before Gradio's routes do.

- ``LoginRateLimit``: ``POST /login`` answers 429 after ``attempts`` wrong passwords from one
  client within ``window`` seconds (and after ``global_attempts`` from everyone, against guessing
  spread over many addresses). A right password clears the client's count.
- ``SessionDownloads``: every browser gets an opaque ``revops_browser`` cookie (HttpOnly,
  SameSite=Strict). A generated file (memo, chart CSV, conversation export) is registered to the
  cookie of the browser that built it, by the SHA-256 of its bytes; ``/gradio_api/file=…`` for such
  a file is served only to that browser (403 otherwise, and for a file nobody registered). The URL
  alone is not enough.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import unquote

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BROWSER_COOKIE = "revops_browser"
#: File names of generated memos (``ui.handlers.on_memo``); only these are bound to a browser.
MEMO_PREFIX = "revops-memo-"
#: Every file the app generates for one session: memos, chart CSVs (``ui.exhibits``) and the
#: conversation export (``ui.chat_handlers``); each is bound to the browser that made it.
GENERATED_PREFIXES = (MEMO_PREFIX, "revops-chart-", "revops-conversation")


async def _send_json(send: Send, status: int, payload: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is simply no cookie
                continue
    return {key: morsel.value for key, morsel in jar.items()}


class LoginRateLimit:
    """ASGI middleware: too many failed ``POST /login`` attempts get 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, attempts: int = 5, window: float = 60.0, global_attempts: int = 30,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.attempts = attempts
        self.window = window
        self.global_attempts = global_attempts
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def _wait(self, client: str, now: float) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        with self._lock:
            own, everyone = self._recent(client, now), self._recent("*", now)
            waits = [self.window - (now - own[0])] if len(own) >= self.attempts else []
            if len(everyone) >= self.global_attempts:
                waits.append(self.window - (now - everyone[0]))
        return max(waits, default=0.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("?",))[0])
        now = self.clock()
        wait = self._wait(client, now)
        if wait > 0:
            seconds = max(1, round(wait))
            await _send_json(send, 429, {"detail": f"Too many login attempts. Try again in {seconds} s."},
                             [(b"retry-after", str(seconds).encode())])
            return
        status: dict[str, int] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        with self._lock:
            if status.get("code", 500) >= 400:
                self._failures[client].append(now)
                self._failures["*"].append(now)
            else:
                self._failures.pop(client, None)


class DownloadRegistry:
    """Which browser built which memo (by content hash); thread-safe, in memory."""

    def __init__(self) -> None:
        self._owners: dict[str, set[str | None]] = defaultdict(set)
        self._hashes: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    def digest(self, path: Path) -> str:
        """SHA-256 of a file, cached by path, size and modification time."""
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._hashes.get(key)
        if known is None:
            known = hashlib.sha256(path.read_bytes()).hexdigest()
            with self._lock:
                self._hashes[key] = known
        return known

    def bind(self, path: Path, browser: str | None) -> None:
        """Let ``browser`` (a ``revops_browser`` cookie; ``None``: a client without cookies) fetch this memo."""
        digest = self.digest(path)
        with self._lock:
            self._owners[digest].add(browser)

    def allowed(self, path: Path, browser: str | None) -> bool:
        """Whether ``browser`` may fetch the memo at ``path`` (never for an unregistered memo)."""
        try:
            digest = self.digest(path)
        except OSError:
            return True  # no such file: Gradio answers 403/404 itself
        with self._lock:
            owners = self._owners.get(digest)
        if not owners:
            return False
        return browser in owners or None in owners


#: The registry of this process (the memo handler binds, the middleware checks).
DOWNLOADS = DownloadRegistry()


def browser_id(cookies: dict[str, str] | None) -> str | None:
    """The ``revops_browser`` cookie among a request's cookies (``gr.Request.cookies``)."""
    return (cookies or {}).get(BROWSER_COOKIE) or None


class SessionDownloads:
    """ASGI middleware: a cookie per browser, and memo files served only to the browser that built them."""

    def __init__(self, app: ASGIApp, registry: DownloadRegistry = DOWNLOADS) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        browser = _cookies(scope).get(BROWSER_COOKIE)
        path = unquote(scope.get("path", ""))
        if "/file=" in path and scope.get("method") in ("GET", "HEAD"):
            target = Path(path.split("/file=", 1)[1])
            if target.name.startswith(GENERATED_PREFIXES) and not self.registry.allowed(target, browser):
                await _send_json(send, 403, {"detail": "This download belongs to another session."}, [])
                return
        if browser:
            await self.app(scope, receive, send)
            return
        token = secrets.token_urlsafe(18)
        cookie = f"{BROWSER_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        await self.app(scope, receive, with_cookie)
