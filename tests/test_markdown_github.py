"""Markdown as GitHub renders it: raw HTML read through the HTML converter's safe path,
GFM tables wherever GitHub draws them, mixed and nested task lists, footnotes."""

from __future__ import annotations

from typing import Any

import pytest
from adf_literals import Json

from adfkit import from_markdown, iter_errors
from adfkit.repair import text_of


def _blocks(markdown: str, **options: Any) -> list[Json]:
    doc = from_markdown(markdown, **options)
    assert list(iter_errors(doc)) == []
    return doc["content"]  # type: ignore[no-any-return]


def _t(text: str, *marks: Json | str) -> Json:
    node: Json = {"type": "text", "text": text}
    if marks:
        node["marks"] = [m if isinstance(m, dict) else {"type": m} for m in marks]
    return node


def _p(*content: Json) -> Json:
    return {"type": "paragraph", "content": list(content)}


SUB = {"type": "subsup", "attrs": {"type": "sub"}}
SUP = {"type": "subsup", "attrs": {"type": "sup"}}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "a <b>b</b> <strong>s</strong>",
            [_t("a "), _t("b", "strong"), _t(" "), _t("s", "strong")],
        ),
        ("<i>i</i> <em>e</em>", [_t("i", "em"), _t(" "), _t("e", "em")]),
        ("<code>c</code> <kbd>Ctrl</kbd>", [_t("c", "code"), _t(" "), _t("Ctrl", "code")]),
        ("H<sub>2</sub>O x<sup>2</sup>", [_t("H"), _t("2", SUB), _t("O x"), _t("2", SUP)]),
        ("a<br>b<br/>c", [_t("a"), {"type": "hardBreak"}, _t("b"), {"type": "hardBreak"}, _t("c")]),
        ("<ins>u</ins> <del>d</del>", [_t("u", "underline"), _t(" "), _t("d", "strike")]),
        # Markdown inside inline tags is still Markdown, and the marks add up.
        ("<b>*both*</b>", [_t("both", "em", "strong")]),
        ("*<b>both</b>*", [_t("both", "em", "strong")]),
        # Hidden or stripped by GitHub: comments, styles, event handlers, unknown tags.
        ("a <!-- hidden --> b", [_t("a b")]),
        ('<span style="color:red" onclick="x()">plain</span>', [_t("plain")]),
        ('<font color="red">kept</font> text', [_t("kept text")]),
    ],
)
def test_inline_html_becomes_native_adf(markdown: str, expected: list[Json]) -> None:
    assert _blocks(markdown) == [_p(*expected)]


def test_an_issue_template_body_converts_as_github_shows_it() -> None:
    body = """<!--
Thanks for filing an issue! Please fill in the sections below.
Issues without a reproduction may be closed.
-->

### Describe the bug

<!-- A clear and concise description of what the bug is. -->
Pressing <kbd>Ctrl</kbd>+<kbd>S</kbd> loses the draft.<br>
It started in **v2.3**.

### To Reproduce

1. Open the editor
2. Type some text
3. Press <kbd>Ctrl</kbd>+<kbd>S</kbd>

<details>
<summary>Logs</summary>

```
TypeError: x is undefined
```

</details>

### Screenshots

<img src="https://example.com/shot.png" alt="editor" width="400">

<script>alert("no")</script>
<style>body { color: red }</style>
<iframe src="https://evil.example"></iframe>

- [x] I searched existing issues
- [ ] I can provide a fix
"""
    blocks = _blocks(body)
    text = text_of({"type": "doc", "content": blocks})
    for hidden in ("Thanks for filing", "A clear and concise", "alert", "color", "evil"):
        assert hidden not in text
    assert [b["type"] for b in blocks] == [
        "heading",
        "paragraph",
        "heading",
        "orderedList",
        "expand",
        "heading",
        "mediaSingle",
        "taskList",
    ]
    assert blocks[1]["content"][:4] == [
        _t("Pressing "),
        _t("Ctrl", "code"),
        _t("+"),
        _t("S", "code"),
    ]
    assert {"type": "hardBreak"} in blocks[1]["content"]
    assert blocks[4]["attrs"] == {"title": "Logs"}
    assert blocks[4]["content"] == [
        {"type": "codeBlock", "content": [_t("TypeError: x is undefined")]}
    ]
    media = blocks[6]["content"][0]["attrs"]
    assert media == {"type": "external", "url": "https://example.com/shot.png", "alt": "editor"}
    assert [i["attrs"]["state"] for i in blocks[7]["content"]] == ["DONE", "TODO"]


def test_raw_html_stays_visible_text_when_asked() -> None:
    blocks = _blocks("a <b>b</b> <!-- c -->\n\n<div>\nd\n</div>", html="text")
    assert text_of(blocks[0]) == "a <b>b</b> <!-- c -->"
    assert text_of(blocks[1]) == "<div>\nd\n</div>"


def test_block_html_goes_through_the_html_converter() -> None:
    blocks = _blocks('<p align="center">\n  <img src="https://x.org/logo.png" alt="Logo">\n</p>')
    assert blocks[0]["type"] == "mediaSingle"
    blocks = _blocks("<table><tr><th>a</th></tr><tr><td>1</td></tr></table>")
    assert blocks[0]["type"] == "table"
    assert _blocks("<script>\nalert(1)\n</script>\n\n<!-- gone -->\n\nkept") == [_p(_t("kept"))]


@pytest.mark.parametrize("depth", [1, 2, 3, 500])
def test_nested_details_stay_valid_and_keep_every_title(depth: int) -> None:
    source = "".join(f"<details><summary>t{n}</summary>\n\n" for n in range(depth))
    source += "body\n\n" + "</details>\n\n" * depth
    blocks = _blocks(source)
    assert blocks[0]["type"] == "expand"
    assert blocks[0]["attrs"] == {"title": "t0"}
    text = text_of({"type": "doc", "content": blocks})
    assert all(f"t{n}" in text for n in range(depth))
    assert "body" in text
    if depth >= 2:
        assert blocks[0]["content"][0]["type"] == "nestedExpand"


def test_details_unclosed_or_stray_are_read_as_browsers_do() -> None:
    assert _blocks("<details><summary>T</summary>\n\nbody\n")[0]["type"] == "expand"
    assert _blocks("</details>\n\nbody\n") == [_p(_t("body"))]


def test_tables_pad_short_rows_and_drop_extra_cells() -> None:
    table = _blocks("| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |\n")[0]
    rows = [[text_of(cell) for cell in row["content"]] for row in table["content"]]
    assert rows == [["a", "b", "c"], ["1", "", ""], ["1", "2", "3"]]


def test_a_table_in_an_ordered_list_splits_the_list_and_numbering_continues() -> None:
    blocks = _blocks("1. one\n\n   | a |\n   |---|\n   | 1 |\n2. two\n3. three\n")
    assert [b["type"] for b in blocks] == ["orderedList", "table", "orderedList"]
    assert blocks[2]["attrs"] == {"order": 2}
    assert len(blocks[2]["content"]) == 2


def test_a_table_in_a_quote_splits_the_quote() -> None:
    blocks = _blocks("> before\n>\n> | a |\n> |---|\n> | 1 |\n>\n> after\n")
    assert [b["type"] for b in blocks] == ["blockquote", "table", "blockquote"]
    assert text_of(blocks[2]) == "after"


def test_task_lists_nest_under_task_and_plain_items_and_mix() -> None:
    blocks = _blocks("- [ ] a\n  - [X] b\n- plain\n  - [x] c\n- [ ] d\n")
    assert [b["type"] for b in blocks] == ["taskList", "bulletList", "taskList"]
    nested = blocks[0]["content"][1]
    assert nested["type"] == "taskList"
    assert nested["content"][0]["attrs"]["state"] == "DONE"
    assert blocks[1]["content"][0]["content"][1]["type"] == "taskList"


def test_ordered_runs_of_a_mixed_list_keep_their_numbers() -> None:
    blocks = _blocks("3. [ ] a\n4. plain\n5. [x] b\n")
    assert [b["type"] for b in blocks] == ["taskList", "orderedList", "taskList"]
    assert blocks[1]["attrs"] == {"order": 4}


def test_footnotes_keep_the_reference_and_the_note() -> None:
    blocks = _blocks("Text[^a] more[^b].\n\n[^a]: First note.\n[^b]: Second *note*.\n")
    assert blocks[0]["content"][1] == _t("1", SUP)
    assert blocks[0]["content"][3] == _t("2", SUP)
    assert blocks[1] == _p(_t("Footnotes", "strong"))
    notes = blocks[2]
    assert notes["type"] == "orderedList"
    assert [text_of(item) for item in notes["content"]] == ["First note.", "Second note."]


def test_a_byte_order_mark_is_ignored() -> None:
    assert _blocks("\ufeff# Title") == _blocks("# Title")


def _cell(kind: str, *blocks: Json, **attrs: int) -> Json:
    node: Json = {"type": kind, "content": list(blocks)}
    if attrs:
        node["attrs"] = attrs
    return node


def _image(url: str, alt: str) -> Json:
    media = {"type": "media", "attrs": {"type": "external", "url": url, "alt": alt}}
    return {"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [media]}


def test_markdown_in_table_cells_is_read_as_github_renders_it() -> None:
    # The "before / after" table of a GitHub pull request or bug report: HTML tags on
    # lines of their own, Markdown between blank lines inside the cells.
    source = """<table>
<tr><th>Before</th><th align="right">After</th></tr>
<tr>
<td>

![before](https://x.org/before.png)

</td>
<td colspan="2" align="center">

- **fixed** in `v2`
- see #12

</td>
</tr>
</table>

Text after.
"""
    # (the centred cell holds a list: alignment goes on a cell's own paragraphs only)
    right = {"type": "alignment", "attrs": {"align": "end"}}
    assert _blocks(source) == [
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        _cell("tableHeader", _p(_t("Before"))),
                        _cell("tableHeader", {**_p(_t("After")), "marks": [right]}),
                    ],
                },
                {
                    "type": "tableRow",
                    "content": [
                        _cell("tableCell", _image("https://x.org/before.png", "before")),
                        _cell(
                            "tableCell",
                            {
                                "type": "bulletList",
                                "content": [
                                    {
                                        "type": "listItem",
                                        "content": [
                                            _p(_t("fixed", "strong"), _t(" in "), _t("v2", "code"))
                                        ],
                                    },
                                    {"type": "listItem", "content": [_p(_t("see #12"))]},
                                ],
                            },
                            colspan=2,
                        ),
                    ],
                },
            ],
        },
        _p(_t("Text after.")),
    ]


@pytest.mark.parametrize(
    ("source", "cells"),
    [
        # A cell not closed ends where the next begins, a row where the next begins.
        ("<table><tr><td>\n\na\n\n<td>\n\nb\n\n<tr><td>\n\nc\n\n</table>", [["a", "b"], ["c"]]),
        # A cell outside a row opens one; the table left open ends with the document.
        ("<table><td>\n\n*a*\n\n</td>", [["a"]]),
        # An empty cell gets the paragraph ADF needs.
        ("<table><tr><td>\n\n</td><td>\n\nb\n\n</td></tr></table>", [["", "b"]]),
    ],
)
def test_a_markdown_table_left_open_is_closed_as_a_browser_would(
    source: str, cells: list[list[str]]
) -> None:
    (table,) = _blocks(source)
    assert table["type"] == "table"
    assert [[text_of(c) for c in row["content"]] for row in table["content"]] == cells


def test_table_tags_outside_a_table_keep_the_text_around_them() -> None:
    blocks = _blocks("</td></tr>\n\nkept\n\n<td>\n\nalso kept\n\n</td>")
    assert [text_of(b) for b in blocks] == ["kept", "also kept"]


def test_details_inside_a_markdown_cell_become_a_nested_expand() -> None:
    source = "<table><tr><td>\n\n<details><summary>Logs</summary>\n\n```\nok\n```\n\n</details>\n\n</td></tr></table>"
    (table,) = _blocks(source)
    (expand,) = table["content"][0]["content"][0]["content"]
    assert expand["type"] == "nestedExpand"
    assert expand["attrs"] == {"title": "Logs"}
    assert expand["content"] == [{"type": "codeBlock", "content": [_t("ok")]}]


def test_a_table_in_one_html_block_is_read_as_before() -> None:
    # No Markdown inside: the HTML converter reads it whole, Markdown syntax as text.
    (table,) = _blocks("<table><tr><td>**a**</td></tr></table>")
    assert table["content"][0]["content"][0]["content"] == [_p(_t("**a**"))]


def test_with_html_as_text_a_table_stays_text() -> None:
    blocks = _blocks("<table><tr><td>\n\na\n\n</td></tr></table>", html="text")
    assert "table" not in [b["type"] for b in blocks]
    assert "<td>" in "".join(text_of(b) for b in blocks)


@pytest.mark.parametrize(
    ("span", "expected"),
    [("2", 2), ("2abc", 2), (" 3", 3), ("²", None), ("٣", None), ("9" * 4301, 1000), ("0", None)],
)
def test_a_cell_span_is_read_as_a_browser_reads_it(span: str, expected: int | None) -> None:
    (table,) = _blocks(f'<table><tr><td colspan="{span}">\n\nx\n\n</td></tr></table>')
    cell = table["content"][0]["content"][0]
    assert (cell.get("attrs") or {}).get("colspan") == expected


@pytest.mark.parametrize("element", ["script", "style", "textarea", "title"])
def test_table_tags_inside_raw_text_elements_open_nothing(element: str) -> None:
    # A script's or style's content is hidden; a textarea's or title's shown as text.
    source = f'<{element}>\nvar a = "<table><tr><td>";\nvar b = 1;\n</{element}>\n\nx\n'
    blocks = _blocks(source)
    assert [b["type"] for b in blocks] == ["paragraph"] * len(blocks)
    assert text_of(blocks[-1]) == "x"
    if element in ("textarea", "title"):
        assert text_of(blocks[0]) == 'var a = "<table><tr><td>"; var b = 1;'
    else:
        assert len(blocks) == 1


def test_details_in_a_cell_and_details_in_those_stay_valid_and_keep_their_text() -> None:
    blocks = _blocks("<table><tr><td>\n\n<details>\n\n<details>\n\nx\n")
    assert blocks[0]["type"] == "table"
    assert "x" in text_of(blocks[0])


def test_details_off_leaves_details_tags_in_a_markdown_cell_as_markup() -> None:
    source = "<table><tr><td>\n\n<details><summary>S</summary>\n\nx\n\n</details>\n\n</td></tr></table>\n"
    assert "Expand" not in str(_blocks(source, details=False))
    assert "expand" not in str(_blocks(source, details=False)).lower()


def test_markdown_inside_an_unclosed_inline_details_is_read_not_leaked() -> None:
    # The Markdown after a <details> opened inside a paragraph once came out as the
    # private-use placeholders that stood for it.
    (_, expand) = _blocks("a <details>*b* `c`")
    assert expand["content"] == [_p(_t("b", "em"), _t(" "), _t("c", "code"))]
