"""Where adfkit's validator spends its time on the benchmark's 1 MB document.

Run from the repository root::

    .venv/bin/python benchmarks/profile_validate.py [--call is_valid|iter_errors]
                                                    [--repeat 40] [--interval 0.0002]

Samples ``--repeat`` calls with pyinstrument (one session, so the shares are averaged
over all of them) and prints two views: the functions by *self* time (where the time
is actually spent, with each function's inclusive share beside it), and the call tree
with each frame's share of the total.

pyinstrument 5 also records calls into C functions (``dict.get``, ``str.encode``), and
that bookkeeping makes a call about three times slower than unprofiled, inflating the
built-ins' shares; read the shares as a map of where to look, and measure any change
with ``bench_validate.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from make_document import SIZES, dumps, make_document  # noqa: E402 (beside this file)
from pyinstrument import Profiler  # noqa: E402 (kept with the imports below the path set-up)
from pyinstrument.frame import Frame  # noqa: E402 (likewise)

import adfkit  # noqa: E402 (needs the path set above)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--call", choices=("is_valid", "iter_errors"), default="is_valid")
    parser.add_argument("--repeat", type=int, default=40, help="calls sampled in one session")
    parser.add_argument("--interval", type=float, default=0.0002, help="sampling interval (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=25, help="rows in the flat list")
    parser.add_argument("--tree-only", action="store_true", help="skip the flat list")
    args = parser.parse_args(argv)

    doc = json.loads(dumps(make_document(SIZES["1 MB"], args.seed)))
    if not adfkit.is_valid(doc):
        print("note: adfkit rejects the benchmark document; the profile is of a short walk")

    def call() -> object:
        if args.call == "is_valid":
            return adfkit.is_valid(doc)
        return list(adfkit.iter_errors(doc))

    call()  # warm caches, as the benchmark does
    profiler = Profiler(interval=args.interval)
    profiler.start()
    for _ in range(args.repeat):
        call()
    profiler.stop()

    session = profiler.last_session
    assert session is not None
    print(
        f"adfkit {args.call} on the 1 MB document: {args.repeat} calls, "
        f"{session.sample_count:,} samples, {session.duration * 1e3 / args.repeat:.1f} ms a call "
        "under the profiler\n"
    )
    if not args.tree_only:
        root = session.root_frame()
        assert root is not None
        print_flat(root, args.top)
    print("== call tree (share of the total) ==")
    print(profiler.output_text(time="percent_of_total", show_all=True))
    return 0


def print_flat(root: Frame, top: int) -> None:
    """Functions by self time (time in the function's own code, including the C calls
    pyinstrument cannot attribute), with their inclusive share beside it (recursive
    calls counted once)."""
    self_time: dict[str, float] = defaultdict(float)
    inclusive: dict[str, float] = defaultdict(float)
    total = root.time or 1.0

    def key(frame: Frame) -> str:
        where = f"{frame.file_path_short}:{frame.line_no}" if frame.line_no else "<built-in>"
        return f"{frame.function}  {where}"

    stack: list[tuple[Frame, frozenset[str]]] = [(root, frozenset())]
    while stack:
        frame, on_path = stack.pop()
        k = key(frame)
        self_time[k] += frame.total_self_time
        if k not in on_path:
            inclusive[k] += frame.time
        inner = on_path | {k}
        stack.extend((c, inner) for c in frame.children if not c.is_synthetic)

    print(f"== top {top} functions by self time ==")
    print(f"{'self %':>7} {'incl %':>7}  function")
    for k, t in sorted(self_time.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{100 * t / total:>6.1f}% {100 * inclusive[k] / total:>6.1f}%  {k}")
    print()


if __name__ == "__main__":
    sys.exit(main())
