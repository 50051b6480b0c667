"""Reading JSON files for the CLI: errors with line and column, any nesting depth,
duplicate keys reported rather than silently collapsed, and JSON Pointers mapped back
to lines for annotations.

Python's ``json`` module is recursive and stops at about 1,000 levels. A valid ADF
document can be much deeper, so a document that overflows is parsed again in a
worker thread with a large stack and a raised recursion limit.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from adfkit.pointer import escape, split_pointer

__all__ = ["DuplicateKey", "MalformedJson", "decode", "load", "locate"]

_DEEP_STACK_BYTES = 1 << 30  # virtual; only the pages a deep parse touches are used
_DEEP_RECURSION_LIMIT = 10_000_000


class MalformedJson(ValueError):
    """The input is not JSON; ``line`` and ``col`` are 1-based."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """An object in the input that names ``key`` more than once (JSON keeps the last)."""

    path: str
    key: str


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) to text, or ``MalformedJson`` at the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig", errors="replace")
        line, col = _position(good, len(good))
        raise MalformedJson(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot start a character", line, col
        ) from None


def load(text: str) -> tuple[object, list[DuplicateKey]]:
    """Parse ``text``; return the value and the duplicate keys found in it."""
    dupes: list[tuple[dict[str, object], str]] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _value in pairs:
                if key in seen:
                    dupes.append((obj, key))
                seen.add(key)
        return obj

    def parse() -> object:
        try:
            return json.loads(text, object_pairs_hook=pairs_hook)
        except json.JSONDecodeError as exc:
            raise MalformedJson(exc.msg, exc.lineno, exc.colno) from None

    try:
        value = parse()
    except RecursionError:
        dupes.clear()
        value = _parse_deep(parse)
    return value, _dupe_paths(value, dupes)


def _parse_deep(parse: object) -> object:
    result: dict[str, object] = {}

    def run() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(_DEEP_RECURSION_LIMIT)
        try:
            result["value"] = parse()  # type: ignore[operator]
        except BaseException as exc:  # handed to the caller's thread below
            result["error"] = exc
        finally:
            sys.setrecursionlimit(old)

    previous = threading.stack_size(_DEEP_STACK_BYTES)
    try:
        worker = threading.Thread(target=run, name="adfkit-deep-json")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


def _dupe_paths(value: object, dupes: list[tuple[dict[str, object], str]]) -> list[DuplicateKey]:
    if not dupes:
        return []
    wanted = {id(obj): key for obj, key in dupes}
    found: list[DuplicateKey] = []
    for path, item in _walk(value):
        if id(item) in wanted:
            for obj, key in dupes:
                if obj is item:
                    found.append(DuplicateKey(path, key))
    return found


def _walk(value: object) -> Iterator[tuple[str, object]]:
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        yield path, item
        if isinstance(item, dict):
            for key in reversed(list(item)):
                stack.append((f"{path}/{escape(str(key))}", item[key]))
        elif isinstance(item, list):
            for i in range(len(item) - 1, -1, -1):
                stack.append((f"{path}/{i}", item[i]))


def locate(text: str, pointer: str, *, occurrence: int = 0) -> tuple[int, int] | None:
    """Line and column (1-based) where the value at ``pointer`` starts in ``text``.

    ``occurrence`` picks a later duplicate of the last key (1: the second one).

    A small scanner that skips what it does not need; used only for the documents
    that have errors, to point annotations at the right line.
    """
    try:
        tokens = split_pointer(pointer)
    except ValueError:
        return None
    pos = _skip_ws(text, 0)
    for n, token in enumerate(tokens, 1):
        if pos >= len(text):
            return None
        if text[pos] == "{":
            pos = _enter_key(text, pos, token, occurrence if n == len(tokens) else 0)
        elif text[pos] == "[" and token.isdigit():
            pos = _enter_index(text, pos, int(token))
        else:
            return None
        if pos < 0:
            return None
    return _position(text, pos)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _string_end(text: str, pos: int) -> int:
    """Index just past the string literal starting at ``pos``."""
    pos += 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == '"':
            return pos + 1
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int:
    """Index just past the JSON value starting at ``pos`` (iterative, any depth)."""
    if text[pos] == '"':
        return _string_end(text, pos)
    if text[pos] not in "[{":
        while pos < len(text) and text[pos] not in ",]} \t\r\n":
            pos += 1
        return pos
    depth = 0
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            pos = _string_end(text, pos)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return pos


def _enter_key(text: str, pos: int, token: str, skip: int) -> int:
    pos = _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] == '"':
        end = _string_end(text, pos)
        key = json.loads(text[pos:end])
        pos = _skip_ws(text, end)
        pos = _skip_ws(text, pos + 1)  # past ':'
        if key == token:
            if skip == 0:
                return pos
            skip -= 1
        pos = _skip_ws(text, _value_end(text, pos))
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return -1


def _enter_index(text: str, pos: int, index: int) -> int:
    pos = _skip_ws(text, pos + 1)
    for _ in range(index):
        if pos >= len(text) or text[pos] == "]":
            return -1
        pos = _skip_ws(text, _value_end(text, pos))
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return pos if pos < len(text) and text[pos] != "]" else -1
