"""Column mappings a user saved, reused when an export with the same header set comes back.

Stored per user under ``REVOPS_HOME/ui/mappings/<user>/<header key>.json``. Who "the user" is:

- with a login (``REVOPS_UI_PASSWORD``): the logged-in user name;
- on a loopback-only server without a login: the local user (``local``);
- on a server others can reach without a login: nobody can be told apart, so mappings are kept
  in the browser session only (``SessionMappings``) and never written where another session
  could read them.

User names become folder names through a hash, so no name can reach outside the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Protocol

from tools.ingest.dialects import MAPPABLE_KEYS

Choices = dict[str, str | None]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
LOCAL_USER = "local"


class MappingStore(Protocol):
    """Where saved mappings live (a user's folder, or one session's memory)."""

    persistent: bool

    def load_all(self) -> dict[str, Choices]: ...

    def save(self, key: str, choices: Choices) -> None: ...


class SessionMappings:
    """Mappings kept for one browser session only."""

    persistent = False

    def __init__(self) -> None:
        self._saved: dict[str, Choices] = {}

    def load_all(self) -> dict[str, Choices]:
        return {k: dict(v) for k, v in self._saved.items()}

    def save(self, key: str, choices: Choices) -> None:
        self._saved[key] = dict(choices)


class UserMappings:
    """A user's saved mappings on disk, one small JSON file per header set."""

    persistent = True

    def __init__(self, home: Path, user: str) -> None:
        digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:24]
        self.folder = Path(home) / "ui" / "mappings" / digest

    def load_all(self) -> dict[str, Choices]:
        out: dict[str, Choices] = {}
        if not self.folder.is_dir():
            return out
        for path in sorted(self.folder.glob("*.json")):
            choices = _read(path)
            if choices is not None:
                out[path.stem] = choices
        return out

    def save(self, key: str, choices: Choices) -> None:
        """Write atomically (a half-written file is never read back)."""
        if not key.isalnum():
            raise ValueError(f"bad header key {key!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"choices": choices}, ensure_ascii=False, indent=1)
        handle, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temp, self.folder / f"{key}.json")


def _read(path: Path) -> Choices | None:
    """A saved file's choices, or ``None`` when it is unreadable or not ours (ignored, not fatal)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    choices = payload.get("choices") if isinstance(payload, dict) else None
    if not isinstance(choices, dict):
        return None
    return {str(c): k for c, k in choices.items() if k is None or (isinstance(k, str) and k in MAPPABLE_KEYS)}


def mapping_store(home: Path, user: str | None, host: str, password_set: bool) -> MappingStore:
    """The store for this session's user (see the module docstring for who that is)."""
    if password_set and user:
        return UserMappings(home, f"user:{user}")
    if not password_set and host in LOOPBACK_HOSTS:
        return UserMappings(home, LOCAL_USER)
    return SessionMappings()
