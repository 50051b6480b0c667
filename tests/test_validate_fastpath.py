"""The fast acceptor never accepts what the explainer rejects.

``iter_errors`` runs a boolean fast path and explains only the nodes it turns away;
``_walk(doc, fast=False)`` explains every node. On any input the two must yield the
same errors in the same order. Inputs are valid documents and single or multiple
mutations of them, drawn by Hypothesis.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adfkit.spec import MARKS, NODES
from adfkit.validator import _walk, iter_errors

ROOT = Path(__file__).resolve().parent.parent


def _seeds() -> list[Any]:
    paths = sorted((ROOT / "tests" / "data" / "valid").glob("*.json"))
    paths += sorted((ROOT / "docs" / "examples").glob("*.adf.json"))
    small = [p for p in paths if p.stat().st_size < 20_000]  # keeps the deep ones out
    return [json.loads(p.read_text()) for p in small]


SEEDS = _seeds()

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    1.5,
    -1,
    7,
    math.nan,
    math.inf,
    "",
    "x",
    "\ud800",
    "\x00",
    "javascript:alert(1)",
    "https://example.com",
    "#00ff00",
    [],
    {},
    [None],
    {"type": "strong"},
    {"type": "text", "text": "t"},
    {"type": "paragraph"},
]


def _containers(value: Any) -> list[Any]:
    out: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            out.append(item)
            stack.extend(item)
    return out


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(_containers(doc)))
        odd = st.sampled_from(ODD_VALUES)
        node_type = st.sampled_from(sorted(NODES))
        mark_type = st.sampled_from(sorted(MARKS))
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target)))
            action = draw(st.sampled_from(["delete", "odd", "type", "mark", "key"]))
            if action == "delete":
                del target[key]
            elif action == "odd":
                target[key] = copy.deepcopy(draw(odd))
            elif action == "type":
                target["type"] = draw(st.one_of(node_type, mark_type))
            elif action == "mark":
                mark: dict[str, Any] = {"type": draw(mark_type)}
                spec = MARKS[mark["type"]]
                with_attrs = draw(st.booleans())
                if spec.attrs and with_attrs:
                    alt = spec.attrs[0]
                    mark["attrs"] = {
                        k: ("https://x.org" if v.url else v.enum[0] if v.enum else "#123456")
                        for k, v in alt.properties.items()
                        if k in alt.required
                    }
                target.setdefault("marks", [])
                if isinstance(target["marks"], list):
                    target["marks"].append(mark)
            else:
                target[draw(st.sampled_from(["attrs", "marks", "content", "text", "foo"]))] = (
                    copy.deepcopy(draw(odd))
                )
        elif isinstance(target, list) and target:
            i = draw(st.integers(0, len(target) - 1))
            action = draw(st.sampled_from(["dup", "drop", "odd", "seed-node"]))
            if action == "dup":
                target.insert(i, copy.deepcopy(target[i]))
            elif action == "drop":
                del target[i]
            elif action == "odd":
                target[i] = copy.deepcopy(draw(odd))
            else:
                donor = draw(st.sampled_from(_containers(draw(st.sampled_from(SEEDS)))))
                if isinstance(donor, dict) and "type" in donor:
                    target.insert(i, copy.deepcopy(donor))
    return doc


def test_there_are_seed_documents_and_they_are_valid() -> None:
    assert len(SEEDS) >= 1
    for doc in SEEDS:
        assert list(iter_errors(doc)) == []


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_fast_path_and_explainer_agree_on_mutated_documents(doc: Any) -> None:
    assert list(_walk(doc, fast=True)) == list(_walk(doc, fast=False))


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["type", "content", "attrs", "marks", "text", "version", "x"]),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_fast_path_and_explainer_agree_on_arbitrary_json(value: Any) -> None:
    assert list(_walk(value, fast=True)) == list(_walk(value, fast=False))
