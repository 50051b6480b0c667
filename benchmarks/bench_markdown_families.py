"""Hostile Markdown, family by family: ``from_markdown`` and ``to_markdown`` timed at
100 KB and 1 MB of each repeated pattern (nesting: quotes, lists, ``<details>``;
repeated tokens: emphasis runs, brackets, backticks, ``<`` runs, comments, tags, wide
tables ...), with the ratio of the two sizes: linear work shows about 10x.

Run from the repository root::

    .venv/bin/python benchmarks/bench_markdown_families.py [--small 100000] [--large 1000000]

The families are those of ``tests/test_markdown_linear.py`` (which counts calls instead
of timing, so that it holds on a loaded machine); this script shows the time, which
also covers work inside single C calls (regular expressions) that counting cannot see.
It reports, it does not gate: the exit status is always 0.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from test_markdown_linear import (  # noqa: E402 (from tests/)
    FAMILIES,
    _sized,
)

import adfkit  # noqa: E402 (needs the path set above)


def _seconds(call: object, argument: object) -> float:
    gc.disable()
    try:
        start = time.perf_counter()
        call(argument)  # type: ignore[operator]
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"{'family':26s} {'from_markdown':>27s} {'to_markdown':>27s}")
    columns = f"{'small s':>8s} {'large s':>8s} {'ratio':>9s}"
    print(f"{'':26s} {columns} {columns}")
    for name, make in FAMILIES.items():
        row = []
        for reader in (True, False):
            times = []
            for size in (args.small, args.large):
                source = _sized(make, size)
                doc = adfkit.from_markdown(source)
                times.append(
                    _seconds(adfkit.from_markdown, source)
                    if reader
                    else _seconds(adfkit.to_markdown, doc)
                )
            ratio = times[1] / times[0] if times[0] else float("nan")
            row.append(f"{times[0]:8.3f} {times[1]:8.3f} {ratio:8.1f}x")
        print(f"{name:26s} {row[0]} {row[1]}", flush=True)


if __name__ == "__main__":
    main()
