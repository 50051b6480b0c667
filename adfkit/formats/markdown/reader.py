"""Markdown (CommonMark + GFM) to ADF, on mistune v3's syntax tree.

Each mistune token is mapped to its natural ADF node by a handler named after the
token type; ``adfkit.repair`` then fits the result to what ADF allows where it stands
(a heading inside a list item, a table inside a quote, an image inside a paragraph),
so the output is always valid and no text is lost. ``docs/markdown.md`` has the
mapping table and every repair.

The same input always gives the same output: task and decision ids are numbered in
document order, never random.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from adfkit.formats.common import join_texts
from adfkit.formats.markdown.raw_html import (
    cell_attributes,
    html_blocks,
    opens_table,
    structure_parts,
    summary_title,
)
from adfkit.repair import _marks_to_keep, repair_document, text_of, trim_run
from adfkit.spec import NODES
from adfkit.validator import _url_problem, is_valid

__all__ = ["from_markdown"]

Json = dict[str, Any]
Token = Mapping[str, Any]

ALERT_PANELS: Mapping[str, str] = {
    "NOTE": "info",
    "TIP": "tip",
    "IMPORTANT": "note",
    "WARNING": "warning",
    "CAUTION": "error",
}
"""GitHub alert kind -> ADF panel type."""

EMOJI: Mapping[str, str] = {
    "smile": "😄", "smiley": "😃", "grinning": "😀", "laughing": "😆", "joy": "😂",
    "wink": "😉", "blush": "😊", "heart_eyes": "😍", "thinking": "🤔", "neutral_face": "😐",
    "confused": "😕", "cry": "😢", "sob": "😭", "angry": "😠", "rage": "😡", "scream": "😱",
    "sweat_smile": "😅", "sunglasses": "😎", "upside_down_face": "🙃",
    "slightly_smiling_face": "🙂",
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "ok_hand": "👌", "clap": "👏",
    "wave": "👋", "pray": "🙏", "raised_hands": "🙌", "muscle": "💪", "eyes": "👀",
    "heart": "❤️", "broken_heart": "💔", "fire": "🔥", "star": "⭐", "sparkles": "✨",
    "tada": "🎉", "rocket": "🚀", "bug": "🐛", "warning": "⚠️", "x": "❌",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "question": "❓", "exclamation": "❗",
    "bulb": "💡", "memo": "📝", "lock": "🔒", "unlock": "🔓", "key": "🔑", "hammer": "🔨",
    "wrench": "🔧", "gear": "⚙️", "zap": "⚡", "boom": "💥", "hourglass": "⌛", "calendar": "📅",
    "link": "🔗", "mag": "🔍", "100": "💯", "construction": "🚧", "rotating_light": "🚨",
    "no_entry": "⛔", "stop_sign": "🛑", "checkered_flag": "🏁", "package": "📦",
    "coffee": "☕", "beers": "🍻", "party_popper": "🎉", "see_no_evil": "🙈", "skull": "💀",
}  # fmt: skip
"""``:shortcode:`` -> emoji, for the common GitHub shortcodes (others stay text)."""

_UNENCODABLE = re.compile("[\x00\ud800-\udfff]")
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")
# GFM's extended autolinks: "www." addresses and bare e-mail addresses.
_WWW = re.compile(r"(?<![\w/.@:])www\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+[^\s<]*")
_EMAIL = re.compile(r"(?<![\w.+/-])[A-Za-z0-9._+-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+(?![\w@])")
_MENTION = re.compile(r"(?<![\w@.])@([\w][\w.-]*[\w]|[\w])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ALERT = re.compile(r"\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_DETAILS = re.compile(r"<(?:/?)details", re.IGNORECASE)
_SPAN = re.compile(r"\s*([0-9]{1,6})")
_BREAK_TAG = re.compile(r"^<br\s*/?>$", re.IGNORECASE)


@cache
def _parser() -> Any:
    """The Markdown parser adfkit reads with: mistune with GitHub's plugins, its
    emphasis resolved in linear time (``emphasis.py`` says why).

    Inline text without ``://`` is read by a twin inline parser that lacks the bare-URL
    rule: that rule, which can only match at ``http://`` or ``https://``, makes every
    ``h`` a stop of mistune's inline scan, a sixth of the whole parse on ordinary
    prose. Either parser gives the same tokens for such text."""
    import mistune  # imported on first use: `adfkit validate` never pays for it
    from mistune.plugins import import_plugin

    from adfkit.formats.markdown.emphasis import InlineParser

    def markdown(plugins: list[Any], inline: InlineParser) -> Any:
        return mistune.Markdown(
            renderer=None, inline=inline, plugins=[import_plugin(p) for p in plugins]
        )

    plugins = _plugins()
    twin = markdown([p for p in plugins if p is not _bare_urls], InlineParser()).inline
    return markdown(plugins, InlineParser(without_addresses=twin))


def _plugins() -> list[Any]:
    """The mistune plugins adfkit reads Markdown with (GitHub's dialect)."""
    from adfkit.formats.markdown.tables import gfm_tables

    return ["strikethrough", gfm_tables, "task_lists", _bare_urls, "footnotes"]


def from_markdown(
    text: str | bytes,
    *,
    alerts: bool = True,
    details: bool = True,
    emoji: bool = True,
    mentions: Mapping[str, str] | None = None,
    hard_breaks: bool = False,
    html: Literal["github", "text"] = "github",
) -> Json:
    """Convert Markdown to a valid ADF document (a JSON-ready dict).

    ``text`` is a string, or UTF-8 bytes; a leading byte-order mark is ignored.

    - ``alerts``: GitHub alerts (``> [!NOTE]``, ``[!WARNING]`` ...) become panels.
    - ``details``: ``<details><summary>`` blocks become expands.
    - ``emoji``: ``:shortcode:`` for known shortcodes becomes an emoji node.
    - ``mentions``: ``@name`` -> Atlassian account id; listed names become mentions.
    - ``hard_breaks``: a single newline inside a paragraph is a line break (as in
      GitHub comments) rather than a space (as CommonMark says).
    - ``html``: ``"github"`` reads raw HTML as GitHub renders it (``<b>``, ``<sub>``,
      ``<kbd>``, ``<br>``, ``<img>`` ... become ADF; comments, scripts and styles stay
      out); ``"text"`` keeps every piece of raw HTML as visible text instead.

    Never raises on any text; the result always passes ``adfkit.validate``.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError(f"from_markdown() takes str or bytes, not {type(text).__name__}")
    if html not in ("github", "text"):
        raise ValueError(f"from_markdown(html=...) is 'github' or 'text', not {html!r}")
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark is no text (the CLI drops it too)
    # CommonMark replaces NUL with U+FFFD; a lone surrogate cannot reach Jira either.
    tokens, _state = _parser().parse(_UNENCODABLE.sub("\ufffd", text))
    converter = _Converter(
        alerts=alerts,
        details=details,
        emoji=emoji,
        mentions=dict(mentions or {}),
        hard_breaks=hard_breaks,
        github=html == "github",
    )
    natural: Json = {"type": "doc", "version": 1, "content": converter.blocks(tokens)}
    if is_valid(natural):
        return natural  # most documents need no repair: the validator's fast path says so
    return _safe(_in_normal_form(repair_document(natural["content"])), text)


def _in_normal_form(doc: Json) -> Json:
    """``doc`` (changed in place) with every run of inline nodes in the form the
    reader gives a Markdown paragraph: no space or line break at a paragraph's or
    heading's edges, texts joined, no styled space at a run's edge (``_merged``).
    Repair (a heading made a bold paragraph inside a quote) and the HTML path (a cell's
    ``<td><br> x</td>``) give runs that ``to_markdown`` cannot write and a second
    reading would not give. One iterative walk: any depth, linear."""
    stack = [doc]
    while stack:
        node = stack.pop()
        content = node.get("content")
        if not content:
            continue
        if node.get("type") in ("paragraph", "heading"):
            node["content"] = _merged(trim_run(content))
        elif any(child.get("type") == "text" for child in content):
            node["content"] = _merged(content)
        else:
            stack.extend(content)
    return doc


def _safe(doc: Json, source: str) -> Json:
    """The repaired document, or, should repair ever miss a case, the text as plain
    paragraphs: a conversion bug must not cost the user their text or an exception."""
    if is_valid(doc):
        return doc
    paragraphs = [p for p in re.split(r"\n\s*\n", source) if p.strip()]
    return repair_document(
        [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs]
    )


@dataclass
class _Converter:
    alerts: bool
    details: bool
    emoji: bool
    mentions: dict[str, str]
    hard_breaks: bool
    github: bool = True
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{kind}-{self.counters[kind]}"

    # --- blocks ------------------------------------------------------------------

    def blocks(self, tokens: list[Token]) -> list[Json]:
        """The blocks of one token list (a document, a quote, a list item).

        ``<details>`` and ``</details>`` arrive as separate HTML blocks around the
        Markdown they hold, and so do a table's tags when its cells hold Markdown
        (``<td>\n\n- item\n\n</td>``, as GitHub renders it): a stack of the open
        containers takes what comes between, so any nesting depth costs one pass and
        no recursion (mistune itself caps the nesting of quotes and lists)."""
        out: list[Json] = []
        open_: _Containers | None = None  # made at the first container tag: most lists
        for token in tokens:  # of blocks (every list item's) never need one
            kind = token["type"]
            if kind == "block_html":
                raw = token.get("raw", "")
                tables = self.github and (
                    bool(open_ is not None and open_.at.get("table"))
                    or (("<t" in raw or "<T" in raw) and opens_table(raw))
                )
                if tables or (self.details and _DETAILS.search(raw)):
                    if open_ is None:
                        open_ = _Containers(out)
                    self.structure_html(raw, open_, tables=tables)
                    continue
            target = out if open_ is None else open_.target
            handler: Callable[[Token], list[Json]] | None = getattr(self, f"b_{kind}", None)
            if handler is not None:
                target.extend(handler(token))
            else:  # a token type this converter does not know: keep its text
                target.extend(self.html_as_text(_token_text(token)))
        if open_ is not None:
            open_.close("expand", "folded", "table", "tr", "cell")
        return out

    def structure_html(self, raw: str, open_: _Containers, *, tables: bool) -> None:
        """An HTML block holding container tags: expands and tables opened and closed
        on the stack, the title from ``<summary>``, the markup around them as HTML."""
        for part, name, value in structure_parts(raw, tables=tables, details=self.details):
            if part == "open" and name == "details":
                open_.open_details()
            elif part == "open":
                open_.open_table_part(name, value)
            elif part == "close" and name == "details":
                open_.close("expand", "folded")
            elif part == "close":
                open_.close("cell" if name in ("td", "th") else name)
            elif part == "summary":
                title = summary_title(value)
                frame = open_.frames[-1] if open_.frames else None
                top = frame.node if frame is not None and frame.kind == "expand" else None
                if top is not None and "title" not in top.get("attrs", {}) and not top["content"]:
                    if title:
                        top["attrs"] = {"title": title}
                elif title:
                    strong = {"type": "text", "text": title, "marks": [{"type": "strong"}]}
                    open_.target.append({"type": "paragraph", "content": [strong]})
            else:
                open_.target.extend(self.raw_block(value))

    def raw_block(self, raw: str) -> list[Json]:
        """Raw HTML outside ``<details>`` tags: as GitHub shows it, or as text."""
        if self.github:
            out: list[Json] = []
            for block in html_blocks(raw, details=self.details):
                _in_normal_form(block)
                if block["type"] == "paragraph" and "marks" not in block:
                    out.extend(_paragraphs(block["content"]))
                else:
                    out.append(block)
            return out
        return self.html_as_text(raw)

    def b_blank_line(self, token: Token) -> list[Json]:
        return []

    def b_paragraph(self, token: Token) -> list[Json]:
        return _paragraphs(self.inline(token.get("children", [])))

    b_block_text = b_paragraph

    def b_heading(self, token: Token) -> list[Json]:
        level = min(max(int(token.get("attrs", {}).get("level", 1)), 1), 6)
        content = self.inline(token.get("children", []))
        if content and (_blank_edge(content[0], 0) or _blank_edge(content[-1], -1)):
            content = trim_run(content)  # as in a paragraph: raw HTML can leave a space at the end
        return [{"type": "heading", "attrs": {"level": level}, "content": content}]

    def b_thematic_break(self, token: Token) -> list[Json]:
        return [{"type": "rule"}]

    def b_block_code(self, token: Token) -> list[Json]:
        code = token.get("raw", "")
        if code.endswith("\n"):
            code = code[:-1]
        node: Json = {
            "type": "codeBlock",
            "content": [{"type": "text", "text": code}] if code else [],
        }
        info = (token.get("attrs") or {}).get("info")
        if info:
            node["attrs"] = {"language": _decode(info.split()[0])}
        return [node]

    def b_block_quote(self, token: Token) -> list[Json]:
        tokens = list(token.get("children", []))
        kind = _alert_kind(tokens) if self.alerts else None
        if kind is None:
            return _split_around_tables("blockquote", self.blocks(tokens))
        # GitHub's alert: the marker alone on the quote's first line.
        first = tokens[0]
        rest = list(first.get("children", []))[1:]
        if rest and rest[0]["type"] in ("softbreak", "linebreak"):
            rest = rest[1:]
        body = ([{**first, "children": rest}] if rest else []) + tokens[1:]
        content = self.blocks(body) or [{"type": "paragraph", "content": []}]
        return [{"type": "panel", "attrs": {"panelType": ALERT_PANELS[kind]}, "content": content}]

    def b_block_html(self, token: Token) -> list[Json]:
        return self.raw_block(token.get("raw", ""))

    def html_as_text(self, raw: str) -> list[Json]:
        """Raw HTML kept as visible text, line by line (``html="text"``)."""
        lines = raw.rstrip("\n").split("\n")
        content: list[Json] = []
        for n, line in enumerate(lines):
            if n:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        return [{"type": "paragraph", "content": content}] if content else []

    def b_list(self, token: Token) -> list[Json]:
        """A list; GitHub lets task items and plain items mix in one list, ADF does not:
        each run of task items becomes a task list and each run of plain items a list of
        the source's kind, an ordered one continuing the numbering."""
        items = token.get("children", [])
        attrs = token.get("attrs", {})
        ordered = bool(attrs.get("ordered"))
        start = attrs.get("start")
        number = start if isinstance(start, int) else 1
        out: list[Json] = []
        run: list[Token] = []
        for n, item in enumerate([*items, None]):
            if run and (item is None or (item["type"] == "task_list_item") != _is_task(run[0])):
                if _is_task(run[0]):
                    out.extend(self.task_list(run))
                else:
                    out.extend(self.plain_list(run, ordered, number + n - len(run)))
                run = []
            if item is not None:
                run.append(item)
        return out

    def plain_list(self, items: list[Token], ordered: bool, start: int) -> list[Json]:
        """A bullet or ordered list. ADF has no table inside a list item: the list is
        closed before a table, the table follows, and the list reopens after it (an
        ordered one at the same number), done here in one pass rather than left to the
        repair step."""
        out: list[Json] = []
        content: list[Json] = []
        first = start

        def close() -> None:
            nonlocal content
            if content:
                out.append(_list_node(content, ordered, first))
            content = []

        for n, item in enumerate(items):
            number = start + n
            if not content:
                first = number
            piece: list[Json] = []
            split = False
            for block in self.blocks(item.get("children", [])):
                if block["type"] != "table":
                    piece.append(block)
                    continue
                if piece:
                    content.append({"type": "listItem", "content": piece})
                    piece = []
                close()
                out.append(block)
                first, split = number, True
            if piece or not split:
                content.append({"type": "listItem", "content": piece})
        close()
        return out

    def task_list(self, items: list[Token]) -> list[Json]:
        """Task items as task lists. A task list holds only tasks and task lists, so
        other blocks under an item end the list; they follow it, and the next items
        start a new list (ids still follow document order)."""
        out: list[Json] = []
        current: Json | None = None
        for item in items:
            if current is None:
                current = {"type": "taskList", "attrs": {"localId": self.next_id("task-list")}}
                current["content"] = []
                out.append(current)
            # The item's id is taken before its children are converted: ids follow
            # document order.
            task: Json = {"type": "taskItem", "attrs": {"localId": self.next_id("task")}}
            blocks = self.blocks(item.get("children", []))
            first: list[Json] = []
            if blocks and blocks[0]["type"] == "paragraph":
                first = blocks.pop(0)["content"]
            task["attrs"]["state"] = "DONE" if item.get("attrs", {}).get("checked") else "TODO"
            task["content"] = first
            current["content"].append(task)
            while blocks and blocks[0]["type"] == "taskList":
                current["content"].append(blocks.pop(0))
            if blocks:
                out.extend(blocks)
                current = None
        return out

    def b_table(self, token: Token) -> list[Json]:
        rows: list[Json] = []
        for part in token.get("children", []):
            row_tokens = [part] if part["type"] == "table_head" else part.get("children", [])
            for row in row_tokens:
                rows.append(
                    {"type": "tableRow", "content": [self.cell(c) for c in row.get("children", [])]}
                )
        return [{"type": "table", "content": rows}]

    def cell(self, token: Token) -> Json:
        attrs = token.get("attrs", {})
        # GFM: a pipe escaped inside a cell is a pipe, even inside a code span
        # (mistune leaves the backslash there).
        children = [
            {**c, "raw": c.get("raw", "").replace("\\|", "|")} if c["type"] == "codespan" else c
            for c in token.get("children", [])
        ]
        blocks = _paragraphs(self.inline(children)) or [{"type": "paragraph", "content": []}]
        align = {"center": "center", "right": "end"}.get(attrs.get("align") or "")
        if align:
            for block in blocks:
                if block["type"] == "paragraph":
                    block["marks"] = [{"type": "alignment", "attrs": {"align": align}}]
        kind = "tableHeader" if attrs.get("head") else "tableCell"
        return {"type": kind, "content": blocks}

    def b_footnotes(self, token: Token) -> list[Json]:
        """GitHub's closing footnotes section: a "Footnotes" label and the notes as a
        numbered list (the references are superscript numbers)."""
        items = [
            {"type": "listItem", "content": self.blocks(item.get("children", []))}
            for item in token.get("children", [])
        ]
        label = {"type": "text", "text": "Footnotes", "marks": [{"type": "strong"}]}
        notes: Json = {"type": "orderedList", "content": items}
        return [{"type": "paragraph", "content": [label]}, notes]

    # --- inline --------------------------------------------------------------------

    def inline(self, tokens: list[Token], marks: tuple[Json, ...] = ()) -> list[Json]:
        if len(tokens) == 1 and tokens[0]["type"] == "text" and not marks:
            raw = tokens[0].get("raw", "")
            if "\\" not in raw:  # the common case, one plain text, without the merging
                nodes = self.text(_decode(raw), marks, raw)
                if len(nodes) == 1 and nodes[0]["type"] == "text" and nodes[0]["text"]:
                    return nodes
        if self.github:
            for token in tokens:
                if token["type"] == "inline_html":
                    return self.inline_with_html(tokens, marks)
        out: list[Json] = []
        for token in tokens:
            kind = token["type"]
            if kind == "text":
                raw = token.get("raw", "")
                if "\\" in raw and ("://" in raw or "www." in raw):
                    # mistune gives each backslash escape a token of its own; one left in
                    # a text is from its URL rule inside a link's text, unprocessed.
                    raw = _ESCAPED.sub(r"\1", raw)
                out.extend(self.text(_decode(raw), marks, raw))
            elif kind == "codespan":
                out.append(_text(token.get("raw", ""), (*marks, {"type": "code"})))
            elif kind == "emphasis":
                out.extend(self.inline(token.get("children", []), (*marks, {"type": "em"})))
            elif kind == "strong":
                out.extend(self.inline(token.get("children", []), (*marks, {"type": "strong"})))
            elif kind == "strikethrough":
                out.extend(self.inline(token.get("children", []), (*marks, {"type": "strike"})))
            elif kind == "linebreak":
                out.append({"type": "hardBreak"})
            elif kind == "softbreak":
                out.append({"type": "hardBreak"} if self.hard_breaks else _text(" ", marks))
            elif kind == "link":
                out.extend(self.link(token, marks))
            elif kind == "image":
                out.extend(self.image(token, marks))
            elif kind == "footnote_ref":
                index = str(token.get("attrs", {}).get("index", ""))
                out.append(_text(index, (*marks, _SUPERSCRIPT)))
            elif kind == "inline_html":
                # Shown as the browser would show it: line ends inside a tag are spaces.
                raw = token.get("raw", "").replace("\r\n", " ").replace("\n", " ")
                out.append({"type": "hardBreak"} if _BREAK_TAG.match(raw) else _text(raw, marks))
            else:
                out.extend(self.text(_token_text(token), marks))
        return _merged(out)

    def inline_with_html(self, tokens: list[Token], marks: tuple[Json, ...]) -> list[Json]:
        """Inline tokens with raw HTML among them (mistune gives ``<b>``, the text and
        ``</b>`` as separate tokens): each Markdown token is converted here and stands in
        the HTML as a placeholder; ``from_html`` reads the stitched markup, and each
        placeholder's nodes take the marks the HTML around them gives."""
        source = "".join(t.get("raw", "") for t in tokens if t["type"] == "inline_html")
        open_, close = _placeholder_quotes(source)
        pieces: list[list[Json]] = []
        markup: list[str] = []
        for token in tokens:
            if token["type"] == "inline_html":
                markup.append(token.get("raw", ""))
            else:
                markup.append(f"{open_}{len(pieces)}{close}")
                pieces.append(self.inline([token]))
        blocks = html_blocks("".join(markup), details=self.details)
        placeholder = re.compile(f"{open_}([0-9]+){close}")

        def fill(nodes: list[Json], marks: tuple[Json, ...], out: list[Json]) -> None:
            """``nodes`` onto ``out`` with each placeholder replaced by its piece."""
            for node in nodes:
                if node["type"] != "text":
                    out.append(_with_marks(node, marks))
                    continue
                outer = (*marks, *node.get("marks", ()))
                pos = 0
                value = node["text"]
                for match in placeholder.finditer(value):
                    if match.start() > pos:
                        out.append(_text(value[pos : match.start()], outer))
                    for piece in pieces[int(match.group(1))]:
                        _append_collapsing(out, _with_marks(piece, outer))
                    pos = match.end()
                if pos < len(value):
                    out.append(_text(value[pos:], outer))

        out: list[Json] = []
        for n, block in enumerate(blocks):
            if block["type"] != "paragraph":
                # An image or a block (an unclosed <details> makes one): the paragraph
                # is split there, and the Markdown inside the block is put back too.
                stack = [block]
                while stack:
                    node = stack.pop()
                    content = node.get("content") or []
                    if any(child.get("type") == "text" for child in content):
                        filled: list[Json] = []
                        fill(content, (), filled)
                        node["content"] = _merged(filled)
                    else:
                        stack.extend(content)
                out.append(block)
                continue
            if n and blocks[n - 1]["type"] == "paragraph":
                out.append({"type": "hardBreak"})
            fill(block.get("content", []), marks, out)
        return _merged(_spaces_around_breaks(out))

    def text(self, value: str, marks: tuple[Json, ...], raw: str | None = None) -> list[Json]:
        """Plain text, with shortcodes and mentions made into nodes where asked for.

        ``raw`` is the text before its entities were decoded: shortcodes, addresses and
        mentions are looked for there, so that ``&#64;`` or ``&#58;`` (how the writer
        keeps them literal) stays text; each piece is decoded afterwards."""
        for mark in marks:
            if mark["type"] in ("code", "link"):
                return [_text(value, marks)]
        source, decode = (raw, True) if raw is not None and "&" in raw else (value, False)
        if ":" not in source and "@" not in source and "www." not in source:
            return [_text(value, marks)]  # most text: nothing _inline_specials looks for
        out: list[Json] = []
        pos = 0
        for start, end, node in _inline_specials(source, emoji=self.emoji, mentions=self.mentions):
            if start > pos:
                piece = source[pos:start]
                out.append(_text(_decode(piece) if decode else piece, marks))
            if node["type"] == "text":  # an autolink inside styled text keeps the styles
                if decode:
                    link = node["marks"][0]
                    href = _escape_url(_decode(link["attrs"]["href"]))
                    node = {
                        **node,
                        "text": _decode(node["text"]),
                        "marks": [{"type": "link", "attrs": {"href": href}}],
                    }
                node = _text(node["text"], (*marks, *node["marks"]))
            out.append(node)
            pos = end
        if pos < len(source):
            piece = source[pos:]
            out.append(_text(_decode(piece) if decode else piece, marks))
        return out

    def link(self, token: Token, marks: tuple[Json, ...]) -> list[Json]:
        attrs = token.get("attrs", {})
        href = attrs.get("url", "")  # mistune has decoded its entities already
        if _url_problem(href) is not None:  # unsafe or relative: keep the text, drop the link
            out = self.inline(token.get("children", []), marks)
            return out if _shows_something(out) else [_text(href, marks)] if href else []
        link: Json = {"type": "link", "attrs": {"href": href}}
        if attrs.get("title"):
            link["attrs"]["title"] = _decode(attrs["title"])
        children = token.get("children", [])
        if _is_autolink(token):
            from mistune.util import escape_url

            # The text is the address as written; the link, the address made safe
            # (percent-encoded) by mistune, both without GFM's trailing punctuation.
            shown = str(children[0].get("raw", "")) if children else href
            shown, rest = _trim_autolink(shown)
            link["attrs"]["href"] = escape_url(shown)
            out = [_text(shown, (*marks, link))]
            return out + ([_text(rest, marks)] if rest else [])
        out = self.inline(children, (*marks, link))
        if not _shows_something(out):
            # "[](url)", "[ ](url)": a link with nothing to show would be lost (an
            # empty text is no node); its address becomes its text.
            out = [_text(href, (*marks, link))]
        # A linked image keeps its link, as a link mark on its media node.
        return [_linked_media(n, link) if n["type"] == "mediaSingle" else n for n in out]

    def image(self, token: Token, marks: tuple[Json, ...]) -> list[Json]:
        attrs = token.get("attrs", {})
        url = attrs.get("url", "")  # decoded by mistune
        alt = "".join(text_of(n) for n in self.inline(token.get("children", [])))
        if not url or _url_problem(url) is not None or url.startswith("#"):
            return [_text(alt or url, marks)] if (alt or url) else []
        media: Json = {"type": "media", "attrs": {"type": "external", "url": url}}
        if alt:
            media["attrs"]["alt"] = alt
        return [{"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [media]}]


def _shows_something(nodes: list[Json]) -> bool:
    return any(n["type"] != "text" or n["text"].strip() for n in nodes)


_INLINE = frozenset(NODES["paragraph"].content.children if NODES["paragraph"].content else ())
_SUPERSCRIPT: Json = {"type": "subsup", "attrs": {"type": "sup"}}


def _list_node(items: list[Json], ordered: bool, start: int) -> Json:
    if not ordered:
        return {"type": "bulletList", "content": items}
    node: Json = {"type": "orderedList", "content": items}
    if start != 1:
        node["attrs"] = {"order": start}
    return node


def _split_around_tables(kind: str, blocks: list[Json]) -> list[Json]:
    """A quote's blocks, closed before each table and reopened after it (ADF has no
    table inside a quote)."""
    out: list[Json] = []
    run: list[Json] = []
    for block in blocks:
        if block["type"] == "table":
            if run:
                out.append({"type": kind, "content": run})
                run = []
            out.append(block)
        else:
            run.append(block)
    if run or not out:
        out.append({"type": kind, "content": run})
    return out


def _paragraphs(inline: list[Json]) -> list[Json]:
    """Inline content as a paragraph, or as several around the blocks among it: an
    image (or a block from raw HTML) stands between paragraphs in ADF, so the
    paragraph is split there, as the repair step would (whitespace at the cut goes).
    Nothing gives no paragraph (``<b></b>`` alone shows nothing)."""
    if not inline:
        return []
    for item in inline:
        if item["type"] not in _INLINE:
            break
    else:
        if inline and (_blank_edge(inline[0], 0) or _blank_edge(inline[-1], -1)):
            # A line break or a space at a paragraph's edge (raw HTML can leave one, as
            # in "a <!-- b -->") shows nothing.
            inline = trim_run(inline)
            if not inline:
                return []
        return [{"type": "paragraph", "content": inline}]
    blocks: list[Json] = []
    run: list[Json] = []
    for node in [*inline, None]:
        if node is None or node["type"] not in _INLINE:
            run = trim_run(run)
            if run:
                blocks.append({"type": "paragraph", "content": run})
            run = []
            if node is not None:
                blocks.append(node)
        else:
            run.append(node)
    return blocks


def _is_task(item: Token) -> bool:
    return bool(item["type"] == "task_list_item")


@dataclass
class _Open:
    """A container open on the reader's stack: an expand, an expand folded into its
    parent (``node`` None), a table, a row or a cell; ``target`` takes the blocks that
    come while it is the innermost."""

    kind: str  # "expand", "folded", "table", "tr" or "cell"
    node: Json | None
    target: list[Json]
    align: str | None = None


class _Containers:
    """The open containers, innermost last, with the positions of each kind kept
    apart: finding the innermost of a kind is O(1), so any run of tags costs time
    linear in its length, whatever the depth."""

    def __init__(self, out: list[Json]) -> None:
        self.frames: list[_Open] = []
        self.out = out
        self.at: dict[str, list[int]] = {}

    @property
    def target(self) -> list[Json]:
        return self.frames[-1].target if self.frames else self.out

    def innermost(self, *kinds: str) -> int:
        """The position of the innermost open container of these kinds, or -1."""
        return max((self.at[k][-1] for k in kinds if self.at.get(k)), default=-1)

    def push(self, frame: _Open) -> None:
        self.at.setdefault(frame.kind, []).append(len(self.frames))
        self.frames.append(frame)

    def pop(self) -> None:
        """The innermost container ends: an empty expand or cell gets the paragraph
        ADF needs, a cell's alignment goes on its paragraphs."""
        frame = self.frames.pop()
        self.at[frame.kind].pop()
        if frame.node is None or frame.kind in ("table", "tr"):
            return
        if not frame.target:
            frame.target.append({"type": "paragraph", "content": []})
        if frame.align is not None:  # (an empty cell's paragraph too, as in a GFM table)
            for block in frame.target:
                if block.get("type") == "paragraph":
                    block["marks"] = [{"type": "alignment", "attrs": {"align": frame.align}}]

    def close(self, *kinds: str) -> None:
        """The innermost container of these kinds ends, with all opened inside it; a
        close tag with none open is ignored, as a browser ignores it."""
        position = self.innermost(*kinds)
        if position >= 0:
            while len(self.frames) > position:
                self.pop()

    def open_details(self) -> None:
        target = self.target
        if len(self.at.get("expand") or ()) >= 2:
            # ADF nests an expand one level only: deeper ones are folded into the
            # innermost, their titles kept as bold paragraphs.
            self.push(_Open("folded", None, target))
            return
        node: Json = {"type": "expand", "content": []}
        if self.at.get("expand") or self.at.get("cell"):
            # inside an expand or a table cell: ADF's nested expand, whose attrs are due
            node = {"type": "nestedExpand", "attrs": {}, "content": []}
        target.append(node)
        self.push(_Open("expand", node, node["content"]))

    def open_table_part(self, name: str, attributes: str) -> None:
        """A ``<table>``, ``<tr>``, ``<td>`` or ``<th>`` opened. A row or a cell
        outside any table opens nothing (a browser drops the tag too); a cell outside
        a row opens one."""
        if name == "table":
            table: Json = {"type": "table", "content": []}
            self.target.append(table)
            self.push(_Open("table", table, self.target))
            return
        table_at = self.innermost("table")
        if table_at < 0:
            return
        if name == "tr" or self.innermost("tr") < table_at:
            while len(self.frames) > table_at + 1:
                self.pop()
            row: Json = {"type": "tableRow", "content": []}
            self.frames[table_at].node["content"].append(row)  # type: ignore[index]
            self.push(_Open("tr", row, self.frames[table_at].target))
            if name == "tr":
                return
        self.close_to_row()
        found = cell_attributes(attributes)
        attrs: Json = {}
        for key in ("colspan", "rowspan"):
            # HTML's rule: the leading ASCII digits ("2abc" is 2); at most 1,000
            digits = _SPAN.match(found.get(key, ""))
            if digits and int(digits.group(1)) > 1:
                attrs[key] = min(int(digits.group(1)), 1000)
        cell: Json = {"type": "tableHeader" if name == "th" else "tableCell", "content": []}
        if attrs:
            cell["attrs"] = attrs
        self.frames[-1].node["content"].append(cell)  # type: ignore[index]
        align = {"center": "center", "right": "end"}.get(found.get("align", "").strip().lower())
        self.push(_Open("cell", cell, cell["content"], align))

    def close_to_row(self) -> None:
        """Everything opened inside the innermost row ends (a new cell ends the last)."""
        row_at = self.innermost("tr")
        while len(self.frames) > row_at + 1:
            self.pop()


def _placeholder_quotes(source: str) -> tuple[str, str]:
    """Two private-use characters that ``source`` does not hold, to mark placeholders."""
    for code in range(0xE000, 0xF8FF, 2):
        open_, close = chr(code), chr(code + 1)
        if open_ not in source and close not in source:
            return open_, close
    return "\ufdd0", "\ufdd1"  # unreachable in practice: every private-use pair in use


def _has_code(node: Json) -> bool:
    return any(m["type"] == "code" for m in node.get("marks") or ())


def _spaces_around_breaks(nodes: list[Json]) -> list[Json]:
    """No space just before or after a line break (``a <br> b``): a browser shows none
    there, and Markdown could not write one back."""
    for i, node in enumerate(nodes):
        if node["type"] != "hardBreak":
            continue
        if i and nodes[i - 1]["type"] == "text" and not _has_code(nodes[i - 1]):
            nodes[i - 1] = {**nodes[i - 1], "text": nodes[i - 1]["text"].rstrip(" \t")}
        if i + 1 < len(nodes) and nodes[i + 1]["type"] == "text" and not _has_code(nodes[i + 1]):
            nodes[i + 1] = {**nodes[i + 1], "text": nodes[i + 1]["text"].lstrip(" \t")}
    return nodes


def _append_collapsing(out: list[Json], node: Json) -> None:
    """``node`` after ``out``, with a space that meets another across a tag that shows
    nothing (``a <!-- c --> b``) collapsed, as a browser collapses it."""
    last = out[-1] if out else None
    if (
        node["type"] == "text"
        and node["text"].startswith(" ")
        and last is not None
        and last["type"] == "text"
        and last["text"].endswith(" ")
        and "marks" not in node
        and "marks" not in last
    ):
        node = {**node, "text": node["text"][1:]}
        if not node["text"]:
            return
    out.append(node)


def _with_marks(node: Json, marks: tuple[Json, ...]) -> Json:
    """``node`` under ``marks`` as well as its own (its own win for a type in both)."""
    if node["type"] != "text" or not marks:
        return node
    own = node.get("marks") or []
    types = {m["type"] for m in own}
    return _text(node["text"], (*(m for m in marks if m["type"] not in types), *own))


def _linked_media(node: Json, link: Json) -> Json:
    media = [{**m, "marks": [link]} for m in node["content"]]
    return {**node, "content": media}


def _is_autolink(token: Token) -> bool:
    """A bare URL that mistune's url plugin linked (``_bare_urls`` marks them): GFM
    trims its trailing punctuation, unlike an ``<autolink>`` or a ``[link](...)``."""
    return bool(token.get("attrs", {}).get("bare"))


def _bare_urls(md: Any) -> None:
    """mistune's url plugin, with the links it makes marked as bare URLs (its token
    looks the same as an ``<autolink>``'s once parsing is done)."""
    from mistune.plugins.url import URL_LINK_PATTERN, parse_url_link

    def parse(inline: Any, m: re.Match[str], state: Any) -> int:
        count = len(state.tokens)
        pos: int = parse_url_link(inline, m, state)
        if len(state.tokens) > count and state.tokens[-1].get("type") == "link":
            state.tokens[-1]["attrs"]["bare"] = True
        return pos

    md.inline.register("url_link", URL_LINK_PATTERN, parse)


_TRAILING = re.compile(r"(&[A-Za-z0-9]+;|[?!.,:*_~])+$")


def _trim_autolink(url: str) -> tuple[str, str]:
    """GFM: trailing punctuation and entity-like suffixes are not part of an autolink;
    a closing parenthesis only when it is unbalanced."""
    match = _TRAILING.search(url)
    rest = ""
    if match:
        url, rest = url[: match.start()], match.group(0)
    while url.endswith(")") and url.count(")") > url.count("("):
        url, rest = url[:-1], ")" + rest
    return url, rest


def _blank_edge(node: Json, end: int) -> bool:
    if node["type"] == "hardBreak":
        return True
    return node["type"] == "text" and node["text"][end] in " \t"


def _merged(nodes: list[Json]) -> list[Json]:
    """Adjacent text with the same marks as one node; empty text gone (as repair
    would do: a document needing no repair comes out the same either way); spaces at
    the edges of a styled run moved out of its styles (see ``_styled_edges``)."""
    out, edged = _joined(nodes)
    if edged:
        out, _ = _joined(_styled_edges(out))
    return out


def _joined(nodes: list[Json]) -> tuple[list[Json], bool]:
    """The nodes with neighbouring texts of the same marks joined, and whether any
    styled text then has a space at an edge."""
    out = join_texts(nodes)
    edged = False
    for node in out:
        if "marks" in node and _edge_styled(node):
            edged = True
            break
    return out, edged


def _edge_styled(node: Json) -> bool:
    if node["type"] != "text" or "marks" not in node:
        return False
    text: str = node["text"]
    return (text[0] in " \t" or text[-1] in " \t") and any(
        m["type"] in _STYLES for m in node["marks"]
    )


def _styled_edges(nodes: list[Json]) -> list[Json]:
    """Spaces at the edges of a styled run without the styles the run's neighbour
    lacks. Markdown cannot write a bold space at the edge of bold text (``** a**`` is
    no emphasis), so reading ``<b> a</b>`` this way gives a document the writer gives
    back exactly. Links and code keep their spaces. Underline and sub/superscript,
    which Markdown writes as a tag around each text (``<sub>a</sub> **<sub>b</sub>**``),
    never keep an edge space, whatever the neighbour."""
    out: list[Json] = []
    for i, node in enumerate(nodes):
        if not _edge_styled(node):
            out.append(node)
            continue
        text: str = node["text"]
        marks: list[Json] = node["marks"]
        before = _mark_types(nodes[i - 1]) if i else set()
        after = _mark_types(nodes[i + 1]) if i + 1 < len(nodes) else set()
        core = text.strip(" \t")
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        trail = text[len(text.rstrip(" \t")) :] if core else ""
        if lead:
            kept = tuple(m for m in marks if _keeps(m["type"], before))
            out.append(_text(lead, kept))
        if core:
            out.append({**node, "text": core})
        if trail:
            kept = tuple(m for m in marks if _keeps(m["type"], after))
            out.append(_text(trail, kept))
    return out


def _keeps(mark: str, neighbour: set[str]) -> bool:
    """Whether a space at a styled run's edge keeps this mark, given the marks of
    the text on that side."""
    return mark not in _STYLES or (mark in neighbour and mark not in _TAG_STYLES)


def _mark_types(node: Json) -> set[str]:
    return {m["type"] for m in node.get("marks") or ()} if node["type"] == "text" else set()


_STYLES = frozenset({"strong", "em", "strike", "underline", "subsup"})
_TAG_STYLES = frozenset({"underline", "subsup"})
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _text(value: str, marks: tuple[Json, ...]) -> Json:
    node: Json = {"type": "text", "text": value}
    if marks:
        # Marks ADF forbids together (code with a link or strong) are settled here, as
        # the repair step would settle them, so that most documents need no repair;
        # they are listed by type name, so that the order of the markup that gave
        # them does not show.
        order = _settled_marks(tuple(str(m["type"]) for m in marks))
        if order:
            node["marks"] = [dict(marks[i]) for i in order]
    return node


@lru_cache(maxsize=1024)  # bounded: the tuples come from the input's nesting of styles
def _settled_marks(types: tuple[str, ...]) -> tuple[int, ...]:
    """Which of these marks a text in a paragraph keeps (``repair``'s choice), in the
    order of their type names: one decision per combination, not per text."""
    kept = _marks_to_keep("paragraph", "text", types)
    return tuple(sorted(kept, key=lambda i: types[i]))


def _decode(value: str) -> str:
    """HTML entities decoded once, as CommonMark does (``&amp;`` -> ``&``)."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), value) if "&" in value else value


def _token_text(token: Token) -> str:
    if "raw" in token:
        return str(token["raw"])
    return "".join(_token_text(c) for c in token.get("children", []))


def _inline_specials(
    value: str, *, emoji: bool, mentions: Mapping[str, str]
) -> list[tuple[int, int, Json]]:
    found: list[tuple[int, int, Json]] = []
    node: Json
    link: Json
    # Each pattern only runs where its trigger character is (most text has none).
    if emoji and ":" in value:
        for m in _SHORTCODE.finditer(value):
            char = EMOJI.get(m.group(1))
            if char is not None:
                node = {"type": "emoji", "attrs": {"shortName": m.group(0), "text": char}}
                found.append((m.start(), m.end(), node))
    for m in _WWW.finditer(value) if "www." in value else ():
        url, _rest = _trim_autolink(m.group(0))
        link = {"type": "link", "attrs": {"href": _escape_url("http://" + url)}}
        node = {"type": "text", "text": url, "marks": [link]}
        found.append((m.start(), m.start() + len(url), node))
    for m in _EMAIL.finditer(value) if "@" in value else ():
        address = m.group(0).rstrip(".")
        link = {"type": "link", "attrs": {"href": _escape_url("mailto:" + address)}}
        node = {"type": "text", "text": address, "marks": [link]}
        found.append((m.start(), m.start() + len(address), node))
    if mentions and "@" in value:
        for m in _MENTION.finditer(value):
            account = mentions.get(m.group(1))
            if account is not None:
                node = {"type": "mention", "attrs": {"id": account, "text": m.group(0)}}
                found.append((m.start(), m.end(), node))
    found.sort(key=lambda f: f[0])
    kept: list[tuple[int, int, Json]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


def _alert_kind(tokens: list[Token]) -> str | None:
    """The kind of a GitHub alert (``NOTE`` ...) if the quote's first line is only
    its marker (``> [!NOTE]``), else None."""
    if not tokens or tokens[0]["type"] != "paragraph":
        return None
    inline = tokens[0].get("children", [])
    if not inline or inline[0]["type"] != "text":
        return None
    match = _ALERT.fullmatch(inline[0].get("raw", ""))
    if match is None:
        return None
    if len(inline) > 1 and inline[1]["type"] not in ("softbreak", "linebreak"):
        return None  # text follows the marker on its line: an ordinary quote
    return match.group(1).upper()


def _escape_url(url: str) -> str:
    """An address made safe as mistune makes its own links' (percent-encoded), so that
    every link the reader gives reads back the same from the writer's output."""
    from mistune.util import escape_url

    return str(escape_url(url))
