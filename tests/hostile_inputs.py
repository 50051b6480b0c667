"""Hostile inputs by family: text of about ``n`` bytes that stresses one dimension.

Shared by the resource-contract test (``test_resource_contract.py``, which counts the
work at 100 KB and 1 MB) and the benchmark (``benchmarks/bench_hostile.py``, which
times it). ``JSON_FAMILIES`` make ADF (or plain JSON) text; ``MARKDOWN_FAMILIES`` and
``HTML_FAMILIES`` make markup, among them every reproducer of issue 16. Each family is
one function; a new one is one more entry in its table.
"""

from __future__ import annotations

from collections.abc import Callable


def _doc(blocks: str) -> str:
    return '{"type":"doc","version":1,"content":[' + blocks + "]}"


_PARA = '{"type":"paragraph","content":[{"type":"text","text":"hello world"}]}'


def deep_lists(n: int, extra: str = "") -> str:
    """Bullet lists nested one in the item of the other: depth grows with size."""
    level = '{"type":"bulletList"' + extra + ',"content":[{"type":"listItem","content":['
    depth = max(1, (n - 200) // (len(level) + 4))
    return _doc(level * depth + _PARA + "]}]}" * depth)


def deep_lists_invalid(n: int) -> str:
    """The same with an unknown property on every list: an error at every level."""
    return deep_lists(n, extra=',"x":1')


def wide_paragraphs(n: int) -> str:
    """Many short blocks side by side."""
    return _doc(",".join([_PARA] * max(1, n // (len(_PARA) + 1))))


def wide_invalid(n: int) -> str:
    """Many blocks, each with one error (an empty text)."""
    bad = '{"type":"paragraph","content":[{"type":"text","text":""}]}'
    return _doc(",".join([bad] * max(1, n // (len(bad) + 1))))


def long_text(n: int) -> str:
    """One text node as long as the input, with escapes to decode."""
    return _doc(
        '{"type":"paragraph","content":[{"type":"text","text":"' + "ab\\n" * (n // 4) + '"}]}'
    )


def many_marks(n: int) -> str:
    """One text carrying a mark per 70 bytes: annotations, which may repeat."""
    mark = '{"type":"annotation","attrs":{"id":"%d","annotationType":"inlineComment"}}'
    count = max(1, n // (len(mark) + 4))
    marks = ",".join(mark % i for i in range(count))
    return _doc(
        '{"type":"paragraph","content":[{"type":"text","text":"x","marks":[' + marks + "]}]}"
    )


def many_nested_marks(n: int) -> str:
    """One text carrying a mark per 70 bytes, each with nested (invalid) attributes:
    duplicates are found by a key made of the whole value, not by comparing pairs."""
    mark = '{"type":"annotation","attrs":{"id":[%d,{"n":[1]}],"annotationType":"x"}}'
    count = max(1, n // (len(mark) + 4))
    marks = ",".join(mark % i for i in range(count))
    return _doc(
        '{"type":"paragraph","content":[{"type":"text","text":"x","marks":[' + marks + "]}]}"
    )


def deep_parameters(n: int) -> str:
    """Extension parameters nested as deep as the input allows (opaque JSON)."""
    depth = max(1, n // 6)
    params = '{"a":' * depth + "1" + "}" * depth
    attrs = '{"extensionKey":"k","extensionType":"t","parameters":' + params + "}"
    return _doc('{"type":"extension","attrs":' + attrs + "}")


def deep_arrays(n: int) -> str:
    """Plain JSON arrays nested as deep as the input allows (not ADF)."""
    return "[" * (n // 2) + "]" * (n // 2)


def deep_duplicates(n: int) -> str:
    """Objects nested as deep as the input allows, each naming a key twice."""
    depth = max(1, n // 20)
    return '{"d":1,"d":2,"a":' * depth + "1" + "}" * depth


def many_out_of_range(n: int) -> str:
    """A list of numbers no reader holds as a number (``1e400``)."""
    return "[" + ",".join(["1e400"] * max(1, n // 6)) + "]"


def _fill(unit: str, n: int, room: int = 200) -> int:
    """How many ``unit``s (and a comma each) make about ``n`` bytes, at least one."""
    return max(1, (n - room) // (len(unit) + 1))


def deep_mixed_lists(n: int) -> str:
    """Ordered and bullet lists nested alternately, each item a paragraph, the nested
    list and a paragraph after it: list markers (``#*#*``) and lines at every depth."""
    levels = [
        '{"type":"' + kind + '","content":[{"type":"listItem","content":[' + _PARA + ","
        for kind in ("orderedList", "bulletList")
    ]
    closing = "]}]},"
    depth = max(2, (n - 200) // (len(levels[0]) + len(closing) + len(_PARA)))
    opening = "".join(levels[k % 2] for k in range(depth))
    inner = '{"type":"paragraph"}'
    return _doc(opening + inner + ("]}]}," + _PARA) * depth)


def deep_task_lists(n: int) -> str:
    """Task lists nested directly in task lists, a task at every level."""
    task = '{"type":"taskItem","attrs":{"localId":"t","state":"DONE"},"content":[{"type":"text","text":"do"}]}'
    level = '{"type":"taskList","attrs":{"localId":"l"},"content":[' + task + ","
    depth = max(1, (n - 300) // (len(level) + 2))
    return _doc(level * depth + task + "]}" * depth)


def deep_lists_in_a_cell(n: int) -> str:
    """A table cell holding the deep lists: every line break of the lists is written
    inside the cell's one line."""
    lists = deep_lists(n - 120)[len(_doc("")) - 2 : -2]
    cell = '{"type":"tableCell","attrs":{},"content":[' + lists + "]}"
    return _doc('{"type":"table","content":[{"type":"tableRow","content":[' + cell + "]}]}")


def wide_table(n: int) -> str:
    """One table, rows of 20 cells each (a header row first), a line break in each cell."""
    text = '{"type":"paragraph","content":[{"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"}]}'
    cells = [
        '{"type":"' + kind + '","attrs":{},"content":[' + text + "]}"
        for kind in ("tableHeader", "tableCell")
    ]
    rows = ['{"type":"tableRow","content":[' + ",".join([cell] * 20) + "]}" for cell in cells]
    count = _fill(rows[1], n)
    table = '{"type":"table","content":[' + ",".join([rows[0]] + [rows[1]] * count) + "]}"
    return _doc(table)


def many_marked_texts(n: int) -> str:
    """One paragraph of many texts, each with its marks, side by side (symbols that
    touch letters are written braced)."""
    marked = ",".join(
        '{"type":"text","text":"w' + str(i) + '","marks":[' + marks + "]}"
        for i, marks in enumerate(
            (
                '{"type":"strong"},{"type":"em"}',
                '{"type":"link","attrs":{"href":"https://x.org"}},{"type":"strike"}',
                '{"type":"code"}',
                '{"type":"textColor","attrs":{"color":"#ff0000"}},{"type":"underline"}',
                '{"type":"subsup","attrs":{"type":"sup"}}',
            )
        )
    )
    texts = ",".join([marked] * _fill(marked, n))
    return _doc('{"type":"paragraph","content":[' + texts + "]}")


def nested_containers(n: int) -> str:
    """Containers as deep as ADF nests them (expand > table > nested expand > panel >
    list > quote-less item), repeated side by side."""
    item = '{"type":"bulletList","content":[{"type":"listItem","content":[' + _PARA + "]}]}"
    panel = '{"type":"panel","attrs":{"panelType":"note"},"content":[' + item + "]}"
    nested = '{"type":"nestedExpand","attrs":{"title":"n"},"content":[' + panel + "]}"
    cell = '{"type":"tableCell","attrs":{},"content":[' + nested + "]}"
    table = '{"type":"table","content":[{"type":"tableRow","content":[' + cell + "]}]}"
    expand = '{"type":"expand","attrs":{"title":"t"},"content":[' + table + "]}"
    quote = '{"type":"blockquote","content":[' + item + "]}"
    unit = expand + "," + quote
    return _doc(",".join([unit] * _fill(unit, n)))


WIKI_WRITER_FAMILIES = (
    deep_lists,
    deep_mixed_lists,
    deep_task_lists,
    deep_lists_in_a_cell,
    wide_table,
    many_marked_texts,
    nested_containers,
)
"""Valid ADF stressing ``to_wiki``: list nesting (the one container ADF nests without
bound), markers, cells, marks, and every other container at the depth ADF allows."""


JSON_FAMILIES: dict[str, Callable[[int], str]] = {
    f.__name__.replace("_", "-"): f
    for f in (
        deep_lists,
        deep_lists_invalid,
        wide_paragraphs,
        wide_invalid,
        long_text,
        many_marks,
        many_nested_marks,
        deep_parameters,
        deep_arrays,
        deep_duplicates,
        many_out_of_range,
        *WIKI_WRITER_FAMILIES[1:],
    )
}


# --- markup ----------------------------------------------------------------------------


def _repeat(unit: str, n: int, head: str = "", tail: str = "") -> str:
    return head + unit * max(1, (n - len(head) - len(tail)) // len(unit)) + tail


def _nest(opening: str, middle: str, closing: str, n: int) -> str:
    count = max(1, (n - len(middle)) // (len(opening) + len(closing)))
    return opening * count + middle + closing * count


MARKDOWN_FAMILIES: dict[str, Callable[[int], str]] = {
    # issue 16: RecursionError at 500 levels (11.5 KB)
    "md-details-nesting": lambda n: _nest("<details>\n\n", "x\n\n", "</details>\n\n", n),
    # issue 16: 53 s for 310 KB
    "md-details-unclosed": lambda n: _repeat("<details><summary>s</summary>\n\n", n, tail="x\n"),
    "md-quote-nesting": lambda n: _repeat(">", n, tail=" x\n"),
    "md-list-nesting": lambda n: _repeat("- ", n, tail="x\n"),
    "md-emphasis-run": lambda n: _repeat("*a", n),
    "md-backtick-run": lambda n: _repeat("`", n),
    "md-bracket-run": lambda n: _repeat("[", n),
    "md-paragraphs": lambda n: _repeat("word word word\n\n", n),
}

HTML_FAMILIES: dict[str, Callable[[int], str]] = {
    # issue 16: 1 MB in 14.6 s, 2 MB in 70.6 s
    "html-lt-run": lambda n: _repeat("<", n),
    # issue 16: 7.2 s for 150 KB
    "html-table-nesting": lambda n: _repeat("<table><tr><td>", n, tail="deep"),
    # issue 16: 300 levels made `adfkit convert` fail in the JSON encoder
    "html-list-nesting": lambda n: _repeat("<ul><li>", n, tail="x"),
    "html-div-nesting": lambda n: _repeat("<div>", n, tail="x"),
    "html-inline-nesting": lambda n: _repeat("<b>", n, tail="x"),
    "html-paragraphs": lambda n: _repeat("<p>word word</p>", n),
}

WIKI_FAMILIES: dict[str, Callable[[int], str]] = {
    "wiki-list-nesting": lambda n: _repeat("*", n, tail=" x\n"),
    "wiki-list-depths": lambda n: _repeat("".join("#" * k + " x\n" for k in range(1, 40)), n),
    "wiki-macro-nesting": lambda n: _repeat("{quote}{panel}", n, tail="x"),
    "wiki-effect-run": lambda n: _repeat("*_-+^~", n, tail=" x"),
    "wiki-brace-run": lambda n: _repeat("{", n),
    "wiki-table-rows": lambda n: _repeat("|a|{panel}b{panel}|\n", n),
    "wiki-link-run": lambda n: _repeat("[a|", n),
    "wiki-heading-prefixes": lambda n: _repeat("h1. ", n, tail="x"),
    "wiki-quote-prefixes": lambda n: _repeat("bq. ", n, tail="x"),
    "wiki-quotes-in-items": lambda n: _repeat("* bq. ", n, tail="x"),
}

FAMILIES: dict[str, Callable[[int], str]] = {
    **JSON_FAMILIES,
    **WIKI_FAMILIES,
    **MARKDOWN_FAMILIES,
    **HTML_FAMILIES,
}
