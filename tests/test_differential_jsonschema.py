"""adfkit's validator against Atlassian's published JSON schema (``schema/full.json``).

The claim: adfkit never accepts a document the schema rejects, and where adfkit rejects a
document the schema accepts, every one of adfkit's errors belongs to a class in
``reference_corpus.JSONSCHEMA_ALLOWED`` (the editor's rules, adf-utils' URL and
``marks: []`` checks, and adfkit's own additions).

The reference is python-jsonschema's ``Draft4Validator``. It takes about 40 ms for even a
tiny ADF document (full.json is a maze of ``anyOf``), so it sees the hand-written cases
and a small generated batch only. A larger generated batch is screened with
fastjsonschema (compiled from the same file, about 200 times faster); every disagreement
the screen finds is confirmed with ``Draft4Validator`` before it counts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match
from reference_corpus import (
    DEFECTS,
    HAND_WRITTEN,
    JSONSCHEMA_ALLOWED,
    SEEDS,
    Case,
    Comparison,
    Json,
    compare,
    failure_report,
    generate_mutations,
    types_used,
)

from adfkit.spec import MARKS, NODES

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "full.json"
REFERENCE = "full.json (python-jsonschema Draft4Validator)"

SLOW_MUTATIONS = int(os.environ.get("ADFKIT_DIFF_SCHEMA_MUTATIONS", "150"))
SCREENED_MUTATIONS = int(os.environ.get("ADFKIT_DIFF_MUTATIONS", "10000"))
MUTATION_SEED = int(os.environ.get("ADFKIT_DIFF_SEED", "20240607"))
SMALL = 450
"""Bytes of compact JSON: the generated batch for Draft4Validator mutates only seeds up
to this size."""

# python-jsonschema and fastjsonschema recurse per nesting level; the 100-deep list seed
# overflows Python's default recursion limit inside them (adfkit's walk is iterative).
TOO_DEEP = frozenset({"seed/deep-lists-100"})

SCHEMA_CASES = [c for c in HAND_WRITTEN if c.name not in TOO_DEEP]
SLOW_BATCH = generate_mutations(SLOW_MUTATIONS, seed=MUTATION_SEED + 1, max_bytes=SMALL)
SCREENED_BATCH = generate_mutations(
    SCREENED_MUTATIONS,
    seed=MUTATION_SEED,
    seeds=[s for s in SEEDS if s.name not in TOO_DEEP],
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def draft4(schema: dict[str, Any]) -> Any:
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _message(validator: Any, doc: Json) -> str:
    error = best_match(validator.iter_errors(doc))
    if error is None:
        return ""
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    return f"at {where}: {error.message[:300]}"


def _compare(validator: Any, case: Case) -> Comparison:
    valid = bool(validator.is_valid(case.doc))
    comparison = compare(case, valid, "", JSONSCHEMA_ALLOWED)
    if comparison.wrong_direction:
        # Only worth the (slow) best-match message when it is going into a report.
        comparison = compare(case, valid, _message(validator, case.doc), JSONSCHEMA_ALLOWED)
    return comparison


@pytest.fixture(scope="module")
def hand_written(draft4: Any) -> dict[str, Comparison]:
    return {c.name: _compare(draft4, c) for c in SCHEMA_CASES}


def test_seeds_cover_every_node_and_mark_type() -> None:
    nodes: set[str] = set()
    marks: set[str] = set()
    for case in SEEDS:
        used_nodes, used_marks = types_used(case.doc)
        nodes |= used_nodes
        marks |= used_marks
    assert set(NODES) - nodes == set()
    assert set(MARKS) - marks == set()
    assert len(SEEDS) + len(DEFECTS) >= 60


@pytest.mark.parametrize("case", [c for c in SEEDS if c.name not in TOO_DEEP], ids=lambda c: c.name)
def test_seed_is_valid_for_adfkit_and_the_schema(
    case: Case, hand_written: dict[str, Comparison]
) -> None:
    comparison = hand_written[case.name]
    assert comparison.reference_valid, comparison.report(REFERENCE)
    assert comparison.adfkit_valid, comparison.report(REFERENCE)


@pytest.mark.parametrize("case", DEFECTS, ids=lambda c: c.name)
def test_hand_written_defect_agrees_with_the_schema(
    case: Case, hand_written: dict[str, Comparison]
) -> None:
    comparison = hand_written[case.name]
    assert comparison.ok, comparison.report(REFERENCE)


def test_every_allowed_class_is_needed(hand_written: dict[str, Comparison]) -> None:
    """No dead entries: each allowed class explains a hand-written case the schema
    accepts."""
    used = {
        cls
        for comparison in hand_written.values()
        if comparison.reference_valid
        for cls in comparison.classes
    }
    assert set(JSONSCHEMA_ALLOWED) <= used, sorted(set(JSONSCHEMA_ALLOWED) - used)


def test_generated_small_documents_agree_with_the_schema(draft4: Any) -> None:
    comparisons = [_compare(draft4, c) for c in SLOW_BATCH]
    bad = [c for c in comparisons if not c.ok]
    assert not bad, failure_report(bad, REFERENCE)


@pytest.fixture(scope="module")
def fast(schema: dict[str, Any]) -> Callable[[Json], bool]:
    check = fastjsonschema.compile(schema)

    def is_valid(doc: Json) -> bool:
        try:
            check(doc)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def test_fastjsonschema_screen_matches_draft4_on_the_hand_written_cases(
    fast: Callable[[Json], bool], hand_written: dict[str, Comparison]
) -> None:
    """The screen is only as good as its agreement with the reference."""
    differ = [
        name
        for name, comparison in hand_written.items()
        if fast(comparison.case.doc) != comparison.reference_valid
    ]
    assert not differ


def test_generated_documents_agree_with_the_schema_screened(
    fast: Callable[[Json], bool], draft4: Any
) -> None:
    suspects: list[Case] = []
    for case in SCREENED_BATCH:
        if not compare(case, fast(case.doc), "", JSONSCHEMA_ALLOWED).ok:
            suspects.append(case)
    confirmed: Sequence[Comparison] = [_compare(draft4, c) for c in suspects]
    bad = [c for c in confirmed if not c.ok]
    assert not bad, failure_report(bad, REFERENCE)
