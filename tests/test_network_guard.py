"""The test-suite network guard really blocks remote addresses and allows loopback."""

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_remote_connect_is_blocked() -> None:
    with socket.socket() as s, pytest.raises(NetworkBlocked):
        s.connect(("93.184.216.34", 80))


def test_loopback_connect_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
