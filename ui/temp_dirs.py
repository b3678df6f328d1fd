"""The app's temporary folders: named after the process that made them, removed at exit and,
when their process is gone, at the next start (``ui.app.launch``).

Moved out of ``ui.state`` unchanged (issue 15's hardening), so the session state module stays small.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

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
