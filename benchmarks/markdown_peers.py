"""The Python Markdown-to-ADF peers of ``bench_markdown.py``: how to call each, and a
worker that times one of them in another interpreter.

Each peer is called through its public API, as its README shows, on a ``str`` of
Markdown, and must return the ADF document as a ``dict``:

=========== ================ ==================================================
PyPI name   module           call
=========== ================ ==================================================
md-to-adf   ``md_to_adf``    ``convert(text)``
marklassian ``marklassian``  ``markdown_to_adf(text)`` (builds its mistune parser
                             on every call: that is its API)
marklas     ``marklas``      ``to_adf(text)``
md2adf      ``md2adf``       ``convert(text)``
adf-bridge  ``adf_bridge``   ``markdown_to_adf(text).value`` (checks its result
                             against its bundled ADF schema with fastjsonschema
                             before returning it; that is part of its call)
=========== ================ ==================================================

``mistune`` is also accepted as a peer name: mistune's own AST parse with adfkit's
plugins, the floor, for timing it in another environment.

Worker mode, for peers that cannot be imported beside adfkit (marklassian and
adf-bridge declare ``mistune<3.4``; adf-bridge imports a name mistune 3.4 removed)::

    PYTHON benchmarks/markdown_peers.py PEER DOC.md OUT.json [runs] [warmup]

warms the peer up and times it by the rules of ``timing.python_runner``,
writes its output on the document to ``OUT.json`` and prints one JSON line:
``{"peer", "version", "mistune", "requires_mistune", "ok", "error", "runs_s"}``
(``runs_s``: seconds per call, one per run; ``error``: ``"cannot import ..."`` or
``"raises ..."``, with nothing timed). It needs only the peer installed in that
interpreter: ``bench_validate`` comes from this checkout, and the adfkit package it
imports from there is only its lazy ``__init__``, so none of adfkit's dependencies is
needed.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench_validate imports adfkit from the checkout

from timing import python_runner  # noqa: E402 (beside this file; same timing rules)

Convert = Callable[[str], Any]

MISTUNE_PLUGINS = ["strikethrough", "table", "task_lists", "url"]
"""The plugins ``adfkit.formats.markdown.reader`` enables; the floor parses with exactly these."""


@dataclass(frozen=True)
class Peer:
    name: str
    """PyPI distribution name."""
    module: str
    call: str
    """The call, as printed in the benchmark's legend."""
    note: str = ""

    def load(self) -> Convert:
        """The conversion call; raises ImportError (or anything the import raises)."""
        mod: Any = importlib.import_module(self.module)
        if self.name == "md-to-adf":
            return mod.convert  # type: ignore[no-any-return]
        if self.name == "marklassian":
            return mod.markdown_to_adf  # type: ignore[no-any-return]
        if self.name == "marklas":
            return mod.to_adf  # type: ignore[no-any-return]
        if self.name == "md2adf":
            return mod.convert  # type: ignore[no-any-return]
        if self.name == "adf-bridge":
            convert = mod.markdown_to_adf
            return lambda text: convert(text).value
        if self.name == "mistune":
            parser = mod.create_markdown(renderer=None, plugins=MISTUNE_PLUGINS)
            return lambda text: parser.parse(text)[0]
        raise ValueError(f"unknown peer {self.name}")

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    def requires_mistune(self) -> str:
        """The peer's own mistune requirement, as its metadata states it ('' if none)."""
        try:
            requires = importlib.metadata.requires(self.name) or []
        except importlib.metadata.PackageNotFoundError:
            return ""
        for req in requires:
            if req.lower().startswith("mistune"):
                return req.split(";")[0].strip()
        return ""


PEERS: dict[str, Peer] = {
    p.name: p
    for p in (
        Peer("md-to-adf", "md_to_adf", "md_to_adf.convert(text)", "its own line-based parser"),
        Peer(
            "marklassian",
            "marklassian",
            "marklassian.markdown_to_adf(text)",
            "builds its mistune parser on every call",
        ),
        Peer("marklas", "marklas", "marklas.to_adf(text)"),
        Peer("md2adf", "md2adf", "md2adf.convert(text)"),
        Peer(
            "adf-bridge",
            "adf_bridge",
            "adf_bridge.markdown_to_adf(text).value",
            "checks its output against its bundled ADF schema before returning it",
        ),
    )
}
FLOOR = Peer("mistune", "mistune", "create_markdown(renderer=None, plugins=...).parse(text)")


def mistune_version() -> str:
    try:
        return importlib.metadata.version("mistune")
    except importlib.metadata.PackageNotFoundError:
        return "-"


def describe_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def time_call(convert: Convert, text: str, runs: int, warmup: int) -> list[float]:
    """Seconds per call for ``runs`` runs, after the warm-up (see ``python_runner``)."""
    run = python_runner(lambda: convert(text), warmup)
    return [run() for _ in range(runs)]


def worker(argv: list[str]) -> int:
    if len(argv) < 3:
        print(
            "usage: markdown_peers.py PEER DOC.md OUT.json [runs] [warmup]",
            file=sys.stderr,
        )
        return 2
    name, doc, out = argv[0], Path(argv[1]), Path(argv[2])
    runs = int(argv[3]) if len(argv) > 3 else 7
    warmup = int(argv[4]) if len(argv) > 4 else 2
    peer = FLOOR if name == "mistune" else PEERS[name]
    text = doc.read_text(encoding="utf-8")
    result: dict[str, Any] = {
        "peer": name,
        "version": peer.version(),
        "mistune": mistune_version(),
        "requires_mistune": peer.requires_mistune(),
        "ok": False,
        "error": None,
        "runs_s": [],
    }
    try:
        convert = peer.load()
    except Exception as exc:  # report any import failure, never crash the benchmark
        result["error"] = f"cannot import {peer.module}: {describe_error(exc)}"
    else:
        try:
            value = convert(text)
            if name != "mistune":
                out.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            result["runs_s"] = time_call(convert, text, runs, warmup)
            result["ok"] = True
        except Exception as exc:  # a peer failing on the input is a result, not a crash
            result["error"] = f"raises {describe_error(exc)}"
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1:]))
