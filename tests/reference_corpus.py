"""Documents for adfkit's differential tests against Atlassian's references.

Three kinds of case, all plain JSON-ready values:

- ``SEEDS``: hand-written valid documents. Together they use every node type in
  ``adfkit.spec.NODES`` and every mark type in ``adfkit.spec.MARKS``.
- ``DEFECTS``: hand-written single-defect edits of the seeds, aimed at the places where
  the references are known to disagree (docs/validation.md, "Decisions")
  and at the rules every reference shares.
- ``generate_mutations``: a fixed-seed ``random.Random`` generator applying one random
  edit (delete a key, replace a value, swap a node type, add a mark, graft or duplicate a
  child...) to a random place in a random seed. Generated up front, so a whole batch goes
  to a reference in one call.

``ALLOWED_STRICTER`` is the commented allow-list of the classes where adfkit rejects on
purpose what a reference accepts; ``unexplained_errors`` tells which of adfkit's errors no
allow-listed class explains. The two test modules
(``test_differential_adf_utils.py``, ``test_differential_jsonschema.py``) import this
module by name: pytest's default ``prepend`` import mode puts ``tests/`` (which has no
``__init__.py``) on ``sys.path``.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from adfkit import ValidationError, is_valid, iter_errors
from adfkit.spec import MARKS, NODES, AttrsSpec

Json = Any
"""A parsed JSON value (documents are deliberately arbitrary, so no narrower type)."""


@dataclass(frozen=True)
class Case:
    """One document to compare. ``name`` says where it comes from and what it tries."""

    name: str
    doc: Json


# --- building blocks ---------------------------------------------------------------------


def doc(*blocks: Json) -> Json:
    return {"version": 1, "type": "doc", "content": list(blocks)}


def text(value: str, *marks: Json) -> Json:
    node: dict[str, Json] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def para(*inline: Json, marks: Sequence[Json] = (), **attrs: Json) -> Json:
    node: dict[str, Json] = {"type": "paragraph", "content": list(inline)}
    if attrs:
        node["attrs"] = attrs
    if marks:
        node["marks"] = list(marks)
    return node


def node(ntype: str, content: Sequence[Json] | None = None, **attrs: Json) -> Json:
    result: dict[str, Json] = {"type": ntype}
    if attrs:
        result["attrs"] = attrs
    if content is not None:
        result["content"] = list(content)
    return result


def mark(mtype: str, **attrs: Json) -> Json:
    return {"type": mtype, "attrs": attrs} if attrs else {"type": mtype}


def li(*blocks: Json) -> Json:
    return node("listItem", blocks)


def cell(*blocks: Json, header: bool = False, **attrs: Json) -> Json:
    return node("tableHeader" if header else "tableCell", blocks or [para(text("cell"))], **attrs)


def media_file(media_id: str = "6e7c7f2c-dd7a-499c-bceb-6f32bfbf30b5") -> Json:
    return node(
        "media", type="file", id=media_id, collection="my-collection", width=640, height=480
    )


# Valid instances of every mark, for the generator to add anywhere.
MARK_SAMPLES: Final[dict[str, Json]] = {
    "alignment": mark("alignment", align="center"),
    "annotation": mark("annotation", id="ann-1", annotationType="inlineComment"),
    "backgroundColor": mark("backgroundColor", color="#fffae6"),
    "border": mark("border", color="#091e4224", size=2),
    "breakout": mark("breakout", mode="wide"),
    "code": mark("code"),
    "dataConsumer": mark("dataConsumer", sources=["frag-1"]),
    "em": mark("em"),
    "fontSize": mark("fontSize", fontSize="small"),
    "fragment": mark("fragment", localId="frag-1", name="Fragment one"),
    "indentation": mark("indentation", level=2),
    "link": mark("link", href="https://example.com/page?q=1#top", title="Example"),
    "strike": mark("strike"),
    "strong": mark("strong"),
    "subsup": mark("subsup", type="sup"),
    "textColor": mark("textColor", color="#ff5630"),
    "underline": mark("underline"),
}


def m(mtype: str) -> Json:
    """A fresh copy of a valid mark."""
    return copy.deepcopy(MARK_SAMPLES[mtype])


# --- valid seeds -------------------------------------------------------------------------


def _nested_lists(depth: int) -> Json:
    inner: Json = node("bulletList", [li(para(text("bottom")))])
    for level in range(depth - 1):
        inner = node("bulletList", [li(para(text(f"level {depth - 1 - level}")), inner)])
    return doc(inner)


_SEED_LIST: Final[list[tuple[str, Json]]] = [
    ("paragraph", doc(para(text("Hello, world")))),
    ("empty-doc", {"version": 1, "type": "doc", "content": []}),
    ("empty-paragraph", doc({"type": "paragraph", "content": []})),
    ("paragraph-without-content", doc({"type": "paragraph"})),
    (
        "font-style-marks",
        doc(para(text("all four", m("strong"), m("em"), m("underline"), m("strike")))),
    ),
    ("code-mark", doc(para(text("x = 1", m("code")), text(" then "), text("y", m("code"))))),
    (
        "subsup",
        doc(
            para(
                text("H"), text("2", mark("subsup", type="sub")), text("O"), text("n", m("subsup"))
            )
        ),
    ),
    ("colours", doc(para(text("red on yellow", m("textColor"), m("backgroundColor"))))),
    (
        "link",
        doc(para(text("a link", m("link")), text(" and "), text("bare", mark("link", href="#a")))),
    ),
    (
        "link-attrs",
        doc(
            para(
                text(
                    "full link",
                    mark(
                        "link",
                        href="mailto:someone@example.com",
                        title="Mail",
                        id="l1",
                        collection="c",
                        occurrenceKey="k",
                    ),
                )
            )
        ),
    ),
    ("link-strong", doc(para(text("bold link", m("link"), m("strong"))))),
    ("annotation", doc(para(text("commented", m("annotation"), m("strong"))))),
    ("annotation-code", doc(para(text("commented code", m("annotation"), m("code"))))),
    (
        "two-annotations",
        doc(
            para(
                text(
                    "two threads",
                    m("annotation"),
                    mark("annotation", id="ann-2", annotationType="inlineComment"),
                )
            )
        ),
    ),
    (
        "headings",
        doc(*(node("heading", [text(f"Heading {n}")], level=n) for n in range(1, 7))),
    ),
    (
        "heading-alignment",
        doc({**node("heading", [text("Centred")], level=2), "marks": [m("alignment")]}),
    ),
    (
        "heading-indentation",
        doc({**node("heading", [text("In")], level=3), "marks": [m("indentation")]}),
    ),
    ("paragraph-indentation", doc(para(text("indented"), marks=[mark("indentation", level=6)]))),
    (
        "paragraph-alignment-font",
        doc(para(text("small, end"), marks=[mark("alignment", align="end"), m("fontSize")])),
    ),
    (
        "hard-break",
        doc(
            para(
                text("line one"), node("hardBreak"), text("line two"), node("hardBreak", text="\n")
            )
        ),
    ),
    (
        "inline-nodes",
        doc(
            para(
                node("emoji", shortName=":grinning:", id="1f600", text="\U0001f600"),
                text(" "),
                node(
                    "mention", id="5b10ac8d82e05b22cc7d4ef5", text="@Ann", accessLevel="CONTAINER"
                ),
                text(" "),
                node("date", timestamp="1700000000000"),
                text(" "),
                node("status", text="In progress", color="blue", localId="s1", style="bold"),
                text(" "),
                node("placeholder", text="Type here"),
                text(" "),
                node("inlineCard", url="https://example.atlassian.net/browse/ABC-1"),
            )
        ),
    ),
    ("inline-card-data", doc(para(node("inlineCard", data={"@type": "Document", "name": "x"})))),
    (
        "inline-extension",
        doc(
            para(
                node(
                    "inlineExtension",
                    extensionType="com.atlassian.confluence.macro.core",
                    extensionKey="status",
                    parameters={"macroParams": {"colour": {"value": "Green"}}},
                    text="fallback",
                )
            )
        ),
    ),
    (
        "media-inline",
        doc(
            para(
                text("see "),
                {
                    **node("mediaInline", id="c0ffee00-aaaa", collection="files", type="file"),
                    "marks": [m("link"), m("border")],
                },
            )
        ),
    ),
    ("bullet-list", doc(node("bulletList", [li(para(text("one"))), li(para(text("two")))]))),
    (
        "ordered-list",
        doc(node("orderedList", [li(para(text("three"))), li(para(text("four")))], order=3)),
    ),
    (
        "nested-lists",
        doc(
            node(
                "bulletList",
                [
                    li(
                        para(text("parent")),
                        node("orderedList", [li(para(text("child")))]),
                        node(
                            "taskList",
                            [node("taskItem", [text("todo")], localId="t9", state="TODO")],
                            localId="tl9",
                        ),
                    )
                ],
            )
        ),
    ),
    (
        "list-item-starts-with-code",
        doc(node("bulletList", [li(node("codeBlock", [text("x")]), para(text("after")))])),
    ),
    (
        "list-item-starts-with-list",
        doc(node("bulletList", [li(node("bulletList", [li(para(text("inner")))]))])),
    ),
    (
        "task-list",
        doc(
            node(
                "taskList",
                [
                    node("taskItem", [text("to do")], localId="t1", state="TODO"),
                    node(
                        "taskItem",
                        [text("done "), node("date", timestamp="0")],
                        localId="t2",
                        state="DONE",
                    ),
                    node("taskList", [node("taskItem", localId="t3", state="TODO")], localId="tl2"),
                    node("blockTaskItem", [para(text("block task"))], localId="t4", state="DONE"),
                ],
                localId="tl1",
            )
        ),
    ),
    (
        "decisions",
        doc(
            node(
                "decisionList",
                [node("decisionItem", [text("we decided")], localId="d1", state="DECIDED")],
                localId="dl1",
            )
        ),
    ),
    (
        "blockquote",
        doc(
            node("blockquote", [para(text("quoted")), node("bulletList", [li(para(text("item")))])])
        ),
    ),
    ("code-block", doc(node("codeBlock", [text("print('hi')\n")], language="python"))),
    ("code-block-empty", doc(node("codeBlock", language="text"))),
    (
        "code-block-breakout",
        doc(
            {
                **node("codeBlock", [text("wide")], wrap=True, hideLineNumbers=False),
                "marks": [m("breakout")],
            }
        ),
    ),
    (
        "panels",
        doc(
            *(
                node("panel", [para(text(kind))], panelType=kind)
                for kind in ("info", "note", "tip", "warning", "error", "success")
            ),
            node(
                "panel",
                [node("heading", [text("custom")], level=4), node("rule")],
                panelType="custom",
                panelColor="#ABF5D1",
                panelIcon=":smile:",
                panelIconId="1f604",
                panelIconText="\U0001f604",
            ),
        ),
    ),
    ("rule", doc(para(text("above")), node("rule"), para(text("below")))),
    (
        "expand",
        doc(
            node(
                "expand",
                [para(text("hidden")), node("nestedExpand", [para(text("deeper"))], title="More")],
                title="Details",
            )
        ),
    ),
    (
        "expand-breakout",
        doc(
            {
                **node("expand", [para(text("wide"))]),
                "marks": [mark("breakout", mode="full-width", width=1800)],
            }
        ),
    ),
    (
        "table",
        doc(
            node(
                "table",
                [
                    node("tableRow", [cell(header=True), cell(header=True, colwidth=[120])]),
                    node(
                        "tableRow",
                        [
                            cell(para(text("a")), colspan=2, background="#DEEBFF"),
                        ],
                    ),
                    node(
                        "tableRow",
                        [
                            cell(rowspan=1, valign="top"),
                            cell(node("nestedExpand", [para(text("n"))], title="")),
                        ],
                    ),
                ],
                isNumberColumnEnabled=False,
                layout="default",
                localId="tbl-1",
                displayMode="default",
                width=760,
            )
        ),
    ),
    (
        "table-fragment",
        doc({**node("table", [node("tableRow", [cell()])]), "marks": [m("fragment")]}),
    ),
    (
        "layout-two-columns",
        doc(
            node(
                "layoutSection",
                [
                    node("layoutColumn", [para(text("left"))], width=50),
                    node("layoutColumn", [para(text("right"))], width=50, valign="middle"),
                ],
            )
        ),
    ),
    (
        "layout-three-columns-breakout",
        doc(
            {
                **node(
                    "layoutSection",
                    [node("layoutColumn", [para(text(str(i)))], width=33.33) for i in range(3)],
                ),
                "marks": [m("breakout")],
            }
        ),
    ),
    (
        "media-single-caption",
        doc(
            node(
                "mediaSingle",
                [
                    media_file(),
                    node("caption", [text("A caption "), node("emoji", shortName=":x:")]),
                ],
                layout="center",
                width=50,
                widthType="percentage",
            )
        ),
    ),
    (
        "media-single-pixel",
        doc(node("mediaSingle", [media_file()], layout="wide", width=600, widthType="pixel")),
    ),
    (
        "media-single-link",
        doc({**node("mediaSingle", [media_file()], layout="center"), "marks": [m("link")]}),
    ),
    (
        "media-group",
        doc(
            node(
                "mediaGroup",
                [
                    media_file("a"),
                    {**media_file("b"), "marks": [m("link"), m("annotation"), m("border")]},
                    {**media_file("c"), "marks": [m("dataConsumer")]},
                ],
            )
        ),
    ),
    (
        "media-external",
        doc(
            node(
                "mediaSingle",
                [node("media", type="external", url="https://example.com/cat.png", alt="cat")],
                layout="align-start",
            )
        ),
    ),
    (
        "extension",
        doc(
            {
                **node(
                    "extension",
                    extensionType="com.atlassian.confluence.macro.core",
                    extensionKey="toc",
                    parameters={"macroParams": {}, "list": [1, 2.5, None, True, "x"]},
                    layout="default",
                    localId="ext-1",
                ),
                "marks": [m("dataConsumer"), m("fragment")],
            }
        ),
    ),
    (
        "bodied-extension",
        doc(
            node(
                "bodiedExtension",
                [para(text("inside")), node("table", [node("tableRow", [cell()])])],
                extensionType="com.atlassian.confluence.macro.core",
                extensionKey="details",
            )
        ),
    ),
    (
        "cards",
        doc(
            node("blockCard", url="https://example.com/a"),
            node("blockCard", data={"@type": "Object"}),
            node(
                "blockCard",
                datasource={"id": "ds-1", "parameters": {"jql": "x"}, "views": [{"type": "table"}]},
                url="https://example.com/ds",
                layout="wide",
            ),
            node(
                "embedCard",
                url="https://example.com/embed",
                layout="center",
                width=80,
                originalHeight=300,
            ),
        ),
    ),
    (
        "sync-blocks",
        doc(
            node("syncBlock", localId="sb-1", resourceId="res-1"),
            node("bodiedSyncBlock", [para(text("synced"))], localId="sb-2", resourceId="res-2"),
        ),
    ),
    ("deep-lists-100", _nested_lists(100)),
    ("whitespace-text", doc(para(text("   "), text("\t")))),
    ("version-float", {"version": 1.0, "type": "doc", "content": [para(text("v"))]}),
    ("heading-level-float", doc(node("heading", [text("one point oh")], level=1.0))),
    ("emoji-shortname-only", doc(para(node("emoji", shortName=":smile:")))),
    ("paragraph-local-id", doc(para(text("id'd"), localId="abc-123"))),
    ("unicode-text", doc(para(text("caf\u00e9 \u65e5\u672c \U0001f600 \u200b")))),
    (
        "mixed",
        doc(
            node("heading", [text("Report", m("em"))], level=1),
            para(text("Bold", m("strong")), text(" and "), text("code", m("code"))),
            node("panel", [node("orderedList", [li(para(text("x")))])], panelType="note"),
            node("expand", [node("table", [node("tableRow", [cell()])])], title="T"),
        ),
    ),
]

SEEDS: Final[list[Case]] = [Case(f"seed/{name}", d) for name, d in _SEED_LIST]
_SEED_BY_NAME: Final[dict[str, Json]] = dict(_SEED_LIST)


# --- JSON Pointer helpers ----------------------------------------------------------------


def _tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _step(value: Json, token: str) -> Json:
    return value[int(token)] if isinstance(value, list) else value[token]


def resolve(value: Json, pointer: str) -> Json:
    """The value ``pointer`` names inside ``value``; raises LookupError/ValueError if none."""
    for token in _tokens(pointer):
        value = _step(value, token)
    return value


def _edit(base: Json, op: str, pointer: str, value: Json = None) -> Json:
    """A deep copy of ``base`` with one edit: ``set`` (or add) a key, ``delete`` a key or
    item, or ``insert`` into an array before the index (``-`` appends)."""
    result = copy.deepcopy(base)
    *parents, last = _tokens(pointer)
    target = result
    for token in parents:
        target = _step(target, token)
    if op == "set":
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    elif op == "delete":
        del target[int(last) if isinstance(target, list) else last]
    elif op == "insert":
        target.insert(len(target) if last == "-" else int(last), value)
    else:
        raise ValueError(op)
    return result


# --- hand-written single-defect documents --------------------------------------------------

P0: Final = "/content/0"  # the first block
I0: Final = "/content/0/content/0"  # its first child


def _defect(seed: str, op: str, pointer: str, value: Json = None) -> Json:
    return _edit(_SEED_BY_NAME[seed], op, pointer, value)


_NAN: Final = float("nan")
_INF: Final = float("inf")

_DEFECT_LIST: Final[list[tuple[str, Json]]] = [
    # Rejected by adf-utils only (the JSON schema accepts): unsafe or relative link hrefs,
    # and `marks: []`.
    ("href-javascript", _defect("link", "set", f"{I0}/marks/0/attrs/href", "javascript:alert(1)")),
    ("href-relative", _defect("link", "set", f"{I0}/marks/0/attrs/href", "foo/bar")),
    ("href-schemeless", _defect("link", "set", f"{I0}/marks/0/attrs/href", "www.example.com")),
    (
        "href-data-uri",
        _defect("link", "set", f"{I0}/marks/0/attrs/href", "data:text/html,<b>x</b>"),
    ),
    (
        "inline-card-javascript",
        _defect("inline-nodes", "set", f"{P0}/content/10/attrs/url", "javascript:x"),
    ),
    ("block-card-relative", _defect("cards", "set", f"{P0}/attrs/url", "cards/a")),
    ("embed-card-vbscript", _defect("cards", "set", "/content/3/attrs/url", "vbscript:msgbox(1)")),
    ("empty-marks-on-text", _defect("paragraph", "set", f"{I0}/marks", [])),
    ("empty-marks-on-paragraph", _defect("paragraph", "set", f"{P0}/marks", [])),
    # Rejected by the schema only (adf-utils accepts): version other than the number 1,
    # optional attributes set to null.
    ("version-2", _defect("paragraph", "set", "/version", 2)),
    ("version-string", _defect("paragraph", "set", "/version", "1")),
    ("code-language-null", _defect("code-block", "set", f"{P0}/attrs/language", None)),
    ("panel-icon-null", _defect("panels", "set", "/content/6/attrs/panelIcon", None)),
    ("mention-text-null", _defect("inline-nodes", "set", f"{P0}/content/2/attrs/text", None)),
    ("link-title-null", _defect("link", "set", f"{I0}/marks/0/attrs/title", None)),
    ("ordered-list-order-null", _defect("ordered-list", "set", f"{P0}/attrs/order", None)),
    # Rejected by the editor only (adf-utils and the schema accept).
    ("strong-twice", _defect("paragraph", "set", f"{I0}/marks", [m("strong"), m("strong")])),
    (
        "link-twice",
        _defect("link", "insert", f"{I0}/marks/-", mark("link", href="https://other.example")),
    ),
    (
        "text-color-twice",
        _defect("colours", "insert", f"{I0}/marks/-", mark("textColor", color="#000000")),
    ),
    ("code-and-link", _defect("code-mark", "insert", f"{I0}/marks/-", m("link"))),
    ("table-row-without-cells", _defect("table-fragment", "set", f"{I0}/content", [])),
    # adf-utils crashes (TypeError), the schema rejects; except `marks: null`, which
    # adf-utils accepts (it skips falsy marks).
    ("null-in-content", _defect("paragraph", "insert", f"{P0}/content/0", None)),
    ("null-block", _defect("paragraph", "insert", "/content/0", None)),
    ("content-object", _defect("paragraph", "set", f"{P0}/content", {"type": "text", "text": "x"})),
    ("content-string", _defect("paragraph", "set", "/content", "hello")),
    ("marks-object", _defect("paragraph", "set", f"{I0}/marks", {"type": "strong"})),
    ("marks-null", _defect("paragraph", "set", f"{I0}/marks", None)),
    # adfkit rejects all of these on purpose; the references accept them, except that
    # adf-utils rejects `java\tscript:` and NaN/Infinity in a typed number attribute
    # (NaN inside opaque extension parameters gets through everywhere).
    (
        "href-newline-trick",
        _defect("link", "set", f"{I0}/marks/0/attrs/href", "javascript:alert(1)\nhttps://x"),
    ),
    (
        "href-tab-in-scheme",
        _defect("link", "set", f"{I0}/marks/0/attrs/href", "java\tscript:alert(1)"),
    ),
    (
        "href-leading-newline",
        _defect("link", "set", f"{I0}/marks/0/attrs/href", "\nhttps://x\njavascript:y"),
    ),
    (
        "media-url-javascript",
        _defect("media-external", "set", f"{I0}/attrs/url", "javascript:alert(1)"),
    ),
    ("lone-surrogate-text", _defect("paragraph", "set", f"{I0}/text", "bad \ud800 half")),
    ("lone-surrogate-attr", _defect("inline-nodes", "set", f"{P0}/content/8/attrs/text", "\udfff")),
    ("nul-text", _defect("paragraph", "set", f"{I0}/text", "nul\x00here")),
    (
        "nul-in-extension-parameters",
        _defect("extension", "set", f"{P0}/attrs/parameters/macroParams/k", "\x00"),
    ),
    ("colspan-zero", _defect("table", "set", "/content/0/content/1/content/0/attrs/colspan", 0)),
    (
        "colspan-fraction",
        _defect("table", "set", "/content/0/content/1/content/0/attrs/colspan", 1.5),
    ),
    ("rowspan-zero", _defect("table", "set", "/content/0/content/2/content/0/attrs/rowspan", 0)),
    ("heading-level-fraction", _defect("headings", "set", f"{P0}/attrs/level", 1.5)),
    ("ordered-list-order-fraction", _defect("ordered-list", "set", f"{P0}/attrs/order", 1.5)),
    (
        "indentation-level-fraction",
        _defect("paragraph-indentation", "set", f"{P0}/marks/0/attrs/level", 2.5),
    ),
    (
        "date-yesterday",
        _defect("inline-nodes", "set", f"{P0}/content/4/attrs/timestamp", "yesterday"),
    ),
    ("date-iso", _defect("inline-nodes", "set", f"{P0}/content/4/attrs/timestamp", "2024-01-01")),
    ("media-width-nan", _defect("media-group", "set", f"{I0}/attrs/width", _NAN)),
    ("layout-width-nan", _defect("layout-two-columns", "set", f"{I0}/attrs/width", _NAN)),
    ("heading-level-nan", _defect("headings", "set", f"{P0}/attrs/level", _NAN)),
    ("table-width-infinity", _defect("table", "set", f"{P0}/attrs/width", _INF)),
    ("extension-parameter-nan", _defect("extension", "set", f"{P0}/attrs/parameters/list/1", _NAN)),
    # full.json rejects, adf-utils accepts (found by the generator; see ALLOWED_STRICTER).
    ("paragraph-attrs-true", _defect("paragraph", "set", f"{P0}/attrs", True)),
    ("paragraph-attrs-array", _defect("paragraph", "set", f"{P0}/attrs", [])),
    ("text-marks-null", _defect("paragraph", "set", f"{I0}/marks", None)),
    ("text-marks-false", _defect("paragraph", "set", f"{I0}/marks", False)),
    ("paragraph-content-null", _defect("paragraph", "set", f"{P0}/content", None)),
    ("paragraph-content-zero", _defect("paragraph", "set", f"{P0}/content", 0)),
    ("rule-marks-null", _defect("rule", "set", "/content/1/marks", None)),
    ("doc-attrs-null", _defect("paragraph", "set", "/attrs", None)),
    ("text-attrs-empty-string", _defect("paragraph", "set", f"{I0}/attrs", "")),
    (
        "strong-attrs-null",
        _defect("paragraph", "set", f"{I0}/marks", [{"type": "strong", "attrs": None}]),
    ),
    (
        "strong-extra-key",
        _defect("paragraph", "set", f"{I0}/marks", [{"type": "strong", "foo": 1}]),
    ),
    ("link-extra-key", _defect("link", "set", f"{I0}/marks/0/localId", "l-1")),
    (
        "annotation-on-emoji",
        _defect("emoji-shortname-only", "set", f"{I0}/marks", [m("annotation")]),
    ),
    (
        "annotation-on-inline-card",
        _defect("inline-card-data", "set", f"{I0}/marks", [m("annotation")]),
    ),
    ("datasource-extra-key", _defect("cards", "set", "/content/2/attrs/datasource/foo", 1)),
    (
        "datasource-view-extra-key",
        _defect("cards", "set", "/content/2/attrs/datasource/views/0/foo", 1),
    ),
    ("block-card-datasource-url-null", _defect("cards", "set", "/content/2/attrs/url", None)),
    ("version-0", _defect("paragraph", "set", "/version", 0)),
    ("root-paragraph", para(text("no doc"))),
    ("root-mark", {"type": "strong"}),
    # adf-utils requires these opaque values to be JSON objects (null only where the
    # attribute is optional); full.json allows any JSON value there ({}).
    ("extension-parameters-string", _defect("extension", "set", f"{P0}/attrs/parameters", "x")),
    ("extension-parameters-array", _defect("extension", "set", f"{P0}/attrs/parameters", [])),
    (
        "inline-extension-parameters-number",
        _defect("inline-extension", "set", f"{I0}/attrs/parameters", 1),
    ),
    (
        "bodied-extension-parameters-true",
        _defect("bodied-extension", "set", f"{P0}/attrs/parameters", True),
    ),
    ("inline-card-data-null", _defect("inline-card-data", "set", f"{I0}/attrs/data", None)),
    ("inline-card-data-string", _defect("inline-card-data", "set", f"{I0}/attrs/data", "x")),
    ("block-card-data-array", _defect("cards", "set", "/content/1/attrs/data", [])),
    ("media-inline-data-number", _defect("media-inline", "set", f"{P0}/content/1/attrs/data", 6)),
    (
        "datasource-parameters-null",
        _defect("cards", "set", "/content/2/attrs/datasource/parameters", None),
    ),
    (
        "datasource-view-properties-string",
        _defect("cards", "set", "/content/2/attrs/datasource/views/0/properties", "x"),
    ),
    # full.json allows fontSize on a paragraph in a blockTaskItem; adf-utils rejects any
    # mark there (under a tuple-like parent it validates a child against the first
    # candidate, paragraph_with_no_marks, only), and adfkit follows it
    # (schema/editor-rules.json, no_child_marks). `marks: []` passes adf-utils there.
    (
        "block-task-item-paragraph-font-size",
        _defect("task-list", "set", f"{P0}/content/3/content/0/marks", [m("fontSize")]),
    ),
    ("media-in-media-single-empty-marks", _defect("media-single-pixel", "set", f"{I0}/marks", [])),
    # full.json leaves these open; adfkit rejects them, and so does adf-utils except
    # the one-column layoutSection inside a bodiedSyncBlock.
    ("media-single-unknown-key", _defect("media-single-pixel", "set", f"{P0}/localId", "ms-1")),
    (
        "bodied-sync-block-paragraph-strong",
        _defect("sync-blocks", "set", "/content/1/content/0/marks", [m("strong")]),
    ),
    (
        "bodied-sync-block-one-column-layout",
        _defect(
            "sync-blocks",
            "insert",
            "/content/1/content/-",
            node("layoutSection", [node("layoutColumn", [para(text("only"))], width=100)]),
        ),
    ),
    (
        "block-task-item-third-child-rule",
        _defect(
            "task-list",
            "set",
            f"{P0}/content/3/content",
            [para(text("one")), para(text("two")), node("rule")],
        ),
    ),
    # Every reference rejects these.
    ("unknown-node", _defect("paragraph", "set", f"{P0}/type", "paragraf")),
    ("unknown-mark", _defect("paragraph", "set", f"{I0}/marks", [{"type": "bold"}])),
    ("strong-and-code", _defect("code-mark", "insert", f"{I0}/marks/-", m("strong"))),
    ("link-without-href", _defect("link", "set", f"{I0}/marks/0/attrs", {"title": "x"})),
    ("link-without-attrs", _defect("link", "set", f"{I0}/marks/0", {"type": "link"})),
    ("marks-on-code-block-text", _defect("code-block", "set", f"{I0}/marks", [m("strong")])),
    ("code-on-code-block-text", _defect("code-block", "set", f"{I0}/marks", [m("code")])),
    ("empty-text", _defect("paragraph", "set", f"{I0}/text", "")),
    ("text-missing", _defect("paragraph", "delete", f"{I0}/text")),
    ("text-number", _defect("paragraph", "set", f"{I0}/text", 5)),
    (
        "paragraph-in-paragraph",
        _defect("paragraph", "insert", f"{P0}/content/-", para(text("inner"))),
    ),
    ("empty-table", _defect("table-fragment", "set", f"{P0}/content", [])),
    ("heading-level-7", _defect("headings", "set", f"{P0}/attrs/level", 7)),
    ("heading-level-0", _defect("headings", "set", f"{P0}/attrs/level", 0)),
    ("heading-level-string", _defect("headings", "set", f"{P0}/attrs/level", "1")),
    ("heading-without-attrs", _defect("headings", "delete", f"{P0}/attrs")),
    ("panel-type-bad", _defect("panels", "set", f"{P0}/attrs/panelType", "danger")),
    ("mention-without-id", _defect("inline-nodes", "delete", f"{P0}/content/2/attrs/id")),
    ("empty-media-single", _defect("media-single-pixel", "set", f"{P0}/content", [])),
    (
        "caption-before-media",
        _defect(
            "media-single-caption",
            "set",
            f"{P0}/content",
            [node("caption", [text("c")]), media_file()],
        ),
    ),
    (
        "media-single-two-media",
        _defect("media-single-pixel", "insert", f"{P0}/content/-", media_file()),
    ),
    (
        "media-single-pixel-without-width",
        _defect("media-single-pixel", "delete", f"{P0}/attrs/width"),
    ),
    ("media-without-collection", _defect("media-group", "delete", f"{I0}/attrs/collection")),
    ("media-type-bad", _defect("media-group", "set", f"{I0}/attrs/type", "image")),
    ("unknown-attr", _defect("paragraph", "set", f"{P0}/attrs", {"colour": "red"})),
    ("attrs-on-text", _defect("paragraph", "set", f"{I0}/attrs", {})),
    (
        "attrs-on-strong",
        _defect("paragraph", "set", f"{I0}/marks", [{"type": "strong", "attrs": {}}]),
    ),
    ("unknown-top-level-key", _defect("paragraph", "set", f"{P0}/colour", "red")),
    (
        "expand-in-expand",
        _defect("expand", "insert", f"{P0}/content/-", node("expand", [para(text("x"))])),
    ),
    (
        "nested-expand-at-root",
        _defect("paragraph", "insert", "/content/-", node("nestedExpand", [para(text("x"))])),
    ),
    (
        "hard-break-in-code-block",
        _defect("code-block", "insert", f"{P0}/content/-", node("hardBreak")),
    ),
    ("missing-version", _defect("paragraph", "delete", "/version")),
    ("version-null", _defect("paragraph", "set", "/version", None)),
    ("root-missing-content", _defect("paragraph", "delete", "/content")),
    ("text-at-root", _defect("paragraph", "insert", "/content/-", text("loose"))),
    ("list-item-at-root", _defect("paragraph", "insert", "/content/-", li(para(text("x"))))),
    ("bullet-list-empty", _defect("bullet-list", "set", f"{P0}/content", [])),
    (
        "bullet-list-holds-paragraph",
        _defect("bullet-list", "insert", f"{P0}/content/-", para(text("x"))),
    ),
    (
        "list-item-starts-with-heading",
        _defect("bullet-list", "set", f"{I0}/content/0", node("heading", [text("h")], level=1)),
    ),
    (
        "table-in-table",
        _defect(
            "table-fragment",
            "set",
            f"{I0}/content/0/content",
            [node("table", [node("tableRow", [cell()])])],
        ),
    ),
    ("cell-outside-row", _defect("table-fragment", "set", f"{P0}/content", [cell()])),
    ("cell-empty", _defect("table-fragment", "set", f"{I0}/content/0/content", [])),
    ("layout-one-column", _defect("layout-two-columns", "delete", f"{I0}")),
    (
        "layout-four-columns",
        _defect(
            "layout-three-columns-breakout",
            "insert",
            f"{P0}/content/-",
            node("layoutColumn", [para(text("4"))], width=25),
        ),
    ),
    (
        "layout-column-width-over-100",
        _defect("layout-two-columns", "set", f"{I0}/attrs/width", 101),
    ),
    (
        "alignment-in-list-item",
        _defect("bullet-list", "set", f"{I0}/content/0/marks", [m("alignment")]),
    ),
    (
        "alignment-and-indentation",
        _defect("paragraph-indentation", "insert", f"{P0}/marks/-", m("alignment")),
    ),
    ("breakout-on-paragraph", _defect("paragraph", "set", f"{P0}/marks", [m("breakout")])),
    (
        "font-size-large",
        _defect("paragraph-alignment-font", "set", f"{P0}/marks/1/attrs/fontSize", "large"),
    ),
    ("data-consumer-no-sources", _defect("extension", "set", f"{P0}/marks/0/attrs/sources", [])),
    ("fragment-empty-local-id", _defect("extension", "set", f"{P0}/marks/1/attrs/localId", "")),
    (
        "annotation-type-bad",
        _defect("annotation", "set", f"{I0}/marks/0/attrs/annotationType", "review"),
    ),
    ("text-color-short-hex", _defect("colours", "set", f"{I0}/marks/0/attrs/color", "#fff")),
    ("border-size-4", _defect("media-group", "set", "/content/0/content/1/marks/2/attrs/size", 4)),
    (
        "subsup-bad-type",
        _defect("subsup", "set", "/content/0/content/1/marks/0/attrs/type", "super"),
    ),
    ("strong-on-paragraph", _defect("paragraph", "set", f"{P0}/marks", [m("strong")])),
    (
        "mark-without-type",
        _defect("media-inline", "set", f"{P0}/content/1/marks/0", {"attrs": {"href": "https://x"}}),
    ),
    ("task-state-bad", _defect("task-list", "set", f"{I0}/attrs/state", "WIP")),
    ("task-list-without-local-id", _defect("task-list", "delete", f"{P0}/attrs")),
    ("decision-list-holds-task", _defect("decisions", "set", f"{I0}/type", "taskItem")),
    ("status-colour-bad", _defect("inline-nodes", "set", f"{P0}/content/6/attrs/color", "pink")),
    ("status-empty-text", _defect("inline-nodes", "set", f"{P0}/content/6/attrs/text", "")),
    ("date-empty-timestamp", _defect("inline-nodes", "set", f"{P0}/content/4/attrs/timestamp", "")),
    (
        "date-number-timestamp",
        _defect("inline-nodes", "set", f"{P0}/content/4/attrs/timestamp", 1700000000000),
    ),
    ("hard-break-text-bad", _defect("hard-break", "set", f"{P0}/content/3/attrs/text", " ")),
    ("extension-empty-key", _defect("extension", "set", f"{P0}/attrs/extensionKey", "")),
    ("bodied-extension-empty", _defect("bodied-extension", "set", f"{P0}/content", [])),
    ("embed-card-width-over-100", _defect("cards", "set", "/content/3/attrs/width", 101)),
    ("block-card-no-shape", _defect("cards", "set", f"{P0}/attrs", {"localId": "x"})),
    ("datasource-no-views", _defect("cards", "set", "/content/2/attrs/datasource/views", [])),
    ("sync-block-without-resource", _defect("sync-blocks", "delete", f"{P0}/attrs/resourceId")),
    (
        "emoji-without-short-name",
        _defect("emoji-shortname-only", "delete", f"{I0}/attrs/shortName"),
    ),
    (
        "code-and-em-in-caption",
        _defect(
            "media-single-caption",
            "insert",
            f"{P0}/content/1/content/-",
            text("c", m("code"), m("em")),
        ),
    ),
    ("mark-not-object", _defect("paragraph", "set", f"{I0}/marks", ["strong"])),
    ("node-is-array", _defect("paragraph", "set", "/content/0", [para(text("x"))])),
    ("type-number", _defect("paragraph", "set", f"{P0}/type", 1)),
    ("type-missing", _defect("paragraph", "delete", f"{P0}/type")),
    ("attrs-array", _defect("headings", "set", f"{P0}/attrs", [])),
    ("root-array", [doc(para(text("x")))]),
    ("root-null", None),
]

DEFECTS: Final[list[Case]] = [Case(f"defect/{name}", d) for name, d in _DEFECT_LIST]
HAND_WRITTEN: Final[list[Case]] = SEEDS + DEFECTS


def types_used(value: Json) -> tuple[set[str], set[str]]:
    """The node types and mark types appearing in a (valid) document."""
    nodes: set[str] = set()
    marks: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("type"), str):
                nodes.add(item["type"])
            for mk in item.get("marks") or []:
                marks.add(mk["type"])
            stack.extend(item.get("content") or [])
    return nodes, marks


# --- the random mutation generator ---------------------------------------------------------

_PLAIN_VALUES: Final[tuple[Json, ...]] = (None, 0, 1, -1, 1.5, "", "x", [], {}, True, False)

# Values aimed at particular attribute kinds and at the known disagreements.
_STRING_VALUES: Final[tuple[Json, ...]] = (
    "",
    " ",
    "x",
    "\ud800",
    "a\x00b",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript:alert(1)\nhttps://x",
    "https://x\njavascript:alert(1)",
    "foo/bar",
    "//evil.example/x",
    "www.example.com",
    "https://example.com",
    "#anchor",
    "/relative/path",
    "mailto:a@b.c",
    "yesterday",
    "1700000000000",
    "-1",
    "neutral",
    "#00FF00",
    "#0f0",
    "default",
    "wide",
    "center",
    "TODO",
    "DONE",
    "small",
    "sub",
    "inlineComment",
    "external",
    "file",
    "pixel",
    "percentage",
)
_NUMBER_VALUES: Final[tuple[Json, ...]] = (
    0,
    1,
    1.0,
    1.5,
    -1,
    2,
    3,
    6,
    7,
    100,
    100.5,
    101,
    1e300,
    -0.0,
    _NAN,
    _INF,
    -_INF,
    True,
    "1",
)


@dataclass(frozen=True)
class _Spot:
    """A place in a document: the container (object or array) and how it was reached."""

    pointer: str
    value: Json


def _spots(value: Json) -> list[_Spot]:
    found: list[_Spot] = []
    stack: list[_Spot] = [_Spot("", value)]
    while stack:
        spot = stack.pop()
        found.append(spot)
        if isinstance(spot.value, dict):
            for key, child in spot.value.items():
                if isinstance(child, dict | list):
                    token = str(key).replace("~", "~0").replace("/", "~1")
                    stack.append(_Spot(f"{spot.pointer}/{token}", child))
        elif isinstance(spot.value, list):
            for i, child in enumerate(spot.value):
                if isinstance(child, dict | list):
                    stack.append(_Spot(f"{spot.pointer}/{i}", child))
    return found


def _is_node(value: Json) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str) and value["type"] in NODES


def _attr_names(ntype: str) -> list[str]:
    names: set[str] = set()
    alternatives: tuple[AttrsSpec, ...] = NODES[ntype].attrs if ntype in NODES else ()
    for alt in alternatives:
        names.update(alt.properties)
    return sorted(names)


def _sample_node(rng: random.Random, donors: Sequence[Json]) -> Json:
    """A copy of a valid node (not a root) taken from one of ``donors``."""
    while True:
        donor = rng.choice(donors)
        nodes = [s.value for s in _spots(donor) if _is_node(s.value) and s.pointer]
        if nodes:
            return copy.deepcopy(rng.choice(nodes))


Mutation = Callable[[random.Random, Json, Sequence[Json]], "str | None"]
"""Edits a document in place and says what it did (None: nothing to do here). ``donors``
are the documents grafts may take nodes from."""


def _mut_delete_key(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    objs = [s for s in _spots(d) if isinstance(s.value, dict) and s.value]
    spot = rng.choice(objs)
    key = rng.choice(sorted(spot.value))
    del spot.value[key]
    return f"delete {spot.pointer}/{key}"


def _mut_set_plain(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    objs = [s for s in _spots(d) if isinstance(s.value, dict) and s.value]
    spot = rng.choice(objs)
    key = rng.choice(sorted(spot.value))
    new = copy.deepcopy(rng.choice(_PLAIN_VALUES))
    spot.value[key] = new
    return f"set {spot.pointer}/{key} = {new!r}"


def _mut_attr_value(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    """Set an attribute (existing or one the node's spec knows) to an aimed value."""
    holders: list[tuple[str, Json, list[str]]] = []
    for s in _spots(d):
        if _is_node(s.value):
            names = sorted(set(_attr_names(s.value["type"])) | set(s.value.get("attrs") or {}))
            if names:
                holders.append((s.pointer, s.value, names))
        elif (
            isinstance(s.value, dict)
            and s.value.get("type") in MARKS
            and isinstance(s.value.get("attrs"), dict)
        ):
            mspec = MARKS[s.value["type"]]
            names = sorted(
                {n for alt in mspec.attrs for n in alt.properties} | set(s.value["attrs"])
            )
            holders.append((s.pointer, s.value, names))
    if not holders:
        return None
    pointer, holder, names = rng.choice(holders)
    name = rng.choice(names)
    current = holder.get("attrs", {}).get(name) if isinstance(holder.get("attrs"), dict) else None
    pool = (
        _NUMBER_VALUES
        if isinstance(current, int | float) and not isinstance(current, bool)
        else _STRING_VALUES
    )
    if rng.random() < 0.25:
        pool = _PLAIN_VALUES + _STRING_VALUES + _NUMBER_VALUES
    new = copy.deepcopy(rng.choice(pool))
    if not isinstance(holder.get("attrs"), dict):
        holder["attrs"] = {}
    holder["attrs"][name] = new
    return f"set {pointer}/attrs/{name} = {new!r}"


def _mut_swap_type(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    nodes = [s for s in _spots(d) if _is_node(s.value)]
    spot = rng.choice(nodes)
    new = rng.choice(sorted(NODES))
    old = spot.value["type"]
    spot.value["type"] = new
    return f"retype {spot.pointer} {old} -> {new}"


def _mut_add_mark(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    nodes = [s for s in _spots(d) if _is_node(s.value) and s.pointer]
    if not nodes:
        return None
    spot = rng.choice(nodes)
    mtype = rng.choice(sorted(MARKS))
    marks = spot.value.get("marks")
    if not isinstance(marks, list):
        marks = spot.value["marks"] = []
    marks.insert(rng.randint(0, len(marks)), m(mtype))
    return f"add mark {mtype} at {spot.pointer}"


def _mut_mark_edit(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    """Retype, drop, duplicate or empty an existing marks array."""
    holders = [
        s for s in _spots(d) if isinstance(s.value, dict) and isinstance(s.value.get("marks"), list)
    ]
    holders = [h for h in holders if h.value["marks"]]
    if not holders:
        return None
    spot = rng.choice(holders)
    marks = spot.value["marks"]
    i = rng.randrange(len(marks))
    choice = rng.randrange(4)
    if choice == 0 and isinstance(marks[i], dict):
        new = rng.choice(sorted(MARKS))
        marks[i]["type"] = new
        return f"retype mark {spot.pointer}/marks/{i} -> {new}"
    if choice == 1:
        del marks[i]
        return f"delete mark {spot.pointer}/marks/{i}"
    if choice == 2:
        marks.insert(i, copy.deepcopy(marks[i]))
        return f"duplicate mark {spot.pointer}/marks/{i}"
    spot.value["marks"] = []
    return f"empty marks {spot.pointer}/marks"


def _content_lists(d: Json) -> list[_Spot]:
    return [
        _Spot(f"{s.pointer}/content", s.value["content"])
        for s in _spots(d)
        if _is_node(s.value) and isinstance(s.value.get("content"), list)
    ]


def _mut_duplicate_child(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    lists = [s for s in _content_lists(d) if s.value]
    if not lists:
        return None
    spot = rng.choice(lists)
    i = rng.randrange(len(spot.value))
    spot.value.insert(i, copy.deepcopy(spot.value[i]))
    return f"duplicate {spot.pointer}/{i}"


def _mut_remove_child(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    lists = [s for s in _content_lists(d) if s.value]
    if not lists:
        return None
    spot = rng.choice(lists)
    i = rng.randrange(len(spot.value))
    del spot.value[i]
    return f"remove {spot.pointer}/{i}"


def _mut_graft(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    """Insert a valid node from some seed into a random content array."""
    lists = _content_lists(d)
    if not lists:
        return None
    spot = rng.choice(lists)
    grafted = _sample_node(rng, donors)
    i = rng.randint(0, len(spot.value))
    spot.value.insert(i, grafted)
    return f"insert {grafted['type']} at {spot.pointer}/{i}"


def _mut_insert_junk(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    lists = [s for s in _spots(d) if isinstance(s.value, list)]
    if not lists:
        return None
    spot = rng.choice(lists)
    junk: Json = copy.deepcopy(rng.choice((None, 0, "text", [], {}, {"type": "text"}, {"type": 7})))
    i = rng.randint(0, len(spot.value))
    spot.value.insert(i, junk)
    return f"insert {junk!r} at {spot.pointer}/{i}"


def _mut_add_key(rng: random.Random, d: Json, donors: Sequence[Json]) -> str | None:
    objs = [s for s in _spots(d) if isinstance(s.value, dict)]
    spot = rng.choice(objs)
    key = rng.choice(
        ("attrs", "marks", "content", "text", "version", "localId", "__private", "foo")
    )
    new = copy.deepcopy(rng.choice(_PLAIN_VALUES))
    spot.value[key] = new
    return f"add {spot.pointer}/{key} = {new!r}"


_MUTATIONS: Final[tuple[tuple[Mutation, int], ...]] = (
    (_mut_delete_key, 3),
    (_mut_set_plain, 3),
    (_mut_attr_value, 6),
    (_mut_swap_type, 3),
    (_mut_add_mark, 4),
    (_mut_mark_edit, 3),
    (_mut_duplicate_child, 2),
    (_mut_remove_child, 2),
    (_mut_graft, 4),
    (_mut_insert_junk, 1),
    (_mut_add_key, 2),
)


def generate_mutations(
    count: int,
    *,
    seed: int = 20240607,
    seeds: Sequence[Case] = SEEDS,
    max_bytes: int | None = None,
) -> list[Case]:
    """``count`` single-mutation documents, reproducible from ``seed``.

    Each case is one of ``seeds`` with one random edit; grafted nodes come from the same
    seeds. ``max_bytes`` limits the seeds to those whose compact JSON is at most that
    long (python-jsonschema is slow on big documents, and exponential in nesting).
    """
    pool = [
        s
        for s in seeds
        if max_bytes is None or len(json.dumps(s.doc, separators=(",", ":"))) <= max_bytes
    ]
    donors = [s.doc for s in pool]
    rng = random.Random(seed)
    mutations, weights = zip(*_MUTATIONS, strict=True)
    cases: list[Case] = []
    while len(cases) < count:
        base = rng.choice(pool)
        mutated = copy.deepcopy(base.doc)
        mutation = rng.choices(mutations, weights=weights)[0]
        what = mutation(rng, mutated, donors)
        if what is None:
            continue
        cases.append(
            Case(f"mutation/{len(cases)}/{base.name.removeprefix('seed/')}: {what}", mutated)
        )
    return cases


# --- where adfkit is stricter on purpose ---------------------------------------------------


def _parent_pointer(pointer: str, levels: int = 1) -> str:
    tokens = _tokens(pointer)
    return "".join(
        "/" + t.replace("~", "~0").replace("/", "~1") for t in tokens[: len(tokens) - levels]
    )


def _value_at(d: Json, pointer: str) -> Json:
    """The value at ``pointer``, or None when there is none."""
    try:
        return resolve(d, pointer)
    except (LookupError, ValueError, TypeError):
        return None


def _last(e: ValidationError) -> str | None:
    tokens = _tokens(e.path)
    return tokens[-1] if tokens else None


def _is_mark_object(d: Json, pointer: str) -> bool:
    """Whether ``pointer`` names an item of some node's ``marks`` array."""
    tokens = _tokens(pointer)
    return len(tokens) >= 2 and tokens[-2] == "marks" and tokens[-1].isdigit()


def _attrs_owner(d: Json, e: ValidationError) -> tuple[Json, bool]:
    """The node or mark whose ``attrs`` hold the error's value, and whether it is a mark."""
    tokens = _tokens(e.path)
    if "attrs" not in tokens:
        return None, False
    cut = len(tokens) - 1 - tokens[::-1].index("attrs")
    owner_pointer = "".join("/" + t for t in tokens[:cut])
    return _value_at(d, owner_pointer), _is_mark_object(d, owner_pointer)


def _null_optional_attribute(d: Json, e: ValidationError) -> bool:
    """The error sits in an ``attrs`` object holding nulls, and goes away when the nulls
    are dropped (adf-utils reads an attribute set to null as absent). A required
    attribute set to null stays an error: dropped, it is missing."""
    raw = e.path.split("/")
    if "attrs" not in raw:
        return False
    cut = len(raw) - 1 - raw[::-1].index("attrs")
    if len(raw) - cut > 2:
        return False  # deeper than one attribute: not about the attrs object itself
    attrs_pointer = "/".join(raw[: cut + 1])
    attrs = _value_at(d, attrs_pointer)
    if not isinstance(attrs, dict) or None not in attrs.values():
        return False
    cleaned = copy.deepcopy(d)
    target = resolve(cleaned, attrs_pointer)
    for key in [k for k, v in target.items() if v is None]:
        del target[key]
    return not any(
        err.path == attrs_pointer or err.path.startswith(attrs_pointer + "/")
        for err in iter_errors(cleaned)
    )


def _marks_hold(d: Json, e: ValidationError, wanted: set[str]) -> bool:
    tokens = _tokens(e.path)
    while tokens and tokens[-1] != "marks":
        tokens.pop()
    marks = _value_at(d, "".join(f"/{t}" for t in tokens))
    return isinstance(marks, list) and wanted <= {
        mk.get("type") for mk in marks if isinstance(mk, dict)
    }


def _table_row_without_cells(d: Json, e: ValidationError) -> bool:
    owner = _value_at(d, _parent_pointer(e.path))
    return (
        e.code == "TOO_FEW_CHILDREN"
        and isinstance(owner, dict)
        and owner.get("type") == "tableRow"
        and owner.get("content") == []
    )


def _url_with_control_characters(d: Json, e: ValidationError) -> bool:
    value = _value_at(d, e.path)
    return (
        e.code == "UNSAFE_URL"
        and isinstance(value, str)
        and any(ch <= " " or ch == "\x7f" for ch in value.strip(" \t\n\r\f\v"))
    )


def _unsafe_media_url(d: Json, e: ValidationError) -> bool:
    owner, is_mark = _attrs_owner(d, e)
    return (
        e.code == "UNSAFE_URL"
        and not is_mark
        and isinstance(owner, dict)
        and owner.get("type") == "media"
    )


def _not_a_container(d: Json, e: ValidationError) -> bool:
    """`attrs`, `marks` or `content` holding a scalar or the wrong container."""
    if _last(e) not in ("attrs", "marks", "content"):
        return False
    value = _value_at(d, e.path)
    if e.code == "WRONG_TYPE":
        return True
    # A node or mark that takes no attrs/marks, given a falsy one (adf-utils skips falsy
    # values: `"marks": null` on a rule, `"attrs": ""` on a text, `"attrs": null` on strong).
    return e.code == "UNKNOWN_PROPERTY" and not value and value != [] and value != {}


def _unknown_key_on_mark(d: Json, e: ValidationError) -> bool:
    return e.code == "UNKNOWN_PROPERTY" and _is_mark_object(d, _parent_pointer(e.path))


_ANNOTATABLE: Final = frozenset(
    {"date", "emoji", "inlineCard", "mention", "placeholder", "status", "hardBreak"}
)


def _annotation_on_inline_node(d: Json, e: ValidationError) -> bool:
    if e.code == "MARK_NOT_ALLOWED":
        item = _value_at(d, e.path)
        owner = _value_at(d, _parent_pointer(e.path, 2))
    elif e.code == "UNKNOWN_PROPERTY" and _last(e) == "marks":
        item = None
        owner = _value_at(d, _parent_pointer(e.path))
    else:
        return False
    if not isinstance(owner, dict) or owner.get("type") not in _ANNOTATABLE:
        return False
    marks = owner.get("marks")
    if not isinstance(marks, list) or not marks:
        return False
    if item is not None and not (isinstance(item, dict) and item.get("type") == "annotation"):
        return False
    return all(isinstance(mk, dict) and mk.get("type") == "annotation" for mk in marks)


def _inside_datasource(d: Json, e: ValidationError) -> bool:
    tokens = _tokens(e.path)
    return (
        e.code == "UNKNOWN_ATTRIBUTE"
        and len(tokens) >= 4
        and "datasource" in tokens[:-1]
        and tokens[tokens.index("datasource") - 1] == "attrs"
    )


def _root_not_a_doc(d: Json, e: ValidationError) -> bool:
    if e.path != "" or not isinstance(d, dict):
        return False
    if e.code == "ROOT_NOT_DOC":
        return True
    return e.code == "UNKNOWN_NODE" and d.get("type") in MARKS


_OPAQUE: Final = frozenset({"parameters", "data", "properties"})


def _opaque_value_not_object(d: Json, e: ValidationError) -> bool:
    """An extension's `parameters`, a card's or mediaInline's `data`, a datasource's
    `parameters` or a view's `properties` that is not a JSON object."""
    return (
        e.code == "WRONG_TYPE"
        and _last(e) in _OPAQUE
        and "attrs" in _tokens(e.path)
        and not isinstance(_value_at(d, e.path), dict)
    )


def _open_media_single(d: Json, e: ValidationError) -> bool:
    owner = _value_at(d, _parent_pointer(e.path))
    return (
        e.code == "UNKNOWN_PROPERTY"
        and isinstance(owner, dict)
        and owner.get("type") == "mediaSingle"
    )


def _bodied_sync_block_base_child(d: Json, e: ValidationError) -> bool:
    """The error is in a part of a bodiedSyncBlock's child that full.json leaves open
    there: it lists the base definitions paragraph_node and heading_node (marks: any
    array), layoutSection_node (no column count) and mediaSingle_node (no content rule)."""
    raw = e.path.split("/")
    for cut in range(len(raw) - 2, 0, -1):
        if raw[cut] != "content" or not raw[cut + 1].isdigit():
            continue
        parent = _value_at(d, "/".join(raw[:cut]))
        if not (isinstance(parent, dict) and parent.get("type") == "bodiedSyncBlock"):
            continue
        child = _value_at(d, "/".join(raw[: cut + 2]))
        rest = raw[cut + 2 :]
        kind = child.get("type") if isinstance(child, dict) else None
        if kind in ("paragraph", "heading") and rest[:1] == ["marks"]:
            return True
        if kind == "layoutSection" and rest == ["content"]:
            return e.code in ("TOO_FEW_CHILDREN", "TOO_MANY_CHILDREN")
        if kind == "mediaSingle" and rest[:1] == ["content"]:
            return True
    return False


def _tuple_tail(d: Json, e: ValidationError) -> bool:
    """The error is in a blockTaskItem's third or later child, which full.json's
    two-item tuple `items` (no `additionalItems`) does not constrain."""
    raw = e.path.split("/")
    for cut in range(len(raw) - 2, 0, -1):
        if raw[cut] != "content" or not raw[cut + 1].isdigit() or int(raw[cut + 1]) < 2:
            continue
        parent = _value_at(d, "/".join(raw[:cut]))
        if isinstance(parent, dict) and parent.get("type") == "blockTaskItem":
            return True
    return False


_COUNTS: Final = frozenset({"colspan", "rowspan", "level", "order"})


@dataclass(frozen=True)
class StricterClass:
    """A kind of document adfkit rejects on purpose although a reference accepts it.

    ``matches`` looks at one of adfkit's errors (and the document it points into).
    """

    name: str
    why: str
    matches: Callable[[Json, ValidationError], bool]


# A document adfkit rejects and a reference accepts is explained when every one of
# adfkit's errors falls in a class allowed for that reference (ADF_UTILS_ALLOWED,
# JSONSCHEMA_ALLOWED below).
ALLOWED_STRICTER: Final[dict[str, StricterClass]] = {
    c.name: c
    for c in (
        # --- the editor (ProseMirror schema) rejects; adf-utils and full.json accept ---
        # A mark type applied twice (annotation may repeat with different ids).
        StricterClass(
            "duplicate-mark",
            "the editor rejects the same mark twice",
            lambda d, e: e.code == "DUPLICATE_MARK",
        ),
        # `code` excludes `link` in the editor's schema.
        StricterClass(
            "code-with-link",
            "the editor rejects code + link on one text",
            lambda d, e: e.code == "MARKS_CONFLICT" and _marks_hold(d, e, {"code", "link"}),
        ),
        # ProseMirror's content expression for tableRow is `(tableCell | tableHeader)+`.
        StricterClass(
            "table-row-without-cells",
            "the editor rejects a tableRow with no cells",
            _table_row_without_cells,
        ),
        # --- full.json rejects; adf-utils does not look (adfkit follows full.json) ---
        StricterClass(
            "version-not-1",
            "full.json says `version` is the number 1; adf-utils does not check it",
            lambda d, e: e.path == "/version" and e.code in ("NOT_IN_ENUM", "WRONG_TYPE"),
        ),
        # adf-utils treats an optional attribute set to null as absent.
        StricterClass(
            "optional-attribute-null",
            "full.json rejects null for an optional attribute; adf-utils ignores it",
            _null_optional_attribute,
        ),
        # adf-utils skips falsy `attrs`/`marks`/`content` (null, false, 0, "") and accepts
        # `attrs: true`, `1` or `[]` on nodes whose attributes are all optional.
        StricterClass(
            "attrs-marks-content-not-container",
            "adf-utils skips attrs/marks/content that are not objects/arrays",
            _not_a_container,
        ),
        # adf-utils checks a mark's `type` and `attrs` only; full.json closes mark objects.
        StricterClass(
            "unknown-key-on-mark",
            "adf-utils ignores extra keys on a mark object",
            _unknown_key_on_mark,
        ),
        # adf-utils' validator spec lets inline nodes (emoji, mention, date, status,
        # inlineCard...) carry `annotation`; full.json 57.7.22 gives them no marks at all.
        StricterClass(
            "annotation-on-inline-node",
            "adf-utils allows annotation marks on inline nodes; full.json does not",
            _annotation_on_inline_node,
        ),
        # adf-utils checks blockCard's `datasource` shallowly; full.json closes it and its
        # views.
        StricterClass(
            "datasource-extra-keys",
            "adf-utils does not close blockCard.attrs.datasource or its views",
            _inside_datasource,
        ),
        # adf-utils validates any node (or even a mark) handed to it as the root.
        StricterClass(
            "root-not-a-doc",
            "adf-utils accepts any node as the root",
            _root_not_a_doc,
        ),
        # --- every reference accepts; adfkit rejects on its own authority ---
        # adf-utils' safe-URL regexes carry the multiline flag, so one allowed line is
        # enough; adfkit refuses any whitespace or control character inside a link.
        StricterClass(
            "url-with-control-characters",
            "adf-utils checks URLs line by line",
            _url_with_control_characters,
        ),
        # adfkit checks media.url like the other URLs; no reference does.
        StricterClass(
            "unsafe-media-url",
            "adfkit adds media.url to the safe-URL check",
            _unsafe_media_url,
        ),
        # A lone surrogate cannot be encoded as UTF-8 for the wire.
        StricterClass(
            "lone-surrogate",
            "a lone surrogate is not encodable",
            lambda d, e: e.code == "INVALID_STRING" and "surrogate" in e.message,
        ),
        # U+0000 is refused by databases and JSON columns downstream.
        StricterClass(
            "nul-character",
            "U+0000 inside a string",
            lambda d, e: e.code == "INVALID_STRING" and "U+0000" in e.message,
        ),
        # Counts and levels are integers in every renderer; the references say `number`.
        StricterClass(
            "count-not-integer",
            "colspan/rowspan/level/order 1.5",
            lambda d, e: e.code == "NOT_INTEGER" and _last(e) in _COUNTS,
        ),
        StricterClass(
            "span-below-1",
            "colspan/rowspan 0",
            lambda d, e: e.code == "OUT_OF_RANGE" and _last(e) in ("colspan", "rowspan"),
        ),
        # A date's timestamp is epoch milliseconds; the references ask for any non-empty
        # string.
        StricterClass(
            "timestamp-not-digits",
            "date timestamp such as 'yesterday'",
            lambda d, e: e.code == "PATTERN_MISMATCH" and _last(e) == "timestamp",
        ),
        # NaN and the infinities are not JSON; nothing can send them to Jira.
        StricterClass(
            "non-finite-number",
            "NaN or Infinity",
            lambda d, e: e.code == "NOT_FINITE",
        ),
        # --- adf-utils rejects; full.json accepts ---
        # adf-utils' validator spec types these `object`; full.json allows any JSON value.
        StricterClass(
            "opaque-value-not-object",
            "parameters/data/properties must be an object in adf-utils; full.json says {}",
            _opaque_value_not_object,
        ),
        # mediaSingle_node has `additionalProperties: true` in full.json (its variants are
        # built with allOf), so unknown keys on a mediaSingle pass the schema.
        StricterClass(
            "media-single-unknown-key",
            "full.json leaves mediaSingle open to unknown keys",
            _open_media_single,
        ),
        # bodiedSyncBlock's content in full.json lists base definitions that the other
        # parents only use through their stricter variants.
        StricterClass(
            "bodied-sync-block-base-child",
            "full.json leaves marks, column counts and mediaSingle content open there",
            _bodied_sync_block_base_child,
        ),
        # blockTaskItem's content is a two-item tuple in full.json; later items are free.
        StricterClass(
            "block-task-item-tail",
            "full.json does not constrain a blockTaskItem's third and later children",
            _tuple_tail,
        ),
        # adf-utils rejects any mark on a paragraph inside a blockTaskItem, fontSize
        # included, which full.json allows; adfkit follows adf-utils.
        StricterClass(
            "block-task-item-paragraph-mark",
            "adf-utils rejects marks on a paragraph inside a blockTaskItem",
            lambda d, e: (
                e.code == "MARK_NOT_ALLOWED" and "`paragraph` inside `blockTaskItem`" in e.message
            ),
        ),
        # adf-utils' safe-URL check rejects javascript:, relative and scheme-less links.
        StricterClass(
            "unsafe-url",
            "adf-utils rejects unsafe or relative URLs; full.json has no URL rule",
            lambda d, e: e.code == "UNSAFE_URL",
        ),
        # adf-utils rejects `marks: []` in most places (its feature flag for accepting it
        # is off); full.json allows an empty array.
        StricterClass(
            "empty-marks",
            "adf-utils rejects marks: [] (in most places); full.json accepts it",
            lambda d, e: e.code == "EMPTY_MARKS",
        ),
    )
}

ADF_UTILS_ALLOWED: Final[tuple[str, ...]] = (
    # adfkit rejects `marks: []` everywhere; adf-utils rejects it in most places (often by
    # `throw undefined`) but accepts it where its candidate search lands on a spec that
    # takes an empty array (measured: media in mediaSingle, paragraph in blockTaskItem).
    "empty-marks",
    "duplicate-mark",
    "code-with-link",
    "table-row-without-cells",
    "version-not-1",
    "optional-attribute-null",
    "attrs-marks-content-not-container",
    "unknown-key-on-mark",
    "annotation-on-inline-node",
    "datasource-extra-keys",
    "root-not-a-doc",
    # adf-utils mirrors full.json's base definitions inside bodiedSyncBlock: measured, it
    # accepts a one-column layoutSection there (but still rejects strong on a paragraph).
    "bodied-sync-block-base-child",
    "url-with-control-characters",
    "unsafe-media-url",
    "lone-surrogate",
    "nul-character",
    "count-not-integer",
    "span-below-1",
    "timestamp-not-digits",
    "non-finite-number",
)
"""Where adfkit may reject what adf-utils accepts."""

JSONSCHEMA_ALLOWED: Final[tuple[str, ...]] = (
    "duplicate-mark",
    "code-with-link",
    "table-row-without-cells",
    "unsafe-url",
    "empty-marks",
    "opaque-value-not-object",
    "media-single-unknown-key",
    "bodied-sync-block-base-child",
    "block-task-item-tail",
    "block-task-item-paragraph-mark",
    "lone-surrogate",
    "nul-character",
    "count-not-integer",
    "span-below-1",
    "timestamp-not-digits",
    "non-finite-number",
)
"""Where adfkit may reject what full.json accepts. The full.json-only classes of
ADF_UTILS_ALLOWED (version, nulls, shapes, closed objects, the root) are not here: the
schema rejects those itself."""


def explain(d: Json, error: ValidationError, allowed: Sequence[str]) -> str | None:
    """The first allowed class that explains ``error``, or None."""
    for name in allowed:
        try:
            if ALLOWED_STRICTER[name].matches(d, error):
                return name
        except (LookupError, ValueError, TypeError):
            continue
    return None


def unexplained_errors(
    d: Json, errors: Sequence[ValidationError], allowed: Sequence[str]
) -> list[ValidationError]:
    return [e for e in errors if explain(d, e, allowed) is None]


# --- comparing adfkit with a reference ------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """adfkit's and one reference's verdicts on one case."""

    case: Case
    reference_valid: bool
    reference_message: str
    """The reference's error (adf-utils' thrown message, or the schema's best match)."""
    errors: tuple[ValidationError, ...]
    """adfkit's errors (``iter_errors``)."""
    is_valid: bool
    """adfkit's ``is_valid``; must agree with ``errors``."""
    classes: tuple[str | None, ...]
    """For each adfkit error, the allowed class explaining it (None: unexplained);
    only filled in when the reference accepts."""

    @property
    def adfkit_valid(self) -> bool:
        return not self.errors

    @property
    def wrong_direction(self) -> bool:
        """adfkit accepts what the reference rejects: never allowed."""
        return self.adfkit_valid and not self.reference_valid

    @property
    def unexplained(self) -> tuple[ValidationError, ...]:
        """adfkit's errors on a document the reference accepts that no allowed class
        explains."""
        return tuple(e for e, c in zip(self.errors, self.classes, strict=True) if c is None)

    @property
    def inconsistent(self) -> bool:
        return self.is_valid != self.adfkit_valid

    @property
    def ok(self) -> bool:
        return not (self.wrong_direction or self.unexplained or self.inconsistent)

    def report(self, reference: str) -> str:
        lines = [f"{self.case.name}", f"  document: {short(self.case.doc)}"]
        verdict = "accepts" if self.reference_valid else f"rejects: {self.reference_message}"
        lines.append(f"  {reference}: {verdict}")
        if self.errors:
            lines.append("  adfkit rejects:")
            for e, c in zip(self.errors, self.classes, strict=True):
                note = "" if self.reference_valid is False else f"  [{c or 'UNEXPLAINED'}]"
                lines.append(f"    {e}{note}")
        else:
            lines.append("  adfkit accepts")
        if self.inconsistent:
            lines.append(f"  adfkit.is_valid() says {self.is_valid}, iter_errors() disagrees")
        return "\n".join(lines)


def compare(
    case: Case, reference_valid: bool, reference_message: str, allowed: Sequence[str]
) -> Comparison:
    errors = tuple(iter_errors(case.doc))
    classes: tuple[str | None, ...] = tuple(
        explain(case.doc, e, allowed) if reference_valid else "reference rejects too"
        for e in errors
    )
    return Comparison(case, reference_valid, reference_message, errors, is_valid(case.doc), classes)


def failure_report(comparisons: Sequence[Comparison], reference: str, limit: int = 40) -> str:
    """A readable summary of the comparisons that are not ok."""
    bad = [c for c in comparisons if not c.ok]
    wrong = [c for c in bad if c.wrong_direction]
    unexplained = [c for c in bad if c.unexplained]
    inconsistent = [c for c in bad if c.inconsistent]
    head = (
        f"{len(bad)} of {len(comparisons)} documents disagree with {reference}: "
        f"{len(wrong)} accepted by adfkit but rejected by {reference}, "
        f"{len(unexplained)} rejected by adfkit for a reason outside the allow-list, "
        f"{len(inconsistent)} where is_valid() and iter_errors() disagree"
    )
    shown = [c.report(reference) for c in bad[:limit]]
    more = [f"... and {len(bad) - limit} more"] if len(bad) > limit else []
    return "\n\n".join([head, *shown, *more])


def to_transport(value: Json) -> Json:
    """``value`` with non-finite floats replaced by ``{"$nonFinite": "NaN"}`` and the like,
    so it survives ``json.dumps(allow_nan=False)``; the node side turns them back."""
    if isinstance(value, float) and not math.isfinite(value):
        name = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return {"$nonFinite": name}
    if isinstance(value, dict):
        return {k: to_transport(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_transport(v) for v in value]
    return value


def short(value: Json, limit: int = 600) -> str:
    """Compact JSON for reports (NaN and lone surrogates shown as Python's json writes them)."""
    shown = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
