"""Plain text: ADF to what a person would copy out of Jira.

Plain text has a writer only (any text is already a paragraph's worth of ADF). It
shares its layout with the Markdown writer, blocks as lines, list markers, table cells
separated by tabs, and leaves out every piece of syntax, so the two never disagree on
where a block starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adfkit.formats.markdown.writer import render

if TYPE_CHECKING:
    from adfkit.document import Document

__all__ = ["to_text"]


def to_text(doc: Document, *, link_urls: bool = True) -> str:
    """Plain text for a valid ADF document: blocks as lines, list items with their
    markers, table cells separated by tabs, no markup.

    A link's address follows its text in parentheses (``docs (https://…)``) when it
    says more than the text; ``link_urls=False`` leaves addresses out."""
    return render(doc, plain=True, link_urls=link_urls)
