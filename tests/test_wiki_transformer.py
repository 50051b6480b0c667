"""adfkit's wiki reader and writer against Atlassian's transformer, run under node.

``@atlaskit/editor-wikimarkup-transformer`` (pinned in ``tests/package.json``) is the
reference for what Jira means by each construct. The claims:

- every document of the corpus (``tests/data/wiki/*.wiki``: each construct, nesting,
  wiki as a person, Jira Server and a bot write it, hostile input) reads to the same
  structure in both;
- each document in ``tests/data/wiki/differs/`` reads to the committed ``.json`` here
  *and* to something else in the transformer: the differences ``docs/wiki.md`` lists,
  held to be still true (a test fails when the transformer comes round);
- for generated documents in the expressible subset, the transformer reads
  ``to_wiki(d)`` back as ``d``;
- Atlassian's validator (adf-utils) accepts every document ``from_wiki`` makes.

"Same structure" is equality after ``structure()``: mark order, empty ``attrs`` and ``content``, text
split into several nodes, whitespace at a paragraph's edges and whitespace-only
paragraphs are not significant.

Needs node and ``cd tests && npm ci --no-audit --no-fund``; fails loudly without them.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from node_lines import node_answers
from test_wiki import expressible_documents

from adfkit import from_wiki, is_valid, to_wiki

Json = dict[str, Any]
HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "wiki_transformer.mjs"
CORPUS = HERE / "data" / "wiki"
NODE = shutil.which("node")
PACKAGE = HERE / "node_modules" / "@atlaskit" / "editor-wikimarkup-transformer" / "package.json"

if NODE is None:
    raise RuntimeError("node is not installed; the wiki differential tests need node 20+")
if not PACKAGE.is_file():
    raise RuntimeError(
        "@atlaskit/editor-wikimarkup-transformer is not installed; "
        "run `cd tests && npm ci --no-audit --no-fund`"
    )


def run_transformer(requests: Sequence[str | Json]) -> list[Json]:
    """The transformer's answer to each request (wiki text to parse, or
    ``{"encode": doc}``), from a single node process."""
    assert NODE is not None
    lines = node_answers(NODE, SCRIPT, [json.dumps(r, ensure_ascii=True) for r in requests])
    return [json.loads(line) for line in lines]


def parse_all(texts: Sequence[str]) -> list[Json]:
    answers = run_transformer(list(texts))
    for text, answer in zip(texts, answers, strict=True):
        assert answer["error"] is None, (text[:200], answer["error"])
    return [answer["adf"] for answer in answers]


def structure(doc: Json) -> Json:
    """``doc`` with what is not significant taken out (see the module docstring);
    iterative, so any depth is fine."""
    out: Json = json.loads(json.dumps(doc))
    out.pop("version", None)
    stack = [out]
    while stack:
        node = stack.pop()
        if node.get("attrs") == {}:
            del node["attrs"]
        if node.get("marks") == []:
            del node["marks"]
        if "marks" in node:
            node["marks"] = sorted(node["marks"], key=lambda m: json.dumps(m, sort_keys=True))
        content = node.get("content")
        if not isinstance(content, list):
            continue
        merged: list[Json] = []
        for child in content:
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and child.get("type") == "text" == prev.get("type")
                and sorted(map(json.dumps, child.get("marks", [])))
                == sorted(map(json.dumps, prev.get("marks", [])))
            ):
                prev["text"] += child["text"]
            else:
                merged.append(child)
        if node.get("type") == "paragraph":
            if merged and merged[0].get("type") == "text":
                merged[0]["text"] = merged[0]["text"].lstrip()
            if merged and merged[-1].get("type") == "text":
                merged[-1]["text"] = merged[-1]["text"].rstrip()
            merged = [c for c in merged if not (c.get("type") == "text" and not c["text"])]
        merged = [c for c in merged if not _blank_paragraph(c) or len(merged) == 1]
        if merged:
            node["content"] = merged
        else:
            del node["content"]
        stack.extend(merged)
    return out


def _blank_paragraph(node: Json) -> bool:
    return node.get("type") == "paragraph" and all(
        c.get("type") == "text" and not c["text"].strip() for c in node.get("content", [])
    )


# --- the corpus -----------------------------------------------------------------------------

AGREED = sorted(CORPUS.glob("*.wiki"))
DIFFERS = sorted((CORPUS / "differs").glob("*.wiki"))


@pytest.fixture(scope="module")
def reference() -> dict[Path, Json]:
    paths = AGREED + DIFFERS
    docs = parse_all([p.read_bytes().decode("utf-8") for p in paths])
    return dict(zip(paths, docs, strict=True))


@pytest.mark.parametrize("path", AGREED, ids=lambda p: p.stem)
def test_corpus_reads_to_the_transformers_structure(
    path: Path, reference: dict[Path, Json]
) -> None:
    ours = from_wiki(path.read_bytes().decode("utf-8"))
    assert is_valid(ours)
    assert structure(ours) == structure(reference[path])


@pytest.mark.parametrize("path", DIFFS := DIFFERS, ids=lambda p: p.stem)
def test_documented_differences_still_hold(path: Path, reference: dict[Path, Json]) -> None:
    ours = from_wiki(path.read_bytes().decode("utf-8"))
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert ours == expected
    assert structure(ours) != structure(reference[path])


def test_the_corpus_covers_every_kind_of_writer() -> None:
    names = {p.stem for p in AGREED + DIFFERS}
    assert {"person_bug_report", "jira_server_export", "bot_ci_report"} <= names
    assert any(name.startswith("hostile") for name in names)


# --- the writer, read back by the transformer ---------------------------------------------


def subset_batch(count: int) -> list[Json]:
    """``count`` documents of the expressible subset, drawn once with a fixed seed: the
    transformer reads them in one node process (a failure lists them all, no shrinking
    through hundreds of node runs)."""
    docs: list[Json] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(expressible_documents())
    def collect(doc: Json) -> None:
        docs.append(doc)

    collect()
    return docs


def test_transformer_reads_to_wiki_back_as_the_document() -> None:
    docs = subset_batch(600)
    assert len(docs) >= 500
    wikis = [to_wiki(d) for d in docs]
    back = parse_all(wikis)
    failures = [
        (wiki, structure(doc), structure(mentions_as_adfkit_reads_them(theirs)))
        for wiki, doc, theirs in zip(wikis, docs, back, strict=True)
        if structure(mentions_as_adfkit_reads_them(theirs)) != structure(doc)
    ]
    assert failures == [], failures[:3]


def mentions_as_adfkit_reads_them(doc: Json) -> Json:
    """The one difference on the subset (docs/wiki.md): the transformer keeps the
    ``accountid:`` prefix in a mention's id, and adds an empty name and access level."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if node.get("type") == "mention":
            ident = node["attrs"]["id"]
            node["attrs"] = {
                "id": ident[len("accountid:") :] if ident.startswith("accountid:") else ident
            }
        stack.extend(node.get("content") or [])
    return doc


# --- Atlassian's validator accepts what from_wiki makes -----------------------------------

PIECES = [
    "h1. ", "h3. ", "bq. ", "* ", "** ", "# ", "*# ", "- ", "----", "---", "--", " -- ", "|", "||",
    "*", "_", "-", "+", "^", "~", "??", "{{", "}}", "{", "}", "[", "]", "|", "!", "\\", "\\\\",
    "{code}", "{code:python}", "{noformat}", "{quote}", "{panel}", "{panel:title=T|bgColor=red}",
    "{color:red}", "{color}", "[a|https://x.org]", "[~accountid:5b10]", "[^file.pdf]",
    "!pic.png!", "!https://x.org/i.png|width=50%!", "[#anchor]", "https://x.org/p",
    "mailto:a@b.org", ":)", "(y)", "(x)", "\n", "\n\n", " ", "word", "Wörter", "日本語", "🚀",
]  # fmt: skip


def _generated(count: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(count)]


@pytest.mark.parametrize(("pieces", "count", "agreeing"), [(4, 400, 0.98), (10, 1000, 0.9)])
def test_random_mixes_of_every_construct_mostly_read_alike(
    pieces: int, count: int, agreeing: float
) -> None:
    """Hostile text (symbols of every construct in random order) is where the two
    readers part: the transformer reads an effect's text again as a new input, adfkit
    once (docs/wiki.md). This holds the share that reads alike from falling."""
    rng = random.Random(pieces)
    sources = [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(1, pieces))) for _ in range(count)
    ]
    answers = run_transformer(sources)
    parsed = [(s, a["adf"]) for s, a in zip(sources, answers, strict=True) if a["error"] is None]
    alike = sum(
        structure(from_wiki(s)) == structure(mentions_as_adfkit_reads_them(theirs))
        for s, theirs in parsed
    )
    assert len(parsed) >= 0.95 * count
    assert alike >= agreeing * len(parsed), f"{alike} of {len(parsed)} read alike"


def test_adf_utils_accepts_every_document_from_wiki() -> None:
    from test_differential_adf_utils import run_adf_utils

    sources = [p.read_bytes().decode("utf-8") for p in AGREED + DIFFERS] + _generated(2000)
    docs = [from_wiki(s) for s in sources]
    assert all(is_valid(d) for d in docs)
    rejected = [
        (source, verdict.error)
        for source, verdict in zip(sources, run_adf_utils(docs), strict=True)
        if not verdict.valid
    ]
    assert rejected == [], rejected[:5]
