"""ADF written out as plain JSON values, for the tests' expected results.

Deliberately not ``adfkit.build``: an expectation built by the code under test's own
builder would share its mistakes, so converter and renderer tests spell their
expected ADF out by hand, through these few shorthands. Children and marks are typed
``Any`` on purpose: the validator's tests build invalid documents with them too.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

STRONG: Json = {"type": "strong"}
EM: Json = {"type": "em"}
CODE: Json = {"type": "code"}
STRIKE: Json = {"type": "strike"}


def document(*content: Any) -> Json:
    """A ``doc`` (version 1) holding ``content``."""
    return {"type": "doc", "version": 1, "content": list(content)}


def paragraph(*content: Any) -> Json:
    """A ``paragraph`` holding ``content``."""
    return {"type": "paragraph", "content": list(content)}


def text(value: str, *marks: Any) -> Json:
    """A ``text`` node, with ``marks`` when there are any (ADF has no empty marks)."""
    node: Json = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node
