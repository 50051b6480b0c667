"""The validator's bounds on hostile input: a document that contains itself gets one
``CYCLE`` error, ``validate`` keeps at most ``max_errors`` errors and counts the rest,
and errors cost no pointer text until their path is read (``docs/resources.md``)."""

from __future__ import annotations

import dataclasses
import pickle
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from adf_literals import STRONG
from adf_literals import document as _doc
from adf_literals import paragraph as _para
from adf_literals import text as _text

from adfkit import InvalidDocument, ValidationError, from_json, iter_errors, validate
from adfkit.validator import MAX_ERRORS


def _nested_lists(depth: int, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``depth`` bullet lists, each inside the previous one's item (iteratively)."""
    root = _doc()
    cur = root
    for _ in range(depth):
        item = {"type": "listItem", "content": [_para(_text("x"))]}
        ul: dict[str, Any] = {"type": "bulletList", "content": [item], **(extra or {})}
        cur["content"].append(ul)
        cur = item
    return root


def test_a_root_document_that_contains_itself_gets_exactly_one_cycle_error() -> None:
    doc = _doc()
    doc["content"].append(doc)
    assert [(e.code, e.path) for e in iter_errors(doc)] == [("CYCLE", "/content/0")]


def test_a_node_that_contains_itself_deep_down_gets_exactly_one_cycle_error() -> None:
    quote: dict[str, Any] = {"type": "blockquote", "content": [_para(_text("x"))]}
    inner: dict[str, Any] = {"type": "bulletList", "content": []}
    item = {"type": "listItem", "content": [_para(_text("y")), inner]}
    outer = {"type": "bulletList", "content": [item]}
    inner["content"].append(item)  # the item holds a list that holds the item again
    errors = list(iter_errors(_doc(quote, outer)))
    assert [(e.code, e.path) for e in errors] == [
        ("CYCLE", "/content/1/content/0/content/1/content/0")
    ]


def test_a_subtree_shared_many_times_is_not_a_cycle() -> None:
    para = _para(_text("shared"))
    doc = _doc(*[{"type": "blockquote", "content": [para]} for _ in range(50)], para)
    assert list(iter_errors(doc)) == []


def test_validate_keeps_max_errors_and_counts_the_rest() -> None:
    doc = _nested_lists(3000, extra={"foo": 1})  # one unknown property per level
    with pytest.raises(InvalidDocument) as info:
        validate(doc)
    assert len(info.value.errors) == MAX_ERRORS
    assert info.value.omitted == 3000 - MAX_ERRORS
    assert f"(and {3000 - 1} more)" in str(info.value)
    assert info.value.errors[1].path == "/content/0/content/0/content/1/foo"

    with pytest.raises(InvalidDocument) as info:
        validate(doc, max_errors=10)
    assert (len(info.value.errors), info.value.omitted) == (10, 2990)

    with pytest.raises(InvalidDocument) as info:
        validate(doc, max_errors=None)
    assert (len(info.value.errors), info.value.omitted) == (3000, 0)

    with pytest.raises(InvalidDocument) as info:
        validate(doc, max_errors=0)
    assert (info.value.errors, info.value.omitted) == ([], 3000)
    assert "(and 2999 more)" in str(info.value)

    with pytest.raises(ValueError, match="max_errors"):
        validate(doc, max_errors=-1)


def test_from_json_keeps_at_most_max_errors() -> None:
    with pytest.raises(InvalidDocument) as info:
        from_json(_nested_lists(1500, extra={"foo": 1}))
    assert (len(info.value.errors), info.value.omitted) == (MAX_ERRORS, 500)


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
    except InvalidDocument:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_an_error_at_each_of_30000_levels_costs_memory_like_a_valid_document() -> None:
    valid = _nested_lists(30_000)
    invalid = _nested_lists(30_000, extra={"foo": 1})
    assert _peak(lambda: validate(valid)) > 0
    ratio = _peak(lambda: validate(invalid)) / _peak(lambda: validate(valid))
    # Eager pointers made this about 8,000 (every error's path as long as the depth).
    assert ratio < 3, ratio


def test_iterating_every_error_without_reading_paths_builds_no_pointer_text() -> None:
    invalid = _nested_lists(30_000, extra={"foo": 1})
    codes: list[str] = []
    peak = _peak(lambda: codes.extend(e.code for e in iter_errors(invalid)))
    assert codes == ["UNKNOWN_PROPERTY"] * 30_000
    # 30,000 pointers averaging 400 KB of text each would be 12 GB; kept lazily, the
    # errors and their parent links are a few hundred bytes a level.
    assert peak < 30_000 * 2_000, peak


def test_a_message_quoting_a_pointer_shows_it_in_full() -> None:
    doc = _doc(_para(_text("a", STRONG, STRONG)))
    (error,) = iter_errors(doc)
    assert error.code == "DUPLICATE_MARK"
    assert error.path == "/content/0/content/0/marks/1"
    assert error.message == "`strong` is already applied at /content/0/content/0/marks/0"


def test_errors_stay_immutable_comparable_and_picklable() -> None:
    doc = _doc(_para(_text("a", STRONG, STRONG)))
    (error,) = iter_errors(doc)
    same = ValidationError(error.code, error.path, error.message)
    assert error == same
    assert hash(error) == hash(same)
    assert pickle.loads(pickle.dumps(error)) == error
    assert repr(error) == (
        f"ValidationError(code='DUPLICATE_MARK', path={error.path!r}, message={error.message!r})"
    )
    assert ValidationError.__match_args__ == ("code", "path", "message")
    with pytest.raises(dataclasses.FrozenInstanceError):
        error.code = "X"  # type: ignore[misc]


def test_marks_with_attributes_that_contain_themselves_get_errors_not_an_exception() -> None:
    first: dict[str, Any] = {"id": "a"}
    second: dict[str, Any] = {"id": "a"}
    first["self"], second["self"] = first, second  # equal shapes; == would never end
    marks = [{"type": "annotation", "attrs": first}, {"type": "annotation", "attrs": second}]
    codes = [
        e.code for e in iter_errors(_doc(_para({"type": "text", "text": "x", "marks": marks})))
    ]
    assert codes.count("UNKNOWN_ATTRIBUTE") == 2
    assert "DUPLICATE_MARK" not in codes  # told apart by identity: no key for such values


def test_repeated_annotations_are_duplicates_exactly_when_their_attributes_are_equal() -> None:
    def marks(attrs: Callable[[int], Any], count: int) -> list[dict[str, Any]]:
        return [{"type": "annotation", "attrs": attrs(i)} for i in range(count)]

    same = {"id": "x", "annotationType": "inlineComment"}
    doc = _doc(_para({"type": "text", "text": "x", "marks": marks(lambda i: dict(same), 3)}))
    assert [(e.code, e.path) for e in iter_errors(doc)] == [
        ("DUPLICATE_MARK", "/content/0/content/0/marks/1"),
        ("DUPLICATE_MARK", "/content/0/content/0/marks/2"),
    ]
    nested = marks(lambda i: {"id": [i % 3, {"n": 1.0}], "annotationType": "inlineComment"}, 5)
    doc = _doc(_para({"type": "text", "text": "x", "marks": nested}))
    duplicates = [e.path for e in iter_errors(doc) if e.code == "DUPLICATE_MARK"]
    # [0, {"n": 1.0}] equals [0, {"n": 1}] and so on: marks 3 and 4 repeat marks 0 and 1.
    assert duplicates == ["/content/0/content/0/marks/3", "/content/0/content/0/marks/4"]
