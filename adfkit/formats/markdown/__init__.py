"""Markdown (CommonMark + GitHub's extensions): the reader and the writer side by side,
so an escaping rule is seen by both directions."""

from __future__ import annotations

from adfkit.formats.markdown.reader import from_markdown
from adfkit.formats.markdown.writer import to_markdown

__all__ = ["from_markdown", "to_markdown"]
