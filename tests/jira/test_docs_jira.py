"""docs/jira.md is executable: its Python examples run as written against the sandbox.

The examples read the CLI's environment variables (``ADFKIT_JIRA_EMAIL``,
``ADFKIT_JIRA_API_TOKEN``, ``ADFKIT_JIRA_SITE_URL`` for basic auth; ``ADFKIT_JIRA_CLIENT_ID``
and friends plus ``ADFKIT_JIRA_CONFIG_DIR`` for OAuth), so the test only sets those, logs in
through the real consent flow, runs each fenced ``python`` block and checks what it printed
and what the sandbox now holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adfkit.jira.config import load_app
from adfkit.jira.login_flow import login
from adfkit.jira.tokens import TokenStore
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri

DOC = Path(__file__).resolve().parents[2] / "docs" / "jira.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", DOC.read_text(), re.M | re.S)
ACME = "3f1c9e52-7a4b-4d1e-9c2a-acme00000001"


@dataclass
class Docs:
    sb: Sandbox
    capsys: pytest.CaptureFixture[str]

    def run(self, block: str) -> str:
        """Execute one example in a fresh namespace; its stdout."""
        self.capsys.readouterr()
        exec(compile(block, str(DOC), "exec"), {"__name__": "__docs__"})
        return self.capsys.readouterr().out


@pytest.fixture
def docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Docs]:
    """A sandbox, the documented environment variables, and a stored OAuth login."""
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect]) as sb:
        for name, value in {
            "CONFIG_DIR": str(tmp_path / "config"),
            "AUTH_URL": sb.auth_url,
            "API_URL": sb.api_url,
            "CLIENT_ID": sb.client_id,
            "CLIENT_SECRET": sb.client_secret,
            "REDIRECT_URI": redirect,
            "EMAIL": "alex@example.com",
            "API_TOKEN": "sandbox-api-token",
            "SITE_URL": sb.site_url("acme"),
        }.items():
            monkeypatch.setenv(f"ADFKIT_JIRA_{name}", value)
        login(
            load_app(), TokenStore(), opener=consenting_browser(), timeout=20
        )  # `adfkit jira login`
        yield Docs(sb, capsys)


def test_the_guide_has_its_three_library_examples() -> None:
    assert len(BLOCKS) == 3, "update this test's expectations with the examples"
    assert "from_api_token" in BLOCKS[0]
    assert "from_oauth" in BLOCKS[1]
    assert "add_comment" in BLOCKS[2]


def test_the_bug_report_example_prints_what_the_guide_says_and_keeps_the_image(
    docs: Docs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = docs.run(BLOCKS[2])
    printed = re.search(r"It prints:\n\n```\n(.*?)```", DOC.read_text(), re.S)
    assert printed is not None
    assert out == printed.group(1)
    [issue] = docs.sb.issues(project="PAY")
    assert [a.filename for a in issue.attachments] == ["checkout.png"]  # kept by the edit
    assert issue.fields["status"]["name"] == "Done"
    assert len(issue.comments) == 2  # the mention and the closing comment
    assert issue.comments[0].body["content"][0]["content"][1]["type"] == "mention"
    assert "refused" in str(issue.fields["description"])


def test_api_token_example_creates_the_issue_it_prints(docs: Docs) -> None:
    out = docs.run(BLOCKS[0])
    issues = docs.sb.issues(project="PAY")
    assert len(issues) == 1
    assert out == f"{issues[0].key} {docs.sb.site_url('acme')}/browse/{issues[0].key}\n"
    assert issues[0].fields["summary"] == "Card declined"
    assert issues[0].fields["description"]["type"] == "doc"
    assert docs.sb.count("create_issue", path="/site/acme/rest/api/3/issue") == 1


def test_oauth_example_lists_required_fields_and_catches_the_preflight(docs: Docs) -> None:
    out = docs.run(BLOCKS[1]).splitlines()
    assert "components Components ['Payments', 'Checkout', 'Ledger']" in out
    assert (
        "customfield_10040 Severity ['S1 - Critical', 'S2 - Major', 'S3 - Minor', 'S4 - Trivial']"
        in out
    )
    problems = [line for line in out if "MISSING_REQUIRED" in line]
    assert sorted(p.split(":")[0] for p in problems) == ["components", "customfield_10040"]
    assert docs.sb.count("create_issue") == 0  # the pre-flight sent nothing
    assert all(r.path.startswith(f"/ex/jira/{ACME}/") for r in docs.sb.requests if "rest" in r.path)


def _session() -> list[tuple[str, list[str]]]:
    """The commands of docs/jira.md's "A first session" after the login, each with the
    output the page shows for it."""
    part = DOC.read_text().split("### A first session", 1)[1]
    block = re.findall(r"^```console\n(.*?)^```$", part, re.M | re.S)[1]
    steps: list[tuple[str, list[str]]] = []
    for line in block.replace("\\\n", "").splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    assert steps[0][0] == "adfkit jira login --site Acme"
    return steps[1:]  # the fixture has logged in through the same consent flow


def test_the_first_cli_session_prints_what_the_guide_shows(
    docs: Docs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess
    import sys

    from adfkit.jira.images import solid_png

    for name in ("EMAIL", "API_TOKEN", "SITE_URL"):  # the session uses the OAuth login
        monkeypatch.delenv(f"ADFKIT_JIRA_{name}")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    work = tmp_path / "session"
    work.mkdir()
    (work / "shot.png").write_bytes(solid_png(320, 200))
    (work / "app.log").write_text("trace\n", encoding="utf-8")
    media = re.compile(r"jira-media\.invalid/[0-9a-f-]+")
    steps = _session()
    assert len(steps) == 11
    # what `login --site Acme` adds to the fixture's login: Acme saved as the site
    chosen = subprocess.run(["adfkit", "jira", "sites", "--use", "Acme"], env=env, check=False)
    assert chosen.returncode == 0
    for command, shown in steps:
        done = subprocess.run(
            ["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (command, done.stderr)
        expected = "\n".join(shown).replace("http://127.0.0.1:8700", docs.sb.base_url)
        got = media.sub("jira-media.invalid/ID", done.stdout.rstrip("\n"))
        assert got == media.sub("jira-media.invalid/ID", expected), command
    issue = docs.sb.issues(project="PAY")[0]
    assert [a.filename for a in issue.attachments] == ["shot.png", "app.log"]
    assert issue.fields["status"]["name"] == "Done"
