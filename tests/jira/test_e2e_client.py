"""The whole flow over loopback HTTP against the sandbox: login, sites, fields, create, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adfkit.cli import main
from adfkit.jira.client import JiraClient
from adfkit.jira.config import OAuthApp
from adfkit.jira.errors import AuthError, PreflightError
from adfkit.jira.login_flow import login
from adfkit.jira.sites import choose_site, save_site
from adfkit.jira.tokens import TokenStore
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    redirect = loopback_redirect_uri()
    monkeypatch.setenv("ADFKIT_JIRA_CONFIG_DIR", str(tmp_path))
    with Sandbox(redirect_uris=[redirect]) as sb:
        app = OAuthApp(
            "sandbox-client-id",
            "sandbox-client-secret",
            redirect,
            auth_url=sb.base_url,
            api_url=sb.base_url,
        )
        yield sb, app, TokenStore(tmp_path)


def test_login_then_create_issue_end_to_end(world) -> None:  # type: ignore[no-untyped-def]
    sb, app, store = world
    result = login(app, store, opener=consenting_browser(), timeout=20)
    assert result.warnings == []
    assert sorted(s.name for s in result.sites) == ["Acme", "Beta Labs"]
    save_site(store.directory, choose_site(result.sites, "Acme"))
    with JiraClient.from_oauth(app, store=store) as client:
        assert client.myself()["accountId"] == "712020:5b1c-sandbox-alex"
        must = {m.field_id for m in client.fields("PAY", "Bug") if m.must_supply}
        assert {"summary", "components", "customfield_10040"} <= must
        with pytest.raises(PreflightError):
            client.create_issue(project="PAY", issue_type="Bug", summary="missing fields")
        created = client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="Card declined",
            description="# Steps\n\n1. pay",
            priority="High",
            components=["Payments"],
            labels=["bug"],
            fields={"Severity": "S2 - Major"},
        )
        assert created.url == f"{sb.base_url}/site/acme/browse/{created.key}"
        issue = client.get_issue(created.key)
        assert issue["fields"]["summary"] == "Card declined"
        assert issue["fields"]["description"]["type"] == "doc"


def test_denied_consent_is_reported(world) -> None:  # type: ignore[no-untyped-def]
    _sb, app, store = world
    with pytest.raises(AuthError, match="consent was denied"):
        login(app, store, opener=consenting_browser("deny"), timeout=20)
    assert store.load() is None


def test_cli_create_with_api_token_and_json_output(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sb, _app, _store = world
    bug = tmp_path / "bug.md"
    bug.write_text("Steps:\n\n- open\n- pay\n")
    args = [
        "jira",
        "create",
        "--project",
        "PAY",
        "--type",
        "Bug",
        "--summary",
        "From CLI",
        "--description-file",
        str(bug),
        "--priority",
        "High",
        "--component",
        "Payments",
        "--label",
        "bug",
        "--field",
        "Severity=S1 - Critical",
        "--email",
        "alex@example.com",
        "--api-token",
        "sandbox-api-token",
        "--site-url",
        f"{sb.base_url}/site/acme",
        "--json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["url"].endswith(f"/browse/{out['key']}")
    assert "sandbox-api-token" not in result.output
    missing = CliRunner().invoke(main, args[:8] + args[-7:])
    assert missing.exit_code == 1
    problems = json.loads(missing.output)["problems"]
    assert {p["field"] for p in problems} == {"components", "customfield_10040"}


def test_adfkit_validate_does_not_import_jira_or_httpx(tmp_path: Path) -> None:
    import subprocess
    import sys

    doc = tmp_path / "d.json"
    doc.write_text('{"type": "doc", "version": 1, "content": []}')
    code = (
        "import sys; from adfkit.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit as e:\n    assert e.code in (0, None)\n"
        "bad = [m for m in sys.modules if m == 'httpx' or m.startswith('adfkit.jira')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code, str(doc)], check=True)
