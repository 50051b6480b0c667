"""Every text format adfkit reads and writes, one place each.

A format is a subpackage (or, for a writer-only format, a module) holding its reader
(text -> ADF) and its writer (ADF -> text) side by side, so that an escaping rule or a
quirk is seen by both directions::

    formats/markdown/  reader.py (mistune's tokens -> ADF)  writer.py (ADF -> GFM)
    formats/html/      reader.py (lxml's events -> ADF)     writer.py (ADF -> safe HTML)
    formats/wiki/      reader.py (Jira wiki markup -> ADF)  writer.py (ADF -> wiki markup)
    formats/text.py                                         to_text (Markdown's layout, no syntax)

Every reader ends in ``adfkit.repair`` and the validator, so its output is valid ADF by
construction; every writer starts from a valid document. Adding a format is adding a
subpackage and a line to ``READERS``/``WRITERS`` below: the CLI's ``--from``/``--to``
and the Jira client's ``description_format`` read these tables.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

__all__ = ["EXTENSIONS", "READERS", "WRITERS", "format_of_path", "reader", "sniff", "writer"]

READERS: dict[str, str] = {
    "markdown": "adfkit.formats.markdown.reader:from_markdown",
    "html": "adfkit.formats.html.reader:from_html",
    "wiki": "adfkit.formats.wiki.reader:from_wiki",
}
"""Format name -> ``module:function`` of its reader, imported on first use."""

WRITERS: dict[str, str] = {
    "markdown": "adfkit.formats.markdown.writer:to_markdown",
    "html": "adfkit.formats.html.writer:to_html",
    "wiki": "adfkit.formats.wiki.writer:to_wiki",
    "text": "adfkit.formats.text:to_text",
}
"""Format name -> ``module:function`` of its writer, imported on first use."""

# A tag (Confluence's storage format's are namespaced: <ac:structured-macro>; an autolink
# <https://...> is none), a doctype or a comment.
_HTML_START = re.compile(
    r"\s*<(?:[a-zA-Z][a-zA-Z0-9-]*(?::[a-zA-Z][a-zA-Z0-9-]*)?[\s/>]|!DOCTYPE|!--)", re.IGNORECASE
)
EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".wiki": "wiki",
    ".jira": "wiki",
    ".json": "adf",
}
"""File extension -> format, for every command that reads a named file; a file whose
extension is not here (``.txt``, none) is sniffed."""


def format_of_path(name: str) -> str | None:
    """The format a file name's extension says, or None (standard input ``-``, an
    extension that says nothing)."""
    if name == "-":
        return None
    return EXTENSIONS.get(PurePath(name).suffix.lower())


_JSON_OBJECT = re.compile(r'\s*\{\s*(?:"|\})')  # {"type": ...}, not {quote}


def _load(table: dict[str, str], name: str) -> Callable[..., Any]:
    module, _, function = table[name].partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found


def reader(name: str) -> Callable[..., dict[str, Any]]:
    """The reader of format ``name`` (a key of ``READERS``)."""
    return _load(READERS, name)


def writer(name: str) -> Callable[[dict[str, Any]], str]:
    """The writer of format ``name`` (a key of ``WRITERS``)."""
    return _load(WRITERS, name)


def sniff(text: str) -> str:
    """The format a text most likely is, for input that names none (standard input, a
    string given to the Jira client): ``"adf"`` for a JSON object, ``"html"`` when it
    starts with a tag, a doctype or a comment, ``"wiki"`` on clear signs of Jira wiki
    markup and none of Markdown, else ``"markdown"``, the format that reads any text.
    A caller that knows the format says so and never asks."""
    if _JSON_OBJECT.match(text):
        return "adf"
    head = text[:_SNIFF_CHARS]
    if _HTML_START.match(text):
        # A GitHub issue body starts with a template's comment or a <details> as often
        # as an HTML page starts with a tag: Markdown's signs outside the markup (its
        # comments, CDATA and <pre>, where code may hold "# ...") decide, unless the
        # text opens as a whole HTML document.
        if _HTML_DOCUMENT.match(text):
            return "html"
        prose = _OPAQUE_HTML.sub("", head)
        if any(sign.search(prose) for sign in (*_MARKDOWN_SIGNS, *_MARKDOWN_AROUND_HTML)):
            return "markdown"
        return "html"
    wiki = sum(1 for sign in _WIKI_SIGNS if sign.search(head))
    markdown = sum(1 for sign in _MARKDOWN_SIGNS if sign.search(head))
    # Conservative: a Markdown document that mentions "{code}" once stays Markdown.
    if wiki and (not markdown or wiki > markdown + 1):
        return "wiki"
    return "markdown"


_SNIFF_CHARS = 1 << 16
_HTML_DOCUMENT = re.compile(r"\s*<(?:!DOCTYPE|html|head|body|meta)\b", re.IGNORECASE)
# Markup whose inside is no prose: comments, CDATA, <pre>, <code>, <script>, <style>
# (each scan stops at the first closer; an unclosed one runs to the end: linear).
_OPAQUE_HTML = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(pre|code|script|style)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_AROUND_HTML = (
    re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+\S", re.MULTILINE),  # - item, 1. item
    re.compile(r"\n[ \t]*\n[ \t]{0,3}[^<\s]"),  # a blank line, then text outside any tag
)
_WIKI_SIGNS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        r"^[ \t]*h[1-6]\. ",  # h1. heading
        r"^[ \t]*bq\. ",  # bq. quote
        r"\{(?:code|noformat|panel|quote)(?::[^{}\n]*)?\}",  # block macros
        r"\{color:[^{}\n]+\}",
        r"^[ \t]*\|\|[^|\n]+\|\|",  # ||header||row||
        r"\[[^\[\]|\n]+\|(?:https?|mailto|ftp)[^\[\]\n]*\]",  # [text|url]
        r"\[~(?:accountid:)?[^\[\]\s]+\]",  # [~mention]
        r"!\S+\.(?:png|jpe?g|gif|svg)(?:\|[^!\n]*)?!",  # !image.png!
    )
)
_MARKDOWN_SIGNS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        r"^#{1,6} ",  # # heading
        r"^[ \t]*(?:```|~~~)",  # fenced code
        r"\[[^\[\]\n]*\]\([^()\s]*\)",  # [text](url)
        r"\*\*[^*\n]+\*\*",  # **bold**
        r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|",  # | --- | table rule
        r"`[^`\n]+`",  # `code`
        r"^> ",  # > quote
    )
)
