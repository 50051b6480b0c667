"""HTML5's handling of formatting elements, done on the markup before libxml2 reads it.

Browsers keep a formatting element (``b``, ``i``, ``em``, ``a``, ...) *active* when the
parser closes it implicitly, at a block boundary or because an outer element closed
first, and reopen it before the next text ("reconstruct the active formatting
elements"); an end tag out of order closes what is inside it and reopens that after (the
"adoption agency"). So ``<p><b>bold<p>still bold`` shows two bold paragraphs and
``<b>1<i>2</b>3</i>`` shows an italic 3. libxml2 closes such elements for good and drops
the stray end tag, so text a browser shows bold or linked would lose its mark.

``balance_formatting`` rewrites the markup so that libxml2 reads it nested as a browser
does: explicit end tags where libxml2 would close implicitly, and the element's own
start tag (attributes and all) again before the next text. Nothing is removed, only tags
inserted, so no text can be lost; markup that needs nothing comes back unchanged.

Limits, all kept small on purpose: the tag scanner knows comments, ``<!...>``, ``<?...>``
and the raw-text elements but is not a full HTML5 tokenizer; a formatting element
closed by an inline element's end tag (``<span><b>x</span>y``) is not reopened; at most
three identical entries are kept (HTML5's "Noah's Ark" clause) and at most
``_MAX_ACTIVE`` in all, which bounds the work on hostile input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["balance_formatting"]

# HTML5's formatting elements.
_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong"}
    | {"tt", "u"}
)
# Start or end tags at which libxml2 closes open formatting elements and a browser keeps
# them active: block boundaries, list items, table parts.
_BOUNDARY = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Table cells and captions are "markers": formatting from outside does not reach into
# them, and what opens inside ends with them.
_CELLS = frozenset({"td", "th", "caption"})
_ROWS = frozenset({"tr", "tbody", "thead", "tfoot"})
# Elements whose content is not markup: skipped to their end tag.
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
    | {"noscript", "plaintext"}
)
_RAW_TEXT_END = {name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT}
# Start tags that hold no text a formatting mark could apply to: nothing is reopened for them.
_NOT_CONTENT = frozenset(
    {"html", "head", "body", "meta", "link", "base", "template", "colgroup", "col"}
)
_MAX_ACTIVE = 32

# A tag's attributes: runs of ordinary characters and quoted values (which may hold
# '>'). Written as an "unrolled loop", so a tag that does not end cannot make the regex
# backtrack exponentially, and never across a '<', so a broken tag costs a scan to the
# next '<' and not to the end of the page (a '<' inside a quoted value, rare and legal,
# makes that tag unread: the scan then only misses a chance to balance).
_ATTRIBUTES = r"[^<>\"']*(?:(?:\"[^\"<]*\"|'[^'<]*')[^<>\"']*)*"
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment (an unclosed one runs to the end, as in HTML5)
    r"|<[!?][^>]*>?"  # doctype, processing instruction, CDATA remnant
    r"|<(/?)([A-Za-z][^\s/>]*)(" + _ATTRIBUTES + ")>",
    re.DOTALL,
)
# While no formatting element is active only a few things matter: a comment or a
# raw-text element (to skip what is inside), a formatting start tag, and the table tags
# that set and clear markers. One search in C finds the next of them, which makes
# well-formed pages cost little.
_SKIP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?i:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
    r"|a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u"
    r"|/?(?:td|th|caption|table|tr|tbody|thead|tfoot))[\s/>]",
    re.DOTALL,
)
# A formatting element holding only text (and at most formatting elements that hold
# only text) and closed by its own end tag, the usual case: nothing for the scan to do,
# so it is stepped over in one match. Unrolled loops again: no exponential backtracking.
_NAMES = "a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u"
_SIMPLE = re.compile(
    rf"<({_NAMES})(?:[\s/]{_ATTRIBUTES})?>"
    rf"[^<]*(?:<({_NAMES})(?:[\s/]{_ATTRIBUTES})?>[^<]*</\2\s*>[^<]*)*"
    r"</\1\s*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"\S")


@dataclass(slots=True)
class _Entry:
    """An active formatting element: its name, its start tag as written, and whether
    libxml2 has it open at the point the scan has reached."""

    name: str
    tag: str
    open: bool = True


@dataclass(slots=True)
class _Marker:
    """A table cell or caption boundary in the list of active formatting elements."""

    depth: int


def balance_formatting(markup: str) -> str:
    """``markup`` with formatting elements closed and reopened the way browsers nest
    them (see the module docstring); the same string when nothing needs it."""
    return balanced(markup)[0]


def balanced(markup: str) -> tuple[str, int]:
    """``balance_formatting``'s result and the work it took: characters scanned, steps
    of the scan and of its list walks, characters inserted. Tests use the count to show
    that the scan is linear in the markup."""
    if "<" not in markup:
        return markup, len(markup)
    state = _Scan(markup)
    state.run()
    if not state.inserts:
        return markup, state.work
    out: list[str] = []
    last = 0
    for position, text in state.inserts:
        out.append(markup[last:position])
        out.append(text)
        last = position
    out.append(markup[last:])
    joined = "".join(out)
    return joined, state.work + len(joined)


class _Scan:
    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.active: list[_Entry | _Marker] = []
        self.inserts: list[tuple[int, str]] = []
        self.table_depth = 0
        # How many of ``active`` are markers: "any entry active?" is then a comparison,
        # not a scan (a 10,000-deep table nest holds 10,000 markers).
        self.markers = 0
        self.work = 0

    def run(self) -> None:
        markup = self.markup
        position = 0
        end = len(markup)
        while position < end:
            self.work += 1
            if len(self.active) == self.markers:  # no formatting element active
                skip = _SKIP.search(markup, position)
                if skip is None:
                    self.work += end - position
                    return
                self.work += skip.end() - position
                if skip.group(0).startswith("<!--"):
                    position = skip.end()
                    continue
                simple = _SIMPLE.match(markup, skip.start())
                if simple is not None:
                    self.work += simple.end() - skip.start()
                    position = simple.end()
                    continue
                position = skip.start()  # a raw-text, formatting or table tag: read it
            match = _TOKEN.search(markup, position)
            start = match.start() if match else end
            self.work += (match.end() if match else end) - position
            if start > position and _CONTENT.search(markup, position, start):
                self._reconstruct(position)
            if match is None:
                return
            position = match.end()
            name = match.group(2)
            if name is None:
                continue  # comment, doctype or processing instruction
            name = name.lower()
            if match.group(1):
                self._end_tag(name, start)
                continue
            self._start_tag(name, match.group(0), start)
            if name in _RAW_TEXT:
                found = _RAW_TEXT_END[name].search(markup, position)
                self.work += (found.end() if found else end) - position
                if name != "plaintext" and found is not None:
                    position = found.start()
                else:
                    return

    # --- the list of active formatting elements -------------------------------------------

    def _since_marker(self) -> int:
        """Index of the first entry after the last marker."""
        for index in range(len(self.active) - 1, -1, -1):
            self.work += 1
            if isinstance(self.active[index], _Marker):
                return index + 1
        return 0

    def _reconstruct(self, position: int) -> None:
        since = self.active[self._since_marker() :]
        self.work += len(since)
        reopen = [entry for entry in since if isinstance(entry, _Entry) and not entry.open]
        if reopen:
            self.inserts.append((position, "".join(entry.tag for entry in reopen)))
            for entry in reopen:
                entry.open = True

    def _close_open(self, position: int, entries: list[_Entry | _Marker]) -> None:
        """Close the open ``entries`` (innermost first) before ``position``; they stay
        active, to be reopened before the next text."""
        self.work += len(entries)
        closing = [e for e in reversed(entries) if isinstance(e, _Entry) and e.open]
        if closing:
            self.inserts.append((position, "".join(f"</{e.name}>" for e in closing)))
            for entry in closing:
                entry.open = False

    def _clear_to_marker(self, position: int, depth: int) -> None:
        """End a table cell at ``depth``: what opened in it closes and stops being active."""
        for index in range(len(self.active) - 1, -1, -1):
            self.work += 1
            item = self.active[index]
            if isinstance(item, _Marker):
                if item.depth != depth:
                    return
                self._close_open(position, self.active[index + 1 :])
                del self.active[index:]
                self.markers -= 1
                return

    def _push(self, name: str, tag: str) -> None:
        first = self._since_marker()
        self.work += len(self.active) - first
        same = [
            index
            for index, item in enumerate(self.active[first:], first)
            if isinstance(item, _Entry) and item.tag == tag
        ]
        if len(same) >= 3:  # Noah's Ark: the earliest of four identical entries goes
            del self.active[same[0]]
        if len(self.active) - first >= _MAX_ACTIVE:
            del self.active[first]
        self.active.append(_Entry(name, tag))

    # --- tags -----------------------------------------------------------------------------

    def _start_tag(self, name: str, tag: str, position: int) -> None:
        if name in _FORMATTING:
            if name == "a":
                self._end_link(position)
            self._reconstruct(position)
            self._push(name, tag)
            return
        if name not in _BOUNDARY:
            if name not in _NOT_CONTENT and name not in _RAW_TEXT:
                self._reconstruct(position)
            return
        if name == "table":
            self._close_open(position, self.active[self._since_marker() :])
            self.table_depth += 1
            return
        if name in _CELLS or name in _ROWS:
            self._clear_to_marker(position, self.table_depth)
        self._close_open(position, self.active[self._since_marker() :])
        if name in _CELLS:
            self.active.append(_Marker(self.table_depth))
            self.markers += 1

    def _end_link(self, position: int) -> None:
        """A link inside a link: HTML5 ends the first one (and what opened in it) first."""
        first = self._since_marker()
        for index in range(len(self.active) - 1, first - 1, -1):
            entry = self.active[index]
            self.work += 1
            if isinstance(entry, _Entry) and entry.name == "a":
                self._close_open(position, self.active[index:])
                del self.active[index]
                return

    def _end_tag(self, name: str, position: int) -> None:
        if name in _FORMATTING:
            first = self._since_marker()
            for index in range(len(self.active) - 1, first - 1, -1):
                entry = self.active[index]
                self.work += 1
                if isinstance(entry, _Entry) and entry.name == name:
                    # What opened inside it closes here and is reopened after; the end
                    # tag itself closes the element (or, when a boundary already closed
                    # it, libxml2 drops it).
                    self._close_open(position, self.active[index + 1 :])
                    del self.active[index]
                    return
            return
        if name not in _BOUNDARY:
            return
        if name in _CELLS or name in _ROWS:
            self._clear_to_marker(position, self.table_depth)
        if name == "table":
            self._clear_to_marker(position, self.table_depth)
            self._close_open(position, self.active[self._since_marker() :])
            self.table_depth = max(0, self.table_depth - 1)
            return
        self._close_open(position, self.active[self._since_marker() :])
