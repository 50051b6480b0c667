"""Markdown to ADF: every construct carried natively where ADF can hold it, repaired
where it cannot, always valid, no text lost, same output for the same input."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from adf_literals import CODE, EM, STRIKE, STRONG, Json
from adf_literals import paragraph as _p
from adf_literals import text as _text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adfkit import from_markdown, iter_errors
from adfkit.repair import text_of


def _blocks(markdown: str, **options: Any) -> list[Json]:
    doc = from_markdown(markdown, **options)
    assert list(iter_errors(doc)) == []
    return doc["content"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("hello", [_p(_text("hello"))]),
        ("# Title", [{"type": "heading", "attrs": {"level": 1}, "content": [_text("Title")]}]),
        ("###### Six", [{"type": "heading", "attrs": {"level": 6}, "content": [_text("Six")]}]),
        ("Setext\n===", [{"type": "heading", "attrs": {"level": 1}, "content": [_text("Setext")]}]),
        (
            "*a* **b** ~~c~~ `d`",
            [
                _p(
                    _text("a", EM),
                    _text(" "),
                    _text("b", STRONG),
                    _text(" "),
                    _text("c", STRIKE),
                    _text(" "),
                    _text("d", CODE),
                )
            ],
        ),
        ("***both***", [_p(_text("both", EM, STRONG))]),
        ("a  \nb", [_p(_text("a"), {"type": "hardBreak"}, _text("b"))]),
        ("a\\\nb", [_p(_text("a"), {"type": "hardBreak"}, _text("b"))]),
        ("a\nb", [_p(_text("a b"))]),
        ("---", [{"type": "rule"}]),
        ("&amp; &copy; &#35; &nosuch;", [_p(_text("& © # &nosuch;"))]),
        ("\\*not emphasis\\*", [_p(_text("*not emphasis*"))]),
        ("`&amp;`", [_p(_text("&amp;", CODE))]),
        (
            '[docs](https://x.org/a?b=1&amp;c=2 "Title")',
            [
                _p(
                    _text(
                        "docs",
                        {
                            "type": "link",
                            "attrs": {"href": "https://x.org/a?b=1&c=2", "title": "Title"},
                        },
                    )
                )
            ],
        ),
        (
            "<https://x.org>",
            [_p(_text("https://x.org", {"type": "link", "attrs": {"href": "https://x.org"}}))],
        ),
        (
            "```js\nlet a = 1;\n```",
            [{"type": "codeBlock", "attrs": {"language": "js"}, "content": [_text("let a = 1;")]}],
        ),
        ("    indented code", [{"type": "codeBlock", "content": [_text("indented code")]}]),
        ("```\n```", [{"type": "codeBlock", "content": []}]),
        ("> quoted", [{"type": "blockquote", "content": [_p(_text("quoted"))]}]),
    ],
)
def test_constructs_map_to_their_adf_nodes(markdown: str, expected: list[Json]) -> None:
    assert _blocks(markdown) == expected


def test_lists_keep_their_start_nesting_and_looseness() -> None:
    (ordered,) = _blocks("3. three\n4. four\n   - nested\n")
    assert ordered["type"] == "orderedList"
    assert ordered["attrs"] == {"order": 3}
    second = ordered["content"][1]
    assert [c["type"] for c in second["content"]] == ["paragraph", "bulletList"]
    (loose,) = _blocks("- a\n\n  more a\n- b\n")
    assert [c["type"] for c in loose["content"][0]["content"]] == ["paragraph", "paragraph"]


def test_task_lists_have_states_and_deterministic_ids() -> None:
    source = "- [ ] todo\n- [x] done\n"
    (tasks,) = _blocks(source)
    assert tasks == {
        "type": "taskList",
        "attrs": {"localId": "task-list-1"},
        "content": [
            {
                "type": "taskItem",
                "attrs": {"localId": "task-1", "state": "TODO"},
                "content": [_text("todo")],
            },
            {
                "type": "taskItem",
                "attrs": {"localId": "task-2", "state": "DONE"},
                "content": [_text("done")],
            },
        ],
    }
    assert from_markdown(source) == from_markdown(source)


def test_tables_have_header_cells_and_alignment() -> None:
    (table,) = _blocks("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    header, row = table["content"]
    assert [c["type"] for c in header["content"]] == ["tableHeader"] * 3
    assert [c["type"] for c in row["content"]] == ["tableCell"] * 3
    aligns = [c["content"][0].get("marks") for c in row["content"]]
    assert aligns == [
        None,
        [{"type": "alignment", "attrs": {"align": "center"}}],
        [{"type": "alignment", "attrs": {"align": "end"}}],
    ]


def test_images_become_media_and_split_their_paragraph() -> None:
    blocks = _blocks("before ![a cat](https://x.org/cat.png) after")
    assert [b["type"] for b in blocks] == ["paragraph", "mediaSingle", "paragraph"]
    media = blocks[1]["content"][0]
    assert media["attrs"] == {"type": "external", "url": "https://x.org/cat.png", "alt": "a cat"}


def test_an_image_in_a_heading_becomes_its_linked_alt_text() -> None:
    (heading,) = _blocks("# Logo ![the logo](https://x.org/l.png)")
    assert heading["content"][-1] == _text(
        "the logo", {"type": "link", "attrs": {"href": "https://x.org/l.png"}}
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html,x", "foo/bar"],
)
def test_unsafe_links_keep_their_text_and_lose_the_link(href: str) -> None:
    (paragraph,) = _blocks(f"[click me]({href})")
    assert paragraph == _p(_text("click me"))


def test_github_alerts_become_panels() -> None:
    kinds = {
        "NOTE": "info",
        "TIP": "tip",
        "IMPORTANT": "note",
        "WARNING": "warning",
        "CAUTION": "error",
    }
    for kind, panel_type in kinds.items():
        (panel,) = _blocks(f"> [!{kind}]\n> Careful here")
        assert panel == {
            "type": "panel",
            "attrs": {"panelType": panel_type},
            "content": [_p(_text("Careful here"))],
        }
    (quote,) = _blocks("> [!NOTE]\n> x", alerts=False)
    assert quote["type"] == "blockquote"


def test_details_become_expands() -> None:
    (expand,) = _blocks("<details>\n<summary>Logs</summary>\n\nstack *trace*\n\n</details>\n")
    assert expand == {
        "type": "expand",
        "attrs": {"title": "Logs"},
        "content": [_p(_text("stack "), _text("trace", EM))],
    }


def test_emoji_shortcodes_and_mentions() -> None:
    (paragraph,) = _blocks("hi :tada: @ana and @bob", mentions={"ana": "557058:1"})
    assert paragraph["content"] == [
        _text("hi "),
        {"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}},
        _text(" "),
        {"type": "mention", "attrs": {"id": "557058:1", "text": "@ana"}},
        _text(" and @bob"),
    ]
    (plain,) = _blocks(":tada:", emoji=False)
    assert plain == _p(_text(":tada:"))


def test_raw_html_is_kept_as_visible_text_on_request() -> None:
    source = '<div class="x">\nraw\n</div>\n\ninline <b>bold</b> and <br> break'
    blocks = from_markdown(source, html="text")["content"]
    assert text_of(blocks[0]) == '<div class="x">\nraw\n</div>'
    assert blocks[1]["content"] == [
        _text("inline <b>bold</b> and "),
        {"type": "hardBreak"},
        _text(" break"),
    ]


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("- # heading in a list item", ["heading"]),
        ("- | a | b |\n  |---|---|\n  | 1 | 2 |", ["a", "b", "1", "2"]),
        ("1. one\n\n   | t | u |\n   |---|---|\n   | v | w |\n2. two", ["one", "t", "w", "two"]),
        ("> > nested quote", ["nested", "quote"]),
        ("> # heading in quote", ["heading", "quote"]),
        ("> ---", []),
        ("- > quote in item", ["quote", "item"]),
        ("> - [ ] task in quote", ["task", "quote"]),
        (
            "- [ ] task\n\n  para under task\n\n  ```\n  code under task\n  ```",
            ["task", "para", "under", "code"],
        ),
        ("**`code` in strong**", ["code", "strong"]),
        ("[`code` in link](https://x.org)", ["code", "link"]),
        ("# ![img](https://x.org/i.png) in heading", ["img", "heading"]),
        ("| ![i](https://x.org/i.png) |\n|---|", ["i"]),
    ],
)
def test_what_adf_cannot_hold_is_repaired_without_losing_text(
    markdown: str, words: list[str]
) -> None:
    doc = from_markdown(markdown)
    assert list(iter_errors(doc)) == []
    text = text_of(doc)
    for word in words:
        assert word in text


def test_code_and_link_together_keep_the_link() -> None:
    (paragraph,) = _blocks("[`x`](https://x.org)")
    assert paragraph["content"] == [
        _text("x", {"type": "link", "attrs": {"href": "https://x.org"}})
    ]


def test_hard_breaks_option_turns_newlines_into_breaks() -> None:
    (paragraph,) = _blocks("a\nb", hard_breaks=True)
    assert paragraph["content"] == [_text("a"), {"type": "hardBreak"}, _text("b")]


def test_nul_and_lone_surrogates_become_replacement_characters() -> None:
    (paragraph,) = _blocks("a\x00b \ud800c")
    assert paragraph["content"] == [_text("a\ufffdb \ufffdc")]


def test_non_text_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="takes str or bytes"):
        from_markdown(["# a list"])  # type: ignore[arg-type]


def test_bytes_are_read_as_utf8_and_a_byte_order_mark_is_ignored() -> None:
    expected = from_markdown("# Café")
    assert from_markdown("# Café".encode()) == expected
    assert from_markdown("\ufeff# Café".encode()) == expected
    assert from_markdown("\ufeff# Café") == expected
    # Bytes that are not UTF-8 keep their place as U+FFFD, never an exception.
    assert text_of(from_markdown(b"caf\xe9")) == "caf\ufffd"


def test_an_unknown_html_mode_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'github' or 'text'"):
        from_markdown("x", html="raw")  # type: ignore[arg-type]


def test_deeply_nested_input_gets_a_result() -> None:
    for source in (
        "> " * 5000 + "deep",
        "- " * 3000 + "deep",
        "[" * 5000 + "x" + "]" * 5000,
        "*" * 10000,
    ):
        doc = from_markdown(source)
        assert list(iter_errors(doc)) == []


# --- properties ------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text))


MARKDOWN_PIECES = st.sampled_from(
    [
        "# ", "## ", "> ", "- ", "* ", "1. ", "3) ", "- [ ] ", "- [x] ", "```\n", "```py\n", "    ",
        "**", "*", "_", "__", "~~", "`", "``", "[", "](", ")", "](https://x.org)", "![", "<", ">",
        "<details>\n<summary>", "</summary>\n\n", "</details>", "> [!NOTE]\n> ",
        "| a | b |\n|---|---|\n| ", " | ", "\n", "\n\n", "  \n", "\\", "&amp;", "&#x26;",
        "---\n", "===\n", ":tada:", "@ana", "<br>",
        "javascript:alert(1)", "word", "Wörter", "日本語", "🚀", " ", "\t",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
@example("><word></summary>\n\n\n| a | b |\n|---|---|\n| Wörter")
@example("<details>\n<summary><Wörter> ")
def test_generated_markdown_converts_to_valid_adf_keeping_every_word(markdown: str) -> None:
    doc = from_markdown(markdown, mentions={"ana": "id-1"})
    assert list(iter_errors(doc)) == []
    assert from_markdown(markdown, mentions={"ana": "id-1"}) == doc
    _assert_no_unsafe_href(doc)
    out = text_of(doc) + " " + " ".join(_attr_texts(doc))
    # A fence's info string is metadata, not text: its first word is the language and
    # the rest is shown by no renderer (docs/markdown.md).
    shown = re.sub(r"(?m)^([ \t>*+\d.)-]*)(`{3,}|~{3,})[^\n]*", r"\1\2", markdown)
    # A word that is a tag's name or attribute (`<word>`, found by the fuzzer) is
    # markup, which GitHub strips from an unknown tag as adfkit does. In an HTML block
    # a tag's name is HTML's (`<Wörter>` is one), so any name counts here.
    shown = re.sub(r"</?[A-Za-z][^\s/<>]*(?:\s[^<>]*)?/?>", " ", shown)
    for word in _words(shown.replace("javascript:alert(1)", "")):
        if word in ("word", "Wörter", "日本語"):
            assert word in out, (word, markdown)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_converts_to_valid_adf(text: str) -> None:
    doc = from_markdown(text)
    assert list(iter_errors(doc)) == []


def _attr_texts(doc: Json) -> list[str]:
    out: list[str] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        for value in (node.get("attrs") or {}).values():
            if isinstance(value, str):
                out.append(value)
        for mark in node.get("marks") or []:
            out.extend(v for v in (mark.get("attrs") or {}).values() if isinstance(v, str))
        stack.extend(node.get("content") or [])
    return out


def _assert_no_unsafe_href(doc: Json) -> None:
    from adfkit.validator import _url_problem

    stack = [doc]
    while stack:
        node = stack.pop()
        for mark in node.get("marks") or []:
            if mark["type"] == "link":
                assert _url_problem(mark["attrs"]["href"]) is None
        stack.extend(node.get("content") or [])


# --- seeded from the corpus: real documents, randomly spliced ---------------------------

from pathlib import Path  # noqa: E402  (only this section needs it)

_CORPUS = sorted((Path(__file__).resolve().parent / "data" / "markdown").rglob("*.md"))
_FIXTURES = [p.read_bytes().decode("utf-8") for p in _CORPUS if p.name != "README.md"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_FIXTURES or [""]),
    st.sampled_from(_FIXTURES or [""]),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_spliced_corpus_documents_convert_to_valid_adf(a: str, b: str, i: int, j: int) -> None:
    source = a[: i % (len(a) + 1)] + b[j % (len(b) + 1) :]
    doc = from_markdown(source)
    assert list(iter_errors(doc)) == []
