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
2. *inline* (``inline.py``): a paragraph's text is cut into atoms (an escape, a
   ``[link]``, a ``{color}`` tag, a character), every possible closing symbol is indexed
   once, and a stack of open text effects is kept while the atoms are read left to right.

Nothing recurses on the input's depth: list nesting is a stack, text effects are a
stack; a ``{quote}`` ends at the first ``{quote}``, so it holds no other quote, and
macros (and a table cell's reader) nest at most a fixed few levels deep. The natural
ADF then goes through ``adfkit.repair`` and the validator as every reader's does, so
the result is valid.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adfkit.formats.wiki.inline import (
    COLOR_OPEN,
    LINK,
    Inline,
    MediaResolver,
    params,
    text_node,
)
from adfkit.formats.wiki.syntax import (
    BLOCK_TAG,
    CODE_LANGUAGES,
    closest_panel_type,
)
from adfkit.repair import repair_document

__all__ = ["from_wiki"]

Json = dict[str, Any]

_MAX_NESTING = 8
_MAX_CELL_DEPTH = 4
_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")
_HEADING = re.compile(r"h([1-6])\.")
_RULE = re.compile(r"-{4,5}(?=\s|$)")
_LIST = re.compile(r"([*#]{1,20}|-) ")
_LIST_CONT = re.compile(r" *([*#-]{1,20}) ")
_ANY_TAG = re.compile(r"\{(code|noformat|quote|panel|color)\}", re.IGNORECASE)
_GRAY = "#97a0af"  # a heading inside a quote: Atlassian's transformer greys h4-h6


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
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark is no text (as from_markdown and the CLI)
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
    quoting: int = 0  # "bq." lines open around the text being read (in list items)
    openers: list[int] = field(init=False)
    closers: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        # Every block-macro opening tag and every closing tag, found once: each macro then
        # finds its end with a binary search instead of a rescan of the rest of the text.
        self.openers = [m.start() for m in BLOCK_TAG.finditer(self.text)]
        self.closers = {}
        for m in _ANY_TAG.finditer(self.text):
            self.closers.setdefault(m.group(0), []).append(m.start())

    def next_opener(self, start: int, end: int) -> re.Match[str] | None:
        i = bisect.bisect_left(self.openers, start)
        while i < len(self.openers) and self.openers[i] < end:
            pos = self.openers[i]
            # "\\{code}" is escaped; "{{code}}" is monospace, not a macro
            if pos == 0 or self.text[pos - 1] not in "\\{":
                return BLOCK_TAG.match(self.text, pos)
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

    def starts_block(self, lead: int, line_end: int) -> bool:
        """Whether ``line_block`` (lists and tables allowed) reads a block at ``lead``:
        its first characters decide, so the block need not be read to know."""
        text = self.text
        first = text[lead]
        return bool(
            (first == "h" and _HEADING.match(text, lead, line_end))
            or (first == "b" and text.startswith("bq.", lead, line_end))
            or (first == "-" and _RULE.match(text, lead, line_end))
            or (first in "*#-" and _LIST.match(text, lead, line_end))
            or first == "|"
        )

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
                body_start < line_end and self.starts_block(body_start, line_end)
            ):
                heading = self.heading(int(m.group(1)), text[body_start:line_end])
                if heading is not None:
                    return line_end + 1, [heading]
            # A heading cannot hold a block: Atlassian's transformer then drops the
            # "hN." and reads the rest of the line as a paragraph's.
            return body_start
        if first == "b" and text.startswith("bq.", lead, line_end):
            # The rest of the line reads as blocks (a rule, a list, a macro), then quoted.
            # "bq. bq. x" quotes a quote, which a quote cannot hold: the same as one
            # "bq.", so the prefixes are skipped in a loop, not read one inside the other.
            if self.quoting >= _MAX_NESTING:
                # "* bq. * bq. ..." nests a list in a quote in a list on one line: past
                # this depth the rest of the line stays text, as deep macros do.
                return lead
            while text.startswith("bq.", lead, line_end):
                lead += 3
                while lead < line_end and text[lead] in " \t":
                    lead += 1
            self.quoting += 1
            try:
                return line_end + 1, _quote(self.blocks(lead, line_end))
            finally:
                self.quoting -= 1
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
        options = params(opening.group(2) or "")
        tag = "{" + opening.group(1) + "}"
        body_start = opening.end()
        close = self.closer(tag, body_start, end)
        body_end = body_start if close is None else close
        after = body_start if close is None else close + len(tag)
        title = options.get("title")
        head: list[Json] = []
        if title:
            head = [{"type": "paragraph", "content": [text_node(title, ({"type": "strong"},))]}]
        if name in ("code", "noformat"):
            code = self.text[body_start:body_end].strip()
            node: Json = {"type": "codeBlock"}
            if name == "code":
                node["attrs"] = {"language": _language(options)}
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
        panel_attrs = {"panelType": closest_panel_type(options.get("bgcolor"))}
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
        inline = Inline(self, body, dashes=dashes and self.dashes, follow=follow)
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
        if ch == "[" and (m := LINK.match(line, i)):
            i = m.end()
            continue
        if ch == "{" and (m := COLOR_OPEN.match(line, i) or BLOCK_TAG.match(line, i)):
            # a macro's bars are not cells: skip its tag, and its body when it closes in
            # the row (a tag that found no closer once finds none further on)
            close = -1
            tag = "{" + (m.group(1) or "") + "}"
            if m.re is BLOCK_TAG and tag not in unclosed:
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


def _language(params: dict[str, str]) -> str:
    for key in params:
        if key in CODE_LANGUAGES:
            return key
    if "objc" in params:
        return "objective-c"
    return "java"
