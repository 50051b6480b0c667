"""The typed ADF node tree: immutable nodes and marks, checked when they are made.

Every node type of the spec table has a class in ``adfkit.nodes`` (generated) and a
builder function in ``adfkit.build`` (generated). The classes share this base: its
``__post_init__`` checks, through the validator's explainer and the spec table, what
the type system cannot (ranges, URL safety, empty text, which marks a child may carry
in this parent), so a node that exists is a valid piece of ADF and ``to_json()`` of a
``doc`` always passes ``adfkit.validate``.

``to_json`` and ``from_json`` are iterative: any nesting depth round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias

from adfkit.errors import BuildError, InvalidDocument, ValidationError
from adfkit.spec import NODES

__all__ = ["Mark", "Node", "from_json", "node_from_json", "snake_case"]

Json = Any  # a JSON-ready value: dict, list, str, int, float, bool or None
JsonValue: TypeAlias = (
    "bool | int | float | str | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)
"""A JSON value, for opaque attributes such as extension ``parameters``."""


def snake_case(name: str) -> str:
    """``tableCell`` -> ``table_cell``: the builder's name for an ADF type or attribute."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _copy(value: object) -> object:
    """A deep copy of a JSON-like value (dicts, lists, tuples; anything else is shared),
    without recursion: extension parameters may nest deeper than ``copy.deepcopy``
    can go. Shared and self-containing parts are copied once, as ``deepcopy`` does."""
    if not isinstance(value, dict | list | tuple):
        return value
    made: dict[int, object] = {}
    # Containers are filled after their children are made: (original, filled yet).
    stack: list[tuple[dict[Any, Any] | list[Any] | tuple[Any, ...], bool]] = [(value, False)]
    while stack:
        item, children_done = stack.pop()
        if not children_done:
            if id(item) in made:
                continue
            if isinstance(item, dict):
                made[id(item)] = {}
                children: Iterable[object] = item.values()
            elif isinstance(item, list):
                made[id(item)] = []
                children = item
            else:
                made[id(item)] = None  # a tuple is made once its items are
                children = item
            stack.append((item, True))
            stack.extend(
                (c, False)
                for c in children
                if isinstance(c, dict | list | tuple) and id(c) not in made
            )
            continue

        def get(c: object) -> object:
            return made[id(c)] if isinstance(c, dict | list | tuple) else c

        if isinstance(item, dict):
            target = made[id(item)]
            assert isinstance(target, dict)
            target.update((k, get(v)) for k, v in item.items())
        elif isinstance(item, list):
            target_list = made[id(item)]
            assert isinstance(target_list, list)
            target_list.extend(get(v) for v in item)
        else:
            made[id(item)] = tuple(get(v) for v in item)
    return made[id(value)]


_REPR_DEPTH = 100


def _repr(value: object) -> str:
    """``repr(value)``, or a short stand-in for a value nested too deep for ``repr``
    (which recurses): reprs and error messages must not raise on deep parameters."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= _REPR_DEPTH:
                return f"<{type(item).__name__} nested more than {_REPR_DEPTH} levels>"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, depth + 1) for c in children)
    return repr(value)


def _frozen(attrs: Mapping[str, object] | None) -> Mapping[str, object] | None:
    if attrs is None:
        return None
    return MappingProxyType({k: _copy(v) for k, v in attrs.items()})


def _attrs_json(attrs: Mapping[str, object] | None) -> dict[str, object] | None:
    return None if attrs is None else {k: _copy(v) for k, v in attrs.items()}


@dataclass(frozen=True, slots=True)
class Mark:
    """One mark (``strong``, ``link`` ...). Made by the mark functions of ``adfkit.build``."""

    type: str
    attrs: Mapping[str, object] | None = None

    def __post_init__(self) -> None:
        from adfkit.validator import _marks_errors

        object.__setattr__(self, "attrs", _frozen(self.attrs))
        problems = list(_marks_errors([self.to_json()], None, "", f"mark `{self.type}`"))
        if problems:
            details = "; ".join(_describe_mark(self, p) for p in problems)
            raise BuildError(f"{snake_case(self.type)}(): {details}", problems)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"type": self.type}
        if self.attrs is not None:
            out["attrs"] = _attrs_json(self.attrs)
        return out

    def __repr__(self) -> str:
        if not self.attrs:
            return f"{snake_case(self.type)}()"
        args = ", ".join(f"{snake_case(k)}={_repr(v)}" for k, v in self.attrs.items())
        return f"{snake_case(self.type)}({args})"


@dataclass(frozen=True, slots=True, repr=False)
class Node:
    """Base of the generated node classes; build nodes with ``adfkit.build``.

    ``content`` is None where the JSON has no ``content`` key; ``attrs`` keeps the ADF
    (camelCase) attribute names and is None where the JSON has no ``attrs``; both
    distinctions are kept so that ``from_json(x).to_json() == x``.
    """

    type: ClassVar[str]
    content: tuple[Node, ...] | None = None
    attrs: Mapping[str, object] | None = None
    marks: tuple[Mark, ...] = ()
    text: str | None = field(default=None, kw_only=True)
    version: int | float | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrs", _frozen(self.attrs))
        if self.content is not None:
            object.__setattr__(self, "content", tuple(self.content))
        object.__setattr__(self, "marks", tuple(self.marks))
        problems = list(_problems(self))
        if problems:
            name = snake_case(self.type)
            details = "; ".join(_describe(self, p) for p in problems)
            raise BuildError(f"{name}(): {details}", problems)

    def to_json(self) -> dict[str, Json]:
        """The JSON-ready dict Jira takes (fresh objects; safe to modify)."""
        return _to_json(self)

    def __repr__(self) -> str:
        parts: list[str] = []
        if self.text is not None:
            parts.append(repr(self.text))
        if self.content:
            shown = self.content[:3]
            parts.extend(repr(c) if _shallow(c) else f"{snake_case(c.type)}(...)" for c in shown)
            if len(self.content) > 3:
                parts.append(f"... {len(self.content) - 3} more")
        if self.attrs:
            parts.extend(f"{snake_case(k)}={_repr(v)}" for k, v in self.attrs.items())
        if self.marks:
            parts.append(f"marks={list(self.marks)!r}")
        return f"{snake_case(self.type)}({', '.join(parts)})"


def _shallow(node: Node) -> bool:
    return not node.content or all(not c.content for c in node.content)


def _stub(node: Node) -> dict[object, object]:
    """The node as JSON with children reduced to their types and marks: what the
    explainer needs to check this node and the marks its children carry here."""
    out: dict[object, object] = {"type": node.type}
    if node.attrs is not None:
        out["attrs"] = dict(node.attrs)
    if node.marks:
        out["marks"] = [m.to_json() for m in node.marks]
    if node.text is not None:
        out["text"] = node.text
    if node.version is not None:
        out["version"] = node.version
    if node.content is not None:
        out["content"] = list(node.content)  # counted here; placed one by one in _problems
    return out


def _problems(node: Node) -> Iterator[ValidationError]:
    from adfkit.validator import _child_errors, _marks_errors, _node_errors

    spec = NODES[node.type]
    stub = _stub(node)
    # The node's own marks are checked for what holds anywhere (known marks, their
    # attributes, duplicates, exclusions); whether this parent allows them is the
    # parent's check, below.
    context_free = None if spec.marks else ()
    yield from _node_errors(stub, spec, context_free, None, "")
    if node.content is None or spec.content is None:
        return
    for i, child in enumerate(node.content):
        stub = {"type": child.type} if isinstance(child, Node) else child
        yield from _child_errors(stub, i, spec, f"/content/{i}")
        if not isinstance(child, Node):
            continue
        alts = spec.content.child_marks.get(child.type)
        if child.marks and alts is not None:
            owner = f"`{child.type}` inside `{node.type}`"
            for error in _marks_errors([m.to_json() for m in child.marks], alts, "", owner):
                if error.code in ("MARK_NOT_ALLOWED", "MARKS_CONFLICT"):
                    yield ValidationError(
                        error.code, f"/content/{i}/marks{error.path}", error.message
                    )


def _describe(node: Node, error: ValidationError) -> str:
    """An explainer message in the builder's words: parameters, not JSON keys."""
    parts = error.path.split("/")
    if len(parts) >= 3 and parts[1] == "attrs":
        value = node.attrs.get(parts[2]) if node.attrs else None
        return f"{snake_case(parts[2])}={_repr(value)}: {error.message}"
    if len(parts) >= 3 and parts[1] == "content":
        return f"child {parts[2]}: {error.message}"
    return error.message


def _describe_mark(mark: Mark, error: ValidationError) -> str:
    parts = error.path.split("/")  # "/0/attrs/<name>" for one mark checked alone
    if len(parts) >= 4 and parts[2] == "attrs":
        value = mark.attrs.get(parts[3]) if mark.attrs else None
        return f"{snake_case(parts[3])}={_repr(value)}: {error.message}"
    return error.message


# --- JSON in and out ------------------------------------------------------------------


def _to_json(root: Node) -> dict[str, Json]:
    """Iterative, so that any depth converts."""
    out: dict[str, Json] = {}
    stack: list[tuple[Node, dict[str, Json]]] = [(root, out)]
    while stack:
        node, target = stack.pop()
        target["type"] = node.type
        if node.version is not None:
            target["version"] = node.version
        if node.text is not None:
            target["text"] = node.text
        if node.attrs is not None:
            target["attrs"] = _attrs_json(node.attrs)
        if node.marks:
            target["marks"] = [m.to_json() for m in node.marks]
        if node.content is not None:
            children: list[Json] = [{} for _ in node.content]
            target["content"] = children
            stack.extend(zip(node.content, children, strict=True))
    return out


def from_json(doc: Json | Node) -> Node:
    """Parse a valid ADF document (or any valid subtree rooted at a ``doc``) into the
    typed tree; a node already built is returned as it is. An invalid one raises
    ``InvalidDocument`` with its errors and their JSON Pointers (the first
    ``adfkit.validator.MAX_ERRORS``; ``omitted`` counts the rest). Iterative, linear at
    any depth (``docs/resources.md``)."""
    from adfkit.validator import MAX_ERRORS, collect, iter_errors

    if isinstance(doc, Node):
        return doc
    errors, omitted = collect(iter_errors(doc), MAX_ERRORS)
    if errors:
        raise InvalidDocument(errors, omitted)
    return node_from_json(doc)


def node_from_json(node: Json) -> Node:
    """The typed tree of one node (any type) in JSON form. Each node is checked as it
    is made (``BuildError``); ``from_json`` is the one to use for whole documents."""
    from adfkit.nodes import NODE_CLASSES

    doc = node
    # Post-order without recursion: a node is built once all its children are.
    built: dict[int, Node] = {}
    stack: list[tuple[dict[str, Json], bool]] = [(doc, False)]
    while stack:
        item, children_done = stack.pop()
        content = item.get("content")
        if not children_done and content:
            stack.append((item, True))
            stack.extend((child, False) for child in reversed(content))
            continue
        cls = NODE_CLASSES[item["type"]]
        built[id(item)] = cls(
            content=None if content is None else tuple(built[id(c)] for c in content),
            attrs=item.get("attrs"),
            marks=tuple(Mark(m["type"], m.get("attrs")) for m in item.get("marks", ())),
            text=item.get("text"),
            version=item.get("version"),
        )
    return built[id(doc)]
