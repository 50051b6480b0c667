"""Hostile HTML: ``adfkit.from_html``'s time on each input family at 100 KB and 1 MB.

Run from the repository root::

    .venv/bin/python benchmarks/bench_html_families.py [--runs 3] [--timeout 120]
    .venv/bin/python benchmarks/bench_html_families.py --adfkit /path/to/other/checkout

The families (a unit of markup repeated to the size: ``<``, ``<table><tr><td>``,
``<ul><li>``, unclosed ``<b>`` ...) are ``tests/html_families.py``'s, the ones
``tests/test_html_linear.py`` counts the work of. Each size of each family runs in its
own process, so that a conversion that does not finish within ``--timeout`` seconds is
cut off and reported as such (the state before the fix of a quadratic family). Each
figure is the median of ``--runs`` calls, garbage collector off, after one warm-up call
on a tenth of the input. ``--adfkit`` imports adfkit from another checkout, to set
figures before and after a change side by side. The ratio column is the 1 MB time over
the 100 KB time: about 10 for linear work. The exit status is always 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from html_families import FAMILIES, KB  # noqa: E402 (beside the tests)
from timing import load_average  # noqa: E402 (beside this file)

SIZES = {"100 KB": 100 * KB, "1 MB": 1000 * KB}


def _measure(family: str, size: int, runs: int) -> list[float]:
    """In this process: ``runs`` timed calls of from_html on the family at ``size``."""
    import adfkit

    adfkit.from_html(FAMILIES[family](size // 10))
    markup = FAMILIES[family](size)
    times = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            adfkit.from_html(markup)
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return times


def _run(family: str, size: int, runs: int, timeout: float, checkout: Path) -> float | None:
    """The median in a child process importing adfkit from ``checkout``; None on timeout."""
    code = (
        f"import sys; sys.path[:0] = [{str(checkout)!r}, {str(ROOT / 'benchmarks')!r}]; "
        "import json, bench_html_families as b; "
        f"print(json.dumps(b._measure({family!r}, {size}, {runs})))"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise SystemExit(f"{family} at {size} bytes failed:\n{done.stderr}")
    return float(statistics.median(json.loads(done.stdout)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--adfkit", type=Path, default=ROOT, help="checkout to import from")
    parser.add_argument("--only", nargs="*", help="family names to run (default: all)")
    args = parser.parse_args()
    families = args.only or sorted(FAMILIES)
    print(f"from_html by input family: adfkit from {args.adfkit}, load {load_average()}")
    print(f"median of {args.runs} calls per figure, cut off after {args.timeout:.0f} s\n")
    print(f"{'family':36} {'100 KB':>10} {'1 MB':>10} {'ratio':>7}")
    for family in families:
        row = [_run(family, size, args.runs, args.timeout, args.adfkit) for size in SIZES.values()]
        cells = [f"{t * 1000:8.0f} ms" if t is not None else f"> {args.timeout:.0f} s" for t in row]
        small, large = row
        ratio = f"{large / small:6.1f}x" if small and large else "-"
        print(f"{family:36} {cells[0]:>10} {cells[1]:>10} {ratio:>7}", flush=True)
    print(f"\nload at the end: {load_average()}")


if __name__ == "__main__":
    main()
