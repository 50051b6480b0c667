"""The sandbox's own judgement of an Atlassian Document sent in an ADF field: the
structural rejections real Jira Cloud answers with ``400 {"errorMessages":["INVALID_INPUT"]}``.

It deliberately does not use adfkit's validator or its spec table. The client checks
documents with that validator before sending them; if the sandbox asked the same code,
a bug in it would be agreed with on both sides of the wire and no test could see it,
and the INVALID_INPUT path would never be reached over HTTP. So the rules here are
written out from what is known of Jira Cloud's own answers (rejections observed in public
issue threads, the ADF structure page and the ADF JSON schema's names):

* the top level is ``{"type": "doc", "version": 1, "content": [...]}``;
* every node and mark type is one Jira knows (``NODE_TYPES``, ``MARK_TYPES``);
* a text node has a non-empty string ``text`` (the schema's ``minLength: 1``);
* tableCell/tableHeader hold block nodes, never inline nodes such as text;
* no table inside a table, at any depth;
* no heading, table, rule (and the other big blocks in ``NOT_IN_QUOTE_OR_LIST``) directly
  inside a blockquote or a listItem;
* the ``code`` mark combines only with ``link`` (and ``annotation``, see below);
* text in a codeBlock carries no marks;
* the nodes in ``ATTRS`` take no attrs key outside their list; heading needs a level 1-6.

Limits: this is a structural check, not a full schema validation. Attribute values other
than a heading's level, allowed children of most nodes, and mark attributes are not
checked here; ``file_media_ids`` lists the ``media`` nodes of type ``file`` so that the
REST handlers can check them against the issue's attachments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["ATTRS", "MARK_TYPES", "NODE_TYPES", "Rejection", "file_media_ids", "rejection"]

# Node and mark names of the ADF structure page
# (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure) and of the
# ADF JSON schema it points to (http://go.atlassian.com/adf-json-schema), written out here
# on purpose rather than taken from adfkit's spec table.
INLINE_TYPES = frozenset(
    {
        "date",
        "emoji",
        "hardBreak",
        "inlineCard",
        "mention",
        "status",
        "text",
        "mediaInline",
        "inlineExtension",
        "placeholder",
    }
)
NODE_TYPES = INLINE_TYPES | frozenset(
    {
        # block nodes
        "blockquote",
        "bulletList",
        "codeBlock",
        "expand",
        "heading",
        "mediaGroup",
        "mediaSingle",
        "orderedList",
        "panel",
        "paragraph",
        "rule",
        "table",
        "blockCard",
        "embedCard",
        "decisionList",
        "taskList",
        "layoutSection",
        "extension",
        "bodiedExtension",
        "syncBlock",
        "bodiedSyncBlock",
        # child nodes
        "listItem",
        "media",
        "caption",
        "nestedExpand",
        "tableRow",
        "tableCell",
        "tableHeader",
        "decisionItem",
        "taskItem",
        "blockTaskItem",
        "layoutColumn",
    }
)
MARK_TYPES = frozenset(
    {
        "backgroundColor",
        "code",
        "em",
        "link",
        "strike",
        "strong",
        "subsup",
        "textColor",
        "underline",
        # marks on blocks and media, and the editor's own
        "alignment",
        "indentation",
        "border",
        "breakout",
        "annotation",
        "dataConsumer",
        "fragment",
        "fontSize",
    }
)
# Rejected as direct children of blockquote and listItem (section 3.4 names heading,
# table and rule; the schema's content lists for both leave out the other big blocks too).
NOT_IN_QUOTE_OR_LIST = frozenset(
    {"heading", "table", "rule", "panel", "expand", "layoutSection", "blockquote"}
)
QUOTE_OR_LIST = frozenset({"blockquote", "listItem"})
CELLS = frozenset({"tableCell", "tableHeader"})
# Marks the schema lets stand next to ``code`` (section 3.4's notes say "only link";
# the schema also allows annotation, an inline comment, see docs/sandbox.md).
CODE_COMPANIONS = frozenset({"code", "link", "annotation"})
# Attribute keys of some common nodes (the structure page's attrs tables); a key outside
# the list is an "unknown attrs key" and Jira rejects the document.
ATTRS: dict[str, frozenset[str]] = {
    "paragraph": frozenset({"localId"}),
    "heading": frozenset({"level", "localId"}),
    "blockquote": frozenset({"localId"}),
    "bulletList": frozenset({"localId"}),
    "orderedList": frozenset({"order", "localId"}),
    "listItem": frozenset({"localId"}),
    "rule": frozenset({"localId"}),
    "hardBreak": frozenset({"text", "localId"}),
    "mention": frozenset({"id", "text", "accessLevel", "userType", "localId"}),
    "emoji": frozenset({"shortName", "id", "text", "localId"}),
    "date": frozenset({"timestamp", "localId"}),
    "tableRow": frozenset({"localId"}),
}


@dataclass(frozen=True)
class Rejection:
    """Why the sandbox rejects a document: the rule broken and a JSON Pointer to where.
    Jira itself says only INVALID_INPUT; this is for tests and the sandbox's docs."""

    rule: str
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.path or '/'}: {self.detail}"


def rejection(document: Any) -> Rejection | None:
    """The first rule ``document`` breaks, or None when Jira would accept it."""
    if not isinstance(document, dict):
        return Rejection("not-a-doc", "", "the document is not a JSON object")
    if document.get("type") != "doc":
        return Rejection("not-a-doc", "/type", "the top-level type must be 'doc'")
    version = document.get("version")
    if version != 1 or isinstance(version, bool):
        return Rejection("not-a-doc", "/version", "version must be 1")
    if not isinstance(document.get("content"), list):
        return Rejection("not-a-doc", "/content", "content must be a list")
    return next(_children(document, "", ()), None)


def _children(node: dict[str, Any], path: str, ancestors: tuple[str, ...]) -> Iterator[Rejection]:
    content = node.get("content")
    if content is None:
        return
    if not isinstance(content, list):
        yield Rejection("bad-node", f"{path}/content", "content must be a list")
        return
    parent = node.get("type")
    for i, child in enumerate(content):
        yield from _node(child, f"{path}/content/{i}", str(parent), ancestors)


def _node(node: Any, path: str, parent: str, ancestors: tuple[str, ...]) -> Iterator[Rejection]:
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        yield Rejection("bad-node", path, "a node must be an object with a string type")
        return
    kind = node["type"]
    if kind not in NODE_TYPES or kind == "doc":
        yield Rejection("unknown-node", f"{path}/type", f"unknown node type {kind!r}")
        return
    if parent in CELLS and kind in INLINE_TYPES:
        yield Rejection("inline-in-cell", path, f"{parent} holds block nodes, not {kind} directly")
    if kind == "table" and "table" in ancestors:
        yield Rejection("nested-table", path, "a table inside a table")
    if parent in QUOTE_OR_LIST and kind in NOT_IN_QUOTE_OR_LIST:
        yield Rejection("not-in-quote-or-list", path, f"{kind} inside {parent}")
    if kind == "text":
        text = node.get("text")
        if not isinstance(text, str) or not text:
            yield Rejection("empty-text", f"{path}/text", "a text node needs non-empty text")
    yield from _attrs(node, kind, path)
    yield from _marks(node, kind, path, parent)
    yield from _children(node, path, (*ancestors, kind))


def _attrs(node: dict[str, Any], kind: str, path: str) -> Iterator[Rejection]:
    attrs = node.get("attrs")
    if attrs is not None and not isinstance(attrs, dict):
        yield Rejection("bad-attrs", f"{path}/attrs", "attrs must be an object")
        return
    allowed = ATTRS.get(kind)
    if allowed is not None and attrs:
        for key in attrs:
            if key not in allowed:
                yield Rejection(
                    "unknown-attr", f"{path}/attrs/{key}", f"{kind} has no attribute {key!r}"
                )
    if kind == "heading":
        level = (attrs or {}).get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
            yield Rejection("bad-attrs", f"{path}/attrs/level", "heading level must be 1-6")


def _marks(node: dict[str, Any], kind: str, path: str, parent: str) -> Iterator[Rejection]:
    marks = node.get("marks")
    if marks is None:
        return
    if not isinstance(marks, list):
        yield Rejection("bad-mark", f"{path}/marks", "marks must be a list")
        return
    types: list[str] = []
    for i, mark in enumerate(marks):
        if not isinstance(mark, dict) or not isinstance(mark.get("type"), str):
            yield Rejection("bad-mark", f"{path}/marks/{i}", "a mark must have a string type")
            return
        if mark["type"] not in MARK_TYPES:
            yield Rejection(
                "unknown-mark", f"{path}/marks/{i}/type", f"unknown mark {mark['type']!r}"
            )
            return
        types.append(mark["type"])
    if kind == "text" and parent == "codeBlock" and types:
        yield Rejection("marks-in-code-block", f"{path}/marks", "codeBlock text takes no marks")
    if "code" in types:
        others = sorted(set(types) - CODE_COMPANIONS)
        if others:
            yield Rejection(
                "code-with-other-marks", f"{path}/marks", f"code combined with {others}"
            )


def file_media_ids(document: Any) -> list[str]:
    """The ids of the ``media`` nodes of type ``file`` in ``document``, in document order
    (an explicit stack: any depth)."""
    found: list[str] = []
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        attrs = node.get("attrs")
        if (
            node.get("type") in ("media", "mediaInline")
            and isinstance(attrs, dict)
            and attrs.get("type") == "file"
            and isinstance(attrs.get("id"), str)
        ):
            found.append(attrs["id"])
        content = node.get("content")
        if isinstance(content, list):
            stack.extend(reversed(content))
    return found
