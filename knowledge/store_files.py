"""The store folder on disk: is it writable, is it damaged, and what to do about each.

- A read-only folder (a shared install, an immutable mount) still serves searches: the store is
  copied to a private temporary folder and opened there; nothing is written back, and adding or
  removing documents is refused with a clear message.
- A damaged store (``file is not a database``, a malformed or truncated SQLite file) is never
  deleted: ``revops index --rebuild`` moves it aside (``chroma.damaged-<time>``) and builds a new
  one, re-adding the user's documents from the manifest (``knowledge/manifest.py``).

Pure filesystem work; ``knowledge/store.py`` (the only ``chromadb`` import) calls it.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import time
from pathlib import Path

#: Fragments of the errors SQLite / Chroma give for a damaged database file.
DAMAGED_MARKERS = (
    "file is not a database", "malformed", "disk image", "no such table", "not a database", "corrupt",
    "unsupported file format", "database schema", "file is encrypted", "unable to open database",
)
READ_ONLY_MARKERS = ("readonly database", "read-only", "read only", "permission denied")
COPY_PREFIX = "revops-store-ro-"


def is_writable(directory: Path) -> bool:
    """Whether the store in ``directory`` can be written (checked by trying, so it holds for root too).

    SQLite needs to write the database file and create journal files next to it.
    """
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
        for database in directory.glob("*.sqlite3"):
            with database.open("r+b"):
                pass
    except OSError:
        return False
    return True


def read_only_copy(directory: Path) -> Path:
    """A private, writable copy of the store in ``directory`` (removed when the process exits)."""
    target = Path(tempfile.mkdtemp(prefix=COPY_PREFIX))
    shutil.copytree(directory, target, dirs_exist_ok=True)
    for path in [target, *target.rglob("*")]:  # copies keep the source's read-only modes
        with contextlib.suppress(OSError):
            path.chmod(path.stat().st_mode | 0o600 | (0o100 if path.is_dir() else 0))
    atexit.register(shutil.rmtree, target, True)
    return target


def move_aside(directory: Path) -> Path:
    """Rename a damaged store folder to ``<name>.damaged-<YYYYmmdd-HHMMSS>`` and return the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = directory.with_name(f"{directory.name}.damaged-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = directory.with_name(f"{directory.name}.damaged-{stamp}-{counter}")
    directory.rename(target)
    directory.mkdir(parents=True, exist_ok=True)
    return target


def describe_failure(error: BaseException) -> str:
    """A short reason for a store that would not open, without the library's wrapping."""
    text = str(error).strip() or type(error).__name__
    for marker in (*DAMAGED_MARKERS, *READ_ONLY_MARKERS):
        if marker in text.lower():
            return marker
    return text.splitlines()[0][:120]
