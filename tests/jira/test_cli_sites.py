"""Choosing a site from the command line: a login that reaches several sites stands
without one, ``adfkit jira sites`` lists them with no default chosen, ``--use`` saves the
default, and ``fields`` shows what a caller must supply (not what ``create`` sets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import adfkit.jira.cli
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect]) as sb:
        for name, value in {
            "CONFIG_DIR": str(tmp_path),
            "AUTH_URL": sb.auth_url,
            "API_URL": sb.api_url,
            "CLIENT_ID": sb.client_id,
            "CLIENT_SECRET": sb.client_secret,
            "REDIRECT_URI": redirect,
        }.items():
            monkeypatch.setenv(f"ADFKIT_JIRA_{name}", value)
        monkeypatch.setattr(adfkit.jira.cli, "_open_browser", consenting_browser())
        yield sb


def _jira(*args: str) -> Result:
    return CliRunner().invoke(adfkit.jira.cli.jira, list(args), catch_exceptions=False)


def test_a_login_reaching_several_sites_stands_without_choosing_one(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    result = _jira("login")
    assert result.exit_code == 0, result.output
    assert "Acme" in result.output
    assert "Beta Labs" in result.output
    assert "adfkit jira sites --use NAME" in result.output
    assert (tmp_path / "tokens.json").exists()
    assert not (tmp_path / "site.json").exists()


def test_login_json_lists_the_sites_and_no_chosen_site(sandbox: Sandbox) -> None:
    result = _jira("login", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["site"] is None
    assert sorted(s["name"] for s in answer["sites"]) == ["Acme", "Beta Labs"]


def test_sites_lists_every_site_before_any_is_chosen_then_use_saves_the_default(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    assert _jira("login").exit_code == 0
    listed = _jira("sites")
    assert listed.exit_code == 0, listed.output
    assert "Acme" in listed.output
    assert "Beta Labs" in listed.output
    assert "*" not in listed.output
    chosen = _jira("sites", "--use", "Beta Labs", "--json")
    assert chosen.exit_code == 0, chosen.output
    defaults = {s["name"]: s["default"] for s in json.loads(chosen.stdout)}
    assert defaults == {"Acme": False, "Beta Labs": True}
    saved = json.loads((tmp_path / "site.json").read_text())
    assert saved["id"] == "3f1c9e52-7a4b-4d1e-9c2a-beta00000002"


def test_use_with_a_site_the_grant_does_not_reach_fails_naming_the_reachable_ones(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    assert _jira("login").exit_code == 0
    result = _jira("sites", "--use", "Gamma")
    assert result.exit_code == 1
    assert "no reachable site matches 'Gamma'" in result.output
    assert "Beta Labs" in result.output
    assert not (tmp_path / "site.json").exists()


def test_commands_needing_a_site_say_how_to_choose_one(sandbox: Sandbox) -> None:
    assert _jira("login").exit_code == 0
    result = _jira("fields", "PAY", "Bug")
    assert result.exit_code == 1
    assert "choose one with --site" in result.output
    assert "adfkit jira sites --use NAME" in result.output


def test_fields_lists_what_a_caller_must_supply_and_all_lists_the_rest(sandbox: Sandbox) -> None:
    assert _jira("login", "--site", "Acme").exit_code == 0
    must = json.loads(_jira("fields", "PAY", "Bug", "--json").stdout)
    assert [row["id"] for row in must] == ["summary", "components", "customfield_10040"]
    severity = must[2]
    assert severity["allowedValues"] == [
        "S1 - Critical",
        "S2 - Major",
        "S3 - Minor",
        "S4 - Trivial",
    ]
    every = {
        row["id"] for row in json.loads(_jira("fields", "PAY", "Bug", "--all", "--json").stdout)
    }
    assert {"project", "issuetype", "priority", "labels", "description"} <= every


def test_logout_forgets_the_tokens_the_default_site_and_the_cached_createmeta(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    assert _jira("login", "--site", "Acme").exit_code == 0
    assert _jira("fields", "PAY", "Bug").exit_code == 0
    cache = tmp_path / "cache" / "createmeta"
    assert list(cache.glob("*.json"))  # createmeta answers were cached
    result = _jira("logout")
    assert result.exit_code == 0, result.output
    assert "Logged out." in result.output
    assert not (tmp_path / "tokens.json").exists()
    assert not (tmp_path / "site.json").exists()
    assert not list(cache.glob("*.json"))
