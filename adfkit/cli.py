"""The ``adfkit`` command line.

``adfkit validate`` is built to run as a pre-commit hook: it starts fast (nothing heavy
is imported before it is needed), checks many files per call, and follows the usual
exit codes: 0 all valid, 1 any file invalid or not JSON, 2 usage error or unreadable
file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import click

from adfkit import __version__
from adfkit import formats as _formats
from adfkit.inputs import MAX_BYTES, MAX_BYTES_ENV, Unreadable, read_limited

if TYPE_CHECKING:
    from adfkit.jsonfile import DuplicateKey
    from adfkit.pointer import Pointer

__all__ = ["main"]

Format = Literal["text", "json", "github"]
_SUMMARY_LIMIT = 1000  # characters of a command's summary in `adfkit --help`: all of it
MAX_ERRORS = 1000  # adfkit.validator.MAX_ERRORS, not imported for `--help` (a test pins the two)
_SHOWN_BYTES_PER_BYTE = 16  # error text shown per byte of input, at most (plus the minimum)
_SHOWN_BYTES_MIN = 1 << 20


@dataclass(frozen=True, slots=True)
class Problem:
    """One line of output: an ADF error, a JSON syntax error or an unreadable file."""

    file: str
    code: str
    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None


class _LazyGroup(click.Group):
    """A group whose heavier subcommands are imported only when invoked or listed.

    ``adfkit validate`` runs as a pre-commit hook on every commit: importing httpx and the
    Jira client there would cost start-up time for nothing.
    """

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "jira": (
            "adfkit.jira.cli",
            "jira",
            "Jira Cloud: login, sites, fields; create, show, edit, comment, attach, transition.",
        ),
        "demo": (
            "adfkit.demo",
            "demo",
            "Run the whole Jira Cloud flow against a local sandbox, printing each step.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, name, _help = self.lazy[cmd_name]
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing help without importing the lazy modules: their one-line help is here.
        rows = [
            (name, self.lazy[name][2] if name in self.lazy else self._short_help(ctx, name))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str) -> str:
        command = super().get_command(ctx, name)
        # The whole first paragraph: click's default cuts it at 45 characters with "...".
        return command.get_short_help_str(limit=_SUMMARY_LIMIT) if command else ""


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="adfkit")
def main() -> None:
    """Build, validate and convert Atlassian Document Format (ADF)."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: FILE:LINE:COL: /pointer: CODE message; json: one JSON list; "
    "github: ::error annotations.",
)
@click.option(
    "--pointer",
    default="",
    metavar="POINTER",
    help="Validate the document at this JSON Pointer (e.g. /fields/description).",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=MAX_ERRORS,
    show_default=True,
    help="Show at most this many errors per file (0: all); the rest are counted.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=0),
    default=MAX_BYTES,
    show_default=True,
    envvar=MAX_BYTES_ENV,
    help=f"Refuse a file larger than this (also ${MAX_BYTES_ENV}, for every command).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line on standard error.")
def validate(
    files: Sequence[str], fmt: Format, pointer: str, max_errors: int, max_bytes: int, quiet: bool
) -> None:
    """Check ADF documents in FILES (or standard input, also as '-')."""
    from adfkit.pointer import split_pointer

    try:
        split_pointer(pointer)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pointer") from None
    names = list(files) or ["-"]
    problems: list[Problem] = []
    unreadable = invalid = omitted = 0
    for name in names:
        found, more, cut = _check_file(
            name, pointer, locate=True, max_errors=max_errors or None, max_bytes=max_bytes
        )
        problems.extend(found)
        omitted += more
        if any(p.code == "UNREADABLE" for p in found):
            unreadable += 1
        elif found or more:
            invalid += 1
        if more and not quiet:
            shown = "<stdin>" if name == "-" else name
            why = (
                f"their pointers would print more than {_SHOWN_BYTES_PER_BYTE} bytes per byte "
                "of input; use --pointer to look deeper"
                if cut
                else "raise --max-errors to see them"
            )
            click.echo(
                f"{shown}: and {more} more error{'s' if more != 1 else ''} ({why})", err=True
            )
    _emit(problems, fmt)
    if not quiet and fmt == "text":
        checked = len(names)
        noun = "file" if checked == 1 else "files"
        total = len(problems) + omitted
        if not total:
            click.echo(f"adfkit: {checked} {noun} valid", err=True)
        else:
            click.echo(
                f"adfkit: {invalid + unreadable} of {checked} {noun} failed "
                f"({total} problem{'s' if total != 1 else ''})",
                err=True,
            )
    sys.exit(2 if unreadable else 1 if invalid else 0)


def _check_file(
    name: str, pointer: str, *, locate: bool, max_errors: int | None, max_bytes: int
) -> tuple[list[Problem], int, bool]:
    """The problems of one file (at most ``max_errors`` ADF errors; None: all), how
    many more ADF errors it has, and whether the size of their text cut the list."""
    from adfkit import jsonfile
    from adfkit.pointer import escape, resolve
    from adfkit.validator import iter_errors

    shown = "<stdin>" if name == "-" else name
    try:
        data = read_limited(name, max_bytes)
    except Unreadable as exc:
        return [Problem(shown, "UNREADABLE", str(exc))], 0, False
    try:
        text = jsonfile.decode(data)
        parsed = jsonfile.parse(text)
    except jsonfile.MalformedJson as exc:
        problem = Problem(
            shown, "MALFORMED_JSON", f"malformed JSON: {exc.message}", None, exc.line, exc.col
        )
        return [problem], 0, False
    del data

    shower = _Shower(shown, max_errors, _SHOWN_BYTES_PER_BYTE * len(text) + _SHOWN_BYTES_MIN)
    inside = _Within(pointer)
    for dupe in parsed.duplicates:
        if shower.full():
            shower.omitted += 1  # counted (wherever it is), its pointer never built
        elif inside(dupe):
            message = (
                f"the key {dupe.key!r} appears more than once in this object; "
                "JSON keeps only the last value"
            )
            shower.offer("DUPLICATE_KEY", message, f"{dupe.path}/{escape(dupe.key)}", 1)
    try:
        doc = resolve(parsed.value, pointer)
    except KeyError as exc:
        message = f"nothing at {exc.args[0]} (from --pointer {pointer})"
        shower.offer("POINTER_NOT_FOUND", message, pointer)
        return shower.problems, shower.omitted, shower.cut
    for error in iter_errors(doc):
        if shower.full():
            shower.omitted += 1  # counted, its pointer never built
            continue
        code, message = error.code, error.message
        if code == "NOT_FINITE":
            # In a file, an infinity can only be a number too large to read (NaN and
            # Infinity are not JSON): say so, rather than "not JSON".
            literal = parsed.literal_of(resolve(doc, error.path))
            if literal is not None:
                code = "NUMBER_OUT_OF_RANGE"
                message = (
                    f"the number {literal} is beyond the range of a 64-bit float, "
                    "which is how Jira reads numbers"
                )
        shower.offer(code, message, pointer + error.path)
    problems = shower.problems
    if locate and shower.wanted:
        problems = _located(problems, shower.wanted, text)
    return problems, shower.omitted, shower.cut


class _Shower:
    """The problems of one file that are shown: at most ``max_errors`` (None: all),
    and at most ``budget`` characters of pointers and messages (a pointer is as long as
    its node is deep, so errors deep in a deep file would print far more than the file
    holds). The rest are counted; their pointers are never built."""

    def __init__(self, file: str, max_errors: int | None, budget: int) -> None:
        self.file = file
        self.max_errors = max_errors
        self.budget = budget
        self.problems: list[Problem] = []
        self.wanted: list[tuple[int, int]] = []  # (index in problems, occurrence) to locate
        self.omitted = 0
        self.cut = False  # whether the budget, not max_errors, stopped the list

    def full(self) -> bool:
        return self.cut or (self.max_errors is not None and len(self.problems) >= self.max_errors)

    def offer(self, code: str, message: str, where: str, occurrence: int = 0) -> None:
        """Show this problem, or count it; callers ask ``full()`` before building
        ``where``, so that what is only counted costs no pointer text."""
        if self.full():
            self.omitted += 1
            return
        self.budget -= len(where) + len(message)
        if self.budget < 0 and self.problems:
            self.cut = True
            self.omitted += 1
            return
        self.wanted.append((len(self.problems), occurrence))
        self.problems.append(Problem(self.file, code, message, where))


class _Within:
    """Whether a found place lies at or under ``--pointer``, deciding each link of the
    places' shared pointer chains once: many places deep in one file cost their number
    plus the file's depth, not their number times it."""

    def __init__(self, pointer: str) -> None:
        from adfkit.pointer import split_pointer

        self.pointer = pointer
        self.tokens = split_pointer(pointer)
        self.memo: dict[int, tuple[Pointer, int, bool]] = {}  # id -> (link, depth, on track)

    def __call__(self, found: DuplicateKey) -> bool:
        k = len(self.tokens)
        if not k:
            return True
        chain: list[Pointer] = []
        node = found.pointer
        while id(node) not in self.memo:
            parent = node.parent
            if parent is None:  # the root of the chain
                if str(node):  # a literal pointer text: compare the text
                    path = found.path
                    return path == self.pointer or path.startswith(self.pointer + "/")
                self.memo[id(node)] = (node, 0, True)
                break
            chain.append(node)
            node = parent
        _node, depth, ok = self.memo[id(node)]
        for link in reversed(chain):
            depth += 1
            if depth <= k:
                ok = ok and link.token == self.tokens[depth - 1]
            self.memo[id(link)] = (link, depth, ok)
        return ok and depth >= k


def _located(problems: list[Problem], wanted: list[tuple[int, int]], text: str) -> list[Problem]:
    """``problems`` with the line and column of the wanted ones: one pass over ``text``
    for all of them, however many there are."""
    from adfkit.jsonfile import locate_many

    keys = [(problems[i].path or "", occurrence) for i, occurrence in wanted]
    places = locate_many(text, keys)
    out = list(problems)
    for (i, _occurrence), key in zip(wanted, keys, strict=True):
        where = places.get(key)
        if where is not None:
            p = problems[i]
            out[i] = Problem(p.file, p.code, p.message, p.path, *where)
    return out


def _emit(problems: list[Problem], fmt: Format) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "file": p.file,
                        "path": p.path,
                        "code": p.code,
                        "message": p.message,
                        "line": p.line,
                        "col": p.col,
                    }
                    for p in problems
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    for p in problems:
        if fmt == "github":
            props = f"file={_gh_prop(p.file)}"
            if p.line is not None:
                props += f",line={p.line},col={p.col}"
            props += f",title={_gh_prop('adfkit ' + p.code)}"
            where = f"{p.path}: " if p.path else ""
            click.echo(f"::error {props}::{_gh_data(where + p.message)}")
        elif p.code == "UNREADABLE":
            click.echo(f"{p.file}: {p.message}", err=True)
        else:
            click.echo(_text_line(p))


def _text_line(p: Problem) -> str:
    """``file:line:col: /pointer: CODE message``, the shape compilers print, so editors
    and terminals jump to the spot; ``(root)`` for the whole document. A problem with no
    position (past the location limit) keeps the file alone; one with no pointer
    (malformed JSON) leaves the pointer out."""
    where = p.file if p.line is None else f"{p.file}:{p.line}:{p.col}"
    pointer = "" if p.path is None else f" {p.path or '(root)'}:"
    return f"{where}:{pointer} {p.code} {p.message}"


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def _read_input(name: str) -> tuple[str, str]:
    """(shown name, text) of a file or standard input; a usage-level error if it
    cannot be read or is not UTF-8."""
    shown, data = _shown_and_bytes(name)
    return shown, _decoded(shown, data)


def _read_bytes(name: str) -> bytes:
    return _shown_and_bytes(name)[1]


def _shown_and_bytes(name: str) -> tuple[str, bytes]:
    shown = "<stdin>" if name == "-" else name
    try:
        return shown, read_limited(name)
    except Unreadable as exc:
        click.echo(f"{shown}: {exc}", err=True)
        sys.exit(2)


def _write_output(text: str, output: str | None) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"{output}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(2)


_FORMAT_NAMES = {"markdown": "Markdown", "html": "HTML", "wiki": "wiki markup", "adf": "ADF JSON"}


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(sorted(_formats.READERS)),
    help="Input format (default: from the file extension, else guessed from the text).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write here, not to standard output.",
)
@click.option("--pretty", is_flag=True, help="Indent the JSON.")
@click.option(
    "--mention",
    "mentions",
    multiple=True,
    metavar="NAME=ACCOUNT_ID",
    help="Turn @NAME (Markdown) or [~NAME] (wiki) into a mention (repeatable).",
)
@click.option(
    "--attachment",
    "attachments",
    multiple=True,
    metavar="NAME=MEDIA_ID",
    help="Wiki: the media id of an attached file, for !NAME! images (repeatable).",
)
@click.option("--hard-breaks", is_flag=True, help="A newline inside a paragraph is a line break.")
@click.option("--no-alerts", is_flag=True, help="Keep > [!NOTE] quotes as quotes, not panels.")
@click.option("--no-details", is_flag=True, help="Keep <details> as text, not expands.")
@click.option("--no-emoji", is_flag=True, help="Keep :shortcodes: as text.")
def convert(
    source: str,
    source_format: str | None,
    output: str | None,
    pretty: bool,
    mentions: Sequence[str],
    attachments: Sequence[str],
    hard_breaks: bool,
    no_alerts: bool,
    no_details: bool,
    no_emoji: bool,
) -> None:
    """Convert SOURCE (Markdown, HTML or Jira wiki markup; '-' is standard input) to an
    ADF document (JSON).

    Without --from, the file extension says the format; standard input and other files
    are guessed, and the guess is shown on standard error."""
    mapping = _pairs(mentions, "NAME=ACCOUNT_ID", "--mention")
    mapping = {name.lstrip("@"): account for name, account in mapping.items()}
    media = _pairs(attachments, "NAME=MEDIA_ID", "--attachment")
    shown = "<stdin>" if source == "-" else source
    kind = source_format or _formats.format_of_path(source)
    data = _read_bytes(source)
    if kind is None:
        kind = _formats.sniff(data[:_SNIFF_BYTES].decode("utf-8", errors="replace"))
        what = "standard input" if source == "-" else source
        name = _FORMAT_NAMES.get(kind, kind)
        click.echo(f"adfkit: reading {what} as {name} (use --from to choose)", err=True)
    if kind == "html":
        # Bytes go to the parser as they are: an HTML file may declare its own encoding.
        doc = _formats.reader("html")(data)
    else:
        text = _decoded(shown, data)
        if kind == "adf":
            doc = _checked_adf(shown, text)
        elif kind == "markdown":
            doc = _formats.reader("markdown")(
                text,
                alerts=not no_alerts,
                details=not no_details,
                emoji=not no_emoji,
                mentions=mapping,
                hard_breaks=hard_breaks,
            )
        elif kind == "wiki":
            doc = _formats.reader("wiki")(text, mentions=mapping, media=media)
        else:
            doc = _formats.reader(kind)(text)
    if kind in ("markdown", "html"):
        _warn_local_images(shown, data.decode("utf-8", errors="replace"), kind)
    from adfkit.jsonfile import dumps  # any depth: json.dumps recurses

    rendered = dumps(doc, indent=2 if pretty else None)
    _write_output(rendered + "\n", output)


def _warn_local_images(shown: str, text: str, kind: str) -> None:
    """Say so on stderr, with the line, for each image that names a local file: the
    document keeps only its alt text (ADF holds no files), where ``adfkit jira`` would
    upload it. Nothing the user gave goes silently."""
    if "<img" not in text.lower() and "![" not in text and "]:" not in text:
        return
    from adfkit.jira.richtext import _html_local_images, read_body

    if kind == "html":
        paths = _html_local_images(text)
    else:
        paths = [image.written for image in read_body(text, "markdown").images]
    for path in paths:
        at = text.find(path)
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        click.echo(
            f"{shown}:{line}: the local image {path!r} is kept as its alt text: an ADF "
            "document holds no files (adfkit jira create, comment and edit upload it)",
            err=True,
        )


_SNIFF_BYTES = 1 << 16  # the start of a text says what it is


def _pairs(entries: Sequence[str], shape: str, option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(f"expected {shape}, got {entry!r}", param_hint=option)
        pairs[name.strip()] = value.strip()
    return pairs


def _decoded(shown: str, data: bytes) -> str:
    from adfkit import jsonfile

    try:
        return jsonfile.decode(data)
    except jsonfile.MalformedJson as exc:
        click.echo(f"{shown}:{exc.line}:{exc.col}: {exc.message}", err=True)
        sys.exit(1)


def _checked_adf(shown: str, text: str) -> Any:
    """An ADF document given to ``convert``: passed through once it is valid."""
    from adfkit import jsonfile

    try:
        value, _dupes = jsonfile.load(text)
    except jsonfile.MalformedJson as exc:
        click.echo(f"{shown}:{exc.line}:{exc.col}: malformed JSON: {exc.message}", err=True)
        sys.exit(1)
    _exit_if_invalid(shown, "", value)
    return value


def _exit_if_invalid(shown: str, pointer: str, doc: Any) -> None:
    """Report the first ``MAX_ERRORS`` errors of ``doc`` (the rest counted, their pointers
    never built) and exit 1, or return if it is valid."""
    from adfkit.validator import collect, iter_errors

    errors, more = collect(iter_errors(doc), MAX_ERRORS)
    for error in errors:
        click.echo(f"{shown}:{pointer}{error.path}: {error.code}: {error.message}", err=True)
    if more:
        click.echo(f"{shown}: and {more} more error{'s' if more != 1 else ''}", err=True)
    if errors:
        sys.exit(1)


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option(
    "--to",
    "target",
    type=click.Choice(sorted(_formats.WRITERS)),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write here, not to standard output.",
)
@click.option(
    "--pointer", default="", metavar="POINTER", help="Render the document at this JSON Pointer."
)
def render(source: str, target: str, output: str | None, pointer: str) -> None:
    """Render the ADF document in SOURCE ('-' is standard input) as Markdown, text, HTML
    or Jira wiki markup."""
    from adfkit import formats, jsonfile
    from adfkit.pointer import resolve, split_pointer

    try:
        split_pointer(pointer)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pointer") from None
    shown, text = _read_input(source)
    try:
        value, _dupes = jsonfile.load(text)
    except jsonfile.MalformedJson as exc:
        click.echo(f"{shown}:{exc.line}:{exc.col}: malformed JSON: {exc.message}", err=True)
        sys.exit(1)
    try:
        doc = resolve(value, pointer)
    except KeyError as exc:
        click.echo(f"{shown}:{pointer}: POINTER_NOT_FOUND: nothing at {exc.args[0]}", err=True)
        sys.exit(1)
    _exit_if_invalid(shown, pointer, doc)
    rendered = formats.writer(target)(doc)  # type: ignore[arg-type]
    _write_output(rendered if rendered.endswith("\n") else rendered + "\n", output)
