"""The validator's public contract: any input gets a verdict, at any depth, with
every error carrying a stable code, a JSON Pointer and a message."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from adf_literals import document as _doc
from adf_literals import paragraph as _para
from adf_literals import text as _text
from hypothesis import given, settings
from hypothesis import strategies as st

import adfkit
from adfkit import InvalidDocument, ValidationError, is_valid, iter_errors, validate
from adfkit.pointer import resolve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "docs" / "examples" / "bug-report.adf.json").read_text())


def test_public_api_is_pinned() -> None:
    assert sorted(adfkit.__all__) == [
        "AdfkitError",
        "BuildError",
        "Document",
        "InvalidDocument",
        "Mark",
        "Node",
        "ValidationError",
        "build",
        "from_html",
        "from_json",
        "from_markdown",
        "from_wiki",
        "is_valid",
        "iter_errors",
        "to_html",
        "to_markdown",
        "to_text",
        "to_wiki",
        "validate",
    ]
    for name in adfkit.__all__:
        assert getattr(adfkit, name) is not None
    with pytest.raises(AttributeError):
        _ = adfkit.no_such_name


def test_a_valid_document_has_no_errors() -> None:
    assert list(iter_errors(EXAMPLE)) == []
    assert is_valid(EXAMPLE)
    validate(EXAMPLE)


def test_validate_raises_with_every_error_in_document_order() -> None:
    doc = _doc(_para(None), _para(_text("")), {"type": "nope"})
    with pytest.raises(InvalidDocument) as info:
        validate(doc)
    errors = info.value.errors
    assert [(e.code, e.path) for e in errors] == [
        ("NOT_A_NODE", "/content/0/content/0"),
        ("EMPTY_STRING", "/content/1/content/0/text"),
        ("UNKNOWN_NODE", "/content/2"),
    ]
    assert isinstance(info.value, adfkit.AdfkitError)
    assert "and 2 more" in str(info.value)
    assert not is_valid(doc)


def test_error_records_are_immutable_and_print_their_location() -> None:
    (error,) = iter_errors(_doc(_para(_text("x", {"type": "bold"}))))
    assert error == ValidationError(error.code, error.path, error.message)
    assert str(error).startswith("/content/0/content/0/marks/0: UNKNOWN_MARK: ")
    with pytest.raises(AttributeError):
        error.code = "X"  # type: ignore[misc]


def test_messages_say_what_was_found_and_what_is_allowed() -> None:
    doc = _doc(
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [{"type": "heading", "attrs": {"level": 1}}]}
            ],
        }
    )
    (error,) = iter_errors(doc)
    assert error.code == "NODE_NOT_ALLOWED"
    assert error.path == "/content/0/content/0/content/0"
    assert "`heading` is not allowed inside `listItem`" in error.message
    for allowed in ("paragraph", "bulletList", "orderedList", "codeBlock", "mediaSingle"):
        assert allowed in error.message


@pytest.mark.parametrize(
    "value",
    [None, [], [1], 0, 1.5, math.nan, math.inf, "doc", True, b"{}", {1, 2}, object(), ("doc",)],
)
def test_any_value_at_the_root_gets_an_error_not_an_exception(value: Any) -> None:
    (error,) = iter_errors(value)
    assert error.code == "NOT_A_NODE"
    assert error.path == ""


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
)
ADFISH_KEYS = st.sampled_from(["type", "content", "attrs", "marks", "text", "version"])
ADFISH = st.recursive(
    st.sampled_from([None, 1, 1.5, "", "doc", "paragraph", "text", "strong", "link", "x"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ADFISH_KEYS, inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(JSON, ADFISH))
def test_arbitrary_json_never_raises_and_every_path_resolves(value: Any) -> None:
    for error in iter_errors(value):
        assert error.code.isupper()
        assert error.message
        resolve(value, error.path)  # raises KeyError if the pointer leads nowhere


def _nested_lists(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    node = leaf
    for _ in range(depth):
        node = {"type": "bulletList", "content": [{"type": "listItem", "content": [node]}]}
    return node


def test_a_100000_deep_document_gets_a_verdict() -> None:
    doc = _doc(_nested_lists(100_000, _para(_text("bottom"))))
    assert is_valid(doc)


def test_an_error_100000_levels_down_has_its_full_path() -> None:
    doc = _doc(_nested_lists(100_000, _para(_text(""))))
    (error,) = iter_errors(doc)
    assert error.code == "EMPTY_STRING"
    assert error.path == "/content/0" + "/content/0/content/0" * 100_000 + "/content/0/text"


def test_a_document_that_contains_itself_is_reported_not_looped_over() -> None:
    para = _para(_text("x"))
    quote: dict[str, Any] = {"type": "blockquote", "content": [para]}
    doc = _doc(quote)
    doc["content"].append(doc)  # a Python structure no JSON text can produce
    codes = [e.code for e in iter_errors(doc)]
    assert "CYCLE" in codes


def test_extension_parameters_that_contain_themselves_are_reported() -> None:
    params: dict[str, Any] = {}
    params["self"] = params
    ext = {
        "type": "extension",
        "attrs": {"extensionKey": "k", "extensionType": "t", "parameters": params},
    }
    errors = list(iter_errors(_doc(ext)))
    assert [(e.code, e.path) for e in errors] == [("CYCLE", "/content/0/attrs/parameters/self")]


def test_a_shared_subtree_is_valid_wherever_it_is_valid() -> None:
    para = _para(_text("shared"))
    assert is_valid(_doc(para, para, {"type": "blockquote", "content": [para]}))


def test_a_valid_document_never_reaches_the_explainer(monkeypatch: pytest.MonkeyPatch) -> None:
    import adfkit.validator as module

    def explainer_called(*args: object) -> Any:
        raise AssertionError("a valid document paid for error explanation")

    monkeypatch.setattr(module, "_node_errors", explainer_called)
    assert list(iter_errors(EXAMPLE)) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (math.nan, "NOT_FINITE"),
        (math.inf, "NOT_FINITE"),
        (-math.inf, "NOT_FINITE"),
        (True, "WRONG_TYPE"),
        ("1", "WRONG_TYPE"),
        (1.5, "NOT_INTEGER"),
        (0, "OUT_OF_RANGE"),
    ],
)
def test_numbers_must_be_finite_integers_where_counts_are_expected(value: Any, code: str) -> None:
    doc = _doc({"type": "heading", "attrs": {"level": value}, "content": [_text("h")]})
    assert [(e.code, e.path) for e in iter_errors(doc)] == [(code, "/content/0/attrs/level")]


def test_integer_valued_floats_are_accepted_like_everyone_accepts_them() -> None:
    doc = {
        "type": "doc",
        "version": 1.0,
        "content": [{"type": "heading", "attrs": {"level": 2.0}, "content": [_text("h")]}],
    }
    assert is_valid(doc)


# --- what the library gives, it takes ----------------------------------------------


def test_a_built_document_is_taken_wherever_a_document_is() -> None:
    from adfkit.build import doc, link, paragraph, strong, text

    built = doc(paragraph("hi ", strong("there"), text(" docs", marks=[link("https://x.org")])))
    as_dict = built.to_json()
    assert is_valid(built)
    validate(built)
    assert list(iter_errors(built)) == []
    assert adfkit.to_markdown(built) == adfkit.to_markdown(as_dict)
    assert adfkit.to_text(built) == adfkit.to_text(as_dict)
    assert adfkit.to_html(built) == adfkit.to_html(as_dict)
    assert adfkit.from_json(as_dict) == built


def test_a_built_node_that_is_not_a_doc_gets_the_same_errors_as_its_json() -> None:
    from adfkit.build import paragraph

    node = paragraph("x")
    assert list(iter_errors(node)) == list(iter_errors(node.to_json()))
    assert [e.code for e in iter_errors(node)] == ["ROOT_NOT_DOC"]
    with pytest.raises(InvalidDocument):
        adfkit.to_markdown(node)


# --- suggestions ---------------------------------------------------------------------


def _message(doc: object) -> str:
    (error,) = [e for e in iter_errors(doc) if not e.code.startswith("MISSING")]
    return error.message


@pytest.mark.parametrize(
    ("node_type", "suggested"),
    [
        ("bulletpoint", "did you mean `bulletList`?"),
        ("list", "did you mean `bulletList` or `orderedList`?"),
        ("code_block", "did you mean `codeBlock`?"),
        ("bullet_list", "did you mean `bulletList`?"),
        ("Paragraph", "did you mean `paragraph`?"),
        ("paragrpah", "did you mean `paragraph`?"),
        ("code", "did you mean `codeBlock` (`code` is a mark on text)?"),
        ("ul", "did you mean `bulletList`?"),
    ],
)
def test_an_unknown_node_type_suggests_the_nearest_one(node_type: str, suggested: str) -> None:
    message = _message(_doc({"type": node_type, "content": []}))
    assert message.endswith(suggested)
    assert "known types" not in message


def test_an_unknown_node_type_without_a_near_one_lists_them_all() -> None:
    assert "known types: blockCard, blockTaskItem, blockquote," in _message(
        _doc({"type": "zzzzqqq"})
    )


@pytest.mark.parametrize(
    ("mark", "suggested"),
    [
        ("bold", "strong"),
        ("italic", "em"),
        ("underlined", "underline"),
        ("strikethrough", "strike"),
        ("text_color", "textColor"),
        ("url", "link"),
        ("strnog", "strong"),
    ],
)
def test_an_unknown_mark_suggests_the_nearest_one(mark: str, suggested: str) -> None:
    doc = _doc(_para(_text("x", {"type": mark})))
    (error,) = iter_errors(doc)
    assert error.code == "UNKNOWN_MARK"
    assert error.message.endswith(f"did you mean `{suggested}`?")


@pytest.mark.parametrize(
    ("node", "suggested"),
    [
        (_para(_text("x", {"type": "link", "attrs": {"url": "https://x.org"}})), "href"),
        (
            {"type": "panel", "attrs": {"panel_type": "info"}, "content": [_para(_text("x"))]},
            "panelType",
        ),
        ({"type": "codeBlock", "attrs": {"lang": "python"}}, "language"),
        ({"type": "heading", "attrs": {"levle": 1}}, "level"),
    ],
)
def test_an_unknown_attribute_suggests_the_nearest_one(node: object, suggested: str) -> None:
    errors = [e for e in iter_errors(_doc(node)) if e.code == "UNKNOWN_ATTRIBUTE"]
    assert errors
    assert errors[0].message.endswith(f"; did you mean `{suggested}`?")


def test_an_unknown_property_suggests_the_nearest_one() -> None:
    (error,) = iter_errors(_doc({"type": "paragraph", "children": []}))
    assert error.code == "UNKNOWN_PROPERTY"
    assert error.message.endswith("did you mean `content`?")


def test_json_text_instead_of_a_document_gets_a_hint() -> None:
    text = json.dumps(EXAMPLE)
    for value in (text, text.encode()):
        (error,) = iter_errors(value)
        assert error.code == "NOT_A_NODE"
        assert error.message.endswith("this looks like JSON text: json.loads it first")


def test_a_payload_holding_a_document_says_where_it_is() -> None:
    issue = {"key": "ABC-1", "fields": {"summary": "x", "description": EXAMPLE}}
    (error,) = iter_errors(issue)
    assert error.code == "MISSING_TYPE"
    assert "the document is at /fields/description" in error.message
    assert "--pointer /fields/description" in error.message
    assert is_valid(resolve(issue, "/fields/description"))


def test_the_search_for_a_document_in_a_payload_is_bounded() -> None:
    from adfkit.suggest import find_document

    wide = {"items": [{"n": i} for i in range(100_000)], "doc": EXAMPLE}
    assert find_document(wide) is None  # past the limit: no hint rather than a long search
    assert find_document({"a": [{"b": EXAMPLE}]}) == "/a/0/b"


def test_suggestions_never_change_the_codes() -> None:
    doc = _doc({"type": "bulletpoint"}, _para(_text("x", {"type": "bold"})))
    assert [e.code for e in iter_errors(doc)] == ["UNKNOWN_NODE", "UNKNOWN_MARK"]


def test_built_pieces_inside_a_dict_say_how_they_become_json() -> None:
    from adfkit.build import doc, paragraph, strong

    mixed = _doc(paragraph("x"), _para({"type": "text", "text": "y", "marks": [strong()]}))
    assert [e.message for e in iter_errors(mixed)] == [
        "expected a node object inside `doc`; found a built `paragraph` node "
        "(JSON needs its .to_json())",
        "expected a mark object; found a built `strong` mark (JSON needs its .to_json())",
    ]
    (error,) = iter_errors(doc)
    assert error.message.endswith("found the builder function `doc` (call it: doc(...))")


def test_from_json_of_a_built_document_is_that_document() -> None:
    import adfkit
    from adfkit.build import doc, paragraph

    built = doc(paragraph("hi"))
    assert adfkit.from_json(built) is built
    assert adfkit.from_json(built.to_json()).to_json() == built.to_json()


def test_from_wiki_drops_a_byte_order_mark_of_bytes_and_text() -> None:
    import adfkit

    heading = [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Bug"}]}
    ]
    assert adfkit.from_wiki(b"\xef\xbb\xbfh2. Bug")["content"] == heading
    assert adfkit.from_wiki("\ufeffh2. Bug")["content"] == heading
