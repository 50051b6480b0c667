"""``adfkit convert`` and ``adfkit render`` across every format, and the guess made for
input that names none (``formats.sniff``): real files, real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adfkit import formats, from_wiki, to_wiki
from adfkit.formats import format_of_path
from adfkit.jira.fields import to_adf

ROOT = Path(__file__).resolve().parent.parent
WIKI = ROOT / "tests" / "data" / "wiki"
MARKDOWN = ROOT / "tests" / "data" / "markdown"
HTML_SAMPLES = ROOT / "tests" / "data" / "html"
EXAMPLE = ROOT / "docs" / "examples" / "bug-report.adf.json"


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    adfkit = Path(sys.executable).parent / "adfkit"
    return subprocess.run(
        [str(adfkit), *args],
        input=stdin.decode() if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_convert_from_wiki_by_option_and_by_extension(tmp_path: Path) -> None:
    source = (WIKI / "person_bug_report.wiki").read_text(encoding="utf-8")
    for name in ("report.wiki", "report.jira"):
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        result = _run("convert", str(path))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == from_wiki(source)
        assert result.stderr == ""  # the extension said it: no guess to report
    forced = _run("convert", "--from", "wiki", "-", stdin=source.encode())
    assert json.loads(forced.stdout) == from_wiki(source)
    assert forced.stderr == ""


def test_standard_input_is_sniffed_and_the_guess_is_shown() -> None:
    cases = {
        "wiki markup": b"h1. Title\n\n{code:python}\nx = 1\n{code}\n",
        "HTML": b"<p>Hello <b>there</b></p>",
        "Markdown": b"# Title\n\nSee [docs](https://x.org) and `code`.\n",
        "ADF JSON": json.dumps({"type": "doc", "version": 1, "content": []}).encode(),
    }
    for name, data in cases.items():
        result = _run("convert", stdin=data)
        assert result.returncode == 0, (name, result.stderr)
        assert result.stderr == f"adfkit: reading standard input as {name} (use --from to choose)\n"
    wiki = _run("convert", stdin=cases["wiki markup"])
    assert json.loads(wiki.stdout)["content"][0]["type"] == "heading"


def test_from_always_wins_over_the_guess() -> None:
    text = b"h1. Not a heading in Markdown\n"
    result = _run("convert", "--from", "markdown", "-", stdin=text)
    assert result.stderr == ""
    assert json.loads(result.stdout)["content"][0]["type"] == "paragraph"


def test_a_file_whose_extension_says_nothing_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("||Name||Value||\n|a|1|\n", encoding="utf-8")
    result = _run("convert", str(path))
    assert result.returncode == 0
    assert result.stderr == f"adfkit: reading {path} as wiki markup (use --from to choose)\n"
    assert json.loads(result.stdout)["content"][0]["type"] == "table"


def test_an_invalid_adf_document_on_standard_input_is_refused_with_its_errors() -> None:
    bad = {"type": "doc", "version": 1, "content": [{"type": "nope"}]}
    result = _run("convert", stdin=json.dumps(bad).encode())
    assert result.returncode == 1
    assert "<stdin>:/content/0" in result.stderr


def test_wiki_options_map_mentions_and_attachments() -> None:
    result = _run(
        "convert",
        "--from",
        "wiki",
        "--mention",
        "jsmith=557058:1",
        "--attachment",
        "shot.png=6f1c",
        "-",
        stdin=b"[~jsmith] !shot.png!",
    )
    doc = json.loads(result.stdout)
    assert doc["content"][0]["content"][0] == {"type": "mention", "attrs": {"id": "557058:1"}}
    assert doc["content"][1]["content"][0]["attrs"]["id"] == "6f1c"
    assert _run("convert", "--attachment", "nothing", "-", stdin=b"x").returncode == 2


def test_render_to_wiki_and_back(tmp_path: Path) -> None:
    result = _run("render", "--to", "wiki", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert result.stdout == to_wiki(doc)
    assert result.stdout.startswith("h2. ")
    wiki = tmp_path / "example.wiki"
    wiki.write_text(result.stdout, encoding="utf-8")
    back = _run("convert", str(wiki))
    assert json.loads(back.stdout) == from_wiki(result.stdout)


@pytest.mark.parametrize("fmt", sorted(formats.READERS))
def test_convert_takes_every_reader(fmt: str, tmp_path: Path) -> None:
    result = _run("convert", "--from", fmt, "-", stdin=b"plain words")
    assert result.returncode == 0, result.stderr
    assert "plain words" in result.stdout


@pytest.mark.parametrize("fmt", sorted(formats.WRITERS))
def test_render_takes_every_writer(fmt: str) -> None:
    result = _run("render", "--to", fmt, str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "Checkout fails" in result.stdout


# --- sniffing -----------------------------------------------------------------------------


def test_no_markdown_document_is_taken_for_wiki() -> None:
    for path in [*sorted(MARKDOWN.glob("*.md")), ROOT / "README.md", *ROOT.glob("docs/*.md")]:
        assert formats.sniff(path.read_text(encoding="utf-8")) != "wiki", path.name


@pytest.mark.parametrize(
    "name",
    [
        "person_bug_report",
        "jira_server_export",
        "bot_ci_report",
        "macros",
        "tables",
        "links",
        "images",
        "text_effects",
    ],
)
def test_wiki_with_clear_signs_is_taken_for_wiki(name: str) -> None:
    assert formats.sniff((WIKI / f"{name}.wiki").read_text(encoding="utf-8")) == "wiki"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "doc"}', "adf"),
        ("{quote}Quoted{quote}", "wiki"),
        ("<!DOCTYPE html><p>x</p>", "html"),
        ("Use {code} in Jira, `like this`, and read [the docs](https://x.org).", "markdown"),
        ("* just a list\n* of items\n", "markdown"),
        ("", "markdown"),
    ],
)
def test_sniff_is_conservative(text: str, expected: str) -> None:
    assert formats.sniff(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A GitHub issue body opens with its template's hidden comment, or a <details>.
        ("<!-- Describe the bug -->\n\n### Steps\n\n1. Open the page\n", "markdown"),
        ("<details><summary>Logs</summary>\n\nIt failed.\n\n</details>\n", "markdown"),
        ("<!-- a comment -->\n- [ ] task\n", "markdown"),
        ("<https://x.org/a> is down", "markdown"),
        # HTML stays HTML, even when its code holds Markdown-like lines.
        ("<p>hi <b>x</b></p>", "html"),
        ("<p>Run:</p><pre>\n# not a heading\n- not a list\n</pre>", "html"),
        (
            '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[\n'
            "# a shell comment\n\nls -l\n]]></ac:plain-text-body></ac:structured-macro>",
            "html",
        ),
        ("<!DOCTYPE html>\n<p>a</p>\n\n- b\n", "html"),
        ("<meta charset='utf-8'><b>Google Docs</b>", "html"),
    ],
)
def test_markdown_that_opens_with_html_is_told_from_html(text: str, expected: str) -> None:
    assert formats.sniff(text) == expected


def test_every_html_sample_is_taken_for_html_and_real_markdown_for_markdown() -> None:
    for path in sorted(HTML_SAMPLES.glob("*.html")):
        text = path.read_bytes().decode("utf-8", "replace")
        assert formats.sniff(text) == "html", path.name
    template = (MARKDOWN / "github-issue-template.md").read_text(encoding="utf-8")
    assert formats.sniff(template) == "markdown"


def test_the_jira_client_accepts_wiki_descriptions() -> None:
    assert to_adf("*Steps* to reproduce", "wiki") == from_wiki("*Steps* to reproduce")
    assert to_adf("h2. Summary\n\n{noformat}\nlog\n{noformat}") == from_wiki(
        "h2. Summary\n\n{noformat}\nlog\n{noformat}"
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bug.md", "markdown"),
        ("page.HTML", "html"),
        ("notes.wiki", "wiki"),
        ("dir.md/issue.json", "adf"),
        ("notes.txt", None),
        ("README", None),
        (".md", None),  # a hidden file named ".md" has no extension
        ("-", None),
    ],
)
def test_one_extension_table_serves_every_command(name: str, kind: str | None) -> None:
    assert format_of_path(name) == kind
