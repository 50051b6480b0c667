"""Hypothesis strategies for ADF, for property-testing anything that reads or writes it.

Everything is driven by the spec table (``adfkit.spec``), so the strategies cover every
node type, mark, attribute and enum value of the published schema, and every document
they draw passes ``adfkit.validate`` (and Atlassian's validator)::

    from hypothesis import given
    from adfkit.strategies import documents, invalid_documents

    @given(documents())
    def test_my_renderer_handles_any_description(doc): ...

    @given(invalid_documents())
    def test_my_client_reports_bad_input(case):
        ...  # case.document has exactly one defect: case.code at case.path

- ``documents(*, node_types=None, mark_types=None, max_depth=4, max_leaves=16)``
- ``nodes(node_type, *, mark_types=None, max_depth=3, max_leaves=12)``
- ``marks(mark_type)``
- ``invalid_documents(*, max_depth=3, max_leaves=12)``: ``BrokenDocument`` values.

Options are keyword-only and checked when the strategy is made (``InvalidArgument``
for impossible ones). ``st.from_type`` works for the builder's node classes and for
``adfkit.Mark``; importing Hypothesis registers them through its plugin entry point.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised in a fresh venv by test_release
    raise ImportError(
        "adfkit.strategies needs Hypothesis, an optional part of adfkit: "
        "pip install 'adfkit[strategies]'",
        name=exc.name,
    ) from exc

from adfkit.spec import MARKS, NODES, AttrsSpec, ValueSpec

__all__ = ["BrokenDocument", "documents", "invalid_documents", "marks", "nodes"]

Json = dict[str, Any]

_SAFE_URLS = st.sampled_from(
    [
        "https://example.com/",
        "https://example.com/a/b?c=d#e",
        "http://localhost:8080/x",
        "mailto:someone@example.com",
        "/relative/path",
        "#anchor",
    ]
)
# Characters for text: ASCII with a spread of what real descriptions hold (accents,
# CJK, right-to-left scripts, emoji with modifiers and joiners, combining marks, no-break
# space). A fixed alphabet draws fast and shrinks to "0"; st.characters() would also make
# Hypothesis build its Unicode tables on a project's first run, beyond its health checks.
_CHARACTERS = st.sampled_from(
    string.ascii_letters
    + string.digits
    + string.punctuation
    + " \t\n"
    + "éüßçñøÅœ€£¥©®°±µ¶·½—“”\u2018\u2019…•"
    + "日本語中文漢字한국어ひらがなカタカナ"
    + "שלוםمرحباДобрыйΚαλημέρα"
    + "🚀🎉👍🏽👩‍💻🇯🇵✅❌⚠️"
    + "\u0301\u200d\u00a0\u2028\ufeff"
)
_TEXT = st.text(_CHARACTERS, min_size=1, max_size=12)
_JSON_LEAF = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(_CHARACTERS, max_size=8)
)
_JSON_OBJECT = st.dictionaries(
    st.text(_CHARACTERS, max_size=6),
    _JSON_LEAF,
    max_size=3,
)


# --- values, attributes and marks ----------------------------------------------------------


def _js_to_python(pattern: str) -> str:
    return pattern.replace("$", r"\Z")


_VALUES: dict[int, st.SearchStrategy[Any]] = {}


def _value(spec: ValueSpec) -> st.SearchStrategy[Any]:
    """The strategy for one attribute spec, made once per spec of the (immutable,
    process-long) table, keyed by identity since specs hold dicts."""
    made = _VALUES.get(id(spec))
    if made is None:
        made = _VALUES[id(spec)] = _make_value(spec)
    return made


def _make_value(spec: ValueSpec) -> st.SearchStrategy[Any]:
    kind = spec.kind
    if spec.enum is not None:
        return st.sampled_from(spec.enum)
    if kind == "string":
        if spec.url:
            return _SAFE_URLS
        if spec.pattern is not None:
            # The schema's patterns are ASCII (colours, digits); an ASCII alphabet also
            # spares Hypothesis building its Unicode tables on a project's first run.
            return st.from_regex(
                _js_to_python(spec.pattern), fullmatch=True, alphabet=string.printable
            )
        return _TEXT if spec.min_length else st.text(_CHARACTERS, max_size=12)
    if kind == "integer":
        lo = int(spec.minimum) if spec.minimum is not None else -1000
        hi = int(spec.maximum) if spec.maximum is not None else lo + 1000
        return st.integers(lo, hi)
    if kind == "number":
        low = float(spec.minimum) if spec.minimum is not None else -1e6
        high = float(spec.maximum) if spec.maximum is not None else low + 1e6
        whole = st.integers(int(low) if low.is_integer() else int(low) + 1, int(high))
        return whole | st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = _value(spec.items) if spec.items is not None else _JSON_LEAF
        return st.lists(items, min_size=spec.min_items or 0, max_size=3)
    if kind == "object":
        if spec.properties is None:
            return _JSON_OBJECT
        return _object(spec.properties, spec.required)
    return _JSON_LEAF | _JSON_OBJECT


def _object(
    properties: Mapping[str, ValueSpec], required: Collection[str]
) -> st.SearchStrategy[Json]:
    return st.fixed_dictionaries(
        {k: _value(v) for k, v in properties.items() if k in required},
        optional={k: _value(v) for k, v in properties.items() if k not in required},
    )


_ATTRS: dict[int, st.SearchStrategy[Json]] = {}
_BOOLEANS = st.booleans()


def _attrs(alternatives: tuple[AttrsSpec, ...]) -> st.SearchStrategy[Json]:
    made = _ATTRS.get(id(alternatives))
    if made is None:
        made = _ATTRS[id(alternatives)] = st.one_of(
            [_object(alt.properties, alt.required) for alt in alternatives]
        )
    return made


def marks(mark_type: str) -> st.SearchStrategy[Json]:
    """One mark of ``mark_type``, with valid attributes."""
    if mark_type not in MARKS:
        raise InvalidArgument(f"unknown mark type {mark_type!r}; known: {sorted(MARKS)}")
    spec = MARKS[mark_type]
    if not spec.attrs:
        return st.just({"type": mark_type})
    attrs = _attrs(spec.attrs)
    if not spec.attrs_required:
        return st.just({"type": mark_type}) | attrs.map(lambda a: {"type": mark_type, "attrs": a})
    return attrs.map(lambda a: {"type": mark_type, "attrs": a})


# Strategy objects are made once and reused: Hypothesis checks each new one on its first
# draw, and documents draw thousands of small values.
_sampled = cache(st.sampled_from)
_integers = cache(st.integers)
_cached_marks = cache(lambda mark_type: marks(mark_type))


@cache
def _mark_choices(
    alternatives: tuple[frozenset[str], ...], allowed: frozenset[str]
) -> tuple[st.SearchStrategy[frozenset[str]], ...]:
    usable = sorted((alt & allowed for alt in alternatives if alt & allowed), key=sorted)
    return (_sampled(tuple(usable)),) if usable else ()


def _draw_marks(
    draw: st.DrawFn, alternatives: tuple[frozenset[str], ...], allowed: frozenset[str]
) -> list[Json]:
    """A set of marks one alternative allows, none excluding another."""
    choices = _mark_choices(alternatives, allowed)
    if not choices:
        return []
    alternative = draw(choices[0])
    chosen: list[str] = []
    pool = _lists_of(tuple(sorted(alternative)))
    for mark_type in draw(pool):
        if not any(
            mark_type in MARKS[c].excludes or c in MARKS[mark_type].excludes for c in chosen
        ):
            chosen.append(mark_type)
    return [draw(_cached_marks(m)) for m in chosen]


@cache
def _lists_of(types: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(_sampled(types), max_size=3, unique=True)


# --- nodes -----------------------------------------------------------------------------------


@cache
def _min_depth(allowed_nodes: frozenset[str]) -> Mapping[str, int]:
    """How many levels of children each node type needs at least to be valid, using
    only ``allowed_nodes`` (absent: cannot be made at all)."""
    depth: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for node_type in allowed_nodes:
            spec = NODES[node_type].content
            if spec is None or spec.min_items == 0:
                need = 0
            else:
                first = spec.prefix[0] if spec.prefix else spec.children
                options = [depth[c] for c in first if c in depth]
                if not options:
                    continue
                need = min(options) + 1
            if depth.get(node_type, 10**9) > need:
                depth[node_type] = need
                changed = True
    return depth


@dataclass(frozen=True)
class _Options:
    node_types: frozenset[str]
    mark_types: frozenset[str]

    def __repr__(self) -> str:  # shown in Hypothesis' falsifying examples
        parts = []
        if self.node_types != frozenset(NODES):
            parts.append(f"node_types={sorted(self.node_types - {'doc'})}")
        if self.mark_types != frozenset(MARKS):
            parts.append(f"mark_types={sorted(self.mark_types)}")
        return ", ".join(parts) or "all types"


def _node(
    draw: st.DrawFn,
    node_type: str,
    parent: str | None,
    depth: int,
    options: _Options,
    budget: list[int],
) -> Json:
    spec = NODES[node_type]
    node: Json = {"type": node_type}
    if "version" in spec.properties:
        node["version"] = 1
    if "text" in spec.properties:
        node["text"] = draw(_TEXT)
    if spec.attrs and ("attrs" in spec.required or draw(_BOOLEANS)):
        node["attrs"] = draw(_attrs(spec.attrs))
    if parent is not None and spec.marks:
        edge = NODES[parent].content.child_marks.get(node_type, ())  # type: ignore[union-attr]
        chosen = _draw_marks(draw, edge, options.mark_types)
        if chosen:
            node["marks"] = chosen
    cspec = spec.content
    if cspec is not None:
        reachable = _min_depth(options.node_types)
        possible = sorted(c for c in cspec.children if c in reachable and reachable[c] < depth)
        children: list[Json] = []
        upper = cspec.max_items if cspec.max_items is not None else 4
        wanted = draw(_integers(cspec.min_items, max(cspec.min_items, upper)))
        for i in range(wanted):
            slot = cspec.prefix[i] if i < len(cspec.prefix) else cspec.children
            candidates = [c for c in possible if c in slot]
            if not candidates or (i >= cspec.min_items and budget[0] <= 0):
                break
            budget[0] -= 1
            child_type = draw(_sampled(tuple(candidates)))
            # A plain call, not a nested strategy: one draw function for the whole tree.
            children.append(_node(draw, child_type, node_type, depth - 1, options, budget))
        if "content" in spec.required or children or draw(_BOOLEANS):
            node["content"] = children
    return node


def _options(node_types: Collection[str] | None, mark_types: Collection[str] | None) -> _Options:
    if node_types is not None:
        unknown = set(node_types) - set(NODES)
        if unknown:
            raise InvalidArgument(f"unknown node types {sorted(unknown)}; known: {sorted(NODES)}")
    if mark_types is not None:
        unknown = set(mark_types) - set(MARKS)
        if unknown:
            raise InvalidArgument(f"unknown mark types {sorted(unknown)}; known: {sorted(MARKS)}")
    return _options_of(_sorted_or_none(node_types), _sorted_or_none(mark_types))


@cache
def _options_of(node_types: tuple[str, ...] | None, mark_types: tuple[str, ...] | None) -> _Options:
    chosen = frozenset(node_types) | {"doc"} if node_types is not None else frozenset(NODES)
    return _Options(chosen, frozenset(mark_types) if mark_types is not None else frozenset(MARKS))


def _check_sizes(max_depth: int, max_leaves: int) -> None:
    if not isinstance(max_depth, int) or max_depth < 0:
        raise InvalidArgument(f"max_depth must be a non-negative integer; got {max_depth!r}")
    if not isinstance(max_leaves, int) or max_leaves < 0:
        raise InvalidArgument(f"max_leaves must be a non-negative integer; got {max_leaves!r}")


def documents(
    *,
    node_types: Collection[str] | None = None,
    mark_types: Collection[str] | None = None,
    max_depth: int = 4,
    max_leaves: int = 16,
) -> st.SearchStrategy[Json]:
    """Valid ADF documents (JSON-ready dicts) using only ``node_types`` and
    ``mark_types`` (default: all), nested at most ``max_depth`` levels below ``doc``,
    with about ``max_leaves`` nodes at most."""
    _check_sizes(max_depth, max_leaves)
    _options(node_types, mark_types)  # InvalidArgument now, not at the first draw
    return _documents(
        node_types=_sorted_or_none(node_types),
        mark_types=_sorted_or_none(mark_types),
        max_depth=max_depth,
        max_leaves=max_leaves,
    )


def _sorted_or_none(types: Collection[str] | None) -> tuple[str, ...] | None:
    return None if types is None else tuple(sorted(set(types)))


def _documents_strategy() -> Callable[..., st.SearchStrategy[Json]]:
    """Defined inside a function so that the strategy's repr reads ``documents(...)``."""

    @st.composite
    def documents(
        draw: st.DrawFn,
        *,
        node_types: tuple[str, ...] | None,
        mark_types: tuple[str, ...] | None,
        max_depth: int,
        max_leaves: int,
    ) -> Json:
        options = _options(node_types, mark_types)
        return _node(draw, "doc", None, max_depth + 1, options, [max_leaves])

    return documents


_documents = _documents_strategy()


def nodes(
    node_type: str,
    *,
    mark_types: Collection[str] | None = None,
    max_depth: int = 3,
    max_leaves: int = 12,
) -> st.SearchStrategy[Json]:
    """Valid nodes of ``node_type``, marks aside (which marks a node may carry depends
    on its parent: place it with ``documents`` to test that)."""
    if node_type not in NODES:
        raise InvalidArgument(f"unknown node type {node_type!r}; known: {sorted(NODES)}")
    _check_sizes(max_depth, max_leaves)
    options = _options(None, mark_types)
    if _min_depth(options.node_types).get(node_type, 10**9) > max_depth:
        raise InvalidArgument(f"a {node_type!r} node needs more than max_depth={max_depth} levels")
    return _nodes(
        node_type,
        mark_types=_sorted_or_none(mark_types),
        max_depth=max_depth,
        max_leaves=max_leaves,
    )


def _nodes_strategy() -> Callable[..., st.SearchStrategy[Json]]:
    """Defined inside a function so that the strategy's repr reads ``nodes(...)``."""

    @st.composite
    def nodes(
        draw: st.DrawFn,
        node_type: str,
        *,
        mark_types: tuple[str, ...] | None,
        max_depth: int,
        max_leaves: int,
    ) -> Json:
        options = _options(None, mark_types)
        return _node(draw, node_type, None, max_depth + 1, options, [max_leaves])

    return nodes


_nodes = _nodes_strategy()


# --- invalid documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenDocument:
    """A document with exactly one defect: ``adfkit.iter_errors(document)`` yields
    exactly one error, with this ``code`` at this ``path``."""

    document: Json
    code: str
    path: str
    defect: str


def _walk(doc: Json) -> list[tuple[str, Json]]:
    out: list[tuple[str, Json]] = []
    stack: list[tuple[str, Json]] = [("", doc)]
    while stack:
        path, node = stack.pop()
        out.append((path, node))
        for i, child in enumerate(node.get("content") or []):
            stack.append((f"{path}/content/{i}", child))
    return out


def _open_lists(doc: Json) -> list[tuple[str, Json]]:
    """Nodes with a content list that takes another child without a count error."""
    return [
        (p, n)
        for p, n in _walk(doc)
        if isinstance(n.get("content"), list)
        and NODES[n["type"]].content is not None
        and NODES[n["type"]].content.max_items is None  # type: ignore[union-attr]
        and not NODES[n["type"]].content.prefix  # type: ignore[union-attr]
    ]


def _defects(doc: Json, draw: st.DrawFn) -> BrokenDocument | None:
    kind = draw(
        st.sampled_from(
            [
                "null-child",
                "missing-version",
                "bad-version",
                "not-allowed",
                "empty-text",
                "unknown-mark",
                "unknown-node",
                "bad-level",
            ]
        )
    )
    if kind == "missing-version":
        del doc["version"]
        return BrokenDocument(doc, "MISSING_PROPERTY", "", "doc without version")
    if kind == "bad-version":
        doc["version"] = draw(st.sampled_from([2, 0, 1.5]))
        return BrokenDocument(doc, "NOT_IN_ENUM", "/version", "version other than 1")
    if kind in ("null-child", "not-allowed", "unknown-node"):
        where = _open_lists(doc)
        path, parent = draw(st.sampled_from(where))
        index = draw(st.integers(0, len(parent["content"])))
        child_path = f"{path}/content/{index}"
        if kind == "null-child":
            parent["content"].insert(index, None)
            return BrokenDocument(doc, "NOT_A_NODE", child_path, f"null inside {parent['type']}")
        if kind == "unknown-node":
            parent["content"].insert(index, {"type": "bogusNode"})
            return BrokenDocument(
                doc, "UNKNOWN_NODE", child_path, f"unknown node in {parent['type']}"
            )
        allowed = NODES[parent["type"]].content.children  # type: ignore[union-attr]
        stranger = (
            "rule"
            if "rule" not in allowed
            else "hardBreak"
            if "hardBreak" not in allowed
            else "tableRow"
        )
        simple = {
            "rule": {"type": "rule"},
            "hardBreak": {"type": "hardBreak"},
            "tableRow": {
                "type": "tableRow",
                "content": [{"type": "tableCell", "content": [{"type": "paragraph"}]}],
            },
        }
        parent["content"].insert(index, simple[stranger])
        return BrokenDocument(
            doc, "NODE_NOT_ALLOWED", child_path, f"{stranger} inside {parent['type']}"
        )
    texts = [(p, n) for p, n in _walk(doc) if n["type"] == "text"]
    if kind == "empty-text" and texts:
        path, node = draw(st.sampled_from(texts))
        node["text"] = ""
        return BrokenDocument(doc, "EMPTY_STRING", f"{path}/text", "empty text")
    if kind == "unknown-mark" and texts:
        path, node = draw(st.sampled_from(texts))
        node.setdefault("marks", []).append({"type": "bogusMark"})
        return BrokenDocument(
            doc, "UNKNOWN_MARK", f"{path}/marks/{len(node['marks']) - 1}", "unknown mark"
        )
    headings = [(p, n) for p, n in _walk(doc) if n["type"] == "heading"]
    if kind == "bad-level" and headings:
        path, node = draw(st.sampled_from(headings))
        node["attrs"]["level"] = draw(st.sampled_from([0, 7, 99]))
        return BrokenDocument(
            doc, "OUT_OF_RANGE", f"{path}/attrs/level", "heading level out of range"
        )
    return None


def invalid_documents(
    *, max_depth: int = 3, max_leaves: int = 12
) -> st.SearchStrategy[BrokenDocument]:
    """Documents with exactly one defect each (null in content, missing or wrong
    version, a child its parent does not allow, an unknown node or mark, empty text, a
    heading level out of range), drawn with the error code and JSON Pointer
    ``adfkit.iter_errors`` reports for it."""
    _check_sizes(max_depth, max_leaves)
    return _invalid_documents(max_depth=max_depth, max_leaves=max_leaves)


def _invalid_documents_strategy() -> Callable[..., st.SearchStrategy[BrokenDocument]]:
    """Defined inside a function so that the strategy's repr reads ``invalid_documents(...)``."""

    @st.composite
    def invalid_documents(draw: st.DrawFn, *, max_depth: int, max_leaves: int) -> BrokenDocument:
        doc = copy.deepcopy(draw(documents(max_depth=max_depth, max_leaves=max_leaves)))
        for _ in range(8):
            case = _defects(doc, draw)
            if case is not None:
                return case
        del doc["version"]
        return BrokenDocument(doc, "MISSING_PROPERTY", "", "doc without version")

    return invalid_documents


_invalid_documents = _invalid_documents_strategy()


# --- st.from_type ----------------------------------------------------------------------------


def strategy_for_type(thing: type[Any]) -> st.SearchStrategy[Any]:
    """What ``st.from_type`` draws for a node class of ``adfkit.nodes`` or for
    ``adfkit.Mark`` (registered by the Hypothesis plugin, ``adfkit._hypothesis_plugin``)."""
    from adfkit.tree import Mark, Node, node_from_json

    if thing is Mark:
        return (
            st.sampled_from(sorted(MARKS))
            .flatmap(marks)
            .map(lambda m: Mark(m["type"], m.get("attrs")))
        )
    if isinstance(thing, type) and issubclass(thing, Node) and thing is not Node:
        return nodes(thing.type).map(node_from_json)
    raise InvalidArgument(f"adfkit has no strategy for {thing!r}")
