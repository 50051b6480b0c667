"""The timing rules and report helpers every benchmark here shares.

One place, so that the validator, Markdown and HTML figures are taken the same way
and can be compared side by side: each engine is warmed up, runs shorter than
``MIN_RUN_SECONDS`` are batched, the garbage collector is off while timing, and the
figure quoted is the median. ``adf_utils_bench.mjs`` and ``markdown_peers_bench.mjs``
follow the same rules on the node side.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable

MIN_RUN_SECONDS = 0.01
WARMUP_SECONDS = 0.5
MAX_BATCH = 1000

RunOnce = Callable[[], float]
"""One timed run of a prepared engine: seconds per call."""


class Timings:
    """Median, fastest and throughput of a row's timed runs.

    A mixin for the benchmarks' ``Row`` dataclasses, which declare ``times`` (seconds
    per call) and ``nbytes`` (the input's size) themselves.
    """

    times: list[float]
    nbytes: int

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def fastest(self) -> float | None:
        return min(self.times) if self.times else None

    @property
    def mbps(self) -> float | None:
        m = self.median
        return self.nbytes / 1e6 / m if m else None


def python_runner(fn: Callable[[], object], warmup: int) -> RunOnce:
    """Warm ``fn`` up (at least ``warmup`` calls, and one, lasting at least
    ``WARMUP_SECONDS`` in all), size a batch so that a run lasts at least
    ``MIN_RUN_SECONDS``, and return the timed run."""
    last = 0.0
    calls = 0
    start = time.perf_counter()
    while calls < max(1, warmup) or time.perf_counter() - start < WARMUP_SECONDS:
        t0 = time.perf_counter()
        fn()
        last = time.perf_counter() - t0
        calls += 1
    batch = max(1, min(MAX_BATCH, math.ceil(MIN_RUN_SECONDS / max(last, 1e-9))))

    def run() -> float:
        enabled = gc.isenabled()
        gc.disable()
        try:
            t0 = time.perf_counter()
            for _ in range(batch):
                fn()
            return (time.perf_counter() - t0) / batch
        finally:
            if enabled:
                gc.enable()

    return run


def timed(fn: Callable[[], object], runs: int, warmup: int) -> list[float]:
    """``runs`` timed runs of ``fn`` under the rules above: seconds per call."""
    run = python_runner(fn, warmup)
    return [run() for _ in range(runs)]


def ms(seconds: float | None) -> str:
    """Seconds as milliseconds for a table cell ("-" for no figure)."""
    return "-" if seconds is None else f"{seconds * 1e3:,.2f}"


def load_average() -> str:
    """The machine's 1/5/15-minute load, printed with every run: figures on shared
    machines drift, and the load says how far to trust them."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def node_version() -> str:
    """``node --version``, or "-" when node is not on PATH."""
    if shutil.which("node") is None:
        return "-"
    return subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
