"""The resource contract of ``docs/resources.md``, checked by counting, not timing.

Each case runs one entry point on one input family at about 100 KB and about 1 MB and
asserts that the work grew in proportion to the input: the number of Python and
built-in function calls made (counted by a profile hook), and the peak of memory
allocated while it ran (``tracemalloc``). Quadratic work grows a hundredfold between
the two sizes; the contract allows tenfold and some slack for fixed costs.

Adding a case is one line in ``CASES``: an entry point and a family. Families are in
``hostile_inputs.py`` (text of about ``n`` bytes: ADF, plain JSON, and the Markdown and
HTML of issue 16's reproducers); ``ENTRIES`` say how an entry point prepares that
text, outside the count, and what it runs. A converter is one more entry (say
``"from_markdown": Entry(str, from_markdown)``) and its families one line each in
``CASES`` (``("from_markdown", "md-details-nesting")``).

What counting cannot see: work inside a single C call (``json``'s scanner, ``str``
methods) is one call however long it runs. Those are linear by their own contract;
the benchmarks (``benchmarks/bench_hostile.py``) time every family at both sizes.
"""

from __future__ import annotations

import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_inputs import (
    FAMILIES,
    JSON_FAMILIES,
    WIKI_FAMILIES,
    WIKI_WRITER_FAMILIES,
    wide_paragraphs,
)

from adfkit import from_json, from_wiki, is_valid, jsonfile, to_wiki
from adfkit.cli import main
from adfkit.repair import repair_document
from adfkit.validator import MAX_ERRORS, collect, iter_errors

SMALL, LARGE = 100_000, 1_000_000
SLACK = 2.0  # allowed: work ratio <= size ratio x SLACK (quadratic work is ~50x over)
BYTES_OF_MEMORY_PER_BYTE = 150  # parsed JSON is object-heavy; this catches blow-ups
MEMORY_FLOOR = 4.0  # bytes per input byte below which a small run's peak is not trusted


# --- entry points: (prepare outside the count, run inside it) ---------------------------


def _value(text: str) -> Any:
    return jsonfile.parse(text).value


def _cyclic(text: str) -> Any:
    """The document, and itself again as its last block: a structure no JSON text makes."""
    doc = _value(text)
    doc["content"].append(doc)
    return doc


def _validate(doc: Any) -> list[str]:
    """What ``validate`` does, and the paths of the errors it keeps, read."""
    kept, _omitted = collect(iter_errors(doc), MAX_ERRORS)
    return [error.path for error in kept]


_FOLDER = tempfile.TemporaryDirectory(prefix="adfkit-contract-")  # removed at exit


def _file(text: str) -> str:
    """The text as a real file, for the command line to read."""
    path = Path(_FOLDER.name) / f"{len(text)}.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _cli(*args: str) -> Callable[[str], object]:
    def run(path: str) -> object:
        result = CliRunner().invoke(main, [*args, "--max-bytes", str(10 * LARGE), path])
        assert result.exit_code in (0, 1), result.output
        return result.output

    return run


@dataclass(frozen=True)
class Entry:
    prepare: Callable[[str], Any]
    run: Callable[[Any], object]


ENTRIES: dict[str, Entry] = {
    "validate": Entry(_value, _validate),
    "iter_errors": Entry(_value, lambda doc: [e.code for e in iter_errors(doc)]),
    "is_valid": Entry(_value, is_valid),
    "validate-cyclic": Entry(_cyclic, _validate),
    "from_json": Entry(_value, lambda doc: from_json(doc).to_json()),
    "jsonfile.parse": Entry(str, jsonfile.parse),
    "jsonfile.dumps": Entry(_value, jsonfile.dumps),
    "jsonfile.dumps-pretty": Entry(_value, lambda value: jsonfile.dumps(value, indent=2)),
    "repair": Entry(_value, lambda doc: repair_document(doc["content"])),
    "cli-validate": Entry(_file, _cli("validate", "--quiet")),
    "cli-validate-github": Entry(_file, _cli("validate", "--quiet", "--format", "github")),
    "cli-validate-pointer": Entry(_file, _cli("validate", "--quiet", "--pointer", "/a/a")),
    "to_wiki": Entry(_value, to_wiki),
    "from_wiki": Entry(str, from_wiki),
}

CASES: list[tuple[str, str]] = [
    *(
        ("validate", family)
        for family in (
            "deep-lists",
            "deep-lists-invalid",
            "wide-paragraphs",
            "wide-invalid",
            "long-text",
            "many-marks",
            "many-nested-marks",
            "deep-parameters",
            "deep-arrays",
        )
    ),
    ("iter_errors", "wide-invalid"),
    ("is_valid", "wide-paragraphs"),
    ("validate-cyclic", "wide-paragraphs"),
    ("from_json", "deep-lists"),
    ("from_json", "wide-paragraphs"),
    ("from_json", "deep-parameters"),
    *(
        ("jsonfile.parse", family)
        for family in (
            "deep-lists",
            "wide-paragraphs",
            "long-text",
            "deep-arrays",
            "deep-duplicates",
            "many-out-of-range",
        )
    ),
    ("jsonfile.dumps", "deep-lists"),
    ("jsonfile.dumps", "deep-arrays"),
    ("jsonfile.dumps-pretty", "deep-lists"),
    ("repair", "deep-lists"),
    ("repair", "wide-paragraphs"),
    ("repair", "many-marks"),
    ("cli-validate", "deep-lists-invalid"),
    ("cli-validate", "wide-invalid"),
    ("cli-validate-github", "wide-invalid"),
    ("cli-validate-github", "deep-duplicates"),
    ("cli-validate-pointer", "deep-duplicates"),
    ("cli-validate", "many-out-of-range"),
    *(("to_wiki", family.__name__.replace("_", "-")) for family in WIKI_WRITER_FAMILIES),
    ("to_wiki", "wide-paragraphs"),
    ("to_wiki", "long-text"),
    *(("from_wiki", family) for family in WIKI_FAMILIES),
]


# --- measuring ---------------------------------------------------------------------------


DEFAULT_RECURSION_LIMIT = 1000  # CPython's


@dataclass(frozen=True)
class Work:
    size: int  # bytes of input text
    calls: int  # Python and built-in function calls made by the run
    peak: int  # peak bytes allocated during the run


def count_calls(run: Callable[[], object]) -> int:
    """How many Python and built-in function calls ``run()`` makes."""
    count = 0

    def hook(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal count
        if event == "call" or event == "c_call":
            count += 1

    sys.setprofile(hook)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


def peak_memory(run: Callable[[], object]) -> int:
    """The peak of memory allocated while ``run()`` runs (what existed before excluded)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(entry: Entry, make: Callable[[int], str], n: int) -> Work:
    """Calls and peak memory of one run (the profile hook allocates nothing that lasts)."""
    text = make(n)
    prepared = entry.prepare(text)
    peak = 0

    def run() -> None:
        nonlocal peak
        peak = peak_memory(lambda: entry.run(prepared))

    # json's C reader and writer go as deep as the recursion limit lets them and
    # adfkit's iterative ones take over beyond it; other tests (Hypothesis among them)
    # leave that limit raised, so both sizes are measured under Python's default limit,
    # on the same path. Nothing adfkit runs may need more.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    try:
        calls = count_calls(run)
    finally:
        sys.setrecursionlimit(limit)
    return Work(size=len(text.encode()), calls=calls, peak=peak)


def assert_linear(entry: Entry, make: Callable[[int], str]) -> tuple[Work, Work]:
    """Run at both sizes; the work may grow at most ``SLACK`` times faster than the input."""
    small, large = measure(entry, make, SMALL), measure(entry, make, LARGE)
    growth = large.size / small.size
    assert large.calls <= growth * SLACK * max(small.calls, 1), (small, large)
    # Memory per input byte may not grow with the input. A floor absorbs what the
    # small run gets from the interpreter's free lists without allocating.
    per_byte = max(small.peak / small.size, MEMORY_FLOOR)
    assert large.peak / large.size <= SLACK * per_byte, (small, large)
    assert large.peak <= BYTES_OF_MEMORY_PER_BYTE * large.size, large
    return small, large


@pytest.mark.parametrize(("entry", "family"), CASES, ids=[f"{e}:{f}" for e, f in CASES])
def test_work_grows_linearly_with_the_input(entry: str, family: str) -> None:
    assert_linear(ENTRIES[entry], FAMILIES[family])


def test_the_harness_catches_quadratic_work() -> None:
    """The measure itself: a deliberately quadratic entry point fails it."""

    def quadratic(text: str) -> int:
        total = 0
        for i in range(0, len(text), 1000):  # n / 1000 steps of i / 20,000 calls each
            for _ in range(i // 20_000):
                total += abs(-1)
        return total

    with pytest.raises(AssertionError):
        assert_linear(Entry(str, quadratic), wide_paragraphs)


def test_families_have_the_sizes_they_claim() -> None:
    for name, make in FAMILIES.items():
        for n in (SMALL, LARGE):
            size = len(make(n))
            assert 0.8 * n <= size <= 1.2 * n, (name, n, size)
        if name in JSON_FAMILIES:
            jsonfile.parse(make(SMALL))  # JSON, at any depth
