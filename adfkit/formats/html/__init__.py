"""HTML: the reader (any page or clipboard fragment, hostile ones included) and the
writer (safe previews) side by side."""

from __future__ import annotations

from adfkit.formats.html.reader import from_html
from adfkit.formats.html.writer import to_html

__all__ = ["from_html", "to_html"]
