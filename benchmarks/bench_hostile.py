"""Hostile-input benchmark: every public entry point on every input family it reads,
at 100 KB and at 1 MB, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/bench_hostile.py [--runs 3] [--timeout 60] [--only TEXT]

The families are ``tests/hostile_inputs.py`` (the same ones the resource-contract test
counts): deep, wide, long and repeated ADF and JSON, and the Markdown and HTML of issue
16's reproducers. Each (entry point, family, size) runs in a fresh worker process with
a time limit: a case that raises (``RecursionError``) or runs past the limit is
reported as such instead of stopping the run. Inside the worker the input is made and
prepared (parsed, for entry points that take a value) outside the timing; the entry
point is then called once to warm up and ``--runs`` times with the garbage collector
off, and the median is printed, with the ratio of the 1 MB time to the 100 KB time.
Linear work gives a ratio near 10; quadratic work near 100.

``json.loads`` and ``json.dumps`` are timed beside ``adfkit.jsonfile`` for reference:
their own 1 MB / 100 KB ratio on flat input shows what the machine adds (fresh memory
at 1 MB), and on deep input they stop with ``RecursionError``.

Entry points the installed adfkit does not have yet (``from_wiki``, ``to_wiki``) are
listed as "n/a". The exit status is always 0: this reports, it does not gate.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_inputs import HTML_FAMILIES, JSON_FAMILIES, MARKDOWN_FAMILIES  # noqa: E402
from timing import load_average  # noqa: E402

SIZES = (100_000, 1_000_000)

ADF_FAMILIES = [f for f in JSON_FAMILIES if f != "deep-arrays"]
VALID_ADF = ["deep-lists", "wide-paragraphs", "long-text", "many-marks", "deep-parameters"]

# entry point -> (families it reads, how it prepares the text, what is timed)
PLAN: dict[str, list[str]] = {
    "is_valid": [*ADF_FAMILIES, "deep-arrays"],
    "validate": ADF_FAMILIES,
    "iter_errors": ["deep-lists-invalid", "wide-invalid"],
    "from_json": VALID_ADF,
    "json.loads (reference)": list(JSON_FAMILIES),
    "jsonfile.parse": list(JSON_FAMILIES),
    "json.dumps (reference)": [*VALID_ADF, "deep-arrays"],
    "jsonfile.dumps": [*VALID_ADF, "deep-arrays"],
    "repair": ["deep-lists", "wide-paragraphs", "many-marks"],
    "cli validate": ADF_FAMILIES,
    "cli validate --format github": ["deep-lists-invalid", "wide-invalid"],
    "from_markdown": list(MARKDOWN_FAMILIES),
    "from_html": list(HTML_FAMILIES),
    "to_markdown": VALID_ADF,
    "to_html": VALID_ADF,
    "to_text": VALID_ADF,
    "from_wiki": [],
    "to_wiki": VALID_ADF,
}


def _entry(name: str) -> tuple[Callable[[str], Any], Callable[[Any], object]] | None:
    """(prepare, run) for an entry point, or None if this adfkit has no such function."""
    import adfkit
    from adfkit import jsonfile

    def value(text: str) -> Any:
        return jsonfile.parse(text).value

    def public(attr: str) -> Callable[[Any], object] | None:
        try:
            fn: Callable[[Any], object] = getattr(adfkit, attr)
        except AttributeError:
            return None
        return fn

    if name in ("is_valid", "from_json", "to_markdown", "to_html", "to_text", "to_wiki"):
        fn = public(name)
        return None if fn is None else (value, fn)
    if name in ("from_markdown", "from_html", "from_wiki"):
        fn = public(name)
        return None if fn is None else (str, fn)
    if name == "validate":
        from adfkit.validator import MAX_ERRORS, collect, iter_errors

        return value, lambda doc: [e.path for e in collect(iter_errors(doc), MAX_ERRORS)[0]]
    if name == "iter_errors":
        return value, lambda doc: [e.code for e in adfkit.iter_errors(doc)]
    if name == "json.loads (reference)":
        return str, json.loads
    if name == "json.dumps (reference)":
        return value, json.dumps
    if name == "jsonfile.parse":
        return str, jsonfile.parse
    if name == "jsonfile.dumps":
        return value, jsonfile.dumps
    if name == "repair":
        from adfkit.repair import repair_document

        return value, lambda doc: repair_document(doc["content"])
    if name.startswith("cli "):
        from click.testing import CliRunner

        from adfkit.cli import main

        args = name.split()[1:]

        def write(text: str) -> str:
            import tempfile

            path = Path(tempfile.mkdtemp(prefix="adfkit-bench-")) / "input.json"
            path.write_text(text, encoding="utf-8")
            return str(path)

        return write, lambda path: CliRunner().invoke(main, [*args, "-q", path])
    raise ValueError(name)


def worker(entry: str, family: str, size: int, runs: int) -> None:
    """One case, in this process: print its median seconds as JSON."""
    from hostile_inputs import FAMILIES

    found = _entry(entry)
    if found is None:
        print(json.dumps({"result": "n/a"}))
        return
    prepare, run = found
    prepared = prepare(FAMILIES[family](size))
    run(prepared)  # warm-up (imports, caches)
    times = []
    for _ in range(runs):
        gc.disable()
        try:
            start = time.perf_counter()
            run(prepared)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    print(json.dumps({"result": statistics.median(times)}))


def case(entry: str, family: str, size: int, runs: int, timeout: float) -> str | float:
    """Seconds, or what went wrong, for one case in a fresh process."""
    command = [sys.executable, __file__, "--worker", entry, family, str(size), str(runs)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]
        return last.split(":")[0][:24]
    result: str | float = json.loads(done.stdout.strip().splitlines()[-1])["result"]
    return result


def _cell(value: str | float) -> str:
    return f"{value * 1e3:,.1f} ms" if isinstance(value, float) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--only", default="", help="entry points containing this text")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        entry, family, size, runs = args.worker
        worker(entry, family, int(size), int(runs))
        return
    print(f"python {sys.version.split()[0]}; load average {load_average()}")
    print(f"median of {args.runs} runs after one warm-up; a fresh process per case\n")
    print(f"| entry point | family | {SIZES[0] // 1000} KB | {SIZES[1] // 1_000_000} MB | ratio |")
    print("|---|---|---:|---:|---:|")
    for entry, families in PLAN.items():
        if args.only not in entry:
            continue
        if not families:
            print(f"| `{entry}` | (no families yet) | n/a | n/a | |")
            continue
        for family in families:
            small = case(entry, family, SIZES[0], args.runs, args.timeout)
            large: str | float = "not run"
            if isinstance(small, float) or small == "n/a":
                large = case(entry, family, SIZES[1], args.runs, args.timeout)
            ratio = (
                f"{large / small:.1f}"
                if isinstance(small, float) and isinstance(large, float) and small > 0
                else ""
            )
            print(
                f"| `{entry}` | {family} | {_cell(small)} | {_cell(large)} | {ratio} |", flush=True
            )


if __name__ == "__main__":
    main()
