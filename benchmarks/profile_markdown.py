"""Where ``adfkit.from_markdown`` spends its time beyond mistune's parse.

Run from the repository root::

    .venv/bin/python benchmarks/profile_markdown.py [--size 1m|bug] [--repeat 5]
                                                    [--calls 3] [--interval 0.0005]

Two views of the same document (``make_markdown.py``; the 1 MB page by default, or the
2 KB bug description with ``--size bug``):

1. **Phases, timed without a profiler.** The functions ``from_markdown`` is built
   from (mistune's parse on the parser ``adfkit.formats.markdown.reader`` caches,
   ``_Converter.blocks``, ``repair_document``, ``is_valid``) are each wrapped in a
   timer, found by name, and ``from_markdown`` itself is called ``--repeat`` times with
   the garbage collector off, as in ``bench_markdown.py``: each phase's time inside
   real calls (outermost calls only), how often it ran, and what is left. Whatever
   order the current version calls them in, and whether it calls them at all (repair
   runs only when the natural conversion is invalid), the figures are of what really
   ran; a function that is renamed simply drops out and its time shows as "the rest".
   The call is also timed without the timers, and with the collector on, and the
   collector's passes during one call are counted.
2. **A pyinstrument profile** of ``--calls`` calls: self time grouped by area (mistune,
   adfkit's converter, repair, validator; time in C built-ins is counted in the area
   of the Python function that called them), the functions by self time, and the call
   tree with library frames folded.

pyinstrument 5 records calls into C functions, which slows a call down and inflates
the built-ins' shares; read the shares as a map, and measure a change with
``bench_markdown.py``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from bench_markdown import adfkit_source  # noqa: E402 (beside this file)
from make_document import parse_size  # noqa: E402
from make_markdown import make_bug_report, make_markdown, utf8_len  # noqa: E402
from profile_validate import print_flat  # noqa: E402 (beside this file)
from pyinstrument import Profiler  # noqa: E402 (kept with the imports below the path set-up)
from pyinstrument.frame import Frame  # noqa: E402 (likewise)

import adfkit  # noqa: E402 (needs the path set above)
from adfkit.formats.markdown import reader as md  # noqa: E402

AREAS = (
    ("mistune/", "mistune (parse)"),
    ("adfkit/formats/markdown/reader.py", "adfkit/formats/markdown/reader.py (tokens to ADF)"),
    ("adfkit/repair.py", "adfkit/repair.py (repair)"),
    ("adfkit/validator.py", "adfkit/validator.py (is_valid)"),
    ("adfkit/", "adfkit, other modules"),
)


def area_of(path: str) -> str | None:
    for prefix, name in AREAS:
        if prefix in path:
            return name
    return None


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f}" if seconds < 0.01 else f"{seconds * 1e3:,.1f}"


@dataclass
class Phase:
    """Time spent inside one function during ``from_markdown`` calls (outermost calls
    only, so a recursive function is counted once)."""

    name: str
    seconds: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    depth: int = 0
    found: bool = False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.found = True

        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[-1] += time.perf_counter() - t0
                self.calls[-1] += 1
                self.depth -= 1

        return timed


def phase_targets() -> list[tuple[str, Any, str]]:
    """(phase name, object, attribute) for each function ``from_markdown`` is built
    from, found by name; patching these attributes is how the phases are timed."""
    from adfkit import validator

    targets: list[tuple[str, Any, str]] = []
    parser = getattr(md, "_parser", None)
    if callable(parser):
        targets.append(("mistune parse", parser(), "parse"))
    converter = getattr(md, "_Converter", None)
    if converter is not None and hasattr(converter, "blocks"):
        targets.append(("tokens to ADF (_Converter.blocks)", converter, "blocks"))
    if hasattr(md, "repair_document"):
        targets.append(("repair (repair_document)", md, "repair_document"))
    for owner in (md, validator):  # imported at module level, or at call time
        if hasattr(owner, "is_valid"):
            targets.append(("is_valid", owner, "is_valid"))
    return targets


def phases(text: str, repeat: int) -> None:
    """Time the steps of real ``from_markdown`` calls (garbage collector off): each
    function it is built from is wrapped in a timer for the duration, whatever order
    and whichever of them the current version calls."""
    targets = phase_targets()
    phases_by_name: dict[str, Phase] = {}
    for name, _owner, _attr in targets:
        phases_by_name.setdefault(name, Phase(name))
    saved: list[tuple[Any, str, Any, bool]] = []
    adfkit.from_markdown(text)  # warm: builds the parser, fills caches
    plain: list[float] = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            adfkit.from_markdown(text)
            plain.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    whole: list[float] = []
    try:
        for name, owner, attr in targets:
            in_dict = attr in vars(owner)
            original = getattr(owner, attr)
            raw = vars(owner)[attr] if in_dict else original
            saved.append((owner, attr, raw, in_dict))
            setattr(owner, attr, phases_by_name[name].wrap(raw))
        for _ in range(repeat):
            for phase in phases_by_name.values():
                phase.seconds.append(0.0)
                phase.calls.append(0)
            gc.collect()
            gc.disable()
            try:
                t0 = time.perf_counter()
                adfkit.from_markdown(text)
                whole.append(time.perf_counter() - t0)
            finally:
                gc.enable()
    finally:
        for owner, attr, raw, in_dict in reversed(saved):
            if in_dict:
                setattr(owner, attr, raw)
            else:
                delattr(owner, attr)
    gc_on = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        adfkit.from_markdown(text)
        gc_on.append(time.perf_counter() - t0)

    call = statistics.median(whole)
    parse_phase = phases_by_name.get("mistune parse")
    parse = statistics.median(parse_phase.seconds) if parse_phase else float("nan")
    print(f"== phases of from_markdown (median of {repeat} calls, garbage collector off) ==")
    print(f"{'step':<36} {'calls':>6} {'ms':>9} {'of call':>8}")
    accounted = 0.0
    for phase in phases_by_name.values():
        m = statistics.median(phase.seconds)
        accounted += m
        calls = statistics.median(phase.calls)
        print(f"{phase.name:<36} {calls:>6g} {ms(m):>9} {m / call:>8.0%}")
    rest = call - accounted
    print(f"{'the rest of from_markdown':<36} {'':>6} {ms(rest):>9} {rest / call:>8.0%}")
    print(f"{'from_markdown, timed as above':<36} {'':>6} {ms(call):>9} {1:>8.0%}")
    bare = statistics.median(plain)
    print(f"{'from_markdown, without the timers':<36} {'':>6} {ms(bare):>9} {bare / call:>8.0%}")
    on = statistics.median(gc_on)
    print(f"{'from_markdown, garbage collector on':<36} {'':>6} {ms(on):>9} {on / call:>8.0%}")
    print_gc(text)
    print(
        f"\nfrom_markdown is {bare / parse:.2f}x mistune's parse: {ms(bare - parse)} ms a call "
        f"beyond it ({ms(on - parse)} ms with the collector on). At most 1.3x leaves "
        f"{ms(0.3 * parse)} ms for everything but the parse.\n"
    )


def gc_passes(call: Callable[[], object]) -> tuple[float, float, list[int]]:
    """One call with the collector on: its time, the time spent collecting, and the
    collections by generation."""
    passes = [0, 0, 0]
    spent = 0.0
    started = 0.0

    def hook(phase: str, info: dict[str, int]) -> None:
        nonlocal spent, started
        if phase == "start":
            started = time.perf_counter()
            passes[info["generation"]] += 1
        else:
            spent += time.perf_counter() - started

    gc.collect()
    gc.callbacks.append(hook)
    try:
        t0 = time.perf_counter()
        call()
        total = time.perf_counter() - t0
    finally:
        gc.callbacks.remove(hook)
    return total, spent, passes


def print_gc(text: str) -> None:
    """The collector's passes during one call of each, collector on, and their time."""
    parser: Any = md._parser()
    for name, call in (
        ("from_markdown", partial(adfkit.from_markdown, text)),
        ("mistune parse", partial(parser.parse, text)),
    ):
        total, spent, passes = gc_passes(call)
        print(
            f"  collector on, one {name}: {ms(total)} ms, of which {ms(spent)} ms in "
            f"{sum(passes):,} collections (generation 0/1/2: {passes[0]}/{passes[1]}/{passes[2]})"
        )


def profile(text: str, calls: int, interval: float, top: int) -> None:
    adfkit.from_markdown(text)  # warm, as the benchmark does
    profiler = Profiler(interval=interval)
    profiler.start()
    for _ in range(calls):
        adfkit.from_markdown(text)
    profiler.stop()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    print(
        f"== pyinstrument: {calls} calls, {session.sample_count:,} samples, "
        f"{session.duration * 1e3 / calls:,.0f} ms a call under the profiler ==\n"
    )
    print_areas(root)
    print_flat(root, top)
    print("== call tree (share of the total; library frames folded) ==")
    print(profiler.output_text(time="percent_of_total"))


def print_areas(root: Frame) -> None:
    """Self time by area; a C built-in's time goes to the area of its Python caller."""
    totals: dict[str, float] = defaultdict(float)
    stack: list[tuple[Frame, str]] = [(root, "other")]
    while stack:
        frame, inherited = stack.pop()
        path = frame.file_path or ""
        area = area_of(path) or (inherited if not path or path == "<built-in>" else "other")
        totals[area] += frame.total_self_time
        stack.extend((c, area) for c in frame.children if not c.is_synthetic)
    total = sum(totals.values()) or 1.0
    print("== self time by area ==")
    for name, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{100 * t / total:>6.1f}%  {name}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", default="1m", help="bytes, 10k, 1m, or 'bug' (default 1m)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of the phases")
    parser.add_argument("--calls", type=int, default=3, help="calls sampled by pyinstrument")
    parser.add_argument("--interval", type=float, default=0.0005, help="sampling interval (s)")
    parser.add_argument("--top", type=int, default=25, help="rows in the flat list")
    parser.add_argument("--no-profile", action="store_true", help="phases only")
    args = parser.parse_args(argv)

    if args.size == "bug":
        text = make_bug_report(args.seed)
    else:
        text = make_markdown(parse_size(args.size), args.seed)
    print(
        f"adfkit {adfkit.__version__} from_markdown on {utf8_len(text):,} bytes of Markdown "
        f"(seed {args.seed}); {adfkit_source()}\n"
    )
    phases(text, max(1, args.repeat))
    if not args.no_profile:
        profile(text, max(1, args.calls), args.interval, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
