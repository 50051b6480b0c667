"""ADF to HTML, for previews: every text and attribute value escaped, only safe link
targets emitted. What it writes reads back through ``adfkit.formats.html.reader``.
"""

from __future__ import annotations

import html as html_escape_module
from typing import TYPE_CHECKING, Any

from adfkit.formats.common import iso_day

if TYPE_CHECKING:
    from adfkit.document import Document

__all__ = ["to_html"]

Json = dict[str, Any]


def to_html(doc: Document) -> str:
    """A safe HTML rendering of a valid ADF document, for previews: every text and
    attribute value escaped, only safe link targets emitted. Headings, paragraphs,
    lists, task lists, quotes, code, rules, tables, images, expands and the text marks
    read back through ``from_html``.

    The walk is iterative (a stack of nodes to open and end tags to write), so a
    document of any depth renders, in time linear in its size."""
    from adfkit.document import as_json
    from adfkit.errors import InvalidDocument
    from adfkit.validator import iter_errors

    tree: Json = as_json(doc)  # a built node or a dict
    errors = list(iter_errors(tree))
    if errors:
        raise InvalidDocument(errors)
    return html_of(tree.get("content") or [])


def html_of(nodes: list[Json]) -> str:
    """The HTML of these nodes of a valid document."""
    out: list[str] = []
    # Items are nodes still to write, or the end tags of nodes already opened.
    stack: list[Json | str] = list(reversed(nodes))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        opening, closing, children = _tags(item)
        out.append(opening)
        if closing:
            stack.append(closing)
        stack.extend(reversed(children))
    return "".join(out)


def _e(text: object) -> str:
    return html_escape_module.escape(str(text), quote=True)


def _safe_href(url: str) -> str | None:
    from adfkit.validator import _url_problem

    return url if _url_problem(url) is None else None


_NO_CHILDREN: list[Json] = []
_WRAPPERS = {
    "paragraph": ("<p>", "</p>"),
    "bulletList": ("<ul>", "</ul>"),
    "listItem": ("<li>", "</li>"),
    "taskList": ('<ul class="task-list">', "</ul>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "table": ("<table><tbody>", "</tbody></table>"),
    "tableRow": ("<tr>", "</tr>"),
    "mediaSingle": ("<figure>", "</figure>"),
    "mediaGroup": ("<figure>", "</figure>"),
    "caption": ("<figcaption>", "</figcaption>"),
    "decisionList": ('<ul class="decision-list">', "</ul>"),
    "decisionItem": ("<li>", "</li>"),
    "layoutSection": ("<div>", "</div>"),
    "layoutColumn": ("<div>", "</div>"),
    "bodiedExtension": ("<div>", "</div>"),
    "bodiedSyncBlock": ("<div>", "</div>"),
}


def _tags(node: Json) -> tuple[str, str, list[Json]]:
    """A node's start tag (or its whole rendering, for a leaf), its end tag, and the
    children to write between them."""
    kind = node["type"]
    attrs = node.get("attrs") or {}
    children: list[Json] = node.get("content") or _NO_CHILDREN
    if kind in _WRAPPERS:
        opening, closing = _WRAPPERS[kind]
        return opening, closing, children
    leaf = _leaf(kind, node, attrs)
    if leaf is not None:
        return leaf, "", _NO_CHILDREN
    if kind == "heading":
        level = int(attrs["level"])
        return f"<h{level}>", f"</h{level}>", children
    if kind == "orderedList":
        start = attrs.get("order")
        opening = f'<ol start="{int(start)}">' if start not in (None, 1) else "<ol>"
        return opening, "</ol>", children
    if kind in ("taskItem", "blockTaskItem"):
        checked = " checked" if attrs.get("state") == "DONE" else ""
        return f'<li><input type="checkbox" disabled{checked}> ', "</li>", children
    if kind in ("tableCell", "tableHeader"):
        tag = "th" if kind == "tableHeader" else "td"
        return f"<{tag}{cell_attributes(node)}>", f"</{tag}>", children
    if kind in ("expand", "nestedExpand"):
        title = attrs.get("title")
        summary = f"<summary>{_e(title)}</summary>" if title else ""
        return f"<details>{summary}", "</details>", children
    if kind == "panel":
        panel_type = attrs.get("panelType", "info")
        return f'<div class="panel panel-{_e(panel_type)}" role="note">', "</div>", children
    return "", "", children  # extensions and the rest: their content, if any


def _leaf(kind: str, node: Json, attrs: Json) -> str | None:
    """The whole rendering of a node written without its children, else None."""
    if kind == "text":
        return _html_text(node)
    if kind == "hardBreak":
        return "<br>"
    if kind == "rule":
        return "<hr>"
    if kind == "codeBlock":
        code = "".join(_e(c.get("text", "")) for c in node.get("content") or [])
        language = attrs.get("language")
        css = f' class="language-{_e(language)}"' if language else ""
        return f"<pre><code{css}>{code}</code></pre>"
    if kind == "media":
        if attrs.get("type") == "external" and _safe_href(attrs.get("url", "")):
            image = f'<img src="{_e(attrs["url"])}" alt="{_e(attrs.get("alt", ""))}">'
            link = next((m for m in node.get("marks") or [] if m["type"] == "link"), None)
            return _linked(image, link)
        return f"<span>[file: {_e(attrs.get('alt') or attrs.get('id', ''))}]</span>"
    if kind == "mention":
        name = attrs.get("text") or "@" + str(attrs.get("id", ""))
        return f'<span class="mention">{_e(name)}</span>'
    if kind == "emoji":
        return _e(attrs.get("text") or attrs.get("shortName", ""))
    if kind == "date":
        return f"<time>{_e(iso_day(str(attrs.get('timestamp', ''))))}</time>"
    if kind == "status":
        colour, text = _e(attrs.get("color", "")), _e(attrs.get("text", ""))
        return f'<span class="status status-{colour}">{text}</span>'
    if kind in ("inlineCard", "blockCard", "embedCard"):
        url = attrs.get("url")
        if url and _safe_href(url):
            return f'<a href="{_e(url)}">{_e(url)}</a>'
        return ""
    if kind == "placeholder":
        return f'<span class="placeholder">{_e(attrs.get("text", ""))}</span>'
    return None


def cell_attributes(cell: Json) -> str:
    """A table cell's HTML attributes: its spans, and ``align`` when its paragraphs
    are all aligned alike (the attributes GitHub keeps; ``from_html`` and the Markdown
    reader put the alignment back on every paragraph)."""
    attrs = cell.get("attrs") or {}
    spans = "".join(
        f' {name}="{int(attrs[name])}"'
        for name in ("colspan", "rowspan")
        if attrs.get(name, 1) != 1
    )
    blocks: list[Json] = cell.get("content") or []
    aligns = {
        next((str(m["attrs"].get("align")) for m in marks if m["type"] == "alignment"), "")
        for block in blocks
        if block["type"] == "paragraph"
        for marks in [block.get("marks") or []]
    }
    align = {"center": "center", "end": "right"}.get(aligns.pop()) if len(aligns) == 1 else None
    return spans + (f' align="{align}"' if align else "")


def _linked(inner: str, link: Json | None) -> str:
    if link is None:
        return inner
    href = _safe_href(link["attrs"].get("href", ""))
    if href is None:
        return inner
    title = link["attrs"].get("title")
    title_attr = f' title="{_e(title)}"' if title else ""
    return f'<a href="{_e(href)}"{title_attr}>{inner}</a>'


def _html_text(node: Json) -> str:
    out = _e(node["text"])
    link: Json | None = None
    for mark in node.get("marks") or []:
        kind = mark["type"]
        attrs = mark.get("attrs") or {}
        if kind == "strong":
            out = f"<strong>{out}</strong>"
        elif kind == "em":
            out = f"<em>{out}</em>"
        elif kind == "underline":
            out = f"<u>{out}</u>"
        elif kind == "strike":
            out = f"<s>{out}</s>"
        elif kind == "code":
            out = f"<code>{out}</code>"
        elif kind == "subsup":
            tag = "sub" if attrs.get("type") == "sub" else "sup"
            out = f"<{tag}>{out}</{tag}>"
        elif kind == "textColor":
            out = f'<span style="color: {_e(attrs.get("color", ""))}">{out}</span>'
        elif kind == "backgroundColor":
            out = f'<span style="background-color: {_e(attrs.get("color", ""))}">{out}</span>'
        elif kind == "link":
            link = mark
    return _linked(out, link)
