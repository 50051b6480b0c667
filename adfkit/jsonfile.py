"""JSON in and out for the CLI and every output path: any nesting depth, linear time.

Reading (``parse``, ``load``): errors with line and column, duplicate keys reported
rather than silently collapsed, numbers beyond what a reader can hold reported with
their pointer. Writing (``dumps``): the same text as ``json.dumps``, at any depth.
Finding (``locate_many``): JSON Pointers mapped back to lines for annotations, all of a
file's pointers in one pass.

Python's ``json`` recurses once per nesting level and stops at about 1,000 levels, while
a valid ADF document can be much deeper. Both directions therefore try ``json`` first
(its C code is fast) and, when it gives up on depth, finish with the iterative code
here, which holds its own stack on the heap: no recursion that input can reach, and no
thread with a huge stack. The contract (time, memory, limits) is in
``docs/resources.md``.

Decisions:

- ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259): ``MalformedJson``
  at their position, though Python's ``json`` reads them.
- A number that is JSON but that no reader holds as a number is *out of range*: a
  fraction or exponent beyond a 64-bit float (``1e400``, which Python reads as
  infinity) or an integer of more digits than Python converts
  (``sys.get_int_max_str_digits()``, 4,300; converting more is quadratic). It is read
  as a signed infinity and listed in ``Parsed.out_of_range`` with its pointer and
  line, so that the CLI reports it as what it is, not as "not JSON".
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from adfkit.pointer import Pointer, split_pointer

__all__ = [
    "DuplicateKey",
    "MalformedJson",
    "OutOfRange",
    "Parsed",
    "decode",
    "dumps",
    "load",
    "locate",
    "locate_many",
    "parse",
]

MAX_INDENT_LEVELS = 100
"""``dumps(indent=...)`` stops indenting deeper than this many levels: indentation
grows with depth on every line, so a 100,000-deep document would otherwise print
gigabytes of spaces. The JSON value is the same; only whitespace differs, and only
past this depth."""

_WS = re.compile(r"[ \t\n\r]*")
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]  # public in the module, absent from its stub
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 4300
_CONSTANTS = {"null": None, "true": True, "false": False}
_NOT_JSON = ("NaN", "Infinity", "-Infinity")


class MalformedJson(ValueError):
    """The input is not JSON; ``line`` and ``col`` are 1-based."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message = message
        self.line = line
        self.col = col


class _Found:
    """Something found at a place in the input; ``path`` (its JSON Pointer) is made text
    when first read: a file can hold many such places, each as deep as the file."""

    __slots__ = ("_path",)
    _FIELDS: tuple[str, ...] = ("path",)

    def __init__(self, path: str | Pointer) -> None:
        self._path = path

    @property
    def path(self) -> str:
        if not isinstance(self._path, str):
            self._path = str(self._path)
        return self._path

    @property
    def pointer(self) -> Pointer:
        """The place as a ``Pointer`` (its chain of steps, without building text)."""
        return Pointer.of(self._path)

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Found) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self._FIELDS, self._fields(), strict=True))
        return f"{type(self).__name__}({shown})"


class DuplicateKey(_Found):
    """An object in the input (at ``path``) that names ``key`` more than once (JSON keeps
    the last)."""

    __slots__ = ("key",)
    _FIELDS = ("path", "key")

    def __init__(self, path: str | Pointer, key: str) -> None:
        super().__init__(path)
        self.key = key


class OutOfRange(_Found):
    """A number in the input beyond what a reader can hold (see the module docstring),
    read as a signed infinity. ``literal`` is how it is written, shortened if long."""

    __slots__ = ("col", "line", "literal")
    _FIELDS = ("path", "literal", "line", "col")

    def __init__(self, path: str | Pointer, literal: str, line: int, col: int) -> None:
        super().__init__(path)
        self.literal = literal
        self.line = line
        self.col = col


@dataclass(slots=True)
class Parsed:
    """What ``parse`` read: the value and what the value alone cannot show."""

    value: object
    duplicates: list[DuplicateKey] = field(default_factory=list)
    out_of_range: list[OutOfRange] = field(default_factory=list)
    _literals: dict[int, str] = field(default_factory=dict, repr=False)

    def literal_of(self, number: object) -> str | None:
        """How an out-of-range number in ``value`` was written (the object itself, as
        found in ``value``), or None for any other value."""
        return self._literals.get(id(number)) if isinstance(number, float) else None


class _Unusual(Exception):
    """Raised inside ``json.loads``' hooks: this text needs the careful reader."""


def _skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # a '*' pattern always matches


_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _skip_container(text: str, pos: int) -> int:
    """Just past the array or object starting at ``pos`` (or the end of a text that
    breaks off), without reading it: strings and brackets only, one regex step each."""
    depth = 0
    for match in _STRUCTURE.finditer(text, pos):
        token = match.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(text)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _positions(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Line and column of each of ``offsets`` (in increasing order): one pass over the
    text for all of them, where ``_position`` for each would count from the start."""
    places: list[tuple[int, int]] = []
    line, line_start, done = 1, 0, 0
    for offset in offsets:
        newlines = text.count("\n", done, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", done, offset) + 1
        done = offset
        places.append((line, offset - line_start + 1))
    return places


def _malformed(text: str, message: str, offset: int) -> MalformedJson:
    return MalformedJson(message, *_position(text, offset))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) to text, or ``MalformedJson`` at the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig", errors="replace")
        line, col = _position(good, len(good))
        raise MalformedJson(
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot start a character", line, col
        ) from None


# --- reading ---------------------------------------------------------------------------


def load(text: str) -> tuple[object, list[DuplicateKey]]:
    """Parse ``text``; return the value and the duplicate keys found in it."""
    parsed = parse(text)
    return parsed.value, parsed.duplicates


def parse(text: str) -> Parsed:
    """Parse ``text`` (any depth, linear time); ``MalformedJson`` if it is not JSON."""
    dupes: list[tuple[dict[str, object], str]] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _value in pairs:
                if key in seen:
                    dupes.append((obj, key))
                seen.add(key)
        return obj

    try:
        value = json.loads(
            text,
            object_pairs_hook=pairs_hook,
            parse_float=_float_or_unusual,
            parse_constant=_unusual,
        )
    except json.JSONDecodeError as exc:
        raise MalformedJson(exc.msg, exc.lineno, exc.colno) from None
    except (RecursionError, _Unusual, ValueError):
        # Too deep for ``json``'s recursion, a non-JSON constant, or a number out of
        # range (a too-long integer raises a plain ValueError): read carefully.
        return _Reader(text).read()
    return Parsed(value, _dupe_paths(value, dupes))


def _float_or_unusual(literal: str) -> float:
    number = float(literal)
    if math.isinf(number):
        raise _Unusual
    return number


def _unusual(_literal: str) -> object:
    raise _Unusual


def _dupe_paths(value: object, dupes: list[tuple[dict[str, object], str]]) -> list[DuplicateKey]:
    """Pointers of the objects holding duplicate keys, in document order: one walk with
    lazy pointers, text made only for the objects found."""
    if not dupes:
        return []
    wanted: dict[int, list[str]] = {}
    for obj, key in dupes:
        wanted.setdefault(id(obj), []).append(key)
    found: list[DuplicateKey] = []
    stack: list[tuple[Pointer, object]] = [(Pointer.of(""), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key in wanted.pop(id(item), ()):
                found.append(DuplicateKey(path, key))
            for key in reversed(list(item)):
                child = item[key]
                if isinstance(child, dict | list):
                    stack.append((path / str(key), child))
        elif isinstance(item, list):
            for i in range(len(item) - 1, -1, -1):
                if isinstance(item[i], dict | list):
                    stack.append((path / i, item[i]))
    return found


class _Open:
    """An array or object being read: the container, its pointer, what comes next."""

    __slots__ = ("container", "counts", "key", "pointer", "wanted")

    def __init__(
        self, container: dict[str, object] | list[object], pointer: Pointer, wanted: _Trie | None
    ) -> None:
        self.container = container
        self.pointer = pointer
        self.key = ""
        self.wanted = wanted
        self.counts: dict[str, int] | None = {} if wanted and isinstance(container, dict) else None


@dataclass(slots=True)
class _Trie:
    """Pointers to find, token by token; ``hits`` maps the occurrences wanted here to
    the pointer as it was asked for (so that finding one builds no pointer text)."""

    kids: dict[str, _Trie] = field(default_factory=dict)
    hits: dict[int, str] = field(default_factory=dict)


class _Reader:
    """An iterative JSON reader: ``json``'s grammar and messages, a heap stack.

    Strings go through ``json``'s own ``scanstring`` (C); everything else is a regex
    match or a character test at the current position, so the time is linear in the
    text. With ``wanted`` it also records where the wanted pointers' values start.
    """

    def __init__(self, text: str, wanted: _Trie | None = None) -> None:
        self.text = text
        self.wanted = wanted
        self.dupes: list[DuplicateKey] = []
        self.big: list[tuple[Pointer, str, int, float]] = []
        self.found_at: list[tuple[int, str, int]] = []  # (offset, pointer, occurrence)

    def read(self) -> Parsed:
        text = self.text
        end = len(text)
        pos = _skip_ws(text, 0)
        stack: list[_Open] = []
        root: list[object] = []
        if self.wanted is not None and 0 in self.wanted.hits:
            self.found_at.append((pos, self.wanted.hits[0], 0))
        want_value = True
        while True:
            if want_value:
                _value, pos, opened = self._value(pos, stack, root)
                if opened is not None:
                    stack.append(opened)
                    pos = _skip_ws(text, pos)
                    closer = "}" if isinstance(opened.container, dict) else "]"
                    if text.startswith(closer, pos):
                        stack.pop()
                        pos += 1
                        want_value = False
                    elif closer == "}":
                        pos = self._key(pos, opened)
                    continue
                want_value = False
                continue
            if not stack:
                pos = _skip_ws(text, pos)
                if pos != end:
                    raise _malformed(text, "Extra data", pos)
                break
            pos = _skip_ws(text, pos)
            top = stack[-1]
            is_object = isinstance(top.container, dict)
            char = text[pos : pos + 1]
            if char == ("}" if is_object else "]"):
                stack.pop()
                pos += 1
                continue
            if char != ",":
                raise _malformed(text, "Expecting ',' delimiter", pos)
            pos = _skip_ws(text, pos + 1)
            if is_object:
                pos = self._key(pos, top)
            want_value = True
        parsed = Parsed(root[0], self.dupes)
        places = _positions(text, [offset for _p, _l, offset, _n in self.big])
        for (pointer, literal, _offset, number), place in zip(self.big, places, strict=True):
            shown = literal if len(literal) <= 40 else f"{literal[:20]}... ({len(literal)} chars)"
            parsed.out_of_range.append(OutOfRange(pointer, shown, *place))
            parsed._literals[id(number)] = shown
        return parsed

    def _key(self, pos: int, top: _Open) -> int:
        """Read ``"key":`` at ``pos`` into ``top``; the position of the value after it."""
        text = self.text
        if not text.startswith('"', pos):
            raise _malformed(text, "Expecting property name enclosed in double quotes", pos)
        key, pos = self._string(pos)
        pos = _skip_ws(text, pos)
        if not text.startswith(":", pos):
            raise _malformed(text, "Expecting ':' delimiter", pos)
        top.key = key
        return _skip_ws(text, pos + 1)

    def _string(self, pos: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise _malformed(self.text, exc.msg, exc.pos) from None

    def _value(
        self, pos: int, stack: list[_Open], root: list[object]
    ) -> tuple[object, int, _Open | None]:
        """Read the value at ``pos`` and put it where it belongs; an array or object is
        returned open, to be filled by the main loop."""
        text = self.text
        char = text[pos : pos + 1]
        top = stack[-1] if stack else None
        opened: _Open | None = None
        token: str | int = 0
        wanted: _Trie | None = None
        occurrence = 0
        if top is not None:
            token = top.key if isinstance(top.container, dict) else len(top.container)
            if top.wanted is not None:
                wanted = top.wanted.kids.get(str(token))
                if top.counts is not None:
                    occurrence = top.counts.get(top.key, 0)
                    top.counts[top.key] = occurrence + 1
                if wanted is not None and occurrence in wanted.hits:
                    self.found_at.append((pos, wanted.hits[occurrence], occurrence))
                if occurrence:
                    wanted = None  # deeper tokens follow the first occurrence, as locate does
        elif self.wanted is not None:
            wanted = self.wanted
        value: object
        if char == '"':
            value, pos = self._string(pos)
        elif (char == "{" or char == "[") and self.wanted is not None and wanted is None:
            value, pos = None, _skip_container(text, pos)  # finding, and nothing in there
        elif char == "{" or char == "[":
            container: dict[str, object] | list[object] = {} if char == "{" else []
            pointer = Pointer.of("") if top is None else top.pointer / token
            opened = _Open(container, pointer, wanted)
            value = container
            pos += 1
        else:
            match = _NUMBER.match(text, pos)
            if match is not None:
                value, pos = self._number(match, top, token)
            else:
                for word, constant in _CONSTANTS.items():
                    if text.startswith(word, pos):
                        value = constant
                        pos += len(word)
                        break
                else:
                    for word in _NOT_JSON:
                        if text.startswith(word, pos):
                            raise _malformed(text, f"{word} is not JSON", pos)
                    raise _malformed(text, "Expecting value", pos)
        if top is None:
            root.append(value)
        elif isinstance(top.container, dict):
            if token in top.container:
                self.dupes.append(DuplicateKey(top.pointer, top.key))
            top.container[top.key] = value
        else:
            top.container.append(value)
        return value, pos, opened

    def _number(
        self, match: re.Match[str], top: _Open | None, token: str | int
    ) -> tuple[object, int]:
        integer, fraction, exponent = match.groups()
        literal = match.group()
        value: object
        if fraction or exponent:
            value = float(literal)
            out = math.isinf(value)
        else:
            out = len(integer.lstrip("-")) > _INT_DIGITS
            value = float("-inf" if literal.startswith("-") else "inf") if out else int(literal)
        if out:
            pointer = Pointer.of("") if top is None else top.pointer / token
            self.big.append((pointer, literal, match.start(), value))
        return value, match.end()


# --- writing ---------------------------------------------------------------------------


def dumps(value: object, *, indent: int | None = None, ensure_ascii: bool = False) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)`` at any depth.

    The same text for ordinary values (``tests/test_jsonfile.py`` holds the two
    together), with two differences: NaN and the infinities raise ``ValueError`` (they
    are not JSON, and Jira cannot read them), and with ``indent`` the indentation stops
    growing past ``MAX_INDENT_LEVELS``. Without ``indent``, ``json``'s C encoder does
    the work unless the value is too deep for it.
    """
    if indent is None:
        try:
            return json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False)
        except RecursionError:
            pass
    return "".join(_encode(value, indent, ensure_ascii))


_DONE: Any = object()


def _key_text(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float_text(key)
    if key is True or key is False or key is None:
        return "true" if key is True else "false" if key is False else "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _float_text(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")


def _encode(value: object, indent: int | None, ensure_ascii: bool) -> Iterator[str]:
    """The pieces of the JSON text of ``value``; an explicit stack, no recursion."""
    quote = encode_basestring_ascii if ensure_ascii else encode_basestring
    unit = None if indent is None else " " * indent
    separator = ", " if unit is None else ","
    # One entry per open array or object: its items, whether it is an object, its id.
    stack: list[tuple[Iterator[Any], bool, int]] = []
    open_ids: set[int] = set()
    pending = value
    first = True
    while True:
        if pending is not _DONE:
            item, pending = pending, _DONE
            if isinstance(item, str):
                yield quote(item)
            elif item is None:
                yield "null"
            elif item is True:
                yield "true"
            elif item is False:
                yield "false"
            elif isinstance(item, int):
                yield int.__repr__(item)
            elif isinstance(item, float):
                yield _float_text(item)
            elif isinstance(item, list | tuple | dict):
                is_object = isinstance(item, dict)
                if not item:
                    yield "{}" if is_object else "[]"
                else:
                    if id(item) in open_ids:
                        raise ValueError("Circular reference detected")
                    open_ids.add(id(item))
                    items = iter(item.items()) if isinstance(item, dict) else iter(item)
                    stack.append((items, is_object, id(item)))
                    yield "{" if is_object else "["
                    first = True
            else:
                raise TypeError(
                    f"Object of type {item.__class__.__name__} is not JSON serializable"
                )
        if not stack:
            return
        current, is_object, ident = stack[-1]
        following = next(current, _DONE)
        if following is _DONE:
            stack.pop()
            open_ids.discard(ident)
            if unit is not None:
                yield "\n" + unit * min(len(stack), MAX_INDENT_LEVELS)
            yield "}" if is_object else "]"
            first = False
            continue
        if not first:
            yield separator
        if unit is not None:
            yield "\n" + unit * min(len(stack), MAX_INDENT_LEVELS)
        first = False
        if is_object:
            key, pending = following
            yield quote(_key_text(key))
            yield ": "
        else:
            pending = following


# --- finding pointers in the text ------------------------------------------------------


def locate_many(
    text: str, pointers: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], tuple[int, int]]:
    """Line and column (1-based) where each wanted value starts in ``text``.

    ``pointers`` are (JSON Pointer, occurrence) pairs; occurrence 1 is a later duplicate
    of the pointer's last key. One pass over the text for all of them; pointers that
    are not in the text (or text that is not JSON) are left out of the answer.
    """
    trie = _Trie()
    for pointer, occurrence in pointers:
        try:
            tokens = split_pointer(pointer)
        except ValueError:
            continue
        node = trie
        for token in tokens:
            node = node.kids.setdefault(token, _Trie())
        node.hits[occurrence] = pointer
    reader = _Reader(text, trie)
    with contextlib.suppress(MalformedJson):  # what was found before the error stands
        reader.read()
    found_at = sorted(reader.found_at)
    places = _positions(text, [offset for offset, _pointer, _occurrence in found_at])
    return {
        (pointer, occurrence): place
        for (_offset, pointer, occurrence), place in zip(found_at, places, strict=True)
    }


def locate(text: str, pointer: str, *, occurrence: int = 0) -> tuple[int, int] | None:
    """Line and column (1-based) where the value at ``pointer`` starts in ``text``.

    ``occurrence`` picks a later duplicate of the last key (1: the second one).
    """
    return locate_many(text, [(pointer, occurrence)]).get((pointer, occurrence))
