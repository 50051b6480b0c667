"""ADF to Markdown and text: every node rendered, and the Markdown round trip exact on
the Markdown-expressible part of ADF."""

from __future__ import annotations

import json

import pytest
from adf_literals import Json
from adf_literals import document as _doc
from adf_literals import paragraph as _p
from adf_literals import text as _t
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adfkit import InvalidDocument, from_markdown, iter_errors
from adfkit.formats.markdown import to_markdown
from adfkit.formats.text import to_text

ROOT_EXAMPLE = "docs/examples/bug-report.adf.json"


def test_the_example_description_renders_as_markdown() -> None:
    with open(ROOT_EXAMPLE, encoding="utf-8") as handle:
        doc = json.load(handle)
    assert to_markdown(doc).splitlines()[:3] == [
        "## Checkout fails for café owners",
        "",
        "**Browser:** Firefox 131 on Linux. Reported by @Ana :warning:",
    ]


@pytest.mark.parametrize(
    ("node", "markdown", "text"),
    [
        (_p(_t("a"), {"type": "hardBreak"}, _t("b")), "a\\\nb\n", "a\nb\n"),
        ({"type": "rule"}, "---\n", "----\n"),
        (
            {"type": "panel", "attrs": {"panelType": "error"}, "content": [_p(_t("x"))]},
            "> [!CAUTION]\n> x\n",
            "x\n",
        ),
        (
            {"type": "expand", "attrs": {"title": "More <info>"}, "content": [_p(_t("x"))]},
            "<details>\n<summary>More &lt;info&gt;</summary>\n\nx\n\n</details>\n",
            "More <info>\nx\n",
        ),
        (
            _p({"type": "status", "attrs": {"text": "DONE", "color": "green"}}),
            "\\[DONE\\]\n",
            "DONE\n",
        ),
        (
            _p({"type": "date", "attrs": {"timestamp": "1735689600000"}}),
            "2025-01-01\n",
            "2025-01-01\n",
        ),
        (_p({"type": "mention", "attrs": {"id": "1", "text": "@Ana"}}), "@Ana\n", "@Ana\n"),
        (_p({"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}}), ":tada:\n", "🎉\n"),
        (
            _p({"type": "inlineCard", "attrs": {"url": "https://x.org"}}),
            "<https://x.org>\n",
            "https://x.org\n",
        ),
        (
            {"type": "codeBlock", "attrs": {"language": "py"}, "content": [_t("a = `x`\n```")]},
            "````py\na = `x`\n```\n````\n",
            "a = `x`\n```\n",
        ),
        (
            _p(
                _t("x", {"type": "underline"}),
                _t(" y", {"type": "textColor", "attrs": {"color": "#ff0000"}}),
            ),
            "<ins>x</ins> y\n",
            "x y\n",
        ),
        (_p(_t("1. not a list")), "1\\. not a list\n", "1. not a list\n"),
        (
            _p(_t("a*b_c [d] <e> :tada: @bob &amp;")),
            "a\\*b_c \\[d\\] \\<e> &#58;tada: &#64;bob \\&amp;\n",
            "a*b_c [d] <e> :tada: @bob &amp;\n",
        ),
    ],
)
def test_nodes_render_to_markdown_and_text(node: Json, markdown: str, text: str) -> None:
    doc = _doc(node)
    assert to_markdown(doc) == markdown
    assert to_text(doc) == text


def test_tables_render_as_gfm_with_alignment() -> None:
    def cell(kind: str, text: str, align: str | None = None) -> Json:
        paragraph = _p(_t(text))
        if align:
            paragraph["marks"] = [{"type": "alignment", "attrs": {"align": align}}]
        return {"type": kind, "content": [paragraph]}

    header = [cell("tableHeader", "a"), cell("tableHeader", "b|c")]
    table: Json = {
        "type": "table",
        "content": [
            {"type": "tableRow", "content": header},
            {
                "type": "tableRow",
                "content": [cell("tableCell", "1", "center"), cell("tableCell", "2", "end")],
            },
        ],
    }
    # GFM aligns whole columns: a header aligned otherwise than its column's cells is
    # written as the HTML table GitHub renders, which keeps each cell's alignment.
    assert to_markdown(_doc(table)) == (
        "<table>\n<tr>\n<th>\n\na\n\n</th>\n<th>\n\nb\\|c\n\n</th>\n</tr>\n"
        '<tr>\n<td align="center">\n\n1\n\n</td>\n<td align="right">\n\n2\n\n</td>\n'
        "</tr>\n</table>\n"
    )
    assert from_markdown(to_markdown(_doc(table))) == _doc(table)
    for head, align in zip(header, ("center", "end"), strict=True):
        head["content"][0]["marks"] = [{"type": "alignment", "attrs": {"align": align}}]
    assert to_markdown(_doc(table)) == "| a | b\\|c |\n|:-:|--:|\n| 1 | 2 |\n"
    assert from_markdown(to_markdown(_doc(table))) == _doc(table)
    assert to_text(_doc(table)) == "a\tb|c\n1\t2\n"


def test_an_invalid_document_is_refused() -> None:
    with pytest.raises(InvalidDocument):
        to_markdown({"type": "doc", "content": []})


def test_a_deep_document_renders() -> None:
    node: Json = _p(_t("bottom"))
    for _ in range(3000):
        node = {"type": "bulletList", "content": [{"type": "listItem", "content": [node]}]}
    out = to_markdown(_doc(node))
    assert out.rstrip().endswith("- bottom")
    assert to_text(_doc(node)).rstrip().endswith("- bottom")


# --- round trip on the Markdown-expressible subset ----------------------------------------
#
# The subset: paragraphs, headings, bullet/ordered/task lists, code blocks, quotes, rules,
# panels whose type has a GitHub alert, expands, simple tables; text whose marks are
# strong, em, strike, code or link and change only at spaces; no leading or trailing
# spaces in a paragraph. Mark order inside a text is not significant.

WORDS = st.sampled_from(
    ["alpha", "Beta", "42", "café", "日本", "x*y", "a_b", "[c]", "<d>", "#e", "f|g", "1.", "-h",
     "i~j", "k:l", "m@n", "&amp;", "\\o", "`p`", "!q", "r!", "+s", "(t)", ">u"]
)  # fmt: skip
MARKSETS = st.sampled_from(
    [
        (),
        ("strong",),
        ("em",),
        ("strike",),
        ("strong", "em"),
        ("code",),
        ("link",),
        ("link", "strong"),
    ]
)


@st.composite
def inline_runs(draw: st.DrawFn, *, allow_break: bool = True) -> list[Json]:
    nodes: list[Json] = []
    for n in range(draw(st.integers(1, 4))):
        if n:
            if allow_break and draw(st.integers(0, 5)) == 0:
                nodes.append({"type": "hardBreak"})
            else:
                nodes.append(_t(" "))
        words = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
        marks: list[Json] = []
        for kind in draw(MARKSETS):
            if kind == "link":
                marks.append(
                    {
                        "type": "link",
                        "attrs": {
                            "href": draw(
                                st.sampled_from(["https://x.org/a", "https://y.org/b?c=1"])
                            )
                        },
                    }
                )
            else:
                marks.append({"type": kind})
        nodes.append(_t(words, *marks))
    return _merge(nodes)


def _merge(nodes: list[Json]) -> list[Json]:
    out: list[Json] = []
    for node in nodes:
        if (
            out
            and node["type"] == "text" == out[-1]["type"]
            and node.get("marks") == out[-1].get("marks")
        ):
            out[-1] = {**out[-1], "text": out[-1]["text"] + node["text"]}
        else:
            out.append(node)
    return out


@st.composite
def blocks(draw: st.DrawFn, depth: int = 2) -> Json:
    kinds = ["paragraph", "heading", "code", "rule", "table"]
    if depth > 0:
        kinds += ["bullets", "ordered", "quote", "panel", "expand", "tasks"]
    kind = draw(st.sampled_from(kinds))
    if kind == "paragraph":
        return _p(*draw(inline_runs()))
    if kind == "heading":
        return {
            "type": "heading",
            "attrs": {"level": draw(st.integers(1, 6))},
            "content": draw(inline_runs(allow_break=False)),
        }
    if kind == "code":
        text = draw(st.sampled_from(["", "x = 1", "a\n  b", "```\nfence", "*not* markdown"]))
        node: Json = {"type": "codeBlock", "content": [_t(text)] if text else []}
        if draw(st.booleans()):
            node["attrs"] = {"language": draw(st.sampled_from(["python", "js", "c++"]))}
        return node
    if kind == "rule":
        return {"type": "rule"}
    if kind == "table":
        width = draw(st.integers(1, 3))
        rows = [
            {
                "type": "tableRow",
                "content": [
                    {
                        "type": "tableHeader" if r == 0 else "tableCell",
                        "content": [_p(*draw(inline_runs(allow_break=False)))],
                    }
                    for _ in range(width)
                ],
            }
            for r in range(draw(st.integers(1, 3)))
        ]
        return {"type": "table", "content": rows}
    if kind in ("bullets", "ordered"):
        items = []
        for _ in range(draw(st.integers(1, 3))):
            content = [_p(*draw(inline_runs()))]
            if draw(st.integers(0, 3)) == 0:
                content.append(
                    draw(
                        st.sampled_from([blocks(depth - 1)]).filter(
                            lambda b: b["type"] in ("bulletList", "orderedList")
                        )
                    )
                    if False
                    else draw(_lists(depth - 1))
                )
            items.append({"type": "listItem", "content": content})
        if kind == "bullets":
            return {"type": "bulletList", "content": items}
        node = {"type": "orderedList", "content": items}
        start = draw(st.sampled_from([1, 1, 0, 3, 10]))
        if start != 1:
            node["attrs"] = {"order": start}
        return node
    if kind == "quote":
        return {
            "type": "blockquote",
            "content": [_p(*draw(inline_runs())) for _ in range(draw(st.integers(1, 2)))],
        }
    if kind == "panel":
        panel_type = draw(st.sampled_from(["info", "tip", "note", "warning", "error"]))
        return {
            "type": "panel",
            "attrs": {"panelType": panel_type},
            "content": [_p(*draw(inline_runs()))],
        }
    if kind == "expand":
        return {
            "type": "expand",
            "attrs": {"title": draw(st.sampled_from(["Logs", "More details"]))},
            "content": [
                draw(
                    blocks(depth - 1).filter(
                        lambda b: b["type"] in ("paragraph", "codeBlock", "bulletList")
                    )
                )
            ],
        }
    return _tasks(draw)


def _tasks(draw: st.DrawFn) -> Json:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        items.append(
            {
                "type": "taskItem",
                "attrs": {"localId": "", "state": draw(st.sampled_from(["TODO", "DONE"]))},
                "content": draw(inline_runs(allow_break=False)),
            }
        )
    return {"type": "taskList", "attrs": {"localId": ""}, "content": items}


@st.composite
def _lists(draw: st.DrawFn, depth: int) -> Json:
    items = [
        {"type": "listItem", "content": [_p(*draw(inline_runs()))]}
        for _ in range(draw(st.integers(1, 2)))
    ]
    return {"type": draw(st.sampled_from(["bulletList", "orderedList"])), "content": items}


def _renumber(doc: Json) -> Json:
    """Task ids as from_markdown assigns them, and marks in a canonical order."""
    counters = {"task-list": 0, "task": 0}
    stack = [doc]
    while stack:
        node = stack.pop(0)
        if node["type"] in ("taskList", "taskItem"):
            kind = "task-list" if node["type"] == "taskList" else "task"
            counters[kind] += 1
            node["attrs"]["localId"] = f"{kind}-{counters[kind]}"
        if node.get("marks"):
            node["marks"] = sorted(node["marks"], key=lambda m: m["type"])
        stack[:0] = node.get("content") or []
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(blocks(), min_size=1, max_size=5))
def test_markdown_round_trip_is_exact_on_the_expressible_subset(content: list[Json]) -> None:
    doc = _renumber(_doc(*content))
    assert list(iter_errors(doc)) == []
    markdown = to_markdown(doc)
    back = _renumber(from_markdown(markdown))
    assert back == doc, markdown


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_markdown_output_is_a_fixed_point_after_one_pass(markdown: str) -> None:
    once = to_markdown(from_markdown(markdown))
    assert to_markdown(from_markdown(once)) == once
