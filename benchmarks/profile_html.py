"""Where adfkit's ``from_html`` spends its time on the benchmark's 1 MB page.

Run from the repository root::

    .venv/bin/python benchmarks/profile_html.py [--repeat 10] [--interval 0.0005]

Samples ``--repeat`` calls of ``adfkit.from_html`` on the page ``bench_html.py`` times
(``make_html.py``, 1 MB, the page as UTF-8 bytes) with pyinstrument, in one session so
the shares are averaged over all of them, and prints the functions by *self* time (with
each function's inclusive share beside it) and the call tree with each frame's share
of the total. As in ``profile_validate.py``: pyinstrument 5 also records calls into C
functions, which slows the call down and inflates the built-ins' shares; read the
shares as a map of where to look, and measure any change with ``bench_html.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from make_html import SIZES, make_html  # noqa: E402 (beside this file)
from profile_validate import print_flat  # noqa: E402 (beside this file)
from pyinstrument import Profiler  # noqa: E402 (kept with the imports below the path set-up)

import adfkit  # noqa: E402 (needs the path set above)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10, help="calls sampled in one session")
    parser.add_argument("--interval", type=float, default=0.0005, help="sampling interval (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=25, help="rows in the flat list")
    parser.add_argument("--tree-only", action="store_true", help="skip the flat list")
    parser.add_argument("--flat-only", action="store_true", help="skip the call tree")
    args = parser.parse_args(argv)

    data = make_html(SIZES["1 MB"], args.seed).encode("utf-8")
    adfkit.from_html(data)  # warm caches and imports, as the benchmark does
    profiler = Profiler(interval=args.interval)
    profiler.start()
    for _ in range(args.repeat):
        adfkit.from_html(data)
    profiler.stop()

    session = profiler.last_session
    assert session is not None
    print(
        f"adfkit from_html on the 1 MB page ({len(data):,} bytes): {args.repeat} calls, "
        f"{session.sample_count:,} samples, {session.duration * 1e3 / args.repeat:.1f} ms a "
        "call under the profiler\n"
    )
    if not args.tree_only:
        root = session.root_frame()
        assert root is not None
        print_flat(root, args.top)
    if not args.flat_only:
        print("== call tree (share of the total) ==")
        print(profiler.output_text(time="percent_of_total", show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
