"""``from_html``'s reading is linear in its input for every nesting family and every
repeated token, counted, not timed.

Each family is a unit of markup repeated to 100 KB and to 1 MB. ``read_blocks`` returns
the work it did: characters the formatting scan looked at and inserted, parser events,
every step of the builder's loops, every character of every string it joined (a text
grown by ``+=`` would show here as a quadratic count). Ten times the input must cost at
most about ten times the work. The validator and the repair step have their own bounds
tests; here the whole conversion is also checked once per family, on a smaller input,
for a valid document that keeps the text.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import adfkit
from adfkit.formats.html.formatting import balanced
from adfkit.formats.html.reader import read_blocks
from adfkit.repair import text_of

KB = 1000


def _repeat(unit: str, tail: str = "x") -> Callable[[int], str]:
    return lambda size: unit * max(1, (size - len(tail)) // len(unit)) + tail


def _wrapped(head: str, unit: str, tail: str = "") -> Callable[[int], str]:
    return lambda size: head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


FAMILIES: dict[str, Callable[[int], str]] = {
    # nesting, one element inside the next
    "div": _repeat("<div>"),
    "span": _repeat("<span>"),
    "ul li": _repeat("<ul><li>"),
    "ol li": _repeat("<ol><li>"),
    "ul ul (Google Docs nesting)": _wrapped("<ul><li>x", "<ul><li>y"),
    "blockquote": _repeat("<blockquote>"),
    "table tr td": _repeat("<table><tr><td>"),
    "heading in cell": _repeat("<table><tr><td><h2>"),
    "details summary": _repeat("<details><summary>s</summary>"),
    "details with blocks in summary": _repeat("<details><summary><p>s"),
    "b": _repeat("<b>"),
    "b with text": _repeat("<b>x"),
    "b i": _repeat("<b><i>"),
    "a": _repeat('<a href="https://x.org/">'),
    "coloured spans with text": _repeat('<span style="color:#c00">x'),
    "sub sup": _repeat("<sub><sup>y"),
    "p in span": _repeat("<p><span>x"),
    "pre": _repeat("<pre>"),
    "code block in list": _repeat("<ul><li><pre>x"),
    "layout table": _wrapped('<table role="presentation">', "<tr><td><div>x"),
    "p, spans, images": _wrapped("<p>" + "<span>" * 200, '<img src="https://x.org/i.png">y'),
    "p, spans, blocks": _wrapped("<p>" + "<span>" * 200, "<p>x</p><div>y</div>"),
    "word list levels": _repeat("<p style='mso-list:l0 level3 lfo1'>a</p>"),
    "confluence macros": _repeat('<ac:structured-macro ac:name="info"><ac:rich-text-body>'),
    "mentions in mentions": _repeat('<a data-account-id="5b10">x'),
    "status lozenges in lozenges": _repeat('<span class="aui-lozenge">x'),
    "storage status macros": _repeat(
        '<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">x</ac:parameter>'
    ),
    "storage task lists": _repeat(
        "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>x"
    ),
    "monospace spans": _repeat('<span style="font-family:Consolas">x'),
    "links with styled spans": _repeat(
        '<a href="https://x.org/"><span style="color:#1155cc;text-decoration:underline">x'
    ),
    "svg text": _wrapped("<svg>", "<g><text>x"),
    # repeated tokens
    "<": _repeat("<", " x"),
    "a< ": _repeat("a< "),
    "&": _repeat("&"),
    "&amp;": _repeat("&amp;"),
    "<!--": _repeat("<!--"),
    "<!": _repeat("<!"),
    "<![CDATA[": _repeat("<![CDATA["),
    "<a (never closed)": _repeat("<a "),
    '<a href=" (never closed)': _repeat('<a href="'),
    "unclosed b in cells": _repeat("<b>x<i>y</i><td>"),
    "closed b": _repeat("<b>x</b>"),
    "spans with the same marks": _repeat("<span>x</span>"),
    "attributes": _wrapped("<p ", 'a="b" ', ">x"),
    "long word": _repeat("w"),
    "spaces": _repeat(" \n\t"),
    "mentions": _repeat('<a data-account-id="5b10">x</a>'),
    "status lozenges": _repeat('<span class="aui-lozenge">x</span>'),
    "word markers never ended": _repeat("<![if !supportLists]>"),
    "word markers": _repeat("<![if !supportLists]>1.<![endif]>x"),
    "breaks between blocks": _repeat("<div><br></div>"),
    "columns": _wrapped("<table><tr>", "<td>x"),
    "rows": _wrapped("<table>", "<tr><td>x"),
    "br": _repeat("<br>"),
    "images": _repeat('<img src="https://x.org/i.png">'),
    "list items": _wrapped("<ul>", "<li>x"),
    "checkbox items": _wrapped("<ul>", '<li><input type="checkbox" checked>x'),
    "checkboxes in one item": _wrapped("<ul><li>", 'x<input type="checkbox">'),
    "text in pre": _wrapped("<pre>", "<span>x</span>\n"),
    "script": _repeat("<script>"),
    "hidden spans": _repeat('<span style="display:none">x'),
    "macro language parameter": _wrapped(
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">', "<b>x</b>"
    ),
    "word marker": _wrapped(
        "<p style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>", "<b>1</b>"
    ),
}


# Families whose 'x' a browser does not show either: inside a comment, a bogus comment,
# a tag that never ends, a script, a hidden element, a macro parameter.
HIDE_THEIR_TEXT = {
    "<!",
    "<!--",
    "<![CDATA[",
    "<a (never closed)",
    '<a href=" (never closed)',
    "script",
    "hidden spans",
    "macro language parameter",
    "word marker",
}


def _work(markup: str) -> int:
    _, work = read_blocks(markup)
    return work


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_reading_work_grows_linearly(family: str) -> None:
    small = FAMILIES[family](100 * KB)
    large = FAMILIES[family](1000 * KB)
    ratio = _work(large) / _work(small)
    # The inputs differ in size by a factor of about ten; a quadratic step would make
    # the ratio about a hundred.
    assert ratio <= 10.0 * 1.3 * len(large) / (10 * len(small)), (family, ratio)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_converts_to_a_valid_document(family: str) -> None:
    markup = FAMILIES[family](5 * KB)
    doc = adfkit.from_html(markup)
    assert adfkit.is_valid(doc)
    if family not in HIDE_THEIR_TEXT:
        assert "x" in text_of(doc)


def test_a_growing_text_is_joined_once() -> None:
    """The original reproducer: 2 MB of '<' is read as text, whose pieces (one parser
    event each) are joined once, not appended one by one."""
    markup = "<" * 2_000_000
    blocks, work = read_blocks(markup)
    assert text_of({"type": "doc", "content": blocks}) == markup
    assert work < 10 * len(markup)


def test_the_formatting_scan_counts_its_work() -> None:
    """The scan's count is not a constant: it grows with what is scanned."""
    assert balanced("<b>x</b>" * 10)[1] < balanced("<b>x</b>" * 1000)[1]
    assert balanced("<table><tr><td>" * 10)[1] < balanced("<table><tr><td>" * 1000)[1]
