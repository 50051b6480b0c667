"""ADF to GitHub-flavoured Markdown (and the layout that plain text shares).

``to_markdown`` writes every node and mark; what Markdown cannot express falls back to
the nearest thing that keeps the text (listed in ``docs/markdown.md``): a panel becomes
a GitHub alert, an expand ``<details>``, a status ``[TEXT]``, a date its ISO day, a
mention its display name; underline and colours are dropped, their text kept. Text is
escaped so that ``from_markdown(to_markdown(d)) == d`` on the Markdown-expressible part
of ADF, and ``to_markdown(from_markdown(m))`` is a fixed point after one pass.

``adfkit.formats.text`` writes the same layout without any markup (``plain=True`` here):
what a person would copy.

Both refuse an invalid document (``InvalidDocument``); both handle any depth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from adfkit._deep import deep_safe, depth_of
from adfkit.errors import InvalidDocument
from adfkit.formats.common import iso_day

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
# start something: an entity, an emoji shortcode, a mention, an image.
_ESCAPE = re.compile(r"[\\`*_\[\]<|~]|&(?=#?\w+;)|:(?=[a-z0-9_+-]+:)|(?<![\w@.])@(?=\w)|!(?=\[)")
_LINE_START = re.compile(r"^([-+=>#]|\d+[.)])")
_LISTS = frozenset({"bulletList", "orderedList", "taskList"})
_LIST_FAMILY = {"bulletList": "bullet", "taskList": "bullet", "orderedList": "ordered"}
_HARD_BREAK_SPACES = re.compile(r"(?<!\\)[ \t]+\\$")


def to_markdown(doc: Json) -> str:
    """GitHub-flavoured Markdown for a valid ADF document."""
    return render(doc, plain=False)


def render(doc: Json, *, plain: bool) -> str:
    """The document's blocks as lines: Markdown, or with ``plain`` the same layout with no
    markup. Refuses an invalid document (``InvalidDocument``)."""
    from adfkit.document import as_json
    from adfkit.validator import iter_errors

    doc = as_json(doc)  # a built node or a dict
    errors = list(iter_errors(doc))
    if errors:
        raise InvalidDocument(errors)
    writer = _Writer(plain=plain)
    lines = deep_safe(lambda: writer.blocks(doc.get("content", [])), depth_of(doc))
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


class _Writer:
    """Block rendering returns lines; containers prefix their children's lines."""

    def __init__(self, *, plain: bool) -> None:
        self.plain = plain
        self.alternate = False

    # --- blocks ----------------------------------------------------------------------

    def blocks(self, nodes: list[Json], *, tight: bool = False) -> list[str]:
        out: list[str] = []
        previous: tuple[str, bool] | None = None  # (list family, alternate marker)
        for node in nodes:
            family = _LIST_FAMILY.get(node["type"])
            # Two lists in a row would read back as one: the second one switches its
            # marker ("-" to "*", "." to ")"), which CommonMark reads as a new list.
            self.alternate = (
                family is not None
                and previous is not None
                and (previous[0] == family and not previous[1])
            )
            previous = (family, self.alternate) if family is not None else None
            lines = self.block(node)
            if not lines:
                continue
            if out and not tight:
                out.append("")
            out.extend(lines)
        return out

    def block(self, node: Json) -> list[str]:
        handler = getattr(self, f"b_{node['type']}", None)
        if handler is None:
            return self.blocks(node.get("content") or [])
        return handler(node)  # type: ignore[no-any-return]

    def b_paragraph(self, node: Json) -> list[str]:
        text = self.inline(node.get("content") or [])
        if not text:
            return []
        if self.plain:
            return text.split("\n")
        # Markdown cannot keep spaces at the ends of a paragraph's lines (nor before a
        # hard break): write them as they will read back, so one pass is a fixed point.
        lines = [_HARD_BREAK_SPACES.sub(r"\\", line.strip(" \t")) for line in text.split("\n")]
        # Nor line breaks before the first or after the last text of a paragraph.
        while len(lines) > 1 and lines[-1] == "" and _ends_in_break(lines[-2]):
            lines.pop()
            lines[-1] = lines[-1][:-1].rstrip(" \t")
        while len(lines) > 1 and lines[0] == "\\":
            lines.pop(0)
        return [line for line in lines if line] or []

    def b_heading(self, node: Json) -> list[str]:
        text = self.inline(node.get("content") or [], breaks=" ").strip(" \t")
        if self.plain:
            return [text]
        if re.search(r"(^|\s)#+$", text):  # would read as the optional closing sequence
            text = text[: text.rindex("#")] + "\\#"
        return [f"{'#' * int(node['attrs']['level'])} {text}".rstrip()]

    def b_rule(self, node: Json) -> list[str]:
        return ["---"] if not self.plain else ["----"]

    def b_codeBlock(self, node: Json) -> list[str]:
        code = "".join(c.get("text", "") for c in node.get("content") or [])
        if self.plain:
            return code.split("\n")
        language = (node.get("attrs") or {}).get("language") or ""
        # A backtick fence cannot carry an info string with a backtick: use tildes.
        char = "~" if "`" in language else "`"
        longest = max((len(run) for run in re.findall(f"{re.escape(char)}+", code)), default=0)
        fence = char * max(3, longest + 1)
        return [fence + language, *code.split("\n"), fence] if code else [fence + language, fence]

    def b_blockquote(self, node: Json) -> list[str]:
        return self.quote(self.blocks(node.get("content") or []))

    def quote(self, lines: list[str]) -> list[str]:
        if self.plain:
            return lines
        return [f"> {line}" if line else ">" for line in lines]

    def b_panel(self, node: Json) -> list[str]:
        body = self.blocks(node.get("content") or [])
        if self.plain:
            return body
        kind = PANEL_ALERTS.get(node["attrs"].get("panelType", "info"), "NOTE")
        return self.quote([f"[!{kind}]", *body])

    def b_expand(self, node: Json) -> list[str]:
        title = (node.get("attrs") or {}).get("title") or ""
        body = self.blocks(node.get("content") or [])
        if self.plain:
            return [title, *body] if title else body
        summary = f"<summary>{_html_escape(title)}</summary>" if title else ""
        return ["<details>", *([summary] if summary else []), "", *body, "", "</details>"]

    b_nestedExpand = b_expand

    def b_bulletList(self, node: Json) -> list[str]:
        bullet = "* " if self.alternate else "- "
        return self.items(node.get("content") or [], lambda n: bullet)

    def b_orderedList(self, node: Json) -> list[str]:
        start = int((node.get("attrs") or {}).get("order", 1))
        delimiter = ")" if self.alternate else "."
        return self.items(node.get("content") or [], lambda n: f"{start + n}{delimiter} ")

    def items(self, items: list[Json], marker: Callable[[int], str]) -> list[str]:
        # Tight unless an item holds more than one paragraph-like block: ADF does not
        # record looseness, and a tight list reads back to the same nodes.
        loose = any(
            sum(1 for b in i.get("content") or [] if b["type"] not in _LISTS) > 1 for i in items
        )
        out: list[str] = []
        for n, item in enumerate(items):
            content = item.get("content") or []
            lines = self.blocks(content, tight=not loose) or [""]
            if content and content[0]["type"] in _LISTS and not self.plain:
                # "- - x" would read as a rule or lose the nesting: the inner list
                # starts on the next line.
                lines = ["", *lines]
            if out and loose:
                out.append("")
            out.extend(self.hang(marker(n), lines))
        return out

    def hang(self, marker: str, lines: list[str]) -> list[str]:
        """``marker`` before the first line, the rest indented under it."""
        pad = " " * len(marker)
        first = (marker + lines[0]).rstrip(" ") if not lines[0] else marker + lines[0]
        return [first] + [pad + line if line else "" for line in lines[1:]]

    def b_taskList(self, node: Json) -> list[str]:
        bullet = "* " if self.alternate else "- "
        self.alternate = False
        out: list[str] = []
        for child in node.get("content") or []:
            if child["type"] == "taskList":
                out.extend("  " + line if line else "" for line in self.b_taskList(child))
                continue
            done = child["attrs"].get("state") == "DONE"
            box = ("[x] " if done else "[ ] ") if not self.plain else ("☑ " if done else "☐ ")
            if child["type"] == "blockTaskItem":
                lines = self.blocks(child.get("content") or []) or [""]
            else:
                lines = (self.inline(child.get("content") or []) or "").split("\n")
            out.extend(self.hang(bullet + box, lines))
        return out

    def b_decisionList(self, node: Json) -> list[str]:
        out: list[str] = []
        for child in node.get("content") or []:
            lines = (self.inline(child.get("content") or []) or "").split("\n")
            out.extend(self.hang("- Decision: ", lines))
        return out

    def b_table(self, node: Json) -> list[str]:
        rows = [
            [self.cell(cell) for cell in row.get("content") or []]
            for row in node.get("content") or []
        ]
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

    def cell(self, cell: Json) -> str:
        lines = self.blocks(cell.get("content") or [], tight=True)
        joiner = " " if self.plain else "<br>"
        text = joiner.join(line.strip() for line in lines if line.strip())
        # Every pipe left unescaped (those in code spans) would end the cell.
        return text if self.plain else re.sub(r"(?<!\\)\|", r"\\|", text)

    def alignments(self, table: Json, width: int) -> list[str]:
        rows = table.get("content") or []
        source = rows[1] if len(rows) > 1 else rows[0]
        out: list[str] = []
        for cell in (source.get("content") or [])[:width]:
            first = (cell.get("content") or [{}])[0]
            align = next(
                (m["attrs"]["align"] for m in first.get("marks") or [] if m["type"] == "alignment"),
                None,
            )
            out.append({"center": ":-:", "end": "--:"}.get(align or "", "---"))
        return out + ["---"] * (width - len(out))

    def b_mediaSingle(self, node: Json) -> list[str]:
        out: list[str] = []
        for child in node.get("content") or []:
            out.extend(self.block(child))
        return out

    def b_mediaGroup(self, node: Json) -> list[str]:
        return self.blocks(node.get("content") or [], tight=True)

    def b_media(self, node: Json) -> list[str]:
        return [self.media(node["attrs"])]

    def media(self, attrs: Json) -> str:
        alt = attrs.get("alt") or ""
        if attrs.get("type") == "external" and attrs.get("url"):
            if self.plain:
                return alt or attrs["url"]
            return f"![{_escape(alt)}]({_destination(attrs['url'])})"
        label = alt or attrs.get("id", "")
        return f"[file: {label}]" if not self.plain else label

    def b_caption(self, node: Json) -> list[str]:
        text = self.inline(node.get("content") or [])
        return [text if self.plain else f"*{text}*"] if text else []

    def b_blockCard(self, node: Json) -> list[str]:
        url = (node.get("attrs") or {}).get("url")
        return [url if self.plain else f"<{url}>"] if url else []

    b_embedCard = b_blockCard

    def b_extension(self, node: Json) -> list[str]:
        attrs = node.get("attrs") or {}
        return [f"[{attrs.get('extensionKey', 'extension')}]"] if not self.plain else []

    def b_syncBlock(self, node: Json) -> list[str]:
        return []

    # --- inline ----------------------------------------------------------------------

    def inline(self, nodes: list[Json], *, breaks: str | None = None) -> str:
        parts: list[str] = []
        for i, node in enumerate(nodes):
            kind = node["type"]
            if kind == "text":
                if self.plain:
                    parts.append(node["text"])
                else:
                    before = _edge(nodes[i - 1], last=True) if i else ""
                    after = _edge(nodes[i + 1], last=False) if i + 1 < len(nodes) else ""
                    parts.append(self.marked(node, before, after))
            elif kind == "hardBreak":
                parts.append(breaks if breaks is not None else ("\n" if self.plain else "\\\n"))
            else:
                parts.append(self.inline_node(node))
        return "".join(parts)

    def inline_node(self, node: Json) -> str:
        attrs = node.get("attrs") or {}
        kind = node["type"]
        if kind == "mention":
            name = str(attrs.get("text") or f"@{attrs.get('id', '')}")
            if self.plain:
                return name
            return "@" + _escape(name[1:]) if name.startswith("@") else _escape(name)
        if kind == "emoji":
            if self.plain:
                return str(attrs.get("text") or attrs.get("shortName", ""))
            return str(attrs.get("shortName", ""))
        if kind == "date":
            return iso_day(str(attrs.get("timestamp", "")))
        if kind == "status":
            text = str(attrs.get("text", ""))
            return text if self.plain else f"\\[{_escape(text)}\\]"
        if kind == "inlineCard":
            url = attrs.get("url")
            return (url if self.plain else f"<{url}>") if url else ""
        if kind == "placeholder":
            return "" if self.plain else _escape(str(attrs.get("text", "")))
        if kind == "mediaInline":
            return self.media(attrs)
        if kind == "inlineExtension":
            return "" if self.plain else f"\\[{_escape(str(attrs.get('extensionKey', '')))}\\]"
        return ""

    def marked(self, node: Json, before: str, after: str) -> str:
        """Text with its marks as Markdown. Whitespace stays outside the delimiters,
        and emphasis that CommonMark would not read as emphasis next to these
        neighbours (``before``, ``after``: the characters around the text) is left out
        rather than written as stray asterisks: its text is kept either way."""
        # A line end inside a text reads back as a space (a soft break): write it so.
        text: str = node["text"].replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        marks = {m["type"]: m for m in node.get("marks") or []}
        if "code" in marks:
            body = _code_span(text)
            return self.link(body, marks["link"]) if "link" in marks else body
        core = text.strip()
        if not core:
            return _escape(text)
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        at_line_start = not lead and before in ("", "\n")
        body = _escape_lines(core) if at_line_start else _escape(core)
        if not trail and after == "[" and body.endswith("!") and not body.endswith("\\!"):
            body = body[:-1] + "\\!"  # "!" then a "[" from the next text: not an image
        styles = [m for m in ("strike", "em", "strong") if m in marks]
        if styles and _flanks(body, lead[-1:] or before, trail[:1] or after, "link" in marks):
            for style in styles:
                delimiter = {"strike": "~~", "em": "*", "strong": "**"}[style]
                body = f"{delimiter}{body}{delimiter}"
        if "link" in marks:
            body = self.link(body, marks["link"])
        return _escape(lead) + body + _escape(trail)

    def link(self, body: str, mark: Json) -> str:
        attrs = mark.get("attrs") or {}
        title = attrs.get("title")
        suffix = f' "{_escape_title(title)}"' if title else ""
        return f"[{body}]({_destination(attrs.get('href', ''))}{suffix})"


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
    return _ESCAPE.sub(lambda m: "\\" + m.group(0), text)


def _escape_lines(text: str) -> str:
    """Escaped text that cannot start a block at the start of a line."""
    # A backslash only escapes punctuation: "2." is kept from being a list as "2\.".
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], _escape(text))


def _escape_title(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')


def _destination(url: str) -> str:
    """A link destination that survives parsing: angle brackets when it has spaces or
    parentheses."""
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url.replace("\\", "%5C")


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one: pad then.
    spaced = text.startswith(" ") and text.endswith(" ") and text.strip()
    pad = " " if text.startswith("`") or text.endswith("`") or spaced else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
