"""Raw HTML inside Markdown, read the way GitHub renders it.

GitHub renders a comment's Markdown to HTML and then sanitises it: an allowlist of
elements and attributes survives (``<b>``, ``<sub>``, ``<kbd>``, ``<details>``,
``<img src>`` ...), comments, ``<script>``, ``<style>``, ``<iframe>``, ``style``,
``class`` and event-handler attributes do not, and an element off the list is removed
while its text stays. adfkit does the same in two steps: :func:`github_safe` rewrites
each tag to what GitHub's sanitiser keeps, and ``adfkit.from_html`` (its safe path:
no network, nothing executed, comments and scripts dropped) turns the result into ADF.
Keeping only what GitHub keeps is also what makes the Markdown round trip closed: every
mark the reader can produce here, the writer can write back.

The allowlist follows GitHub's documented sanitisation (github/markup, "HTML
sanitization"), restricted to what ADF can hold; every tag is looked at once, so the
work is linear in the fragment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "cell_attributes",
    "github_safe",
    "html_blocks",
    "opens_table",
    "structure_parts",
    "summary_title",
]

Json = dict[str, Any]

# Elements GitHub keeps (their attributes below); every other tag is removed and its text
# kept, except the ones whose content is not text (left for from_html to drop whole).
_KEPT = frozenset(
    {
        "a", "b", "i", "strong", "em", "code", "kbd", "samp", "tt", "var", "sub", "sup",
        "s", "strike", "del", "ins", "br", "hr", "p", "div", "span", "pre", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "img", "picture",
        "details", "summary", "q", "cite", "dfn", "abbr", "small", "mark", "figure",
        "figcaption", "section",
    }
)  # fmt: skip
# Elements that only style their text (each maps to a mark, never to a node).
_MARK_ONLY = frozenset(
    {"b", "i", "strong", "em", "code", "kbd", "samp", "tt", "var", "sub", "sup", "s",
     "strike", "del", "ins", "span", "small", "mark", "abbr", "cite", "dfn", "q"}
)  # fmt: skip
_CONTENT_DROPPED = frozenset(
    {"script", "style", "iframe", "noscript", "noembed", "noframes", "template", "xmp"}
)
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
}
# One tag: its name and attribute text. "[^<>]" keeps every scan inside one tag, so a
# run of unclosed "<a" costs linear time.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>|<(?![!?])")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# What holds no tags for these scans: comments (``<!-->`` is a whole one), CDATA, a
# processing instruction, and the raw-text elements whose content a browser never reads
# as markup (a script's "<table>" string opens no table). Each scan stops at the first
# closer, an unclosed one runs to the end: linear.
_OPAQUE = (
    r"<!--(?:-?>|.*?-->|.*\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?[^>]*(?:>|\Z)"
    r"|<(?P<raw>script|style|textarea|title|xmp)\b.*?(?:</(?P=raw)\s*>|\Z)"
)


def _tags(names: str) -> re.Pattern[str]:
    """A pattern for the opaque spans (no ``name`` group) and these tags: ``close``
    ("/" or ""), ``name``, ``attributes``. "[^<>]" keeps each try inside one tag."""
    return re.compile(
        _OPAQUE + rf"|<(?P<close>/?)(?P<name>{names})(?P<attributes>\s[^<>]*)?/?>",
        re.IGNORECASE | re.DOTALL,
    )


_DETAILS_TAGS = _tags("details|summary")
_TABLE_PARTS = "table|thead|tbody|tfoot|tr|td|th"
_STRUCTURE_TAGS = _tags(f"details|summary|{_TABLE_PARTS}")
_TABLE_STRUCTURE_TAGS = _tags(_TABLE_PARTS)
_TABLE_TAGS = _tags("table")
_RCDATA_OPEN = re.compile(r"<(?:textarea|title)\b", re.IGNORECASE)
_RCDATA = re.compile(
    r"<(?P<tag>textarea|title)\b[^<>]*>(?P<text>.*?)(?:</(?P=tag)\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_CDATA = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|$)", re.DOTALL)
_SPACES = re.compile(r"\s+")
_ANY_TAG = re.compile(r"<[^<>]*>")


def github_safe(fragment: str, *, details: bool = True) -> str:
    """``fragment`` with every tag as GitHub's sanitiser leaves it: kept elements with
    their allowed attributes only, other elements unwrapped. ``details=False`` unwraps
    ``<details>`` and ``<summary>`` too (their text stays)."""

    open_marks: dict[str, int] = {}

    def rewrite(match: re.Match[str]) -> str:
        if match.group(2) is None:
            return "&lt;"  # a "<" that starts no tag is text (a browser would drop it)
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if name in _CONTENT_DROPPED:
            return match.group(0)
        if name not in _KEPT or (not details and name in ("details", "summary")):
            return ""
        if name in _MARK_ONLY:
            # A style inside the same style adds nothing: only the outermost pair is
            # kept, so a run of unclosed <b> costs one mark, not one per tag.
            depth = open_marks.get(name, 0)
            if closing:
                open_marks[name] = max(depth - 1, 0)
                return "" if depth > 1 else f"</{name}>"
            open_marks[name] = depth + 1
            if depth:
                return ""
        if closing:
            return f"</{name}>"
        allowed = _ATTRIBUTES.get(name)
        kept: list[str] = []
        if allowed:
            for attribute in _ATTRIBUTE.finditer(rest):
                key = attribute.group(1).lower()
                if key in allowed and attribute.group(2) is not None:
                    value = attribute.group(2)
                    if value[:1] in ("'", '"'):
                        value = value[1:-1]
                    kept.append(f' {key}="{html.escape(html.unescape(value))}"')
        return f"<{name}{''.join(kept)}>"

    if "<" not in fragment:
        return fragment
    if "<![CDATA[" in fragment:
        # An HTML page reads CDATA as a comment: GitHub shows nothing of it.
        fragment = _CDATA.sub("", fragment)
    if _RCDATA_OPEN.search(fragment):
        # A textarea's or title's content is text to a browser, tags and all; GitHub
        # drops the element and shows that text.
        fragment = _RCDATA.sub(lambda m: m.group("text").replace("<", "&lt;"), fragment)
    return _TAG.sub(rewrite, fragment)


def html_blocks(fragment: str, *, details: bool = True) -> list[Json]:
    """The ADF blocks GitHub would show for an HTML fragment."""
    if not fragment.strip():
        return []
    from adfkit.formats.html.reader import from_html

    blocks: list[Json] = from_html(github_safe(fragment, details=details))["content"]
    return blocks


def structure_parts(
    raw: str, *, tables: bool = False, details: bool = True
) -> Iterator[tuple[str, str, str]]:
    """``raw`` cut at the tags of the containers that can hold Markdown between HTML
    blocks, in order: ``("open", name, attribute text)``, ``("close", name, "")``,
    ``("summary", "summary", inner HTML)`` and ``("html", "", other markup)``. The
    containers are ``<details>`` and, with ``tables``, a table's ``<table>``, ``<tr>``,
    ``<td>`` and ``<th>`` (GitHub renders ``<td>\n\n**Markdown**\n\n</td>``).
    Comments, CDATA and raw-text elements (``<script>``, ``<style>`` ...) are markup:
    a tag inside one is no tag. ``details=False`` leaves details tags in the markup.

    A ``<summary>`` without its end tag in ``raw`` is left in the markup (it is then
    only a wrapper, and its text is kept)."""
    pattern = _DETAILS_TAGS
    if tables:
        pattern = _STRUCTURE_TAGS if details else _TABLE_STRUCTURE_TAGS
    pos = 0
    summary_at: int | None = None
    summary_inner = 0
    for match in pattern.finditer(raw):
        if match.group("name") is None:
            continue  # a comment, CDATA or raw text
        closing, name = match.group("close"), match.group("name").lower()
        if summary_at is not None:
            if name == "summary" and closing:
                yield "summary", "summary", raw[summary_inner : match.start()]
                pos = match.end()
                summary_at = None
            continue  # tags inside a summary are the title's markup
        if name == "summary":
            if closing:
                continue
            if match.start() > pos:
                yield "html", "", raw[pos : match.start()]
            summary_at, summary_inner = match.start(), match.end()
            pos = match.start()
            continue
        if match.start() > pos:
            yield "html", "", raw[pos : match.start()]
        if name in ("thead", "tbody", "tfoot"):
            pass  # row groups: the rows are what counts
        elif closing:
            yield "close", name, ""
        else:
            yield "open", name, match.group("attributes") or ""
        pos = match.end()
    if pos < len(raw):
        yield "html", "", raw[pos:]


def opens_table(raw: str) -> bool:
    """Whether ``raw`` leaves a ``<table>`` open (its rows then hold Markdown)."""
    opened = closed = 0
    for match in _TABLE_TAGS.finditer(raw):
        if match.group("name") is None:
            continue  # a comment, CDATA or raw text
        if match.group("close"):
            closed += 1
        else:
            opened += 1
    return opened > closed


def cell_attributes(text: str) -> dict[str, str]:
    """A ``<td>``'s or ``<th>``'s attributes that GitHub keeps, lower-cased names."""
    out: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(text):
        key = attribute.group(1).lower()
        if key in _ATTRIBUTES["td"] and attribute.group(2) is not None:
            value = attribute.group(2)
            out[key] = html.unescape(value[1:-1] if value[:1] in ("'", '"') else value)
    return out


def summary_title(inner: str) -> str:
    """A summary's inner HTML as the plain one-line title an expand holds."""
    text = _ANY_TAG.sub("", inner) if "<" in inner else inner
    return _SPACES.sub(" ", html.unescape(text)).strip()
