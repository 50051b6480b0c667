"""Validator benchmark: adfkit against the named peers, on the same parsed documents.

Run from the repository root::

    .venv/bin/python benchmarks/bench_validate.py [--runs 7] [--seed 0]

For each generated document (10 KB, 100 KB, 1 MB; see ``make_document.py``) it times,
on the already-parsed value (``json.loads`` is excluded and shown only as context):

- adfkit ``is_valid(doc)`` and ``list(iter_errors(doc))``;
- fastjsonschema with ``schema/full.json`` compiled once (compile time reported apart);
- python-jsonschema ``Draft4Validator(full.json).is_valid`` on the 10 KB document only
  (about half a second to a second there, and linear in size);
- Atlassian's ``@atlaskit/adf-utils`` strict validator, timed inside node by
  ``adf_utils_bench.mjs``, when ``tests/node_modules/@atlaskit/adf-utils`` exists.

and prints medians, minimums and MB/s (1 MB = 10**6 bytes of compact UTF-8 JSON), the
ratios of adfkit to each peer, peak memory of adfkit on the 1 MB document
(tracemalloc), and the time to collect every error in a 1 MB document with 100
injected invalid marks. The project's targets on 1 MB are printed as PASS/FAIL; the
exit status is always 0, because this reports rather than gates.

How it times: each engine in turn is warmed up on the document (at least ``--warmup``
calls and half a second; node's JIT needs that), then timed for ``--runs`` runs in a
row. A run is one call, or for a fast call a batch of calls lasting at least 10 ms,
reported per call; the garbage collector is off during a run (as in ``timeit``). Node
is timed inside node by ``adf_utils_bench.mjs``, one process per document. Caches
inside the engines (adfkit's URL check, node's JIT) are therefore warm; the line
"first call on an unseen document" shows adfkit without that help.

Engines are not interleaved round by round, although that would spread a noisy
neighbour's bursts over all of them: V8 shrinks its heap when idle, and after each
pause adf-utils ran 20-40% slower for dozens of calls (measured: 0.50 ms continuous
against 0.65-0.78 ms on the 10 KB document), which would bias the comparison in
adfkit's favour. Run the whole benchmark twice and compare instead.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from textwrap import shorten
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from make_document import (  # noqa: E402 (beside this file; found through sys.path[0])
    FULL_SCHEMA,
    SIZES,
    dumps,
    inject_errors,
    make_document,
    type_counts,
)
from timing import (  # noqa: E402
    MIN_RUN_SECONDS,
    WARMUP_SECONDS,
    Timings,
    load_average,
    ms,
    node_version,
    python_runner,
)

import adfkit  # noqa: E402 (needs the path set above)

NODE_SCRIPT = Path(__file__).resolve().parent / "adf_utils_bench.mjs"
DEFAULT_NODE_MODULES_PARENT = ROOT / "tests"
ADF_UTILS_PIN = "20.9.78"
BIG = "1 MB"
JSONSCHEMA_SIZE = "10 KB"
INJECTED_ERRORS = 100

NOTE_WIDTH = 110

TARGET_MBPS = 50.0
TARGET_VS_FASTJSONSCHEMA = 10.0
TARGET_VS_ADF_UTILS = 4.0

ENGINES = (
    "json.loads (context)",
    "bare walk (context)",
    "adfkit is_valid",
    "adfkit list(iter_errors)",
    "fastjsonschema (compiled)",
    "python-jsonschema Draft4",
    "adf-utils strict (node)",
)


@dataclass
class Row(Timings):
    """One engine on one document: its timed runs (seconds per call) and a note."""

    engine: str
    size: str
    nbytes: int
    call: Callable[[], object] | None = None
    """The Python call to time (None: timed elsewhere, skipped or rejected)."""
    warmup: int = 1
    times: list[float] = field(default_factory=list)
    note: str = ""
    rejected: bool = False


@dataclass
class Document:
    label: str
    text: str
    value: Any
    nbytes: int
    nodes: int
    marks: int
    file: Path


# --- timing ---------------------------------------------------------------------------------


def node_runs(parent: Path, document: Path, runs: int, warmup: int) -> dict[str, Any]:
    """``adf_utils_bench.mjs`` on one document: its JSON result (see that script)."""
    cmd = ["node", str(NODE_SCRIPT), str(parent), str(document), str(runs), str(warmup)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        tail = " ".join(proc.stderr.strip().splitlines()[-1:])
        raise RuntimeError(f"node exited {proc.returncode} without a result: {tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def adf_utils_missing(parent: Path) -> str | None:
    """Why adf-utils cannot be benchmarked from ``parent/node_modules``, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    package = parent / "node_modules" / "@atlaskit" / "adf-utils" / "package.json"
    if not package.is_file():
        return (
            f"{package.parent} is missing; install it with "
            f"`(cd {parent} && npm ci --no-audit --no-fund)` (pinned {ADF_UTILS_PIN})"
        )
    return None


# --- the engines on one document --------------------------------------------------------------


def collect_errors(doc: object) -> list[adfkit.ValidationError]:
    return list(adfkit.iter_errors(doc))


def bare_walk(doc: dict[str, Any]) -> int:
    """Visit every node, check nothing: the floor for any Python validator."""
    n = 0
    stack = [doc]
    while stack:
        node = stack.pop()
        n += 1
        content = node.get("content")
        if content:
            stack.extend(content)
    return n


@dataclass
class Peers:
    """What is shared by all documents: compiled validators and options."""

    warmup: int
    fastjsonschema: Callable[[Any], Any] | None
    fastjsonschema_error: type[Exception] | None
    fastjsonschema_note: str
    draft4: Any
    draft4_note: str
    node_parent: Path | None
    node_note: str


def measure(d: Document, peers: Peers, runs: int) -> list[Row]:
    """Every engine's row for one document, each warmed up and timed in turn."""
    w = peers.warmup

    def row(engine: str, **kwargs: Any) -> Row:
        kwargs.setdefault("warmup", w)
        return Row(engine, d.label, d.nbytes, **kwargs)

    rows = [
        row(
            ENGINES[0],
            call=partial(json.loads, d.text),
            note="parsing; excluded from every other row",
        ),
        row(
            ENGINES[1],
            call=partial(bare_walk, d.value),
            note="visits every node, checks nothing: the floor",
        ),
    ]

    errors = collect_errors(d.value)
    if adfkit.is_valid(d.value):
        rows.append(row(ENGINES[2], call=partial(adfkit.is_valid, d.value)))
    else:
        note = f"REJECTS the document: {errors[0] if errors else '?'}"
        rows.append(row(ENGINES[2], note=note, rejected=True))
    r = row(ENGINES[3], call=partial(collect_errors, d.value))
    if errors:
        r.rejected, r.note = True, f"REJECTS the document ({len(errors)} errors)"
    rows.append(r)

    if peers.fastjsonschema is None or peers.fastjsonschema_error is None:
        rows.append(row(ENGINES[4], note=peers.fastjsonschema_note))
    else:
        validate = peers.fastjsonschema
        try:
            validate(d.value)
        except peers.fastjsonschema_error as exc:
            rows.append(row(ENGINES[4], note=f"REJECTS the document: {exc}", rejected=True))
        else:
            note = peers.fastjsonschema_note if d.label == JSONSCHEMA_SIZE else ""
            rows.append(row(ENGINES[4], call=partial(validate, d.value), note=note))

    if d.label == JSONSCHEMA_SIZE:
        if peers.draft4 is None:
            rows.append(row(ENGINES[5], note=peers.draft4_note))
        elif not peers.draft4.is_valid(d.value):
            rows.append(row(ENGINES[5], note="REJECTS the document", rejected=True))
        else:
            call = partial(peers.draft4.is_valid, d.value)
            rows.append(row(ENGINES[5], call=call, warmup=1, note=peers.draft4_note))

    if peers.node_parent is None:
        rows.append(row(ENGINES[6], note=peers.node_note))
    else:
        try:
            result = node_runs(peers.node_parent, d.file, runs, w)
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
            rows.append(row(ENGINES[6], note=f"skipped: node failed: {exc}"))
        else:
            if result["valid"]:
                note = f"@atlaskit/adf-utils {result['version']}"
                times = [t / 1e3 for t in result["runs_ms"]]
                rows.append(row(ENGINES[6], times=times, note=note))
            else:
                note = f"REJECTS the document: {result['error']}"
                rows.append(row(ENGINES[6], note=note, rejected=True))
    for r in rows:
        if r.call is not None:
            timed_runs(r, runs)
    return rows


def timed_runs(r: Row, runs: int) -> None:
    """Warm ``r.call`` up, then ``runs`` timed runs straight after."""
    assert r.call is not None
    run = python_runner(r.call, r.warmup)
    r.times = [run() for _ in range(runs)]


# --- reporting ------------------------------------------------------------------------------


def mb(nbytes: int) -> str:
    return f"{nbytes / 1e6:,.2f} MB"


def ratio_text(ratio: float, peer: str) -> str:
    if ratio >= 1:
        return f"adfkit is {ratio:.1f}x {peer}"
    return f"adfkit is {ratio:.2f}x {peer} ({1 / ratio:.1f}x slower)"


def print_table(rows: list[Row], labels: list[str]) -> None:
    head = f"{'engine':<26} {'document':>8} {'median ms':>10} {'min ms':>10} {'MB/s':>8}  note"
    print(head)
    print("-" * len(head))
    for label in labels:
        for r in sorted(
            (r for r in rows if r.size == label), key=lambda r: ENGINES.index(r.engine)
        ):
            mbps = "-" if r.mbps is None else f"{r.mbps:,.1f}" if r.mbps >= 1 else f"{r.mbps:.3f}"
            print(
                f"{r.engine:<26} {r.size:>8} {ms(r.median):>10} {ms(r.fastest):>10} "
                f"{mbps:>8}  {shorten(r.note, NOTE_WIDTH, placeholder=' ...')}".rstrip()
            )
        print()


def find(rows: list[Row], engine: str, size: str) -> Row | None:
    for r in rows:
        if r.engine == engine and r.size == size and r.times and not r.rejected:
            return r
    return None


def peak_memory(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def load_peers(args: argparse.Namespace, warmup: int) -> Peers:
    schema = json.loads(FULL_SCHEMA.read_text(encoding="utf-8"))
    fjs: Callable[[Any], Any] | None = None
    fjs_error: type[Exception] | None = None
    try:
        import fastjsonschema
    except ImportError as exc:
        fjs_note = f"skipped: {exc}"
    else:
        t0 = time.perf_counter()
        fjs = fastjsonschema.compile(schema)
        fjs_note = f"compiling full.json (once, excluded): {ms(time.perf_counter() - t0)} ms"
        fjs_error = fastjsonschema.JsonSchemaException

    draft4: Any = None
    if args.no_jsonschema:
        draft4_note = "skipped: --no-jsonschema"
    else:
        try:
            import jsonschema
        except ImportError as exc:
            draft4_note = f"skipped: {exc}"
        else:
            draft4 = jsonschema.Draft4Validator(schema)
            draft4_note = f"{JSONSCHEMA_SIZE} only: too slow for the larger documents"

    node_parent: Path | None = None
    if args.no_node:
        node_note = "skipped: --no-node"
    else:
        missing = adf_utils_missing(args.node_modules_parent)
        node_note = f"skipped: {missing}" if missing else ""
        node_parent = None if missing else args.node_modules_parent
    return Peers(warmup, fjs, fjs_error, fjs_note, draft4, draft4_note, node_parent, node_note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (median; default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="least warm-up calls (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="document generator seed")
    parser.add_argument(
        "--node-modules-parent",
        type=Path,
        default=DEFAULT_NODE_MODULES_PARENT,
        help="directory whose node_modules holds @atlaskit/adf-utils (default: tests/)",
    )
    parser.add_argument("--no-jsonschema", action="store_true", help="skip python-jsonschema")
    parser.add_argument("--no-node", action="store_true", help="skip adf-utils")
    args = parser.parse_args(argv)
    runs, warmup = max(1, args.runs), max(1, args.warmup)

    load = load_average()
    print(
        f"adfkit {adfkit.__version__} validator benchmark: Python {platform.python_version()}, "
        f"node {node_version()}, {os.cpu_count()} CPUs, load {load}"
    )
    print(
        f"median of {runs} runs after >= {warmup} warm-up calls and "
        f">= {WARMUP_SECONDS:g} s; runs under {MIN_RUN_SECONDS * 1e3:g} ms are batches, "
        "figures are per call; MB = 10^6 bytes of compact JSON"
    )

    peers = load_peers(args, warmup)
    labels = list(SIZES)
    docs: list[Document] = []
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="adfkit-bench-") as tmp:
        for label, target in SIZES.items():
            text = dumps(make_document(target, args.seed))
            file = Path(tmp) / f"doc-{target}.json"
            file.write_text(text, encoding="utf-8")
            value = json.loads(text)
            nodes, marks = type_counts(value)
            docs.append(
                Document(
                    label,
                    text,
                    value,
                    len(text.encode("utf-8")),
                    sum(nodes.values()),
                    sum(marks.values()),
                    file,
                )
            )
        print(
            f"documents (seed {args.seed}): "
            + "; ".join(
                f"{d.label} = {d.nbytes:,} bytes, {d.nodes:,} nodes, {d.marks:,} marks"
                for d in docs
            )
        )
        print()
        for d in docs:
            rows += measure(d, peers, runs)

    print_table(rows, labels)

    # Ratios: adfkit's verdict call (is_valid) against each peer's.
    print("ratios (peer median / adfkit is_valid median; the same on minimums in brackets):")
    for label in labels:
        ours = find(rows, "adfkit is_valid", label)
        if ours is None or ours.median is None:
            continue
        parts = []
        for engine, name in (
            ("fastjsonschema (compiled)", "fastjsonschema"),
            ("python-jsonschema Draft4", "python-jsonschema"),
            ("adf-utils strict (node)", "adf-utils"),
        ):
            peer = find(rows, engine, label)
            if peer is not None and peer.median is not None:
                on_min = (
                    f" [{peer.fastest / ours.fastest:.1f}x]"
                    if peer.fastest and ours.fastest
                    else ""
                )
                parts.append(ratio_text(peer.median / ours.median, name) + on_min)
        if parts:
            print(f"  {label:>6}: " + "; ".join(parts))
    print()

    # adfkit extras on the 1 MB document.
    big = next(d for d in docs if d.label == BIG)
    unseen = json.loads(dumps(make_document(SIZES[BIG], args.seed + 1)))
    t0 = time.perf_counter()
    adfkit.is_valid(unseen)
    first = time.perf_counter() - t0
    print(f"adfkit on {BIG}:")
    print(
        f"  first call on an unseen {BIG} document (seed {args.seed + 1}): {ms(first)} ms "
        f"({SIZES[BIG] / 1e6 / first:,.1f} MB/s)"
    )
    doc_mem = peak_memory(partial(json.loads, big.text))
    print(f"  the parsed document itself (tracemalloc of json.loads): {mb(doc_mem)}")
    print(f"  peak memory, is_valid: {mb(peak_memory(partial(adfkit.is_valid, big.value)))}")
    print(
        f"  peak memory, list(iter_errors): {mb(peak_memory(partial(collect_errors, big.value)))}"
    )
    bad = inject_errors(big.value, INJECTED_ERRORS, args.seed)
    bad_bytes = len(dumps(bad).encode("utf-8"))
    errors = collect_errors(bad)
    bad_row = Row("errors", BIG, bad_bytes, call=partial(collect_errors, bad), warmup=warmup)
    timed_runs(bad_row, runs)
    bad_median = bad_row.median or float("nan")
    valid_iter = find(rows, "adfkit list(iter_errors)", BIG)
    versus = (
        f", {bad_median / valid_iter.median:.2f}x the valid document"
        if valid_iter and valid_iter.median
        else ""
    )
    print(
        f"  with {INJECTED_ERRORS} injected invalid marks: list(iter_errors) finds {len(errors)} "
        f"errors in {ms(bad_median)} ms median ({bad_bytes / 1e6 / bad_median:,.1f} MB/s"
        f"{versus}); peak memory {mb(peak_memory(partial(collect_errors, bad)))}"
    )
    print()

    # Targets (1 MB); reported, never enforced through the exit status.
    print(f"targets on {BIG} (verdict on medians; minimums in brackets):")
    ours = find(rows, "adfkit is_valid", BIG)
    if ours is None or ours.mbps is None or ours.median is None:
        print("  FAIL  adfkit did not produce a timing on the valid document")
        return 0
    verdict = "PASS" if ours.mbps >= TARGET_MBPS else "FAIL"
    best = f" [{big.nbytes / 1e6 / ours.fastest:,.2f}]" if ours.fastest else ""
    print(f"  {verdict}  adfkit >= {TARGET_MBPS:g} MB/s: {ours.mbps:,.2f} MB/s{best}")
    for engine, name, goal in (
        ("fastjsonschema (compiled)", "fastjsonschema", TARGET_VS_FASTJSONSCHEMA),
        ("adf-utils strict (node)", "adf-utils", TARGET_VS_ADF_UTILS),
    ):
        peer = find(rows, engine, BIG)
        if peer is None or peer.median is None:
            reason = next((r.note for r in rows if r.engine == engine and r.note), "no timing")
            print(f"  SKIP  adfkit >= {goal:g}x {name}: {reason}")
            continue
        ratio = peer.median / ours.median
        verdict = "PASS" if ratio >= goal else "FAIL"
        on_min = f" [{peer.fastest / ours.fastest:.1f}x]" if peer.fastest and ours.fastest else ""
        print(f"  {verdict}  adfkit >= {goal:g}x {name}: {ratio:.1f}x{on_min}")
    print(f"\nload at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)  # a report, not a gate: PASS/FAIL lines never change the exit status
