"""HTML to ADF, safe on hostile input.

``from_html`` feeds lxml's HTML parser with a *target*: the parser calls back for each
start tag, text and end tag, and no tree is ever built. That keeps memory flat, lets any
nesting depth through (a 100,000-deep ``div`` nest included), and means the parser never
fetches anything (``no_network``) and expands no entities beyond HTML's own. Each element
maps to its natural ADF node or mark; wrappers (``div``, ``span`` ...) are transparent but
end a paragraph where a browser would; ``adfkit.repair`` then fits the result to what ADF
allows, as for Markdown. ``docs/html.md`` has the mapping, and what the habits of
Confluence (mentions, status lozenges, task lists), Google Docs and Word become.

Dropped, with nothing else lost: ``script``, ``style``, ``template``, ``head``, comments,
processing instructions, event-handler attributes (no attribute is copied unless mapped),
link targets with unsafe schemes (their text stays), the parts of an SVG drawing or a
MathML formula a browser does not draw (their ``<text>`` and tokens stay).

Linear in the input on any nesting and any repeated token: text comes in pieces that are
joined once, each depth's marks are kept beside the mark stack, and no step searches the
open elements. ``read_blocks`` counts the work done, for the tests that show it.
"""

from __future__ import annotations

import html as html_escape_module
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from adfkit.formats.html.formatting import balanced
from adfkit.repair import repair_document, text_of

__all__ = ["from_html"]

Json = dict[str, Any]

# Elements whose content is not page text.
_DROPPED = frozenset(
    {
        "script",
        "style",
        "template",
        # not "head": its own children (title, meta, script, style ...) are dropped one
        # by one, and libxml2 puts stray body content there (<script></script><td>x)
        "title",
        "meta",
        "link",
        "noscript",
        "ac:task-id",  # a Confluence task's number, not shown
        "iframe",
        "object",
        "annotation",  # MathML: a formula's source (TeX ...), not what is shown
        "annotation-xml",
        "canvas",
        "audio",
        "video",
        "select",
    }
)
# Elements that start and end a block, for paragraph breaks, though they map to nothing.
_BLOCK_WRAPPERS = frozenset(
    {
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "figure",
        "figcaption",
        "center",
        "address",
        "body",
        "html",
        "form",
        "fieldset",
        "dl",
        "dt",
        "dd",
        "hgroup",
        "caption",
    }
)
# Start tags that close an open <p> (HTML5 tree construction, "in body" insertion mode)
# and that adfkit maps to a block.
_CLOSES_P = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "menu", "dir", "li", "dl",
        "dd", "dt", "blockquote", "pre", "table", "hr", "details", "summary", "div",
        "section", "article", "main", "header", "footer", "nav", "aside", "figure",
        "figcaption", "center", "address", "form", "fieldset", "hgroup",
    }
)  # fmt: skip
_MARK_TAGS: Mapping[str, Json] = {
    "strong": {"type": "strong"},
    "b": {"type": "strong"},
    "em": {"type": "em"},
    "i": {"type": "em"},
    "cite": {"type": "em"},
    "dfn": {"type": "em"},
    "var": {"type": "em"},
    "u": {"type": "underline"},
    "ins": {"type": "underline"},
    "s": {"type": "strike"},
    "del": {"type": "strike"},
    "strike": {"type": "strike"},
    "code": {"type": "code"},
    "kbd": {"type": "code"},
    "samp": {"type": "code"},
    "tt": {"type": "code"},
    "sub": {"type": "subsup", "attrs": {"type": "sub"}},
    "sup": {"type": "subsup", "attrs": {"type": "sup"}},
}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SPACE = re.compile(r"[ \t\n\r\f]+")
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w#+.-]+)")
_NAMED_COLOURS = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "orange": "#ffa500", "purple": "#800080",
    "gray": "#808080", "grey": "#808080", "teal": "#008080", "navy": "#000080",
    "maroon": "#800000", "olive": "#808000", "lime": "#00ff00", "aqua": "#00ffff",
    "cyan": "#00ffff", "fuchsia": "#ff00ff", "magenta": "#ff00ff", "silver": "#c0c0c0",
}  # fmt: skip


@dataclass(slots=True)
class _Frame:
    """One open element: what it produced and what to undo when it closes."""

    tag: str
    node: Json | None = None  # the ADF node this element opened, if any
    marks: int = 0  # marks it pushed
    dropped: bool = False
    block: bool = False
    layout: bool = False  # a role="presentation" table
    table: bool = False  # a table (layout or not): its entry in ``_Builder.tables``
    svg: bool = False  # an entry in ``_Builder.svg_shown``
    capture: Json | None = None  # the mention or status whose text this element holds
    macro: dict[str, str] | None = None  # a Confluence macro's parameters, as read
    reopened: Json | None = None  # the list item a nested list reopened
    code: bool = False  # a Confluence code macro, read like <pre>


@dataclass
class _Builder:
    """The parser target: builds natural ADF from start/data/end events."""

    root: list[Json] = field(default_factory=list)
    containers: list[Json] = field(default_factory=list)  # open ADF block nodes
    frames: list[_Frame] = field(default_factory=list)
    marks: list[Json] = field(default_factory=list)
    # For each depth of ``marks``, the marks that apply there: one per type, the
    # innermost winning (a link inside a link, two colours). Kept beside the stack so
    # that a text node costs the few mark types, not the nesting depth.
    mark_sets: list[dict[str, Json]] = field(default_factory=list)
    # Text arrives in pieces (libxml2 calls back once per '<' it reads as text, and a
    # run of spans with the same marks makes one text node): pieces are collected and
    # joined once, never appended to a string that is rebuilt each time.
    pending: list[str] = field(default_factory=list)  # data not yet handled
    run_node: Json | None = None  # the text node growing by ``run``
    run: list[str] = field(default_factory=list)
    tables: list[bool] = field(default_factory=list)  # open tables: a layout table?
    summary_of: Json | None = None  # the expand whose <summary> is open
    # Inside an <svg> only the text of <text> elements (and of HTML in a
    # <foreignObject>) is drawn: whether text shows, for each open such element.
    svg_shown: list[bool] = field(default_factory=list)
    # The frame that opened each open block node (by id): an image that splits a
    # paragraph hands the frame the piece after it without a search through the frames.
    owner: dict[int, _Frame] = field(default_factory=dict)
    # Operations done: one per parser event, per step of every loop, per character of
    # every string joined. Tests read it to show that work grows linearly with the input.
    work: int = 0
    drop_depth: int = 0
    pre_depth: int = 0
    summary: list[Json] | None = None  # inline content of an open <summary>
    pre_start: bool = False
    # Word's clipboard lists: paragraphs styled "mso-list: l0 level2"; the open lists by
    # level, and the text of the fake marker being read.
    word_lists: list[tuple[str, int, Json]] = field(default_factory=list)
    word_marker: str | None = None
    word_new_list: Json | None = None
    # A Confluence macro parameter (or task status) being read: its name and pieces.
    parameter: list[str] | None = None
    parameter_name: str = ""
    macros: list[dict[str, str]] = field(default_factory=list)  # open macros' parameters
    captured: list[str] | None = None  # the text of an open mention or status
    layout_tables: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    # --- where content goes ------------------------------------------------------------

    def _content(self) -> list[Json]:
        return self.containers[-1].setdefault("content", []) if self.containers else self.root

    def _inline_target(self) -> list[Json]:
        """The list inline nodes go to: the open inline container, or a paragraph made
        on demand in the open block container."""
        if self.summary is not None:
            return self.summary
        if self.containers and self.containers[-1]["type"] in _INLINE_HOLDERS:
            holder: list[Json] = self.containers[-1].setdefault("content", [])
            return holder
        content = self._content()
        if not content or content[-1].get("type") != "paragraph" or not content[-1].get("__open"):
            content.append({"type": "paragraph", "content": [], "__open": True})
        return content[-1]["content"]  # type: ignore[no-any-return]

    def _end_paragraph(self) -> None:
        """A block boundary: the implicit paragraph, if any, ends; trailing space goes."""
        content = self._content() if self.summary is None else []
        if content and content[-1].get("__open"):
            del content[-1]["__open"]
            inline = content[-1]["content"]
            self._strip_trailing(inline)
            self.work += len(inline)
            # Nothing; or only line breaks after a block: Google Docs' <br> between
            # blocks, a contenteditable's <div><br></div>. They show as space, not as
            # content. (A fragment that is only a <br> stays a hard break.)
            if not inline or (
                len(content) > 1 and all(node.get("type") == "hardBreak" for node in inline)
            ):
                content.pop()

    def _in_layout(self) -> bool:
        """Whether the innermost open table is a layout table."""
        return bool(self.tables) and self.tables[-1]

    def _word_list_item(self, mso_list: str, frame: _Frame) -> None:
        """A Word list paragraph as a list item, nested by its level."""
        match = _WORD_LIST.search(mso_list)
        assert match is not None
        list_id, level = match.group(1), int(match.group(2))
        self._close_summary()
        self._end_paragraph()
        while self.word_lists and self.word_lists[-1][1] > level:
            self.word_lists.pop()
            self.work += 1
        top = self.word_lists[-1] if self.word_lists else None
        if top is not None and top[1] == level and top[0] == list_id:
            target = top[2]
            self.word_new_list = None
        else:
            target = {"type": "bulletList", "content": []}
            if top is not None and top[1] < level and top[2]["content"]:
                top[2]["content"][-1]["content"].append(target)  # under the item before
            else:
                self._content().append(target)
            self.word_lists.append((list_id, level, target))
            self.word_new_list = target
        paragraph: Json = {"type": "paragraph", "content": []}
        target["content"].append({"type": "listItem", "content": [paragraph]})
        self.containers.append(paragraph)
        self.owner[id(paragraph)] = frame
        frame.node = paragraph
        frame.block = True
        self.word_marker = None

    def _word_marker_read(self) -> None:
        """The first item's marker decides its list: "1." or "a)" is numbered."""
        marker = (self.word_marker or "").strip().replace("\xa0", "")
        self.word_marker = None
        new = self.word_new_list
        if new is None or not marker:
            return
        self.word_new_list = None
        numbered = re.fullmatch(r"\(?(\d{1,6}|[a-zA-Z]{1,4})[.)]", marker)
        if numbered:
            new["type"] = "orderedList"
            if numbered.group(1).isdigit() and int(numbered.group(1)) != 1:
                new["attrs"] = {"order": int(numbered.group(1))}

    def _close_summary(self) -> None:
        """An open ``<summary>`` ends at its end tag, or where a block starts inside it
        (unclosed or misnested markup): its text becomes the expand's title."""
        if self.summary is None:
            return
        self._settle()
        self.work += len(self.summary)
        expand, self.summary_of = self.summary_of, None
        title = _SPACE.sub(" ", text_of({"type": "paragraph", "content": self.summary})).strip()
        if expand is not None and title:
            expand["attrs"] = {"title": title}
        self.summary = None

    def _close_p_in_scope(self) -> None:
        """HTML5's "close a p element" for a block that starts inside an open ``<p>``.

        libxml2 closes the paragraph itself only when the ``<p>`` is the current element;
        with an inline element between (``<p>a <span><p>b``) it nests the new block in
        the paragraph. Browsers end the paragraph there, so adfkit does too: the ``<p>``
        frame stays (its end event will come) but no longer holds a node, and the
        inline frames above it keep their marks, as HTML5 reopens formatting elements.
        """
        if not self.containers or self.containers[-1]["type"] != "paragraph":
            return
        paragraph = self.containers[-1]
        frames = self.frames
        # Each inline frame between is passed once: the paragraph then leaves the
        # containers, so the next block does not come back here for it.
        for index in range(len(frames) - 2, -1, -1):  # the last frame is the new element's
            frame = frames[index]
            self.work += 1
            if frame.node is paragraph:
                if frame.tag != "p" or frame is self.frames[-2]:
                    return  # not a <p>, or libxml2 already closes it itself
                self._strip_trailing(paragraph.get("content", []))
                self.containers.pop()
                self.owner.pop(id(paragraph), None)
                frame.node = None
                frame.block = False
                return
            if frame.node is not None or frame.block or frame.dropped:
                return  # another block lies between: not this rule's case

    def _open_block(self, node: Json, frame: _Frame) -> None:
        self._close_summary()
        self._end_paragraph()
        self._content().append(node)
        self.containers.append(node)
        self.owner[id(node)] = frame
        frame.node = node
        frame.block = True

    # --- parser target interface -------------------------------------------------------

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if self.pending:
            self._flush()
        self.work += 1 + len(attrib)
        # lxml's attribute mapping answers a missing key by raising and catching
        # KeyError inside .get: a plain dict, made once, is several times cheaper.
        attrib = dict(attrib) if attrib else _NO_ATTRIBUTES
        tag = tag.lower() if isinstance(tag, str) else ""
        frame = _Frame(tag)
        self.frames.append(frame)
        style = _style(attrib)
        if self.drop_depth or tag in _DROPPED or _hidden(style):
            frame.dropped = True
            self.drop_depth += 1
            if style.get("mso-list") == "ignore" and self.word_marker is None:
                self.word_marker = ""
            return
        if tag in _BLOCK_TAGS and not (tag == "p" and "mso-list" in style):
            self.word_lists.clear()  # any other block ends Word's list
        if tag in _CLOSES_P:
            self._close_p_in_scope()
        if tag == "table":
            frame.table = True
            self.tables.append((attrib.get("role") or "").lower() == "presentation")
        if tag == "table" and self.tables[-1]:
            # A layout table (e-mail): it and its rows and cells are only boxes.
            self.layout_tables += 1
            frame.layout = True
            tag = "div"
        elif self.layout_tables and tag in _TABLE_PARTS and self._in_layout():
            tag = "div"
        if tag == "ac:structured-macro":
            name = (attrib.get("ac:name") or "").lower()
            if name in _CONFLUENCE_PANELS:
                macro: Json = {
                    "type": "panel",
                    "attrs": {"panelType": _CONFLUENCE_PANELS[name]},
                    "content": [],
                }
                self._open_block(macro, frame)
                return
            if name in ("code", "noformat"):
                self._open_block({"type": "codeBlock", "content": []}, frame)
                self.pre_depth += 1
                frame.code = True
                return
            if name == "status":
                frame.macro = {}
                self.macros.append(frame.macro)
                return
        if tag in ("ac:parameter", "ac:task-status"):
            # A macro's parameter is not page text: it is read for its macro (a code
            # block's language, a status's colour and title, a task's state).
            frame.dropped = True
            self.drop_depth += 1
            self.parameter = []
            self.parameter_name = (attrib.get("ac:name") or tag).lower()
            return
        if (
            attrib
            and _MAY_BE_INLINE_MACRO.intersection(attrib)
            and self._confluence_inline(tag, attrib, frame)
        ):
            return
        panel = _panel_type(attrib)
        if panel is not None:
            self._open_block({"type": "panel", "attrs": {"panelType": panel}, "content": []}, frame)
            return
        if tag in ("ul", "ol") and self.containers and self.containers[-1]["type"] in _LISTS:
            # A list straight inside a list (Google Docs writes nesting this way) belongs
            # to the item before it, where browsers show it.
            parent_list = self.containers[-1]
            items = parent_list.setdefault("content", [])
            if not items or items[-1].get("type") != "listItem":
                items.append({"type": "listItem", "content": []})
            self.containers.append(items[-1])
            frame.reopened = items[-1]
        if (tag in _SVG_TEXT and self.svg_shown) or (tag == "svg" and not self.svg_shown):
            frame.svg = True
            self.svg_shown.append(tag != "svg")
            if tag == "text":
                self._text(" ")  # one drawn label apart from the next
        if tag in _HEADINGS:
            self._open_block(
                {"type": "heading", "attrs": {"level": _HEADINGS[tag]}, "content": []}, frame
            )
        elif tag == "p" and _WORD_LIST.search(style.get("mso-list", "")):
            self._word_list_item(style["mso-list"], frame)
        elif tag == "p":
            self._open_block({"type": "paragraph", "content": []}, frame)
        elif tag in ("ul", "ol", "menu", "dir"):
            node: Json = {"type": "orderedList" if tag == "ol" else "bulletList", "content": []}
            start = _integer(attrib.get("start"))
            if tag == "ol" and start is not None and start != 1 and start >= 0:
                node["attrs"] = {"order": start}
            self._open_block(node, frame)
        elif tag == "li":
            item: Json = {"type": "listItem", "content": []}
            if "data-inline-task-id" in attrib:  # a Confluence page's task
                classes = (attrib.get("class") or "").split()
                item["__task"] = "DONE" if "checked" in classes else "TODO"
            self._open_block(item, frame)
        elif tag == "ac:task-list":
            self._open_block({"type": "bulletList", "content": []}, frame)
        elif tag == "ac:task":  # its state comes with <ac:task-status>
            self._open_block({"type": "listItem", "content": [], "__task": "TODO"}, frame)
        elif tag == "blockquote":
            self._open_block({"type": "blockquote", "content": []}, frame)
        elif tag == "pre":
            node = {"type": "codeBlock", "content": []}
            language = _language(attrib)
            if language:
                node["attrs"] = {"language": language}
            self._open_block(node, frame)
            self.pre_depth += 1
            self.pre_start = True
        elif tag == "hr":
            self._end_paragraph()
            self._content().append({"type": "rule"})
        elif tag == "br":
            if self.pre_depth:
                self._text("\n")
            else:
                target = self._inline_target()
                self._strip_trailing(target)
                target.append({"type": "hardBreak"})
        elif tag == "table":
            self._open_block({"type": "table", "content": []}, frame)
        elif tag == "tr":
            self._open_block({"type": "tableRow", "content": []}, frame)
        elif tag in ("td", "th"):
            node = {"type": "tableHeader" if tag == "th" else "tableCell", "content": []}
            attrs: Json = {}
            for name in ("colspan", "rowspan"):
                value = _integer(attrib.get(name))
                if value is not None and value > 1:
                    attrs[name] = min(value, 1000)
            shade = _colour(style.get("background-color") or attrib.get("bgcolor"))
            if shade is not None and shade != "#ffffff":
                attrs["background"] = shade  # a cell's shading is the cell's, not a mark
            if attrs:
                node["attrs"] = attrs
            align = (attrib.get("align") or style.get("text-align") or "").lower()
            if align in ("center", "right", "end"):
                node["__align"] = "center" if align == "center" else "end"
            self._open_block(node, frame)
        elif tag == "img":
            self._image(attrib)
        elif tag == "details":
            self._open_block({"type": "expand", "content": []}, frame)
        elif tag == "summary" and self.containers and self.containers[-1]["type"] == "expand":
            self._close_summary()
            self._end_paragraph()
            self.summary = []
            self.summary_of = self.containers[-1]
        elif tag == "input" and attrib.get("type", "").lower() == "checkbox":
            self._checkbox(attrib)
        elif tag in _BLOCK_WRAPPERS:
            self._end_paragraph()
            frame.block = True
        if tag == "code" and self.pre_depth:
            language = _language(attrib)
            code = self.containers[-1] if self.containers else None
            if (
                language
                and code is not None
                and code["type"] == "codeBlock"
                and "attrs" not in code
            ):
                code["attrs"] = {"language": language}
            return
        marks = _marks_of(tag, attrib, inline=tag not in _BLOCK_TAGS)
        if tag in ("b", "strong") and style.get("font-weight", "") in ("normal", "400"):
            # Google Docs wraps a whole clipboard fragment in <b style="font-weight:normal">.
            marks = marks[1:]
        if marks and (tag == "a" or (self.mark_sets and "link" in self.mark_sets[-1])):
            # A link's own look (underlined, in the link colour: Docs and Word spell it
            # out in spans) is what ADF's link mark shows already.
            marks = [m for m in marks if not _link_style(m)]
        for mark in marks:
            self._push_mark(mark)
            frame.marks += 1

    def _confluence_inline(self, tag: str, attrib: Mapping[str, str], frame: _Frame) -> bool:
        """Confluence's inline macros, each read whole: a user mention (a page's
        ``data-account-id``, storage format's ``<ac:link><ri:user ri:account-id>``) and
        a status lozenge (a page's ``span.status-macro``). Their text becomes the
        node's, once the element ends."""
        node: Json
        holder = frame
        account = (attrib.get("data-account-id") or attrib.get("ri:account-id") or "").strip()
        if account:
            node = {"type": "mention", "attrs": {"id": account}}
            if tag == "ri:user" and len(self.frames) > 1 and self.frames[-2].tag == "ac:link":
                holder = self.frames[-2]  # the link's body, if any, is the name shown
                holder.dropped = True
                self.drop_depth += 1
        elif "class" in attrib and _LOZENGE.intersection((attrib.get("class") or "").split()):
            colour = next(
                (
                    _LOZENGE_COLOURS[c]
                    for c in (attrib.get("class") or "").split()
                    if c in _LOZENGE_COLOURS
                ),
                "neutral",
            )
            node = {"type": "status", "attrs": {"text": "", "color": colour}}
        else:
            return False
        self._inline_target().append(node)
        frame.dropped = True
        self.drop_depth += 1
        holder.capture = node
        self.captured = []
        return True

    def _captured(self, node: Json) -> None:
        """A mention's or status's element has ended: its text is the node's."""
        text = _SPACE.sub(" ", "".join(self.captured or [])).strip()
        self.captured = None
        self.work += len(text)
        if node["type"] == "mention":
            if text:
                node["attrs"]["text"] = text if text.startswith("@") else "@" + text
        elif text:
            node["attrs"]["text"] = text
        else:  # a lozenge that shows no text: nothing to keep
            target = self._inline_target()
            if target and target[-1] is node:
                target.pop()

    def _parameter_read(self) -> None:
        """A macro parameter has ended: it goes to its macro."""
        value = "".join(self.parameter or []).strip()
        self.parameter = None
        self.work += len(value)
        name = self.parameter_name
        block = self.containers[-1] if self.containers else None
        if name == "language" and len(value) <= _SHORT and block is not None:
            if value and block["type"] == "codeBlock":
                block["attrs"] = {"language": value}
        elif name == "ac:task-status" and block is not None and block["type"] == "listItem":
            block["__task"] = "DONE" if value.lower() == "complete" else "TODO"
        elif self.macros:
            self.macros[-1][name] = value

    def _status_macro(self, parameters: dict[str, str]) -> None:
        """A storage-format status macro, at its end: a status node with its colour
        (grey is ADF's neutral) and title; one with no title shows no text and is not
        kept."""
        title = _SPACE.sub(" ", parameters.get("title", "")).strip()
        if not title:
            return
        colour = parameters.get("colour") or parameters.get("color") or ""
        status = {
            "type": "status",
            "attrs": {"text": title, "color": _STATUS_COLOURS.get(colour.lower(), "neutral")},
        }
        self._inline_target().append(status)

    def _push_mark(self, mark: Json) -> None:
        applied = dict(self.mark_sets[-1]) if self.mark_sets else {}
        applied[mark["type"]] = mark
        self.marks.append(mark)
        self.mark_sets.append(applied)

    def end(self, tag: str) -> None:
        if self.pending:
            self._flush()
        self.work += 1 + self.frames[-1].marks if self.frames else 1
        if not self.frames:
            return
        frame = self.frames.pop()
        if frame.dropped:
            self.drop_depth -= 1
            if self.drop_depth == 0 and self.word_marker is not None:
                self._word_marker_read()
            if self.drop_depth == 0 and self.parameter is not None:
                self._parameter_read()
            if frame.capture is not None:
                self._captured(frame.capture)
            return
        if frame.svg:
            self.svg_shown.pop()
        if frame.layout:
            self.layout_tables -= 1
        for _ in range(frame.marks):
            self.marks.pop()
            self.mark_sets.pop()
        if frame.table:
            self.tables.pop()
        if frame.macro is not None:
            self.macros.pop()
            self._status_macro(frame.macro)
        if frame.tag == "summary" and self.summary is not None:
            self._close_summary()
            return
        if frame.tag == "pre" or frame.code:
            self.pre_depth -= 1
            self._settle()
            code = frame.node.get("content", []) if frame.node is not None else []
            if code and code[-1].get("type") == "text" and code[-1]["text"].endswith("\n"):
                code[-1]["text"] = code[-1]["text"][:-1]
                if not code[-1]["text"]:
                    code.pop()
        if frame.block:
            self._end_paragraph()
        if frame.node is not None:
            self.owner.pop(id(frame.node), None)
            if frame.node["type"] in _INLINE_HOLDERS and frame.node["type"] != "codeBlock":
                self._strip_trailing(frame.node.get("content", []))
            while self.containers and self.containers[-1] is not frame.node:
                self.containers.pop()
                self.work += 1
            if self.containers:
                self.containers.pop()
            if (
                frame.reopened is not None
                and self.containers
                and self.containers[-1] is frame.reopened
            ):
                self.containers.pop()
            if frame.node.pop("__split", False) and not frame.node.get("content"):
                siblings = self._content()
                if siblings and siblings[-1] is frame.node:
                    siblings.pop()  # the piece after an image, left empty
            self._finish(frame.node)

    def data(self, text: str) -> None:
        self.work += 1
        self.pending.append(text)

    def _flush(self) -> None:
        """Handle the text read since the last tag, as one piece."""
        if not self.pending:
            return
        text = self.pending[0] if len(self.pending) == 1 else "".join(self.pending)
        self.pending.clear()
        self.work += len(text)
        # Word's fake list marker is short: what is read of it is capped, so a hostile
        # marker cannot make the string grow without end.
        if self.drop_depth and self.parameter is not None:
            self.parameter.append(text)
            return
        if self.drop_depth and self.captured is not None:
            self.captured.append(text)
            return
        if self.drop_depth:
            if self.word_marker is not None:  # Word's fake bullet or number: the list type
                self.word_marker = (self.word_marker + text[:_SHORT])[: _SHORT + 1]
            return
        self._text(text)

    def comment(self, text: str) -> None:  # comments are not content
        return

    def pi(self, target: str, data: str) -> None:  # nor are processing instructions
        return

    def close(self) -> list[Json]:
        self._flush()
        while self.frames:
            self.end(self.frames[-1].tag)
        self._close_summary()
        self._end_paragraph()
        self._settle()
        return self.root

    # --- content -------------------------------------------------------------------------

    def _text(self, text: str) -> None:
        if not text or (self.svg_shown and not self.svg_shown[-1]):
            return
        if self.pre_depth:
            if self.pre_start:
                self.pre_start = False
                if text.startswith("\r\n"):
                    text = text[2:]
                elif text.startswith("\n"):
                    text = text[1:]
                if not text:
                    return
            target = self._inline_target()
            if target and target[-1].get("type") == "text" and "marks" not in target[-1]:
                self._extend(target[-1], text)
            else:
                target.append({"type": "text", "text": text})
            return
        collapsed = _SPACE.sub(" ", text)
        target = self._inline_target()
        # Whitespace as a browser renders it: runs collapse, and none at a line start.
        at_start = not target or target[-1].get("type") in ("hardBreak", "mediaSingle")
        if collapsed.startswith(" ") and (at_start or self._ends_in_space(target)):
            collapsed = collapsed[1:]
        if not collapsed:
            return
        node: Json = {"type": "text", "text": collapsed}
        self.work += len(text)
        if self.mark_sets:
            node["marks"] = [dict(m) for m in self.mark_sets[-1].values()]
            self.work += len(node["marks"])
        last = target[-1] if target else None
        if (
            last is not None
            and last.get("type") == "text"
            and last.get("marks") == node.get("marks")
        ):
            self._extend(last, collapsed)  # adjacent runs with the same marks are one text
        else:
            target.append(node)

    def _extend(self, node: Json, text: str) -> None:
        """Add ``text`` to the text ``node``: collected, joined by ``_settle``."""
        if node is not self.run_node:
            self._settle()
            self.run_node = node
            self.run.append(node["text"])
        self.run.append(text)
        self.work += 1

    def _settle(self) -> None:
        """Join the growing text node's pieces: before anything reads its text."""
        if self.run_node is not None:
            self.run_node["text"] = "".join(self.run)
            self.work += len(self.run_node["text"])
            self.run_node = None
            self.run.clear()

    def _ends_in_space(self, target: list[Json]) -> bool:
        last = target[-1] if target else None
        if last is None or last.get("type") != "text":
            return False
        text: str = self.run[-1] if last is self.run_node else last["text"]
        return text.endswith(" ")

    def _strip_trailing(self, content: list[Json]) -> None:
        """Drop the spaces that end ``content`` (a line's end shows none)."""
        if self.run_node is not None:
            self._settle()
        self.work += _strip_trailing_space(content)

    def _image(self, attrib: Mapping[str, str]) -> None:
        from adfkit.validator import _url_problem

        src = (attrib.get("src") or "").strip()
        alt = _SPACE.sub(" ", attrib.get("alt") or "").strip()
        if not src.lower().startswith(("http://", "https://")) or _url_problem(src) is not None:
            if alt:  # data: and script URLs are not carried; the description is
                self._text(alt)
            return
        media: Json = {"type": "media", "attrs": {"type": "external", "url": src}}
        if alt:
            media["attrs"]["alt"] = alt
        link = self.mark_sets[-1].get("link") if self.mark_sets else None
        if link is not None:
            media["marks"] = [dict(link)]
        image = {"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [media]}
        self._place_image(image)

    def _place_image(self, image: Json) -> None:
        """An image stands between paragraphs in ADF: the paragraph it appears in is
        split around it here, while building, so most pages need no repair."""
        top = self.containers[-1] if self.containers else None
        if self.summary is not None or (
            top is not None and top["type"] in ("heading", "codeBlock")
        ):
            self._inline_target().append(image)  # the repair step makes it text there
            return
        if top is not None and top["type"] == "paragraph":
            self._strip_trailing(top.get("content", []))
            self.containers.pop()
            content = self._content()
            if not top.get("content") and content and content[-1] is top:
                content.pop()
            content.append(image)
            rest: Json = {"type": "paragraph", "content": [], "__split": True}
            content.append(rest)
            self.containers.append(rest)
            frame = self.owner.pop(id(top), None)
            if frame is not None:
                frame.node = rest
                self.owner[id(rest)] = frame
            return
        self._end_paragraph()
        self._content().append(image)

    def _checkbox(self, attrib: Mapping[str, str]) -> None:
        item = self.containers[-1] if self.containers else None
        if item is not None and item["type"] == "listItem" and _starts_empty(item):
            item["__task"] = "DONE" if "checked" in attrib else "TODO"

    def _next_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{kind}-{self.counters[kind]}"

    def _finish(self, node: Json) -> None:
        """Last touches once an element closes: a cell's alignment on its paragraphs; a
        list whose items are all checkbox items becomes a task list."""
        align = node.pop("__align", None)
        if align is not None:
            for child in node.get("content", []):
                if child.get("type") == "paragraph":
                    child["marks"] = [{"type": "alignment", "attrs": {"align": align}}]
        if node["type"] not in ("bulletList", "orderedList"):
            return
        items = node.get("content", [])
        self.work += len(items)
        if not items or not all(i.get("type") == "listItem" and "__task" in i for i in items):
            for item in items:
                item.pop("__task", None)
            return
        node["type"] = "taskList"
        node["attrs"] = {"localId": self._next_id("task-list")}
        tasks: list[Json] = []
        for item in items:
            state = item.pop("__task")
            blocks = item.get("content", [])
            first = blocks.pop(0)["content"] if blocks and blocks[0]["type"] == "paragraph" else []
            tasks.append(
                {
                    "type": "taskItem",
                    "attrs": {"localId": self._next_id("task"), "state": state},
                    "content": first,
                }
            )
            tasks.extend(blocks)
        node["content"] = tasks


_SVG_TEXT = frozenset({"text", "foreignobject"})
# Attributes without which an element is no Confluence mention or status lozenge.
_MAY_BE_INLINE_MACRO = frozenset({"data-account-id", "ri:account-id", "class"})
# Confluence's status lozenges: the classes that make one, and the colour each gives.
_LOZENGE_COLOURS = {
    "aui-lozenge-success": "green",
    "aui-lozenge-error": "red",
    "aui-lozenge-current": "yellow",
    "aui-lozenge-complete": "blue",
    "aui-lozenge-progress": "purple",
    "aui-lozenge-moved": "purple",
}
_LOZENGE = frozenset({"status-macro", "aui-lozenge"})
_STATUS_COLOURS = {
    "grey": "neutral",
    "gray": "neutral",
    "red": "red",
    "yellow": "yellow",
    "green": "green",
    "blue": "blue",
    "purple": "purple",
}
_SHORT = 64  # longest macro language or list marker read
_INLINE_HOLDERS = frozenset({"paragraph", "heading", "codeBlock"})
_LISTS = frozenset({"bulletList", "orderedList"})
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot"})
_WORD_LIST = re.compile(r"\b(l\d+)\s+level(\d+)")
_BLOCK_TAGS = _BLOCK_WRAPPERS | frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "blockquote",
        "pre",
        "details",
    }
)
_CONFLUENCE_PANELS = {
    "information": "info",
    "info": "info",
    "note": "note",
    "tip": "tip",
    "warning": "warning",
    "success": "success",
    "error": "error",
}


def _hidden(style: Mapping[str, str]) -> bool:
    """Content a browser does not show: ``display:none``, and Word's list markers
    (``mso-list:Ignore``, the fake bullets of its clipboard HTML)."""
    return style.get("display") == "none" or style.get("mso-list") == "ignore"


def _panel_type(attrib: Mapping[str, str]) -> str | None:
    """The panel a Confluence page's info macro stands for (``div.confluence-
    information-macro-note`` ...), if it is one."""
    classes = (attrib.get("class") or "").split()
    if "confluence-information-macro" not in classes:
        return None
    for css in classes:
        if css.startswith("confluence-information-macro-"):
            kind = css.removeprefix("confluence-information-macro-")
            if kind in _CONFLUENCE_PANELS:
                return _CONFLUENCE_PANELS[kind]
    return "info"


# Colours editors and browsers give links by default (Google Docs, Word, Chrome/Firefox,
# visited links): inside a link they are its look, not a colour the author chose.
_LINK_COLOURS = frozenset(
    {"#1155cc", "#0563c1", "#467886", "#954f72", "#0000ee", "#0000ff", "#551a8b", "#1a0dab"}
)


def _link_style(mark: Json) -> bool:
    """Whether ``mark``, inside a link, is only the link's default look."""
    if mark["type"] == "underline":
        return True
    return mark["type"] == "textColor" and mark["attrs"]["color"] in _LINK_COLOURS


def _starts_empty(item: Json) -> bool:
    """Whether a list item holds nothing yet but blank text: a checkbox there is its
    task box. Looks at a bounded part of the item, so a checkbox costs the same in a
    long item."""
    blocks = item.get("content") or []
    if not blocks:
        return True
    if len(blocks) > 1 or blocks[0].get("type") != "paragraph":
        return False
    inline = blocks[0].get("content") or []
    return len(inline) <= 1 and all(
        n.get("type") == "text" and not n["text"].strip() for n in inline
    )


def _strip_trailing_space(content: list[Json]) -> int:
    """Drop the spaces ending ``content``; returns the nodes looked at."""
    steps = 1
    while content and content[-1].get("type") == "text" and content[-1]["text"].endswith(" "):
        stripped = content[-1]["text"].rstrip(" ")
        if stripped:
            content[-1] = {**content[-1], "text": stripped}
            return steps
        content.pop()
        steps += 1
    return steps


def _integer(value: str | None) -> int | None:
    """An attribute's whole number (``start``, ``colspan``), None when it is not one;
    read without raising, since most elements lack the attribute, and capped, since
    ``int`` of a long run of digits is slow and refused."""
    match = _INTEGER.fullmatch(value.strip()) if value else None
    if match is None:
        return None
    digits = match.group(2)
    number = int(digits) if len(digits) <= 9 else 999_999_999
    return -number if match.group(1) == "-" else number


_INTEGER = re.compile(r"([+-]?)(\d+)", re.ASCII)


def _language(attrib: Mapping[str, str]) -> str | None:
    match = _LANGUAGE.search(attrib.get("class") or "")
    if match:
        return match.group(1)
    brush = re.search(r"brush:\s*([\w#+.-]+)", attrib.get("data-syntaxhighlighter-params") or "")
    return brush.group(1) if brush else None


_NO_ATTRIBUTES: Mapping[str, str] = {}


def _style(attrib: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    css = attrib.get("style")
    if not css:
        return out
    for part in css.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip().lower()
    return out


def _marks_of(tag: str, attrib: Mapping[str, str], *, inline: bool = True) -> list[Json]:
    """The marks an element applies: its tag's, its link's, and those of the inline
    styles clipboard HTML uses instead of tags (Google Docs, Word)."""
    marks: list[Json] = []
    if tag in _MARK_TAGS:
        marks.append(dict(_MARK_TAGS[tag]))
    if tag == "a":
        from adfkit.validator import _url_problem

        href = (attrib.get("href") or "").strip()
        if href and _url_problem(href) is None:
            link: Json = {"type": "link", "attrs": {"href": href}}
            title = (attrib.get("title") or "").strip()
            if title:
                link["attrs"]["title"] = title
            marks.append(link)
    if tag == "font" and _monospace(attrib.get("face")):
        marks.append({"type": "code"})
    style = _style(attrib)
    if not style:
        return marks
    if _monospace(style.get("font-family")):
        marks.append({"type": "code"})
    weight = style.get("font-weight", "")
    if weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600):
        marks.append({"type": "strong"})
    if style.get("font-style") in ("italic", "oblique"):
        marks.append({"type": "em"})
    decoration = style.get("text-decoration", "") + " " + style.get("text-decoration-line", "")
    if "underline" in decoration:
        marks.append({"type": "underline"})
    if "line-through" in decoration:
        marks.append({"type": "strike"})
    align = style.get("vertical-align")
    if align in ("sub", "super"):
        marks.append({"type": "subsup", "attrs": {"type": "sub" if align == "sub" else "sup"}})
    colour = _colour(style.get("color"))
    if colour is not None and colour not in ("#000000", "#ffffff"):  # page defaults
        marks.append({"type": "textColor", "attrs": {"color": colour}})
    background = _colour(style.get("background-color") or style.get("background"))
    # A block's background is its box's (an e-mail's grey body, a cell's shading), not
    # a highlight on each word: only inline elements give backgroundColor.
    if inline and background is not None and background != "#ffffff":
        marks.append({"type": "backgroundColor", "attrs": {"color": background}})
    return marks


_MONOSPACE = re.compile(
    r"\bmono(?:space)?\b|courier|consol|menlo|monaco|inconsolata|source code|fira code"
    r"|cascadia|\bhack\b",
    re.IGNORECASE,
)


def _monospace(families: str | None) -> bool:
    """Whether a CSS font-family list asks for a monospace font first (Google Docs'
    and Word's inline code: ``'Courier New'``, Consolas, ``Roboto Mono``,
    ``monospace`` ...)."""
    if not families:
        return False
    first = families.split(",", 1)[0].strip().strip("'\"")
    return _MONOSPACE.search(first) is not None


def _colour(value: str | None) -> str | None:
    """A CSS colour as ADF's ``#rrggbb``, or None when it is not a plain colour."""
    if not value:
        return None
    value = value.strip().lower()
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return value
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    match = re.fullmatch(
        r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)", value
    )
    if match:
        if match.group(4) is not None and float(match.group(4)) < 1:
            return None  # translucent: not a colour ADF can hold
        r, g, b = (min(int(match.group(n)), 255) for n in (1, 2, 3))
        return f"#{r:02x}{g:02x}{b:02x}"
    return None


def _strip_private(nodes: list[Json]) -> int:
    """Remove the builder's own keys; returns the nodes visited."""
    stack = list(nodes)
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        node.pop("__open", None)
        node.pop("__task", None)
        node.pop("__split", None)  # a piece between two images of one paragraph
        stack.extend(c for c in node.get("content") or [] if isinstance(c, dict))
    return visited


def from_html(markup: str | bytes) -> Json:
    """Convert HTML (a fragment or a whole document; ``bytes`` in any encoding it
    declares, UTF-8 otherwise) to a valid ADF document (a JSON-ready dict).

    Never raises on any input and never touches the network; the result always passes
    ``adfkit.validate`` and keeps the text of every element that shows text.
    """
    if not isinstance(markup, str | bytes):
        raise TypeError(f"from_html() takes str or bytes, not {type(markup).__name__}")
    blocks, _ = read_blocks(markup)
    natural = {"type": "doc", "version": 1, "content": blocks}
    from adfkit.validator import is_valid

    if is_valid(natural):
        return natural
    repaired = repair_document(blocks)
    if is_valid(repaired):
        return repaired
    text = text_of(natural)  # a repair bug must not cost the user their text
    return repair_document([{"type": "paragraph", "content": [{"type": "text", "text": text}]}])


def read_blocks(markup: str | bytes) -> tuple[list[Json], int]:
    """The natural ADF blocks of ``markup``, before repair, and the work it took
    (characters scanned and joined, parser events, loop steps): what ``from_html``
    builds on, and what the linearity tests count."""
    from lxml import etree  # imported on first use: `adfkit validate` never pays for it

    builder = _Builder()
    if isinstance(markup, bytes):
        markup = _decoded(markup)
    markup = _word_markers(_cdata_as_text(markup))
    if isinstance(markup, str):
        markup = _UNENCODABLE.sub("\ufffd", markup)
        markup, scanned = balanced(markup)
    else:
        # Undecoded bytes in a declared ASCII-compatible charset: Latin-1 maps each byte
        # to one character and back, so the tags are found and the rest passes untouched.
        text, scanned = balanced(markup.decode("latin-1"))
        markup = text.encode("latin-1")
    if not markup.strip():
        return [], scanned
    parser = etree.HTMLParser(
        target=builder,
        no_network=True,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
        default_doctype=False,
    )
    try:
        parser.feed(markup)
        blocks: list[Json] = parser.close()
    except etree.LxmlError:
        blocks = builder.close()
    return blocks, scanned + builder.work + _strip_private(blocks)


_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")
_DECLARED = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)


def _cdata_as_text(markup: str | bytes) -> str | bytes:
    """``<![CDATA[...]]>`` as escaped text: lxml's HTML parser drops CDATA sections, and
    Confluence's storage format keeps code and link text in them."""
    if isinstance(markup, str):
        return _sections(markup, "<![CDATA[", "]]>", _escape_text)
    return _sections(markup, b"<![CDATA[", b"]]>", _escape_bytes)


def _escape_text(text: str) -> str:
    return html_escape_module.escape(text, quote=False)


def _escape_bytes(data: bytes) -> bytes:
    return data.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


_S = TypeVar("_S", str, bytes)


def _sections(markup: _S, opener: _S, closer: _S, replace: Callable[[_S], _S]) -> _S:
    """Each complete ``opener ... closer`` section replaced by ``replace`` of what it
    encloses, in one pass: a section that never closes ends the search (a regex would
    rescan the rest of the page from every later opener)."""
    start = markup.find(opener)
    if start < 0:
        return markup
    out: list[_S] = []
    position = 0
    while start >= 0:
        close = markup.find(closer, start + len(opener))
        if close < 0:
            break
        out.append(markup[position:start])
        out.append(replace(markup[start + len(opener) : close]))
        position = close + len(closer)
        start = markup.find(opener, position)
    out.append(markup[position:])
    return markup[:0].join(out)


def _word_markers(markup: str | bytes) -> str | bytes:
    """Word's list markers as the hidden spans they are meant to be.

    Word's clipboard HTML draws each list item's bullet or number itself, between
    ``<![if !supportLists]>`` and ``<![endif]>`` (or the same in comments), so that
    browsers that do not know its lists still show one. libxml2 drops the
    conditional markers but keeps the text between: wrapped in a span styled
    ``mso-list:Ignore`` it is read as the marker (it decides bullets or numbers)
    and is not copied as text."""
    for opener, closer in _WORD_CONDITIONALS:
        if isinstance(markup, str):
            markup = _sections(markup, opener, closer, _marker_span)
        else:
            markup = _sections(markup, opener.encode(), closer.encode(), _marker_span_bytes)
    return markup


_WORD_CONDITIONALS = (
    ("<![if !supportLists]>", "<![endif]>"),
    ("<!--[if !supportLists]-->", "<!--[endif]-->"),
)


def _marker_span(marker: str) -> str:
    return f'<span style="mso-list:Ignore">{marker}</span>'


def _marker_span_bytes(marker: bytes) -> bytes:
    return b'<span style="mso-list:Ignore">' + marker + b"</span>"


def _decoded(data: bytes) -> str | bytes:
    """Text for bytes that do not say their encoding: a byte-order mark decides, then
    UTF-8; bytes that declare a charset (or are not UTF-8) go to the parser as they are,
    which reads the declaration (libxml2 would otherwise assume Latin-1)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if _DECLARED.search(data[:4096]):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data
