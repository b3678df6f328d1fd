"""Shared test setup: no network beyond loopback, isolated home, no analytics."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False  # a host name other than localhost would need DNS: not allowed
    return True  # AF_UNIX paths and other local families


class NetworkBlocked(RuntimeError):
    """A test tried to reach a non-loopback address."""


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}; only loopback is allowed")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect to {address!r}; only loopback is allowed")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _block_remote_network() -> Iterator[None]:
    """Fail any accidental remote call (the product must work offline)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the knowledge store and session files out of the developer's home.

    One home per test session, so the playbook is embedded and indexed once, not per test.
    """
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("revops-home")
    mp.setenv("REVOPS_HOME", str(home))
    mp.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    mp.setenv("ANONYMIZED_TELEMETRY", "False")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVOPS_LLM", "REVOPS_STORE_PATH", "REVOPS_CHROMA_HOST"):
        mp.delenv(var, raising=False)
    yield
    mp.undo()


