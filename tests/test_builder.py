"""The typed builder: a function per node and mark, checks at build time, immutable
nodes, exact JSON round trips."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adfkit import BuildError, InvalidDocument, build, from_json, iter_errors, validate
from adfkit.jsonfile import load
from adfkit.nodes import NODE_CLASSES, Doc, Heading
from adfkit.spec import MARKS, NODES, ValueSpec
from adfkit.tree import Mark, Node, snake_case

ROOT = Path(__file__).resolve().parent.parent


def _attr_names(alternatives: Any) -> set[str]:
    return {snake_case(a) for alt in alternatives for a in alt.properties}


def test_generated_modules_match_the_spec_table() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "schema" / "generate_builder.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("node_type", sorted(NODES))
def test_every_node_type_has_a_function_whose_keywords_are_its_attributes(node_type: str) -> None:
    function = getattr(build, snake_case(node_type))
    params = inspect.signature(function).parameters.values()
    keywords = {p.name for p in params if p.kind is p.KEYWORD_ONLY} - {"marks"}
    assert keywords == _attr_names(NODES[node_type].attrs)
    assert ("marks" in {p.name for p in params}) == NODES[node_type].marks
    assert NODE_CLASSES[node_type].type == node_type


@pytest.mark.parametrize("mark_type", sorted(MARKS))
def test_every_mark_type_has_a_function_whose_parameters_are_its_attributes(mark_type: str) -> None:
    function = getattr(build, snake_case(mark_type))
    params = inspect.signature(function).parameters.values()
    names = {p.name for p in params if p.kind is not p.POSITIONAL_ONLY}
    assert names == _attr_names(MARKS[mark_type].attrs)


def test_the_checkout_bug_description_builds_and_validates() -> None:
    description = build.doc(
        build.paragraph("Clicking submit on checkout returns a 500 error."),
        build.paragraph(build.strong("Browser: "), "Chrome 124 on macOS 14"),
    )
    assert description.to_json() == {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Clicking submit on checkout returns a 500 error."}
                ],
            },
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Browser: ", "marks": [{"type": "strong"}]},
                    {"type": "text", "text": "Chrome 124 on macOS 14"},
                ],
            },
        ],
    }
    validate(description.to_json())


def _heading_level_7() -> object:
    return build.heading("x", level=7)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_heading_level_7, "heading(): level=7: `level` must be at most 6"),
        (lambda: build.text(""), "text(): `text` must not be empty"),
        (lambda: build.link("javascript:alert(1)"), "link(): href='javascript:alert(1)': "),
        (
            lambda: build.code_block(build.text("x", marks=[build.strong()])),
            "code_block(): child 0: `strong` is not allowed on `text` inside `codeBlock`",
        ),
        (
            lambda: build.text("x", marks=[build.strong(), build.code()]),
            "text(): `code` cannot be combined with `strong`",
        ),
        (
            lambda: build.list_item(build.paragraph("x", marks=[build.alignment("center")])),
            "list_item(): child 0: `alignment` is not allowed on `paragraph` inside `listItem`",
        ),
        (
            lambda: build.table_cell(build.paragraph("x"), colspan=0),
            "table_cell(): colspan=0: `colspan` must be at least 1",
        ),
        (
            lambda: build.status(text="DONE", color="pink"),  # type: ignore[arg-type]
            "status(): color='pink': `color` must match",
        ),
        (lambda: build.text_color("red"), "text_color(): color='red': `color` must match"),
        (lambda: build.date(timestamp="tomorrow"), "date(): timestamp='tomorrow'"),
        (lambda: build.text("a\ud800"), "text(): `text` contains a lone surrogate"),
        (
            lambda: build.media_single(
                build.media(type="external", url="https://x.org/a.png"),
                layout="center",
                width=150,
            ),
            "media_single(): ",
        ),
    ],
)
def test_what_types_cannot_say_is_refused_at_build_time_naming_function_and_parameter(
    make: Any, message: str
) -> None:
    with pytest.raises(BuildError) as info:
        make()
    assert str(info.value).startswith(message)
    assert info.value.errors


def test_nodes_and_marks_are_immutable() -> None:
    node = build.heading("x", level=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.content = ()  # type: ignore[misc]
    assert node.attrs is not None
    with pytest.raises(TypeError):
        node.attrs["level"] = 3  # type: ignore[index]
    assert isinstance(node.content, tuple)
    mark = build.link("https://example.com")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mark.type = "em"  # type: ignore[misc]


def test_to_json_returns_fresh_objects() -> None:
    node = build.extension(extension_key="k", extension_type="t", parameters={"a": [1]})
    out = node.to_json()
    out["attrs"]["parameters"]["a"].append(2)
    assert node.to_json()["attrs"]["parameters"] == {"a": [1]}


def test_equal_trees_are_equal_values() -> None:
    assert build.paragraph("x", build.em("y")) == build.paragraph("x", build.em("y"))
    different: Node = build.heading("x", level=1)
    assert build.paragraph("x") != different


def test_reprs_read_like_builder_calls() -> None:
    assert repr(build.paragraph("x", build.strong("y"))) == (
        "paragraph(text('x'), text('y', marks=[strong()]))"
    )
    assert repr(build.link("https://x.org")) == "link(href='https://x.org')"


def _corpus() -> list[Path]:
    paths = sorted((ROOT / "tests" / "data" / "valid").glob("*.json"))
    return paths + sorted((ROOT / "docs" / "examples").glob("*.adf.json"))


def _same(a: Any, b: Any) -> bool:
    """Deep JSON equality without recursion (the corpus has 500-deep documents)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif (
            type(x) is not type(y)
            and not (isinstance(x, int | float) and isinstance(y, int | float))
        ) or x != y:
            return False
    return True


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_every_valid_document_round_trips_exactly(path: Path) -> None:
    document, _dupes = load(path.read_text())
    tree = from_json(document)
    assert isinstance(tree, Doc)
    assert _same(tree.to_json(), document)
    assert _same(from_json(tree.to_json()).to_json(), document)


def test_from_json_refuses_an_invalid_document_with_pointers() -> None:
    document = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "heading", "attrs": {"level": 9}}],
    }
    with pytest.raises(InvalidDocument) as info:
        from_json(document)
    assert [(e.code, e.path) for e in info.value.errors] == [
        ("OUT_OF_RANGE", "/content/0/attrs/level")
    ]


def test_a_deep_document_converts_both_ways_without_recursion() -> None:
    depth = 20_000
    leaf = build.paragraph("bottom")
    node: Any = leaf
    for _ in range(depth):
        node = build.bullet_list(build.list_item(node))
    document = build.doc(node).to_json()
    assert list(iter_errors(document)) == []
    tree = from_json(document)
    again = tree.to_json()
    walk = again
    for _ in range(depth):
        walk = walk["content"][0]["content"][0]
    assert walk["content"][0] == leaf.to_json()


# --- property: whatever the builder accepts is valid, and round-trips --------------------


def _value(spec: ValueSpec) -> st.SearchStrategy[Any]:
    odd = st.sampled_from([0, -1, 1.5, 7, "", "javascript:x", "#12345", None])
    if spec.enum is not None:
        good: st.SearchStrategy[Any] = st.sampled_from(spec.enum)
    elif spec.url:
        good = st.sampled_from(["https://example.com/a", "/path", "#top", "mailto:a@b.c"])
    elif spec.pattern is not None:
        good = st.sampled_from(["#ff0000", "green", "1700000000000"])
    elif spec.kind in ("integer", "number"):
        lo = int(spec.minimum) if spec.minimum is not None else 0
        hi = int(spec.maximum) if spec.maximum is not None else lo + 10
        good = st.integers(lo, hi)
    elif spec.kind == "boolean":
        good = st.booleans()
    elif spec.kind == "string":
        good = st.text(min_size=1, max_size=5)
    else:
        good = st.just({"key": "value"}) if spec.kind in ("object", "any") else st.just(["x"])
    return st.one_of(good, good, good, odd)


def _attrs(node_type: str) -> st.SearchStrategy[dict[str, Any]]:
    alternatives = NODES[node_type].attrs
    if not alternatives:
        return st.just({})

    @st.composite
    def draw_attrs(draw: st.DrawFn) -> dict[str, Any]:
        alt = draw(st.sampled_from(alternatives))
        out = {}
        for name, spec in alt.properties.items():
            if name in alt.required or draw(st.booleans()):
                out[snake_case(name)] = draw(_value(spec))
        return out

    return draw_attrs()


@st.composite
def built_nodes(draw: st.DrawFn, node_type: str, depth: int) -> Node | None:
    spec = NODES[node_type]
    children: list[Any] = []
    if spec.content is not None and depth > 0:
        kinds = sorted(spec.content.children)
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(kinds))
            child = draw(built_nodes(kind, depth - 1))
            if child is not None:
                children.append(child)
    kwargs = draw(_attrs(node_type))
    if spec.marks:
        kwargs["marks"] = draw(st.lists(st.sampled_from(MARK_POOL), max_size=2))
    function = getattr(build, snake_case(node_type))
    try:
        if "text" in spec.properties:
            return function(draw(st.text(max_size=6)), **kwargs)  # type: ignore[no-any-return]
        return function(*children, **kwargs)  # type: ignore[no-any-return]
    except (BuildError, TypeError):
        return None


MARK_POOL = [
    build.strong(),
    build.em(),
    build.code(),
    build.underline(),
    build.link("https://example.com"),
    build.text_color("#ff0000"),
    build.subsup("sup"),
    build.annotation(id="a1", annotation_type="inlineComment"),
    build.alignment("center"),
    build.indentation(2),
    build.font_size("small"),
    build.breakout("wide"),
    build.border(size=1, color="#000000"),
    build.fragment("f1"),
    build.data_consumer(["s1"]),
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_nodes("doc", 4))
def test_whatever_the_builder_accepts_is_valid_and_round_trips(node: Node | None) -> None:
    if node is None:
        return
    document = node.to_json()
    assert list(iter_errors(document)) == []
    assert from_json(document) == node
    assert from_json(document).to_json() == document


def test_the_builder_generator_reaches_most_node_types() -> None:
    seen: set[str] = set()

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
        database=None,
    )
    @given(built_nodes("doc", 4))
    def collect(node: Node | None) -> None:
        stack = [node] if node is not None else []
        while stack:
            n = stack.pop()
            seen.add(n.type)
            stack.extend(n.content or ())

    collect()
    assert len(seen) >= 20, sorted(seen)


def test_headings_are_heading_instances() -> None:
    assert isinstance(build.heading("x", level=1), Heading)
    assert isinstance(build.strong(), Mark)
