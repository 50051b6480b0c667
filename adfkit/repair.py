"""Make a converter's natural ADF valid without losing text, guided by the spec table.

Converters (Markdown, HTML) first map each construct to its natural ADF node, without
asking whether ADF allows it there: a heading inside a list item, a table inside a
quote, an image in the middle of a paragraph, ``code`` and ``link`` on one text.
``repair_document`` then fits every node into its parent using ``adfkit.spec``:

1. inline content where blocks belong is wrapped in a paragraph;
2. a node with a *conversion* for this parent takes it (a heading becomes a bold
   paragraph, a quote is unwrapped into its children, ``expand`` becomes
   ``nestedExpand``, an image inside a heading becomes its alt text as a link);
3. anything else is *hoisted*: its parent is split around it and it moves up to the
   nearest ancestor that accepts it (a table in a list item ends the list, stands
   after it, and the list continues after the table, numbering included);
4. at the root, whatever is still not allowed becomes a paragraph of its text;
5. marks a text may not carry together or in this parent are dropped, keeping the
   ones that carry data first (``link`` before ``code`` before styles);
6. containers left empty get the empty paragraph ADF needs; empty text disappears;
   U+0000 and lone surrogates become U+FFFD, as CommonMark prescribes for NUL.

Every rule is listed, with examples, in ``docs/markdown.md``. The result always
passes ``adfkit.validate``; ``tests/test_repair.py`` and the converters' property
tests hold it to that.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Generator, Iterable
from functools import lru_cache
from typing import Any

from adfkit.spec import MARKS, NODES

__all__ = ["MARK_PRIORITY", "repair_document", "text_of"]

Json = dict[str, Any]

MARK_PRIORITY = (
    "link",
    "code",
    "strong",
    "em",
    "strike",
    "underline",
    "subsup",
    "textColor",
    "backgroundColor",
    "annotation",
)
"""Which marks survive first when a text may not carry all of its marks: the ones that
carry data (a link's target, code) before the ones that only style."""

_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_TEXT_BLOCKS = frozenset(
    t for t, s in NODES.items() if s.content is not None and "text" in s.content.children
)
_MAX_ORDER = 2**31 - 1


def repair_document(content: Iterable[Json]) -> Json:
    """A valid ``doc`` holding ``content`` (natural, possibly invalid, ADF blocks)."""
    repairer = _Repairer()
    pieces = _drive(repairer.fit("doc", list(content), at_root=True))
    return {"type": "doc", "version": 1, "content": pieces}


def text_of(node: Json) -> str:
    """All the text under ``node``, blocks separated by newlines (for fallbacks)."""
    parts: list[str] = []
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        ntype = item.get("type")
        if ntype == "text":
            parts.append(item.get("text", ""))
        elif ntype == "hardBreak":
            parts.append("\n")
        elif ntype in ("mention", "emoji", "status", "placeholder"):
            attrs = item.get("attrs", {})
            parts.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif ntype in ("inlineCard", "blockCard", "embedCard"):
            parts.append(str(item.get("attrs", {}).get("url", "")))
        elif ntype in ("expand", "nestedExpand") and item.get("attrs", {}).get("title"):
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
            parts.append(str(item["attrs"]["title"]) + "\n")
        elif ntype == "media":
            attrs = item.get("attrs", {})
            parts.append(str(attrs.get("alt") or attrs.get("url") or ""))
        if ntype in _TEXT_BLOCKS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")  # one line per block of text, in document order
        stack.extend(reversed(item.get("content") or []))
    return "".join(parts).strip("\n")


# --- fitting children into parents -------------------------------------------------------


class _Hoist:
    """A node that must leave its parent; the parent is split around it."""

    __slots__ = ("node",)

    def __init__(self, node: Json) -> None:
        self.node = node


def _holds_inline(parent: str) -> bool:
    spec = NODES[parent].content
    return spec is not None and "text" in spec.children


_Task = Generator[Any, Any, list[Any]]
"""A piece of repair work: it yields the sub-tasks it needs (a node's children to fit,
a child to repair) and receives each one's result, instead of calling itself."""


def _drive(task: _Task) -> list[Any]:
    """Run ``task`` and every sub-task it yields on an explicit stack: the nesting of
    the input becomes the length of a list, never of Python's call stack."""
    stack = [task]
    result: Any = None
    while True:
        try:
            sub = stack[-1].send(result)
        except StopIteration as done:
            stack.pop()
            result = done.value
            if not stack:
                return result  # type: ignore[no-any-return]
            continue
        stack.append(sub)
        result = None


class _Repairer:
    """One document's repair. ``fitted`` remembers the pieces already made to fit a
    parent type: a piece that comes back to such a parent's queue after a hoist (the
    rest of a split list item, say) is placed as it is, not repaired again, which
    would cost its whole subtree once per level a hoist climbs (quadratic in depth).
    Repairing such a piece again would give the same piece."""

    def __init__(self) -> None:
        self.fitted: dict[int, tuple[Json, str]] = {}

    def fit(self, parent: str, children: list[Json], *, at_root: bool = False) -> _Task:
        """Children of ``parent``, each allowed there, in order, with ``_Hoist`` entries
        for nodes that must move further up (never at the root, where everything is
        made to fit)."""
        spec = NODES[parent].content
        assert spec is not None
        wrap = "paragraph" in spec.children and not _holds_inline(parent)
        out: list[Any] = []
        inline_run: list[Json] = []
        queue: deque[Any] = deque(children)
        fitted = self.fitted

        def flush() -> None:
            if inline_run:
                queue.appendleft({"type": "paragraph", "content": list(inline_run)})
                inline_run.clear()

        while queue or inline_run:
            if not queue:
                flush()
            child = queue.popleft()
            if isinstance(child, _Hoist):
                child = child.node
            ctype = child.get("type")
            group = NODES[ctype].group if ctype in NODES else "other"
            if wrap and (group == "inline" or ctype not in NODES):
                inline_run.append(
                    child if ctype in NODES else {"type": "text", "text": text_of(child)}
                )
                continue
            if inline_run:
                queue.appendleft(child)
                flush()
                continue
            if ctype in spec.children:
                done = fitted.get(id(child))
                if done is not None and done[0] is child and done[1] == parent:
                    out.append(child)
                    continue
                if NODES[ctype].content is None:
                    pieces = _repair_leaf(child, parent)
                else:
                    pieces = yield self.repair_node(child, parent)
                for k, piece in enumerate(pieces):
                    if isinstance(piece, _Hoist):
                        # Something inside had to leave the child: place it here, then
                        # carry on with what follows it.
                        queue.extendleft(reversed([piece.node, *pieces[k + 1 :]]))
                        break
                    out.append(piece)
                continue
            converted = _convert(child, parent)
            if converted is not None:
                queue.extendleft(reversed(converted))
            elif at_root:
                queue.appendleft(_as_paragraph(child))
            else:
                out.append(_Hoist(child))
        return out

    def repair_node(self, node: Json, parent: str) -> _Task:
        """``node`` (a container) made valid inside ``parent``: usually one node; pieces
        of it with hoisted nodes between them when some of its children must leave it."""
        ntype = node["type"]
        node = _own_marks_fitted(node, parent)
        fitted = _merge_text((yield self.fit(ntype, list(node.get("content") or []))))
        runs: list[Any] = [[]]
        for item in fitted:
            if isinstance(item, _Hoist):
                runs += [item, []]
            else:
                runs[-1].append(item)
        result: list[Any] = []
        items_before = 0
        pieces_made = 0
        for run in runs:
            if isinstance(run, _Hoist):
                result.append(run)
                continue
            if not run and len(runs) > 1 and (result or not (node.get("attrs") or {}).get("title")):
                continue  # a split left this piece empty (an expand's title is kept once)
            piece = dict(node)
            if len(runs) > 1 and ntype in ("paragraph", "heading"):
                # Split by a hoist: each piece stands alone, as a reader would see it.
                run = trim_run(run)
                if not run and (result or pieces_made):
                    continue
            piece["content"] = run
            if (
                pieces_made
                and isinstance(node.get("attrs", {}).get("localId"), str)
                and node["attrs"]["localId"]
            ):
                # A split node's pieces need ids of their own: the first keeps it.
                piece["attrs"] = {
                    **node["attrs"],
                    "localId": f"{node['attrs']['localId']}-{pieces_made + 1}",
                }
            if ntype == "orderedList" and items_before:
                start = node.get("attrs", {}).get("order", 1)
                piece["attrs"] = {
                    **node.get("attrs", {}),
                    "order": min(start + items_before, _MAX_ORDER),
                }
            items_before += len(run)
            for made in _complete(piece):
                result.append(made)
                if not isinstance(made, _Hoist):
                    pieces_made += 1
                    self.fitted[id(made)] = (made, parent)
        return result


def _repair_leaf(node: Json, parent: str) -> list[Any]:
    """A node without children (text included) made valid inside ``parent``."""
    ntype = node["type"]
    if ntype == "text":
        text = _clean(node.get("text", ""))
        if not text:
            return []
        out: Json = {"type": "text", "text": text}
        marks = _fit_marks(node.get("marks") or [], parent, "text")
        if marks:
            out["marks"] = marks
        return [out]
    return [_own_marks_fitted(node, parent)]


def _own_marks_fitted(node: Json, parent: str) -> Json:
    """A copy of ``node`` keeping the marks it may carry in ``parent`` (none: no key)."""
    node = dict(node)
    if "marks" in node:
        marks = _fit_marks(node["marks"] or [], parent, node["type"])
        if marks:
            node["marks"] = marks
        else:
            del node["marks"]
    return node


def _complete(node: Json) -> list[Any]:
    """``node`` with the children its type needs at least; a container that cannot be
    completed is dissolved, its children moving to its parent."""
    spec = NODES[node["type"]].content
    assert spec is not None
    content = node["content"]
    missing = spec.min_items - len(content)
    if missing <= 0 and (spec.max_items is None or len(content) <= spec.max_items):
        return [node]
    if missing > 0 and "paragraph" in spec.children:
        return [{**node, "content": content + [{"type": "paragraph", "content": []}] * missing}]
    return [_Hoist(child) for child in content]


def _merge_text(items: list[Any]) -> list[Any]:
    """Adjacent text nodes with the same marks become one (joined once per run, not
    added up piece by piece, which is quadratic in a long run)."""
    out: list[Any] = []
    run: list[str] = []  # texts waiting to join out[-1]

    def close() -> None:
        if run:
            out[-1] = {**out[-1], "text": out[-1]["text"] + "".join(run)}
            run.clear()

    for item in items:
        prev = out[-1] if out else None
        if (
            isinstance(item, dict)
            and isinstance(prev, dict)
            and item.get("type") == "text" == prev.get("type")
            and item.get("marks") == prev.get("marks")
        ):
            run.append(item["text"])
        else:
            close()
            out.append(item)
    close()
    return out


def _convert(node: Json, parent: str) -> list[Json] | None:
    """A replacement for ``node`` that may fit ``parent``, or None to hoist it."""
    ntype = node.get("type")
    allowed = NODES[parent].content.children  # type: ignore[union-attr]
    content = list(node.get("content") or [])
    inline_parent = _holds_inline(parent)
    if inline_parent:
        if ntype == "mediaSingle" and parent != "paragraph":
            return _media_as_text(node)
        if ntype in ("paragraph", "heading", "listItem", "taskItem", "decisionItem"):
            return [*content, {"type": "hardBreak"}] if "hardBreak" in allowed else content
        if ntype == "codeBlock":
            text = text_of(node)
            return [{"type": "text", "text": text, "marks": [{"type": "code"}]}] if text else []
        if NODES.get(ntype or "") is not None and NODES[ntype].group == "inline":  # type: ignore[index]
            text = "\n" if ntype == "hardBreak" else text_of(node)
            return [{"type": "text", "text": text}] if text else []
    if ntype == "heading" and "paragraph" in allowed:
        return [{"type": "paragraph", "content": [_with_mark(c, "strong") for c in content]}]
    if ntype == "blockquote" and "paragraph" in allowed:
        return content
    if ntype == "expand" and "nestedExpand" in allowed:
        return [{**node, "type": "nestedExpand", "attrs": node.get("attrs") or {}}]
    if ntype == "nestedExpand" and "expand" in allowed:
        return [{**node, "type": "expand"}]
    if ntype in ("tableHeader", "tableCell", "tableRow", "listItem") and "paragraph" in allowed:
        return content
    if ntype == "taskItem" and "paragraph" in allowed:
        return [{"type": "paragraph", "content": content}]
    return None


def _media_as_text(node: Json) -> list[Json]:
    """An image where only text may stand: its alt text, linked to its address."""
    out: list[Json] = []
    for media in node.get("content") or []:
        attrs = media.get("attrs", {})
        label = attrs.get("alt") or attrs.get("url") or attrs.get("id") or "image"
        text: Json = {"type": "text", "text": label}
        if attrs.get("url"):
            text["marks"] = [{"type": "link", "attrs": {"href": attrs["url"]}}]
        out.append(text)
    return out


def _with_mark(node: Json, mark: str) -> Json:
    """``node`` (if text) with the mark added; where its marks are in type order, as
    the converters write them, the new one takes its place in that order, so that a
    document read again compares equal to the one repaired."""
    if node.get("type") != "text":
        return node
    marks = [m for m in node.get("marks") or [] if m.get("type") != mark]
    types = [str(m.get("type")) for m in marks]
    at = len(marks)
    if types == sorted(types):
        at = next((i for i, t in enumerate(types) if t > mark), len(marks))
    return {**node, "marks": [*marks[:at], {"type": mark}, *marks[at:]]}


def trim_run(run: list[Json]) -> list[Json]:
    """A piece of a split paragraph without the whitespace and line breaks at its
    edges, which a reader of the piece on its own would not keep (linear: one slice
    per end, not one pop per node)."""
    start, end = 0, len(run)
    while start < end and _blank(run[start]):
        start += 1
    while end > start and _blank(run[end - 1]):
        end -= 1
    out = run[start:end]
    if out and out[0].get("type") == "text":
        out[0] = {**out[0], "text": out[0]["text"].lstrip(_EDGE_SPACE)}
    if out and out[-1].get("type") == "text":
        out[-1] = {**out[-1], "text": out[-1]["text"].rstrip(_EDGE_SPACE)}
    return out


# What Markdown trims at a paragraph's edges: a no-break space (&nbsp;) is text.
_EDGE_SPACE = " \t\n\r"


def _blank(node: Json) -> bool:
    return node.get("type") == "hardBreak" or (
        node.get("type") == "text" and not str(node.get("text", "")).strip(_EDGE_SPACE)
    )


def _as_paragraph(node: Json) -> Json:
    """The last resort at the root: the node's text as a paragraph, lines kept."""
    lines = text_of(node).split("\n")
    content: list[Json] = []
    for i, line in enumerate(lines):
        if i:
            content.append({"type": "hardBreak"})
        if line:
            content.append({"type": "text", "text": line})
    return {"type": "paragraph", "content": content}


def _clean(text: str) -> str:
    return _BAD_CHARS.sub("\ufffd", text)


def _fit_marks(marks: list[Json], parent: str, ntype: str) -> list[Json]:
    """The largest set of ``marks`` the node may carry here, by ``MARK_PRIORITY``."""
    if not marks:
        return []
    types = tuple(m.get("type") if isinstance(m.get("type"), str) else "" for m in marks)
    keep = _marks_to_keep(parent, ntype, types)
    return [marks[i] for i in keep]


@lru_cache(maxsize=4096)  # bounded: mark type tuples come from the input
def _marks_to_keep(parent: str, ntype: str, types: tuple[str, ...]) -> tuple[int, ...]:
    """Indices (in their original order) of the mark types kept; a pure function of
    its arguments, so converting a large document decides each combination once."""
    cspec = NODES[parent].content
    alternatives = cspec.child_marks.get(ntype, ()) if cspec is not None else ()
    rank = {m: i for i, m in enumerate(MARK_PRIORITY)}
    order = sorted(
        (i for i, t in enumerate(types) if t in MARKS), key=lambda i: rank.get(types[i], len(rank))
    )
    kept: list[int] = []
    chosen: set[str] = set()
    for i in order:
        mtype = types[i]
        if mtype in chosen:
            continue
        together = chosen | {mtype}
        if not any(together <= alt for alt in alternatives):
            continue
        if any(MARKS[t].excludes & (together - {t}) for t in together):
            continue
        kept.append(i)
        chosen.add(mtype)
    return tuple(sorted(kept))
