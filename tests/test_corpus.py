"""The data-driven corpus in ``tests/data``: tricky ADF documents and their verdicts.

- ``data/valid/*.json``: each file is one ADF document that must produce no errors.
- ``data/invalid/*.json``: each file is ``{"why": ..., "expect": [{"code", "path"}...],
  "document": ...}``; ``expect`` is the exact list of (code, JSON Pointer) pairs, in order.
- ``data/make_deep.py`` generated ``valid/deep-nesting-500-lists.json`` (JSON has no
  comments; the script is the record, and a test below keeps the two in sync).

Expectations were decided from the references (``schema/full.json``, Atlassian's
validator and editor as described in ``docs/validation.md``), not copied from adfkit's
output. Besides the verdicts, every error adfkit reports for the invalid corpus must have
a message that names what was found, and a path that is a well-formed RFC 6901 pointer
resolving inside the document.

NaN and Infinity cannot be written in a JSON file, so those cases are built in Python
at the end of this module.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import adfkit
from adfkit.spec import MARKS, NODES, AttrsSpec

DATA = Path(__file__).resolve().parent / "data"
VALID = sorted((DATA / "valid").glob("*.json"))
INVALID = sorted((DATA / "invalid").glob("*.json"))

_RECURSION_FOR_DEEP_FILES = 20_000
_STRING_PROBLEM = re.compile("[\x00\ud800-\udfff]")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_ESCAPE = re.compile(r"~(?![01])")


# --- loading --------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; build such cases in Python instead")


def _load(path: Path) -> Any:
    """Parse a corpus file as strict JSON (no NaN/Infinity literals). The deep-nesting
    file needs more recursion than ``json`` has by default (one level per JSON level)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_FOR_DEEP_FILES))
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    finally:
        sys.setrecursionlimit(limit)


def _case(path: Path) -> tuple[list[tuple[str, str]], Any]:
    case = _load(path)
    expect = [(item["code"], item["path"]) for item in case["expect"]]
    return expect, case["document"]


def _errors(doc: object) -> list[adfkit.ValidationError]:
    return list(adfkit.iter_errors(doc))


# --- a tiny RFC 6901 resolver ------------------------------------------------------------


def _tokens(pointer: str) -> list[str]:
    """The unescaped reference tokens of a pointer; AssertionError if it is malformed."""
    if pointer == "":
        return []
    assert pointer.startswith("/"), f"a JSON Pointer starts with '/': {pointer!r}"
    raw = pointer[1:].split("/")
    for token in raw:
        assert not _ESCAPE.search(token), f"'~' must be followed by 0 or 1 in {pointer!r}"
    return [t.replace("~1", "/").replace("~0", "~") for t in raw]


def _resolve(doc: object, pointer: str) -> object:
    """The value ``pointer`` designates in ``doc``; AssertionError if it leads nowhere."""
    current = doc
    for depth, token in enumerate(_tokens(pointer)):
        where = f"{pointer!r} (token {depth}, {token!r})"
        if isinstance(current, dict):
            assert token in current, f"no key at {where}"
            current = current[token]
        elif isinstance(current, list):
            assert _ARRAY_INDEX.fullmatch(token), f"not an array index at {where}"
            assert int(token) < len(current), f"index out of range at {where}"
            current = current[int(token)]
        else:
            raise AssertionError(f"cannot step into a scalar at {where}")
    return current


def test_resolver_follows_rfc_6901() -> None:
    doc = {"a/b": {"m~n": [10, 20]}, "": 1}
    assert _resolve(doc, "") is doc
    assert _resolve(doc, "/a~1b/m~0n/1") == 20
    assert _resolve(doc, "/") == 1
    for bad in ["a", "/a~1b/m~0n/01", "/a~1b/m~0n/2", "/a~1b/m~2n", "/a~1b/m~0n/-", "/x"]:
        with pytest.raises(AssertionError):
            _resolve(doc, bad)


# --- what a message must mention -------------------------------------------------------------


def _missing_keys(error: adfkit.ValidationError, found: object) -> list[str]:
    """The backticked names in a MISSING_* message that ``found`` really lacks."""
    if not isinstance(found, dict):
        return []
    return [k for k in re.findall(r"`([^`]+)`", error.message) if k not in found]


def _value_names(value: object) -> list[str]:
    """Ways a message can name a found value (any one of them is enough)."""
    if value is None:
        return ["null"]
    if value is True or value is False:
        return ["true" if value else "false"]
    if isinstance(value, int) and len(str(value)) > 30:
        return [str(value)[:12]]  # long integers are shown by their leading digits
    if isinstance(value, int | float):
        return [repr(value), str(value)]
    if isinstance(value, str):
        if value == "":
            return ["empty"]
        bad = [f"U+{ord(c):04X}" for c in _STRING_PROBLEM.findall(value)]
        return [*bad, repr(value)[1:21], value[:20]]
    if isinstance(value, list):
        return [f"found {len(value)}", "empty array", "an array"]
    if isinstance(value, dict):
        if "type" not in value:
            return ["no `type`", "an object"]
        kind = value["type"]
        return [*([kind] if isinstance(kind, str) else _value_names(kind)), "an object"]
    return [type(value).__name__]


def _names_of_found_thing(error: adfkit.ValidationError, doc: object) -> list[str]:
    found = _resolve(doc, error.path)
    if error.code.startswith("MISSING_"):
        return [f"`{k}`" for k in _missing_keys(error, found)]
    if error.code in ("UNKNOWN_ATTRIBUTE", "UNKNOWN_PROPERTY"):
        key = _tokens(error.path)[-1]
        return [repr(key), f"`{key}`"]
    return _value_names(found)


def _check_error_shape(error: adfkit.ValidationError, doc: object) -> None:
    assert re.fullmatch(r"[A-Z][A-Z_]*[A-Z]", error.code), error
    assert error.message.strip(), f"empty message: {error}"
    found = _resolve(doc, error.path)
    if error.code.startswith("MISSING_"):
        assert isinstance(found, dict), f"{error}: a MISSING_* path must lead to an object"
        assert _missing_keys(error, found), f"{error}: names no key the object lacks"
    names = _names_of_found_thing(error, doc)
    assert any(n in error.message for n in names), f"{error}: mentions none of {names!r}"


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_large_enough() -> None:
    assert len(VALID) >= 60
    assert len(INVALID) >= 120


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_document(path: Path) -> None:
    doc = _load(path)
    errors = _errors(doc)
    assert errors == [], "\n".join(str(e) for e in errors)
    assert adfkit.is_valid(doc)
    adfkit.validate(doc)


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_document(path: Path) -> None:
    expect, doc = _case(path)
    errors = _errors(doc)
    got = [(e.code, e.path) for e in errors]
    assert got == expect, "\n".join(str(e) for e in errors)
    assert not adfkit.is_valid(doc)
    with pytest.raises(adfkit.InvalidDocument) as raised:
        adfkit.validate(doc)
    assert [(e.code, e.path) for e in raised.value.errors] == expect


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_is_well_formed(path: Path) -> None:
    case = _load(path)
    assert isinstance(case, dict)
    assert list(case) == ["why", "expect", "document"]
    why = case["why"]
    assert isinstance(why, str)
    assert why
    assert why.strip() == why
    assert "\n" not in why
    assert isinstance(case["expect"], list)
    assert case["expect"], "an invalid case expects errors"
    for item in case["expect"]:
        assert isinstance(item, dict)
        assert set(item) == {"code", "path"}
        assert isinstance(item["code"], str)
        assert isinstance(item["path"], str)
        _resolve(case["document"], item["path"])
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.json", path.name)


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_messages_name_the_found_thing_and_paths_resolve(path: Path) -> None:
    _expect, doc = _case(path)
    for error in _errors(doc):
        _check_error_shape(error, doc)


def _walk_nodes(doc: object) -> Iterator[dict[str, Any]]:
    """Every node object reachable through ``content`` (iterative: the corpus is deep)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            content = node.get("content")
            if isinstance(content, list):
                stack.extend(content)


def _marks_of(node: dict[str, Any]) -> list[dict[str, Any]]:
    marks = node.get("marks")
    return [m for m in marks if isinstance(m, dict)] if isinstance(marks, list) else []


def _valid_nodes() -> Iterator[dict[str, Any]]:
    for path in VALID:
        yield from _walk_nodes(_load(path))


def test_valid_corpus_covers_every_node_and_mark_type() -> None:
    node_types: set[str] = set()
    mark_types: set[str] = set()
    for node in _valid_nodes():
        node_types.add(node["type"])
        mark_types.update(m["type"] for m in _marks_of(node))
    assert set(NODES) - node_types == set()
    assert set(MARKS) - mark_types == set()


def _enum_values(owner: str, alternatives: tuple[AttrsSpec, ...]) -> set[tuple[str, str, str]]:
    return {
        (owner, name, str(value))
        for alt in alternatives
        for name, spec in alt.properties.items()
        if spec.enum is not None
        for value in spec.enum
    }


def test_valid_corpus_uses_every_enum_value() -> None:
    wanted: set[tuple[str, str, str]] = set()
    for ntype, nspec in NODES.items():
        wanted |= _enum_values(ntype, nspec.attrs)
    for mtype, mspec in MARKS.items():
        wanted |= _enum_values(f"mark:{mtype}", mspec.attrs)
    seen: set[tuple[str, str, str]] = set()
    for node in _valid_nodes():
        owners = [(str(node["type"]), node.get("attrs"))]
        owners += [(f"mark:{m['type']}", m.get("attrs")) for m in _marks_of(node)]
        for owner, attrs in owners:
            if isinstance(attrs, dict):
                seen |= {(owner, k, str(v)) for k, v in attrs.items() if isinstance(v, str)}
    assert sorted(wanted - seen) == []


def test_deep_file_is_what_make_deep_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_deep", DATA / "make_deep.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target: Path = module.TARGET
    assert target.parent == DATA / "valid"
    expected: str = module.render()
    assert target.read_text(encoding="utf-8") == expected


# --- NaN and Infinity (not writable in a JSON file) ----------------------------------------------

NAN = math.nan
INF = math.inf


def _doc(*content: object, version: object = 1) -> dict[str, object]:
    return {"version": version, "type": "doc", "content": list(content)}


def _file_media(**extra: object) -> dict[str, object]:
    return {"type": "media", "attrs": {"type": "file", "id": "m", "collection": "c", **extra}}


def _para(*content: object) -> dict[str, object]:
    return {"type": "paragraph", "content": list(content)}


NON_FINITE: list[tuple[str, object, list[tuple[str, str]]]] = [
    (
        "heading-level-nan",
        _doc({"type": "heading", "attrs": {"level": NAN}, "content": []}),
        [("NOT_FINITE", "/content/0/attrs/level")],
    ),
    ("version-infinity", _doc(version=INF), [("NOT_FINITE", "/version")]),
    ("version-nan", _doc(version=NAN), [("NOT_FINITE", "/version")]),
    (
        "media-width-negative-infinity",
        _doc({"type": "mediaGroup", "content": [_file_media(width=-INF)]}),
        [("NOT_FINITE", "/content/0/content/0/attrs/width")],
    ),
    (
        # docs/validation.md's own NOT_FINITE example: without widthType the width is a
        # percentage; the only problem is NaN (no widthType is missing).
        "media-single-width-nan",
        _doc(
            {
                "type": "mediaSingle",
                "attrs": {"layout": "center", "width": NAN},
                "content": [_file_media()],
            }
        ),
        [("NOT_FINITE", "/content/0/attrs/width")],
    ),
    (
        "media-single-percentage-width-infinity",
        _doc(
            {
                "type": "mediaSingle",
                "attrs": {"layout": "center", "width": INF, "widthType": "percentage"},
                "content": [_file_media()],
            }
        ),
        [("NOT_FINITE", "/content/0/attrs/width")],
    ),
    (
        "table-cell-colwidth-nan",
        _doc(
            {
                "type": "table",
                "content": [
                    {
                        "type": "tableRow",
                        "content": [
                            {
                                "type": "tableCell",
                                "attrs": {"colwidth": [100, NAN]},
                                "content": [_para()],
                            }
                        ],
                    }
                ],
            }
        ),
        [("NOT_FINITE", "/content/0/content/0/content/0/attrs/colwidth/1")],
    ),
    (
        "table-cell-colspan-infinity",
        _doc(
            {
                "type": "table",
                "content": [
                    {
                        "type": "tableRow",
                        "content": [
                            {"type": "tableCell", "attrs": {"colspan": INF}, "content": [_para()]}
                        ],
                    }
                ],
            }
        ),
        [("NOT_FINITE", "/content/0/content/0/content/0/attrs/colspan")],
    ),
    (
        "extension-parameters-infinity",
        _doc(
            {
                "type": "extension",
                "attrs": {
                    "extensionType": "com.example",
                    "extensionKey": "k",
                    "parameters": {"macroParams": {"max": INF}},
                },
            }
        ),
        [("NOT_FINITE", "/content/0/attrs/parameters/macroParams/max")],
    ),
    (
        "inline-card-data-nan-in-list",
        _doc(_para({"type": "inlineCard", "attrs": {"data": {"n": [1, NAN]}}})),
        [("NOT_FINITE", "/content/0/content/0/attrs/data/n/1")],
    ),
    (
        "border-size-nan",
        _doc(
            {
                "type": "mediaGroup",
                "content": [
                    {
                        **_file_media(),
                        "marks": [{"type": "border", "attrs": {"color": "#000000", "size": NAN}}],
                    }
                ],
            }
        ),
        [("NOT_FINITE", "/content/0/content/0/marks/0/attrs/size")],
    ),
    (
        "indentation-level-infinity",
        _doc(
            {
                "type": "paragraph",
                "marks": [{"type": "indentation", "attrs": {"level": INF}}],
                "content": [],
            }
        ),
        [("NOT_FINITE", "/content/0/marks/0/attrs/level")],
    ),
    (
        "layout-column-width-nan",
        _doc(
            {
                "type": "layoutSection",
                "content": [
                    {"type": "layoutColumn", "attrs": {"width": NAN}, "content": [_para()]},
                    {"type": "layoutColumn", "attrs": {"width": 50}, "content": [_para()]},
                ],
            }
        ),
        [("NOT_FINITE", "/content/0/content/0/attrs/width")],
    ),
    (
        "text-nan",
        _doc(_para({"type": "text", "text": NAN})),
        [("WRONG_TYPE", "/content/0/content/0/text")],
    ),
    (
        "two-non-finite-values-in-document-order",
        _doc(
            {"type": "heading", "attrs": {"level": -INF}, "content": []},
            {"type": "mediaGroup", "content": [_file_media(height=NAN)]},
        ),
        [
            ("NOT_FINITE", "/content/0/attrs/level"),
            ("NOT_FINITE", "/content/1/content/0/attrs/height"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("doc", "expect"), [(d, e) for _n, d, e in NON_FINITE], ids=[n for n, _d, _e in NON_FINITE]
)
def test_non_finite_numbers(doc: object, expect: list[tuple[str, str]]) -> None:
    errors = _errors(doc)
    assert [(e.code, e.path) for e in errors] == expect, "\n".join(str(e) for e in errors)
    for error in errors:
        _check_error_shape(error, doc)
