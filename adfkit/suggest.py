"""Suggestions for error messages: the valid name a slip was meant to be, and where
the document is when the input is not one.

Names come from the spec table, so a suggestion is always something that exists. A
slip is matched in this order: the classic ADF confusions (``bold`` for ``strong``,
``url`` for ``href``: HTML's and Markdown's words for ADF's), the same name in
camelCase or another case (``local_id``, ``codeblock``), then the closest spelling
(``difflib``, as Python's own "did you mean" does). The validator and the builder
append what these functions return; the error codes never change.

Input hints answer the two ways a whole input goes wrong: JSON text passed where the
parsed value belongs, and a payload (a Jira issue, an API response) that holds the
document somewhere inside. The search for that document is bounded, so a huge
payload costs a fixed amount of work.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Final

from adfkit.errors import ValidationError
from adfkit.pointer import escape
from adfkit.spec import MARKS, NODES

__all__ = [
    "input_hint",
    "key_hint",
    "mark_tail",
    "nearest",
    "nearest_mark",
    "nearest_node",
    "node_tail",
    "python_value",
    "with_input_hint",
]

# HTML's, Markdown's, wiki markup's and other editors' words for ADF's node types.
NODE_CONFUSIONS: Final[Mapping[str, str]] = {
    "bulletpoint": "bulletList",
    "bulletpoints": "bulletList",
    "bullet": "bulletList",
    "bullets": "bulletList",
    "ul": "bulletList",
    "unorderedlist": "bulletList",
    "itemize": "bulletList",
    "list": "bulletList` or `orderedList",
    "ol": "orderedList",
    "numberedlist": "orderedList",
    "numberlist": "orderedList",
    "enumerate": "orderedList",
    "li": "listItem",
    "item": "listItem",
    "p": "paragraph",
    "para": "paragraph",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "header": "heading",
    "title": "heading",
    "code": "codeBlock` (`code` is a mark on text",
    "pre": "codeBlock",
    "codeblock": "codeBlock",
    "quote": "blockquote",
    "hr": "rule",
    "horizontalrule": "rule",
    "divider": "rule",
    "br": "hardBreak",
    "linebreak": "hardBreak",
    "newline": "hardBreak",
    "img": "mediaSingle",
    "image": "mediaSingle",
    "a": "inlineCard` (or a `link` mark on text",
    "link": "inlineCard` (or a `link` mark on text",
    "tr": "tableRow",
    "td": "tableCell",
    "th": "tableHeader",
    "document": "doc",
    "root": "doc",
    "checklist": "taskList",
    "todo": "taskItem",
    "task": "taskItem",
    "details": "expand",
    "collapse": "expand",
    "callout": "panel",
    "admonition": "panel",
    "info": "panel",
    "lozenge": "status",
}
MARK_CONFUSIONS: Final[Mapping[str, str]] = {
    "bold": "strong",
    "b": "strong",
    "italic": "em",
    "italics": "em",
    "i": "em",
    "emphasis": "em",
    "u": "underline",
    "underlined": "underline",
    "ins": "underline",
    "strikethrough": "strike",
    "strikeout": "strike",
    "strikethru": "strike",
    "s": "strike",
    "del": "strike",
    "monospace": "code",
    "inlinecode": "code",
    "tt": "code",
    "a": "link",
    "href": "link",
    "url": "link",
    "hyperlink": "link",
    "color": "textColor",
    "colour": "textColor",
    "fontcolor": "textColor",
    "highlight": "backgroundColor",
    "background": "backgroundColor",
    "sup": "subsup",
    "sub": "subsup",
    "superscript": "subsup",
    "subscript": "subsup",
}
# Attribute and property names: only suggested where the target exists in that place.
KEY_CONFUSIONS: Final[Mapping[str, str]] = {
    "url": "href",
    "link": "href",
    "src": "url",
    "lang": "language",
    "children": "content",
    "nodes": "content",
    "items": "content",
    "attributes": "attrs",
    "props": "attrs",
    "mark": "marks",
    "value": "text",
    "type": "panelType",
    "color": "panelType",
    "ordered": "order",
    "start": "order",
    "checked": "state",
    "done": "state",
}

_CUTOFF: Final = 0.6  # difflib's default: close enough that the guess is usually right
_SEARCH_LIMIT: Final = 10_000  # containers visited looking for a document in a payload


def _camel(name: str) -> str:
    """``local_id`` / ``local-id`` -> ``localId``."""
    head, *rest = re.split(r"[_\-\s]+", name.strip())
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def nearest(found: str, choices: Collection[str], confusions: Mapping[str, str]) -> str | None:
    """The valid name ``found`` was most likely meant to be, or None.

    A confusion wins only if what it names is among ``choices`` (its first word, for
    the entries that add a remark); then the camelCase or case-insensitive twin; then
    the closest spelling.
    """
    if found in choices:
        return None
    lowered = found.lower().replace("_", "").replace("-", "")
    known = confusions.get(lowered) or confusions.get(found.lower())
    if known is not None and known.split("`", 1)[0] in choices:
        return known
    camel = _camel(found)
    if camel in choices:
        return camel
    by_case = {c.lower(): c for c in choices}
    if lowered in by_case:
        return by_case[lowered]
    close = difflib.get_close_matches(lowered, list(by_case), n=1, cutoff=_CUTOFF)
    return by_case[close[0]] if close else None


def nearest_node(found: str) -> str | None:
    """The node type ``found`` was meant to be, or None."""
    return nearest(found, NODES, NODE_CONFUSIONS)


def nearest_mark(found: str) -> str | None:
    """The mark type ``found`` was meant to be, or None."""
    return nearest(found, MARKS, MARK_CONFUSIONS)


def _did_you_mean(guess: str) -> str:
    return f"did you mean `{guess}`?" if "(" not in guess else f"did you mean `{guess})?"


def node_tail(found: object) -> str:
    """What follows "unknown node type X" in a message: the likely type, or the list."""
    guess = nearest_node(found) if isinstance(found, str) else None
    if guess is not None:
        return f"; {_did_you_mean(guess)}"
    return "; known types: " + ", ".join(sorted(NODES))


def mark_tail(found: object) -> str:
    """What follows "unknown mark with X" in a message: the likely mark, or the list."""
    guess = nearest_mark(found) if isinstance(found, str) else None
    if guess is not None:
        return f"; {_did_you_mean(guess)}"
    return "; known marks: " + ", ".join(sorted(MARKS))


def key_hint(found: object, allowed: Collection[str]) -> str:
    """``"; did you mean `href`?"`` for an unknown attribute or property, or ``""``."""
    if not isinstance(found, str):
        return ""
    guess = nearest(found, allowed, KEY_CONFUSIONS)
    return f"; {_did_you_mean(guess)}" if guess is not None else ""


def python_value(value: object) -> str:
    """A Python object that is not JSON, as a message shows it: a built node or mark
    inside a dict says how it becomes JSON, a builder function that it was not called."""
    from adfkit.tree import Mark, Node

    if isinstance(value, Node | Mark):
        kind = "node" if isinstance(value, Node) else "mark"
        return f"a built `{value.type}` {kind} (JSON needs its .to_json())"
    if callable(value) and getattr(value, "__module__", None) == "adfkit.build":
        name = getattr(value, "__name__", "?")
        return f"the builder function `{name}` (call it: {name}(...))"
    return f"a Python {type(value).__name__}"


# --- whole inputs ------------------------------------------------------------------


def input_hint(value: object) -> str | None:
    """Why a whole input is not a document, when that can be told: JSON text instead
    of the parsed value, or a payload that holds the document further down."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value[:64]).decode("utf-8", errors="replace")
    if isinstance(value, str):
        start = value.lstrip("\ufeff \t\r\n")[:1]
        if start in ("{", "["):
            return "this looks like JSON text: json.loads it first"
        return "this is a string; if it is Markdown, adfkit.from_markdown(text) makes a document"
    if isinstance(value, dict):
        pointer = find_document(value)
        if pointer:
            return (
                f"the document is at {pointer}; use --pointer {pointer} "
                f"(or adfkit.pointer.resolve(value, {pointer!r}))"
            )
    return None


def find_document(value: object) -> str | None:
    """The JSON Pointer of the first ADF document (breadth first) inside ``value``,
    other than ``value`` itself; None if there is none within the search limit."""
    queue: list[tuple[object, str]] = [(value, "")]
    for item, where in queue:  # the queue grows while it is read: breadth first
        room = _SEARCH_LIMIT - len(queue)
        if room < 0:
            return None
        if isinstance(item, dict):
            if where and item.get("type") == "doc" and isinstance(item.get("content"), list):
                return where
            pairs = ((v, f"{where}/{escape(str(k))}") for k, v in item.items())
        elif isinstance(item, list):
            pairs = ((v, f"{where}/{i}") for i, v in enumerate(item))
        else:
            continue
        queue.extend(itertools.islice(pairs, room + 1))  # one past the limit ends the search
    return None


def with_input_hint(value: object, errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """``errors`` with the input hint (if any) added to the errors about the root: the
    validator's entry point wraps its walk in this when the input is not a ``doc``."""
    hint: str | None = None
    searched = False
    for error in errors:
        if error.path == "" and error.code in _ROOT_CODES:
            if not searched:
                hint, searched = input_hint(value), True
            if hint is not None:
                error = ValidationError(error.code, error.path, f"{error.message}; {hint}")
        yield error


_ROOT_CODES: Final = frozenset(["NOT_A_NODE", "MISSING_TYPE", "UNKNOWN_NODE", "ROOT_NOT_DOC"])
