"""A deterministic generator of realistic ADF documents, for the validator benchmarks.

``make_document(target_bytes, seed)`` returns a ``doc`` whose compact JSON encoding
(``separators=(",", ":")``, ``ensure_ascii=False``, UTF-8) is ``target_bytes`` long, or
up to 60 bytes short of it (a final filler paragraph makes up the difference when
there is room for one). The same ``(target_bytes, seed)`` always gives the same
document: everything comes from one ``random.Random(seed)``.

The content looks like a long Confluence page or Jira description: sections with
headings, paragraphs with mixed marks (strong, em, code, https links, textColor,
strike, underline), mentions, emoji, dates, status lozenges, hard breaks and inline
cards, bullet and ordered lists nested two or three levels, tables with a header row,
code blocks with a language, panels of several types, blockquotes, external images
in ``mediaSingle``, task lists and rules, with accented, CJK, Greek, Cyrillic, RTL and
emoji text. The first blocks are a tour that uses every one of those features once,
so even a 10 KB document has them all; after that, block kinds are drawn by weight.

``inject_errors`` returns a copy with a given number of invalid marks, for timing
the error-collecting path.

Limits: it only emits what adfkit, the JSON schema and Atlassian's validator all
accept (no ``code`` with ``link``, no repeated marks, no ``marks: []``), so it does not
exercise the validator's rejection paths beyond ``inject_errors``; and its documents
are wider than they are deep (at most three list levels).

CLI: ``python benchmarks/make_document.py 1m -o doc.json`` (sizes: bytes, or with a
``k``/``m`` suffix meaning 10**3/10**6). It checks the result with adfkit, and with
python-jsonschema against ``schema/full.json`` for documents up to 20 KB (slower
above that; force it with ``--jsonschema``).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FULL_SCHEMA = ROOT / "schema" / "full.json"

Node = dict[str, Any]

SIZES: dict[str, int] = {"10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000}
"""The benchmark's document sizes (1 KB = 10**3 bytes, 1 MB = 10**6 bytes)."""

_CORPUS = (
    "the release build pipeline deploys every service after review and the staging "
    "environment runs smoke tests before traffic shifts to production customers report "
    "latency when the cache misses so we added metrics dashboards alerts and a runbook "
    "for the on-call engineer who owns the incident timeline root cause follow-up actions "
    "include migrating the database schema rotating credentials updating documentation "
    "and scheduling a retrospective with the platform team next sprint our roadmap covers "
    "search performance accessibility fixes mobile layout onboarding flow billing exports "
    "and a new permissions model for workspace administrators"
)
_WORDS = tuple(_CORPUS.split())

_INTL_WORDS = (
    "café",
    "naïve",
    "façade",
    "Zürich",
    "São Paulo",
    "crème brûlée",
    "Ærøskøbing",
    "Łódź",
    "İstanbul",
    "jalapeño",
    "日本語",
    "中文文档",
    "検証済み",
    "한국어",
    "Ελληνικά",
    "русский",
    "עברית",
    "العربية",
    "हिन्दी",
    "🚀",
    "✅",
    "👍🏽",
    "🇳🇿",
    "😀",
)

_PEOPLE = (
    "Ana Müller",
    "José Álvarez",
    "Zoë Chen",
    "田中 太郎",
    "Priya Nair",
    "Oluwaseun Adeyemi",
    "Søren Kierkegaard",
    "Émilie Dubois",
)

_EMOJI = (
    (":smile:", "1f604", "😄"),
    (":thumbsup:", "1f44d", "👍"),
    (":rocket:", "1f680", "🚀"),
    (":warning:", "26a0", "⚠️"),
    (":white_check_mark:", "2705", "✅"),
    (":tada:", "1f389", "🎉"),
    (":eyes:", "1f440", "👀"),
)

_STATUSES = (
    ("TO DO", "neutral"),
    ("IN PROGRESS", "blue"),
    ("IN REVIEW", "purple"),
    ("BLOCKED", "red"),
    ("AT RISK", "yellow"),
    ("DONE", "green"),
)

_COLORS = ("#0747a6", "#bf2600", "#006644", "#ff991f", "#403294", "#97a0af", "#00b8d9")

_LANGUAGES = ("python", "javascript", "typescript", "java", "go", "rust", "sql", "bash", "yaml")

_PANEL_TYPES = ("info", "note", "tip", "warning", "error", "success")

# Each style is one run's mark list; "code" never meets another mark (the editor and
# adfkit reject code with link or with formatting).
_MARK_STYLES: tuple[tuple[str, ...], ...] = (
    ("strong",),
    ("em",),
    ("strong", "em"),
    ("code",),
    ("link",),
    ("link", "strong"),
    ("textColor",),
    ("textColor", "strong"),
    ("strike",),
    ("underline",),
    ("em", "underline"),
)

_INLINE_NODES: tuple[str, ...] = ("mention", "emoji", "date", "status", "inlineCard", "hardBreak")

# Block kinds after the tour, by weight: mostly prose, as on a real page.
_BLOCK_WEIGHTS = {
    "paragraph": 40,
    "bulletList": 9,
    "orderedList": 6,
    "table": 5,
    "codeBlock": 6,
    "panel": 5,
    "blockquote": 3,
    "mediaSingle": 3,
    "taskList": 5,
    "rule": 2,
    "heading": 8,
}
_TOUR = (
    "paragraph",
    "bulletList",
    "orderedList",
    "table",
    "codeBlock",
    "panel",
    "blockquote",
    "mediaSingle",
    "taskList",
    "rule",
)

_DOC_OVERHEAD = len('{"version":1,"type":"doc","content":[]}')
_FILLER_OVERHEAD = len('{"type":"paragraph","content":[{"type":"text","text":""}]}')


def encoded_size(value: object) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON (the form the sizes refer to)."""
    return len(dumps(value).encode("utf-8"))


def dumps(value: object) -> str:
    """Compact JSON, non-ASCII kept as is: how the benchmark documents are written."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Generator:
    """Builds blocks from one random stream; one instance per document."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.small = False
        """Set during the tour: the smallest block of each kind, so that a 10 KB
        document still has every feature."""

    def count(self, lo: int, hi: int) -> int:
        return lo if self.small else self.rng.randint(lo, hi)

    # --- ids and small values ----------------------------------------------------

    def local_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def account_id(self) -> str:
        return f"{self.rng.getrandbits(96):024x}"

    def url(self) -> str:
        r = self.rng
        n = r.randrange(1, 100_000)
        return r.choice(
            (
                f"https://acme.atlassian.net/wiki/spaces/ENG/pages/{n}/Release+notes",
                f"https://acme.atlassian.net/browse/PLAT-{n}",
                f"https://github.com/acme/widgets/pull/{n}",
                f"https://docs.python.org/3/library/json.html#json-{n}",
                f"https://de.wikipedia.org/wiki/Z%C3%BCrich?oldid={n}",
                f"https://example.com/search?q=latency&page={n % 50}",
            )
        )

    # --- text ---------------------------------------------------------------------

    def words(self, n: int) -> str:
        r = self.rng
        out = [r.choice(_INTL_WORDS) if r.random() < 0.08 else r.choice(_WORDS) for _ in range(n)]
        return " ".join(out)

    def sentence(self, lo: int = 6, hi: int = 18) -> str:
        s = self.words(self.rng.randint(4, 8) if self.small else self.rng.randint(lo, hi))
        return s[0].upper() + s[1:] + self.rng.choice((".", ".", ".", "?", "!", ":"))

    # --- marks and inline nodes -----------------------------------------------------

    def mark(self, kind: str) -> Node:
        if kind == "link":
            return {"type": "link", "attrs": {"href": self.url()}}
        if kind == "textColor":
            return {"type": "textColor", "attrs": {"color": self.rng.choice(_COLORS)}}
        return {"type": kind}

    def inline_node(self, kind: str) -> Node:
        r = self.rng
        if kind == "mention":
            attrs: Node = {"id": self.account_id(), "text": "@" + r.choice(_PEOPLE)}
            attrs["accessLevel"] = r.choice(("", "CONTAINER", "SITE"))
            if r.random() < 0.3:
                attrs["userType"] = "DEFAULT"
            return {"type": "mention", "attrs": attrs}
        if kind == "emoji":
            short, eid, text = r.choice(_EMOJI)
            return {"type": "emoji", "attrs": {"shortName": short, "id": eid, "text": text}}
        if kind == "date":
            day = r.randrange(18_000, 20_500)  # 2019 to 2026, midnight UTC as Jira stores it
            return {"type": "date", "attrs": {"timestamp": str(day * 86_400_000)}}
        if kind == "status":
            text, color = r.choice(_STATUSES)
            attrs = {"text": text, "color": color, "localId": self.local_id(), "style": ""}
            return {"type": "status", "attrs": attrs}
        if kind == "inlineCard":
            return {"type": "inlineCard", "attrs": {"url": self.url()}}
        return {"type": "hardBreak"}

    def inline(
        self, sentences: int, *, marks: bool = True, nodes: bool = True, showcase: bool = False
    ) -> list[Node]:
        """Inline content: text runs (some marked) and inline nodes. ``showcase`` uses
        every mark style and every inline node kind at least once."""
        r = self.rng
        items: list[tuple[tuple[str, ...] | None, str | Node]] = []
        for i in range(sentences):
            text = self.sentence()
            if showcase or (marks and r.random() < 0.45):
                words = text.split(" ")
                cut = r.randrange(1, len(words))
                end = min(len(words), cut + r.randint(1, 3))
                style = _MARK_STYLES[i % len(_MARK_STYLES)] if showcase else r.choice(_MARK_STYLES)
                items.append(((), " ".join(words[:cut]) + " "))
                items.append((style, " ".join(words[cut:end])))
                rest = " ".join(words[end:])
                if rest:
                    items.append(((), " " + rest))
            else:
                items.append(((), text))
            if showcase and i < len(_INLINE_NODES):
                items.append(((), " "))
                items.append((None, self.inline_node(_INLINE_NODES[i])))
            elif nodes and r.random() < 0.18:
                items.append(((), " "))
                items.append((None, self.inline_node(r.choice(_INLINE_NODES))))
            if i < sentences - 1:
                items.append(((), " "))
        # Merge neighbouring runs with the same marks, as an editor would.
        out: list[Node] = []
        last_style: tuple[str, ...] | None = None
        for run_marks, item in items:
            if run_marks is None:
                assert isinstance(item, dict)
                out.append(item)
                last_style = None
                continue
            assert isinstance(item, str)
            if run_marks == last_style and out:
                out[-1]["text"] += item
                continue
            node: Node = {"type": "text", "text": item}
            if run_marks:
                node["marks"] = [self.mark(m) for m in run_marks]
            out.append(node)
            last_style = run_marks
        return out

    # --- blocks ---------------------------------------------------------------------

    def paragraph(self, lo: int = 1, hi: int = 5, **kwargs: bool) -> Node:
        return {"type": "paragraph", "content": self.inline(self.count(lo, hi), **kwargs)}

    def heading(self, level: int) -> Node:
        content: list[Node] = [{"type": "text", "text": self.sentence(2, 7).rstrip(".?!:")}]
        if self.rng.random() < 0.2:
            content.append({"type": "text", "text": " " + self.words(2), "marks": [{"type": "em"}]})
        return {"type": "heading", "attrs": {"level": level}, "content": content}

    def list_block(self, kind: str, depth: int = 0, *, deep: bool = False) -> Node:
        """A bullet or ordered list; nests up to three levels. ``deep`` forces the first
        item to nest all the way down."""
        r = self.rng
        items: list[Node] = []
        for i in range(self.count(2, 5)):
            content: list[Node] = [self.paragraph(1, 2)]
            if depth < 2 and ((deep and i == 0) or (not self.small and r.random() < 0.25)):
                sub = r.choice(("bulletList", "orderedList"))
                content.append(self.list_block(sub, depth + 1, deep=deep))
            items.append({"type": "listItem", "content": content})
        node: Node = {"type": kind, "content": items}
        if kind == "orderedList":
            node["attrs"] = {"order": r.choice((1, 1, 1, 3))}
        return node

    def table(self) -> Node:
        r = self.rng
        cols = self.count(3, 5)
        widths = [float(r.choice((120, 150, 180, 240))) for _ in range(cols)]
        header = {
            "type": "tableRow",
            "content": [
                {
                    "type": "tableHeader",
                    "attrs": {"colspan": 1, "rowspan": 1, "colwidth": [widths[c]]}
                    | ({"background": "#deebff"} if c == 0 else {}),
                    "content": [
                        {
                            "type": "paragraph",
                            "content": [
                                {
                                    "type": "text",
                                    "text": self.words(r.randint(1, 3)).title(),
                                    "marks": [{"type": "strong"}],
                                }
                            ],
                        }
                    ],
                }
                for c in range(cols)
            ],
        }
        rows = [header]
        for _ in range(self.count(2, 7)):
            cells = []
            for c in range(cols):
                roll = 1.0 if self.small else r.random()
                if roll < 0.1:
                    content = [self.list_block("bulletList", depth=2)]
                elif roll < 0.2:
                    content = [self.paragraph(1, 1), self.paragraph(1, 1)]
                else:
                    content = [self.paragraph(1, 1)]
                cells.append(
                    {
                        "type": "tableCell",
                        "attrs": {"colspan": 1, "rowspan": 1, "colwidth": [widths[c]]},
                        "content": content,
                    }
                )
            rows.append({"type": "tableRow", "content": cells})
        return {
            "type": "table",
            "attrs": {
                "isNumberColumnEnabled": r.random() < 0.2,
                "layout": r.choice(("default", "center", "wide")),
                "localId": self.local_id(),
            },
            "content": rows,
        }

    def code_block(self) -> Node:
        r = self.rng
        name = r.choice(_WORDS)
        lines = []
        for _ in range(self.count(3, 14)):
            a, b = r.choice(_WORDS), r.choice(_WORDS)
            lines.append(
                r.choice(
                    (
                        f"    {a}_{b} = load_{a}(config['{b}'])",
                        f"    if {a} is None:  # {self.words(3)}",
                        f"        return {b}({a}, retries={r.randint(1, 9)})",
                        f"    log.info('{a} → {b}: %s', {a})",
                        f"    for item in {a}s: yield item.{b}",
                    )
                )
            )
        text = f"def {name}({r.choice(_WORDS)}):\n" + "\n".join(lines)
        return {
            "type": "codeBlock",
            "attrs": {"language": r.choice(_LANGUAGES)},
            "content": [{"type": "text", "text": text}],
        }

    def panel(self, panel_type: str | None = None) -> Node:
        r = self.rng
        content = [self.paragraph(1, 3) for _ in range(self.count(1, 2))]
        if not self.small and r.random() < 0.3:
            content.append(self.list_block("bulletList", depth=1))
        return {
            "type": "panel",
            "attrs": {"panelType": panel_type or r.choice(_PANEL_TYPES)},
            "content": content,
        }

    def blockquote(self) -> Node:
        content = [self.paragraph(1, 3) for _ in range(self.count(1, 2))]
        return {"type": "blockquote", "content": content}

    def media_single(self) -> Node:
        r = self.rng
        w, h = r.choice(((1280, 720), (1920, 1080), (800, 600), (640, 480)))
        media = {
            "type": "media",
            "attrs": {
                "type": "external",
                "url": f"https://images.example.com/{self.local_id()}.png",
                "width": w,
                "height": h,
                "alt": self.words(3),
            },
        }
        return {
            "type": "mediaSingle",
            "attrs": {
                "layout": "center",
                "width": r.choice((50, 66.67, 100)),
                "widthType": "percentage",
            },
            "content": [media],
        }

    def task_list(self, depth: int = 0) -> Node:
        r = self.rng
        items: list[Node] = []
        for i in range(self.count(2, 5)):
            items.append(
                {
                    "type": "taskItem",
                    "attrs": {"localId": self.local_id(), "state": r.choice(("TODO", "DONE"))},
                    "content": self.inline(1, nodes=True),
                }
            )
            if depth == 0 and i == 0 and not self.small and r.random() < 0.3:
                items.append(self.task_list(depth + 1))
        return {"type": "taskList", "attrs": {"localId": self.local_id()}, "content": items}

    def block(self, kind: str, *, tour: bool = False) -> Node:
        if kind == "paragraph":
            return (
                self.paragraph(len(_MARK_STYLES), len(_MARK_STYLES), showcase=True)
                if tour
                else self.paragraph()
            )
        if kind in ("bulletList", "orderedList"):
            return self.list_block(kind, deep=tour and kind == "bulletList")
        if kind == "heading":
            return self.heading(self.rng.choice((2, 2, 3, 3, 4)))
        if kind == "table":
            return self.table()
        if kind == "codeBlock":
            return self.code_block()
        if kind == "panel":
            return self.panel("info" if tour else None)
        if kind == "blockquote":
            return self.blockquote()
        if kind == "mediaSingle":
            return self.media_single()
        if kind == "taskList":
            return self.task_list()
        return {"type": "rule"}

    def blocks(self) -> Iterator[Node]:
        """An endless stream of blocks: a heading and the tour, then drawn by weight."""
        yield self.heading(1)
        tour = [("tour", kind) for kind in _TOUR] + [("panel", t) for t in ("warning", "success")]
        for what, arg in tour:
            self.small = True
            block = self.block(arg, tour=True) if what == "tour" else self.panel(arg)
            self.small = False
            yield block
        kinds = list(_BLOCK_WEIGHTS)
        weights = list(_BLOCK_WEIGHTS.values())
        while True:
            yield self.block(self.rng.choices(kinds, weights)[0])

    def filler(self, size: int) -> Node:
        """A plain paragraph whose encoding is exactly ``size`` bytes (``size`` must
        exceed the paragraph's overhead)."""
        n = size - _FILLER_OVERHEAD
        text = ""
        while len(text) < n:
            text += self.rng.choice(_WORDS) + " "
        text = text[:n].rstrip() or "x"
        text = text.ljust(n, ".")
        return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def make_document(target_bytes: int = SIZES["1 MB"], seed: int = 0) -> dict[str, Any]:
    """A valid, realistic ADF document of about ``target_bytes`` bytes of compact JSON.

    The result is ``target_bytes`` long or up to 60 bytes short; below about 10 KB the
    feature tour does not fit and the document is mostly prose (and sizes under a few
    hundred bytes overshoot: the first heading is always there). Deterministic in
    ``(target_bytes, seed)``.
    """
    gen = _Generator(seed)
    content: list[Node] = []
    size = _DOC_OVERHEAD
    prose_only = False
    for block in gen.blocks():
        if prose_only:
            block = gen.paragraph()
        cost = encoded_size(block) + (1 if content else 0)
        if size + cost <= target_bytes or not content:
            content.append(block)
            size += cost
            continue
        if not prose_only:
            prose_only = True  # the big block did not fit: top up with paragraphs
            continue
        remaining = target_bytes - size - 1
        if remaining > _FILLER_OVERHEAD:
            content.append(gen.filler(remaining))
        break
    return {"version": 1, "type": "doc", "content": content}


def inject_errors(doc: dict[str, Any], count: int, seed: int = 0) -> dict[str, Any]:
    """A deep copy of ``doc`` with ``count`` invalid marks on text nodes of paragraphs
    and headings, spread through the document. Each injected mark is one error: an
    unknown mark type, an unsafe link href, a malformed colour, or attrs on ``strong``.
    """
    bad = copy.deepcopy(doc)
    targets: list[Node] = []
    stack: list[Node] = [bad]
    while stack:
        node = stack.pop()
        children = node.get("content", [])
        if node["type"] in ("paragraph", "heading"):
            targets.extend(c for c in children if c["type"] == "text")
        stack.extend(reversed(children))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(targets)), count))
    kinds: tuple[Node, ...] = (
        {"type": "bold"},
        {"type": "link", "attrs": {"href": "javascript:alert(1)"}},
        {"type": "textColor", "attrs": {"color": "red"}},
        {"type": "strong", "attrs": {}},
    )
    for n, i in enumerate(chosen):
        text = targets[i]
        if any(m["type"] == "code" for m in text.get("marks", ())):
            text["marks"] = []  # code excludes the others: start afresh
        kept = [
            m for m in text.get("marks", ()) if m["type"] not in ("link", "textColor", "strong")
        ]
        text["marks"] = [*kept, copy.deepcopy(kinds[n % len(kinds)])]
    return bad


def type_counts(doc: dict[str, Any]) -> tuple[Counter[str], Counter[str]]:
    """How many nodes and marks of each type ``doc`` holds."""
    nodes: Counter[str] = Counter()
    marks: Counter[str] = Counter()
    stack: list[Node] = [doc]
    while stack:
        node = stack.pop()
        nodes[node["type"]] += 1
        marks.update(m["type"] for m in node.get("marks", ()))
        stack.extend(node.get("content", ()))
    return nodes, marks


def check_document(doc: dict[str, Any], *, jsonschema: bool) -> None:
    """Raise ``AssertionError`` unless adfkit (and, if asked, python-jsonschema against
    ``schema/full.json``) accepts ``doc``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit
    import adfkit

    if not adfkit.is_valid(doc):
        errors = list(adfkit.iter_errors(doc))[:5]
        raise AssertionError("adfkit rejects the document: " + "; ".join(map(str, errors)))
    if jsonschema:
        import jsonschema as js

        schema = json.loads(FULL_SCHEMA.read_text(encoding="utf-8"))
        validator = js.Draft4Validator(schema)
        if not validator.is_valid(doc):
            best = js.exceptions.best_match(validator.iter_errors(doc))
            where = "/".join(map(str, best.absolute_path)) if best else "?"
            raise AssertionError(
                f"python-jsonschema rejects the document against full.json at /{where}"
            )


def parse_size(text: str) -> int:
    """``"10k"`` -> 10_000, ``"1m"`` -> 1_000_000, ``"12345"`` -> 12345."""
    t = text.strip().lower().removesuffix("b")
    scale = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if scale != 1 else t) * scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "size", nargs="?", default="1m", help="target size: bytes, 10k, 1m (default 1m)"
    )
    parser.add_argument("-o", "--output", type=Path, help="write the JSON here (default: stdout)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--errors", type=int, default=0, help="inject this many invalid marks")
    parser.add_argument(
        "--jsonschema", action="store_true", help="also check with python-jsonschema"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the validity checks")
    args = parser.parse_args(argv)

    target = parse_size(args.size)
    doc = make_document(target, args.seed)
    if not args.no_check:
        check_document(doc, jsonschema=args.jsonschema or target <= 20_000)
    if args.errors:
        doc = inject_errors(doc, args.errors, args.seed)
    text = dumps(doc)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    nodes, marks = type_counts(doc)
    summary = (
        f"{len(text.encode('utf-8')):,} bytes, {sum(nodes.values()):,} nodes, "
        f"{sum(marks.values()):,} marks (seed {args.seed}"
        + (f", {args.errors} injected errors" if args.errors else ", valid")
        + ")"
    )
    print(summary, file=sys.stderr)
    print("nodes: " + ", ".join(f"{k} {v}" for k, v in nodes.most_common()), file=sys.stderr)
    print("marks: " + ", ".join(f"{k} {v}" for k, v in marks.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
