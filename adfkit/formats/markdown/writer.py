"""ADF to GitHub-flavoured Markdown (and the layout that plain text shares).

``to_markdown`` writes every node and mark; what Markdown cannot express falls back to
the nearest thing that keeps the text (listed in ``docs/markdown.md``): a panel becomes
a GitHub alert, an expand ``<details>``, a status ``[TEXT]``, a date its ISO day, a
mention its display name; underline and colours are dropped, their text kept. Text is
escaped so that ``from_markdown(to_markdown(d)) == d`` on the Markdown-expressible part
of ADF, and ``to_markdown(from_markdown(m))`` is a fixed point after one pass.

``adfkit.formats.text`` writes the same layout without any markup (``plain=True`` here):
what a person would copy.

Both refuse an invalid document (``InvalidDocument``); both handle any depth: the
writer walks the tree with an explicit stack (each block handler is a generator that
yields the children it needs written and receives their lines), so no input depth can
reach Python's recursion limit.

Every string that comes from an attribute (emoji short names, card URLs, code-block
languages, status, mention and placeholder texts, alt texts, link titles, expand
titles) is escaped, and its line ends folded to spaces, so that a GFM renderer sees the
document's own blocks and no HTML element the document did not ask for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from adfkit.errors import InvalidDocument
from adfkit.formats.common import iso_day
from adfkit.formats.html.writer import cell_attributes
from adfkit.repair import text_of

if TYPE_CHECKING:
    from adfkit.document import Document

__all__ = ["render", "to_markdown"]

Json = dict[str, Any]

PANEL_ALERTS = {
    "info": "NOTE",
    "note": "IMPORTANT",
    "tip": "TIP",
    "success": "TIP",
    "warning": "WARNING",
    "error": "CAUTION",
    "custom": "NOTE",
}
"""ADF panel type -> GitHub alert kind (``success`` and ``custom`` have no alert of
their own)."""

# Characters escaped wherever they stand, and those escaped only where they would
# start something: an entity, an emoji shortcode, a mention, an image. An underscore
# between two letters or digits starts nothing (GFM: no intraword emphasis with "_"),
# so "my_page_name" stays as it is.
# The last three keep text that only looks like an address from being linked on the
# way back: GFM links "https://", "www." and e-mail addresses found in text.
_ESCAPE = re.compile(
    r"[\\`*\[\]<|~]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)|:(?=[a-z0-9_+-]+:)"
    r"|(?<![\w@.])@(?=\w)|!(?=\[)"
    r"|(?:(?<=[Hh][Tt][Tt][Pp])|(?<=[Hh][Tt][Tt][Pp][Ss])):(?=//)"
    r"|(?<=(?<![\w/.@:])www)\."
    r"|(?<=[A-Za-z0-9._+-])@(?=[A-Za-z0-9_-]+\.[A-Za-z0-9_-])"
)
# Every ASCII punctuation character: attribute strings are escaped wholesale.
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_LINE_START = re.compile(r"^([-+=>#]|\d+[.)])")
_FOLD = re.compile(r"[ \t\n\r\f\v]+")
_LISTS = frozenset({"bulletList", "orderedList", "taskList"})
MAX_NESTING = 32
"""Lists and quotes nested deeper than this are written without further indentation
(GitHub's renderer, like mistune, stops nesting long before)."""
_LIST_FAMILY = {"bulletList": "bullet", "taskList": "bullet", "orderedList": "ordered"}
_SETEXT_LINE = re.compile(r" {0,3}(?:-+|=+)[ \t]*$")
_SPACED_BREAK = re.compile(r"[ \t]*\0[ \t]*")
_HARD_BREAK_SPACES = re.compile(r"(?<!\\)[ \t]+\\$")
_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f\x7f]*")
_STYLE_TAGS = {
    "strong": ("<strong>", "</strong>"),
    "em": ("<em>", "</em>"),
    "strike": ("<del>", "</del>"),
}


class _Blocks:
    """A request, yielded by a block handler: write these blocks and send the lines."""

    __slots__ = ("nodes", "tight")

    def __init__(self, nodes: list[Json], *, tight: bool = False) -> None:
        self.nodes = nodes
        self.tight = tight


class _Indent:
    """Lines written under prefixes: ``first`` before the first line, ``rest`` before the
    others (a list marker and its hanging indent; "> " twice for a quote). Handlers nest
    these instead of prefixing every line below them at every level, and ``_flatten``
    writes each line once with all its prefixes, so the work stays linear at any depth."""

    __slots__ = ("body", "first", "rest")

    def __init__(self, first: str, rest: str, body: list[Line]) -> None:
        self.first = first
        self.rest = rest
        self.body = body


Line = str | _Indent
Request = _Blocks | Json
Lines = Generator[Request, list[Line], list[Line]]


def _lines(strings: Iterable[str]) -> list[Line]:
    return list(strings)


def _flatten(lines: list[Line]) -> list[str]:
    """The text lines, each with the prefixes of the ``_Indent`` blocks around it; a
    blank line keeps its prefixes without their trailing spaces (">", "-")."""
    out: list[str] = []
    stack: list[tuple[Iterator[Line], str]] = [(iter(lines), "")]  # (items, first prefix)
    rests = [""]  # the rest prefixes of the open blocks, joined, by depth
    unused = 1  # the open blocks from this depth on have not written their first line
    while stack:
        item = next(stack[-1][0], None)
        if item is None:
            stack.pop()
            rests.pop()
            unused = min(unused, len(stack))
        elif isinstance(item, _Indent):
            stack.append((iter(item.body), item.first))
            rests.append(rests[-1] + item.rest)
        else:
            prefix = rests[unused - 1] + "".join(first for _, first in stack[unused:])
            unused = len(stack)
            out.append(prefix + item if item else prefix.rstrip(" "))
    return out


def to_markdown(doc: Document) -> str:
    """GitHub-flavoured Markdown for a valid ADF document."""
    return render(doc, plain=False)


def render(doc: Document, *, plain: bool, link_urls: bool = True) -> str:
    """The document's blocks as lines: Markdown, or with ``plain`` the same layout with no
    markup (``link_urls``: a link's address after its text when the two differ).
    Refuses an invalid document (``InvalidDocument``)."""
    from adfkit.document import as_json
    from adfkit.validator import iter_errors

    tree: Json = as_json(doc)  # a built node or a dict
    errors = list(iter_errors(tree))
    if errors:
        raise InvalidDocument(errors)
    writer = _Writer(plain=plain, link_urls=link_urls)
    lines = _flatten(writer.run(_Blocks(tree.get("content") or [])))
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


class _Writer:
    """Block rendering returns lines; containers prefix their children's lines.

    Handlers are generators: ``lines = yield child`` (a node, or ``_Blocks``) asks
    :meth:`run` to write a child, which it does on its own stack, not Python's."""

    def __init__(self, *, plain: bool, link_urls: bool = True) -> None:
        self.plain = plain
        self.link_urls = link_urls
        self.alternate = False
        self.level = 0  # how many lists and quotes enclose the block being written

    def nested(self, request: Request) -> Lines:
        """The lines of a child one nesting level down."""
        self.level += 1
        try:
            return (yield request)
        finally:
            self.level -= 1

    @property
    def indenting(self) -> bool:
        """Whether children are still indented (or quoted) under their parent: past
        ``MAX_NESTING`` levels they are written flush, so a deep document gives output
        proportional to its size, not to its size times its depth."""
        return self.level < MAX_NESTING

    def run(self, request: Request) -> list[Line]:
        stack: list[Lines] = [self.start(request)]
        value: list[Line] | None = None
        while True:
            try:
                child = stack[-1].send(value)  # type: ignore[arg-type]
            except StopIteration as done:
                stack.pop()
                if not stack:
                    return done.value  # type: ignore[no-any-return]
                value = done.value
                continue
            stack.append(self.start(child))
            value = None

    def start(self, request: Request) -> Lines:
        if isinstance(request, _Blocks):
            return self.blocks(request.nodes, tight=request.tight)
        handler = getattr(self, f"b_{request['type']}", None)
        if handler is None:
            return self.blocks(request.get("content") or [])
        return handler(request)  # type: ignore[no-any-return]

    # --- blocks ----------------------------------------------------------------------

    def blocks(self, nodes: list[Json], *, tight: bool = False) -> Lines:
        out: list[Line] = []
        previous: tuple[str, bool] | None = None  # (list family, alternate marker)
        for index, node in enumerate(nodes):
            family = _LIST_FAMILY.get(node["type"])
            # Two lists in a row would read back as one: the second one switches its
            # marker ("-" to "*", "." to ")"), which CommonMark reads as a new list.
            self.alternate = (
                family is not None
                and previous is not None
                and (previous[0] == family and not previous[1])
            )
            previous = (family, self.alternate) if family is not None else None
            lines = yield node
            if not lines:
                continue
            if out and (not tight or _needs_blank_line(node, nodes, index)):
                out.append("")
            out.extend(lines)
        return out

    def b_paragraph(self, node: Json) -> Lines:
        text = self.inline(node.get("content") or [])
        if not text:
            return []
        if self.plain:
            return _lines(text.split("\n"))
        # Markdown cannot keep spaces at the ends of a paragraph's lines (nor before a
        # hard break): write them as they will read back, so one pass is a fixed point.
        lines = [_HARD_BREAK_SPACES.sub(r"\\", line.strip(" \t")) for line in text.split("\n")]
        # Nor line breaks before the first or after the last text of a paragraph.
        while len(lines) > 1 and lines[-1] == "" and _ends_in_break(lines[-2]):
            lines.pop()
            lines[-1] = lines[-1][:-1].rstrip(" \t")
        while len(lines) > 1 and lines[0] == "\\":
            lines.pop(0)
        # No line of a paragraph may start a block, whatever inline node begins it.
        return [_escape_line_start(line) for line in lines if line] or []
        yield  # a generator: this handler has no children to ask for

    def b_heading(self, node: Json) -> Lines:
        # A heading is one line: a hard break in it is written as the <br> GitHub renders.
        # The break is first written as NUL, which no valid document's text holds, so
        # that only the breaks themselves are found again (not a "<br>" inside a code
        # span, whose spaces are the text's own).
        breaks = " " if self.plain else "\0"
        text = self.inline(node.get("content") or [], breaks=breaks).strip(" \t")
        if self.plain:
            return [text]
        # The reader takes no space around a <br>: none is written, so one pass is a
        # fixed point.
        text = _SPACED_BREAK.sub("<br>", text)
        if re.search(r"(^|\s)#+$", text):  # would read as the optional closing sequence
            text = text[: text.rindex("#")] + "\\#"
        return [f"{'#' * int(node['attrs']['level'])} {text}".rstrip()]
        yield

    def b_rule(self, node: Json) -> Lines:
        return ["---"] if not self.plain else ["----"]
        yield

    def b_codeBlock(self, node: Json) -> Lines:
        code = "".join(c.get("text", "") for c in node.get("content") or [])
        if self.plain:
            return _lines(code.split("\n"))
        language = _info_string((node.get("attrs") or {}).get("language") or "")
        # A backtick fence cannot carry an info string with a backtick: use tildes.
        char = "~" if "`" in language else "`"
        longest = max((len(run) for run in re.findall(f"{re.escape(char)}+", code)), default=0)
        fence = char * max(3, longest + 1)
        if language.startswith(char):  # it would lengthen the opening fence: escaped
            language = "\\" + language
        return [fence + language, *code.split("\n"), fence] if code else [fence + language, fence]
        yield

    def b_blockquote(self, node: Json) -> Lines:
        return self.quote((yield from self.nested(_Blocks(node.get("content") or []))))

    def quote(self, lines: list[Line]) -> list[Line]:
        if self.plain or not self.indenting:
            return lines
        if not lines:
            return [">"]  # an empty quote is still a quote
        return [_Indent("> ", "> ", lines)]

    def b_panel(self, node: Json) -> Lines:
        body = yield from self.nested(_Blocks(node.get("content") or []))
        if self.plain:
            return body
        kind = PANEL_ALERTS.get(node["attrs"].get("panelType", "info"), "NOTE")
        content = node.get("content") or []
        if body and (
            _SETEXT_LINE.match(_first_line(body[0]))
            or _needs_blank_line(content[0], [{"type": "paragraph"}, content[0]], 1)
        ):
            # "[!NOTE]" is a paragraph's line: right under it, "-" (an empty list
            # item) would underline it as a heading, and a list that cannot interrupt
            # a paragraph would join it; a blank quote line keeps the two apart
            return self.quote([f"[!{kind}]", "", *body])
        return self.quote([f"[!{kind}]", *body])

    def b_expand(self, node: Json) -> Lines:
        title = _fold((node.get("attrs") or {}).get("title") or "").strip()
        body = yield _Blocks(node.get("content") or [])
        if self.plain:
            return [title, *body] if title else body
        # The title is folded to one line (a blank line would end the HTML block) and
        # HTML-escaped: it reads back as the same plain title.
        summary = f"<summary>{_html_escape(title)}</summary>" if title else ""
        return ["<details>", *([summary] if summary else []), "", *body, "", "</details>"]

    b_nestedExpand = b_expand

    def b_bulletList(self, node: Json) -> Lines:
        bullet = "* " if self.alternate else "- "
        return (yield from self.items(node.get("content") or [], lambda n: bullet))

    def b_orderedList(self, node: Json) -> Lines:
        start = int((node.get("attrs") or {}).get("order", 1))
        delimiter = ")" if self.alternate else "."
        return (
            yield from self.items(node.get("content") or [], lambda n: f"{start + n}{delimiter} ")
        )

    def items(self, items: list[Json], marker: Callable[[int], str]) -> Lines:
        # Tight unless an item holds more than one paragraph-like block: ADF does not
        # record looseness, and a tight list reads back to the same nodes.
        loose = any(
            sum(1 for b in i.get("content") or [] if b["type"] not in _LISTS) > 1 for i in items
        )
        out: list[Line] = []
        for n, item in enumerate(items):
            content = item.get("content") or []
            lines = (yield from self.nested(_Blocks(content, tight=not loose))) or [""]
            if content and content[0]["type"] in _LISTS and not self.plain:
                # "- - x" would read as a rule or lose the nesting: the inner list
                # starts on the next line.
                lines = ["", *lines]
            if out and loose:
                out.append("")
            out.extend(self.hang(marker(n), lines))
        return out

    def hang(self, marker: str, lines: list[Line]) -> list[Line]:
        """``marker`` before the first line, the rest indented under it."""
        return [_Indent(marker, " " * len(marker) if self.indenting else "", lines)]

    def b_taskList(self, node: Json) -> Lines:
        bullet = "* " if self.alternate else "- "
        self.alternate = False
        out: list[Line] = []
        lines: list[Line]
        for child in node.get("content") or []:
            if child["type"] == "taskList":
                lines = yield from self.nested(child)
                pad = "  " if self.indenting else ""
                out.append(_Indent(pad, pad, lines) if lines else "")
                continue
            done = child["attrs"].get("state") == "DONE"
            box = ("[x] " if done else "[ ] ") if not self.plain else ("☑ " if done else "☐ ")
            if child["type"] == "blockTaskItem":
                lines = (yield _Blocks(child.get("content") or [])) or [""]
            else:
                lines = self.item_lines(child)
            out.extend(self.hang(bullet + box, lines))
        return out

    def b_decisionList(self, node: Json) -> Lines:
        out: list[Line] = []
        for child in node.get("content") or []:
            out.extend(self.hang("- Decision: ", self.item_lines(child)))
        return out
        yield  # a generator: this handler has no children to ask for

    def item_lines(self, item: Json) -> list[Line]:
        """A task's or decision's text as lines. Markdown keeps no spaces at the ends of
        a line (the reader drops them), so none are written: one pass is a fixed point."""
        text = self.inline(item.get("content") or [])
        pieces = text.split("\n")
        if not self.plain:
            pieces = [piece.strip(" \t") for piece in pieces]
        return _lines(_escape_line_start(piece) for piece in pieces)

    def b_table(self, node: Json) -> Lines:
        if not self.plain and not _gfm_holds(node):
            return (yield from self.html_table(node))
        rows: list[list[str]] = []
        for row in node.get("content") or []:
            cells: list[str] = []
            for cell in row.get("content") or []:
                lines = yield _Blocks(cell.get("content") or [], tight=True)
                cells.append(self.cell(_flatten(lines)))
            rows.append(cells)
        if self.plain:
            return ["\t".join(row) for row in rows]
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        aligns = self.alignments(node, width)
        header, *body = rows
        return [
            "| " + " | ".join(header) + " |",
            "|" + "|".join(aligns) + "|",
            *("| " + " | ".join(row) + " |" for row in body),
        ]

    def html_table(self, node: Json) -> Lines:
        """A table GFM's syntax cannot hold (no header row, spans, cells of several
        blocks: raw HTML in a GitHub issue makes such tables) as GitHub renders it:
        HTML tags on lines of their own, each cell's blocks as Markdown between blank
        lines, which the reader reads back as the same table."""
        out: list[Line] = ["<table>"]
        for row in node.get("content") or []:
            out.append("<tr>")
            for cell in row.get("content") or []:
                tag = "th" if cell["type"] == "tableHeader" else "td"
                lines = yield _Blocks(cell.get("content") or [])
                # A blank line even in an empty cell: the table's tags are then never
                # one HTML block, and every cell is read the same way.
                out.extend([f"<{tag}{cell_attributes(cell)}>", "", *lines])
                out.extend(["", f"</{tag}>"] if lines else [f"</{tag}>"])
            out.append("</tr>")
        out.append("</table>")
        return out

    def cell(self, lines: list[str]) -> str:
        """A cell's blocks on one line: a GFM cell holds one line of inline content, so
        lines (and blocks) are joined by ``<br>`` (documented as lossy for blocks)."""
        joiner = " " if self.plain else "<br>"
        if not self.plain:  # a hard break's backslash: the <br> between lines is the break
            lines = [line[:-1] if _ends_in_break(line) else line for line in lines]
        text = joiner.join(line.strip() for line in lines)
        # Every pipe left unescaped (those in code spans) would end the cell.
        return text if self.plain else re.sub(r"(?<!\\)\|", r"\\|", text)

    def alignments(self, table: Json, width: int) -> list[str]:
        """Each column's alignment, from the first of its cells that starts with a
        paragraph (GFM aligns whole columns; an image-only cell says nothing)."""
        rows = table.get("content") or []
        ordered = rows[1:] + rows[:1]  # body rows first: a header may differ
        out: list[str] = []
        for column in range(width):
            align = None
            for row in ordered:
                cells = row.get("content") or []
                blocks = cells[column].get("content") or [] if column < len(cells) else []
                if blocks and blocks[0].get("type") == "paragraph":
                    align = next(
                        (
                            m["attrs"]["align"]
                            for m in blocks[0].get("marks") or []
                            if m["type"] == "alignment"
                        ),
                        None,
                    )
                    break
            out.append({"center": ":-:", "end": "--:"}.get(align or "", "---"))
        return out

    def b_mediaSingle(self, node: Json) -> Lines:
        out: list[Line] = []
        for child in node.get("content") or []:
            out.extend((yield child))
        return out

    def b_mediaGroup(self, node: Json) -> Lines:
        return (yield _Blocks(node.get("content") or [], tight=True))

    def b_media(self, node: Json) -> Lines:
        return [self.media(node)]
        yield

    def media(self, node: Json) -> str:
        attrs = node.get("attrs") or {}
        alt = _fold(attrs.get("alt") or "")
        if attrs.get("type") == "external" and attrs.get("url"):
            if self.plain:
                return alt or attrs["url"]
            image = f"![{_escape(alt)}]({_destination(attrs['url'])})"
            link = next((m for m in node.get("marks") or [] if m["type"] == "link"), None)
            return self.link(image, link) if link is not None else image
        label = alt or str(attrs.get("id", ""))
        return f"[file: {_escape_attribute(label)}]" if not self.plain else label

    def b_caption(self, node: Json) -> Lines:
        text = self.inline(node.get("content") or [])
        return [text if self.plain else f"*{text}*"] if text else []
        yield

    def b_blockCard(self, node: Json) -> Lines:
        url = str((node.get("attrs") or {}).get("url") or "")
        return [url if self.plain else _escape_line_start(self.card(url))] if url else []
        yield

    b_embedCard = b_blockCard

    def card(self, url: str) -> str:
        """A card's URL as an autolink, or as a link when it cannot be one."""
        if _AUTOLINK.fullmatch(url):
            return f"<{url}>"
        return f"[{_escape_attribute(url)}]({_destination(url)})"

    def b_extension(self, node: Json) -> Lines:
        attrs = node.get("attrs") or {}
        key = _escape_attribute(str(attrs.get("extensionKey", "extension")))
        return [f"\\[{key}\\]"] if not self.plain else []
        yield

    def b_syncBlock(self, node: Json) -> Lines:
        return []
        yield

    # --- inline ----------------------------------------------------------------------

    def inline(self, nodes: list[Json], *, breaks: str | None = None) -> str:
        tagged = not self.plain and _styles_touch(nodes)
        parts: list[str] = []
        open_styles: list[str] = []  # with ``tagged``: the style tags open, outermost first
        for i, node in enumerate(nodes):
            kind = node["type"]
            if tagged:
                styles = _styles_of(node)
                keep = 0
                while keep < len(open_styles) and open_styles[keep] in styles:
                    keep += 1
                parts.extend(_STYLE_TAGS[style][1] for style in reversed(open_styles[keep:]))
                del open_styles[keep:]
                for style in styles:
                    if style not in open_styles:
                        parts.append(_STYLE_TAGS[style][0])
                        open_styles.append(style)
                if styles:
                    node = {**node, "marks": [m for m in node["marks"] if m["type"] not in styles]}
            if kind == "text":
                if self.plain:
                    parts.append(
                        self.plain_text(node, nodes[i + 1] if i + 1 < len(nodes) else None)
                    )
                else:
                    before = _edge(nodes[i - 1], last=True) if i else ""
                    after = _edge(nodes[i + 1], last=False) if i + 1 < len(nodes) else ""
                    parts.append(self.marked(node, before, after, spaced=not tagged))
            elif kind == "hardBreak":
                parts.append(breaks if breaks is not None else ("\n" if self.plain else "\\\n"))
            else:
                parts.append(self.inline_node(node))
            if not self.plain and len(parts) > 1 and parts[-1].startswith("["):
                _unbang(parts)
        parts.extend(_STYLE_TAGS[style][1] for style in reversed(open_styles))
        return "".join(parts)

    def plain_text(self, node: Json, following: Json | None) -> str:
        """A text as plain text; the last piece of a link's text is followed by the
        link's address in parentheses when that says more than the text."""
        text: str = node["text"]
        if not self.link_urls:
            return text
        link = _link_of(node)
        if link is None or (following is not None and _link_of(following) == link):
            return text
        href = str((link.get("attrs") or {}).get("href", ""))
        shown = href.removeprefix("mailto:")
        if not href or shown == text.strip() or href == text.strip():
            return text
        return f"{text} ({shown})"

    def inline_node(self, node: Json) -> str:
        attrs = node.get("attrs") or {}
        kind = node["type"]
        if kind == "mention":
            name = _fold(str(attrs.get("text") or f"@{attrs.get('id', '')}"))
            if self.plain:
                return name
            return "@" + _escape(name[1:]) if name.startswith("@") else _escape(name)
        if kind == "emoji":
            short = str(attrs.get("shortName", ""))
            char = str(attrs.get("text") or "")
            if self.plain:
                return _fold(char or short)
            return _emoji(short, char)
        if kind == "date":
            day = iso_day(str(attrs.get("timestamp", "")))
            if self.plain or re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                return day
            return _escape_attribute(day)
        if kind == "status":
            text = _fold(str(attrs.get("text", "")))
            return text if self.plain else f"\\[{_escape_attribute(text)}\\]"
        if kind == "inlineCard":
            url = str(attrs.get("url") or "")
            return (url if self.plain else self.card(url)) if url else ""
        if kind == "placeholder":
            return "" if self.plain else _escape_attribute(str(attrs.get("text", "")))
        if kind == "mediaInline":
            return self.media(node)
        if kind == "inlineExtension":
            key = _escape_attribute(str(attrs.get("extensionKey", "")))
            return "" if self.plain else f"\\[{key}\\]"
        return ""

    def marked(self, node: Json, before: str, after: str, *, spaced: bool = True) -> str:
        """Text with its marks as Markdown. Whitespace stays outside the style
        delimiters (inside a link's brackets); a style that CommonMark would not read
        as emphasis next to these neighbours (``before``, ``after``: the characters
        around the text) is written as the HTML tag GitHub renders for it, so neither
        the style nor the text is lost."""
        # A line end inside a text reads back as a space (a soft break): write it so.
        text: str = node["text"].replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        marks = {m["type"]: m for m in node.get("marks") or []}
        if "code" in marks:
            body = _code_span(text)
            return self.link(body, marks["link"]) if "link" in marks else body
        link = marks.get("link")
        core = text.strip()
        if not core:
            return self.link(_escape(text), link) if link is not None else _escape(text)
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        if not spaced:  # inside style tags: the spaces belong to the text as it is
            core, lead, trail = text, "", ""
        href = str((link.get("attrs") or {}).get("href", "")) if link is not None else ""
        autolink = (
            link is not None
            and text == href
            and not (link.get("attrs") or {}).get("title")
            and _is_autolink(href)
        )
        # Its own address: an autolink, where nothing is escaped.
        body = f"<{href}>" if autolink else _escape(core)
        if not trail and after == "[" and body.endswith("!") and not body.endswith("\\!"):
            body = body[:-1] + "\\!"  # "!" then a "[" from the next text: not an image
        for mark in ("underline", "subsup"):
            if mark in marks:
                open_tag, close_tag = _html_tags(marks[mark])
                body = f"{open_tag}{body}{close_tag}"
        styles = [m for m in ("strike", "em", "strong") if m in marks]
        if styles:
            left = lead[-1:] or ("[" if link is not None else before)
            right = trail[:1] or ("]" if link is not None else after)
            delimited = _flanks(body, left, right, False)
            for style in styles:
                if delimited:
                    delimiter = {"strike": "~~", "em": "*", "strong": "**"}[style]
                    body = f"{delimiter}{body}{delimiter}"
                else:
                    open_tag, close_tag = _STYLE_TAGS[style]
                    body = f"{open_tag}{body}{close_tag}"
        if link is not None and not autolink:
            return self.link(_escape(lead) + body + _escape(trail), link)
        return _escape(lead) + body + _escape(trail)

    def link(self, body: str, mark: Json) -> str:
        attrs = mark.get("attrs") or {}
        href = str(attrs.get("href", ""))
        title = attrs.get("title")
        suffix = f' "{_escape_title(str(title))}"' if title else ""
        return f"[{body}]({_destination(href)}{suffix})"


def _gfm_holds(table: Json) -> bool:
    """Whether GFM's table syntax reads back as this table: a header row, then body
    rows as long as it, every cell one paragraph spanning one column and one row, and
    each column aligned alike (GFM aligns whole columns). Layout, widths and shading
    are in neither form."""
    rows = table.get("content") or []
    width = len(rows[0].get("content") or []) if rows else 0
    aligns: list[object] = [None] * width
    for index, row in enumerate(rows):
        cells = row.get("content") or []
        if len(cells) != width:
            return False
        for column, cell in enumerate(cells):
            if cell["type"] != ("tableHeader" if index == 0 else "tableCell"):
                return False
            blocks = cell.get("content") or []
            if len(blocks) != 1 or blocks[0]["type"] != "paragraph" or _spans(cell):
                return False
            marks = blocks[0].get("marks")
            if index == 0:
                aligns[column] = marks
            elif marks != aligns[column]:
                return False
    return True


def _spans(cell: Json) -> bool:
    attrs = cell.get("attrs") or {}
    return bool(attrs.get("colspan", 1) != 1 or attrs.get("rowspan", 1) != 1)


def _html_tags(mark: Json) -> tuple[str, str]:
    """The HTML tags GitHub renders for a mark Markdown has no syntax for."""
    if mark["type"] == "underline":
        return "<ins>", "</ins>"
    tag = "sup" if (mark.get("attrs") or {}).get("type") == "sup" else "sub"
    return f"<{tag}>", f"</{tag}>"


_STYLE_MARKS = ("strong", "em", "strike")


def _styles_of(node: Json) -> list[str]:
    """The emphasis styles of an inline node, outermost first."""
    if node["type"] != "text" or "marks" not in node:
        return []
    types = {m["type"] for m in node["marks"]}
    return [style for style in _STYLE_MARKS if style in types]


def _styles_touch(nodes: list[Json]) -> bool:
    """Whether two styled texts stand side by side. Markdown delimiters cannot say
    where one style ends and the next (or a nested one) begins there (``**a***b*``,
    ``*a **b** c*`` with its spaces), so such a run is written with GitHub's tags."""
    return any(_styles_of(nodes[i]) and _styles_of(nodes[i + 1]) for i in range(len(nodes) - 1))


def _needs_blank_line(node: Json, nodes: list[Json], index: int) -> bool:
    """Whether ``node`` needs a blank line before it even in a tight list item: a list
    cannot interrupt a paragraph with an ordered list not starting at 1, nor with an
    empty first item (CommonMark 5.3), and a bare marker would underline it."""
    if index == 0 or nodes[index - 1]["type"] != "paragraph" or node["type"] not in _LISTS:
        return False
    if int((node.get("attrs") or {}).get("order", 1)) != 1:
        return True
    # An item written as a bare marker ("-" alone, its nested list below) would read
    # as a setext heading's underline.
    first = (node.get("content") or [{}])[0]
    blocks = first.get("content") or []
    return not blocks or blocks[0].get("type") in _LISTS or not text_of(first).strip()


def _link_of(node: Json) -> Json | None:
    return next((m for m in node.get("marks") or [] if m["type"] == "link"), None)


def _is_autolink(href: str) -> bool:
    """Whether ``<href>`` reads back as a link to exactly ``href`` with ``href`` as its
    text (an address ending in punctuation is written as an ordinary link: GFM leaves
    such punctuation out of an autolink it finds in text)."""
    from adfkit.formats.markdown.reader import _trim_autolink

    return bool(_AUTOLINK.fullmatch(href)) and _trim_autolink(href) == (href, "")


def _emoji(short: str, char: str) -> str:
    """An emoji as its ``:shortcode:`` when that reads back as the same emoji, else its
    character (or its escaped short name)."""
    from adfkit.formats.markdown.reader import EMOJI

    name = short[1:-1] if len(short) > 2 and short[0] == short[-1] == ":" else None
    if name is not None and EMOJI.get(name) == char:
        return short
    return _escape_attribute(char or short)


def _fold(text: str) -> str:
    """An attribute string on one line: every run of whitespace with a line end in it
    becomes one space (a line end there could end the block it stands in)."""
    return (
        _FOLD.sub(" ", text)
        if "\n" in text or "\r" in text or "\f" in text or "\v" in text
        else text
    )


def _escape_attribute(text: str) -> str:
    """An attribute string as literal Markdown text: one line, every ASCII punctuation
    character backslash-escaped, so it can start nothing, wherever it stands."""
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(0), _fold(text))


def _first_line(line: Line) -> str:
    """The text of the first line ``line`` writes, prefixes included (bounded: only as
    deep as the nesting at the very start of a block)."""
    prefix = ""
    while isinstance(line, _Indent):
        prefix += line.first
        if not line.body:
            return prefix.rstrip(" ")
        line = line.body[0]
    return prefix + line if line else prefix.rstrip(" ")


def _unbang(parts: list[str]) -> None:
    """A "!" that ends the text before a link would make the link an image: escaped.
    (Within one text the escaping rules see the pair; across two nodes, this does.)"""
    for i in range(len(parts) - 2, -1, -1):
        if parts[i]:
            before = parts[i]
            body = before[:-1]
            if before.endswith("!") and (len(body) - len(body.rstrip("\\"))) % 2 == 0:
                parts[i] = body + "\\!"  # (an odd run of backslashes escapes it already)
            return


def _escape_line_start(line: str) -> str:
    """``line`` kept from starting a block (a heading, a quote, a list item ...), and
    from reading as blank: a line of other spaces (U+3000, U+00A0 ...) starts with
    an entity, or the reader would take the paragraph, or a list item, for empty."""
    if line and all(unicodedata.category(char) == "Zs" for char in line):
        return f"&#{ord(line[0])};{line[1:]}"
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)


def _info_string(language: str) -> str:
    """A code block's language as an info string: one word (whitespace, line ends
    included, becomes "-"), with backslashes and ampersands escaped, so it reads back
    as the same language and never ends the fence line."""
    word = re.sub(r"\s+", "-", language.strip()).replace("\\", "\\\\")
    return word.replace("&", "&amp;")  # the reader decodes entities in the info string


def _edge(node: Json, *, last: bool) -> str:
    """The character a neighbouring inline node shows next to a text, as far as the
    emphasis rules care: whitespace, punctuation, or "a" for anything else."""
    if node["type"] == "hardBreak":
        return "\n"
    if node["type"] != "text":
        return "a"
    if any(
        m["type"] in ("strong", "em", "strike", "code", "link") for m in node.get("marks") or []
    ):
        return "*"  # it is written with a delimiter on that side
    text = node["text"]
    return (text[-1] if last else text[0]) if text else ""


def _ends_in_break(line: str) -> bool:
    """Whether ``line`` ends in the backslash of a hard break (not an escaped one)."""
    stripped = line.rstrip("\\")
    return (len(line) - len(stripped)) % 2 == 1


def _punctuation(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "PS"


def _flanks(body: str, before: str, after: str, in_link: bool) -> bool:
    """Whether ``*body*`` reads as emphasis between ``before`` and ``after``
    (CommonMark's left- and right-flanking rules; a link's brackets count as
    punctuation around it)."""
    if in_link:
        before, after = "[", "]"
    first, last = body[0], body[-1]
    if first.isspace() or last.isspace():
        return False
    if _punctuation(first) and not (not before or before.isspace() or _punctuation(before)):
        return False
    return not (_punctuation(last) and not (not after or after.isspace() or _punctuation(after)))


def _escape(text: str) -> str:
    return _ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    """A character escaped: with a backslash, or, for the characters the reader looks
    for after decoding (a shortcode's colon, an address's "@" or "www."), as an entity,
    which the reader leaves as text."""
    char = match.group(0)
    if char in ":@.":
        return f"&#{ord(char)};"
    return "\\" + char


def _escape_lines(text: str) -> str:
    """Escaped text that cannot start a block at the start of a line."""
    # A backslash only escapes punctuation: "2." is kept from being a list as "2\.".
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], _escape(text))


def _escape_title(title: str) -> str:
    """A link title between double quotes: one line, quotes and backslashes escaped,
    and ``&`` written as an entity (the reader decodes entities in titles)."""
    folded = _fold(title)
    return folded.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def _destination(url: str) -> str:
    """A link destination that survives parsing: angle brackets when it has spaces or
    parentheses."""
    # An entity-like run would be decoded on the way back: its "&" is written as one.
    url = re.sub(r"&(?=#?\w+;)", "&amp;", url).replace("\\", "%5C")
    if re.search(r"[\s()<>]", url):
        for char, code in (("<", "%3C"), (">", "%3E"), ("\n", "%0A"), ("\r", "%0D")):
            url = url.replace(char, code)
        return "<" + url + ">"
    return url


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one: pad then.
    spaced = text.startswith(" ") and text.endswith(" ") and text.strip()
    pad = " " if text.startswith("`") or text.endswith("`") or spaced else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
