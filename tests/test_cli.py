"""``adfkit validate`` as users and pre-commit run it: real files, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from adfkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
GOOD = {"type": "doc", "version": 1, "content": [{"type": "paragraph"}]}
BAD_LINK = {
    "type": "doc",
    "version": 1,
    "content": [
        {
            "type": "paragraph",
            "content": [{"type": "text", "text": "x", "marks": [{"type": "link", "attrs": {}}]}],
        }
    ],
}


def _write(tmp_path: Path, name: str, value: Any) -> Path:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value, indent=1))
    return path


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    adfkit = Path(sys.executable).parent / "adfkit"
    return subprocess.run(
        [str(adfkit), *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
    )


def test_valid_files_exit_0(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    result = _run("validate", str(good), str(EXAMPLES / "bug-report.adf.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "2 files valid" in result.stderr


def test_an_invalid_file_prints_file_pointer_code_and_message_and_exits_1(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.json", BAD_LINK)
    good = _write(tmp_path, "good.json", GOOD)
    result = _run("validate", str(good), str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:14:17: /content/0/content/0/marks/0/attrs: MISSING_ATTRIBUTE "
        "mark `link` requires the attribute `href`"
    ]


def test_malformed_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    bad = _write(tmp_path, "broken.json", '{"type": "doc",\n  "version": 1,\n  "content": [}\n')
    result = _run("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bad}:3:15: MALFORMED_JSON malformed JSON: ")


def test_non_utf8_input_is_malformed_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"type": "doc",\n "x": "caf\xe9"}')
    result = _run("validate", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:2:11: MALFORMED_JSON malformed JSON: not UTF-8")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert _run("validate", str(path)).returncode == 0


def test_an_unreadable_file_exits_2_and_the_others_are_still_checked(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.json", BAD_LINK)
    result = _run("validate", str(tmp_path / "missing.json"), str(bad))
    assert result.returncode == 2
    assert "missing.json: cannot read: No such file or directory" in result.stderr
    assert "MISSING_ATTRIBUTE" in result.stdout


def test_a_usage_error_exits_2() -> None:
    result = _run("validate", "--format", "xml")
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr


def test_stdin_is_read_for_dash_and_for_no_file() -> None:
    for args in (("validate", "-"), ("validate",)):
        result = _run(*args, stdin=json.dumps(BAD_LINK).encode())
        assert result.returncode == 1
        assert result.stdout.startswith("<stdin>:1:143: /content/0/content/0/marks/0/attrs: ")
    assert _run("validate", stdin=json.dumps(GOOD).encode()).returncode == 0


def test_json_format_is_one_list_with_locations(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.json", BAD_LINK)
    broken = _write(tmp_path, "broken.json", "[1,")
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(bad), str(broken)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems == [
        {
            "file": str(bad),
            "path": "/content/0/content/0/marks/0/attrs",
            "code": "MISSING_ATTRIBUTE",
            "message": "mark `link` requires the attribute `href`",
            "line": 14,
            "col": 17,
        },
        {
            "file": str(broken),
            "path": None,
            "code": "MALFORMED_JSON",
            "message": "malformed JSON: Expecting value",
            "line": 1,
            "col": 4,
        },
    ]
    line = bad.read_text().splitlines()[13]
    assert line[:16].endswith('"attrs": ')
    assert line[16] == "{"


def test_github_format_prints_error_annotations(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.json", BAD_LINK)
    result = CliRunner().invoke(main, ["validate", "--format", "github", str(bad)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={bad},line=14,col=17,title=adfkit MISSING_ATTRIBUTE::"
        "/content/0/content/0/marks/0/attrs: mark `link` requires the attribute `href`\n"
    )


def test_pointer_validates_an_embedded_document_and_reports_full_paths(tmp_path: Path) -> None:
    payload = {"fields": {"summary": "s", "description": BAD_LINK}}
    path = _write(tmp_path, "payload.json", payload)
    result = CliRunner().invoke(main, ["validate", "--pointer", "/fields/description", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{path}:17:19: /fields/description/content/0/content/0/marks/0/attrs: MISSING_ATTRIBUTE "
    )
    ok = CliRunner().invoke(
        main, ["validate", "--pointer", "/fields/description", str(EXAMPLES / "create-issue.json")]
    )
    assert ok.exit_code == 0, ok.stdout


def test_a_pointer_that_leads_nowhere_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "payload.json", {"fields": {}})
    result = CliRunner().invoke(main, ["validate", "--pointer", "/fields/description", str(path)])
    assert result.exit_code == 1
    assert "/fields/description: POINTER_NOT_FOUND nothing at /fields/description" in result.stdout


def test_a_malformed_pointer_is_a_usage_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "doc.json", GOOD)
    result = CliRunner().invoke(main, ["validate", "--pointer", "fields", str(path)])
    assert result.exit_code == 2


def test_duplicate_keys_are_reported_not_silently_collapsed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "dupe.json",
        '{"type": "doc", "version": 1,\n "content": [{"type": "paragraph", "type": "rule"}]}',
    )
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "DUPLICATE_KEY"
    assert problem["path"] == "/content/0/type"
    assert (problem["line"], problem["col"]) == (2, 44)  # the second value of "type"


def test_a_100000_deep_file_gets_a_verdict(tmp_path: Path) -> None:
    depth = 100_000
    opening = '{"type":"bulletList","content":[{"type":"listItem","content":[' * depth
    text = (
        '{"type":"doc","version":1,"content":['
        + opening
        + '{"type":"paragraph","content":[{"type":"text","text":""}]}'
        + "]}]}" * depth
        + "]}"
    )
    path = _write(tmp_path, "deep.json", text)
    result = _run("validate", "--quiet", str(path))
    assert result.returncode == 1
    assert result.stdout.endswith("/content/0/text: EMPTY_STRING `text` must not be empty\n")


def test_many_files_in_one_call(tmp_path: Path) -> None:
    paths = [str(_write(tmp_path, f"d{i}.json", GOOD)) for i in range(50)]
    paths.append(str(_write(tmp_path, "bad.json", BAD_LINK)))
    result = _run("validate", *paths)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    assert "1 of 51 files failed (1 problem)" in result.stderr


def test_version_option() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("adfkit, version ")


def test_startup_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from adfkit.cli import main; "
        "sys.argv=['adfkit','validate','-q','" + str(EXAMPLES / "bug-report.adf.json") + "']\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "heavy={'jsonschema','hypothesis','lxml','mistune','httpx','fastjsonschema'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_every_format_is_quiet_about_valid_files_on_stdout(tmp_path: Path, fmt: str) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    result = CliRunner().invoke(main, ["validate", "--format", fmt, str(good)])
    assert result.exit_code == 0
    assert result.stdout.strip() in ("", "[]")


# --- convert and render -----------------------------------------------------------------


def test_convert_markdown_file_to_adf_json(tmp_path: Path) -> None:
    source = _write(tmp_path, "bug.md", "# Bug\n\nHello @ana :tada:\n")
    out = tmp_path / "bug.adf.json"
    result = _run("convert", str(source), "-o", str(out), "--pretty", "--mention", "ana=557058:1")
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert doc["content"][0]["type"] == "heading"
    assert {"type": "mention", "attrs": {"id": "557058:1", "text": "@ana"}} in doc["content"][1][
        "content"
    ]
    assert out.read_text().startswith('{\n  "type": "doc"')
    assert _run("validate", str(out)).returncode == 0


def test_convert_says_which_local_images_it_cannot_carry(tmp_path: Path) -> None:
    """A local image becomes its alt text in a document (ADF holds no files): convert
    says so, with the line, for Markdown and HTML; web images and code pass quietly."""
    source = _write(
        tmp_path,
        "bug.md",
        "# Bug\n\n![screenshot](shot.png)\n\n![web](https://x.org/a.png)\n\n"
        "`![not an image](code.png)`\n",
    )
    result = _run("convert", str(source))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{source}:3: the local image 'shot.png' is kept as its alt text: an ADF document"
        " holds no files (adfkit jira create, comment and edit upload it)"
    ]
    assert "screenshot" in result.stdout
    page = _write(tmp_path, "page.html", '<p>a</p>\n<p><img src="local.png" alt="x"></p>')
    result = _run("convert", str(page))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"{page}:2: the local image 'local.png' is kept")
    quiet = _write(tmp_path, "quiet.md", "![web](https://x.org/a.png)\n")
    assert _run("convert", str(quiet)).stderr == ""


def test_convert_reads_stdin_and_options_turn_features_off() -> None:
    result = _run("convert", "--no-alerts", "--no-emoji", stdin=b"> [!NOTE]\n> :tada:\n")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert doc["content"][0]["type"] == "blockquote"
    assert "emoji" not in result.stdout


def test_convert_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    assert _run("convert", str(tmp_path / "missing.md")).returncode == 2
    assert _run("convert", str(_write(tmp_path, "notes.txt", "x"))).returncode == 0  # sniffed
    assert _run("convert", "--mention", "nobody", "-", stdin=b"x").returncode == 2
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"caf\xe9")
    result = _run("convert", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}:1:4: not UTF-8")


def test_render_to_markdown_and_text(tmp_path: Path) -> None:
    example = str(EXAMPLES / "bug-report.adf.json")
    markdown = _run("render", example)
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("## Checkout fails for café owners\n")
    text = _run("render", "--to", "text", example)
    assert "Checkout fails for café owners" in text.stdout
    assert "**" not in text.stdout
    payload = _run(
        "render", "--pointer", "/fields/description", str(EXAMPLES / "create-issue.json")
    )
    assert payload.stdout == markdown.stdout


def test_render_refuses_an_invalid_document_with_its_errors(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.json", BAD_LINK)
    result = _run("render", str(bad))
    assert result.returncode == 1
    assert "MISSING_ATTRIBUTE" in result.stderr
    assert result.stdout == ""
    assert _run("render", str(_write(tmp_path, "broken.json", "{"))).returncode == 1


def test_markdown_round_trips_through_the_command_line(tmp_path: Path) -> None:
    source = "# Title\n\n- [ ] task\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    converted = _run("convert", "-", stdin=source.encode())
    rendered = _run("render", "--to", "markdown", "-", stdin=converted.stdout.encode())
    assert rendered.stdout == source
