"""Running recursive work on trees of any depth.

The Markdown and HTML writers still walk ADF recursively; a document nested deeper
than Python's default recursion limit (valid ADF can be) then runs in a worker thread
with a stack and a recursion limit sized for it. This is a stopgap, not the contract
(``docs/resources.md``: no recursion that input depth can reach): the repair step,
the validator, ``from_json`` and ``adfkit.jsonfile`` no longer use it, and this module
goes once the writers are iterative too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
SHALLOW = 200  # nesting below which work runs right here


def depth_of(node: dict[str, Any]) -> int:
    """How deep ``content`` nests under ``node`` (iterative)."""
    deepest = 0
    stack = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in item.get("content") or [] if isinstance(c, dict))
    return deepest


def deep_safe(work: Callable[[], T], depth: int) -> T:
    """``work()``, here when ``depth`` is small, else in a thread with room for it."""
    if depth < SHALLOW:
        return work()
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, depth * 10 + 1000))
        try:
            result.append(work())
        except BaseException as exc:  # handed back to the caller's thread
            failure.append(exc)
        finally:
            sys.setrecursionlimit(old)

    previous = threading.stack_size(min(1 << 30, max(1 << 24, depth * 8192)))
    try:
        worker = threading.Thread(target=run, name="adfkit-deep")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
    if failure:
        raise failure[0]
    return result[0]
