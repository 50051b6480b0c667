"""The spec-driven repair step: natural but invalid ADF made valid, text kept."""

from __future__ import annotations

from typing import Any

import pytest

from adfkit import iter_errors
from adfkit.repair import repair_document, text_of

Json = dict[str, Any]


def _t(text: str, *marks: str) -> Json:
    node: Json = {"type": "text", "text": text}
    if marks:
        node["marks"] = [{"type": m} for m in marks]
    return node


def _p(*content: Json) -> Json:
    return {"type": "paragraph", "content": list(content)}


def _li(*content: Json) -> Json:
    return {"type": "listItem", "content": list(content)}


def _table(*texts: str) -> Json:
    cells = [{"type": "tableCell", "content": [_p(_t(t))]} for t in texts]
    return {"type": "table", "content": [{"type": "tableRow", "content": cells}]}


def _repair(*blocks: Json) -> list[Json]:
    doc = repair_document(list(blocks))
    assert list(iter_errors(doc)) == [], doc
    return doc["content"]  # type: ignore[no-any-return]


def test_a_table_in_a_list_item_splits_the_list_and_numbering_continues() -> None:
    out = _repair(
        {
            "type": "orderedList",
            "attrs": {"order": 5},
            "content": [
                _li(_p(_t("one"))),
                _li(_p(_t("two")), _table("cell")),
                _li(_p(_t("three"))),
            ],
        }
    )
    assert [b["type"] for b in out] == ["orderedList", "table", "orderedList"]
    assert out[0]["attrs"] == {"order": 5}
    assert len(out[0]["content"]) == 2
    assert out[2]["attrs"] == {"order": 7}
    assert text_of(out[1]) == "cell"


def test_a_heading_in_a_list_item_becomes_a_bold_paragraph() -> None:
    heading = {"type": "heading", "attrs": {"level": 2}, "content": [_t("Title")]}
    (lst,) = _repair({"type": "bulletList", "content": [_li(heading)]})
    assert lst["content"][0]["content"] == [_p(_t("Title", "strong"))]


def test_a_quote_in_a_quote_is_unwrapped() -> None:
    inner = {"type": "blockquote", "content": [_p(_t("inner"))]}
    (quote,) = _repair({"type": "blockquote", "content": [_p(_t("outer")), inner]})
    assert quote["content"] == [_p(_t("outer")), _p(_t("inner"))]


def test_a_rule_in_a_list_item_is_hoisted_between_list_pieces() -> None:
    out = _repair(
        {"type": "bulletList", "content": [_li(_p(_t("a")), {"type": "rule"}, _p(_t("b")))]}
    )
    assert [b["type"] for b in out] == ["bulletList", "rule", "bulletList"]
    assert text_of(out[2]) == "b"


def test_an_image_in_a_paragraph_splits_it() -> None:
    image = {
        "type": "mediaSingle",
        "attrs": {"layout": "center"},
        "content": [{"type": "media", "attrs": {"type": "external", "url": "https://x.org/a.png"}}],
    }
    out = _repair(_p(_t("before "), image, _t(" after")))
    assert [b["type"] for b in out] == ["paragraph", "mediaSingle", "paragraph"]


def test_inline_content_at_the_top_is_wrapped_in_a_paragraph() -> None:
    out = _repair(_t("loose"), {"type": "hardBreak"}, _t("text"), {"type": "rule"})
    assert out == [_p(_t("loose"), {"type": "hardBreak"}, _t("text")), {"type": "rule"}]


def test_empty_containers_get_the_paragraph_they_need() -> None:
    out = _repair(
        {"type": "blockquote", "content": []},
        {"type": "bulletList", "content": [_li()]},
        {
            "type": "table",
            "content": [{"type": "tableRow", "content": [{"type": "tableCell", "content": []}]}],
        },
    )
    assert out[0]["content"] == [_p()]
    assert out[1]["content"][0]["content"] == [_p()]


def test_containers_that_cannot_be_completed_are_dissolved() -> None:
    out = _repair(
        {"type": "table", "content": []}, {"type": "bulletList", "content": []}, _p(_t("x"))
    )
    assert out == [_p(_t("x"))]


@pytest.mark.parametrize(
    ("marks", "kept"),
    [
        (["strong", "code"], ["code"]),
        (["code", "em", "strike"], ["code"]),
        (["em", "strong", "em"], ["em", "strong"]),
    ],
)
def test_marks_that_cannot_go_together_keep_the_ones_carrying_data(
    marks: list[str], kept: list[str]
) -> None:
    (paragraph,) = _repair(_p(_t("x", *marks)))
    assert [m["type"] for m in paragraph["content"][0]["marks"]] == kept


def test_a_link_outranks_code() -> None:
    text = {
        "type": "text",
        "text": "x",
        "marks": [{"type": "code"}, {"type": "link", "attrs": {"href": "https://x.org"}}],
    }
    (paragraph,) = _repair(_p(text))
    assert paragraph["content"][0]["marks"] == [
        {"type": "link", "attrs": {"href": "https://x.org"}}
    ]


def test_marks_not_allowed_in_the_parent_are_dropped() -> None:
    (code,) = _repair(
        {"type": "codeBlock", "content": [_t("x = 1", "strong"), {"type": "hardBreak"}, _t("y")]}
    )
    assert code["content"] == [_t("x = 1\ny")]


def test_an_expand_inside_an_expand_becomes_nested() -> None:
    inner = {"type": "expand", "attrs": {"title": "in"}, "content": [_p(_t("deep"))]}
    (outer,) = _repair({"type": "expand", "content": [inner]})
    assert outer["content"][0]["type"] == "nestedExpand"


def test_whatever_cannot_stand_at_the_root_becomes_its_text() -> None:
    out = _repair(
        {"type": "listItem", "content": [_p(_t("orphan item"))]},
        {"type": "tableCell", "content": [_p(_t("orphan cell"))]},
    )
    assert text_of({"type": "doc", "content": out}) == "orphan item\norphan cell"


def test_adjacent_text_with_the_same_marks_merges_and_empty_text_goes() -> None:
    (paragraph,) = _repair(_p(_t("a"), _t(""), _t("b"), _t("c", "em")))
    assert paragraph["content"] == [_t("ab"), _t("c", "em")]


def test_task_item_blocks_are_placed_after_the_task_list() -> None:
    task_list = {
        "type": "taskList",
        "attrs": {"localId": "l"},
        "content": [
            {"type": "taskItem", "attrs": {"localId": "t", "state": "TODO"}, "content": [_t("do")]},
            {"type": "codeBlock", "content": [_t("code")]},
        ],
    }
    out = _repair(task_list)
    assert [b["type"] for b in out] == ["taskList", "codeBlock"]
