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

import pytest
from html_families import FAMILIES, HIDE_THEIR_TEXT, KB

import adfkit
from adfkit.formats.html.formatting import balanced
from adfkit.formats.html.reader import read_blocks
from adfkit.repair import text_of


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
