"""What ``adfkit validate`` and ``adfkit --help`` print: the compiler-style
``file:line:col: /pointer: CODE message`` lines editors jump to, ``(root)`` for the
whole document, and command summaries that are never cut short."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from adfkit.cli import main

DESCRIPTION = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}],
}
ISSUE = {"key": "ABC-1", "fields": {"description": DESCRIPTION}}


def _validate(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--quiet", *args])
    return result.exit_code, result.stdout.splitlines()


def test_each_problem_is_file_line_col_pointer_code_message(tmp_path: Path) -> None:
    path = tmp_path / "bold.json"
    path.write_text(
        '{"type": "doc", "version": 1, "content": [\n'
        '  {"type": "paragraph", "content": [\n'
        '    {"type": "text", "text": "x", "marks": [{"type": "bold"}]}]}]}\n'
    )
    code, lines = _validate(str(path))
    assert code == 1
    assert lines == [
        f"{path}:3:45: /content/0/content/0/marks/0: UNKNOWN_MARK "
        "unknown mark with type 'bold'; did you mean `strong`?"
    ]
    assert path.read_text().splitlines()[2][44] == "{"  # line and column are 1-based


def test_a_root_problem_is_marked_root_not_an_empty_pointer(tmp_path: Path) -> None:
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(ISSUE))
    code, lines = _validate(str(path))
    assert code == 1
    assert lines == [
        f"{path}:1:1: (root): MISSING_TYPE node has no `type`; the document is at "
        "/fields/description; use --pointer /fields/description "
        "(or adfkit.pointer.resolve(value, '/fields/description'))"
    ]
    assert "::" not in lines[0]
    assert _validate("--pointer", "/fields/description", str(path)) == (0, [])


def test_malformed_json_has_a_position_and_a_code_but_no_pointer(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"type": "doc",\n  "content": [}')
    code, lines = _validate(str(path))
    assert code == 1
    assert lines == [f"{path}:2:15: MALFORMED_JSON malformed JSON: Expecting value"]


def test_json_text_inside_a_json_string_gets_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(json.dumps(DESCRIPTION)))
    _code, lines = _validate(str(path))
    assert lines[0].startswith(f"{path}:1:1: (root): NOT_A_NODE ")
    assert lines[0].endswith("this looks like JSON text: json.loads it first")


def test_help_lists_every_command_with_its_whole_summary() -> None:
    adfkit = Path(sys.executable).parent / "adfkit"
    result = subprocess.run(
        [str(adfkit), "--help"], capture_output=True, text=True, check=True, env={"COLUMNS": "80"}
    )
    listing = result.stdout.split("Commands:", 1)[1]
    assert "..." not in listing
    assert "\u2026" not in listing
    flat = " ".join(listing.split())
    for name in ("convert", "demo", "jira", "render", "validate"):
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        first_paragraph = " ".join(
            (command.help or command.short_help or "").split("\n\n")[0].split()
        )
        if name in ("demo", "jira"):
            # listed from the lazy table (their modules stay unimported): it must say
            # what the command itself says
            module, attribute, summary = main.lazy[name]
            real = getattr(importlib.import_module(module), attribute)
            assert summary == " ".join((real.help or "").split("\n\n")[0].split()), name
        assert first_paragraph in flat, name


def test_the_cli_shows_as_many_errors_as_the_validator_keeps() -> None:
    from adfkit import cli, validator

    assert cli.MAX_ERRORS == validator.MAX_ERRORS
