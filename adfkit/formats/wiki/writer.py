"""ADF to Jira wiki markup.

``to_wiki`` writes every node and mark the notation can express, escaped so that this
package's reader and Atlassian's transformer read the same document back; what it
cannot express is written as the closest readable text (``docs/wiki.md`` has the list):
a status as ``[TEXT]``, a date as its ISO day, an expand as its bold title and its
content, a task as ``[ ]``/``[x]`` in a bullet list, a decision as a bullet; background
colours, alignment and annotations are dropped, their text kept.

Escaping is as light as the notation allows, so the result stays readable: a symbol is
escaped only where it could open a text effect, an image or a block (``a*b`` stays as
it is, ``*b`` becomes ``\\*b``), braces and brackets always.

Refuses an invalid document (``InvalidDocument``); handles any depth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adfkit.errors import InvalidDocument
from adfkit.formats.common import iso_day
from adfkit.formats.wiki.syntax import EMOTICONS, PANEL_COLORS, wordy

if TYPE_CHECKING:
    from adfkit.document import Document

__all__ = ["to_wiki"]

Json = dict[str, Any]

_EFFECT_SYMBOLS = {"strong": "*", "em": "_", "strike": "-", "underline": "+"}
_SUBSUP = {"sup": "^", "sub": "~"}
_ALWAYS = frozenset("{}[]|")
_OPENERS = frozenset("*_-+^~!")
_LINE_START = frozenset("*#-|")
_EMOJI_BY_ID: dict[str, str] = {}
for _key, (_id, _short, _text) in EMOTICONS.items():
    _EMOJI_BY_ID.setdefault(_id, _key)
_EMOTICON_KEYS = sorted(EMOTICONS, key=len, reverse=True)
_TIP_COLOR = PANEL_COLORS["success"]  # no wiki colour of its own: the nearest, green


def to_wiki(doc: Document) -> str:
    """Jira wiki markup for a valid ADF document (a dict or a built node)."""
    from adfkit.document import as_json
    from adfkit.validator import iter_errors

    data: Json = as_json(doc)  # a built node or a dict
    errors = list(iter_errors(data))
    if errors:
        raise InvalidDocument(errors)
    text = _Writer().render(data.get("content") or [])
    return text + "\n" if text else ""


MAX_LIST_DEPTH = 32
"""List markers (``**``, ``#*#``) stop growing here: an item nested deeper is written
with the marker of this depth (its first symbols and its own list's symbol), so every
line costs a bounded prefix however deep the lists go (``docs/wiki.md``)."""

_LISTS = frozenset(("bulletList", "orderedList", "taskList", "decisionList"))
# Containers wiki markup has no notation for: their blocks are written in order, one
# after the other (a layout's columns top to bottom), so no text is lost.
_TRANSPARENT = frozenset(("layoutSection", "layoutColumn", "bodiedExtension", "bodiedSyncBlock"))
_CELL_BREAK = "\\\\ "  # a line break inside a table cell, where a newline would end the row

# A pending step of the walk: an operation's name and its arguments.
_Step = tuple[Any, ...]


class _Writer:
    """An iterative walk: a stack of steps still to take, each writing its pieces onto
    one output list joined once at the end, so input depth costs neither recursion nor
    copying. Blocks are separated by blank lines (only those that wrote something),
    lists and tables by lines; inside a table cell every newline is written as ``\\\\ ``."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.size = 0  # characters written so far: tells whether a block wrote anything
        self.in_cell = 0  # table cells open around the current step

    def emit(self, piece: str) -> None:
        if piece:
            if self.in_cell:
                piece = piece.replace("\n", _CELL_BREAK)
            self.out.append(piece)
            self.size += len(piece)

    def render(self, nodes: list[Json]) -> str:
        stack: list[_Step] = []
        _push_blocks(stack, nodes, "\n\n")
        out = self.out
        while stack:
            step = stack.pop()
            op = step[0]
            if op == "child":  # a block among blocks: a slot for the separator before it
                _, node, group = step
                out.append("")
                stack.append(("end", group, len(out) - 1, self.size))
                self.open(node, stack)
            elif op == "end":  # the block is written: a separator if it and one before wrote
                _, group, slot, size = step
                if self.size > size:
                    if group[1]:
                        sep = group[0].replace("\n", _CELL_BREAK) if self.in_cell else group[0]
                        out[slot] = sep
                        self.size += len(sep)
                    group[1] = True
            elif op == "text":
                self.emit(step[1])
            elif op == "line":  # a new line of a list, with its marker
                _, lines, head = step
                if lines[0]:
                    self.emit("\n")
                lines[0] += 1
                self.emit(head)
            elif op == "block":
                self.open(step[1], stack)
            elif op == "items":
                self.items(step[1], step[2], step[3], stack)
            elif op == "cell":
                _, cell, header = step
                self.emit("||" if header else "|")
                self.in_cell += 1
                stack.append(("cell end", self.size))
                content = cell.get("content") or []
                # A header cell's text reads back bold: its own bold need not be written.
                _push_blocks(stack, _unbolded(content) if header else content, _CELL_BREAK)
            else:  # "cell end": an empty cell is a space
                if self.size == step[1]:
                    self.emit(" ")
                self.in_cell -= 1
        return "".join(out)

    def open(self, node: Json, stack: list[_Step]) -> None:
        """Write a block's opening and push the steps that write the rest of it."""
        kind = node["type"]
        content = node.get("content") or []
        if kind == "blockquote":
            self.emit("{quote}\n")
            stack.append(("text", "\n{quote}"))
            _push_blocks(stack, content, "\n\n")
        elif kind == "panel":
            self.emit(f"{{panel:bgColor={_panel_color(node)}}}\n")
            stack.append(("text", "\n{panel}"))
            _push_blocks(stack, content, "\n\n")
        elif kind in ("expand", "nestedExpand"):
            title = (node.get("attrs") or {}).get("title") or ""
            if title:
                head = self.inline([{"type": "text", "text": title, "marks": [{"type": "strong"}]}])
                self.emit(head + "\n\n")
            _push_blocks(stack, content, "\n\n")
        elif kind in _TRANSPARENT:
            _push_blocks(stack, content, "\n\n")
        elif kind in _LISTS:
            stack.append(("items", node, [0], ""))
        elif kind == "table":
            self.table(content, stack)
        else:
            handler: Callable[[Json], str] | None = getattr(self, "b_" + kind, None)
            self.emit(handler(node) if handler else self.inline(content))

    def items(self, root: Json, lines: list[int], prefix: str, stack: list[_Step]) -> None:
        """The steps of a list's lines: each item's first block on its marker line, the
        rest on lines of their own (a nested list with a longer marker, up to
        ``MAX_LIST_DEPTH`` symbols)."""
        steps: list[_Step] = []
        symbol = "#" if root["type"] == "orderedList" else "*"
        marker = prefix[: MAX_LIST_DEPTH - 1] + symbol
        for item in root.get("content") or []:
            kind = item["type"]
            content = item.get("content") or []
            if kind in ("taskItem", "decisionItem"):
                box = {"DONE": "[x] ", "TODO": "[ ] "}.get(item["attrs"].get("state"), "")
                head = f"{marker} {_escape(box, '', 'x')}{self.inline(content)}"
                steps.append(("line", lines, head))
                continue
            if kind in _LISTS:
                steps.append(("items", item, lines, marker))
                continue
            first = True
            for child in content:
                if child["type"] in _LISTS:
                    if first:
                        steps.append(("line", lines, f"{marker} "))
                    steps.append(("items", child, lines, marker))
                else:
                    steps.append(("line", lines, f"{marker} " if first else ""))
                    steps.append(("block", child))
                first = False
            if first:
                steps.append(("line", lines, f"{marker} "))
        stack.extend(reversed(steps))

    def table(self, rows: list[Json], stack: list[_Step]) -> None:
        """The steps of a table: rows on lines of their own, cells after their bars."""
        steps: list[_Step] = []
        for i, row in enumerate(rows):
            if i:
                steps.append(("text", "\n"))
            closing = "|"
            for cell in row.get("content") or []:
                header = cell["type"] == "tableHeader"
                steps.append(("cell", cell, header))
                closing = "||" if header else "|"
            steps.append(("text", closing))
        stack.extend(reversed(steps))

    def b_paragraph(self, node: Json) -> str:
        return self.inline(node.get("content") or [])

    def b_heading(self, node: Json) -> str:
        body = self.inline(node.get("content") or [], breaks="\\\\ ")
        return f"h{node['attrs']['level']}. {body}"

    def b_rule(self, node: Json) -> str:
        return "----"

    def b_codeBlock(self, node: Json) -> str:
        code = "".join(n.get("text", "") for n in node.get("content") or [])
        language = (node.get("attrs") or {}).get("language")
        if language and "{code}" not in code:
            return f"{{code:{_param(language)}}}\n{code}\n{{code}}"
        return f"{{noformat}}\n{code}\n{{noformat}}"

    def b_mediaSingle(self, node: Json) -> str:
        width = (node.get("attrs") or {}).get("width")
        content = node.get("content") or []
        parts = [self.media(m, width, single=True) for m in content if m["type"] == "media"]
        # Wiki markup has no caption: its text follows the image as an italic line.
        captions = [self.inline(c.get("content") or []) for c in content if c["type"] == "caption"]
        lines = [" ".join(parts), *(f"_{c}_" for c in captions if c.strip())]
        return "\n".join(line for line in lines if line)

    def b_mediaGroup(self, node: Json) -> str:
        return " ".join(self.media(m, None) for m in node.get("content") or [])

    def media(self, node: Json, percent: object, *, single: bool = False) -> str:
        attrs = node.get("attrs") or {}
        if attrs.get("type") == "external":
            name = str(attrs.get("url", ""))
        else:
            name = str(attrs.get("id", ""))
        options: list[str] = []
        if isinstance(percent, int | float):
            options.append(f"width={int(percent)}%")
        else:
            for key in ("width", "height"):
                if isinstance(attrs.get(key), int | float):
                    options.append(f"{key}={int(attrs[key])}")
        if attrs.get("alt"):
            options.append(f'alt="{attrs["alt"]}"')
        for mark in node.get("marks") or []:
            if mark["type"] == "link":
                options.append(f'href="{mark["attrs"]["href"]}"')
        if not single and attrs.get("type") != "external" and not options:
            return f"[^{name}]"  # a file in a group: the attachment link Jira shows as one
        return f"!{name}|{','.join(options) or 'thumbnail'}!"

    def b_blockCard(self, node: Json) -> str:
        url = (node.get("attrs") or {}).get("url")
        return f"[{url}|{url}|smart-card]" if url else ""

    def b_embedCard(self, node: Json) -> str:
        url = (node.get("attrs") or {}).get("url")
        return f"[{url}|{url}|smart-embed]" if url else ""

    def b_extension(self, node: Json) -> str:
        return ""

    def b_syncBlock(self, node: Json) -> str:
        return ""

    # --- inline ----------------------------------------------------------------------

    def inline(self, nodes: list[Json], *, breaks: str = "\n") -> str:
        out: list[str] = []
        line_start = True
        for i, node in enumerate(nodes):
            kind = node["type"]
            if kind == "hardBreak":
                out.append(breaks)
                line_start = breaks.endswith("\n")
                continue
            before = out[-1][-1:] if out and out[-1] else ""
            if kind == "text":
                after = _first_char(nodes[i + 1]) if i + 1 < len(nodes) else ""
                out.append(self.text(node, before, after, line_start=line_start))
            else:
                out.append(self.inline_node(node))
            line_start = False
        return "".join(out)

    def inline_node(self, node: Json) -> str:
        attrs = node.get("attrs") or {}
        kind = node["type"]
        if kind == "mention":
            return f"[~accountid:{attrs.get('id', '')}]"
        if kind == "emoji":
            key = _EMOJI_BY_ID.get(str(attrs.get("id", "")))
            if key is not None:
                return key
            return str(attrs.get("text") or attrs.get("shortName", ""))
        if kind == "date":
            return iso_day(str(attrs.get("timestamp", "")))
        if kind == "status":
            return _escape(f"[{attrs.get('text', '')}]", "", "")
        if kind == "inlineCard":
            url = attrs.get("url")
            return f"[{url}|{url}|smart-link]" if url else ""
        if kind == "placeholder":
            return _escape(str(attrs.get("text", "")), "", "")
        if kind == "mediaInline":
            return f"[^{attrs.get('id', '')}]"
        return ""

    def text(self, node: Json, before: str, after: str, *, line_start: bool) -> str:
        """A text with its marks. Whitespace stays outside the symbols (Jira would not
        read ``* bold*``), and the braced form ``{*}b{*}`` stands where a letter touches
        the symbol (``a{*}b{*}c``)."""
        raw: str = node["text"].replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        marks = {m["type"]: m for m in node.get("marks") or []}
        core = raw.strip(" \t")
        lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
        trail = raw[len(raw.rstrip(" \t")) :]
        if not core:
            return raw
        # Inside an effect its own symbol could close it early: escape it throughout.
        inside = {_EFFECT_SYMBOLS[k] for k in marks if k in _EFFECT_SYMBOLS}
        if "subsup" in marks:
            inside.add(_SUBSUP.get(marks["subsup"].get("attrs", {}).get("type", "sup"), "^"))
        if "code" in marks:
            body = "{{" + _escape_code(core) + "}}"
        else:
            edge = line_start and not lead
            body = _escape(core, lead[-1:] or before, trail[:1] or after, edge, frozenset(inside))
        for kind in ("textColor", "subsup", "underline", "strike", "em", "strong"):
            mark = marks.get(kind)
            if mark is None or "code" in marks:
                continue
            if kind == "textColor":
                body = f"{{color:{mark['attrs']['color']}}}{body}{{color}}"
                continue
            if kind == "subsup":
                symbol = _SUBSUP.get(mark.get("attrs", {}).get("type", "sup"), "^")
            else:
                symbol = _EFFECT_SYMBOLS[kind]
            edge_before = lead[-1:] or before
            edge_after = trail[:1] or after
            braced = wordy(edge_before) or wordy(edge_after)
            body = f"{{{symbol}}}{body}{{{symbol}}}" if braced else f"{symbol}{body}{symbol}"
        if "link" in marks:
            href = marks["link"]["attrs"]["href"]
            body = f"[{body}|{href}]"
        return lead + body + trail


def _push_blocks(stack: list[_Step], nodes: list[Json], sep: str) -> None:
    """Steps for blocks written one after the other, ``sep`` between those that write
    something (the group remembers whether one has)."""
    group = [sep, False]
    stack.extend(("child", node, group) for node in reversed(nodes))


def _panel_color(node: Json) -> str:
    attrs = node.get("attrs") or {}
    kind = attrs.get("panelType", "info")
    color = PANEL_COLORS.get(kind) or (_TIP_COLOR if kind == "tip" else None)
    if color is None:
        custom = attrs.get("panelColor")
        color = _param(custom) if isinstance(custom, str) and custom else PANEL_COLORS["info"]
    return str(color)


def _unbolded(blocks: list[Json]) -> list[Json]:
    out = []
    for block in blocks:
        if block["type"] == "paragraph":
            content = [
                {**n, "marks": [m for m in n.get("marks", []) if m["type"] != "strong"]}
                if n["type"] == "text"
                else n
                for n in block.get("content") or []
            ]
            block = {**block, "content": [n if n.get("marks", 1) else _bare(n) for n in content]}
        out.append(block)
    return out


def _bare(node: Json) -> Json:
    return {k: v for k, v in node.items() if k != "marks"}


def _first_char(node: Json) -> str:
    """The first character a neighbouring node writes, as far as the symbol rules care."""
    if node["type"] == "text" and not node.get("marks"):
        return str(node["text"][:1])
    if node["type"] == "hardBreak":
        return "\n"
    return "["


def _param(value: str) -> str:
    return "".join(c for c in value if c not in "{}|\n")


def _escape(
    text: str,
    before: str,
    after: str,
    line_start: bool = False,
    always: frozenset[str] = frozenset(),
) -> str:
    """``text`` escaped where it would mean markup, given the characters around it;
    the ``always`` characters wherever they stand."""
    out: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        prev = text[i - 1] if i else before
        nxt = text[i + 1] if i + 1 < n else (after or "x")
        if (
            ch in _ALWAYS
            or ch in always
            or (i == 0 and line_start and ch in _LINE_START)
            or (ch in _OPENERS and not wordy(prev) and nxt != " ")
        ):
            out.append("\\" + ch)
        elif ch == "?" and (nxt == "?" or prev == "?"):
            out.append("\\?")
        elif ch in "(:;" and (key := _emoticon_at(text, i)) is not None:
            if ch == "(":
                out.append("\\(")
            else:
                second = key[1]
                out.append(ch + ("\\" + second if second in "-()" else second))
                i += 2
                continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _emoticon_at(text: str, i: int) -> str | None:
    for key in _EMOTICON_KEYS:
        if text.startswith(key, i):
            return key
    return None


def _escape_code(text: str) -> str:
    """Monospace content: only braces need a backslash (``}}`` would end it)."""
    return "".join("\\" + c if c in "{}" else c for c in text)
