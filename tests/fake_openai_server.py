"""A tiny OpenAI-compatible chat-completions server on 127.0.0.1 for tests of the real client path.

``FakeOpenAI`` serves ``POST /v1/chat/completions`` (non-streaming) from a script: each request
takes the next reply, which is either a ``Reply`` or a callable that builds one from the request
body (so a final answer can quote the tool results it was sent). Every request body is captured
for privacy assertions. ``status`` / ``delay`` simulate 401, 429 and timeouts; ``trickle`` sends
the reply one byte every ``trickle`` seconds (a server that is alive but never finishes in time:
no per-read timeout fires).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted assistant message: tool calls, or final content."""

    content: str | None = None
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


Script = Reply | Callable[[dict[str, Any]], Reply]


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON tool results in a captured request body, oldest first."""
    out = []
    for message in body.get("messages", []):
        if message.get("role") == "tool":
            try:
                out.append(json.loads(message.get("content") or "{}"))
            except ValueError:
                out.append({"text": message.get("content")})
    return out


class FakeOpenAI:
    """Start with ``with FakeOpenAI([...]) as server:``; ``server.base_url`` goes in settings."""

    def __init__(
        self, script: list[Script] | None = None, *, status: int = 200, delay: float = 0.0, trickle: float = 0.0
    ) -> None:
        self.script = list(script or [])
        self.status = status
        self.delay = delay
        self.trickle = trickle
        self.stopped = threading.Event()
        #: set when a client closed the connection before the reply was complete
        self.aborted = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Reply:
        if not self.script:
            return Reply(content="(script exhausted)")
        item = self.script.pop(0)
        return item(body) if callable(item) else item

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.raw.append(raw)
                body = json.loads(raw or b"{}")
                fake.requests.append(body)
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.status != 200:
                    error = {"error": {"message": f"scripted {fake.status}", "type": "test", "code": None}}
                    self._send(fake.status, error)
                    return
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                self._send(200, completion(fake._next(body), body.get("model", "test-model")))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    if not fake.trickle:
                        self.wfile.write(data)
                        return
                    for i in range(len(data)):  # one byte at a time: every read succeeds, none finishes
                        if fake.stopped.wait(fake.trickle):
                            return
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, deadline)
                    fake.aborted.set()

        return Handler


_counter = iter(range(1, 1_000_000))


def completion(reply: Reply, model: str) -> dict[str, Any]:
    """An OpenAI chat.completion object for a scripted reply."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    finish = "stop"
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{next(_counter)}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}}
            for name, args in reply.tool_calls
        ]
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{next(_counter)}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
