"""adfkit: build, validate and convert Atlassian Document Format (ADF) documents.

Names are imported on first use, so ``adfkit validate`` starts fast and the spec
table's generator can import the record types while the table itself is stale.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adfkit import build
    from adfkit.document import Document
    from adfkit.errors import AdfkitError, BuildError, InvalidDocument, ValidationError
    from adfkit.formats.html import from_html, to_html
    from adfkit.formats.markdown import from_markdown, to_markdown
    from adfkit.formats.text import to_text
    from adfkit.formats.wiki import from_wiki, to_wiki
    from adfkit.tree import Mark, Node, from_json
    from adfkit.validator import is_valid, iter_errors, validate

__all__ = [
    "AdfkitError",
    "BuildError",
    "Document",
    "InvalidDocument",
    "Mark",
    "Node",
    "ValidationError",
    "build",
    "from_html",
    "from_json",
    "from_markdown",
    "from_wiki",
    "is_valid",
    "iter_errors",
    "to_html",
    "to_markdown",
    "to_text",
    "to_wiki",
    "validate",
]
__version__ = "0.3.0"  # the one place: pyproject.toml reads it (tool.setuptools.dynamic)

_HOMES = {
    "AdfkitError": "adfkit.errors",
    "BuildError": "adfkit.errors",
    "Document": "adfkit.document",
    "Mark": "adfkit.tree",
    "Node": "adfkit.tree",
    "from_json": "adfkit.tree",
    "from_markdown": "adfkit.formats.markdown.reader",
    "to_markdown": "adfkit.formats.markdown.writer",
    "from_html": "adfkit.formats.html.reader",
    "to_html": "adfkit.formats.html.writer",
    "to_text": "adfkit.formats.text",
    "from_wiki": "adfkit.formats.wiki.reader",
    "to_wiki": "adfkit.formats.wiki.writer",
    "InvalidDocument": "adfkit.errors",
    "ValidationError": "adfkit.errors",
    "is_valid": "adfkit.validator",
    "iter_errors": "adfkit.validator",
    "validate": "adfkit.validator",
}


def __getattr__(name: str) -> Any:
    if name == "build":
        return importlib.import_module("adfkit.build")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adfkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
