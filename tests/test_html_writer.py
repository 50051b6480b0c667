"""``to_html`` walks the document with a stack of its own: the Python call stack stays
shallow at any depth, and the output of a deep document reads back; any valid document
renders to HTML with no script that reads back as valid ADF."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

from adfkit import from_html, is_valid, to_html
from adfkit.strategies import documents

Json = dict[str, Any]


def _nested_lists(depth: int) -> Json:
    """``depth`` bullet lists, each in the only item of the one above."""
    node: Json = {"type": "paragraph", "content": [{"type": "text", "text": "bottom"}]}
    for _ in range(depth):
        node = {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}]
                    + ([node] if node["type"] == "bulletList" else []),
                }
            ],
        }
    return {"type": "doc", "version": 1, "content": [node]}


def _deepest_call_stack(work: Callable[[], object]) -> int:
    """How many Python frames deep ``work`` went beyond its caller, in any thread."""
    depth = 0
    deepest = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal depth, deepest
        if event == "call":
            depth += 1
            deepest = max(deepest, depth)
        elif event == "return":
            depth -= 1

    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return deepest


def test_the_call_stack_does_not_grow_with_the_document() -> None:
    to_html(_nested_lists(1))  # lazy imports happen here, not in the measured calls
    shallow = _deepest_call_stack(lambda: to_html(_nested_lists(10)))
    deep = _deepest_call_stack(lambda: to_html(_nested_lists(3000)))
    assert deep == shallow


def test_a_very_deep_document_renders_and_reads_back() -> None:
    doc = _nested_lists(20_000)
    html = to_html(doc)
    assert html.count("<ul>") == 20_000
    assert html.startswith("<ul><li><p>x</p><ul><li>")
    # (== on two 40,000-deep dicts would itself recurse: the HTML is compared instead)
    assert to_html(from_html(html)) == html


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_valid_document_renders_to_html_that_reads_back_valid(doc: Json) -> None:
    html = to_html(doc)
    assert "<script" not in html.lower()
    assert is_valid(from_html(html))
