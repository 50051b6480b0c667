"""Emphasis (``*``/``_`` delimiter runs) for mistune's inline tokens, in linear time.

Why this module exists: mistune 3.4 finds emphasis after its inline scan, in
``InlineParser.finalize_tokens``, by CommonMark's delimiter-run procedure. Its version
measures the nesting depth of each candidate's whole content afresh, steps over spent
delimiters one at a time and splices a Python list per match, so nested emphasis
costs quadratic time: ``"*a " * k + "b" + " c*" * k`` is 0.5 s at 12 KB and 12 s at
48 KB before adfkit sees a token. :func:`resolve` returns the tokens mistune's own
procedure returns (``tests/test_markdown_emphasis.py`` holds the two to equality on
generated text, quirks included) with work proportional to the tokens:

- the parts (text pieces, delimiter runs, other tokens) are a linked list, so a match
  wraps its content in time proportional to that content, and each part is wrapped
  once;
- spent delimiters are skipped through path-compressed pointers, in both directions,
  so no search or step crosses a spent delimiter twice;
- a part at mistune's nesting cap (``max_depth``) is a *wall* no match may contain: an
  opener remembers the first wall after it, so an opener refused once for a wall is
  refused again without walking its content;
- each kind of closer remembers the last opener it found and could not use, so a run
  of such closers does not walk back over the same delimiters each time.

The algorithm is CommonMark's "process emphasis" as mistune runs it, including where
mistune departs from the reference: after a match it resumes at the opener, not the
closer; a match whose content is a single delimiter run leaves that run live but
unusable; content at the nesting cap refuses the match.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import mistune

Token = dict[str, Any]

# An entity's tail (``#123;``, ``#x1F;``, ``amp;``): text either side of an "&" and such a
# tail is kept apart, as mistune keeps it, so that the entity is not formed by joining.
_ENTITY_TAIL = re.compile(r"#[0-9]{1,7};|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};")
_DELIMITER_RUNS = re.compile(r"(\*+|_+)")
_NOTHING = -1


class InlineParser(mistune.InlineParser):
    """mistune's inline parser with :func:`resolve` in place of mistune's emphasis
    resolution: the same tokens, in linear time.

    ``without_addresses``, if given, reads any text that holds no ``://`` (a twin
    without the bare-URL rule: see ``reader._parser``)."""

    def __init__(self, *, without_addresses: mistune.InlineParser | None = None) -> None:
        super().__init__()
        self.without_addresses = without_addresses

    def __call__(self, s: str, env: MutableMapping[str, Any]) -> list[Token]:
        if self.without_addresses is not None and "://" not in s:
            return self.without_addresses(s, env)
        return super().__call__(s, env)

    def finalize_tokens(self, tokens: list[Token], depth: int) -> list[Token]:
        remaining = self.max_nested_level - depth
        return resolve(tokens, "emphasis" in self.rules and remaining > 0, remaining)


def resolve(tokens: list[Token], enabled: bool, max_depth: int) -> list[Token]:
    """The inline tokens with their ``*``/``_`` runs resolved into ``emphasis`` and
    ``strong`` tokens, as mistune's ``finalize_emphasis_tokens`` resolves them.

    ``enabled`` is False where mistune allows no emphasis (its nesting budget is spent);
    ``max_depth`` is that budget: a match whose content nests this deep is refused.
    """
    if enabled:
        for token in tokens:  # (a plain loop: this runs for every inline sequence)
            if token["type"] == "text":
                raw = token["raw"]
                if ("*" in raw or "_" in raw) and token.get("_emphasis", True):
                    return _Resolver(tokens, max_depth).run()
    if len(tokens) == 1:
        return [_clean(tokens[0])]  # most sequences: one text, or one token
    return [_clean(token) for token in _coalesced(tokens)]


def _entity_boundary(left: str, right: str) -> bool:
    return left[-1:] == "&" and _ENTITY_TAIL.match(right) is not None


def _clean(token: Token) -> Token:
    """The token without the scan's private flags."""
    if "_emphasis" not in token and "_autolink" not in token:
        return token
    return {key: value for key, value in token.items() if key not in ("_emphasis", "_autolink")}


def _coalesced(tokens: list[Token]) -> list[Token]:
    """Neighbouring text tokens joined, those that may hold emphasis apart from those
    that may not (an escaped ``\\*``), and never across an entity boundary."""
    out: list[Token] = []
    chunks: list[str] = []
    enabled = True
    for token in tokens:
        if token["type"] != "text":
            if chunks:
                out.append(_joined_text(chunks, enabled))
                chunks = []
            out.append(token)
            continue
        raw = token["raw"]
        mode = token.get("_emphasis", True)
        if chunks and (mode != enabled or _entity_boundary(chunks[-1], raw)):
            out.append(_joined_text(chunks, enabled))
            chunks = []
        enabled = mode
        chunks.append(raw)
    if chunks:
        out.append(_joined_text(chunks, enabled))
    return out


def _joined_text(chunks: list[str], enabled: bool) -> Token:
    token: Token = {"type": "text", "raw": chunks[0] if len(chunks) == 1 else "".join(chunks)}
    if not enabled:
        token["_emphasis"] = False
    return token


def _depth(token: Token) -> int:
    """How many ``children`` containers nest in ``token`` (0 for a plain token);
    iterative, as any walk over input-shaped data here is."""
    if "children" not in token:
        return 0
    deepest = 0
    stack: list[tuple[Token, int]] = [(token, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node["children"] if "children" in child)
    return deepest


def _is_punctuation(char: str) -> bool:
    return not char.isspace() and not char.isalnum()


def _flanking(before: str, after: str, marker: str) -> tuple[bool, bool]:
    """Whether a run between ``before`` and ``after`` may open and may close emphasis:
    CommonMark's flanking rules in mistune's reading (punctuation is anything neither
    space nor alphanumeric; an ``_`` between two alphanumerics does neither)."""
    if marker == "_" and before.isalnum() and after.isalnum():
        return False, False
    can_open = not after.isspace() and not (
        _is_punctuation(after) and not before.isspace() and not _is_punctuation(before)
    )
    can_close = not before.isspace() and not (
        _is_punctuation(before) and not after.isspace() and not _is_punctuation(after)
    )
    return can_open, can_close


class _Run:
    """A delimiter run that may open or close: its part, marker and what is left of it."""

    __slots__ = ("can_close", "can_open", "length", "marker", "original", "part", "wall", "wrapped")

    def __init__(self, part: int, marker: str, length: int, can_open: bool, can_close: bool):
        self.part = part
        self.marker = marker
        self.length = length
        self.original = length
        self.can_open = can_open
        self.can_close = can_close
        # Mistune quirk: a match whose content is this one run leaves it live, but its
        # part is then inside the new token, and every match with it is refused.
        self.wrapped = False
        # The position of the first wall found after this opener (see the module doc).
        self.wall: int | None = None


class _Resolver:
    """One inline sequence's parts and runs, and the delimiter procedure over them."""

    def __init__(self, tokens: list[Token], max_depth: int) -> None:
        self.max_depth = max_depth
        self.parts: list[Token] = []
        self.runs: list[_Run] = []
        self.run_of_part: dict[int, int] = {}
        source = "".join(
            [
                token["raw"]
                if token["type"] == "text"
                else "\n"
                if token["type"] in ("softbreak", "linebreak")
                else "\ufffc"
                for token in tokens
            ]
        )
        self._read(tokens, source)
        count = len(self.parts)
        self.next = [*range(1, count), _NOTHING]  # the parts in line order, from part 0
        self.prev = list(range(-1, count - 1))
        # Order along the line; a wrapper takes its first child's position.
        self.position = list(range(count))
        self.depth = [_depth(part) if "children" in part else 0 for part in self.parts]
        self.forward = list(range(len(self.runs) + 1))  # next live run at or after i
        self.backward = list(range(len(self.runs)))  # last live run at or before i

    def _read(self, tokens: list[Token], source: str) -> None:
        """The parts: neighbouring texts read as one (as ``_coalesced`` joins them) and
        split at each delimiter run, which is a part of its own and, where it may open
        or close, a run. One pass: a run never spans two tokens (mistune's scan takes
        each whole), so each token is split alone and the plain pieces between runs
        are joined."""
        parts, runs = self.parts, self.runs
        plain: list[str] = []  # pieces of the text part being gathered
        enabled = True  # whether that text may hold emphasis
        previous = ""  # the last text token's raw text, for the entity boundary
        offset = 0
        for token in tokens:
            if token["type"] != "text":
                if plain:
                    parts.append({"type": "text", "raw": "".join(plain)})
                    plain = []
                parts.append(_clean(token))
                previous = ""
                offset += 1
                continue
            raw: str = token["raw"]
            mode = token.get("_emphasis", True)
            if plain and (mode != enabled or _entity_boundary(previous, raw)):
                parts.append({"type": "text", "raw": "".join(plain)})
                plain = []
            enabled = mode
            previous = raw
            if not mode or ("*" not in raw and "_" not in raw):
                plain.append(raw)
                offset += len(raw)
                continue
            for k, piece in enumerate(_DELIMITER_RUNS.split(raw)):
                if not piece:
                    continue
                end = offset + len(piece)
                if k % 2 == 0:
                    plain.append(piece)
                    offset = end
                    continue
                if plain:  # a delimiter run: its own part
                    parts.append({"type": "text", "raw": "".join(plain)})
                    plain = []
                before = source[offset - 1] if offset > 0 else "\n"
                after = source[end] if end < len(source) else "\n"
                can_open, can_close = _flanking(before, after, piece[0])
                if can_open or can_close:
                    self.run_of_part[len(parts)] = len(runs)
                    runs.append(_Run(len(parts), piece[0], len(piece), can_open, can_close))
                parts.append({"type": "text", "raw": piece})
                offset = end
        if plain:
            parts.append({"type": "text", "raw": "".join(plain)})

    # --- live runs ---------------------------------------------------------------------

    def _next_live(self, i: int) -> int:
        forward = self.forward
        root = i
        while forward[root] != root:
            root = forward[root]
        while forward[i] != root:
            forward[i], i = root, forward[i]
        return root

    def _last_live(self, i: int) -> int:
        if i < 0:
            return _NOTHING
        backward = self.backward
        root = i
        while root >= 0 and backward[root] != root:
            root = backward[root]
        while i >= 0 and backward[i] != root:
            backward[i], i = root, backward[i]
        return root

    def _spend(self, i: int) -> None:
        self.runs[i].length = 0
        self.forward[i] = i + 1
        self.backward[i] = i - 1

    # --- the procedure -----------------------------------------------------------------

    def run(self) -> list[Token]:
        runs = self.runs
        bottoms: dict[tuple[str, int, bool], int] = {}
        refused: dict[tuple[str, bool, int], tuple[int, int]] = {}
        i = self._next_live(0)
        while i < len(runs):
            closer = runs[i]
            if not closer.can_close:
                i = self._next_live(i + 1)
                continue
            key = (closer.marker, closer.length % 3, closer.can_open)
            kind = (closer.marker, closer.can_open, closer.original % 3)
            j = self._find_opener(i, closer, bottoms.get(key, 0), refused.get(kind))
            if j == _NOTHING:
                bottoms[key] = i
                i = self._next_live(i + 1)
                continue
            opener = runs[j]
            content = self._content(opener, closer)
            if content is None:
                refused[kind] = (i, j)
                i = self._next_live(i + 1)
                continue
            self._match(j, i, content)
            if opener.can_open or closer.can_close:
                i = self._next_live(max(j, bottoms.get(key, 0)))
            else:
                i = self._next_live(i + 1)
        return self._merged()

    def _find_opener(
        self, i: int, closer: _Run, bottom: int, refused: tuple[int, int] | None
    ) -> int:
        """The nearest live run before ``i`` (not below ``bottom``) that opens for
        ``closer``; ``refused`` is where the last closer of its kind searched from and
        the opener it found then: no run between the two has since become one that
        opens for this kind, so the walk may jump there."""
        runs = self.runs
        j = self._last_live(i - 1)
        while j >= bottom:
            if refused is not None and j < refused[0] and refused[1] <= j:
                found = refused[1]
                refused = None
                if runs[found].length > 0:
                    return found if found >= bottom else _NOTHING
                j = self._last_live(found - 1)
                continue
            opener = runs[j]
            if opener.marker == closer.marker and opener.can_open and _pairable(opener, closer):
                return j
            j = self._last_live(j - 1)
        return _NOTHING

    def _content(self, opener: _Run, closer: _Run) -> tuple[int, list[int]] | None:
        """How many characters the match uses and the parts it wraps, or None where
        mistune refuses it (no text left at an end, nothing between, a wall between)."""
        if opener.wrapped or closer.wrapped:
            return None
        use = 2 if opener.length >= 2 and closer.length >= 2 else 1
        parts, nxt = self.parts, self.next
        end = closer.part
        first = nxt[opener.part]
        k = first
        while k != end and parts[k]["type"] == "text" and parts[k]["raw"] == "":
            k = nxt[k]
        if k == end:
            return None
        if opener.wall is not None and self.position[end] > opener.wall:
            return None
        between: list[int] = []
        k = first
        depth, cap = self.depth, self.max_depth
        while k != end:
            if depth[k] >= cap:
                opener.wall = self.position[k]
                return None
            between.append(k)
            k = nxt[k]
        return use, between

    def _match(self, j: int, i: int, content: tuple[int, list[int]]) -> None:
        use, between = content
        opener, closer = self.runs[j], self.runs[i]
        parts = self.parts
        parts[opener.part]["raw"] = parts[opener.part]["raw"][:-use]
        parts[closer.part]["raw"] = parts[closer.part]["raw"][use:]
        node = len(parts)
        children = [parts[k] for k in between]
        parts.append({"type": "strong" if use == 2 else "emphasis", "children": children})
        self.next.append(closer.part)
        self.prev.append(opener.part)
        self.next[opener.part] = node
        self.prev[closer.part] = node
        self.position.append(self.position[between[0]])
        self.depth.append(1 + max(self.depth[k] for k in between))
        if len(between) > 1:
            k = self._next_live(j + 1)
            while k < i:
                self._spend(k)
                k = self._next_live(k + 1)
        elif between[0] in self.run_of_part:
            self.runs[self.run_of_part[between[0]]].wrapped = True
        opener.length -= use
        closer.length -= use
        if opener.length == 0:
            opener.can_open = False
            self._spend(j)
        if closer.length == 0:
            closer.can_close = False
            self._spend(i)

    def _merged(self) -> list[Token]:
        """The top-level parts in order, neighbouring text joined and empty text gone."""
        out: list[Token] = []
        chunks: list[str] = []
        k = 0 if self.parts else _NOTHING
        while k != _NOTHING:
            part = self.parts[k]
            if part["type"] == "text":
                raw = part["raw"]
                if raw:
                    if chunks and _entity_boundary(chunks[-1], raw):
                        out.append({"type": "text", "raw": "".join(chunks)})
                        chunks = []
                    chunks.append(raw)
            else:
                if chunks:
                    out.append({"type": "text", "raw": "".join(chunks)})
                    chunks = []
                out.append(part)
            k = self.next[k]
        if chunks:
            out.append({"type": "text", "raw": "".join(chunks)})
        return out


def _pairable(opener: _Run, closer: _Run) -> bool:
    """CommonMark's rule of three: a run that can both open and close does not pair
    with another whose lengths sum to a multiple of 3, unless both lengths are."""
    if opener.can_close or closer.can_open:
        total = opener.original + closer.original
        return total % 3 != 0 or (opener.original % 3 == 0 and closer.original % 3 == 0)
    return True
