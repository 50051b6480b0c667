"""Wiki markup benchmark: adfkit's ``from_wiki`` on 100 KB and 1 MB of Jira wiki markup,
its ``to_wiki`` back, and Atlassian's transformer on the same text, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_wiki.py [--runs 7] [--seed 0] [--no-node]

Documents (seeded, built here): issue descriptions as people, Jira Server and bots write
them (headings, paragraphs with every text effect, links, mentions, emoticons, nested
and mixed lists, tables with header rows, ``{code}``/``{noformat}``/``{quote}``/
``{panel}`` macros, ``{color}``, images), repeated with varied words up to 100 KB and
1 MB of UTF-8. For each size it times:

- ``adfkit.from_wiki(text)``: wiki markup to valid ADF (repair and validation included);
- ``adfkit.to_wiki(doc)`` on that result (validation of its input included);
- Atlassian's transformer (``@atlaskit/editor-wikimarkup-transformer``, pinned in
  ``tests/package.json``): one node process per size parses the text ``--runs`` times
  after a warm-up parse and reports the median of ``parse`` alone (not the JSON
  encoding), unless ``--no-node`` or node is missing.

Then hostile input, one line of ``*a `` repeated (every star could open bold, none
closes): ``from_wiki`` at 10 KB, 20 KB and 1 MB, the transformer at 10 KB and 20 KB only
(it rescans the rest of the line for every star: quadratic, half a minute at 40 KB).

The ``1 MB / 100 KB`` line divides the 1 MB median by the 100 KB one: 10 is linear.
Every output is checked with ``adfkit.is_valid``. The exit status is always 0: this
reports, it does not gate.

How it times: as ``bench_validate.py`` (``timing.py``): warm-up of at least ``--warmup``
calls and half a second, ``--runs`` runs with the garbage collector off, medians per
call, MB/s in 10**6 bytes of UTF-8 wiki markup.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing adfkit

from timing import load_average, ms, node_version, timed  # noqa: E402 (beside this file)

import adfkit  # noqa: E402 (needs the path set above)

SIZES = {"100 KB": 100_000, "1 MB": 1_000_000}
HOSTILE = {"10 KB": 10_000, "20 KB": 20_000, "1 MB": 1_000_000}
WORDS = [
    *("checkout", "payment", "refund", "customer", "order", "invoice", "café", "Zürich"),
    *("日本語", "données", "timeout", "retry", "cache", "session", "token", "upload"),
    *("export", "report", "dashboard", "latency"),
]
NODE_TIMER = r"""
const { createRequire } = require('node:module');
const req = createRequire(process.argv[1] + '/');
for (const m of ['log', 'info', 'debug', 'warn', 'error']) console[m] = () => {};
const { WikiMarkupTransformer } = req('@atlaskit/editor-wikimarkup-transformer');
const { defaultSchema } = req('@atlaskit/adf-schema/schema-default');
const text = require('node:fs').readFileSync(0, 'utf8');
const runs = Number(process.argv[2]);
const t = new WikiMarkupTransformer(defaultSchema);
t.parse(text);
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  t.parse(text);
  times.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify(times[Math.floor(times.length / 2)]));
"""


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def section(rng: random.Random, i: int) -> str:
    """One issue-sized piece of wiki markup, different for each ``i``."""

    def w(n: int) -> str:
        return _words(rng, n)

    return f"""h2. {w(3)} #{i}
The *{w(2)}* fails with _{w(2)}_ when -{w(1)}- +{w(1)}+ x^2^ H~2~O ??{w(2)}?? {{{{{w(1)}()}}}}.
See [{w(2)}|https://example.com/{i}] and https://ci.example.com/build/{i},
ask [~accountid:5b10ac{i}] (/) :)

# {w(4)}
# {w(3)}
## {w(2)} {{{{code}}}}
#* {w(3)}
* {w(2)} -- {w(2)}

||{w(1)}||{w(1)}||{w(1)}||
|{w(2)}|(x) {w(1)}|*{w(1)}*|
|{w(1)}|[link|https://example.com/t/{i}]|{{color:red}}{w(1)}{{color}}|

{{code:python}}
def f_{i}(x):
    return x * {i}  # {w(3)}
{{code}}

{{panel:title={w(2)}|bgColor=#FFFAE6}}
{w(8)}
{{panel}}

bq. {w(6)}

{{noformat}}
ERROR {w(5)} at line {i}
{{noformat}}

!https://example.com/img/{i}.png|width=300! {w(2)} !shot-{i}.png|thumbnail!
----
"""


def make_wiki(nbytes: int, seed: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    i = 0
    while size < nbytes:
        piece = section(rng, i)
        parts.append(piece)
        size += len(piece.encode())
        i += 1
    text = "\n".join(parts)
    return text.encode()[:nbytes].decode(errors="ignore")


def time_transformer(text: str, runs: int) -> float | None:
    modules = ROOT / "tests" / "node_modules" / "@atlaskit" / "editor-wikimarkup-transformer"
    if shutil.which("node") is None or not modules.is_dir():
        return None
    done = subprocess.run(
        ["node", "-e", NODE_TIMER, str(ROOT / "tests"), str(runs)],
        input=text,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        print(f"  transformer failed: {done.stderr[-500:]}")
        return None
    return float(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median; default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="least warm-up calls (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="document generator seed")
    parser.add_argument("--no-node", action="store_true", help="skip Atlassian's transformer")
    args = parser.parse_args(argv)
    runs, warmup = max(1, args.runs), max(1, args.warmup)
    print(
        f"adfkit {adfkit.__version__} wiki benchmark: Python {platform.python_version()}, "
        f"node {node_version()}, {os.cpu_count()} CPUs, load {load_average()}"
    )
    print(
        f"median of {runs} runs after >= {warmup} warm-up calls and >= 0.5 s; "
        "garbage collector off while timing; MB = 10^6 bytes of UTF-8 wiki markup\n"
    )
    header = f"{'engine':<28} {'size':>7} {'median ms':>12} {'MB/s':>8}  note"
    print(header)
    print("-" * len(header))
    medians: dict[tuple[str, str], float] = {}
    for label, nbytes in SIZES.items():
        text = make_wiki(nbytes, args.seed)
        size = len(text.encode())
        doc = adfkit.from_wiki(text)
        note = "valid ADF" if adfkit.is_valid(doc) else "INVALID"
        nodes = sum(1 for _ in _walk(doc))
        rows: list[tuple[str, float | None, str]] = []
        read = sorted(timed(partial(adfkit.from_wiki, text), runs, warmup))
        rows.append(("adfkit from_wiki", read[len(read) // 2], f"{note}, {nodes:,} nodes"))
        wrote = sorted(timed(partial(adfkit.to_wiki, doc), runs, warmup))
        back_ok = adfkit.is_valid(adfkit.from_wiki(adfkit.to_wiki(doc)))
        rows.append(
            ("adfkit to_wiki", wrote[len(wrote) // 2], "read back: valid" if back_ok else "INVALID")
        )
        if not args.no_node:
            median = time_transformer(text, max(3, runs // 2))
            rows.append(("Atlassian transformer parse", median, "node, parse() alone"))
        for engine, median, row_note in rows:
            if median is not None:
                medians[(engine, label)] = median
            mbps = f"{size / 1e6 / median:.2f}" if median else "-"
            print(f"{engine:<28} {label:>7} {ms(median):>12} {mbps:>8}  {row_note}")
    print()
    print("hostile input: one line of '*a ' repeated (every star opens bold, none closes)")
    for label, nbytes in HOSTILE.items():
        text = "*a " * (nbytes // 3)
        read = sorted(timed(partial(adfkit.from_wiki, text), runs, warmup))
        medians[("adfkit from_wiki, hostile", label)] = read[len(read) // 2]
        print(f"{'adfkit from_wiki':<28} {label:>7} {ms(read[len(read) // 2]):>12}")
        if not args.no_node and nbytes <= 20_000:
            median = time_transformer(text, 3)
            if median is not None:
                medians[("transformer, hostile", label)] = median
            print(f"{'Atlassian transformer parse':<28} {label:>7} {ms(median):>12}")
    print()
    for engine in ("adfkit from_wiki", "adfkit to_wiki", "Atlassian transformer parse"):
        small, large = medians.get((engine, "100 KB")), medians.get((engine, "1 MB"))
        if small and large:
            print(f"{engine}: 1 MB / 100 KB = {large / small:.1f} (10 is linear)")
    ours, theirs = (
        medians.get(("adfkit from_wiki", "1 MB")),
        medians.get(("Atlassian transformer parse", "1 MB")),
    )
    if ours and theirs:
        print(f"on 1 MB, the transformer takes {theirs / ours:.1f}x adfkit's time")
    for engine in ("adfkit from_wiki, hostile", "transformer, hostile"):
        small, large = medians.get((engine, "10 KB")), medians.get((engine, "20 KB"))
        if small and large:
            print(f"{engine}: 20 KB / 10 KB = {large / small:.1f} (2 is linear, 4 quadratic)")
    return 0


def _walk(doc: dict[str, object]) -> list[object]:
    out: list[object] = []
    stack: list[object] = [doc]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, dict):
            stack.extend(node.get("content") or [])
    return out


if __name__ == "__main__":
    raise SystemExit(main())
