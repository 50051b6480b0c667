"""Markdown-to-ADF benchmark: adfkit's ``from_markdown`` against mistune's own parse
and the Python and node peers, on the same Markdown, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_markdown.py [--runs 7] [--seed 0]

Inputs (``make_markdown.py``, seeded): a typical bug description of about 2 KB and a
long page of about 1 MB (headings, marked-up paragraphs, nested lists, task lists,
tables, fenced code, quotes, images, non-ASCII text). For each it times:

- mistune 3's AST parse with the plugins adfkit uses (``strikethrough``, ``table``,
  ``task_lists``, ``url``), the parser built once: the floor for any converter built
  on mistune, and the reference of the ``x mistune`` column;
- ``adfkit.from_markdown(text)`` (its parser is built once, on the first call, during
  the warm-up);
- the Python peers (``markdown_peers.py``): md-to-adf, marklassian, marklas, md2adf,
  adf-bridge, each in this process when it imports here, otherwise in the
  interpreter given by ``--peers-python`` (default ``benchmarks/.venv/bin/python``
  when it exists: marklassian and adf-bridge declare ``mistune<3.4`` and live there),
  where mistune's parse is timed again as a context row;
- the node peers, timed inside node by ``markdown_peers_bench.mjs`` (process start and
  module loading excluded): marklassian from npm, and Atlassian's own pipeline,
  ``@atlaskit/editor-markdown-transformer`` then ``@atlaskit/editor-json-transformer``.

Every converter's output on each document is checked with ``adfkit.is_valid`` (the
"valid ADF" column), and a second table shows how much of the text each output kept:
speed without validity, or with text dropped, means little. A peer that raises on a
document is retried on a copy in which inline code inside ``**strong**`` is plain text
(backticks made apostrophes: same size), since ADF cannot hold ``code`` beside another
mark and that is the usual cause; the row says so. Peers that cannot run at all are
listed with the reason.

Targets (PASS/FAIL on medians): adfkit under 2 ms per 2 KB document, and adfkit at
most 1.3x mistune's parse on both documents. The exit status is always 0: this
reports, it does not gate.

How it times: as ``bench_validate.py``. Each converter in turn is warmed up (at least
``--warmup`` calls and half a second), then timed for ``--runs`` runs in a row with
the garbage collector off; a run is one call, or for calls under 10 ms a batch lasting
at least 10 ms, reported per call. Figures are medians and minimums per call; MB/s
uses 10**6 bytes of UTF-8 Markdown. Converters are not interleaved (see
``bench_validate.py`` on V8); run the whole benchmark twice and compare. The garbage
collector's share, which the rows leave out for every converter alike, is shown for
adfkit apart.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from make_markdown import SIZES, make_bug_report, make_markdown, utf8_len  # noqa: E402
from markdown_peers import (  # noqa: E402
    MISTUNE_PLUGINS,
    PEERS,
    Peer,
    describe_error,
    mistune_version,
)
from timing import (  # noqa: E402 (beside this file; the same timing rules)
    MAX_BATCH,
    MIN_RUN_SECONDS,
    Timings,
    load_average,
    ms,
    node_version,
    timed,
)

import adfkit  # noqa: E402 (needs the path set above)

NODE_SCRIPT = HERE / "markdown_peers_bench.mjs"
PEER_WORKER = HERE / "markdown_peers.py"
DEFAULT_PEERS_PYTHON = HERE / ".venv" / "bin" / "python"
SMALL, BIG = "2 KB", "1 MB"
ADFKIT = "adfkit from_markdown"
NODE_PEERS = {
    "marklassian": ("marklassian (node)", "marklassian"),
    "atlaskit": ("atlaskit transformer (node)", "@atlaskit/editor-markdown-transformer"),
}
PIP_PINNED = (
    "python3 -m venv benchmarks/.venv && benchmarks/.venv/bin/pip install marklassian adf-bridge"
)

TARGET_SMALL_MS = 2.0
TARGET_VS_MISTUNE = 1.3
FIRST_CALL_PROCESSES = 3
TEXT_LOSS = 0.95
"""An output with less text than this share of adfkit's gets a note."""

_STRONG = re.compile(r"\*\*[^*\n]+\*\*")
VARIANT = "on the copy with code inside **strong** as plain text"


@dataclass
class Document:
    label: str
    text: str
    nbytes: int
    file: Path
    variant: Path | None
    """The same text with the backticks inside ``**strong**`` made apostrophes, or None
    if there are none."""


@dataclass
class Row(Timings):
    """One converter on one document: its timed runs (seconds per call), its output
    and what to say about it."""

    converter: str
    size: str
    nbytes: int
    times: list[float] = field(default_factory=list)
    about: str = ""
    """What the converter is and how it was called (printed once, above the table)."""
    note: str = ""
    """About this run (the document variant used, the first error)."""
    problem: str = ""
    """Why there is no timing (failed or skipped), in full."""
    valid: str = "-"
    output: Any = None


# --- running the converters -------------------------------------------------------------


def timed_gc_on(fn: Callable[[], object], runs: int, warmup: int) -> list[float]:
    """As ``timed``, but with the garbage collector left on during the runs."""
    for _ in range(max(1, warmup)):
        fn()
    t0 = time.perf_counter()
    fn()
    last = time.perf_counter() - t0
    batch = max(1, min(MAX_BATCH, math.ceil(MIN_RUN_SECONDS / max(last, 1e-9))))
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        out.append((time.perf_counter() - t0) / batch)
    return out


def finish(row: Row, value: Any) -> Row:
    """Record ``value`` as the row's output and judge it with adfkit."""
    row.output = value
    if not isinstance(value, dict):
        row.valid = "NO"
        row.note = _join(row.note, f"returns {type(value).__name__}, not a dict")
    elif adfkit.is_valid(value):
        row.valid = "yes"
    else:
        errors = list(adfkit.iter_errors(value))
        row.valid = f"NO ({len(errors):,})"
        first = errors[0]
        where = first.path
        if len(where) > 32:
            where = ".../" + where[-28:].split("/", 1)[-1]
        message = re.sub(r" \(/[^()]*\)$", "", first.message)  # the other mark's path
        row.note = _join(row.note, f"first error: {first.code} at {where}: {message}")
    return row


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _about(peer: Peer, version: str, where: str, mistune: str, requires: str) -> str:
    text = f"{peer.name} {version}: {peer.call}"
    if peer.note:
        text += f" ({peer.note})"
    text += f"; {where}"
    if mistune:
        text += f", mistune {mistune}"
    if requires:
        text += f" (it declares {requires})"
    return text


def run_in_process(name: str, d: Document, runs: int, warmup: int) -> Row | str:
    """A Python peer in this process: its row, or why it cannot be imported here."""
    peer = PEERS[name]
    try:
        convert = peer.load()
    except Exception as exc:  # any import failure is a reason, not a crash
        return describe_error(exc)
    requires = peer.requires_mistune()
    uses_mistune = bool(requires)
    row = Row(
        f"{name} (py)",
        d.label,
        d.nbytes,
        about=_about(
            peer,
            peer.version(),
            "in this process",
            mistune_version() if uses_mistune else "",
            requires,
        ),
    )
    text = d.text
    try:
        value = convert(text)
    except Exception as exc:  # the peer failing on the input is a result
        failure = describe_error(exc)
        if d.variant is None:
            row.problem = f"raises {failure}"
            return row
        text = d.variant.read_text(encoding="utf-8")
        try:
            value = convert(text)
        except Exception as again:
            row.problem = f"raises {failure}; on the copy too: {describe_error(again)}"
            return row
        row.note = f"{VARIANT}: the original raises {failure}"
    row.times = timed(partial(convert, text), runs, warmup)
    return finish(row, value)


def run_worker(
    python: Path, name: str, doc: Path, out: Path, runs: int, warmup: int
) -> dict[str, Any]:
    cmd = [str(python), str(PEER_WORKER), name, str(doc), str(out), str(runs), str(warmup)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        tail = " ".join(proc.stderr.strip().splitlines()[-1:])
        raise RuntimeError(f"{python} exited {proc.returncode} without a result: {tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def run_in_worker(
    python: Path, name: str, d: Document, tmp: Path, runs: int, warmup: int, here_error: str
) -> Row:
    """A Python peer in the other interpreter (``--peers-python``)."""
    peer = PEERS[name]
    row = Row(f"{name} (py)", d.label, d.nbytes)
    out = tmp / f"{name}-{d.label.replace(' ', '')}.json"
    try:
        result = run_worker(python, name, d.file, out, runs, warmup)
        failure = str(result["error"] or "")
        if not result["ok"] and d.variant is not None and failure.startswith("raises"):
            result = run_worker(python, name, d.variant, out, runs, warmup)
            row.note = f"{VARIANT}: the original {failure}"
    except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        row.problem = f"skipped: the worker in {python} failed: {exc}"
        return row
    row.about = _about(
        peer,
        result["version"],
        f"in {_short_path(python)}",
        result["mistune"] if result["requires_mistune"] else "",
        result["requires_mistune"],
    )
    if not result["ok"]:
        error = str(result["error"])
        if error.startswith("cannot import"):
            row.problem = (
                f"skipped: cannot be imported here ({here_error}) nor in {python} ({error})"
            )
        else:
            row.problem = f"{error} (in {python})"
        return row
    row.times = list(result["runs_s"])
    return finish(row, json.loads(out.read_text(encoding="utf-8")))


def worker_floor(python: Path, d: Document, tmp: Path, runs: int, warmup: int) -> Row:
    row = Row("mistune parse (peers' env)", d.label, d.nbytes)
    try:
        result = run_worker(python, "mistune", d.file, tmp / "floor.json", runs, warmup)
    except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        row.problem = f"skipped: {exc}"
        return row
    row.converter = f"mistune {result['version']} (peers' env)"
    row.about = (
        f"mistune {result['version']}: the floor again, in {_short_path(python)} "
        "where the peers that declare mistune<3.4 ran (context)"
    )
    if result["ok"]:
        row.times = list(result["runs_s"])
    else:
        row.problem = str(result["error"])
    return row


def node_missing(parent: Path) -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    for package in (
        "marklassian",
        "@atlaskit/editor-markdown-transformer",
        "@atlaskit/editor-json-transformer",
    ):
        if not (parent / "node_modules" / package / "package.json").is_file():
            return (
                f"{parent / 'node_modules' / package} is missing; install the node peers with "
                f"`(cd {_short_path(parent)} && npm ci --no-audit --no-fund)`"
            )
    return None


def run_node(peer: str, parent: Path, d: Document, tmp: Path, runs: int, warmup: int) -> Row:
    label, package = NODE_PEERS[peer]
    row = Row(label, d.label, d.nbytes)
    out = tmp / f"node-{peer}-{d.label.replace(' ', '')}.json"
    cmd = ["node", str(NODE_SCRIPT), peer, str(parent), str(d.file), str(out)]
    try:
        proc = subprocess.run(
            [*cmd, str(runs), str(warmup)],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        lines = proc.stdout.strip().splitlines()
        if not lines:
            tail = " ".join(proc.stderr.strip().splitlines()[-1:])
            raise RuntimeError(f"node exited {proc.returncode} without a result: {tail}")
        result = json.loads(lines[-1])
    except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        row.problem = f"skipped: node failed: {exc}"
        return row
    if peer == "marklassian":
        row.about = f"marklassian {result['version']} (npm): markdownToAdf(text), timed in node"
    else:
        row.about = (
            f"{package} {result['version']}: new MarkdownTransformer().parse(text), then "
            "@atlaskit/editor-json-transformer's JSONTransformer.encode (both built once), "
            "timed in node"
        )
    if not result["ok"]:
        row.problem = str(result["error"])
        return row
    row.times = [t / 1e3 for t in result["runs_ms"]]
    return finish(row, json.loads(out.read_text(encoding="utf-8")))


def adfkit_source() -> str:
    """Where the adfkit being measured comes from, and its git state."""
    where = Path(adfkit.__file__).resolve().parent
    try:
        git = ["git", "-C", str(where)]
        sha = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        sha = dirty = ""
    if not sha:
        return f"adfkit from {where} (not in a git checkout)"
    return f"adfkit from {where} at commit {sha}" + (
        ", with uncommitted changes under adfkit/" if dirty else ", adfkit/ unmodified"
    )


def _short_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- reporting ----------------------------------------------------------------------


def print_legend(rows: list[Row]) -> None:
    print("converters:")
    seen: set[str] = set()
    for r in rows:
        if r.about and r.converter not in seen:
            seen.add(r.converter)
            print(f"  {r.converter:<28} {r.about}")
    print()


def print_table(rows: list[Row], labels: list[str], floors: dict[str, float]) -> None:
    """The timings, with each row's note as a number pointing to the list below the
    table (identical notes share a number)."""
    head = (
        f"{'converter':<28} {'document':>8} {'median ms':>10} {'min ms':>9} {'MB/s':>6} "
        f"{'x mistune':>9} {'valid ADF':>9}  note"
    )
    print(head)
    print("-" * len(head))
    notes: dict[str, int] = {}
    for label in labels:
        for r in (r for r in rows if r.size == label):
            mbps = "-" if r.mbps is None else f"{r.mbps:,.2f}"
            floor = floors.get(label)
            ratio = f"{r.median / floor:.2f}x" if r.median and floor else "-"
            text = f"not timed: {r.problem}" if r.problem else r.note
            mark = ""
            if text:
                mark = f"[{notes.setdefault(f'{r.converter}: {text}', len(notes) + 1)}]"
            print(
                f"{r.converter:<28} {r.size:>8} {ms(r.median):>10} {ms(r.fastest):>9} "
                f"{mbps:>6} {ratio:>9} {r.valid:>9}  {mark}".rstrip()
            )
        print()
    if notes:
        print("notes:")
        for text, n in notes.items():
            print(f"  [{n}] {text}")
        print()


def shape(value: Any) -> tuple[int, int, int]:
    """Nodes, marks and characters of text in an ADF value."""
    nodes = marks = chars = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        nodes += 1
        if item.get("type") == "text" and isinstance(item.get("text"), str):
            chars += len(item["text"])
        item_marks = item.get("marks")
        if isinstance(item_marks, list):
            marks += len(item_marks)
        content = item.get("content")
        if isinstance(content, list):
            stack.extend(content)
    return nodes, marks, chars


def flag_text_loss(rows: list[Row], labels: list[str]) -> None:
    """Note the outputs that hold clearly less text than adfkit's (valid or not)."""
    for label in labels:
        base = next((r for r in rows if r.size == label and r.converter == ADFKIT), None)
        if base is None or base.output is None:
            continue
        base_chars = shape(base.output)[2]
        for r in rows:
            if r.size == label and r.output is not None and r is not base:
                chars = shape(r.output)[2]
                if base_chars and chars < TEXT_LOSS * base_chars:
                    r.note = _join(
                        r.note,
                        f"its output holds only {chars:,} characters of text, "
                        f"{chars / base_chars:.1%} of adfkit's {base_chars:,}: text is lost",
                    )


def print_shapes(rows: list[Row], label: str) -> None:
    print(f"output on the {label} document (text chars: characters in text nodes):")
    base = next((r for r in rows if r.size == label and r.converter == ADFKIT), None)
    base_chars = shape(base.output)[2] if base is not None and base.output is not None else 0
    cols = f"{'nodes':>8} {'marks':>8} {'text chars':>11} {'of adfkit':>9}"
    print(f"  {'converter':<28} {cols}  errors (adfkit's codes)")
    for r in rows:
        if r.size != label or r.output is None:
            continue
        nodes, marks, chars = shape(r.output)
        share = f"{100 * chars / base_chars:.1f}%" if base_chars else "-"
        codes = Counter(e.code for e in adfkit.iter_errors(r.output))
        errors = ", ".join(f"{c} {n:,}" for c, n in codes.most_common(3)) or "none"
        print(f"  {r.converter:<28} {nodes:>8,} {marks:>8,} {chars:>11,} {share:>9}  {errors}")
    print()


def print_targets(rows: list[Row]) -> None:
    print("targets (verdict on medians; minimums in brackets):")

    def find(converter: str, label: str) -> Row | None:
        return next((r for r in rows if r.size == label and r.converter == converter), None)

    small = find(ADFKIT, SMALL)
    if small is None or small.median is None or small.fastest is None:
        print(f"  FAIL  adfkit under {TARGET_SMALL_MS:g} ms per {SMALL} document: no timing")
    else:
        verdict = "PASS" if small.median * 1e3 < TARGET_SMALL_MS else "FAIL"
        print(
            f"  {verdict}  adfkit under {TARGET_SMALL_MS:g} ms per {SMALL} document: "
            f"{ms(small.median)} ms [{ms(small.fastest)}]"
        )
    floor_name = f"mistune {mistune_version()} parse (floor)"
    for label in (SMALL, BIG):
        ours, floor = find(ADFKIT, label), find(floor_name, label)
        if ours is None or ours.median is None or floor is None or floor.median is None:
            print(f"  FAIL  adfkit at most {TARGET_VS_MISTUNE:g}x mistune on {label}: no timing")
            continue
        ratio = ours.median / floor.median
        on_min = f" [{ours.fastest / floor.fastest:.2f}x]" if ours.fastest and floor.fastest else ""
        verdict = "PASS" if ratio <= TARGET_VS_MISTUNE else "FAIL"
        print(
            f"  {verdict}  adfkit at most {TARGET_VS_MISTUNE:g}x mistune's parse on {label}: "
            f"{ratio:.2f}x{on_min}"
        )
    print()


def first_call_ms(text_file: Path) -> list[float]:
    """``import adfkit`` + the first ``from_markdown``, in new processes, in ms."""
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "t0 = time.perf_counter()\n"
        "import adfkit\n"
        "adfkit.from_markdown(text)\n"
        "print((time.perf_counter() - t0) * 1e3)\n"
    )
    out = []
    for _ in range(FIRST_CALL_PROCESSES):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(text_file)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            out.append(float(proc.stdout.strip().splitlines()[-1]))
    return out


def print_adfkit_extras(
    rows: list[Row], docs: list[Document], parse: Callable[[str], object], runs: int, warmup: int
) -> None:
    print("adfkit extras:")
    for d in docs:
        ours = statistics.median(timed_gc_on(partial(adfkit.from_markdown, d.text), runs, warmup))
        floor = statistics.median(timed_gc_on(partial(parse, d.text), runs, warmup))
        off = next((r for r in rows if r.size == d.label and r.converter == ADFKIT), None)
        versus = f", {ours / off.median:.2f}x its row above" if off and off.median else ""
        print(
            f"  {d.label}, garbage collector on (as in an application): adfkit {ms(ours)} ms"
            f"{versus}; mistune's parse {ms(floor)} ms; adfkit/mistune {ours / floor:.2f}x"
        )
    firsts = first_call_ms(docs[0].file)
    if firsts:
        print(
            f"  {docs[0].label}: `import adfkit` + the first from_markdown in a new process "
            f"(imports mistune and the validator, builds the parser): "
            f"{statistics.median(firsts):,.1f} ms, median of {len(firsts)} processes"
        )
    print()


# --- main ---------------------------------------------------------------------------


def plain_code_in_strong(text: str) -> str:
    """``text`` with the backticks inside ``**strong**`` spans made apostrophes (the
    same length), so that no inline code is strong."""
    return _STRONG.sub(lambda m: m.group(0).replace("`", "'"), text)


def make_documents(seed: int, tmp: Path) -> list[Document]:
    docs = []
    for label, target in SIZES.items():
        text = make_bug_report(seed) if label == SMALL else make_markdown(target, seed)
        file = tmp / f"doc-{target}.md"
        file.write_text(text, encoding="utf-8")
        variant_text = plain_code_in_strong(text)
        variant: Path | None = None
        if variant_text != text:
            variant = tmp / f"doc-{target}-plain.md"
            variant.write_text(variant_text, encoding="utf-8")
        docs.append(Document(label, text, utf8_len(text), file, variant))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median; default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="least warm-up calls (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="document generator seed")
    parser.add_argument(
        "--peers-python",
        default=str(DEFAULT_PEERS_PYTHON),
        help="interpreter for the Python peers that do not import here "
        "(default: benchmarks/.venv/bin/python; 'none' to skip them)",
    )
    parser.add_argument(
        "--node-modules-parent",
        type=Path,
        default=HERE,
        help="directory whose node_modules holds the node peers (default: benchmarks/)",
    )
    parser.add_argument("--no-node", action="store_true", help="skip the node peers")
    parser.add_argument("--no-peers", action="store_true", help="time adfkit and mistune only")
    args = parser.parse_args(argv)
    runs, warmup = max(1, args.runs), max(1, args.warmup)

    load = load_average()
    print(
        f"adfkit {adfkit.__version__} Markdown benchmark: Python {platform.python_version()}, "
        f"mistune {mistune_version()}, node {node_version()}, {os.cpu_count()} CPUs, load {load}"
    )
    print(adfkit_source())
    print(
        f"median of {runs} runs after >= {warmup} warm-up calls and >= 0.5 s; runs under "
        "10 ms are batches, figures are per call; garbage collector off while timing; "
        "MB = 10^6 bytes of UTF-8 Markdown"
    )

    import mistune

    floor_parser = mistune.create_markdown(renderer=None, plugins=list(MISTUNE_PLUGINS))
    peers_python: Path | None = None
    peers_python_note = "no other interpreter to try (--peers-python none)"
    if args.peers_python.lower() != "none":
        candidate = Path(args.peers_python)
        if candidate.is_file():
            peers_python = candidate
        else:
            peers_python_note = f"{candidate} does not exist (create it with `{PIP_PINNED}`)"
    node_note = "--no-node" if args.no_node else node_missing(args.node_modules_parent)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="adfkit-mdbench-") as tmp_name:
        tmp = Path(tmp_name)
        docs = make_documents(args.seed, tmp)
        print(
            f"documents (seed {args.seed}): "
            + "; ".join(
                f"{d.label} = {d.nbytes:,} bytes, {d.text.count(chr(10)):,} lines, "
                f"{len(floor_parser.parse(d.text)[0]):,} top-level tokens"
                for d in docs
            )
            + f"\n  ({docs[0].label}: a Jira bug description; {docs[1].label}: a long page)"
        )
        print()
        for d in docs:
            floor = Row(
                f"mistune {mistune_version()} parse (floor)",
                d.label,
                d.nbytes,
                about=f"mistune.create_markdown(renderer=None, plugins={MISTUNE_PLUGINS})"
                ".parse(text), the parser built once",
            )
            floor.times = timed(partial(floor_parser.parse, d.text), runs, warmup)
            rows.append(floor)

            ours = Row(
                ADFKIT,
                d.label,
                d.nbytes,
                about=f"adfkit {adfkit.__version__}: adfkit.from_markdown(text), in this process",
            )
            value = adfkit.from_markdown(d.text)
            ours.times = timed(partial(adfkit.from_markdown, d.text), runs, warmup)
            rows.append(finish(ours, value))
            if args.no_peers:
                continue

            used_worker = False
            for name in PEERS:
                result = run_in_process(name, d, runs, warmup)
                if isinstance(result, Row):
                    rows.append(result)
                elif peers_python is not None:
                    rows.append(run_in_worker(peers_python, name, d, tmp, runs, warmup, result))
                    used_worker = used_worker or bool(rows[-1].about)
                else:
                    problem = f"skipped: cannot be imported here ({result}); {peers_python_note}"
                    rows.append(Row(f"{name} (py)", d.label, d.nbytes, problem=problem))
            if used_worker and peers_python is not None:
                rows.append(worker_floor(peers_python, d, tmp, runs, warmup))

            for peer, (label, _package) in NODE_PEERS.items():
                if node_note:
                    rows.append(Row(label, d.label, d.nbytes, problem=f"skipped: {node_note}"))
                else:
                    rows.append(run_node(peer, args.node_modules_parent, d, tmp, runs, warmup))

        labels = [d.label for d in docs]
        flag_text_loss(rows, labels)
        floors = {
            r.size: r.median
            for r in rows
            if r.converter == f"mistune {mistune_version()} parse (floor)" and r.median
        }
        print_legend(rows)
        print_table(rows, labels, floors)
        print_targets(rows)
        if not args.no_peers:
            for label in labels:
                print_shapes(rows, label)
        print_adfkit_extras(rows, docs, floor_parser.parse, runs, warmup)
    print(f"load at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)  # a report, not a gate: PASS/FAIL lines never change the exit status
