"""Private files: written whole or not at all, readable by their owner only.

Tokens, the default site, the saved settings, the createmeta cache and the sandbox's
state file are all written here the same way: to a temp file in the same directory
(mode 0600 from the start, whatever the umask), flushed to disk, then moved over the old
file with ``os.replace``. A crash or a full disk leaves the old file, never half a new
one, and no other user can read either at any moment. Callers turn ``OSError`` into
their own error, which names the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

__all__ = ["write_private_json"]


def write_private_json(
    path: Path, data: object, *, indent: int | None = None, sort_keys: bool = False
) -> None:
    """Write ``data`` as JSON to ``path`` atomically with mode 0600; raises OSError."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)  # mkstemp's 0600 already; kept explicit against surprises
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=indent, sort_keys=sort_keys)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
