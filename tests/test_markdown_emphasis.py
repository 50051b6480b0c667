"""adfkit's emphasis resolution (``adfkit/formats/markdown/emphasis.py``) gives exactly the
tokens mistune's own gives, and does it in linear work where mistune's is quadratic.

The reference is mistune itself: the same plugins, the stock inline parser. Every
difference in the token trees, down to a child list holding an empty text, fails.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable

import mistune
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adfkit import from_markdown, iter_errors
from adfkit.formats.markdown import emphasis
from adfkit.formats.markdown.reader import _parser, _plugins
from adfkit.repair import text_of

STOCK = mistune.create_markdown(renderer=None, plugins=_plugins())


def _same_tokens(text: str) -> None:
    assert _parser()(text) == STOCK(text), text


PIECES = st.sampled_from(
    [
        "*", "*", "_", "_", "**", "__", "***", "___", " ", " ", "a", "b", "1", ".", "!", ",",
        "`", "`c`", "[", "](u)", "![", "&", "amp;", "#35;", "\\*", "\\_", "<b>", "</b>",
        "~~", "\n", "  \n", "é", "(", ")", "*a ", " c*", "_a ", " c_", "**a ", " c**",
        "https://x.org/a_b ", "[^1]", "\t",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=60).map("".join))
@example("*a **b** c*")
@example("a*b*c*d*e")
@example("*_*")  # the one-run content that mistune leaves live but unusable
@example("***a* b**")
@example("**a*b*c**")
@example("*a `*` b*")
@example("&*amp;*")
def test_emphasis_matches_mistunes_own_on_generated_text(text: str) -> None:
    _same_tokens(text)


OPENERS = ["*a ", "**a ", "_a ", "__a ", "***a ", "[*a ", "*[a ", "*`c` ", "*a *", "**", "~~a "]
CLOSERS = [" c*", " c**", " c_", " c__", " c***", "](u) c*", " c*](u)", "*", "_", " c~~"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(OPENERS), min_size=15, max_size=45),
    st.lists(st.sampled_from(CLOSERS), min_size=10, max_size=50),
)
def test_emphasis_matches_mistunes_own_at_its_nesting_cap(
    openers: list[str], closers: list[str]
) -> None:
    """Deep enough to reach mistune's cap of 20 nested levels (a match whose content
    nests that deep is refused), also inside links, where the budget is smaller."""
    _same_tokens("".join(openers) + "b" + "".join(closers))


def test_the_cap_is_reached_and_what_lies_beyond_it_stays_text() -> None:
    for depth in (19, 20, 21, 40):
        text = "*a " * depth + "b" + " c*" * depth
        _same_tokens(text)
        _same_tokens("[" + text + "](u)")
        doc = from_markdown(text)
        assert list(iter_errors(doc)) == []
        assert text_of(doc).count("a") == depth  # every word kept, styled or not
    deepest = _parser()("*a " * 40 + "b" + " c*" * 40)[0]["children"]
    assert any(t["type"] == "text" and "*" in t["raw"] for t in deepest)  # unmatched runs


# --- linear work -------------------------------------------------------------------------

FAMILIES: dict[str, Callable[[int], str]] = {
    "nested emphasis": lambda n: "*a " * n + "b" + " c*" * n,
    "nested strong": lambda n: "**a " * n + "b" + " c**" * n,
    "alternating markers": lambda n: "*a _b " * n + "c" + " d_ e*" * n,
    "rule of three": lambda n: "***a " * n + "b" + " c*" * n,
    "nested in links": lambda n: "*[a " * n + "b" + "](u) c*" * n,
    "openers then closers": lambda n: "*a " * n + "b*" * n,
    "both-flanking runs": lambda n: "a*b_" * n,
    "closers only": lambda n: "a* " * n + "*b",
}


def _calls(text: str) -> int:
    profile = cProfile.Profile()
    profile.enable()
    _parser()(text)
    profile.disable()
    return sum(row[1] for row in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]


def test_emphasis_work_is_linear_on_every_hostile_family() -> None:
    """Ten times the input costs at most twelve times the calls. mistune's own
    resolution fails this: 435,771 calls for the first family at 500, 26,742,858 at
    5,000."""
    for name, make in FAMILIES.items():
        small, large = _calls(make(500)), _calls(make(5_000))
        assert large <= 12 * small + 5_000, (name, small, large)


def test_resolve_leaves_tokens_without_markers_alone() -> None:
    tokens = [{"type": "text", "raw": "plain"}, {"type": "softbreak"}]
    assert emphasis.resolve(tokens, True, 20) == tokens
    escaped = [{"type": "text", "raw": "*", "_emphasis": False}]
    assert emphasis.resolve(escaped, True, 20) == [{"type": "text", "raw": "*"}]
    assert emphasis.resolve([{"type": "text", "raw": "*a*"}], False, 0) == [
        {"type": "text", "raw": "*a*"}
    ]
