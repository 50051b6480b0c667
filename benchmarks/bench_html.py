"""HTML-to-ADF benchmark: adfkit's ``from_html`` against lxml's own parse, a bare walk
over lxml's tree and the PyPI peer html-to-adf, on the same pages, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_html.py [--runs 7] [--seed 0] [--peer-runs 3]

Pages (``make_html.py``, seeded): 10 KB, 100 KB and 1 MB of UTF-8 HTML shaped like a
long documentation page saved from a browser (headings, paragraphs with inline marks
and links, nested lists, tables, ``pre``/``code``, images, div and span wrappers,
inline styles, entities, non-ASCII text). For each it times:

- ``lxml.html.fromstring(page)``: libxml2 builds its tree in C, the floor for any
  converter on lxml, and the reference of the ``x lxml`` column;
- lxml's ``HTMLParser`` with a *no-op target* (``start``/``end``/``data``/``comment``/
  ``pi``/``close`` that do nothing) and adfkit's parser options: the floor for a
  converter that, like adfkit, takes parser events instead of a tree;
- a bare walk over the tree ``fromstring`` returned (every element's tag, attributes,
  text and tail read, nothing converted), timed on its own and, as the reference of the
  first target, together with the parse (``fromstring + walk``);
- ``adfkit.from_html(page)``, given the page as UTF-8 bytes, as a file or a response
  body would be;
- html-to-adf's ``convert_html_to_adf(page)`` (it takes ``str``), when it imports; on
  the 1 MB page it takes tens of seconds a call, so it runs ``--peer-runs`` times there
  (after one warm-up call) instead of ``--runs``.

Each output is checked with ``adfkit.is_valid`` (``valid ADF``) and for the share of
the page's visible words it kept (``words``: words of lxml's text nodes outside
``head``, ``script``, ``style`` and ``template`` that appear among the output's words,
attributes included). On the 1 MB page, the share of ``from_html`` spent in
``adfkit.validator.is_valid`` and ``adfkit.repair.repair_document`` is measured by
wrapping those two functions with timers for a few calls (adfkit itself is not
edited), and ``from_html`` is also timed with the garbage collector on.

Targets (PASS/FAIL on medians of the 1 MB page): adfkit at most 2x lxml's parse plus
a tree walk, and at least 20x faster than html-to-adf. The exit status is always 0:
this reports, it does not gate.

How it times: as ``bench_validate.py``. Each engine in turn is warmed up (at least
``--warmup`` calls and half a second), then timed for ``--runs`` runs in a row with the
garbage collector off; a run is one call, or for calls under 10 ms a batch lasting at
least 10 ms, reported per call. Figures are medians and minimums per call; MB/s uses
10**6 bytes of UTF-8 HTML.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from lxml import etree  # noqa: E402 (kept with the imports below the path set-up)
from lxml import html as lxml_html  # noqa: E402
from make_html import SIZES, make_html  # noqa: E402
from timing import Timings, load_average, ms, timed  # noqa: E402 (beside this file)

import adfkit  # noqa: E402 (needs the path set above)
import adfkit.formats.html.reader  # noqa: E402
import adfkit.validator  # noqa: E402
from adfkit.repair import text_of  # noqa: E402

BIG = "1 MB"
TARGET_VS_PARSE_AND_WALK = 2.0
TARGET_VS_PEER = 20.0
SHARE_CALLS = 5
INVISIBLE = frozenset({"head", "script", "style", "template"})

FROMSTRING = "lxml.html.fromstring (floor)"
NOOP = "lxml parser, no-op target"
WALK = "walk over lxml's tree"
PARSE_WALK = "fromstring + walk"
ADFKIT = "adfkit from_html"
PEER = "html-to-adf"


@dataclass
class Page:
    label: str
    text: str
    data: bytes
    elements: int

    @property
    def nbytes(self) -> int:
        return len(self.data)


@dataclass
class Row(Timings):
    engine: str
    page: str
    nbytes: int
    times: list[float] = field(default_factory=list)
    valid: str = "-"
    words: str = "-"
    note: str = ""


# --- the engines ------------------------------------------------------------------------------


class NoOpTarget:
    """A parser target that does nothing: what lxml costs before any converter code."""

    def start(self, tag: str, attrib: object) -> None:
        return None

    def end(self, tag: str) -> None:
        return None

    def data(self, text: str) -> None:
        return None

    def comment(self, text: str) -> None:
        return None

    def pi(self, target: str, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def parse_with_noop_target(data: bytes) -> None:
    """lxml's HTML parser with adfkit's options, feeding a target that does nothing."""
    parser = etree.HTMLParser(
        target=NoOpTarget(),
        no_network=True,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
        default_doctype=False,
    )
    parser.feed(data)
    parser.close()


def walk(root: Any) -> int:
    """Read every element's tag, attributes, text and tail; convert nothing."""
    n = 0
    for element in root.iter():
        n += 1
        element.tag  # noqa: B018 (the reads are the point)
        element.items()
        element.text  # noqa: B018
        element.tail  # noqa: B018
    return n


def parse_and_walk(data: bytes) -> int:
    return walk(lxml_html.fromstring(data))


def timed_slow(fn: Callable[[], object], runs: int) -> list[float]:
    """One warm-up call, then ``runs`` single calls, the garbage collector off."""
    fn()
    out = []
    for _ in range(runs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        finally:
            if enabled:
                gc.enable()
    return out


def timed_gc_on(fn: Callable[[], object], runs: int) -> list[float]:
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


# --- checking outputs ---------------------------------------------------------------------------


def visible_words(data: bytes) -> list[str]:
    """Words of the page's text nodes outside head, script, style and template."""
    root = lxml_html.document_fromstring(data)
    words: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, hidden = stack.pop()
        inside = hidden or (isinstance(element.tag, str) and element.tag in INVISIBLE)
        if not inside and isinstance(element.tag, str) and element.text:
            words.extend(element.text.split())
        if not hidden and element.tail and element is not root:
            words.extend(element.tail.split())
        stack.extend((child, inside) for child in reversed(element))
    return words


def output_words(doc: Any) -> set[str]:
    """The words of an ADF value: each text node's, the joined text's, and attributes'."""
    out: set[str] = set()
    if isinstance(doc, dict):
        out.update(text_of(doc).split())
    stack = [doc]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("text"), str):
            out.update(node["text"].split())
        for value in (node.get("attrs") or {}).values():
            if isinstance(value, str):
                out.update(value.split())
        for mark in node.get("marks") or []:
            if isinstance(mark, dict):
                for value in (mark.get("attrs") or {}).values():
                    if isinstance(value, str):
                        out.update(value.split())
        content = node.get("content")
        if isinstance(content, list):
            stack.extend(content)
    return out


def judge(row: Row, value: Any, page_words: list[str]) -> None:
    if not isinstance(value, dict):
        row.valid = "NO"
        row.note = f"returns {type(value).__name__}, not a dict"
        return
    if adfkit.is_valid(value):
        row.valid = "yes"
    else:
        errors = list(adfkit.iter_errors(value))
        row.valid = f"NO ({len(errors):,})"
        row.note = f"first error: {errors[0].code} at {errors[0].path}"
    kept = output_words(value)
    found = sum(1 for w in page_words if w in kept)
    row.words = f"{100 * found / max(1, len(page_words)):.1f}%"


# --- where from_html spends its time -----------------------------------------------------------


@dataclass
class Share:
    total: list[float] = field(default_factory=list)
    validate: list[float] = field(default_factory=list)
    repair: list[float] = field(default_factory=list)
    balance: list[float] = field(default_factory=list)
    validate_calls: int = 0
    repair_calls: int = 0


@contextmanager
def _timing(module: Any, name: str, sink: list[float], counter: list[int]) -> Iterator[None]:
    original = getattr(module, name)

    def timed_call(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            sink[-1] += time.perf_counter() - t0
            counter[0] += 1

    setattr(module, name, timed_call)
    try:
        yield
    finally:
        setattr(module, name, original)


def measure_share(data: bytes, calls: int) -> Share | str:
    """Time ``from_html`` with ``adfkit.validator.is_valid``,
    ``repair_document`` and ``balanced`` (the formatting pass, as ``adfkit.formats.html.reader``
    imports them) wrapped in timers
    (``from_html`` looks them up at call time), or say why that cannot be done."""
    stages = (
        (adfkit.validator, "is_valid"),
        (adfkit.formats.html.reader, "repair_document"),
        (adfkit.formats.html.reader, "balanced"),
    )
    for module, name in stages:
        if not callable(getattr(module, name, None)):
            return f"{module.__name__}.{name} is not there to time"
    share = Share()
    validate_count, repair_count, balance_count = [0], [0], [0]
    with (
        _timing(adfkit.validator, "is_valid", share.validate, validate_count),
        _timing(adfkit.formats.html.reader, "repair_document", share.repair, repair_count),
        _timing(adfkit.formats.html.reader, "balanced", share.balance, balance_count),
    ):
        for _ in range(calls + 1):  # the first call warms up and is not kept
            share.validate.append(0.0)
            share.repair.append(0.0)
            share.balance.append(0.0)
            enabled = gc.isenabled()
            gc.disable()
            try:
                t0 = time.perf_counter()
                adfkit.from_html(data)
                share.total.append(time.perf_counter() - t0)
            finally:
                if enabled:
                    gc.enable()
    del share.total[0], share.validate[0], share.repair[0], share.balance[0]
    share.validate_calls = round(validate_count[0] / (calls + 1))
    share.repair_calls = round(repair_count[0] / (calls + 1))
    return share


# --- reporting ----------------------------------------------------------------------------------


def find(rows: list[Row], engine: str, page: str) -> Row | None:
    return next((r for r in rows if r.engine == engine and r.page == page), None)


def print_table(rows: list[Row], pages: list[Page]) -> None:
    head = (
        f"{'engine':<30} {'page':>6} {'median ms':>10} {'min ms':>9} {'MB/s':>7} "
        f"{'x lxml':>7} {'valid ADF':>9} {'words':>6}  note"
    )
    print(head)
    print("-" * len(head))
    for page in pages:
        floor = find(rows, FROMSTRING, page.label)
        for r in (r for r in rows if r.page == page.label):
            mbps = "-" if r.mbps is None else f"{r.mbps:,.2f}"
            ratio = (
                f"{r.median / floor.median:.1f}x"
                if r.median and floor is not None and floor.median
                else "-"
            )
            print(
                f"{r.engine:<30} {r.page:>6} {ms(r.median):>10} {ms(r.fastest):>9} {mbps:>7} "
                f"{ratio:>7} {r.valid:>9} {r.words:>6}  {r.note}".rstrip()
            )
        print()


def print_share(page: Page, share: Share | str) -> None:
    print(f"adfkit from_html on {page.label}, by stage ({SHARE_CALLS} calls, medians):")
    if isinstance(share, str):
        print(f"  not measured: {share}")
        return
    total = statistics.median(share.total)
    validate = statistics.median(share.validate)
    repair = statistics.median(share.repair)
    balance = statistics.median(share.balance)
    rest = total - validate - repair - balance
    print(f"  whole call                          {ms(total):>9} ms")
    print(
        f"  adfkit.validator.is_valid           {ms(validate):>9} ms  {validate / total:>5.1%}"
        f"  ({share.validate_calls} call(s) per conversion)"
    )
    print(
        f"  adfkit.repair.repair_document       {ms(repair):>9} ms  {repair / total:>5.1%}"
        f"  ({share.repair_calls} call(s) per conversion"
        + ("; the natural conversion was not valid ADF)" if share.repair_calls else ")")
    )
    print(
        f"  html.formatting.balanced            {ms(balance):>9} ms  {balance / total:>5.1%}"
        "  (HTML5's formatting rules on the markup)"
    )
    print(
        f"  parsing and building (the rest)     {ms(rest):>9} ms  {rest / total:>5.1%}"
        "  (lxml's parse, adfkit's target, clean-up)"
    )


def print_targets(rows: list[Row], peer_problem: str | None) -> None:
    print(f"targets on {BIG} (verdict on medians; minimums in brackets):")
    ours = find(rows, ADFKIT, BIG)
    if ours is None or ours.median is None or ours.fastest is None:
        print("  FAIL  adfkit produced no timing")
        return
    reference = find(rows, PARSE_WALK, BIG)
    if reference is None or reference.median is None or reference.fastest is None:
        goal = TARGET_VS_PARSE_AND_WALK
        print(f"  SKIP  adfkit at most {goal:g}x lxml's parse + a tree walk: no timing")
    else:
        ratio = ours.median / reference.median
        verdict = "PASS" if ratio <= TARGET_VS_PARSE_AND_WALK else "FAIL"
        print(
            f"  {verdict}  adfkit at most {TARGET_VS_PARSE_AND_WALK:g}x lxml's parse + a tree "
            f"walk: {ratio:.1f}x [{ours.fastest / reference.fastest:.1f}x] "
            f"({ms(ours.median)} ms against {ms(reference.median)} ms)"
        )
    peer = find(rows, PEER, BIG)
    if peer is None or peer.median is None or peer.fastest is None:
        goal = TARGET_VS_PEER
        print(f"  SKIP  adfkit at least {goal:g}x faster than html-to-adf: {peer_problem}")
    else:
        ratio = peer.median / ours.median
        verdict = "PASS" if ratio >= TARGET_VS_PEER else "FAIL"
        print(
            f"  {verdict}  adfkit at least {TARGET_VS_PEER:g}x faster than html-to-adf: "
            f"{ratio:.1f}x [{peer.fastest / ours.fastest:.1f}x]"
        )


def load_peer() -> tuple[Callable[[str], Any] | None, str]:
    """html-to-adf's converter and its description, or None and why not."""
    try:
        html_to_adf = importlib.import_module("html_to_adf")
    except Exception as exc:  # any import failure means: skip, and say why
        return None, f"skipped: `import html_to_adf` failed ({type(exc).__name__}: {exc})"
    convert = getattr(html_to_adf, "convert_html_to_adf", None)
    if not callable(convert):
        return None, "skipped: html_to_adf has no convert_html_to_adf"
    try:
        version = metadata.version("html-to-adf")
    except metadata.PackageNotFoundError:
        version = "?"
    return convert, f"html-to-adf {version} (BeautifulSoup 4): convert_html_to_adf(str)"


def make_pages(seed: int) -> list[Page]:
    pages = []
    for label, size in SIZES.items():
        text = make_html(size, seed)
        data = text.encode("utf-8")
        elements = sum(1 for _ in lxml_html.fromstring(data).iter())
        pages.append(Page(label, text, data, elements))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median; default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="least warm-up calls (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="page generator seed")
    parser.add_argument(
        "--peer-runs", type=int, default=3, help="html-to-adf's timed runs on 1 MB (default 3)"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip html-to-adf")
    args = parser.parse_args(argv)
    runs, warmup = max(1, args.runs), max(1, args.warmup)

    load = load_average()
    print(
        f"adfkit {adfkit.__version__} HTML benchmark: Python {platform.python_version()}, "
        f"lxml {etree.__version__} (libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}), "
        f"{os.cpu_count()} CPUs, load {load}"
    )
    print(
        f"median of {runs} runs after >= {warmup} warm-up calls and >= 0.5 s; runs under "
        "10 ms are batches, figures are per call; garbage collector off while timing; "
        "MB = 10^6 bytes of UTF-8 HTML"
    )
    convert, peer_about = (None, "skipped: --no-peer") if args.no_peer else load_peer()
    pages = make_pages(args.seed)
    print(
        f"pages (seed {args.seed}): "
        + "; ".join(f"{p.label} = {p.nbytes:,} bytes, {p.elements:,} elements" for p in pages)
    )
    print(f"peer: {peer_about}")
    print()

    rows: list[Row] = []
    for page in pages:
        words = visible_words(page.data)
        root = lxml_html.fromstring(page.data)
        for engine, fn in (
            (FROMSTRING, partial(lxml_html.fromstring, page.data)),
            (NOOP, partial(parse_with_noop_target, page.data)),
            (WALK, partial(walk, root)),
            (PARSE_WALK, partial(parse_and_walk, page.data)),
        ):
            rows.append(Row(engine, page.label, page.nbytes, times=timed(fn, runs, warmup)))
        ours = Row(ADFKIT, page.label, page.nbytes)
        judge(ours, adfkit.from_html(page.data), words)
        ours.times = timed(partial(adfkit.from_html, page.data), runs, warmup)
        rows.append(ours)
        if convert is None:
            rows.append(Row(PEER, page.label, page.nbytes, note=peer_about))
            continue
        peer = Row(PEER, page.label, page.nbytes)
        try:
            value = convert(page.text)
        except Exception as exc:  # a peer that raises is reported, not fatal
            peer.note = f"raised {type(exc).__name__}: {str(exc)[:80]}"
            rows.append(peer)
            continue
        judge(peer, value, words)
        call = partial(convert, page.text)
        if page.label == BIG:
            peer.times = timed_slow(call, max(1, args.peer_runs))
            peer.note = (peer.note + "; " if peer.note else "") + (
                f"{len(peer.times)} run(s) after 1 warm-up call"
            )
        else:
            peer.times = timed(call, runs, warmup)
        rows.append(peer)

    print_table(rows, pages)
    big = next(p for p in pages if p.label == BIG)
    print_share(big, measure_share(big.data, SHARE_CALLS))
    gc_on = timed_gc_on(partial(adfkit.from_html, big.data), SHARE_CALLS)
    print(
        f"  with the garbage collector on: {ms(statistics.median(gc_on))} ms median "
        f"of {SHARE_CALLS} calls"
    )
    print()
    print_targets(rows, peer_about)
    print(f"\nload at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)  # a report, not a gate: PASS/FAIL lines never change the exit status
