"""adfkit.strategies: valid by construction, every type in reach, one announced defect
per invalid document, small shrinks, and st.from_type through the plugin entry point."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from adfkit import Mark, iter_errors
from adfkit.nodes import Doc, Heading, Paragraph, Table
from adfkit.spec import MARKS, NODES
from adfkit.strategies import BrokenDocument, documents, invalid_documents, marks, nodes

Json = dict[str, Any]


def _types(doc: Json) -> tuple[set[str], set[str]]:
    node_types: set[str] = set()
    mark_types: set[str] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        node_types.add(node["type"])
        mark_types.update(m["type"] for m in node.get("marks") or [])
        stack.extend(node.get("content") or [])
    return node_types, mark_types


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_drawn_document_is_valid(doc: Json) -> None:
    assert list(iter_errors(doc)) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(NODES)).flatmap(lambda t: st.tuples(st.just(t), nodes(t))))
def test_nodes_of_every_type_are_valid_inside_a_document(drawn: tuple[str, Json]) -> None:
    node_type, node = drawn
    assert node["type"] == node_type
    errors = list(iter_errors({"type": "doc", "version": 1, "content": [node]}))
    # Standing at the top may not be allowed for this type; everything inside must be fine.
    assert all(e.path == "/content/0" and e.code == "NODE_NOT_ALLOWED" for e in errors)


@given(st.sampled_from(sorted(MARKS)).flatmap(marks))
def test_marks_of_every_type_have_valid_attributes(mark: Json) -> None:
    from adfkit.validator import _marks_errors

    assert list(_marks_errors([mark], None, "", "x")) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_documents())
def test_every_invalid_document_fails_with_its_announced_code_and_path(
    case: BrokenDocument,
) -> None:
    assert [(e.code, e.path) for e in iter_errors(case.document)] == [(case.code, case.path)]


def test_a_few_thousand_draws_cover_every_node_and_mark_type() -> None:
    seen_nodes: set[str] = set()
    seen_marks: set[str] = set()

    @settings(
        max_examples=2500,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    @given(documents())
    def collect(doc: Json) -> None:
        node_types, mark_types = _types(doc)
        seen_nodes.update(node_types)
        seen_marks.update(mark_types)

    collect()
    assert seen_nodes == set(NODES)
    assert seen_marks == set(MARKS)


def test_options_restrict_the_types_drawn() -> None:
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(documents(node_types={"paragraph", "text", "heading"}, mark_types={"strong"}))
    def check(doc: Json) -> None:
        node_types, mark_types = _types(doc)
        assert node_types <= {"doc", "paragraph", "text", "heading"}
        assert mark_types <= {"strong"}
        assert list(iter_errors(doc)) == []

    check()


@pytest.mark.parametrize(
    "make",
    [
        lambda: documents(node_types={"bogus"}),
        lambda: documents(mark_types={"bold"}),
        lambda: documents(max_depth=-1),
        lambda: documents(max_leaves=-3),
        lambda: nodes("nope"),
        lambda: nodes("bulletList", max_depth=0),
        lambda: marks("nope"),
        lambda: invalid_documents(max_depth=-1),
    ],
)
def test_impossible_options_are_refused_when_the_strategy_is_made(make: Any) -> None:
    with pytest.raises(InvalidArgument):
        make()


def test_reprs_read_like_the_calls() -> None:
    assert (
        repr(documents())
        == "documents(node_types=None, mark_types=None, max_depth=4, max_leaves=16)"
    )
    assert repr(nodes("heading")).startswith("nodes('heading'")
    assert repr(invalid_documents()).startswith("invalid_documents(")


def test_a_failing_property_shrinks_to_a_small_document() -> None:
    def has_a_table(doc: Json) -> bool:
        return "table" in _types(doc)[0]

    # derandomize: the same search every run, so the claim is checked, not sampled
    smallest = find(
        documents(),
        has_a_table,
        settings=settings(max_examples=2000, database=None, derandomize=True),
    )
    _node_types, _marks = _types(smallest)
    count = 0
    stack = [smallest]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.get("content") or [])
    # doc > table > tableRow > tableCell > paragraph: nothing more is needed
    assert count <= 6, smallest
    assert "marks" not in repr(smallest)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(Heading), st.from_type(Paragraph), st.from_type(Mark), st.from_type(Table))
def test_from_type_draws_the_builders_nodes(
    heading: Heading, paragraph: Paragraph, mark: Mark, table: Table
) -> None:
    assert isinstance(heading, Heading)
    assert isinstance(paragraph, Paragraph)
    assert isinstance(mark, Mark)
    assert table.type == "table"


def test_the_plugin_entry_point_registers_without_importing_adfkit_strategies() -> None:
    code = (
        "import sys\n"
        "from hypothesis import strategies as st\n"
        "from adfkit.nodes import Doc\n"
        "assert 'adfkit.strategies' not in sys.modules\n"
        "doc = st.from_type(Doc).example()\n"
        "assert isinstance(doc, Doc), doc\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert Doc.type == "doc"


def test_the_documented_example_runs_as_a_real_pytest_session(tmp_path: Any) -> None:
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "strategies.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", guide, re.S)
    (tmp_path / "test_my_renderer.py").write_text(example)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout
