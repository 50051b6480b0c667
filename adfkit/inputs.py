"""Reading what a user names on the command line: a file, a pipe or standard input,
in bounded chunks and up to a size limit, so that no input can fill memory or hang.

Every command of ``adfkit`` and ``adfkit jira`` that reads a file reads it here
(``docs/resources.md``, "Reading input").
"""

from __future__ import annotations

import os
import stat
import sys

__all__ = ["MAX_BYTES", "MAX_BYTES_ENV", "Unreadable", "read_limited"]

MAX_BYTES = 64 * 1024 * 1024
"""The largest input any command reads by default (``--max-bytes``, ``$ADFKIT_MAX_BYTES``).
64 MiB is far beyond any issue description Jira stores (32,767 characters) and keeps
a mistaken ``/dev/zero`` or log file from filling memory. ``docs/resources.md``."""
MAX_BYTES_ENV = "ADFKIT_MAX_BYTES"
_CHUNK = 1 << 16


class Unreadable(Exception):
    """Input that cannot be read; the message is one line, without the file's name."""


def _max_bytes_default() -> int:
    raw = os.environ.get(MAX_BYTES_ENV, "")
    try:
        return int(raw) if raw.strip() else MAX_BYTES
    except ValueError:
        raise Unreadable(f"${MAX_BYTES_ENV} must be a number of bytes; got {raw!r}") from None


def read_limited(name: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a file or of standard input ('-'), at most ``max_bytes`` of them
    (default ``MAX_BYTES`` or ``$ADFKIT_MAX_BYTES``), read in bounded chunks.

    Only regular files and pipes are read: a directory, a device (``/dev/zero`` would
    never end), a socket, and a FIFO that nobody writes to (opening it must not wait
    for a writer) are refused with ``Unreadable``, as is anything larger than the
    limit; nothing beyond the limit plus one chunk is ever read.
    """
    limit = _max_bytes_default() if max_bytes is None else max_bytes
    if name == "-":
        return _read_stream(sys.stdin.buffer.fileno(), limit)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        first = b""
        if stat.S_ISDIR(mode):
            raise Unreadable("cannot read: Is a directory")
        if stat.S_ISREG(mode):
            if info.st_size > limit:
                raise Unreadable(_too_large(limit))
        elif stat.S_ISFIFO(mode):
            first = _first_fifo_chunk(fd)
        else:
            kind = "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"
            raise Unreadable(f"cannot read: {kind}; give a file, a pipe or '-'")
        _set_blocking(fd)
        return _read_stream(fd, limit, first)
    finally:
        os.close(fd)


def _first_fifo_chunk(fd: int) -> bytes:
    """The first bytes of a FIFO opened without blocking, or ``Unreadable`` if nobody
    writes to it: a read then answers at once, end of file when there is no writer,
    "try again" when a writer has not written yet (the caller then waits for it)."""
    try:
        chunk = os.read(fd, _CHUNK)
    except BlockingIOError:
        return b""
    if not chunk:
        raise Unreadable("cannot read: a FIFO with no writer (nothing to read)")
    return chunk


def _set_blocking(fd: int) -> None:
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)


def _read_stream(fd: int, limit: int, first: bytes = b"") -> bytes:
    chunks = [first]
    size = len(first)
    if size > limit:
        raise Unreadable(_too_large(limit))
    while True:
        chunk = os.read(fd, min(_CHUNK, limit - size + 1))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise Unreadable(_too_large(limit))
        chunks.append(chunk)


def _too_large(limit: int) -> str:
    return (
        f"cannot read: larger than {limit:,} bytes "
        f"(raise the limit with --max-bytes or ${MAX_BYTES_ENV})"
    )
