"""Jira wiki markup's inline text to ADF inline nodes: text effects, links, mentions,
images, emoticons, dashes, escapes.

A paragraph's (heading's, cell's) text is read in one pass: every place a text effect
could close and every place one cannot reach past is indexed once (``_index``), then the
text is read left to right with a stack of open effects, plain runs copied as slices.
Atlassian's transformer looks for each closing symbol to the end of the line instead,
which is quadratic; the results agree (``docs/wiki.md`` lists where not).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from adfkit.formats.common import join_texts
from adfkit.formats.wiki.syntax import (
    BLOCK_TAG,
    CSS_COLORS,
    EFFECTS,
    EMOTICONS,
    ESCAPABLE,
    css_color,
    wordy,
)
from adfkit.repair import _fit_marks

__all__ = ["COLOR_OPEN", "LINK", "Inline", "MediaResolver", "People", "params", "text_node"]

Json = dict[str, Any]
MediaResolver = Callable[[str], str | None]


class People(Protocol):
    """What inline text needs from its reader: user names to account ids, and
    attachment names to media ids."""

    mentions: dict[str, str]
    resolve: MediaResolver | None


_ANCHOR = re.compile(r"\{anchor(?::[^{}\n]*)?\}", re.IGNORECASE)
COLOR_OPEN = re.compile(r"\{color(?::([^{}\n]*))?\}")
LINK = re.compile(r"\[([^\[\]\n]+)\]")
_BARE_URL = re.compile(
    r"((?:(?:https?|ftps?)://)|irc://|mailto:)"
    r"([\w?!~^/\\#$%&'()*+,\-./:;<=@]*[\w~^/\\#$%&'()*+,\-/:;<=@])",
    re.IGNORECASE | re.ASCII,  # JavaScript's \w: ASCII only
)
_URL_START = ("http", "ftp", "irc", "mailto")
_BAD_URL_END = ".,>)];}\"'!"
_ACCOUNT_PREFIX = "accountid:"
_MEDIA_WIDTH, _MEDIA_HEIGHT = 200, 183  # the transformer's size for an image without one


def params(raw: str) -> dict[str, str]:
    """``title=T|bgColor=#fff|python`` -> {"title": "T", "bgcolor": "#fff", "python": ""}:
    the first value of a key wins, keys are case-folded."""
    out: dict[str, str] = {}
    for part in raw.split("|"):
        key, _sep, value = part.partition("=")
        key = key.strip().lower()
        if key and key not in out:
            out[key] = value.strip()
    return out


def text_node(value: str, marks: tuple[Json, ...]) -> Json:
    node: Json = {"type": "text", "text": value}
    if marks:
        kept = _fit_marks(list(marks), "paragraph", "text")
        if kept:
            node["marks"] = [dict(m) for m in kept]
    return node


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


class Inline:
    """One paragraph's (or heading's, cell's) text to inline nodes, in one pass."""

    def __init__(
        self, reader: People, body: str, *, dashes: bool, follow: str, urls: bool = True
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
        self.searched: dict[str, tuple[int, int]] = {}  # needle -> (from, next place)
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
                m = LINK.match(s, i)
                if m:
                    skip = m.end()
            elif token == "{{":
                skip = i + 2
            elif first == "{":
                m = COLOR_OPEN.match(s, i)
                if m:
                    skip = m.end()
                elif BLOCK_TAG.match(s, i):
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

    def next_at(self, needle: str, start: int, limit: int) -> int:
        """Where ``needle`` next stands wholly between ``start`` and ``limit``, or -1.
        The scan moves forward, so each needle's last answer is kept and holds until
        the scan passes it: a run of openers whose closer never comes (``{color:red}``
        repeated) searches the text once, not once per opener."""
        searched = self.searched.get(needle)
        if searched is None or start < searched[0] or 0 <= searched[1] < start:
            searched = (start, self.s.find(needle, start))
            self.searched[needle] = searched
        pos = searched[1]
        return pos if pos >= 0 and pos + len(needle) <= limit else -1

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
                self.out.append(text_node(value, self.marks()))

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
            if ch == "[" and (m := LINK.match(s, i)) and m.end() <= self.limit():
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
            self.emit(text_node(_unescape(s[i + 2 : end]), ({"type": "code"},)))
            return end + 2
        anchor = _ANCHOR.match(s, i)
        if anchor:  # a link target Jira draws nothing for: gone, as in the transformer
            return anchor.end()
        m = COLOR_OPEN.match(s, i)
        if m:
            close = self.next_at("{color}", m.end(), self.limit())
            if close < 0:  # an unclosed colour tag is dropped, as the transformer does
                return m.end()
            color = _text_color(next(iter(params(m.group(1) or "")), ""))
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
        self.emit(text_node(shown, marks))
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
            nested = Inline(self.reader, label, dashes=False, follow="", urls=False)
            nested.frames = []
            nodes = nested.run() or [text_node(label, ())]
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
    return text_node(node["text"], tuple(merged))


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
    return join_texts(nodes)
