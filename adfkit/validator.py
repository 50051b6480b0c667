"""Strict ADF validation: every problem Jira would reject, with a JSON Pointer to it.

Rules come from the spec table (``adfkit.spec``): the published JSON schema folded by
node type, the editor's mark rules, and the few places where adfkit is stricter than
every Atlassian reference (unsafe URLs, non-integer counts, lone surrogates, NaN).
``docs/validation.md`` lists every error code with an example.

Two tiers keep valid documents cheap. The walker asks ``_node_ok`` (booleans only, no
error objects, no paths) about each node; only a node it does not accept is handed to
``_node_errors``, the complete explainer that builds messages and JSON Pointers. The
explainer is the authority: ``_node_ok`` may turn a valid node away (the explainer
then finds nothing), but must never accept an invalid one; the property tests in
``tests/test_validate_fastpath.py`` hold the two together.

The walk is iterative, so any nesting depth gets a verdict rather than a
RecursionError, and a Python structure that contains itself gets one ``CYCLE`` error
where it comes back. Errors carry lazy pointers (``adfkit.pointer.Pointer`` over the
walk's parent links), so an error costs the same at depth 100,000 as at depth 1 until
its path is read, and ``validate`` keeps at most ``max_errors`` of them. The resource
contract is in ``docs/resources.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache, lru_cache
from itertools import islice
from typing import Any, Final

from adfkit.document import Document, as_json
from adfkit.errors import InvalidDocument, Text, ValidationError
from adfkit.pointer import Pointer
from adfkit.spec import (
    MARKS,
    NODES,
    ROOT_TYPE,
    SAFE_URL_PREFIXES,
    AttrsSpec,
    MarkSpec,
    NodeSpec,
    ValueSpec,
)
from adfkit.suggest import key_hint, mark_tail, node_tail, python_value, with_input_hint

__all__ = ["MAX_ERRORS", "is_valid", "iter_errors", "validate"]

MAX_ERRORS: Final = 1000
"""How many errors ``validate()`` (and ``adfkit validate``, per file) keeps by default;
the rest are counted, not kept (``docs/validation.md``, "How many errors")."""

MarkAlternatives = tuple[frozenset[str], ...]
"""The mark sets a node may carry where it stands; ``None`` where the parent does not
allow the node at all (its marks are then checked one by one, not as a set)."""

_NODE_KEYS: Final = {
    t: frozenset(
        ["type"]
        + (["attrs"] if s.attrs else [])
        + (["content"] if s.content else [])
        + (["marks"] if s.marks else [])
        + list(s.properties)
    )
    for t, s in NODES.items()
}
_MARK_KEYS: Final = frozenset(["type", "attrs"])
_JSON_TYPES: Final = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
}


# --- small helpers ---------------------------------------------------------------------


def _describe(value: object) -> str:
    """A short, quoted rendering of a found value for messages."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, int) and value.bit_length() > 100:
        digits = int(value.bit_length() * 0.30103) + 1
        if digits > 4000:  # beyond Python's int-to-str limit
            return f"{'-' if value < 0 else ''}an integer of about {digits} digits"
        text = str(value)
        return f"{text[:12]}... (an integer of {len(text.lstrip('-'))} digits)"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return python_value(value)


def _names(items: object) -> str:
    names = sorted(str(i) for i in items)  # type: ignore[attr-defined]
    return ", ".join(names) if names else "none"


def _at(path: Text, token: str | int) -> Pointer:
    """``path`` one step further down, as a lazy pointer (text only when read)."""
    return Pointer.of(path) / token


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


def _string_problem(value: str) -> str | None:
    """Why a string cannot travel to Jira, or None. Checked on every string."""
    if value.isascii():
        return "contains U+0000 (NUL)" if "\x00" in value else None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start]
        return f"contains a lone surrogate U+{ord(bad):04X} at index {exc.start}"
    return "contains U+0000 (NUL)" if "\x00" in value else None


_CONTROL: Final = re.compile(r"[\x00-\x20\x7f]")


def _url_problem(url: str) -> str | None:
    # Cached for the short URLs documents repeat; a long one is checked afresh, so the
    # cache never holds megabytes of some earlier input's strings.
    return _short_url_problem(url) if len(url) <= 2048 else _url_verdict(url)


@lru_cache(maxsize=4096)
def _short_url_problem(url: str) -> str | None:
    return _url_verdict(url)


def _url_verdict(url: str) -> str | None:
    """Why ``url`` is not safe to put behind a link, or None.

    Atlassian's check tests its allow-list line by line (its regexes carry the
    multiline flag), so ``javascript:alert(1)\\nhttps://x`` passes there. Here the whole
    trimmed value must start with an allowed prefix, and may contain no control
    characters or whitespace at all: browsers strip tabs and newlines inside URLs,
    which is how ``java\\nscript:`` tricks work.
    """
    trimmed = url.strip(" \t\n\r\f\v")
    if not trimmed:
        return None  # an empty href links nowhere; every reference accepts it
    if _CONTROL.search(trimmed):
        return "contains whitespace or control characters"
    lowered = trimmed.lower()
    if lowered.startswith(SAFE_URL_PREFIXES):
        return None
    scheme = trimmed.split(":", 1)[0] if ":" in trimmed else None
    if scheme and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return f"uses the scheme {scheme!r}, which is not on the allow-list"
    return "is relative; use an absolute URL (https://...), a path starting with /, or #anchor"


# --- the complete explainer --------------------------------------------------------------


def _value_errors(
    value: object, spec: ValueSpec, path: Text, name: str
) -> Iterator[ValidationError]:
    """Errors of one attribute (or ``version``/``text``) value against its spec."""
    if spec.kind == "any":
        yield from _json_errors(value, path, name)
        return
    kind = spec.kind
    ok_type = (
        isinstance(value, str)
        if kind == "string"
        else _is_number(value)
        if kind in ("number", "integer")
        else type(value) is bool
        if kind == "boolean"
        else isinstance(value, list)
        if kind == "array"
        else isinstance(value, dict)
    )
    if not ok_type:
        yield ValidationError(
            "WRONG_TYPE", path, f"`{name}` must be {_JSON_TYPES[kind]}; found {_describe(value)}"
        )
        return
    if isinstance(value, float) and not math.isfinite(value):
        yield ValidationError(
            "NOT_FINITE", path, f"`{name}` must be a finite number; found {value!r} (not JSON)"
        )
        return
    if isinstance(value, str):
        problem = _string_problem(value)
        if problem:
            yield ValidationError("INVALID_STRING", path, f"`{name}` {problem}")
            return
    if spec.enum is not None and value not in spec.enum:
        allowed = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in spec.enum)
        if len(spec.enum) == 1:
            msg = f"`{name}` must be {allowed}; found {_describe(value)}"
        else:
            msg = f"`{name}` must be one of {allowed}; found {_describe(value)}"
        yield ValidationError("NOT_IN_ENUM", path, msg)
        return
    if kind == "integer" and isinstance(value, float) and not value.is_integer():
        yield ValidationError(
            "NOT_INTEGER", path, f"`{name}` must be a whole number; found {value!r}"
        )
        return
    if _is_number(value):
        number: float = value  # type: ignore[assignment]  # ints compare exactly, any size
        if spec.minimum is not None and number < spec.minimum:
            yield ValidationError(
                "OUT_OF_RANGE",
                path,
                f"`{name}` must be at least {spec.minimum:g}; found {_describe(value)}",
            )
        elif spec.maximum is not None and number > spec.maximum:
            yield ValidationError(
                "OUT_OF_RANGE",
                path,
                f"`{name}` must be at most {spec.maximum:g}; found {_describe(value)}",
            )
        return
    if isinstance(value, str):
        if spec.min_length is not None and len(value) < spec.min_length:
            yield ValidationError("EMPTY_STRING", path, f"`{name}` must not be empty")
        elif spec.pattern is not None and not _pattern(spec.pattern).search(value):
            yield ValidationError(
                "PATTERN_MISMATCH",
                path,
                f"`{name}` must match /{spec.pattern}/; found {_describe(value)}",
            )
        elif spec.url:
            problem = _url_problem(value)
            if problem:
                yield ValidationError("UNSAFE_URL", path, f"`{name}` {_describe(value)} {problem}")
        return
    if isinstance(value, list):
        if spec.min_items is not None and len(value) < spec.min_items:
            yield ValidationError(
                "TOO_SHORT",
                path,
                f"`{name}` needs at least {spec.min_items} item(s); found {len(value)}",
            )
        if spec.items is not None:
            for i, item in enumerate(value):
                yield from _value_errors(item, spec.items, _at(path, i), f"{name}[{i}]")
        return
    if isinstance(value, dict):
        if spec.properties is None:  # an object of any shape, but still JSON
            yield from _json_errors(value, path, name)
        else:
            yield from _object_errors(value, spec.properties, spec.required, path, name)


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    """A schema pattern (ECMAScript syntax) as a Python regex. The difference that
    matters here: ``$`` is the end of input in JavaScript, while Python's also matches
    before a final newline, which would let ``"#ff0000\\n"`` through."""
    out = []
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(ch)
    return re.compile("".join(out))


def _object_errors(
    obj: Mapping[object, object],
    properties: Mapping[str, ValueSpec],
    required: frozenset[str],
    path: Text,
    owner: str,
) -> Iterator[ValidationError]:
    """Errors of a closed object (an ``attrs`` or a structured attribute value)."""
    for key in obj:
        if key not in properties:
            yield ValidationError(
                "UNKNOWN_ATTRIBUTE",
                _at(path, str(key)),
                f"{owner} has no attribute {_describe(key)}; "
                f"allowed: {_names(properties)}{key_hint(key, properties)}",
            )
    for key in sorted(required - obj.keys()):
        yield ValidationError("MISSING_ATTRIBUTE", path, f"{owner} requires the attribute `{key}`")
    for key, spec in properties.items():
        if key in obj:
            yield from _value_errors(obj[key], spec, _at(path, key), key)


def _json_errors(value: object, path: Text, name: str) -> Iterator[ValidationError]:
    """Errors in an opaque JSON value (extension parameters, card data): anything that
    JSON cannot carry. Iterative and linear at any depth; a structure that contains
    itself is reported once, where it comes back, and not entered again."""
    # Each entry: (value, its pointer, its depth). ``open_ids`` holds the containers on
    # the way down to the current one (``open_path`` in order, one per depth), so
    # "contains itself" is a set lookup, not a walk up the chain.
    stack: list[tuple[object, Text, int]] = [(value, path, 0)]
    open_path: list[int] = []
    open_ids: set[int] = set()
    while stack:
        item, where, depth = stack.pop()
        if item is None or type(item) is bool or type(item) is int:
            continue
        if isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                yield ValidationError("INVALID_STRING", where, f"a string in `{name}` {problem}")
        elif isinstance(item, float):
            if not math.isfinite(item):
                yield ValidationError(
                    "NOT_FINITE", where, f"`{name}` holds {item!r}, which JSON cannot carry"
                )
        elif isinstance(item, list | dict):
            while len(open_path) > depth:
                open_ids.discard(open_path.pop())
            if id(item) in open_ids:
                yield ValidationError("CYCLE", where, f"`{name}` contains itself")
                continue
            open_path.append(id(item))
            open_ids.add(id(item))
            if isinstance(item, list):
                for i in range(len(item) - 1, -1, -1):
                    stack.append((item[i], _at(where, i), depth + 1))
            else:
                for key in reversed(list(item)):
                    if not isinstance(key, str):
                        yield ValidationError(
                            "WRONG_TYPE", where, f"`{name}` has a non-string key {_describe(key)}"
                        )
                        continue
                    problem = _string_problem(key)
                    if problem:
                        yield ValidationError(
                            "INVALID_STRING", where, f"a key in `{name}` {problem}"
                        )
                    stack.append((item[key], _at(where, key), depth + 1))
        else:
            yield ValidationError(
                "WRONG_TYPE", where, f"`{name}` holds {_describe(item)}, which is not JSON"
            )


def _attrs_errors(
    attrs: object, alternatives: Sequence[AttrsSpec], path: Text, owner: str
) -> Iterator[ValidationError]:
    """Errors of an ``attrs`` value against one or several allowed shapes."""
    if not isinstance(attrs, dict):
        yield ValidationError(
            "WRONG_TYPE", path, f"`attrs` of {owner} must be an object; found {_describe(attrs)}"
        )
        return
    results = [
        list(_object_errors(attrs, alt.properties, alt.required, path, f"{owner}"))
        for alt in alternatives
    ]
    if any(not r for r in results):
        return

    # Several shapes and none fits: explain against the one the input seems to aim at.
    # A matching enum decides (media's type="external"); then the shape asking for the
    # fewest absent attributes (mediaSingle without widthType is a percentage, whatever
    # its width); then the fewest errors.
    def aim(i: int) -> tuple[int, int, int]:
        alt = alternatives[i]
        enum_hits = sum(
            1
            for k, v in alt.properties.items()
            if v.enum is not None and k in attrs and attrs[k] in v.enum
        )
        absent = len(alt.required - attrs.keys())
        return (-enum_hits, absent, len(results[i]))

    best = min(range(len(alternatives)), key=aim)
    yield from results[best]


_SCALARS: Final = (str, int, float, bool, type(None))


def _frozen_attrs(attrs: object) -> object:
    """A dictionary key equal (by ``==``) exactly when the attribute values are, built
    without recursion; None for what has no such key (a structure that contains
    itself, tuples and other Python objects)."""
    if type(attrs) in _SCALARS:
        return ("value", attrs)
    if type(attrs) is not dict and type(attrs) is not list:
        return None
    made: dict[int, object] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, bool]] = [(attrs, False)]
    while stack:
        item, children_done = stack.pop()
        if children_done:
            open_ids.discard(id(item))
            if type(item) is dict:
                made[id(item)] = (
                    "object",
                    frozenset((k, _made(v, made)) for k, v in item.items()),
                )
            else:
                made[id(item)] = ("array", tuple(_made(v, made) for v in item))
            continue
        if id(item) in made:
            continue
        if id(item) in open_ids:
            return None  # contains itself
        open_ids.add(id(item))
        stack.append((item, True))
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, False))
            elif type(child) not in _SCALARS:
                return None
    return made[id(attrs)]


def _made(value: object, made: dict[int, object]) -> object:
    return made[id(value)] if type(value) is dict or type(value) is list else value


def _marks_errors(
    marks: object, alternatives: MarkAlternatives | None, path: Text, owner: str
) -> Iterator[ValidationError]:
    """Errors of a node's ``marks`` array where the node stands."""
    if not isinstance(marks, list):
        yield ValidationError(
            "WRONG_TYPE", path, f"`marks` of {owner} must be an array; found {_describe(marks)}"
        )
        return
    if not marks:
        yield ValidationError(
            "EMPTY_MARKS",
            path,
            f"`marks` of {owner} is an empty array, which Atlassian's validator rejects; "
            "leave `marks` out instead",
        )
        return
    allowed = frozenset().union(*alternatives) if alternatives is not None else None
    seen: list[tuple[str, object, int]] = []
    first_of_type: dict[str, int] = {}  # mark type -> index of its first mark
    same_attrs: dict[tuple[str, object], int] = {}  # (type, attrs as a key) -> first index
    clashed = False
    for i, mark in enumerate(marks):
        mpath = _at(path, i)
        if not isinstance(mark, dict):
            yield ValidationError(
                "NOT_A_MARK", mpath, f"expected a mark object; found {_describe(mark)}"
            )
            continue
        mtype = mark.get("type")
        if not isinstance(mtype, str) or mtype not in MARKS:
            found = "no `type`" if "type" not in mark else f"type {_describe(mtype)}"
            yield ValidationError(
                "UNKNOWN_MARK", mpath, f"unknown mark with {found}{mark_tail(mtype)}"
            )
            continue
        mspec = MARKS[mtype]
        misplaced = allowed is not None and mtype not in allowed
        if misplaced:
            yield ValidationError(
                "MARK_NOT_ALLOWED",
                mpath,
                f"`{mtype}` is not allowed on {owner}; allowed: {_names(allowed)}",
            )
        for key in mark:
            if key not in _MARK_KEYS or (key == "attrs" and not mspec.attrs):
                yield ValidationError(
                    "UNKNOWN_PROPERTY",
                    _at(mpath, str(key)),
                    f"mark `{mtype}` has no property {_describe(key)}",
                )
        if "attrs" in mark and mspec.attrs:
            yield from _attrs_errors(
                mark["attrs"], mspec.attrs, _at(mpath, "attrs"), f"mark `{mtype}`"
            )
        elif mspec.attrs_required:
            yield ValidationError("MISSING_PROPERTY", mpath, f"mark `{mtype}` requires `attrs`")
        if misplaced:
            continue  # one error per mark: it cannot conflict where it cannot be at all
        # The first earlier mark this one clashes with, found by lookups rather than
        # by comparing it with every earlier mark (quadratic for a text carrying
        # thousands of annotations, which may repeat): a clash with another type
        # depends on the types only, so the first mark of each type stands for all.
        attrs = mark.get("attrs")
        # Attributes as a key; for the rare value that has none (a structure that
        # contains itself, a tuple), the object itself: ``==`` could recurse forever.
        key = _frozen_attrs(attrs)
        if key is None:
            key = ("object itself", id(attrs))
        j = -1
        if mtype in first_of_type:
            j = (
                first_of_type[mtype]
                if mtype in mspec.excludes
                else same_attrs.get((mtype, key), -1)
            )
        clash = "DUPLICATE_MARK" if j >= 0 else ""
        other_type = ""
        for t, k in first_of_type.items():
            if t == mtype or (j >= 0 and k > j):
                continue
            if t in mspec.excludes or mtype in MARKS[t].excludes:
                j, clash, other_type = k, "excludes", t
            elif (
                alternatives is not None
                and t in allowed  # type: ignore[operator]
                and mtype in allowed  # type: ignore[operator]
                and not any({mtype, t} <= alt for alt in alternatives)
            ):
                j, clash, other_type = k, "together", t
        if clash == "DUPLICATE_MARK":
            yield ValidationError(
                "DUPLICATE_MARK", mpath, (f"`{mtype}` is already applied at ", _at(path, j))
            )
        elif clash == "excludes":
            yield ValidationError(
                "MARKS_CONFLICT",
                mpath,
                (f"`{mtype}` cannot be combined with `{other_type}` (", _at(path, j), ")"),
            )
        elif clash == "together":
            yield ValidationError(
                "MARKS_CONFLICT",
                mpath,
                (
                    f"`{mtype}` cannot be combined with `{other_type}` (",
                    _at(path, j),
                    f") on {owner}",
                ),
            )
        clashed = clashed or bool(clash)
        first_of_type.setdefault(mtype, i)
        same_attrs.setdefault((mtype, key), i)
        seen.append((mtype, mark.get("attrs"), i))
    if alternatives and not clashed and len(seen) == len(marks) and len(seen) > 2:
        # Pairs may each fit an alternative while the whole set fits none.
        types = frozenset(t for t, _a, _i in seen)
        if types <= allowed and not any(types <= alt for alt in alternatives):  # type: ignore[operator]
            yield ValidationError(
                "MARKS_CONFLICT",
                path,
                f"marks {_names(types)} cannot all be combined on {owner}; "
                f"allowed together: {' or '.join('(' + _names(a) + ')' for a in alternatives)}",
            )


def _node_errors(
    node: dict[object, object],
    spec: NodeSpec,
    alts: MarkAlternatives | None,
    parent: str | None,
    path: Text,
) -> Iterator[ValidationError]:
    """Every problem of one node's own properties and of its list of children (child
    types, counts, positions). Children's insides are the walker's business."""
    ntype = spec.type
    owner = f"`{ntype}`"
    keys = _NODE_KEYS[ntype]
    for key in node:
        if key not in keys:
            yield ValidationError(
                "UNKNOWN_PROPERTY",
                _at(path, str(key)),
                f"{owner} has no property {_describe(key)}; "
                f"allowed: {_names(keys)}{key_hint(key, keys)}",
            )
    for key in sorted(spec.required - node.keys()):
        yield ValidationError("MISSING_PROPERTY", path, f"{owner} requires `{key}`")
    for key, vspec in spec.properties.items():
        if key in node:
            yield from _value_errors(node[key], vspec, _at(path, key), key)
    if spec.attrs and "attrs" in node:
        yield from _attrs_errors(node["attrs"], spec.attrs, _at(path, "attrs"), owner)
    if "marks" in node and spec.marks:  # without spec.marks, `marks` is an unknown property
        where = f"{owner} inside `{parent}`" if parent else owner
        yield from _marks_errors(node["marks"], alts, _at(path, "marks"), where)
    if spec.content is not None and "content" in node:
        yield from _content_errors(node["content"], spec, _at(path, "content"))


def _content_errors(content: object, spec: NodeSpec, path: Text) -> Iterator[ValidationError]:
    cspec = spec.content
    assert cspec is not None
    owner = f"`{spec.type}`"
    if not isinstance(content, list):
        yield ValidationError(
            "WRONG_TYPE", path, f"`content` of {owner} must be an array; found {_describe(content)}"
        )
        return
    n = len(content)
    if n < cspec.min_items:
        yield ValidationError(
            "TOO_FEW_CHILDREN",
            path,
            f"{owner} needs at least {cspec.min_items} child node(s); found {n}; "
            f"allowed: {_names(cspec.children)}",
        )
    if cspec.max_items is not None and n > cspec.max_items:
        yield ValidationError(
            "TOO_MANY_CHILDREN",
            path,
            f"{owner} takes at most {cspec.max_items} child node(s); found {n}",
        )


def _child_errors(
    child: object, index: int, spec: NodeSpec, path: Text
) -> Iterator[ValidationError]:
    """Whether child ``index`` may stand where it stands in ``spec``'s content. Reported
    when the walk reaches the child, so errors come in document order."""
    cspec = spec.content
    assert cspec is not None
    owner = f"`{spec.type}`"
    if not isinstance(child, dict):
        yield ValidationError(
            "NOT_A_NODE", path, f"expected a node object inside {owner}; found {_describe(child)}"
        )
        return
    ctype = child.get("type")
    if not isinstance(ctype, str) or ctype not in NODES:
        yield _unknown_node(child, path)
    elif ctype not in cspec.children:
        yield ValidationError(
            "NODE_NOT_ALLOWED",
            path,
            f"`{ctype}` is not allowed inside {owner}; allowed: {_names(cspec.children)}",
        )
    elif cspec.prefix and index < len(cspec.prefix) and ctype not in cspec.prefix[index]:
        yield ValidationError(
            "WRONG_POSITION",
            path,
            f"`{ctype}` cannot be child {index} of {owner}; "
            f"expected: {_names(cspec.prefix[index])}",
        )


def _unknown_node(node: Mapping[object, object], path: Text) -> ValidationError:
    if "type" not in node:
        return ValidationError("MISSING_TYPE", path, "node has no `type`")
    return ValidationError(
        "UNKNOWN_NODE",
        path,
        f"unknown node type {_describe(node['type'])}{node_tail(node['type'])}",
    )


# --- the fast acceptor -------------------------------------------------------------------
# Booleans only. Each function may answer False for a valid value (the explainer then
# finds nothing), never True for an invalid one.

_MISSING: Final = object()
_REQUIRED: Final = {t: s.required for t, s in NODES.items()}
# Node types whose only required key is `content` and which need nothing else checked
# when `type` and `content` are their only keys: most containers, most of the time.
_PLAIN: Final = frozenset(
    t for t, s in NODES.items() if s.content is not None and s.required <= {"content"}
)
_LEAVES: Final = frozenset(t for t, s in NODES.items() if s.content is None and t != "text")
# Nodes whose children are all leaves (paragraph, heading, codeBlock ...): checked in one
# call, children included, so the commonest blocks cost no frames at all.
_INLINE_BLOCKS: Final = frozenset(
    t
    for t, s in NODES.items()
    if s.content is not None
    and not s.content.prefix
    and all(NODES[c].content is None for c in s.content.children)
)
_COMBOS: dict[tuple[MarkAlternatives, tuple[str, ...]], bool] = {}


Check = Callable[[object], bool]


def _compile(spec: ValueSpec) -> Check:
    """A boolean check for one attribute spec, specialised once per spec: the per-value
    cost is then a call and the comparisons that spec needs, nothing else."""
    kind = spec.kind
    if kind == "string":
        if spec.enum is not None:
            allowed = frozenset(v for v in spec.enum if isinstance(v, str))
            return lambda v: type(v) is str and v in allowed  # enum values are clean strings
        regex = _pattern(spec.pattern) if spec.pattern is not None else None
        min_length = spec.min_length or 0
        url = spec.url

        def string_ok(v: object) -> bool:
            return (
                type(v) is str
                and len(v) >= min_length
                and ((v.isascii() and "\x00" not in v) or _string_problem(v) is None)
                and (regex is None or regex.search(v) is not None)
                and (not url or _url_problem(v) is None)
            )

        return string_ok
    if kind in ("number", "integer"):
        lo, hi, enum = spec.minimum, spec.maximum, spec.enum
        integer = kind == "integer"

        def number_ok(v: object) -> bool:
            if type(v) is float:
                if not math.isfinite(v) or (integer and not v.is_integer()):
                    return False
            elif type(v) is not int:
                return False  # bool included: True is not a number here
            return (
                (enum is None or v in enum) and (lo is None or v >= lo) and (hi is None or v <= hi)
            )

        return number_ok
    if kind == "boolean":
        return lambda v: type(v) is bool
    if kind == "array" and spec.items is not None:
        # Table cells' colwidth: every cell has one, so it must not reach the explainer.
        item_ok = _compile(spec.items)
        min_items = spec.min_items or 0
        return lambda v: type(v) is list and len(v) >= min_items and all(map(item_ok, v))
    return lambda v: next(_value_errors(v, spec, "", ""), None) is None  # rare: the explainer


def _compile_attrs(alt: AttrsSpec) -> tuple[frozenset[str], frozenset[str], dict[str, Check]]:
    return (
        frozenset(alt.properties),
        alt.required,
        {k: _compile(v) for k, v in alt.properties.items()},
    )


_ATTR_CHECKS: Final = {
    id(alternatives): tuple(_compile_attrs(alt) for alt in alternatives)
    for alternatives in (*(n.attrs for n in NODES.values()), *(m.attrs for m in MARKS.values()))
}
"""Compiled checks per ``attrs`` alternatives tuple of the table, keyed by identity (the
table is immutable and lives as long as the process)."""
_PROPERTY_CHECKS: Final = {
    t: tuple((k, _compile(v)) for k, v in s.properties.items()) for t, s in NODES.items()
}


def _attrs_ok(attrs: object, alternatives: tuple[AttrsSpec, ...]) -> bool:
    if type(attrs) is not dict:
        return False
    keys = attrs.keys()
    for allowed, required, checks in _ATTR_CHECKS[id(alternatives)]:
        if keys <= allowed and required <= keys:
            for key, value in attrs.items():
                if not checks[key](value):
                    break
            else:
                return True
    return False


def _compile_mark(spec: MarkSpec) -> Check:
    """A boolean check of one mark object's own keys and attributes."""
    if not spec.attrs:
        return lambda m: len(m) == 1  # type: ignore[arg-type]
    alternatives = spec.attrs
    if spec.attrs_required:
        return lambda m: len(m) == 2 and _attrs_ok(m.get("attrs"), alternatives)  # type: ignore[arg-type, attr-defined]
    return lambda m: len(m) == 1 or (len(m) == 2 and _attrs_ok(m.get("attrs"), alternatives))  # type: ignore[arg-type, attr-defined]


_MARK_CHECKS: Final = {t: _compile_mark(s) for t, s in MARKS.items()}


def _marks_ok(marks: object, alts: MarkAlternatives | None) -> bool:
    if type(marks) is not list or not marks or alts is None:
        return False
    checks = _MARK_CHECKS
    kinds: list[str] = []
    for mark in marks:
        if type(mark) is not dict:
            return False
        mtype = mark.get("type")
        check = checks.get(mtype) if type(mtype) is str else None
        if check is None or not check(mark):
            return False
        kinds.append(mtype)  # type: ignore[arg-type]  # a str: checked above
    types = tuple(kinds)
    if len(types) > 4:
        return _combo_ok(alts, types)
    key = (alts, types)
    verdict = _COMBOS.get(key)
    if verdict is None:
        verdict = _COMBOS[key] = _combo_ok(alts, types)
    return verdict


def _combo_ok(alts: MarkAlternatives, types: tuple[str, ...]) -> bool:
    """Whether these distinct mark types may share a node where ``alts`` applies."""
    kinds = frozenset(types)
    if len(kinds) != len(types) or not any(kinds <= alt for alt in alts):
        return False
    return not any(MARKS[t].excludes & (kinds - {t}) for t in kinds)


def _node_ok(node: dict[object, object], spec: NodeSpec, alts: MarkAlternatives | None) -> bool:
    """The node's own properties (not its children, which the walker checks)."""
    ntype = spec.type
    keys = node.keys()
    if not (keys <= _NODE_KEYS[ntype] and _REQUIRED[ntype] <= keys):
        return False
    for key, check in _PROPERTY_CHECKS[ntype]:
        if key in node and not check(node[key]):
            return False
    if "attrs" in node and not _attrs_ok(node["attrs"], spec.attrs):
        return False
    return "marks" not in node or _marks_ok(node["marks"], alts)


# --- the walk ----------------------------------------------------------------------------

# A frame is (node, spec, mark alternatives, parent frame or None, index in the parent's
# content, depth). Frames are plain tuples: one is made per non-text node on the hot path.
_Frame = tuple[Any, "NodeSpec | None", "MarkAlternatives | None", Any, int, int]
# spec is None for a child its parent found misplaced or not a node (see _walk).


class _NodePointer(Pointer):
    """The pointer of a frame's node: the frame chain is read only when the text is
    wanted, so an error costs one small object however deep its node is."""

    __slots__ = ("_frame",)

    def __init__(self, frame: _Frame) -> None:
        super().__init__(None, "")
        self._frame = frame

    def _known(self) -> str | None:
        if self._text is None:
            indices: list[int] = []
            f: _Frame = self._frame
            while f[3] is not None:
                indices.append(f[4])
                f = f[3]
            self._text = "".join(f"/content/{i}" for i in reversed(indices))
            self._frame = None  # type: ignore[assignment]  # the chain is no longer needed
        return self._text


def _pointer(frame: _Frame) -> Pointer:
    return _NodePointer(frame)


def iter_errors(doc: Document | object) -> Iterator[ValidationError]:
    """Yield every problem in ``doc`` (a parsed JSON value or a built node), parents
    before children.

    Never raises on bad input: any value, at any depth, gets errors or none.
    """
    doc = as_json(doc)
    if type(doc) is dict and doc.get("type") == ROOT_TYPE:
        return _walk(doc, fast=True)
    return with_input_hint(doc, _walk(doc, fast=True))  # not a document: say why


def _walk(doc: object, *, fast: bool) -> Iterator[ValidationError]:
    """The iterative walk. ``fast=False`` explains every node (tests compare the two)."""
    if not isinstance(doc, dict):
        yield ValidationError(
            "NOT_A_NODE", "", f"expected an ADF document object; found {_describe(doc)}"
        )
        return
    rtype = doc.get("type")
    if not isinstance(rtype, str) or rtype not in NODES:
        yield _unknown_node(doc, "")
        return
    if rtype != ROOT_TYPE:
        yield ValidationError("ROOT_NOT_DOC", "", f"the root must be a `doc` node; found `{rtype}`")
    stack: list[_Frame] = [(doc, NODES[rtype], (), None, 0, 0)]
    # The nodes on the way down to the current frame, one per depth (``open_path``) and
    # as a set: a node met again among its own ancestors is a cycle, reported once.
    open_path: list[int] = []
    open_ids: set[int] = set()
    plain = _PLAIN
    leaves = _LEAVES
    inline_blocks = _INLINE_BLOCKS
    nodes = NODES
    missing = _MISSING
    while stack:
        frame = stack.pop()
        node, spec, alts, parent, index, depth = frame
        while len(open_path) > depth:
            open_ids.discard(open_path.pop())
        if id(node) in open_ids:
            ntype = node.get("type")
            yield ValidationError("CYCLE", _pointer(frame), f"`{ntype}` contains itself")
            continue
        if spec is None:
            # A child the parent's loop found misplaced (or not a node): say so here,
            # in document order, then check it as far as its type is known.
            parent_spec = parent[1]
            yield from _child_errors(node, index, parent_spec, _pointer(frame))
            ctype = node.get("type") if type(node) is dict else None
            if type(ctype) is not str or ctype not in nodes:
                continue
            spec = nodes[ctype]
            alts = parent_spec.content.child_marks.get(ctype)
            frame = (node, spec, alts, parent, index, depth)
        cspec = spec.content
        content = node.get("content", missing) if cspec is not None else missing
        if type(content) is not list:
            if not (fast and content is missing and _node_ok(node, spec, alts)):
                yield from _node_errors(node, spec, alts, _parent_type(frame), _pointer(frame))
            continue
        assert cspec is not None
        n = len(content)
        if not (
            fast
            and ((len(node) == 2 and spec.type in plain) or _node_ok(node, spec, alts))
            and n >= cspec.min_items
            and (cspec.max_items is None or n <= cspec.max_items)
        ):
            yield from _node_errors(node, spec, alts, _parent_type(frame), _pointer(frame))
        depth += 1
        open_path.append(id(node))
        open_ids.add(id(node))
        allowed = cspec.children
        prefix = cspec.prefix
        child_marks = cspec.child_marks
        text_alts = child_marks.get("text")
        # Pushed last to first, so that children are visited in document order.
        for i in range(n - 1, -1, -1):
            child = content[i]
            ctype = child.get("type") if type(child) is dict else None
            if (
                type(ctype) is not str
                or ctype not in allowed
                or (prefix and i < len(prefix) and ctype not in prefix[i])
            ):
                stack.append((child, None, None, frame, i, depth))
                continue
            if fast and ctype == "text":
                # Text is most of a document: accept the common case without a frame.
                text = child.get("text")
                size = len(child)
                if (
                    type(text) is str
                    and text
                    and (size == 2 or (size == 3 and "marks" in child))
                    and ((text.isascii() and "\x00" not in text) or _string_problem(text) is None)
                    and (size == 2 or _marks_ok(child["marks"], text_alts))
                ):
                    continue
            elif fast and ctype in leaves and _node_ok(child, nodes[ctype], child_marks[ctype]):
                continue  # mentions, emoji, dates ...: no children, so no frame either
            elif (
                fast
                and ctype in inline_blocks
                and _inline_block_ok(child, nodes[ctype], child_marks[ctype])
            ):
                continue  # a paragraph (or heading ...) of valid inline content: no frames
            stack.append((child, nodes[ctype], child_marks[ctype], frame, i, depth))


def _inline_block_ok(node: dict[Any, Any], spec: NodeSpec, alts: MarkAlternatives | None) -> bool:
    """Whether a node whose children are all leaves is valid, children included; False
    sends it down the ordinary path, which finds what is wrong."""
    content = node.get("content")
    cspec = spec.content
    assert cspec is not None
    if type(content) is not list:
        return "content" not in node and _node_ok(node, spec, alts)
    if not ((len(node) == 2 and spec.type in _PLAIN) or _node_ok(node, spec, alts)):
        return False
    if len(content) < cspec.min_items or (
        cspec.max_items is not None and len(content) > cspec.max_items
    ):
        return False
    allowed = cspec.children
    child_marks = cspec.child_marks
    text_alts = child_marks.get("text")
    for child in content:
        if type(child) is not dict:
            return False
        ctype = child.get("type")
        if type(ctype) is not str or ctype not in allowed:
            return False
        if ctype == "text":
            text = child.get("text")
            size = len(child)
            if not (
                type(text) is str
                and text
                and (size == 2 or (size == 3 and "marks" in child))
                and ((text.isascii() and "\x00" not in text) or _string_problem(text) is None)
                and (size == 2 or _marks_ok(child["marks"], text_alts))
            ):
                return False
        elif not _node_ok(child, NODES[ctype], child_marks[ctype]):
            return False
    return True


def _parent_type(frame: _Frame) -> str | None:
    parent = frame[3]
    return None if parent is None else parent[1].type


def is_valid(doc: Document | object) -> bool:
    """Whether ``doc`` (a dict or a built node) is a valid ADF document."""
    return next(iter_errors(as_json(doc)), None) is None


def collect(
    errors: Iterable[ValidationError], max_errors: int | None
) -> tuple[list[ValidationError], int]:
    """The first ``max_errors`` of ``errors`` (all of them for None) and how many more
    there were. The rest are counted, not kept: their pointers are never built."""
    kept: list[ValidationError] = []
    if max_errors is None:
        kept.extend(errors)
        return kept, 0
    if max_errors < 0:
        raise ValueError(f"max_errors must be at least 0 or None; got {max_errors}")
    iterator = iter(errors)
    kept.extend(islice(iterator, max_errors))
    return kept, sum(1 for _ in iterator)


def validate(doc: Document | object, *, max_errors: int | None = MAX_ERRORS) -> None:
    """Raise ``InvalidDocument`` if ``doc`` (a dict or a built node) is not valid ADF.

    The exception's ``errors`` holds the first ``max_errors`` problems (default
    ``MAX_ERRORS``; None keeps them all) and ``omitted`` counts the others, so that a
    hostile document with an error at each of 100,000 levels costs memory for the few
    that are kept (``docs/resources.md``).
    """
    errors, omitted = collect(iter_errors(as_json(doc)), max_errors)
    if errors or omitted:
        raise InvalidDocument(errors, omitted)
