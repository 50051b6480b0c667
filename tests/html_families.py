"""Hostile HTML, by family: a unit of markup repeated to any size. Shared by
``test_html_linear.py`` (work counted at 100 KB and 1 MB) and
``benchmarks/bench_html_families.py`` (time at both sizes). Each family's text ends in
an ``x`` a browser shows, but for those in ``HIDE_THEIR_TEXT``."""

from __future__ import annotations

from collections.abc import Callable

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
