"""The ``adfkit`` command line.

``adfkit validate`` is built to run as a pre-commit hook: it starts fast (nothing heavy
is imported before it is needed), checks many files per call, and follows the usual
exit codes: 0 all valid, 1 any file invalid or not JSON, 2 usage error or unreadable
file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import click

from adfkit import __version__
from adfkit import formats as _formats

__all__ = ["main"]

Format = Literal["text", "json", "github"]
_SUMMARY_LIMIT = 1000  # characters of a command's summary in `adfkit --help`: all of it
_LOCATE_LIMIT = 1000  # errors per file given a line number; locating is a scan per error


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
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
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
@click.option("-q", "--quiet", is_flag=True, help="No summary line on standard error.")
def validate(files: Sequence[str], fmt: Format, pointer: str, quiet: bool) -> None:
    """Check ADF documents in FILES (or standard input, also as '-')."""
    from adfkit.pointer import split_pointer

    try:
        split_pointer(pointer)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pointer") from None
    names = list(files) or ["-"]
    problems: list[Problem] = []
    unreadable = invalid = 0
    for name in names:
        found = list(_check_file(name, pointer, locate=True))
        problems.extend(found)
        if any(p.code == "UNREADABLE" for p in found):
            unreadable += 1
        elif found:
            invalid += 1
    _emit(problems, fmt)
    if not quiet and fmt == "text":
        checked = len(names)
        noun = "file" if checked == 1 else "files"
        if not problems:
            click.echo(f"adfkit: {checked} {noun} valid", err=True)
        else:
            click.echo(
                f"adfkit: {invalid + unreadable} of {checked} {noun} failed "
                f"({len(problems)} problem{'s' if len(problems) != 1 else ''})",
                err=True,
            )
    sys.exit(2 if unreadable else 1 if invalid else 0)


def _check_file(name: str, pointer: str, *, locate: bool) -> Iterator[Problem]:
    from adfkit import jsonfile
    from adfkit.pointer import escape, resolve
    from adfkit.validator import iter_errors

    shown = "<stdin>" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        yield Problem(shown, "UNREADABLE", f"cannot read: {exc.strerror or exc}")
        return
    try:
        text = jsonfile.decode(data)
        value, dupes = jsonfile.load(text)
    except jsonfile.MalformedJson as exc:
        yield Problem(
            shown, "MALFORMED_JSON", f"malformed JSON: {exc.message}", None, exc.line, exc.col
        )
        return
    for dupe in dupes:
        if dupe.path == pointer or dupe.path.startswith(pointer + "/") or not pointer:
            path = f"{dupe.path}/{escape(dupe.key)}"
            problem = Problem(
                shown,
                "DUPLICATE_KEY",
                f"the key {dupe.key!r} appears more than once in this object; "
                "JSON keeps only the last value",
                path,
            )
            yield _located(problem, text, locate, occurrence=1)
    try:
        doc = resolve(value, pointer)
    except KeyError as exc:
        yield Problem(
            shown,
            "POINTER_NOT_FOUND",
            f"nothing at {exc.args[0]} (from --pointer {pointer})",
            pointer,
        )
        return
    for n, error in enumerate(iter_errors(doc)):
        problem = Problem(shown, error.code, error.message, pointer + error.path)
        yield _located(problem, text, locate and n < _LOCATE_LIMIT)


def _located(problem: Problem, text: str, locate: bool, *, occurrence: int = 0) -> Problem:
    if not locate or problem.path is None:
        return problem
    from adfkit.jsonfile import locate as find

    where = find(text, problem.path, occurrence=occurrence)
    if where is None:
        return problem
    return Problem(problem.file, problem.code, problem.message, problem.path, *where)


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
    from adfkit import jsonfile

    shown = "<stdin>" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        click.echo(f"{shown}: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(2)
    try:
        return shown, jsonfile.decode(data)
    except jsonfile.MalformedJson as exc:
        click.echo(f"{shown}:{exc.line}:{exc.col}: {exc.message}", err=True)
        sys.exit(1)


def _read_bytes(name: str) -> bytes:
    shown = "<stdin>" if name == "-" else name
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        click.echo(f"{shown}: cannot read: {exc.strerror or exc}", err=True)
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
_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".wiki": "wiki",
    ".jira": "wiki",
}


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
    kind = source_format or _format_of(source)
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
    rendered = json.dumps(doc, ensure_ascii=False, indent=2 if pretty else None)
    _write_output(rendered + "\n", output)


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
    from adfkit.validator import iter_errors

    try:
        value, _dupes = jsonfile.load(text)
    except jsonfile.MalformedJson as exc:
        click.echo(f"{shown}:{exc.line}:{exc.col}: malformed JSON: {exc.message}", err=True)
        sys.exit(1)
    errors = list(iter_errors(value))
    for error in errors:
        click.echo(f"{shown}:{error.path}: {error.code}: {error.message}", err=True)
    if errors:
        sys.exit(1)
    return value


def _format_of(name: str) -> str | None:
    """The format a file's extension names, or None (standard input, ``.txt``)."""
    if name == "-":
        return None
    return _EXTENSIONS.get(Path(name).suffix.lower())


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
    from adfkit.validator import iter_errors

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
    errors = list(iter_errors(doc))
    if errors:
        for error in errors:
            click.echo(f"{shown}:{pointer}{error.path}: {error.code}: {error.message}", err=True)
        sys.exit(1)
    rendered = formats.writer(target)(doc)  # type: ignore[arg-type]
    _write_output(rendered if rendered.endswith("\n") else rendered + "\n", output)
