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

from adfkit._deep import deep_safe, depth_of
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
    writer = _Writer()
    text = deep_safe(lambda: writer.blocks(data.get("content", [])), depth_of(data))
    return text + "\n" if text else ""


class _Writer:
    """Blocks render to strings joined by blank lines; lists and tables by lines."""

    def blocks(self, nodes: list[Json], sep: str = "\n\n") -> str:
        return sep.join(part for part in (self.block(n) for n in nodes) if part)

    def block(self, node: Json) -> str:
        handler: Callable[[Json], str] | None = getattr(self, "b_" + node["type"], None)
        return handler(node) if handler else self.inline(node.get("content") or [])

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

    def b_blockquote(self, node: Json) -> str:
        return "{quote}\n" + self.blocks(node.get("content") or []) + "\n{quote}"

    def b_panel(self, node: Json) -> str:
        attrs = node.get("attrs") or {}
        kind = attrs.get("panelType", "info")
        color = PANEL_COLORS.get(kind) or (_TIP_COLOR if kind == "tip" else None)
        if color is None:
            custom = attrs.get("panelColor")
            color = _param(custom) if isinstance(custom, str) and custom else PANEL_COLORS["info"]
        body = self.blocks(node.get("content") or [])
        return f"{{panel:bgColor={color}}}\n{body}\n{{panel}}"

    def b_expand(self, node: Json) -> str:
        title = (node.get("attrs") or {}).get("title") or ""
        body = self.blocks(node.get("content") or [])
        head = self.inline([{"type": "text", "text": title, "marks": [{"type": "strong"}]}])
        return f"{head}\n\n{body}" if title else body

    b_nestedExpand = b_expand

    def b_bulletList(self, node: Json) -> str:
        return "\n".join(self.items(node, ""))

    b_orderedList = b_bulletList
    b_taskList = b_bulletList
    b_decisionList = b_bulletList

    def items(self, root: Json, prefix: str) -> list[str]:
        """The lines of a list: each item's first block on its marker line, the rest on
        lines of their own (a nested list with a longer marker)."""
        lines: list[str] = []
        symbol = "#" if root["type"] == "orderedList" else "*"
        marker = prefix + symbol
        for item in root.get("content") or []:
            kind = item["type"]
            content = item.get("content") or []
            if kind in ("taskItem", "decisionItem"):
                box = {"DONE": "[x] ", "TODO": "[ ] "}.get(item["attrs"].get("state"), "")
                lines.append(f"{marker} {_escape(box, '', 'x')}{self.inline(content)}")
                continue
            if kind in ("taskList", "bulletList", "orderedList", "decisionList"):
                lines.extend(self.items(item, marker))
                continue
            first = True
            for child in content:
                ctype = child["type"]
                if ctype in ("bulletList", "orderedList", "taskList", "decisionList"):
                    if first:
                        lines.append(f"{marker} ")
                    lines.extend(self.items(child, marker))
                elif first:
                    lines.append(f"{marker} {self.block(child)}")
                else:
                    lines.append(self.block(child))
                first = False
            if first:
                lines.append(f"{marker} ")
        return lines

    def b_table(self, node: Json) -> str:
        rows: list[str] = []
        for row in node.get("content") or []:
            cells: list[str] = []
            closing = "|"
            for cell in row.get("content") or []:
                header = cell["type"] == "tableHeader"
                bar = "||" if header else "|"
                content = cell.get("content") or []
                # A header cell's text reads back bold: its own bold need not be written.
                body = self.blocks(_unbolded(content) if header else content, sep="\\\\ ")
                cells.append(bar + (body.replace("\n", "\\\\ ") if body else " "))
                closing = bar
            rows.append("".join(cells) + closing)
        return "\n".join(rows)

    def b_mediaSingle(self, node: Json) -> str:
        width = (node.get("attrs") or {}).get("width")
        parts = [self.media(m, width) for m in node.get("content") or [] if m["type"] == "media"]
        return " ".join(parts)

    def b_mediaGroup(self, node: Json) -> str:
        return " ".join(self.media(m, None) for m in node.get("content") or [])

    def media(self, node: Json, percent: object) -> str:
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
        if percent is None and attrs.get("type") != "external" and not options:
            return f"[^{name}]"
        return f"!{name}|{','.join(options) or 'thumbnail'}!"

    def b_blockCard(self, node: Json) -> str:
        url = (node.get("attrs") or {}).get("url")
        return f"[{url}|{url}|smart-card]" if url else ""

    def b_embedCard(self, node: Json) -> str:
        url = (node.get("attrs") or {}).get("url")
        return f"[{url}|{url}|smart-embed]" if url else ""

    def b_extension(self, node: Json) -> str:
        return ""

    b_bodiedExtension = b_extension

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
