"""adfkit's validator against Atlassian's own, ``@atlaskit/adf-utils`` (run under node).

The claim: adfkit never accepts a document adf-utils rejects, and where adfkit rejects a
document adf-utils accepts, every one of adfkit's errors belongs to a class in
``reference_corpus.ADF_UTILS_ALLOWED`` (each commented there with the reason).

adf-utils runs in its strictest mode, without an error callback, so its verdict is
"did it throw". A TypeError from inside it (``null`` in ``content``) counts as a
rejection too; the harness records which throws were crashes.

Needs node and ``cd tests && npm ci --no-audit --no-fund``; skips otherwise. The whole
corpus goes through one node process. ``ADFKIT_DIFF_MUTATIONS`` and ``ADFKIT_DIFF_SEED``
change the generated batch (default: 10,000 mutations, a fixed seed).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from node_lines import node_answers
from reference_corpus import (
    ADF_UTILS_ALLOWED,
    DEFECTS,
    HAND_WRITTEN,
    SEEDS,
    Case,
    Comparison,
    Json,
    compare,
    failure_report,
    generate_mutations,
    to_transport,
)

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "adf_utils_validate.mjs"
NODE = shutil.which("node")
ADF_UTILS = HERE / "node_modules" / "@atlaskit" / "adf-utils" / "package.json"

# Missing references are an error, not a skip: a suite that quietly skips its
# differential tests would pass while checking nothing against Atlassian's validator.
if NODE is None:
    raise RuntimeError("node is not installed; the adf-utils differential tests need node 20+")
if not ADF_UTILS.is_file():
    raise RuntimeError(
        "@atlaskit/adf-utils is not installed; run `cd tests && npm ci --no-audit --no-fund`"
    )

MUTATIONS = int(os.environ.get("ADFKIT_DIFF_MUTATIONS", "10000"))
MUTATION_SEED = int(os.environ.get("ADFKIT_DIFF_SEED", "20240607"))
REFERENCE = "adf-utils"


@dataclass(frozen=True)
class AdfUtilsVerdict:
    valid: bool
    error: str | None
    exception: str | None
    """The thrown value's constructor name; "undefined" for ``throw undefined``."""
    crash: bool
    """A TypeError/RangeError from inside adf-utils rather than one of its verdicts."""


def run_adf_utils(docs: Sequence[Json]) -> list[AdfUtilsVerdict]:
    """adf-utils' verdict on each document, from a single node process."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("ENABLE_PLATFORM_FF")}
    assert NODE is not None
    requests = [json.dumps(to_transport(d), ensure_ascii=True, allow_nan=False) for d in docs]
    lines = node_answers(NODE, SCRIPT, requests, env=env)
    return [AdfUtilsVerdict(**json.loads(line)) for line in lines]


def _compare_all(cases: Sequence[Case]) -> dict[str, tuple[Comparison, AdfUtilsVerdict]]:
    verdicts = run_adf_utils([c.doc for c in cases])
    result: dict[str, tuple[Comparison, AdfUtilsVerdict]] = {}
    for case, verdict in zip(cases, verdicts, strict=True):
        message = verdict.error or ""
        if verdict.crash:
            message = f"[{verdict.exception}] {message}"
        result[case.name] = (compare(case, verdict.valid, message, ADF_UTILS_ALLOWED), verdict)
    return result


GENERATED = generate_mutations(MUTATIONS, seed=MUTATION_SEED)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Comparison, AdfUtilsVerdict]]:
    """Every case (hand-written and generated) through adf-utils, in one node call."""
    cases = HAND_WRITTEN + GENERATED
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    return _compare_all(cases)


@pytest.mark.parametrize("case", SEEDS, ids=lambda c: c.name)
def test_seed_is_valid_for_adfkit_and_adf_utils(
    case: Case, results: dict[str, tuple[Comparison, AdfUtilsVerdict]]
) -> None:
    comparison, _ = results[case.name]
    assert comparison.reference_valid, comparison.report(REFERENCE)
    assert comparison.adfkit_valid, comparison.report(REFERENCE)


@pytest.mark.parametrize("case", DEFECTS, ids=lambda c: c.name)
def test_hand_written_defect_agrees_with_adf_utils(
    case: Case, results: dict[str, tuple[Comparison, AdfUtilsVerdict]]
) -> None:
    comparison, _ = results[case.name]
    assert comparison.ok, comparison.report(REFERENCE)


def test_adfkit_never_accepts_a_generated_document_adf_utils_rejects(
    results: dict[str, tuple[Comparison, AdfUtilsVerdict]],
) -> None:
    generated = [results[c.name][0] for c in GENERATED]
    wrong = [c for c in generated if c.wrong_direction or c.inconsistent]
    assert not wrong, failure_report(wrong, REFERENCE)


def test_adfkit_rejects_generated_documents_adf_utils_accepts_only_for_allowed_reasons(
    results: dict[str, tuple[Comparison, AdfUtilsVerdict]],
) -> None:
    generated = [results[c.name][0] for c in GENERATED]
    stricter = [c for c in generated if c.unexplained]
    assert not stricter, failure_report(stricter, REFERENCE)


def test_every_allowed_class_is_needed(
    results: dict[str, tuple[Comparison, AdfUtilsVerdict]],
) -> None:
    """No dead entries: each allowed class explains some document adf-utils accepts."""
    used = {
        cls
        for comparison, _ in results.values()
        if comparison.reference_valid
        for cls in comparison.classes
    }
    assert set(ADF_UTILS_ALLOWED) <= used, sorted(set(ADF_UTILS_ALLOWED) - used)


def test_harness_reports_crashes_and_bare_throws() -> None:
    """The measured quirks the harness must survive: ``throw undefined`` on
    ``marks: []`` and a TypeError on ``null`` in ``content``, both rejections."""
    base: Json = {"version": 1, "type": "doc", "content": []}
    empty_marks: Json = {
        **base,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a", "marks": []}]}],
    }
    null_child: Json = {**base, "content": [{"type": "paragraph", "content": [None]}]}
    ok, bare, crash = run_adf_utils([base, empty_marks, null_child])
    assert ok == AdfUtilsVerdict(valid=True, error=None, exception=None, crash=False)
    assert (bare.valid, bare.exception, bare.crash) == (False, "undefined", False)
    assert (crash.valid, crash.exception, crash.crash) == (False, "TypeError", True)
