"""Request bodies: any depth goes on the wire, and only strict JSON does."""

from __future__ import annotations

import json
import math

import pytest

from adfkit.jira.wire import json_body
from adfkit.jsonfile import load


def _nested_lists(depth: int) -> dict[str, object]:
    """A valid description ``depth`` bullet lists deep (deeper than json.dumps can go)."""
    inner: dict[str, object] = {"type": "paragraph", "content": [{"type": "text", "text": "x"}]}
    for _ in range(depth):
        item = {"type": "listItem", "content": [inner]}
        inner = {"type": "bulletList", "content": [item]}
    return {"type": "doc", "version": 1, "content": [inner]}


def test_a_document_deeper_than_json_dumps_allows_is_encoded_and_reads_back() -> None:
    doc = _nested_lists(5_000)
    with pytest.raises(RecursionError):
        json.dumps(doc)
    body = json_body({"fields": {"description": doc}})
    value, duplicates = load(body.decode("utf-8"))
    assert duplicates == []
    assert json_body(value) == body  # (== on the dicts would itself recurse)


def test_ordinary_bodies_are_what_json_dumps_writes_in_utf8() -> None:
    payload = {"fields": {"summary": "Zahlung abgelehnt: 3DS ✓", "labels": ["ä", "b"]}}
    assert json_body(payload) == json.dumps(payload, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_refused_not_sent(number: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_body({"fields": {"customfield_10001": number}})
