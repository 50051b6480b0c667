"""The HTML corpus in ``tests/data/html``: HTML files shaped like what users paste or
fetch, and the exact ADF each must convert to.

- ``<name>.html``: the input, read as bytes and given to ``from_html`` as bytes, so the
  converter decodes it itself (``windows-1252.html`` is stored in that encoding and says
  so in a ``<meta charset>``; the Word fragments keep Windows line endings).
- ``<name>.json``: the complete expected ADF document.

Real-world shapes: a Google Docs clipboard fragment (and its ``ul > ul`` nested lists),
a Word clipboard fragment (``mso-`` styles, ``<o:p>``, ``MsoNormal``, and its lists
drawn as paragraphs with fake bullets inside ``<!--[if !supportLists]-->``), a
Confluence page as exported and in storage format (and one of each with user mentions,
status lozenges and task lists), a Google Docs paste with inline code and links, a Word
paste with nested numbered lists, a README as GitHub renders it, and a newsletter e-mail. Hostile and edge cases: script, style and template content, event
handler attributes, unsafe URL schemes, unclosed and misnested tags, entities, a
windows-1252 page, whitespace, ``<pre>``, spans, ``<details>``, and blocks where ADF
does not allow them.

The expectations were written by hand from what a browser shows (HTML5 parsing rules
for unclosed and misnested tags) and adfkit's mapping, not copied from adfkit's output.
Where the two disagree the expectation stays and the case is listed in
``DISAGREEMENTS`` with the reason: those conversions are expected to fail (strictly, so
that a fixed converter makes the entry go away).

Marks are compared as a set: ADF gives their order no meaning.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest

import adfkit
from adfkit.repair import text_of

CORPUS = Path(__file__).resolve().parent / "data" / "html"
SOURCES = sorted(CORPUS.glob("*.html"))

DISAGREEMENTS: dict[str, str] = {}


def _expected(source: Path) -> dict[str, Any]:
    doc = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{source.stem}.json must hold a JSON object"
    return doc


def _sorted_marks(node: Any) -> Any:
    """``node`` with every ``marks`` list in one canonical order."""
    if isinstance(node, list):
        return [_sorted_marks(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _sorted_marks(value) for key, value in node.items()}
    if isinstance(out.get("marks"), list):
        out["marks"] = sorted(out["marks"], key=lambda m: json.dumps(m, sort_keys=True))
    return out


def _params(with_disagreements: bool) -> list[Any]:
    params: list[Any] = []
    for source in SOURCES:
        reason = DISAGREEMENTS.get(source.stem)
        marks = (
            [pytest.mark.xfail(strict=True, reason=reason)] if reason and with_disagreements else []
        )
        params.append(pytest.param(source, id=source.stem, marks=marks))
    return params


# --- the corpus itself ---------------------------------------------------------------------


def test_the_corpus_is_there() -> None:
    assert len(SOURCES) >= 20


def test_every_html_file_has_its_expected_document() -> None:
    assert [p.name for p in SOURCES if not p.with_suffix(".json").is_file()] == []


def test_every_json_file_belongs_to_an_html_file() -> None:
    orphans = [p.name for p in CORPUS.glob("*.json") if not p.with_suffix(".html").is_file()]
    assert orphans == []


def test_every_disagreement_names_a_fixture() -> None:
    assert sorted(set(DISAGREEMENTS) - {p.stem for p in SOURCES}) == []


@pytest.mark.parametrize("source", _params(False))
def test_expected_document_is_valid_adf(source: Path) -> None:
    expected = _expected(source)
    assert list(adfkit.iter_errors(expected)) == []
    adfkit.validate(expected)


# --- the conversion --------------------------------------------------------------------------


@pytest.mark.parametrize("source", _params(True))
def test_html_converts_to_the_expected_document(source: Path) -> None:
    result = adfkit.from_html(source.read_bytes())
    assert _sorted_marks(result) == _sorted_marks(_expected(source))


@pytest.mark.parametrize("source", _params(False))
def test_conversion_is_valid_and_keeps_every_visible_word(source: Path) -> None:
    result = adfkit.from_html(source.read_bytes())
    assert adfkit.is_valid(result)
    assert _missing_words(source.read_bytes(), result) == []


@pytest.mark.parametrize("source", _params(False))
def test_expected_document_keeps_every_visible_word(source: Path) -> None:
    """A check on the fixtures themselves: no word was forgotten in an expectation."""
    assert _missing_words(source.read_bytes(), _expected(source)) == []


# --- visible words ---------------------------------------------------------------------------

# Not page text: Confluence storage format's macro parameters (a status's colour, a code
# block's language) and a task's number and state, which become attributes.
_INVISIBLE = ("script", "style", "template", "head", "ac:parameter", "ac:task-id", "ac:task-status")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|mso-list\s*:\s*ignore", re.IGNORECASE)


def visible_words(markup: bytes) -> list[str]:
    """The words a reader sees: lxml's text of the page without ``script``, ``style``,
    ``template``, ``head``, Confluence's macro parameters and task states, comments, nor elements styled ``display:none`` or
    ``mso-list:Ignore`` (the list markers Word writes out as text: a list draws its
    own)."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    root = lxml.html.document_fromstring(markup, parser=parser)
    doomed = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and (element.tag in _INVISIBLE or _HIDDEN_STYLE.search(element.get("style") or ""))
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text after the element
    words: list[str] = str(root.text_content()).split()
    return words


def _attribute_text(doc: dict[str, Any]) -> list[str]:
    """Text kept in attributes: link targets and titles, image addresses and
    descriptions, expand titles, code languages."""
    out: list[str] = []
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        attrs = node.get("attrs") or {}
        for key in ("url", "alt", "title", "language"):
            if isinstance(attrs.get(key), str):
                out.append(attrs[key])
        for mark in node.get("marks") or []:
            mark_attrs = mark.get("attrs") or {}
            out.extend(str(mark_attrs[k]) for k in ("href", "title") if k in mark_attrs)
        stack.extend(node.get("content") or [])
    return out


def _missing_words(markup: bytes, doc: dict[str, Any]) -> list[str]:
    """Visible words not found in the document's text or attributes. Whitespace is
    ignored on both sides: lxml runs the text of adjacent blocks together (``<td>a<td>b``
    gives ``ab``) where ADF keeps them apart."""
    haystack = re.sub(r"\s+", "", " ".join([text_of(doc), *_attribute_text(doc)]))
    return [word for word in visible_words(markup) if word not in haystack]
