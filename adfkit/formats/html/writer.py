"""ADF to HTML, for previews: every text and attribute value escaped, only safe link
targets emitted. What it writes reads back through ``adfkit.formats.html.reader``.
"""

from __future__ import annotations

import html as html_escape_module
from typing import Any

from adfkit.formats.common import iso_day

__all__ = ["to_html"]

Json = dict[str, Any]


def to_html(doc: Json) -> str:
    """A safe HTML rendering of a valid ADF document, for previews: every text and
    attribute value escaped, only safe link targets emitted. Headings, paragraphs,
    lists, task lists, quotes, code, rules, tables, images, expands and the text marks
    read back through ``from_html``."""
    from adfkit._deep import deep_safe, depth_of
    from adfkit.document import as_json
    from adfkit.errors import InvalidDocument
    from adfkit.validator import iter_errors

    doc = as_json(doc)  # a built node or a dict
    errors = list(iter_errors(doc))
    if errors:
        raise InvalidDocument(errors)
    return deep_safe(lambda: "".join(_html_blocks(doc.get("content", []))), depth_of(doc))


def _e(text: object) -> str:
    return html_escape_module.escape(str(text), quote=True)


def _safe_href(url: str) -> str | None:
    from adfkit.validator import _url_problem

    return url if _url_problem(url) is None else None


def _html_blocks(nodes: list[Json]) -> list[str]:
    return [_html_node(n) for n in nodes]


def _html_node(node: Json) -> str:
    kind = node["type"]
    attrs = node.get("attrs") or {}
    inner = "".join(_html_node(c) for c in node.get("content") or [])
    if kind == "text":
        return _html_text(node)
    if kind == "paragraph":
        return f"<p>{inner}</p>"
    if kind == "heading":
        return f"<h{int(attrs['level'])}>{inner}</h{int(attrs['level'])}>"
    if kind == "hardBreak":
        return "<br>"
    if kind == "bulletList":
        return f"<ul>{inner}</ul>"
    if kind == "orderedList":
        start = attrs.get("order")
        return (
            f'<ol start="{int(start)}">{inner}</ol>'
            if start not in (None, 1)
            else f"<ol>{inner}</ol>"
        )
    if kind == "listItem":
        return f"<li>{inner}</li>"
    if kind == "taskList":
        return f'<ul class="task-list">{inner}</ul>'
    if kind in ("taskItem", "blockTaskItem"):
        checked = " checked" if attrs.get("state") == "DONE" else ""
        return f'<li><input type="checkbox" disabled{checked}> {inner}</li>'
    if kind == "blockquote":
        return f"<blockquote>{inner}</blockquote>"
    if kind == "codeBlock":
        code = "".join(_e(c.get("text", "")) for c in node.get("content") or [])
        language = attrs.get("language")
        css = f' class="language-{_e(language)}"' if language else ""
        return f"<pre><code{css}>{code}</code></pre>"
    if kind == "rule":
        return "<hr>"
    if kind == "table":
        return f"<table><tbody>{inner}</tbody></table>"
    if kind == "tableRow":
        return f"<tr>{inner}</tr>"
    if kind in ("tableCell", "tableHeader"):
        tag = "th" if kind == "tableHeader" else "td"
        spans = "".join(
            f' {name}="{int(attrs[name])}"'
            for name in ("colspan", "rowspan")
            if attrs.get(name, 1) != 1
        )
        return f"<{tag}{spans}>{inner}</{tag}>"
    if kind in ("mediaSingle", "mediaGroup"):
        return f"<figure>{inner}</figure>"
    if kind == "media":
        if attrs.get("type") == "external" and _safe_href(attrs.get("url", "")):
            image = f'<img src="{_e(attrs["url"])}" alt="{_e(attrs.get("alt", ""))}">'
            link = next((m for m in node.get("marks") or [] if m["type"] == "link"), None)
            return _linked(image, link)
        return f"<span>[file: {_e(attrs.get('alt') or attrs.get('id', ''))}]</span>"
    if kind == "caption":
        return f"<figcaption>{inner}</figcaption>"
    if kind in ("expand", "nestedExpand"):
        title = attrs.get("title")
        summary = f"<summary>{_e(title)}</summary>" if title else ""
        return f"<details>{summary}{inner}</details>"
    if kind == "panel":
        panel_type = attrs.get("panelType", "info")
        return f'<div class="panel panel-{_e(panel_type)}" role="note">{inner}</div>'
    if kind == "decisionList":
        return f'<ul class="decision-list">{inner}</ul>'
    if kind == "decisionItem":
        return f"<li>{inner}</li>"
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
    if kind in ("layoutSection", "layoutColumn", "bodiedExtension", "bodiedSyncBlock"):
        return f"<div>{inner}</div>"
    return inner  # extensions and the rest: their content, if any


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
