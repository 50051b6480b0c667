"""``adfkit.jsonfile``: JSON read and written at any depth in linear time, with the
same text as ``json`` where ``json`` copes, and positions for every error."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adfkit import jsonfile
from adfkit.jsonfile import MAX_INDENT_LEVELS, MalformedJson, _encode, _Reader, dumps, parse

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
KEYS = (
    st.text()
    | st.integers()
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False, allow_infinity=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400)
@given(VALUES, st.sampled_from([None, 0, 1, 2, 4]), st.booleans())
def test_dumps_is_byte_identical_to_json_dumps(value: Any, indent: int | None, ascii: bool) -> None:
    expected = json.dumps(value, indent=indent, ensure_ascii=ascii)
    assert dumps(value, indent=indent, ensure_ascii=ascii) == expected
    # The iterative encoder on its own (dumps uses json's C encoder when it can).
    assert "".join(_encode(value, indent, ascii)) == expected


def _nested(depth: int, leaf: Any = 1) -> Any:
    value: Any = leaf
    for i in range(depth):
        value = {"k": [value, i]} if i % 2 else [value]
    return value


def test_dumps_writes_any_depth_and_parse_reads_it_back() -> None:
    value = _nested(200_000)
    text = dumps(value)
    assert text.startswith('{"k": [[{"k": [[')
    assert text.endswith(", 199997]}], 199999]}")
    assert dumps(parse(text).value) == text


def test_pretty_dumps_stops_indenting_past_max_indent_levels() -> None:
    value = _nested(MAX_INDENT_LEVELS * 3)
    text = dumps(value, indent=2)
    widest = max(len(line) - len(line.lstrip(" ")) for line in text.splitlines())
    assert widest == 2 * MAX_INDENT_LEVELS
    assert dumps(json.loads(text)) == dumps(value)  # the same value, other whitespace
    assert len(dumps(_nested(20_000), indent=2)) < 20_000 * 4 * (2 * MAX_INDENT_LEVELS + 20)


def test_dumps_refuses_what_json_cannot_carry() -> None:
    for bad in (math.nan, math.inf, [1, {"x": -math.inf}], {math.nan: 1}):
        with pytest.raises(ValueError, match="not JSON compliant"):
            dumps(bad)
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps([_nested(5_000, loop)])
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": object()})
    with pytest.raises(TypeError, match="keys must be str"):
        dumps({(1,): 2})


TEXTS = st.text(alphabet='[]{}:,"\\ abtrue0.-e1nulfsNaIy\n\t', max_size=40)


@settings(max_examples=1000)
@given(TEXTS | VALUES.map(json.dumps))
@example("[1e111111, -1e1111]")  # found by the fuzzer: beyond a double, read as infinities
def test_the_iterative_reader_agrees_with_json_on_any_text(text: str) -> None:
    try:
        expected: tuple[Any, ...] = ("value", json.loads(text, parse_constant=_refuse))
    except json.JSONDecodeError as exc:
        expected = ("error", exc.msg, exc.lineno, exc.colno)
    except _Refused:
        expected = ("not JSON",)
    try:
        got: tuple[Any, ...] = ("value", _Reader(text).read().value)
    except MalformedJson as exc:
        got = ("not JSON",) if exc.message.endswith("is not JSON") else ("error", exc.message)
        got += (exc.line, exc.col) if got[0] == "error" else ()
    if expected[0] == "value":
        assert got[0] == "value"
        # The standard encoder (these values are small) spells an out-of-range number
        # such as 1e999 as Infinity, where adfkit's dumps refuses it by design.
        assert json.dumps(got[1]) == json.dumps(expected[1])
    else:
        assert got == expected


class _Refused(Exception):
    pass


def _refuse(_name: str) -> None:
    raise _Refused


def test_a_number_beyond_a_double_is_out_of_range_with_its_pointer_not_malformed() -> None:
    parsed = parse('{"a": [1, 1e400], "b": -2e999, "c": 1e-400, "d": 1.5}')
    assert parsed.value == {"a": [1, math.inf], "b": -math.inf, "c": 0.0, "d": 1.5}
    assert [(o.path, o.literal, o.line, o.col) for o in parsed.out_of_range] == [
        ("/a/1", "1e400", 1, 11),
        ("/b", "-2e999", 1, 24),
    ]


def test_an_integer_longer_than_python_converts_is_out_of_range_not_an_exception() -> None:
    digits = "7" * 5000  # Python refuses int() beyond 4,300 digits (quadratic beyond)
    parsed = parse(f'{{"n": -{digits}, "m": {digits[:4000]}}}')
    value = parsed.value
    assert isinstance(value, dict)
    assert value["n"] == -math.inf
    assert value["m"] == int(digits[:4000])
    (out,) = parsed.out_of_range
    assert (out.path, out.line, out.col) == ("/n", 1, 7)
    assert out.literal == "-7777777777777777777... (5001 chars)"


def test_nan_and_infinity_are_not_json() -> None:
    for text, col in (("[1, NaN]", 5), ('{"a": Infinity}', 7), ("-Infinity", 1)):
        with pytest.raises(MalformedJson) as info:
            parse(text)
        assert (info.value.line, info.value.col) == (1, col)
        assert info.value.message.endswith("is not JSON")


def test_duplicate_keys_are_found_at_any_depth() -> None:
    deep = '{"a": ' * 5000 + '{"x": 1, "x": 2}' + "}" * 5000
    for text in ('{"a": {"x": 1, "x": 2}}', deep):
        parsed = parse(text)
        (dupe,) = parsed.duplicates
        assert dupe.key == "x"
        assert dupe.path == "/a" * text.count('"a"')


def test_locate_many_finds_every_pointer_in_one_pass() -> None:
    text = '{"a": [1,\n  {"b": 2, "b": 3}],\n "c~d/e": null}'
    found = jsonfile.locate_many(
        text, [("/a/1/b", 0), ("/a/1/b", 1), ("/c~0d~1e", 0), ("", 0), ("/zz", 0), ("bad", 0)]
    )
    assert found == {
        ("/a/1/b", 0): (2, 9),
        ("/a/1/b", 1): (2, 17),
        ("/c~0d~1e", 0): (3, 11),
        ("", 0): (1, 1),
    }
    assert jsonfile.locate(text, "/a/0") == (1, 8)
    assert jsonfile.locate("[1, 2", "/1") == (1, 5)  # found before the text breaks off


def test_locate_skips_what_holds_no_wanted_pointer_strings_and_brackets_included() -> None:
    skipped = '{"s": "a ] } \\" [ {", "t": [[{"u": "\\\\"}]]}'
    text = f'{{"x": {skipped},\n "y": [{skipped}, 7]}}'
    assert jsonfile.locate_many(text, [("/y/1", 0), ("/x/t/0/0/u", 0)]) == {
        ("/y/1", 0): (2, 8 + len(skipped) + 2),
        ("/x/t/0/0/u", 0): (1, text.index('"\\\\"') + 1),
    }
