"""HTML to ADF and back: structure, marks, whitespace as browsers render it, and safety
on hostile input (no network, no entity expansion, any depth)."""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from adf_literals import EM, STRONG, Json
from adf_literals import paragraph as _p
from adf_literals import text as _t
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adfkit import from_html, iter_errors, to_html
from adfkit.repair import text_of


def _blocks(markup: str | bytes) -> list[Json]:
    doc = from_html(markup)
    assert list(iter_errors(doc)) == [], doc
    return doc["content"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>hello</p>", [_p(_t("hello"))]),
        ("plain text", [_p(_t("plain text"))]),
        ("<h3>Title</h3>", [{"type": "heading", "attrs": {"level": 3}, "content": [_t("Title")]}]),
        (
            "<p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em></p>",
            [
                _p(
                    _t("b", STRONG),
                    _t(" "),
                    _t("s", STRONG),
                    _t(" "),
                    _t("i", EM),
                    _t(" "),
                    _t("e", EM),
                )
            ],
        ),
        (
            "<p><u>u</u><s>s</s><del>d</del><code>c</code></p>",
            [
                _p(
                    _t("u", {"type": "underline"}),
                    _t("sd", {"type": "strike"}),
                    _t("c", {"type": "code"}),
                )
            ],
        ),
        (
            "<p>H<sub>2</sub>O x<sup>2</sup></p>",
            [
                _p(
                    _t("H"),
                    _t("2", {"type": "subsup", "attrs": {"type": "sub"}}),
                    _t("O x"),
                    _t("2", {"type": "subsup", "attrs": {"type": "sup"}}),
                )
            ],
        ),
        ("<p>a<br>b</p>", [_p(_t("a"), {"type": "hardBreak"}, _t("b"))]),
        ("<hr>", [{"type": "rule"}]),
        ("<p>  lots   of\n\t space  </p>", [_p(_t("lots of space"))]),
        ("<p>a <b> b </b> c</p>", [_p(_t("a "), _t("b ", STRONG), _t("c"))]),
        (
            "<pre>  keep\n    this  </pre>",
            [{"type": "codeBlock", "content": [_t("  keep\n    this  ")]}],
        ),
        (
            '<pre><code class="language-rust">fn main() {}</code></pre>',
            [{"type": "codeBlock", "attrs": {"language": "rust"}, "content": [_t("fn main() {}")]}],
        ),
        (
            "<blockquote>quoted</blockquote>",
            [{"type": "blockquote", "content": [_p(_t("quoted"))]}],
        ),
        ("<p>&amp;lt; &copy; &#x41;</p>", [_p(_t("&lt; © A"))]),
        ("<div>one</div><div>two</div>", [_p(_t("one")), _p(_t("two"))]),
        ("<span>in</span><span>line</span>", [_p(_t("inline"))]),
    ],
)
def test_elements_map_to_their_adf_nodes(markup: str, expected: list[Json]) -> None:
    assert _blocks(markup) == expected


def test_lists_keep_start_and_nesting() -> None:
    (ordered,) = _blocks('<ol start="4"><li>four<ul><li>inner</li></ul></li><li>five</li></ol>')
    assert ordered["type"] == "orderedList"
    assert ordered["attrs"] == {"order": 4}
    assert [c["type"] for c in ordered["content"][0]["content"]] == ["paragraph", "bulletList"]


def test_checkbox_lists_become_task_lists() -> None:
    (tasks,) = _blocks(
        '<ul><li><input type="checkbox" checked> done</li><li><input type="checkbox"> todo</li></ul>'
    )
    assert tasks["type"] == "taskList"
    assert [(i["attrs"]["state"], text_of(i)) for i in tasks["content"]] == [
        ("DONE", "done"),
        ("TODO", "todo"),
    ]


def test_tables_keep_headers_and_spans() -> None:
    (table,) = _blocks(
        '<table><tr><th>a</th><th colspan="2">b</th></tr><tr><td rowspan="2">1</td><td>2</td><td>3</td></tr></table>'
    )
    header, row = table["content"]
    assert [c["type"] for c in header["content"]] == ["tableHeader", "tableHeader"]
    assert header["content"][1]["attrs"] == {"colspan": 2}
    assert row["content"][0]["attrs"] == {"rowspan": 2}


def test_images_links_and_details() -> None:
    blocks = _blocks(
        '<p>see <a href="https://x.org" title="X">x</a></p><img src="https://x.org/a.png" alt="A">'
        "<details><summary>More <b>info</b></summary><p>hidden</p></details>"
    )
    assert blocks[0] == _p(
        _t("see "), _t("x", {"type": "link", "attrs": {"href": "https://x.org", "title": "X"}})
    )
    assert blocks[1]["content"][0]["attrs"] == {
        "type": "external",
        "url": "https://x.org/a.png",
        "alt": "A",
    }
    assert blocks[2]["type"] == "expand"
    assert blocks[2]["attrs"] == {"title": "More info"}


def test_inline_styles_of_clipboard_html_become_marks() -> None:
    markup = (
        '<b style="font-weight:normal" id="docs-internal-guid-1">'
        '<span style="font-weight:700">bold</span> '
        '<span style="font-style:italic">it</span> '
        '<span style="text-decoration:underline">un</span> '
        '<span style="color:#FF0000">red</span> '
        '<span style="color:rgb(0,0,0)">black</span> '
        '<span style="background-color:#ffff00">hi</span></b>'
    )
    (paragraph,) = _blocks(markup)
    assert paragraph["content"] == [
        _t("bold", STRONG),
        _t(" "),
        _t("it", EM),
        _t(" "),
        _t("un", {"type": "underline"}),
        _t(" "),
        _t("red", {"type": "textColor", "attrs": {"color": "#ff0000"}}),
        _t(" black "),
        _t("hi", {"type": "backgroundColor", "attrs": {"color": "#ffff00"}}),
    ]


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert('x')</script><p>kept</p>",
        "<style>p { color: red }</style><p>kept</p>",
        "<template><p>hidden</p></template><p>kept</p>",
        "<!-- a comment --><p>kept</p>",
        '<p onclick="alert(1)" onmouseover="x()">kept</p>',
        "<?php echo 1; ?><p>kept</p>",
    ],
)
def test_what_is_not_content_is_dropped_and_the_rest_kept(markup: str) -> None:
    assert _blocks(markup) == [_p(_t("kept"))]


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JAVASCRIPT:x", "vbscript:x", "data:text/html,x", " javascript:x"],
)
def test_unsafe_links_keep_their_text(href: str) -> None:
    assert _blocks(f'<p><a href="{href}">click</a></p>') == [_p(_t("click"))]


def test_unsafe_images_keep_their_description() -> None:
    assert _blocks('<img src="data:image/png;base64,AAAA" alt="chart">') == [_p(_t("chart"))]
    assert _blocks('<img src="javascript:x" onerror="alert(1)">') == []


def test_external_entities_are_never_read(tmp_path: Any) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    markup = f'<!DOCTYPE p [<!ENTITY xxe SYSTEM "file://{secret}">]><p>before &xxe; after</p>'
    doc = from_html(markup)
    assert "TOP-SECRET" not in repr(doc)
    assert list(iter_errors(doc)) == []


def test_entity_bombs_are_not_expanded() -> None:
    bomb = (
        '<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {chr(98 + i)} "&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};">'
            for i in range(8)
        )
        + "]><p>&i;</p>"
    )
    doc = from_html(bomb)
    assert len(repr(doc)) < 100_000  # expanded, &i; alone would be 10**9 characters


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "FETCHED">')

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()


def test_the_parser_never_touches_the_network(http_server: tuple[str, list[str]]) -> None:
    base, requests = http_server
    markup = (
        f'<!DOCTYPE html PUBLIC "-//X//DTD X//EN" "{base}/x.dtd">'
        f'<!DOCTYPE p [<!ENTITY % ext SYSTEM "{base}/ext.dtd"> %ext;]>'
        f'<p>text &remote;</p><img src="{base}/pixel.png"><link rel="stylesheet" href="{base}/s.css">'
    )
    doc = from_html(markup)
    time.sleep(0.2)
    assert requests == []
    assert "FETCHED" not in repr(doc)


def test_a_100000_deep_div_nest_gets_a_result() -> None:
    depth = 100_000
    doc = from_html("<div>" * depth + "deep text" + "</div>" * depth)
    assert doc["content"] == [_p(_t("deep text"))]


def test_deeply_nested_lists_get_a_valid_result() -> None:
    depth = 5_000
    doc = from_html("<ul><li>" * depth + "bottom" + "</li></ul>" * depth)
    assert list(iter_errors(doc)) == []
    assert text_of(doc).endswith("bottom")


def test_bytes_in_a_declared_encoding() -> None:
    markup = '<meta charset="windows-1252"><p>caf\xe9 \x93quoted\x94</p>'.encode("latin-1")
    assert _blocks(markup) == [_p(_t("café “quoted”"))]
    assert _blocks("<p>naïve</p>".encode()) == [_p(_t("naïve"))]


def test_what_adf_cannot_nest_is_repaired_keeping_text() -> None:
    doc = from_html(
        "<ul><li><h1>Heading in item</h1><table><tr><td>cell</td></tr></table></li></ul><p>a<p>b</p></p>"
    )
    assert list(iter_errors(doc)) == []
    for word in ("Heading", "item", "cell", "a", "b"):
        assert word in text_of(doc)


# --- properties ------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "</i>", "<ul>", "<li>", "</li>", "</ul>",
     "<ol start=3>", "</ol>", "<table>", "<tr>", "<td>", "<th colspan=2>", "</td>", "</tr>", "</table>",
     "<h2>", "</h2>", "<pre>", "</pre>", "<code>", "</code>", "<br>", "<hr>", "<blockquote>",
     "</blockquote>", '<a href="https://x.org">', '<a href="javascript:x">', "</a>",
     '<img src="https://x.org/i.png" alt="pic">', "<details><summary>", "</summary>", "</details>",
     '<input type="checkbox">', "<script>", "</script>", "<!--", "-->", "&amp;", "&lt;", "word",
     "Wörter", "日本語", " ", "\n", '<span style="font-weight:bold;color:red">', "</span>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_generated_html_converts_to_valid_adf(markup: str) -> None:
    doc = from_html(markup)
    assert list(iter_errors(doc)) == []
    assert from_html(markup) == doc
    visible = re.sub(r"<script>.*?(</script>|$)|<!--.*?(-->|$)", "", markup, flags=re.S)
    for word in ("word", "Wörter", "日本語"):
        if word in re.sub(r"<[^>]*>", " ", visible):
            assert word in text_of(doc), (word, markup)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_converts_to_valid_adf(text: str) -> None:
    assert list(iter_errors(from_html(text))) == []


# --- to_html ---------------------------------------------------------------------------


def test_to_html_escapes_text_and_attributes() -> None:
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            _p(
                _t(
                    '<script>alert("x")</script> & "q"',
                    {"type": "link", "attrs": {"href": 'https://x.org/?a=1&b="2"'}},
                )
            ),
            {
                "type": "mediaSingle",
                "attrs": {"layout": "center"},
                "content": [
                    {
                        "type": "media",
                        "attrs": {
                            "type": "external",
                            "url": "https://x.org/a.png",
                            "alt": '"><script>',
                        },
                    }
                ],
            },
        ],
    }
    out = to_html(doc)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert 'href="https://x.org/?a=1&amp;b=&quot;2&quot;"' in out
    assert 'alt="&quot;&gt;&lt;script&gt;"' in out


def test_to_html_never_emits_an_unsafe_url() -> None:
    doc = {
        "type": "doc",
        "version": 1,
        "content": [_p({"type": "inlineCard", "attrs": {"data": {}}})],
    }
    assert "javascript" not in to_html(doc)


SUBSET = [
    _p(
        _t("plain "),
        _t("bold", STRONG),
        _t(" and "),
        _t("link", {"type": "link", "attrs": {"href": "https://x.org"}}),
    ),
    {"type": "heading", "attrs": {"level": 2}, "content": [_t("Heading")]},
    {
        "type": "bulletList",
        "content": [
            {"type": "listItem", "content": [_p(_t("one"))]},
            {
                "type": "listItem",
                "content": [
                    _p(_t("two")),
                    {
                        "type": "orderedList",
                        "attrs": {"order": 3},
                        "content": [{"type": "listItem", "content": [_p(_t("three"))]}],
                    },
                ],
            },
        ],
    },
    {"type": "codeBlock", "attrs": {"language": "python"}, "content": [_t("x = 1\n  y")]},
    {"type": "blockquote", "content": [_p(_t("quoted"))]},
    {"type": "rule"},
    {
        "type": "table",
        "content": [
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableHeader", "attrs": {"colspan": 2}, "content": [_p(_t("h"))]}
                ],
            },
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableCell", "content": [_p(_t("a"))]},
                    {"type": "tableCell", "content": [_p(_t("b"))]},
                ],
            },
        ],
    },
    {
        "type": "taskList",
        "attrs": {"localId": "task-list-1"},
        "content": [
            {
                "type": "taskItem",
                "attrs": {"localId": "task-1", "state": "DONE"},
                "content": [_t("done")],
            }
        ],
    },
    {"type": "expand", "attrs": {"title": "More"}, "content": [_p(_t("hidden"))]},
    _p(
        _t("a"),
        {"type": "hardBreak"},
        _t("b", {"type": "underline"}),
        _t("c", {"type": "strike"}),
        _t("d", {"type": "code"}),
    ),
]


@pytest.mark.parametrize("block", SUBSET, ids=lambda b: str(b["type"]))
def test_the_html_expressible_subset_round_trips(block: Json) -> None:
    doc = {"type": "doc", "version": 1, "content": [block]}
    assert list(iter_errors(doc)) == []
    assert from_html(to_html(doc)) == doc


# --- seeded from the fixtures: real pages, randomly spliced ------------------------------

from pathlib import Path  # noqa: E402  (only this section needs it)

_PAGES = [
    p.read_bytes()
    for p in sorted((Path(__file__).resolve().parent / "data" / "html").glob("*.html"))
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_PAGES or [b"<p>x</p>"]),
    st.sampled_from(_PAGES or [b"<p>x</p>"]),
    st.integers(0, 100_000),
    st.integers(0, 100_000),
)
def test_spliced_fixture_pages_convert_to_valid_adf(a: bytes, b: bytes, i: int, j: int) -> None:
    page = a[: i % (len(a) + 1)] + b[j % (len(b) + 1) :]
    assert list(iter_errors(from_html(page))) == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Last <span><p>deep inner</p></span></p>", [_p(_t("Last")), _p(_t("deep inner"))]),
        ("<p>a <span><div>b</div></span> c</p>", [_p(_t("a")), _p(_t("b")), _p(_t("c"))]),
        (
            "<p><b>x <span><p>y</p></span></b> z</p>",
            [_p(_t("x", STRONG)), _p(_t("y", STRONG)), _p(_t("z"))],
        ),
        (
            "<p>t<em><ul><li>i</ul></em>u</p>",
            [
                _p(_t("t")),
                {
                    "type": "bulletList",
                    "content": [{"type": "listItem", "content": [_p(_t("i", EM))]}],
                },
                _p(_t("u")),
            ],
        ),
    ],
)
def test_a_block_starting_inside_an_inline_element_of_a_paragraph_ends_it(
    markup: str, expected: list[Json]
) -> None:
    # HTML5's "close a p element": libxml2 does this only when the <p> is the current
    # element; browsers also do it through inline elements, keeping their formatting.
    assert _blocks(markup) == expected


@pytest.mark.parametrize(
    "markup",
    ["<script>x</script><td>word", "<style>p{}</style><td>word", "<title>t</title><td>word"],
)
def test_text_libxml2_files_under_head_is_kept(markup: str) -> None:
    # (found by the fuzzer: libxml2 puts a stray cell after head elements into <head>)
    assert from_html(markup)["content"] == [
        {"type": "paragraph", "content": [{"type": "text", "text": "word"}]}
    ]
