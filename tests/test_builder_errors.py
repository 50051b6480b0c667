"""Every wrong argument of every builder function is a ``BuildError`` naming the
function, the parameter and the fix, never an ``AttributeError`` or ``TypeError`` from
inside the tree. Driven by the spec table, so a new node type or attribute is covered
without a new test."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings

from adfkit import BuildError, build
from adfkit.spec import MARKS, NODES, ValueSpec
from adfkit.strategies import marks, nodes
from adfkit.tree import Mark, Node, node_from_json, snake_case

# The first example found, not the smallest: shrinking 43 examples costs most of the time.
_FIND = settings(
    database=None,
    max_examples=200,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@cache
def _example_node(node_type: str) -> dict[str, Any]:
    """The simplest valid node of this type that the builder's signature can make
    (the first Hypothesis draws; ``mediaSingle`` without attributes, for one, cannot
    be: its builder asks for ``layout``)."""

    def buildable(node: dict[str, Any]) -> bool:
        try:
            _call(node_type, node)
        except BuildError as error:
            if "arguments: " in str(error):  # the call does not fit the signature
                return False
            raise
        return True

    return find(nodes(node_type, max_depth=5, max_leaves=6), buildable, settings=_FIND)


@cache
def _example_mark(mark_type: str) -> dict[str, Any]:
    return find(marks(mark_type), lambda _m: True, settings=_FIND)


def _call(node_type: str, node: dict[str, Any], **changes: Any) -> Node:
    """The builder call that makes ``node``, with ``changes`` to its arguments."""
    function = getattr(build, snake_case(node_type))
    if node_type == "text":
        return function(changes.pop("text", node["text"]), **changes)  # type: ignore[no-any-return]
    children = changes.pop("children", [node_from_json(c) for c in node.get("content", [])])
    kwargs = {snake_case(k): v for k, v in node.get("attrs", {}).items()}
    kwargs.update(changes)
    return function(*children, **kwargs)  # type: ignore[no-any-return]


def _wrong_value(spec: ValueSpec) -> object:
    """A value of the wrong JSON type for ``spec``."""
    return {
        "string": 12345,
        "number": "12",
        "integer": "12",
        "boolean": "yes",
        "array": "a,b",
        "object": "{}",
        "any": {1, 2},  # a set: not JSON
    }[spec.kind]


def _attribute_cases() -> list[tuple[str, str, ValueSpec]]:
    cases: dict[tuple[str, str], ValueSpec] = {}
    for node_type, spec in NODES.items():
        for alt in spec.attrs:
            for attr, vspec in alt.properties.items():
                cases.setdefault((node_type, attr), vspec)
    return [(t, a, v) for (t, a), v in sorted(cases.items())]


def test_the_examples_are_what_the_builder_makes() -> None:
    for node_type in NODES:
        node = _example_node(node_type)
        expected = dict(node)
        if NODES[node_type].content is not None:
            expected.setdefault("content", [])  # the builder always writes the list
        if expected.get("attrs") == {} and "attrs" not in NODES[node_type].required:
            del expected["attrs"]  # and leaves out an empty attrs where it may
        assert _call(node_type, node).to_json() == expected


@pytest.mark.parametrize(("node_type", "attr", "spec"), _attribute_cases())
def test_a_wrongly_typed_attribute_names_the_function_and_parameter(
    node_type: str, attr: str, spec: ValueSpec
) -> None:
    function, param = snake_case(node_type), snake_case(attr)
    with pytest.raises(BuildError) as info:
        _call(node_type, _example_node(node_type), **{param: _wrong_value(spec)})
    assert str(info.value).startswith(f"{function}(): "), str(info.value)
    assert f"{param}=" in str(info.value)
    assert info.value.errors


_NOT_CHILDREN: list[tuple[str, object, str]] = [
    ("int", 42, "expected a node made by adfkit.build or a string"),
    ("dict", {"type": "paragraph", "content": []}, "node_from_json"),
    ("function", build.paragraph, "call it: paragraph(...)"),
    ("mark", build.strong(), "is a mark, not a node"),
    ("list", [build.paragraph()], "pass the children one by one"),
    ("undecodable bytes", b"\xff", "not UTF-8"),
]


@pytest.mark.parametrize("node_type", sorted(t for t, s in NODES.items() if s.content))
@pytest.mark.parametrize(("kind", "bad", "fix"), _NOT_CHILDREN, ids=[c[0] for c in _NOT_CHILDREN])
def test_a_child_that_is_not_a_node_names_the_function_and_the_fix(
    node_type: str, kind: str, bad: object, fix: str
) -> None:
    node = _example_node(node_type)
    children: list[object] = [node_from_json(c) for c in node.get("content", [])]
    children[:1] = [bad]
    with pytest.raises(BuildError) as info:
        _call(node_type, node, children=children)
    assert str(info.value).startswith(f"{snake_case(node_type)}(): child 0: "), str(info.value)
    assert fix in str(info.value)


_NOT_MARKS: list[tuple[str, object, str]] = [
    ("function in a list", [build.strong], "marks[0]: the function `strong` itself"),
    ("string", "strong", "marks: the string 'strong'; marks= takes a list: marks=[strong()]"),
    ("name in a list", ["bold"], "marks[0]: the string 'bold'; "),
    ("dict", {"type": "em"}, "marks: a Python dict; marks= takes a list: marks=[em()]"),
    ("dict in a list", [{"type": "italic"}], "make it with its function: marks=[em()]"),
    ("single mark", build.strong(), "one mark, not a list of marks; put it in a list"),
    ("number", 3, "expected a list of marks"),
    ("node in a list", [build.paragraph()], "not a mark; nodes go in the children"),
    ("function", build.link, "marks: the function `link` itself"),
]


@pytest.mark.parametrize("node_type", sorted(t for t, s in NODES.items() if s.marks))
@pytest.mark.parametrize(("kind", "bad", "fix"), _NOT_MARKS, ids=[c[0] for c in _NOT_MARKS])
def test_a_wrong_marks_argument_names_the_function_and_the_fix(
    node_type: str, kind: str, bad: object, fix: str
) -> None:
    with pytest.raises(BuildError) as info:
        _call(node_type, _example_node(node_type), marks=bad)
    assert str(info.value).startswith(f"{snake_case(node_type)}(): marks"), str(info.value)
    assert fix in str(info.value)


def _mark_attribute_cases() -> list[tuple[str, str, ValueSpec]]:
    return [
        (t, a, v)
        for t, s in sorted(MARKS.items())
        for alt in s.attrs
        for a, v in sorted(alt.properties.items())
    ]


@pytest.mark.parametrize(("mark_type", "attr", "spec"), _mark_attribute_cases())
def test_a_wrongly_typed_mark_attribute_names_the_function_and_parameter(
    mark_type: str, attr: str, spec: ValueSpec
) -> None:
    function = getattr(build, snake_case(mark_type))
    kwargs = {snake_case(k): v for k, v in _example_mark(mark_type).get("attrs", {}).items()}
    assert function(**kwargs) == Mark(mark_type, _example_mark(mark_type).get("attrs"))
    kwargs[snake_case(attr)] = _wrong_value(spec)
    with pytest.raises(BuildError) as info:
        function(**kwargs)
    assert str(info.value).startswith(f"{snake_case(mark_type)}(): {snake_case(attr)}=")


@pytest.mark.parametrize("mark_type", sorted(t for t, s in MARKS.items() if not s.attrs))
@pytest.mark.parametrize("bad", [42, build.paragraph("x"), b"\xff"])
def test_a_mark_wraps_only_text(mark_type: str, bad: object) -> None:
    function: Callable[[object], object] = getattr(build, snake_case(mark_type))
    with pytest.raises(BuildError) as info:
        function(bad)
    assert str(info.value).startswith(f"{snake_case(mark_type)}(): content: ")


def test_text_where_a_node_holds_none_says_how_to_wrap_it() -> None:
    with pytest.raises(BuildError) as info:
        build.doc("hi")  # type: ignore[arg-type]
    assert "wrap it: doc(paragraph('...'))" in str(info.value)
    with pytest.raises(BuildError) as info:
        build.bullet_list("x")  # type: ignore[arg-type]
    assert "wrap it: bullet_list(list_item(paragraph('...')))" in str(info.value)


def test_text_may_be_given_as_utf8_bytes() -> None:
    assert build.text(b"\xef\xbb\xbfcaf\xc3\xa9").text == "café"  # type: ignore[arg-type]
    assert build.paragraph(b"x") == build.paragraph("x")  # type: ignore[arg-type]
    assert build.strong(b"x") == build.strong("x")  # type: ignore[call-overload]
    with pytest.raises(BuildError, match=r"text\(\): text: bytes that are not UTF-8 \(byte 1"):
        build.text(b"a\xff")  # type: ignore[arg-type]


def test_an_attribute_passed_positionally_is_told_to_go_by_keyword() -> None:
    with pytest.raises(BuildError) as info:
        build.heading("x", 1, level=1)  # type: ignore[arg-type]
    assert str(info.value) == (
        "heading(): child 1: expected a node made by adfkit.build or a string; found a "
        "Python int; attributes go by keyword: heading(..., level=..., local_id=...)"
    )


@pytest.mark.parametrize("node_type", sorted(NODES))
def test_an_unknown_keyword_names_the_function_and_the_nearest_parameter(node_type: str) -> None:
    function = getattr(build, snake_case(node_type))
    node = _example_node(node_type)
    attrs = sorted({a for alt in NODES[node_type].attrs for a in alt.properties})
    with pytest.raises(BuildError) as info:
        _call(node_type, node, no_such_parameter=1)
    assert str(info.value).startswith(f"{function.__name__}(): no_such_parameter=: ")
    for attr in attrs:
        if attr == snake_case(attr):
            continue  # the camelCase slip only exists where the names differ
        with pytest.raises(BuildError) as info:
            _call(node_type, node, **{attr: node.get("attrs", {}).get(attr, 1)})
        assert str(info.value).endswith(f"did you mean {snake_case(attr)}=?"), str(info.value)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: build.link(url="https://x.org"),  # type: ignore[call-arg]
            "link(): url=: no such parameter; did you mean href=?",
        ),
        (
            lambda: build.code_block("x", lang="py"),  # type: ignore[call-arg]
            "code_block(): lang=: no such parameter; did you mean language=?",
        ),
        (
            lambda: build.text("x", mark=[build.strong()]),  # type: ignore[call-arg]
            "text(): mark=: no such parameter; did you mean marks=?",
        ),
        (
            lambda: build.heading("x"),  # type: ignore[call-arg]
            "heading(): arguments: missing 1 required keyword-only argument: 'level'",
        ),
        (
            lambda: build.rule(x=1),  # type: ignore[call-arg]
            "rule(): x=: no such parameter; it takes local_id=",
        ),
    ],
)
def test_a_call_that_does_not_fit_the_signature_is_a_build_error(make: Any, message: str) -> None:
    with pytest.raises(BuildError) as info:
        make()
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("call", "parameter", "fix"),
    [
        # (the slips themselves, which a type checker would catch too)
        (lambda: build.text("a", [build.strong()]), "marks", "marks go by keyword: marks=[...]"),  # type: ignore[call-arg]
        (lambda: build.text("a", build.em()), "marks", "marks go by keyword"),  # type: ignore[call-arg, arg-type]
        (
            lambda: build.link("docs", href="https://x.org"),  # type: ignore[misc]
            "href=",
            "link() is a mark: text('docs', marks=[link('https://x.org')])",
        ),
    ],
)
def test_the_classic_signature_slips_get_their_fix(
    call: Callable[[], object], parameter: str, fix: str
) -> None:
    with pytest.raises(BuildError) as caught:
        call()
    assert f"(): {parameter}: " in str(caught.value)
    assert fix in str(caught.value)
