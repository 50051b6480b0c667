"""``adfkit.formats.html.formatting.balance_formatting``: formatting elements nested the way
HTML5 browsers read them, before libxml2 (which closes them for good) sees the markup.

The expectations are what a browser's DOM holds, written as the equivalent well-nested
markup."""

from __future__ import annotations

import pytest
from adf_literals import EM, STRONG, Json
from adf_literals import paragraph as _p
from adf_literals import text as _t
from hypothesis import given, settings
from hypothesis import strategies as st

from adfkit import from_html, iter_errors
from adfkit.formats.html.formatting import balance_formatting


def _is_subsequence(small: str, big: str) -> bool:
    rest = iter(big)
    return all(char in rest for char in small)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>plain <b>bold</b> and <i>italic <a href='x'>link</a></i></p>",
        "<ul><li><b>one</b></li><li>two</li></ul>",
        "<table><tr><td><em>a</em></td></tr></table>",
        "no markup at all",
        "",
    ],
)
def test_well_nested_markup_comes_back_unchanged(markup: str) -> None:
    assert balance_formatting(markup) is markup


@pytest.mark.parametrize(
    ("markup", "balanced"),
    [
        # The adoption agency: what opened inside closes with it and reopens after.
        ("<b>1<i>2</b>3</i>", "<b>1<i>2</i></b><i>3</i>"),
        # An unclosed element reopens in each following block, before its text.
        ("<p><b>x<p>y", "<p><b>x</b><p><b>y"),
        ("<ul><li><b>one<li>two</ul>after", "<ul><li><b>one</b><li><b>two</b></ul><b>after"),
        # An element around blocks is reopened inside each of them.
        ("<b><p>x</p><p>y</p></b>", "<b></b><p><b>x</b></p><p><b>y</b></p></b>"),
        # The start tag comes back as written, attributes and all.
        (
            '<p><a href="https://x.example/?a=1&amp;b=2" title="a > b">x<p>y</a>',
            '<p><a href="https://x.example/?a=1&amp;b=2" title="a > b">x</a><p>'
            '<a href="https://x.example/?a=1&amp;b=2" title="a > b">y</a>',
        ),
        # A link inside a link ends the first one.
        (
            '<a href="1">a<b>b<a href="2">c</a>d</a>',
            '<a href="1">a<b>b</b></a><b><a href="2">c</a>d</a>',
        ),
        # Table cells are boundaries: nothing leaks in or out of them.
        (
            "<b><table><tr><td>in</td></tr></table>out",
            "<b></b><table><tr><td>in</td></tr></table><b>out",
        ),
        ("<table><tr><td><i>a<td>b</table>c", "<table><tr><td><i>a</i><td>b</table>c"),
        # Whitespace alone reopens nothing (no empty formatting between blocks).
        ("<p><b>x</p>\n\n<p>y</p>", "<p><b>x</b></p>\n\n<p><b>y</b></p>"),
    ],
)
def test_formatting_is_closed_and_reopened_as_browsers_nest_it(markup: str, balanced: str) -> None:
    assert balance_formatting(markup) == balanced


@pytest.mark.parametrize(
    "markup",
    [
        "<script>if (a <b && c) { x = '<p>'; }</script><p>after",
        "<style>b:after { content: '<p>' }</style><p>after",
        "<!-- <b> <p> --><p>after",
        "<textarea><b>not a tag<p></textarea><p>after",
    ],
)
def test_tags_inside_comments_and_raw_text_are_not_read(markup: str) -> None:
    assert balance_formatting(markup) is markup


def test_the_html5_examples_convert_to_what_browsers_show() -> None:
    doc = from_html("<p>Unclosed <b>bold<p>Next<ul><li>one<li>two</ul><p><b>1<i>2</b>3</i> 4")
    assert list(iter_errors(doc)) == []
    expected: list[Json] = [
        _p(_t("Unclosed "), _t("bold", STRONG)),
        _p(_t("Next", STRONG)),
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [_p(_t("one", STRONG))]},
                {"type": "listItem", "content": [_p(_t("two", STRONG))]},
            ],
        },
        # The first <b> is still open, so "3" stays bold as well as italic.
        _p(_t("1", STRONG), _t("23", STRONG, EM), _t(" 4", STRONG)),
    ]
    assert doc["content"] == expected


def test_undeclared_bytes_and_declared_charsets_are_balanced_alike() -> None:
    markup = '<meta charset="windows-1252"><p><b>caf\xe9<p>cr\xe8me'
    as_text = from_html(markup)
    as_bytes = from_html(markup.encode("windows-1252"))
    assert as_text == as_bytes
    assert as_bytes["content"][1] == _p(_t("cr\xe8me", STRONG))


def test_hostile_unclosed_formatting_keeps_the_output_linear() -> None:
    # 20,000 unclosed <b> then 2,000 paragraphs: the Noah's Ark clause keeps three <b>
    # active, so each paragraph reopens three, not 20,000 (which would insert 1.6 GB).
    markup = "<b>" * 20_000 + "<p>x" * 2_000
    balanced = balance_formatting(markup)
    assert balanced.count("<b>") == 20_000 + 3 * 2_000
    assert balanced.count("</b>") == 3 * 2_000


PIECES = [
    "<b>", "</b>", "<i>", "</i>", "<a href=x>", "</a>", "<p>", "</p>", "<li>", "<ul>",
    "</ul>", "<td>", "</td>", "<table>", "</table>", "<tr>", "text", " ", "<br>", "<span>",
    "</span>", "<!--c-->", "<em>", "</em>",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_balancing_only_inserts_tags_and_leaves_nothing_to_do_a_second_time(
    markup: str,
) -> None:
    balanced = balance_formatting(markup)
    assert _is_subsequence(markup, balanced)  # nothing of the input is removed
    assert balance_formatting(balanced) == balanced  # the result is nested as browsers read it
