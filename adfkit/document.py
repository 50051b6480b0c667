"""What the public functions take as a document, and the one place it is normalised.

The library hands out documents in two forms: JSON-ready dicts (``from_markdown``,
``from_html``, ``json.load``) and the typed nodes of ``adfkit.build`` /
``adfkit.from_json``. Every function that takes a document takes either, so a
document never has to be converted back before it is checked or written. ``as_json``
is called first thing by the validator's entry points and by the writers; everything
behind them reads plain JSON.

Anything else passes through unchanged: the validator reports it (``NOT_A_NODE`` with
a hint where one helps), the writers refuse it with ``InvalidDocument``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from adfkit.tree import Node

__all__ = ["Document", "as_json"]

Document: TypeAlias = dict[str, Any] | Node
"""An ADF document as adfkit takes it: the JSON-ready dict (parsed JSON, a reader's
output, ``node.to_json()``) or a node built with ``adfkit.build`` (a ``Doc``, or any
node, which the validator then reports as not rooted at ``doc``)."""


def as_json(doc: object) -> Any:
    """``doc`` as JSON: a built node's ``to_json()`` (iterative, any depth); anything
    else as given, for the caller to check."""
    return doc.to_json() if isinstance(doc, Node) else doc
