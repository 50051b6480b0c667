"""HTML as real sources write it, each quirk in its smallest form: Confluence (view and
storage format), Google Docs' and Word's clipboard, fragments of raw HTML as Markdown
carries them, and the text a browser draws from SVG, MathML and buttons. Whole samples
of each source are in the corpus (``tests/data/html``, ``test_html_corpus.py``)."""

from __future__ import annotations

import pytest
from adf_literals import EM, STRONG, Json
from adf_literals import paragraph as _p
from adf_literals import text as _t
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adfkit import from_html, is_valid, iter_errors

CODE = {"type": "code"}


def _blocks(markup: str | bytes) -> list[Json]:
    doc = from_html(markup)
    assert list(iter_errors(doc)) == [], doc
    return doc["content"]  # type: ignore[no-any-return]


def _inline(markup: str) -> list[Json]:
    """The inline content of the one paragraph ``markup`` converts to."""
    blocks = _blocks(markup)
    assert len(blocks) == 1, blocks
    assert blocks[0]["type"] == "paragraph", blocks
    return blocks[0]["content"]  # type: ignore[no-any-return]


# --- text a browser draws: SVG labels, formulas, buttons -------------------------------------


def test_svg_text_is_kept_and_the_rest_of_the_drawing_is_not() -> None:
    markup = (
        '<p>Chart: <svg viewBox="0 0 10 10"><title>tooltip</title><desc>about</desc>'
        "<g>stray<rect/><text x='1'>Sales <tspan>2024</tspan></text><text>Q1</text></g>"
        "<style>.a{}</style></svg> end</p>"
    )
    assert _inline(markup) == [_t("Chart: Sales 2024 Q1 end")]


def test_html_inside_an_svg_foreign_object_is_read() -> None:
    markup = "<svg><foreignObject><p>in <b>HTML</b></p></foreignObject></svg>"
    assert _blocks(markup) == [_p(_t("in "), _t("HTML", STRONG))]


def test_mathml_shows_its_tokens_but_not_its_annotation() -> None:
    markup = (
        "<p><math><semantics><mrow><mi>x</mi><mo>=</mo><mn>2</mn></mrow>"
        '<annotation encoding="application/x-tex">x=2</annotation></semantics></math></p>'
    )
    assert _inline(markup) == [_t("x=2")]


def test_a_button_label_is_text_and_its_handler_is_not() -> None:
    markup = '<p>Press <button onclick="steal()">Save <i>now</i></button>.</p>'
    assert _inline(markup) == [_t("Press Save "), _t("now", EM), _t(".")]


# --- Confluence -------------------------------------------------------------------------------


def test_a_confluence_page_mention_is_a_mention_node() -> None:
    markup = (
        '<p>Ask <a class="confluence-userlink user-mention" data-account-id="5b10ac8d"'
        ' href="https://x.atlassian.net/wiki/people/5b10ac8d">Ana <b>Lima</b></a>.</p>'
    )
    assert _inline(markup) == [
        _t("Ask "),
        {"type": "mention", "attrs": {"id": "5b10ac8d", "text": "@Ana Lima"}},
        _t("."),
    ]


def test_a_storage_format_user_link_is_a_mention_named_by_its_body_if_any() -> None:
    markup = (
        '<p><ac:link><ri:user ri:account-id="557058:aa" /></ac:link> and '
        '<ac:link><ri:user ri:account-id="557058:bb" />'
        "<ac:plain-text-link-body><![CDATA[Sam]]></ac:plain-text-link-body></ac:link></p>"
    )
    assert _inline(markup) == [
        {"type": "mention", "attrs": {"id": "557058:aa"}},
        _t(" and "),
        {"type": "mention", "attrs": {"id": "557058:bb", "text": "@Sam"}},
    ]


@pytest.mark.parametrize(
    ("css", "colour"),
    [
        ("aui-lozenge", "neutral"),
        ("aui-lozenge aui-lozenge-success", "green"),
        ("aui-lozenge aui-lozenge-error", "red"),
        ("aui-lozenge aui-lozenge-current", "yellow"),
        ("aui-lozenge aui-lozenge-complete", "blue"),
        ("aui-lozenge aui-lozenge-progress", "purple"),
        ("status-macro aui-lozenge aui-lozenge-subtle aui-lozenge-moved", "purple"),
    ],
)
def test_a_page_status_lozenge_is_a_status_with_its_colour(css: str, colour: str) -> None:
    markup = f'<p>State: <span class="{css}" data-macro-name="status">In  progress</span></p>'
    assert _inline(markup) == [
        _t("State: "),
        {"type": "status", "attrs": {"text": "In progress", "color": colour}},
    ]


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("Grey", "neutral"),
        ("Red", "red"),
        ("Yellow", "yellow"),
        ("Green", "green"),
        ("Blue", "blue"),
        ("Purple", "purple"),
        (None, "neutral"),
    ],
)
def test_a_storage_status_macro_is_a_status_with_its_colour_and_title(
    colour: str | None, expected: str
) -> None:
    parameter = f'<ac:parameter ac:name="colour">{colour}</ac:parameter>' if colour else ""
    markup = (
        f'<p>Now <ac:structured-macro ac:name="status">{parameter}'
        '<ac:parameter ac:name="title">Shipped</ac:parameter></ac:structured-macro></p>'
    )
    assert _inline(markup) == [
        _t("Now "),
        {"type": "status", "attrs": {"text": "Shipped", "color": expected}},
    ]


def test_a_status_without_text_is_not_kept() -> None:
    assert _inline('<p>a <span class="aui-lozenge"> </span>b</p>') == [_t("a b")]
    markup = '<p>a <ac:structured-macro ac:name="status"></ac:structured-macro>b</p>'
    assert _inline(markup) == [_t("a b")]


def _tasks(*items: tuple[str, list[Json]]) -> Json:
    return {
        "type": "taskList",
        "attrs": {"localId": "task-list-1"},
        "content": [
            {"type": "taskItem", "attrs": {"localId": f"task-{n}", "state": state}, "content": c}
            for n, (state, c) in enumerate(items, 1)
        ],
    }


def test_a_page_inline_task_list_is_a_task_list() -> None:
    markup = (
        '<ul class="inline-task-list" data-inline-tasks-content-id="9">'
        '<li data-inline-task-id="1" class="checked"><span>Done <b>it</b></span></li>'
        '<li data-inline-task-id="2"><span>Later</span></li></ul>'
    )
    assert _blocks(markup) == [
        _tasks(("DONE", [_t("Done "), _t("it", STRONG)]), ("TODO", [_t("Later")]))
    ]


def test_a_storage_task_list_is_a_task_list() -> None:
    markup = (
        "<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>complete"
        "</ac:task-status><ac:task-body>Done</ac:task-body></ac:task>"
        "<ac:task><ac:task-id>8</ac:task-id><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body>Later</ac:task-body></ac:task>"
        "<ac:task><ac:task-body>No status</ac:task-body></ac:task></ac:task-list>"
    )
    assert _blocks(markup) == [
        _tasks(("DONE", [_t("Done")]), ("TODO", [_t("Later")]), ("TODO", [_t("No status")]))
    ]


# --- Google Docs ----------------------------------------------------------------------------


def test_a_google_docs_break_between_blocks_makes_no_paragraph() -> None:
    markup = '<b style="font-weight:normal"><p>a</p><br /><ul><li>b</li></ul><br /><p>c</p></b>'
    assert _blocks(markup) == [
        _p(_t("a")),
        {"type": "bulletList", "content": [{"type": "listItem", "content": [_p(_t("b"))]}]},
        _p(_t("c")),
    ]


def test_a_break_inside_a_paragraph_stays() -> None:
    assert _inline("<p>a<br>b</p>") == [_t("a"), {"type": "hardBreak"}, _t("b")]


LINK = {"type": "link", "attrs": {"href": "https://x.org/"}}


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="https://x.org/" style="text-decoration:none"><span style="color:#1155cc;'
        'text-decoration:underline">docs</span></a>',  # Google Docs
        '<a href="https://x.org/"><span style="color:#0563C1;text-decoration:underline">'
        "docs</span></a>",  # Word
        '<a href="https://x.org/" style="color:#0000ee;text-decoration:underline">docs</a>',
        '<a href="https://x.org/"><u>docs</u></a>',
    ],
)
def test_a_links_own_look_is_not_copied_as_marks(markup: str) -> None:
    assert _inline(markup) == [_t("docs", LINK)]


def test_a_colour_chosen_for_a_link_stays() -> None:
    markup = '<a href="https://x.org/"><span style="color:#cc0000">docs</span></a>'
    assert _inline(markup) == [
        _t("docs", LINK, {"type": "textColor", "attrs": {"color": "#cc0000"}})
    ]


@pytest.mark.parametrize(
    "family",
    [
        "'Courier New',monospace",
        '"Courier New"',
        "Consolas",
        "'Roboto Mono',monospace",
        "monospace",
        "Menlo, Monaco, monospace",
        "'Source Code Pro'",
    ],
)
def test_a_span_in_a_monospace_font_is_code(family: str) -> None:
    quoted = family.replace('"', "&quot;")
    markup = f'<p>run <span style="font-family:{quoted}">make</span></p>'
    assert _inline(markup) == [_t("run "), _t("make", CODE)]


@pytest.mark.parametrize("family", ["Arial,sans-serif", "'Times New Roman'", "Monotype Corsiva"])
def test_a_span_in_a_proportional_font_is_not_code(family: str) -> None:
    assert _inline(f'<p><span style="font-family:{family}">make</span></p>') == [_t("make")]


def test_an_old_font_face_in_a_monospace_font_is_code() -> None:
    assert _inline('<p><font face="Courier New">x = 1</font></p>') == [_t("x = 1", CODE)]


# --- Word ------------------------------------------------------------------------------------


def _word_item(level: int, marker: str, text: str, *, ignore_span: bool = True) -> str:
    inner = f"<span style='mso-list:Ignore'>{marker}</span>" if ignore_span else marker
    return (
        f"<p class=MsoListParagraph style='mso-list:l0 level{level} lfo1'>"
        f"<![if !supportLists]><span>{inner}<span style='font:7.0pt \"Times New Roman\"'>"
        f"&nbsp;&nbsp; </span></span><![endif]>{text}<o:p></o:p></p>"
    )


def _items(*paragraphs: Json | list[Json]) -> list[Json]:
    return [{"type": "listItem", "content": p if isinstance(p, list) else [p]} for p in paragraphs]


@pytest.mark.parametrize("ignore_span", [True, False])
def test_word_list_paragraphs_become_nested_lists_without_their_markers(
    ignore_span: bool,
) -> None:
    markup = "".join(
        _word_item(level, marker, text, ignore_span=ignore_span)
        for level, marker, text in [
            (1, "3.", "three"),
            (2, "a)", "three a"),
            (2, "b)", "three b"),
            (3, "\u00b7", "dot"),
            (1, "4.", "four"),
        ]
    )
    dot = {"type": "bulletList", "content": _items(_p(_t("dot")))}
    letters = {
        "type": "orderedList",
        "content": _items(_p(_t("three a")), [_p(_t("three b")), dot]),
    }
    assert _blocks(markup) == [
        {
            "type": "orderedList",
            "attrs": {"order": 3},
            "content": _items([_p(_t("three")), letters], _p(_t("four"))),
        }
    ]


def test_a_word_bullet_list_is_a_bullet_list() -> None:
    markup = _word_item(1, "\u00b7", "a") + _word_item(1, "o", "b")
    assert _blocks(markup) == [{"type": "bulletList", "content": _items(_p(_t("a")), _p(_t("b")))}]


# --- fragments of raw HTML, as Markdown carries them ----------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>x</b>", [_t("x", STRONG)]),
        ("<strong>x</strong> y", [_t("x", STRONG), _t(" y")]),
        ("<kbd>Ctrl</kbd>+<kbd>C</kbd>", [_t("Ctrl", CODE), _t("+"), _t("C", CODE)]),
        (
            "H<sub>2</sub>O",
            [_t("H"), _t("2", {"type": "subsup", "attrs": {"type": "sub"}}), _t("O")],
        ),
        ("a<br>b", [_t("a"), {"type": "hardBreak"}, _t("b")]),
        ("<!-- hidden -->shown", [_t("shown")]),
        ('<span onclick="steal()">text</span>', [_t("text")]),
    ],
)
def test_an_inline_fragment_is_one_paragraph_with_its_marks(
    markup: str, expected: list[Json]
) -> None:
    assert _inline(markup) == expected


def test_details_with_a_summary_is_an_expand_titled_by_it() -> None:
    assert _blocks("<details><summary>More <b>info</b></summary>body</details>") == [
        {"type": "expand", "attrs": {"title": "More info"}, "content": [_p(_t("body"))]}
    ]


def test_an_image_fragment_is_external_media() -> None:
    assert _blocks('<img src="https://x.org/a.png" alt="diagram">') == [
        {
            "type": "mediaSingle",
            "attrs": {"layout": "center"},
            "content": [
                {
                    "type": "media",
                    "attrs": {"type": "external", "url": "https://x.org/a.png", "alt": "diagram"},
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    "markup",
    [
        "<!-- a template's instructions -->",
        "<script>alert(1)</script>",
        "<style>p { color: red }</style>",
        '<iframe src="https://evil.example/"></iframe>',
    ],
)
def test_what_a_renderer_hides_gives_nothing(markup: str) -> None:
    assert _blocks(markup) == []


def test_a_fragment_that_is_only_a_break_is_a_hard_break() -> None:
    # Markdown's inline HTML arrives a tag at a time: `a<br>b` brings "<br>" alone.
    assert _inline("<br>") == [{"type": "hardBreak"}]


# --- pieces of every source, in any order ---------------------------------------------------

SOURCE_PIECES = [
    '<a class="user-mention" data-account-id="5b10ac8d">', "</a>",
    '<span class="status-macro aui-lozenge aui-lozenge-error">', "</span>",
    '<ul class="inline-task-list">', '<li data-inline-task-id="1" class="checked">', "</li>",
    "</ul>", '<ac:link><ri:user ri:account-id="557058:aa" />', "</ac:link>",
    "<ac:plain-text-link-body>", '<ac:structured-macro ac:name="status">',
    '<ac:parameter ac:name="colour">', '<ac:parameter ac:name="title">', "</ac:parameter>",
    "</ac:structured-macro>", "<ac:task-list>", "<ac:task>", "<ac:task-status>",
    "</ac:task-status>", "<ac:task-body>", "</ac:task-body>", "</ac:task>",
    '<b style="font-weight:normal">', "<br />", "<p dir=ltr>", "</p>",
    "<span style=\"font-family:'Roboto Mono',monospace;color:#188038\">",
    '<a href="https://x.org/"><span style="color:#1155cc;text-decoration:underline">',
    "<p class=MsoListParagraph style='mso-list:l0 level2 lfo1'>", "<![if !supportLists]>",
    "<span style='mso-list:Ignore'>", "1.", "a)", "\u00b7", "<![endif]>", "<o:p></o:p>",
    "<svg><text>", "</text></svg>", "<math><mi>", "<button>", "<details><summary>",
    "</summary>", "</details>", "word", "Green", "complete", " ", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SOURCE_PIECES), max_size=60))
def test_pieces_of_real_sources_convert_to_valid_adf(pieces: list[str]) -> None:
    doc = from_html("".join(pieces))
    assert is_valid(doc)
    assert list(iter_errors(doc)) == []


def test_a_paragraph_split_by_several_images_needs_no_repair() -> None:
    from adfkit.formats.html.reader import read_blocks

    image = '<img src="https://x.org/i.png">'
    blocks, _ = read_blocks(f"<p>a{image}b{image}c{image}d</p>")
    assert is_valid({"type": "doc", "version": 1, "content": blocks})
    assert [b["type"] for b in blocks] == ["paragraph", "mediaSingle"] * 3 + ["paragraph"]
