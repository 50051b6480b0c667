"""Markdown in and out stays linear on hostile input: for every nesting family and every
repeated token, 1 MB costs about ten times what 100 KB costs.

Work is counted, not timed: the number of Python and built-in function calls that
``cProfile`` records while the entry point runs (a quadratic walk shows as a hundredfold
count, whatever the machine's load). What this cannot see is work inside one C call (a
regular expression that backtracks over the whole input); the patterns the Markdown
modules use are written so that each scan stops at the next ``<``, line end or tag,
and ``benchmarks/bench_markdown_families.py`` times every family at both sizes. Each
family also has to come back as valid ADF that keeps its text, and the writers have to
take that ADF back.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
from collections.abc import Callable
from typing import Any

import pytest

from adfkit import from_markdown, iter_errors
from adfkit.formats.markdown import to_markdown
from adfkit.formats.markdown.writer import _Blocks, _flatten, _Writer
from adfkit.formats.text import to_text
from adfkit.repair import text_of

# The sizes are 100 KB and 1 MB (``ADFKIT_LINEAR_SIZES=full``, about ten minutes
# on a quiet machine); by default each family runs at a fifth of them, the same tenfold
# step, so the whole file stays within a couple of minutes in CI.
SMALL, LARGE = (
    (100_000, 1_000_000) if os.environ.get("ADFKIT_LINEAR_SIZES") == "full" else (20_000, 200_000)
)
# Ten times the input may cost at most this many times the work, plus a constant for
# the fixed costs (imports already done, parser built, caches warm).
GROWTH = 12
FIXED = 5_000

FAMILIES: dict[str, Callable[[int], str]] = {
    "nested quotes": lambda n: "> " * n + "x\n",
    "nested lists": lambda n: "- " * n + "x\n",
    "nested ordered lists": lambda n: "1. " * n + "x\n",
    "nested details": lambda n: "<details>\n\n" * n + "x\n\n" + "</details>\n\n" * n,
    "details with summaries": lambda n: "<details><summary>s</summary>\n\n" * n + "x\n",
    "unclosed details": lambda n: "<details>\n\n" * n + "x\n",
    "stray details closers": lambda n: "</details>\n\n" * n + "x\n",
    "emphasis runs": lambda n: "*" * n + "x" + "_" * n,
    "nested emphasis": lambda n: "*a " * n + "x" + " b*" * n,
    "nested strong and emphasis": lambda n: "**a _b " * n + "x" + " c_ d**" * n,
    "brackets": lambda n: "[" * n + "x" + "]" * n,
    "link openers": lambda n: "[a](" * n + "x",
    "backticks": lambda n: "`" * n + "x",
    "backtick runs": lambda n: "`a``b" * n,
    "less-than runs": lambda n: "<" * n + "x",
    "unclosed tags": lambda n: "x <a" * n,
    "inline tags": lambda n: "a <b>b</b> <kbd>c</kbd> " * n,
    "unclosed inline tags": lambda n: "<b>a " * n,
    "html comments": lambda n: "<!-- x -->" * n + "x",
    "unclosed comment": lambda n: "<!--" + " x" * n,
    "html blocks": lambda n: "<div>\nx\n</div>\n\n" * n,
    "wide table": lambda n: "|" + "a|" * n + "\n|" + "-|" * n + "\n|" + "1|" * n + "\n",
    "long table": lambda n: "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * n,
    "tables in lists": lambda n: "- x\n\n  | a |\n  |---|\n  | 1 |\n\n" * n,
    "task items": lambda n: "- [ ] x\n  - [x] y\n" * n,
    "footnotes": lambda n: "a[^1] " * n + "\n\n[^1]: note\n",
    "entities": lambda n: "&amp;&#x41;&lt;" * n,
    "autolinks": lambda n: "https://x.org/a_b " * n,
    "emoji and mentions": lambda n: ":tada: @ana " * n,
    "hard breaks": lambda n: "a\\\n" * n + "x",
    # One paragraph of many lines (a pasted log): its texts were once added up one by
    # one, a copy of the whole run per line, which calls cannot show but the
    # benchmark's clock did (600 KB 3.9 s, 2.4 MB 113 s); see the join test below.
    "lines of one paragraph": lambda n: "ab\n" * n,
    # Tables whose cells hold Markdown between HTML blocks (read on a stack of open
    # containers): nested, unclosed, stray closers, many cells.
    "nested markdown tables": lambda n: "<table><tr><td>\n\n" * n + "x\n",
    "markdown cells": lambda n: "<table>\n\n" + "<tr><td>\n\n*x*\n\n</td></tr>\n\n" * n,
    "stray table closers": lambda n: "<table>\n\n" + "</td></tr>\n\n" * n + "x\n",
    "details in cells": lambda n: "<table><tr><td>\n\n" + "<details>\n\n" * n + "x\n",
    # Spaces inside a container tag: its pattern once backtracked over them (20 KB of
    # spaces 0.37 s, quadratic).
    "spaces in a details tag": lambda n: "<details" + " " * n + "\n\nx\n",
    "spaces in a table tag": lambda n: "<table><td" + " " * n + "\n\nx\n",
    "raw text elements": lambda n: "<table><tr><td>\n\n" + "<textarea><script><td>\n" * n + "x\n",
    "empty comments in cells": lambda n: "<table>\n\n" + "<!--><td>\n\n" * n + "x\n",
}


# An unclosed comment hides the rest of the document on GitHub, and so in adfkit.
HIDDEN = {"unclosed comment"}


def _sized(family: Callable[[int], str], size: int) -> str:
    """The family's pattern repeated to about ``size`` bytes."""
    unit = len(family(1).encode())
    return family(max(1, size // unit))


def _work(fn: Callable[[Any], Any], argument: Any) -> tuple[int, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result = fn(argument)
    finally:
        profiler.disable()
    stats: dict[Any, tuple[int, int, float, float, Any]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return sum(entry[1] for entry in stats.values()), result


def _assert_linear(name: str, small: int, large: int) -> None:
    assert large <= GROWTH * small + FIXED, (
        f"{name}: {small:,} calls at 100 KB but {large:,} at 1 MB "
        f"({large / max(small, 1):.1f}x for 10x the input)"
    )


@pytest.mark.parametrize("family", FAMILIES, ids=list(FAMILIES))
def test_from_markdown_and_the_writers_grow_linearly(family: str) -> None:
    make = FAMILIES[family]
    counts: dict[str, list[int]] = {"from_markdown": [], "to_markdown": [], "to_text": []}
    for size in (SMALL, LARGE):
        source = _sized(make, size)
        work, doc = _work(from_markdown, source)
        counts["from_markdown"].append(work)
        assert list(iter_errors(doc)) == []
        if family in HIDDEN:
            assert doc["content"] == [], f"{family}: GitHub shows nothing of it"
        elif "\nx" in source or " x" in source or source.endswith("x"):
            # (in the text, or in an attribute: "```x" is a code block in language x)
            assert "x" in text_of(doc) + json.dumps(doc), f"{family}: the text was lost"
        counts["to_markdown"].append(_work(to_markdown, doc)[0])
        counts["to_text"].append(_work(to_text, doc)[0])
    for entry, (small, large) in counts.items():
        _assert_linear(f"{family} / {entry}", small, large)


def _deep(kind: str, depth: int) -> dict[str, Any]:
    def task(text: str) -> dict[str, Any]:
        item = {"type": "taskItem", "attrs": {"localId": "", "state": "TODO"}}
        return {**item, "content": [{"type": "text", "text": text}]}

    node: dict[str, Any]
    if kind == "bulletList":
        node = {"type": "paragraph", "content": [{"type": "text", "text": "x"}]}
        for _ in range(depth):
            node = {"type": "bulletList", "content": [{"type": "listItem", "content": [node]}]}
    else:
        node = {"type": "taskList", "attrs": {"localId": ""}, "content": [task("x")]}
        for _ in range(depth):
            node = {"type": "taskList", "attrs": {"localId": ""}, "content": [task("t"), node]}
    doc = {"type": "doc", "version": 1, "content": [node]}
    assert list(iter_errors(doc)) == []
    return doc


@pytest.mark.parametrize("kind", ["bulletList", "taskList"])
def test_the_writers_grow_linearly_with_depth(kind: str) -> None:
    """ADF may nest lists without limit; Markdown indentation would make the output grow
    with the square of the depth, so past ``MAX_NESTING`` levels it stops growing. The
    writer's own walk is counted (the validator it calls first is the validator's
    business: tests/test_validate_api.py)."""
    for plain in (False, True):

        def write(doc: dict[str, Any], plain: bool = plain) -> str:
            lines = _flatten(_Writer(plain=plain).run(_Blocks(doc["content"])))
            return "\n".join(lines)

        small, out_small = _work(write, _deep(kind, 2_000))
        large, out_large = _work(write, _deep(kind, 20_000))
        _assert_linear(f"writer (plain={plain}) at depth", small, large)
        assert len(out_large) <= GROWTH * len(out_small)
        assert out_large.rstrip().endswith("x")


class _CountingStr(str):
    """A text that counts how often it is added to another: joining a run of texts
    once, as ``join_texts`` must, adds nothing."""

    additions = 0

    def __add__(self, other: str) -> str:
        _CountingStr.additions += 1
        return str.__add__(self, other)

    def __radd__(self, other: str) -> str:
        _CountingStr.additions += 1
        return str.__add__(other, self)


def test_neighbouring_texts_are_joined_once_not_added_up() -> None:
    from adfkit.formats.common import join_texts

    bold = [{"type": "strong"}]
    nodes: list[dict[str, Any]] = [{"type": "text", "text": _CountingStr("ab")} for _ in range(500)]
    nodes += [{"type": "text", "text": ""}, {"type": "hardBreak"}]
    nodes += [{"type": "text", "text": _CountingStr("c"), "marks": bold} for _ in range(3)]
    nodes.append({"type": "text", "text": _CountingStr("d")})
    assert join_texts(nodes) == [
        {"type": "text", "text": "ab" * 500},
        {"type": "hardBreak"},
        {"type": "text", "text": "ccc", "marks": bold},
        {"type": "text", "text": "d"},
    ]
    assert _CountingStr.additions == 0
