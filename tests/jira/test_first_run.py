"""A newcomer's first contact: the first Jira error names both ways to authenticate, and
the pytest plugin every installing project loads costs nothing until a fixture is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ADFKIT = str(Path(sys.executable).parent / "adfkit")


def _run(tmp_path: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADFKIT_JIRA_")}
    env.update(ADFKIT_JIRA_CONFIG_DIR=str(tmp_path / "config"), **extra_env)
    return subprocess.run(
        [ADFKIT, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _names_both_ways(text: str) -> None:
    assert "adfkit jira login" in text  # OAuth
    assert "ADFKIT_JIRA_CLIENT_ID" in text
    assert "--api-token" in text  # the API-token option the client supports
    assert "ADFKIT_JIRA_API_TOKEN" in text
    assert "--site-url" in text


@pytest.mark.parametrize(
    "command",
    [
        ["jira", "fields", "PAY", "Bug"],
        ["jira", "show", "PAY-1"],
        ["jira", "transition", "PAY-1"],
    ],
)
def test_without_any_configuration_the_first_error_names_oauth_and_the_api_token(
    tmp_path: Path, command: list[str]
) -> None:
    done = _run(tmp_path, *command)
    assert done.returncode == 2, done.stderr  # local configuration: exit 2
    assert "Traceback" not in done.stderr
    _names_both_ways(done.stderr)


def test_with_an_app_but_no_login_the_error_still_offers_the_api_token(tmp_path: Path) -> None:
    done = _run(
        tmp_path,
        "jira",
        "fields",
        "PAY",
        "Bug",
        "--json",
        ADFKIT_JIRA_CLIENT_ID="some-app",
        ADFKIT_JIRA_CLIENT_SECRET="not-a-real-secret",
    )
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert answer["message"].startswith("not logged in")
    _names_both_ways(answer["message"])
    assert "not-a-real-secret" not in done.stdout + done.stderr


def test_importing_the_pytest_plugin_loads_no_http_client_and_no_sandbox_server() -> None:
    # A fresh interpreter: what loading the entry point costs an installing project's
    # every pytest run (pytest itself is already imported by then).
    probe = (
        "import sys, pytest\n"
        "before = set(sys.modules)\n"
        "import adfkit.sandbox.pytest_plugin\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(done.stdout.split())
    assert "adfkit.sandbox.pytest_plugin" in loaded  # the probe did import it
    heavy = {
        m
        for m in loaded
        if m.split(".")[0] in ("httpx", "httpcore", "click", "mistune", "lxml", "http")
        or m.startswith(("adfkit.sandbox.", "adfkit.jira", "adfkit.formats"))
    }
    assert heavy == {"adfkit.sandbox.pytest_plugin"}, sorted(heavy)


def test_every_jira_command_summary_is_shown_whole() -> None:
    from click.testing import CliRunner

    from adfkit.jira.cli import jira

    listing = CliRunner().invoke(jira, ["--help"]).output.split("Commands:\n", 1)[1]
    rows = [line for line in listing.splitlines() if line.strip()]
    assert len(rows) == len(jira.commands)
    for row in rows:
        assert not row.rstrip().endswith("..."), row
