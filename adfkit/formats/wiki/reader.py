"""Jira wiki markup to ADF.

Jira's notation has no grammar, only a renderer; Atlassian's transformer
(``@atlaskit/editor-wikimarkup-transformer``) is the reference for what each construct
means, and this reader follows it (``docs/wiki.md`` lists every construct and each place
where adfkit differs, with the reason). Its shape is not the transformer's, though:
that one rescans the rest of a line for every ``*`` and every macro, which is quadratic.
Here each input is read in passes that are linear in its size:

1. *blocks*: lines are taken one by one (headings, ``bq.``, rules, lists, tables,
   paragraphs); a block macro (``{code}``, ``{noformat}``, ``{quote}``, ``{panel}``) may
   start anywhere and runs to its closing tag, found by a binary search in the sorted
   positions of every tag, computed once;
2. *inline*: a paragraph's text is cut into atoms (an escape, a ``[link]``, a
   ``{color}`` tag, a character), every possible closing symbol is indexed once, and a
   stack of open text effects is kept while the atoms are read left to right.

Nothing recurses on the input's depth: list nesting is a stack, text effects are a
stack; a ``{quote}`` ends at the first ``{quote}``, so it holds no other quote, and
macros (and a table cell's reader) nest at most a fixed few levels deep. The natural
ADF then goes through ``adfkit.repair`` and the validator as every reader's does, so
the result is valid.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adfkit.formats.wiki.syntax import (
    CODE_LANGUAGES,
    CSS_COLORS,
    EFFECTS,
    EMOTICONS,
    ESCAPABLE,
    closest_panel_type,
    css_color,
    wordy,
)
from adfkit.repair import _fit_marks, repair_document

__all__ = ["from_wiki"]

Json = dict[str, Any]
MediaResolver = Callable[[str], str | None]

_MAX_NESTING = 8
_MAX_CELL_DEPTH = 4
_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")
_HEADING = re.compile(r"h([1-6])\.")
_RULE = re.compile(r"-{4,5}(?=\s|$)")
_LIST = re.compile(r"([*#]{1,20}|-) ")
_LIST_CONT = re.compile(r" *([*#-]{1,20}) ")
_BLOCK_TAG = re.compile(r"\{(code|noformat|quote|panel)(?::([^{}\n]*))?\}", re.IGNORECASE)
_ANY_TAG = re.compile(r"\{(code|noformat|quote|panel|color)\}", re.IGNORECASE)
_ANCHOR = re.compile(r"\{anchor(?::[^{}\n]*)?\}", re.IGNORECASE)
_COLOR_OPEN = re.compile(r"\{color(?::([^{}\n]*))?\}")
_LINK = re.compile(r"\[([^\[\]\n]+)\]")
_BARE_URL = re.compile(
    r"((?:(?:https?|ftps?)://)|irc://|mailto:)"
    r"([\w?!~^/\\#$%&'()*+,\-./:;<=@]*[\w~^/\\#$%&'()*+,\-/:;<=@])",
    re.IGNORECASE | re.ASCII,  # JavaScript's \w: ASCII only
)
_URL_START = ("http", "ftp", "irc", "mailto")
_BAD_URL_END = ".,>)];}\"'!"
_ACCOUNT_PREFIX = "accountid:"
_GRAY = "#97a0af"  # a heading inside a quote: Atlassian's transformer greys h4-h6
_MEDIA_WIDTH, _MEDIA_HEIGHT = 200, 183  # the transformer's size for an image without one


def from_wiki(
    text: str | bytes,
    *,
    mentions: Mapping[str, str] | None = None,
    media: MediaResolver | Mapping[str, str] | None = None,
) -> Json:
    """Convert Jira wiki markup to a valid ADF document (a JSON-ready dict).

    - ``mentions``: user name -> Atlassian account id, for ``[~name]`` as Jira Server
      writes it; ``[~accountid:ID]`` needs none.
    - ``media``: attachment file name -> media id (a mapping, or a function returning
      None for an unknown name). Without it an attachment image ``!shot.png!`` becomes
      file media whose id is the file name, as Atlassian's transformer makes it: Jira
      shows such an image only once the name is resolved to the attachment's media id.

    Never raises on any text (bytes are read as UTF-8, bad bytes replaced); the result
    always passes ``adfkit.validate``.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError(f"from_wiki() takes a str or bytes, not {type(text).__name__}")
    text = _UNENCODABLE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(media, Mapping):
        table = dict(media)
        resolve: MediaResolver | None = table.get
    else:
        resolve = media
    reader = _Reader(text, {k.lower(): v for k, v in (mentions or {}).items()}, resolve)
    natural: Json = {"type": "doc", "version": 1, "content": reader.blocks(0, len(text))}
    from adfkit.validator import is_valid

    if is_valid(natural):
        return natural
    repaired = repair_document(natural["content"])
    if is_valid(repaired):
        return repaired
    # Should repair ever miss a case, the text survives as plain paragraphs.
    return repair_document(  # pragma: no cover - a safety net for a repair bug
        [
            {"type": "paragraph", "content": [{"type": "text", "text": p}]}
            for p in re.split(r"\n\s*\n", text)
            if p.strip()
        ]
    )


# --- blocks --------------------------------------------------------------------------------


@dataclass
class _Reader:
    text: str
    mentions: dict[str, str]
    resolve: MediaResolver | None
    depth: int = 0  # a table cell reads its body with a reader of its own
    dashes: bool = True  # ... in which "--" stays as written
    nesting: int = 0  # macros open around the text being read
    openers: list[int] = field(init=False)
    closers: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        # Every block-macro opening tag and every closing tag, found once: each macro then
        # finds its end with a binary search instead of a rescan of the rest of the text.
        self.openers = [m.start() for m in _BLOCK_TAG.finditer(self.text)]
        self.closers = {}
        for m in _ANY_TAG.finditer(self.text):
            self.closers.setdefault(m.group(0), []).append(m.start())

    def next_opener(self, start: int, end: int) -> re.Match[str] | None:
        i = bisect.bisect_left(self.openers, start)
        while i < len(self.openers) and self.openers[i] < end:
            pos = self.openers[i]
            # "\\{code}" is escaped; "{{code}}" is monospace, not a macro
            if pos == 0 or self.text[pos - 1] not in "\\{":
                return _BLOCK_TAG.match(self.text, pos)
            i += 1
        return None

    def closer(self, tag: str, start: int, end: int) -> int | None:
        found = self.closers.get(tag, [])
        i = bisect.bisect_left(found, start)
        return found[i] if i < len(found) and found[i] + len(tag) <= end else None

    def blocks(
        self, start: int, end: int, *, lists: bool = True, tables: bool = True
    ) -> list[Json]:
        """The blocks of ``text[start:end]``, line by line; a list item's body reads
        without lists and tables, a table cell's without tables, as in the transformer."""
        text = self.text
        out: list[Json] = []
        para: list[str] = []
        after_tag = [""]  # the character before a paragraph that starts after a tag

        def flush(follow: str = "") -> None:
            if para:
                out.extend(self.paragraphs("\n".join(para), follow, after_tag[0]))
                para.clear()
            after_tag[0] = ""

        pos = start
        mid_line = False  # after a macro's closing tag: no line-start keywords
        while pos < end:
            nl = text.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            lead = pos
            while lead < line_end and text[lead] in " \t":
                lead += 1
            if lead == line_end:
                if not mid_line:
                    flush()
                mid_line = False
                pos = line_end + 1
                continue
            block = None if mid_line else self.line_block(lead, line_end, end, lists, tables)
            if mid_line and not para:
                after_tag[0] = text[lead - 1]
            mid_line = False
            if isinstance(block, int):
                lead, block = block, None
                if lead == line_end:
                    pos = line_end + 1
                    continue
            if block is not None:
                flush()
                pos, nodes = block
                out.extend(nodes)
                continue
            macro = self.next_opener(lead, line_end)
            if macro is None:
                para.append(text[lead:line_end])
                pos = line_end + 1
                continue
            if macro.start() > lead:
                para.append(text[lead : macro.start()])
            flush("{")
            pos, nodes = self.macro(macro, end)
            out.extend(nodes)
            mid_line = True
        flush()
        return out

    def line_block(
        self, lead: int, line_end: int, end: int, lists: bool, tables: bool
    ) -> tuple[int, list[Json]] | int | None:
        """The block a line starts by its first characters (heading, quote, rule, list,
        table): (where it ends, its nodes); None for a paragraph line; a position for a
        line whose text from there on reads as a paragraph's."""
        text = self.text
        first = text[lead]
        if first == "h" and (m := _HEADING.match(text, lead, line_end)):
            body_start = m.end()
            while body_start < line_end and text[body_start] in " \t":
                body_start += 1
            if self.next_opener(body_start, line_end) is None and not (
                body_start < line_end and self.line_block(body_start, line_end, end, True, True)
            ):
                heading = self.heading(int(m.group(1)), text[body_start:line_end])
                if heading is not None:
                    return line_end + 1, [heading]
            # A heading cannot hold a block: Atlassian's transformer then drops the
            # "hN." and reads the rest of the line as a paragraph's.
            return body_start
        if first == "b" and text.startswith("bq.", lead, line_end):
            # the rest of the line reads as blocks (a rule, a list, a macro), then quoted
            return line_end + 1, _quote(self.blocks(lead + 3, line_end))
        if first == "-" and (m := _RULE.match(text, lead, line_end)):
            rest = m.end() + 1
            return (rest if rest < line_end else line_end + 1), [{"type": "rule"}]
        if lists and first in "*#-" and _LIST.match(text, lead, line_end):
            out: list[Json] = []
            return self.list_block(lead, end, out), out
        if tables and first == "|":
            out = []
            return self.table(lead, end, out), out
        return None

    def macro(self, opening: re.Match[str], end: int) -> tuple[int, list[Json]]:
        """A block macro from its opening tag: (where it ends, its blocks). An unclosed
        macro is empty, as in Atlassian's transformer, and the text after it reads on."""
        name = opening.group(1).lower()
        params = _params(opening.group(2) or "")
        tag = "{" + opening.group(1) + "}"
        body_start = opening.end()
        close = self.closer(tag, body_start, end)
        body_end = body_start if close is None else close
        after = body_start if close is None else close + len(tag)
        title = params.get("title")
        head: list[Json] = []
        if title:
            head = [{"type": "paragraph", "content": [_text(title, ({"type": "strong"},))]}]
        if name in ("code", "noformat"):
            code = self.text[body_start:body_end].strip()
            node: Json = {"type": "codeBlock"}
            if name == "code":
                node["attrs"] = {"language": _language(params)}
            if code:
                node["content"] = [{"type": "text", "text": code}]
            return after, [*head, node]
        if self.nesting >= _MAX_NESTING:
            # A quote can hold a panel, not a quote (it ends at the first "{quote}"), so
            # only tags in other letter cases nest this deep: their text stays text.
            raw = self.text[opening.start() : after]
            return after, [{"type": "paragraph", "content": [{"type": "text", "text": raw}]}]
        self.nesting += 1
        try:
            inner = self.blocks(body_start, body_end)
        finally:
            self.nesting -= 1
        if name == "quote":
            return after, _quote(inner)
        panel_attrs = {"panelType": closest_panel_type(params.get("bgcolor"))}
        return after, _panel(panel_attrs, [*head, *inner])

    def heading(self, level: int, body: str) -> Json | None:
        """A heading, or None when its text holds a block (an image)."""
        content = self.inline(body, dashes=False)  # a heading keeps "--" as written
        if any(n["type"] in _INLINE_BLOCKS for n in content):
            return None
        return {"type": "heading", "attrs": {"level": level}, "content": content}

    def paragraphs(self, body: str, follow: str = "", precede: str = "") -> list[Json]:
        return _split_paragraphs(self.inline(body, follow=follow, precede=precede))

    # --- lists ----------------------------------------------------------------------------

    def list_block(self, start: int, end: int, out: list[Json]) -> int:
        """A run of list lines from ``start``, nested with a stack; returns where it ends.
        A line without a marker continues the item before it; a blank line ends it."""
        text = self.text
        items: list[tuple[str, int, int]] = []  # (symbols, body start, body end)
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            if not text[pos:line_end].strip(" \t"):
                break
            m = _LIST_CONT.match(text, pos, line_end)
            symbols = m.group(1) if m else None
            if symbols is not None and (_RULE.fullmatch(symbols) or not _list_symbols(symbols)):
                symbols = None
            if symbols is None and not items:
                break
            line_start = pos
            if symbols is not None and m is not None:
                line_start = m.end()
                items.append((symbols, line_start, line_end))
            else:  # a continuation line: the item grows by a line break
                sym, s0, _e0 = items[-1]
                items[-1] = (sym, s0, line_end)
            # A block macro in the item runs to its closing tag, across lines.
            macro = self.next_opener(line_start, line_end)
            if macro is not None:
                close = self.closer("{" + macro.group(1) + "}", macro.end(), end)
                if close is not None and close > line_end:
                    stop = close + len(macro.group(1)) + 2
                    nl2 = text.find("\n", stop, end)
                    line_end = end if nl2 < 0 else nl2
                    sym, s0, _e0 = items[-1]
                    items[-1] = (sym, s0, line_end)
            pos = line_end + 1
        self.build_lists(items, out)
        return pos

    def build_lists(self, items: list[tuple[str, int, int]], out: list[Json]) -> None:
        # stack[d] is the open list at depth d + 1
        stack: list[Json] = []
        for symbols, body_start, body_end in items:
            kind = "orderedList" if symbols.endswith("#") else "bulletList"
            depth = 1 if symbols == "-" else len(symbols)
            content = _list_item_content(self.item_blocks(body_start, body_end))
            item: Json = {"type": "listItem", "content": content}
            while len(stack) > depth:
                stack.pop()
            if len(stack) == depth and stack[-1]["type"] != kind:
                stack.pop()  # "#" after "*" at one depth: a new list beside the old one
            while len(stack) < depth:
                new = _new_list(kind)
                if stack:
                    parent_items = stack[-1]["content"]
                    if not parent_items:
                        parent_items.append({"type": "listItem", "content": []})
                    parent_items[-1]["content"].append(new)
                else:
                    out.append(new)
                stack.append(new)
            stack[-1]["content"].append(item)
        roots = [n for n in out if n.get("type") in ("bulletList", "orderedList")]
        for node in roots:
            _prune(node)
            _fill_items(node)
        out[:] = [n for n in out if n.get("content") or n not in roots]

    def item_blocks(self, start: int, end: int) -> list[Json]:
        """A list item's body: its lines (a heading or a quote among them too), and any
        block macro in it."""
        return self.blocks(start, end, lists=False, tables=False)

    # --- tables ---------------------------------------------------------------------------

    def table(self, start: int, end: int, out: list[Json]) -> int:
        """Rows of ``|cell|`` and ``||header||`` lines from ``start``; a line that does
        not start with ``|`` continues a row whose last cell is left open (no closing
        bar), and may close it; anything else, and a blank line, ends the table."""
        text = self.text
        lines: list[list[str]] = []  # each row's lines, split into cells once at the end
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            line = text[pos:line_end].strip(" \t")
            if not line:
                break
            if line.startswith("|"):
                lines.append([line])
            elif lines and not _closed(lines[-1][-1]):
                lines[-1].append(line)
            else:
                break
            pos = line_end + 1
        rows = [_cells("\n".join(row_lines)) for row_lines in lines]
        table_rows: list[Json] = []
        for cells in rows:
            row_cells: list[Json] = []
            for header, body in cells:
                if self.depth < _MAX_CELL_DEPTH:
                    cell = _Reader(body, self.mentions, self.resolve, self.depth + 1, False)
                    blocks = cell.blocks(0, len(body), tables=False)
                else:  # a safety net: a cell's lines cannot start a table of their own
                    blocks = [{"type": "paragraph", "content": [{"type": "text", "text": body}]}]
                blocks = blocks or [{"type": "paragraph", "content": []}]
                if header:
                    blocks = [_bolden(b) for b in blocks]
                kind = "tableHeader" if header else "tableCell"
                row_cells.append({"type": kind, "attrs": {}, "content": blocks})
            if row_cells:
                table_rows.append({"type": "tableRow", "content": row_cells})
        if not table_rows:  # bars and nothing else: an empty table, as the transformer
            empty = {"type": "tableCell", "attrs": {}, "content": [{"type": "paragraph"}]}
            table_rows = [{"type": "tableRow", "content": [empty]}]
        if table_rows:
            out.append(
                {
                    "type": "table",
                    "attrs": {"isNumberColumnEnabled": False, "layout": "default"},
                    "content": table_rows,
                }
            )
        return pos

    # --- inline ---------------------------------------------------------------------------

    def inline(
        self, body: str, *, dashes: bool = True, follow: str = "", precede: str = ""
    ) -> list[Json]:
        """Inline nodes of ``body``; ``precede`` and ``follow`` are the characters
        before and after it in the source (a macro's brace), which decide whether a
        ``--`` at its edge is a dash."""
        inline = _Inline(self, body, dashes=dashes and self.dashes, follow=follow)
        inline.precede = precede
        return inline.run()


def _list_symbols(symbols: str) -> bool:
    return symbols == "-" or "-" not in symbols


def _new_list(kind: str) -> Json:
    node: Json = {"type": kind, "content": []}
    if kind == "orderedList":
        node["attrs"] = {"order": 1}
    return node


def _prune(root: Json) -> None:
    """Items with nothing in them go, and lists left without items, as in Atlassian's
    transformer (``* `` alone is no list); children before parents, no recursion."""
    order: list[Json] = []
    todo = [root]
    while todo:
        node = todo.pop()
        order.append(node)
        for item in node["content"]:
            todo.extend(c for c in item["content"] if c.get("type") in _LIST_TYPES)
    for node in reversed(order):
        for item in node["content"]:
            item["content"] = [
                c for c in item["content"] if c.get("type") not in _LIST_TYPES or c["content"]
            ]
        node["content"] = [item for item in node["content"] if item["content"]]


_LIST_TYPES = ("bulletList", "orderedList")


def _fill_items(root: Json) -> None:
    """Every list item gets the paragraph ADF needs first (a nest that skipped a level
    made an empty one); iterative, lists may nest deep."""
    todo = [root]
    while todo:
        node = todo.pop()
        for item in node.get("content", []):
            content = item["content"]
            first = content[0].get("type") if content else None
            if first not in ("paragraph", "mediaSingle", *_LIST_TYPES):
                content.insert(0, {"type": "paragraph", "content": []})
            todo.extend(c for c in content if c.get("type") in _LIST_TYPES)


def _list_item_content(blocks: list[Json]) -> list[Json]:
    """A list item holds what Atlassian's transformer puts there: a quote is unwrapped,
    a heading becomes an upper-case bold paragraph."""
    out: list[Json] = []
    for block in blocks:
        if block["type"] == "blockquote":
            out.extend(block["content"])
        elif block["type"] == "heading":
            content = [
                _add_mark({**n, "text": n["text"].upper()}, {"type": "strong"})
                if n.get("type") == "text"
                else n
                for n in block.get("content", [])
            ]
            out.append({"type": "paragraph", "content": content})
        else:
            out.append(block)
    return out


def _quote(blocks: list[Json]) -> list[Json]:
    """A quote holds paragraphs, lists, code and media; a heading becomes a styled
    paragraph; anything else stands after it, as in Atlassian's transformer."""
    if not blocks:
        return [{"type": "blockquote", "content": [{"type": "paragraph", "content": []}]}]
    out: list[Json] = []
    held: list[Json] = []
    for block in blocks:
        kind = block["type"]
        if kind in (
            "paragraph",
            "bulletList",
            "orderedList",
            "codeBlock",
            "mediaSingle",
            "mediaGroup",
        ):
            held.append(block)
        elif kind == "heading":
            held.append(_heading_in_quote(block))
        else:
            if held:
                out.append({"type": "blockquote", "content": held})
                held = []
            out.append(block)
    if held:
        out.append({"type": "blockquote", "content": held})
    return out


def _heading_in_quote(heading: Json) -> Json:
    level = heading["attrs"]["level"]
    content: list[Json] = []
    for node in heading.get("content", []):
        if node.get("type") == "text":
            if level == 1:
                node = {**node, "text": node["text"].upper()}
            if level <= 4:
                node = _add_mark(node, {"type": "strong"})
            if level in (2, 5):
                node = _add_mark(node, {"type": "em"})
            if level > 3:
                node = _add_mark(node, {"type": "textColor", "attrs": {"color": _GRAY}})
        content.append(node)
    return {"type": "paragraph", "content": content}


def _panel(attrs: Json, blocks: list[Json]) -> list[Json]:
    """A panel holds paragraphs, headings and lists; anything else ends it and stands
    after it, as in Atlassian's transformer."""
    out: list[Json] = []
    held: list[Json] = []
    for block in blocks:
        if block["type"] in ("paragraph", "heading", "bulletList", "orderedList"):
            held.append(block)
        else:
            out.append(
                {
                    "type": "panel",
                    "attrs": dict(attrs),
                    "content": held or [{"type": "paragraph", "content": []}],
                }
            )
            held = []
            out.append(block)
    if held or not out:
        out.append(
            {
                "type": "panel",
                "attrs": dict(attrs),
                "content": held or [{"type": "paragraph", "content": []}],
            }
        )
    return out


def _bolden(block: Json) -> Json:
    """A header cell's text is bold (Atlassian's transformer); code stays code."""
    if block.get("type") != "paragraph":
        return block
    return {**block, "content": [_add_mark(n, {"type": "strong"}) for n in block["content"]]}


def _add_mark(node: Json, mark: Json) -> Json:
    """``node`` with ``mark`` appended, unless it has one of that type or code."""
    if node.get("type") != "text":
        return node
    marks = node.get("marks", [])
    if any(m["type"] in (mark["type"], "code") for m in marks):
        return node
    return {**node, "marks": [*marks, mark]}


def _closed(line: str) -> bool:
    """Whether a table line ends its row: a last bar that no backslash escapes."""
    return line.endswith("|") and not line.endswith("\\|")


def _cells(line: str) -> list[tuple[bool, str]]:
    """The cells of a table row (``|``/``||`` outside links, images and macros); a row
    may run over several lines."""
    cells: list[tuple[bool, str]] = []
    unclosed: set[str] = set()
    i, n = 0, len(line)
    header = False
    start = -1
    while i < n:
        ch = line[i]
        if ch == "|":
            if start >= 0:
                cells.append((header, line[start:i].strip(" \t")))
            j = i
            while j < n and line[j] == "|":
                j += 1
            header = j - i >= 2
            i = j
            start = i
            continue
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "[" and (m := _LINK.match(line, i)):
            i = m.end()
            continue
        if ch == "{" and (m := _COLOR_OPEN.match(line, i) or _BLOCK_TAG.match(line, i)):
            # a macro's bars are not cells: skip its tag, and its body when it closes in
            # the row (a tag that found no closer once finds none further on)
            close = -1
            tag = "{" + (m.group(1) or "") + "}"
            if m.re is _BLOCK_TAG and tag not in unclosed:
                close = line.find(tag, m.end())
                if close < 0:
                    unclosed.add(tag)
            i = close + len(tag) if close >= 0 else m.end()
            continue
        if ch == "!":
            close = line.find("!", i + 1)
            inside = line[i + 1 : close]
            if close > i + 1 and inside[0] != " " and " " not in inside and "\n" not in inside:
                i = close + 1
                continue
        i += 1
    tail = line[start:].strip(" \t") if start >= 0 else ""
    if tail:  # the empty rest after "|a|b|" is the row's end, not a cell
        cells.append((header, tail))
    return cells


_INLINE_BLOCKS = ("mediaSingle", "mediaGroup", "blockCard", "embedCard")


def _split_paragraphs(inline: list[Json]) -> list[Json]:
    """Inline nodes as paragraphs: a block node met inline (an image) stands between
    them; whitespace-only pieces go."""
    out: list[Json] = []
    run: list[Json] = []

    def flush() -> None:
        while run and run[-1].get("soft"):
            run.pop()
        while run and run[0].get("soft"):
            run.pop(0)
        for k, node in enumerate(run):
            if node.get("soft"):
                run[k] = {"type": "hardBreak"}
        if any(
            n["type"] != "hardBreak" and (n["type"] != "text" or n["text"].strip()) for n in run
        ):
            out.append({"type": "paragraph", "content": list(run)})
        run.clear()

    for node in inline:
        if node["type"] in _INLINE_BLOCKS:
            flush()
            out.append(node)
        else:
            run.append(node)
    flush()
    return out


def _params(raw: str) -> dict[str, str]:
    """``title=T|bgColor=#fff|python`` -> {"title": "T", "bgcolor": "#fff", "python": ""}:
    the first value of a key wins, keys are case-folded."""
    out: dict[str, str] = {}
    for part in raw.split("|"):
        key, _sep, value = part.partition("=")
        key = key.strip().lower()
        if key and key not in out:
            out[key] = value.strip()
    return out


def _language(params: dict[str, str]) -> str:
    for key in params:
        if key in CODE_LANGUAGES:
            return key
    if "objc" in params:
        return "objective-c"
    return "java"


def _text(value: str, marks: tuple[Json, ...]) -> Json:
    node: Json = {"type": "text", "text": value}
    if marks:
        kept = _fit_marks(list(marks), "paragraph", "text")
        if kept:
            node["marks"] = [dict(m) for m in kept]
    return node


# --- inline --------------------------------------------------------------------------------

_SYMBOLS = ("??", "*", "_", "-", "+", "^", "~")
_INDEXED = re.compile(r"\\|\n|\[|\{\{|\{|\?\?|\}(?=\})|[*_\-+^~!]")
_SPECIAL = frozenset("\n\\[!{-:;(*_+^~?")
_PLAIN = re.compile(r"[^\n\\\[!{\-:;(*_+^~?]*")
_URL_STARTS = re.compile(r"http|ftp|irc|mailto")


@dataclass
class _Frame:
    """An open text effect: where its closing symbol stands and the mark it adds."""

    end: int
    skip: int
    mark: Json | None
    citation: bool = False


class _Inline:
    """One paragraph's (or heading's, cell's) text to inline nodes, in one pass."""

    def __init__(
        self, reader: _Reader, body: str, *, dashes: bool, follow: str, urls: bool = True
    ) -> None:
        self.reader = reader
        self.s = body
        self.en_dashes = dashes
        self.follow = follow
        self.bare_urls = urls  # a link's own text links nothing more
        self.precede = ""
        self.out: list[Json] = []
        self.buf: list[str] = []
        self.frames: list[_Frame] = []
        self.closers: dict[str, list[int]] = {}
        self.barriers: list[int] = []
        self.urls: list[int] = []
        self._index()

    def _index(self) -> None:
        """Every place a text effect could close, every place one cannot reach past (a
        line end, a block macro) and every place a bare address may start, each found
        once for the whole text, left to right, skipping what escapes, links and colour
        tags hide."""
        s = self.s
        n = len(s)
        closers: dict[str, list[int]] = {sym: [] for sym in (*_SYMBOLS, "}}", "!")}
        barriers = self.barriers
        skip = 0
        for found in _INDEXED.finditer(s):
            i = found.start()
            if i < skip:
                continue
            token = found.group()
            first = token[0]
            if first == "\\":
                skip = i + 2
            elif first == "\n":
                barriers.append(i)
            elif first == "[":
                m = _LINK.match(s, i)
                if m:
                    skip = m.end()
            elif token == "{{":
                skip = i + 2
            elif first == "{":
                m = _COLOR_OPEN.match(s, i)
                if m:
                    skip = m.end()
                elif _BLOCK_TAG.match(s, i):
                    barriers.append(i)
            elif token == "??":
                if i + 2 >= n or not wordy(s[i + 2]):
                    closers["??"].append(i)
                skip = i + 2
            elif first == "}":  # a "}" followed by "}": "}}" closes monospace
                if i + 2 >= n or not wordy(s[i + 2]):
                    closers["}}"].append(i)
            elif i + 1 >= n or not wordy(s[i + 1]):
                closers[first].append(i)
        if self.bare_urls:
            self.urls = [m.start() for m in _URL_STARTS.finditer(s)]
        self.closers = closers

    def find_close(self, symbol: str, start: int, limit: int) -> int | None:
        """Where the effect opened before ``start`` closes: the first closing symbol
        before the next line end, or None (also when a space stands before it)."""
        found = self.closers[symbol]
        k = bisect.bisect_left(found, start)
        if k >= len(found):
            return None
        pos = found[k]
        b = bisect.bisect_left(self.barriers, start)
        if b < len(self.barriers) and self.barriers[b] < pos:
            return None
        if pos + len(symbol) > limit or pos == start or self.s[pos - 1] == " ":
            return None
        return pos

    def limit(self) -> int:
        return self.frames[-1].end if self.frames else len(self.s)

    def marks(self) -> tuple[Json, ...]:
        """The marks of text here: the innermost effect of each kind wins."""
        seen: dict[str, Json] = {}
        for frame in reversed(self.frames):
            if frame.mark is not None and frame.mark["type"] not in seen:
                seen[frame.mark["type"]] = frame.mark
        return tuple(reversed(list(seen.values())))

    def flush(self) -> None:
        if self.buf:
            value = "".join(self.buf)
            self.buf.clear()
            if value:
                self.out.append(_text(value, self.marks()))

    def emit(self, node: Json) -> None:
        self.flush()
        self.out.append(node)

    def run(self) -> list[Json]:
        s = self.s
        n = len(s)
        i = 0
        line_start = True
        while i < n:
            while self.frames and self.frames[-1].end == i:
                self.flush()
                frame = self.frames.pop()
                i += frame.skip
            if i >= n:
                break
            ch = s[i]
            if line_start:
                line_start = False
                while i < n and s[i] in " \t":
                    i += 1
                continue
            if ch not in _SPECIAL:
                # a run of plain text up to the next special character, effect end or
                # address: one slice, not a step per character
                plain = _PLAIN.match(s, i)
                stop = plain.end() if plain else i
                if self.frames:
                    stop = min(stop, self.frames[-1].end)
                k = bisect.bisect_left(self.urls, i)
                if k < len(self.urls) and self.urls[k] < stop:
                    stop = self.urls[k]
                if stop > i:
                    self.buf.append(s[i:stop])
                    i = stop
                    continue
            if ch == "\n":
                # a line end: a break inside the paragraph, none where a block follows
                self.emit({"type": "hardBreak", "soft": True})
                i += 1
                line_start = True
                continue
            if ch == "\\":
                i = self.backslash(i)
                continue
            if ch == "[" and (m := _LINK.match(s, i)) and m.end() <= self.limit():
                self.link(m.group(1), m.group(0))
                i = m.end()
                continue
            if ch == "!" and (end := self.opens("!", i)) is not None:
                self.image(s[i + 1 : end])
                i = end + 1
                continue
            if ch == "{":
                handled = self.brace(i)
                if handled is not None:
                    i = handled
                    continue
            if self.bare_urls and ch in "hfim" and s.startswith(_URL_START, i):
                handled = self.bare_url(i)
                if handled is not None:
                    i = handled
                    continue
            if ch == "-":
                handled = self.dashes(i)
                if handled is not None:
                    i = handled
                    continue
            if ch in ":;(":
                handled = self.emoticon(i)
                if handled is not None:
                    i = handled
                    continue
            symbol = "??" if s.startswith("??", i) else ch
            if symbol in EFFECTS and (end := self.opens(symbol, i)) is not None:
                self.flush()
                mtype, attrs = EFFECTS[symbol]
                mark: Json = {"type": mtype}
                if attrs:
                    mark["attrs"] = dict(attrs)
                self.frames.append(_Frame(end, len(symbol), mark))
                i += len(symbol)
                if symbol == "??":
                    self.buf.append("\u2014 ")
                continue
            self.buf.append(ch)
            i += 1
        while self.frames:
            self.flush()
            self.frames.pop()
        self.flush()
        return _merge(self.out)

    def opens(self, symbol: str, i: int) -> int | None:
        """Where the effect opening at ``i`` closes, or None if it does not open."""
        s = self.s
        if i > 0 and wordy(s[i - 1]):
            return None
        after = i + len(symbol)
        if after >= len(s) or s[after] == " " or s.startswith(symbol, after):
            return None  # "**" is no empty effect: the first symbol is text
        return self.find_close(symbol, after, self.limit())

    def backslash(self, i: int) -> int:
        s = self.s
        if s.startswith("\\\\", i):
            # a forced line break, unless more backslashes follow in the same word
            j = i + 2
            while j < len(s) and not s[j].isspace() and s[j] != "\\":
                j += 1
            if (i == 0 or s[i - 1] != "\\") and not (j < len(s) and s[j] == "\\"):
                self.emit({"type": "hardBreak"})
                return i + 2
            self.buf.append("\\\\")
            return i + 2
        if i + 1 >= len(s):
            self.buf.append("\\")
            return i + 1
        nxt = s[i + 1]
        if nxt not in ESCAPABLE or (i > 0 and s[i - 1] == "\\"):  # after "\\": no escape
            self.buf.append("\\")
        if nxt == "\n":
            return i + 1
        self.buf.append(nxt)
        return i + 2

    def brace(self, i: int) -> int | None:
        s = self.s
        if s.startswith("{{", i) and (end := self.opens_code(i)) is not None:
            self.emit(_text(_unescape(s[i + 2 : end]), ({"type": "code"},)))
            return end + 2
        anchor = _ANCHOR.match(s, i)
        if anchor:  # a link target Jira draws nothing for: gone, as in the transformer
            return anchor.end()
        m = _COLOR_OPEN.match(s, i)
        if m:
            close = s.find("{color}", m.end(), self.limit())
            if close < 0:  # an unclosed colour tag is dropped, as the transformer does
                return m.end()
            color = _text_color(next(iter(_params(m.group(1) or "")), ""))
            self.flush()
            mark = {"type": "textColor", "attrs": {"color": color}}
            self.frames.append(_Frame(close, len("{color}"), mark))
            return m.end()
        for sym, mtype in (("{*}", "*"), ("{_}", "_"), ("{-}", "-"), ("{+}", "+")):
            if s.startswith(sym, i):
                close = s.find(sym, i + 3, self.limit())
                if close > i + 3 and "\n" not in s[i + 3 : close]:
                    self.flush()
                    mark_type, _attrs = EFFECTS[mtype]
                    self.frames.append(_Frame(close, 3, {"type": mark_type}))
                    return i + 3
        return None

    def opens_code(self, i: int) -> int | None:
        s = self.s
        if i > 0 and wordy(s[i - 1]):
            return None
        if i + 2 >= len(s) or s[i + 2] == " ":
            return None
        return self.find_close("}}", i + 2, self.limit())

    def bare_url(self, i: int) -> int | None:
        s = self.s
        m = _BARE_URL.match(s, i, self.limit())
        if not m:
            return None
        whole = m.group(0).rstrip(_BAD_URL_END)
        if len(whole) <= len(m.group(1)):
            return None
        from adfkit.validator import _url_problem

        url = _normalized(_unescape_all(whole))
        if _url_problem(url) is not None:
            return None
        shown = whole[len(m.group(1)) :] if m.group(1).lower() == "mailto:" else whole
        marks = (*self.marks(), {"type": "link", "attrs": {"href": url}})
        self.emit(_text(shown, marks))
        return i + len(whole)

    def dashes(self, i: int) -> int | None:
        s = self.s
        j = i
        while j < len(s) and s[j] == "-":
            j += 1
        run = j - i
        before_ok = s[i - 1].isspace() if i else not self.precede
        after_ok = s[j].isspace() if j < len(s) else not self.follow
        if not self.en_dashes or self.frames:  # text effects keep "--" as written
            before_ok = False
        if run >= 4:
            self.buf.append(s[i:j])
            return j
        if run in (2, 3):
            if before_ok and after_ok:
                self.buf.append("\u2013" if run == 2 else "\u2014")
            else:
                self.buf.append(s[i:j])
            return j
        return None

    def emoticon(self, i: int) -> int | None:
        s = self.s
        for size in range(2, 10):
            candidate = s[i : i + size]
            if len(candidate) < size:
                return None
            found = EMOTICONS.get(candidate)
            if found is not None:
                nxt = s[i + size] if i + size < len(s) else ""
                if nxt == "" or not (nxt.isascii() and nxt.isalnum()):
                    emoji_id, short, text = found
                    attrs = {"shortName": short, "id": emoji_id, "text": text}
                    self.emit({"type": "emoji", "attrs": attrs})
                    return i + size
        return None

    def link(self, inner: str, whole: str) -> None:
        body, _sep, rest = _split_link(inner)
        target, _sep2, title = rest.partition("|")
        target = target.strip()
        title = title.strip()
        if target.startswith("^") and len(target) > 1:
            self.emit(self.file_media(target[1:].strip(), group=True))
            return
        if target.startswith("~"):
            who = target[1:]
            if who.lower().startswith(_ACCOUNT_PREFIX):
                who = who[len(_ACCOUNT_PREFIX) :]
            who = self.reader.mentions.get(who.lower(), who).strip()
            if who:
                self.emit({"type": "mention", "attrs": {"id": who}})
                return
        from adfkit.validator import _url_problem

        smart = ("smart-link", "smart-card", "block-link", "smart-embed")
        if title in smart and target and _url_problem(target) is None:
            kind = {"smart-link": "inlineCard", "smart-embed": "embedCard"}.get(title, "blockCard")
            attrs: Json = {"url": target}
            if kind == "embedCard":
                attrs["layout"] = "center"
            self.emit({"type": kind, "attrs": attrs})
            return
        if target and _url_problem(target) is None and not target.startswith("/"):
            label = body if body is not None else target
            if label.startswith("mailto:"):
                label = label[len("mailto:") :]
            mark = {"type": "link", "attrs": {"href": target}}
            nested = _Inline(self.reader, label, dashes=False, follow="", urls=False)
            nested.frames = []
            nodes = nested.run() or [_text(label, ())]
            for node in nodes:
                if node.get("type") == "text":
                    node = _with_outer(node, (*self.marks(), mark))
                self.emit(node)
            return
        # Not a link Jira can follow (relative, unsafe): the text stays as written.
        self.buf.append(whole)

    def image(self, inner: str) -> None:
        name, _sep, raw = inner.partition("|")
        raw = raw.split("|", 1)[0]
        attrs: dict[str, str] = {}
        for part in raw.split(","):
            key, _s, value = part.partition("=")
            key = key.strip()
            if key and key not in attrs:
                attrs[key] = value.strip()
        name = name.strip()
        from adfkit.validator import _url_problem

        if _BARE_URL.match(name):
            if _url_problem(name) is not None:
                self.buf.append("!" + inner + "!")
                return
            media: Json = {"type": "media", "attrs": {"type": "external", "url": name}}
        else:
            media = self.file_media(name, group=False)
        single: Json = {"type": "mediaSingle", "attrs": {"layout": "center"}}
        width = attrs.get("width", "")
        size = _leading_int(width)
        if width.endswith("%") and size is not None:
            single["attrs"]["width"] = max(0, min(100, size))
        else:
            media["attrs"]["width"] = size if size is not None else _MEDIA_WIDTH
            height = _leading_int(attrs.get("height", ""))
            media["attrs"]["height"] = height if height is not None else _MEDIA_HEIGHT
        if attrs.get("alt"):
            media["attrs"]["alt"] = _unquote(attrs["alt"])
        href = _unquote(attrs.get("href", ""))
        if href and _url_problem(href) is None:
            media["marks"] = [{"type": "link", "attrs": {"href": href}}]
        single["content"] = [media]
        self.emit(single)

    def file_media(self, name: str, *, group: bool) -> Json:
        resolved = self.reader.resolve(name) if self.reader.resolve else None
        media: Json = {
            "type": "media",
            "attrs": {"type": "file", "id": resolved or name, "collection": ""},
        }
        if group:
            return {"type": "mediaGroup", "content": [media]}
        return media


def _with_outer(node: Json, outer: tuple[Json, ...]) -> Json:
    """Outer marks added to a text from inside a link, inner ones winning."""
    marks = list(node.get("marks", []))
    if any(m["type"] == "code" for m in marks):
        keep = [m for m in outer if m["type"] == "link"]
        outer = tuple(keep)
    have = {m["type"] for m in marks}
    merged = [*marks, *(m for m in outer if m["type"] not in have)]
    return _text(node["text"], tuple(merged))


def _split_link(inner: str) -> tuple[str | None, str, str]:
    """``text|target|title`` -> (text or None, "|", "target|title"); a ``|`` inside an
    ``!image!`` in the text does not split."""
    bar = inner.find("|")
    if bar < 0:
        return None, "", inner
    bang = inner.find("!")
    if bang < 0 or bang > bar or inner.rfind("!") == bang:
        return (inner[:bar] or None), "|", inner[bar + 1 :]
    inside = False
    for k, ch in enumerate(inner):
        if ch == "!":
            inside = not inside
        elif ch == "|" and not inside:
            return (inner[:k] or None), "|", inner[k + 1 :]
    return None, "", inner


def _text_color(value: str) -> str:
    """A ``{color:...}`` value as ``#rrggbb``: a CSS name, ``#rgb``, ``#rrggbb`` or
    ``rgb(...)``; anything else (hex without ``#`` too) is black, as in the transformer."""
    hexed = css_color(value)
    if hexed is None or not (value.startswith(("#", "rgb")) or value.lower() in CSS_COLORS):
        return "#000000"
    return hexed


def _normalized(url: str) -> str:
    """A bare web address as browsers' URL parser writes it, for the common cases
    Atlassian's transformer meets through it: the scheme and host in lower case and
    ``/`` for an empty path (``http://X.com`` -> ``http://x.com/``); the rest as is."""
    m = _WEB_ADDRESS.match(url)
    if m is None:
        return url
    scheme, authority, rest = m.groups()
    rest = rest.replace("\\", "/")  # as browsers read a web address
    user, at, host = authority.rpartition("@")
    return scheme.lower() + user + at + host.lower() + (rest if rest[:1] == "/" else "/" + rest)


_WEB_ADDRESS = re.compile(r"((?:https?|ftps?)://)([^/?#]+)(.*)", re.IGNORECASE | re.DOTALL)


def _leading_int(value: str) -> int | None:
    digits = ""
    for ch in value.strip():
        if not ch.isdigit() or not ch.isascii():
            break
        digits += ch
    if not digits:
        return None
    return min(int(digits[:9]), 2**31 - 1)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 3 and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value


def _unescape(value: str) -> str:
    """Backslash escapes as Jira reads them: ``\\\\*`` is ``*``; ``\\\\a`` stays."""
    if "\\" not in value:
        return value
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            if value[i + 1] not in ESCAPABLE or (i > 0 and value[i - 1] == "\\"):
                out.append(ch)
            out.append(value[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unescape_all(url: str) -> str:
    return re.sub(r"\\(.)", r"\1", url)


def _merge(nodes: list[Json]) -> list[Json]:
    """Adjacent texts with the same marks as one node."""
    out: list[Json] = []
    for node in nodes:
        if node.get("type") == "text":
            if not node["text"]:
                continue
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.get("type") == "text"
                and prev.get("marks") == node.get("marks")
            ):
                out[-1] = {**prev, "text": prev["text"] + node["text"]}
                continue
        out.append(node)
    return out
