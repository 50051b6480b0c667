"""``adfkit jira`` on a damaged machine: every broken state file, an unusable keyring or
lock, an unreachable API and bad input files end in a clear message naming the file and
exit code 2 (1 for remote failures), never a traceback. Also: the settings a login used
are kept for later commands (never the secret), Confluence-only and same-named sites are
handled, a new login never leaves a stale default site, and login writes tokens under the
store's lock.

State-file cases run the real ``adfkit`` executable; flows that need a login use the
sandbox in-process with click's runner (``catch_exceptions=False``: a traceback fails).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from filelock import FileLock

import adfkit.jira.cli
from adfkit.jira.errors import SiteError
from adfkit.jira.login_flow import login
from adfkit.jira.sites import choose_site, parse_resources
from adfkit.jira.tokens import TokenSet, TokenStore
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri

ADFKIT = str(Path(sys.executable).parent / "adfkit")
ACME = "3f1c9e52-7a4b-4d1e-9c2a-acme00000001"
BETA = "3f1c9e52-7a4b-4d1e-9c2a-beta00000002"
CLIENT_SECRET = "robust-client-secret-77e1"
ACCESS = "ACCESS-robust-3c9a"
REFRESH = "REFRESH-robust-81f0"
NOT_UTF8 = b"\xff\xfe{\x00}\x00"


def _closed_port_url() -> str:
    """A loopback URL nothing listens on (bound then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return f"http://127.0.0.1:{port}"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADFKIT_JIRA_")}
    env.update(extra)
    return env


# -- every state file damaged, through the real executable ---------------------------------


def _healthy_state(config: Path, *, expires_at: float) -> None:
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.json").write_text(
        json.dumps({"client_id": "robust-client", "api_url": _closed_port_url()})
    )
    (config / "tokens.json").write_text(json.dumps(TokenSet(ACCESS, REFRESH, expires_at).to_json()))
    (config / "site.json").write_text(
        json.dumps({"id": ACME, "name": "Acme", "url": "http://acme.test", "scopes": []})
    )


def _replace_with_directory(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


DAMAGE = {
    "bad JSON": lambda p: p.write_text('{"id": '),
    "not UTF-8": lambda p: p.write_bytes(NOT_UTF8),
    "wrong types": lambda p: p.write_text(
        {
            "tokens.json": '{"access_token": 5, "expires_at": "soon"}',
            "site.json": '{"id": "x", "scopes": 5}',
            "config.json": '{"client_id": 5}',
        }[p.name]
    ),
    "a directory": _replace_with_directory,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("state_file", ["tokens.json", "site.json", "config.json"])
def test_a_damaged_state_file_exits_2_naming_the_file_without_a_traceback(
    tmp_path: Path, state_file: str, damage: str
) -> None:
    config = tmp_path / "cfg"
    _healthy_state(config, expires_at=time.time() + 3600)
    DAMAGE[damage](config / state_file)
    env = _clean_env(ADFKIT_JIRA_CONFIG_DIR=str(config), ADFKIT_JIRA_CLIENT_SECRET=CLIENT_SECRET)
    done = subprocess.run(
        [ADFKIT, "jira", "fields", "PAY", "Bug"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert str(config / state_file) in done.stderr
    assert "Traceback" not in done.stderr
    for secret in (ACCESS, REFRESH, CLIENT_SECRET):
        assert secret not in done.stdout + done.stderr


def test_an_unusable_lock_file_with_an_expired_token_exits_2_naming_the_lock(
    tmp_path: Path,
) -> None:
    config = tmp_path / "cfg"
    _healthy_state(config, expires_at=time.time() - 10)  # needs a refresh, hence the lock
    (config / "tokens.json.lock").mkdir()
    env = _clean_env(ADFKIT_JIRA_CONFIG_DIR=str(config), ADFKIT_JIRA_CLIENT_SECRET=CLIENT_SECRET)
    done = subprocess.run(
        [ADFKIT, "jira", "fields", "PAY", "Bug"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert f"{config / 'tokens.json.lock'}: cannot lock the token store" in done.stderr
    assert "Traceback" not in done.stderr


def test_logout_with_an_unknown_token_store_is_a_configuration_error(tmp_path: Path) -> None:
    env = _clean_env(ADFKIT_JIRA_CONFIG_DIR=str(tmp_path), ADFKIT_JIRA_TOKEN_STORE="vault")
    done = subprocess.run([ADFKIT, "jira", "logout"], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "ADFKIT_JIRA_TOKEN_STORE is 'vault'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["logout"], ["fields", "PAY", "Bug"]])
def test_the_keyring_store_without_a_keyring_backend_exits_2_saying_so(
    tmp_path: Path, command: list[str]
) -> None:
    env = _clean_env(
        ADFKIT_JIRA_CONFIG_DIR=str(tmp_path),
        ADFKIT_JIRA_TOKEN_STORE="keyring",
        ADFKIT_JIRA_CLIENT_ID="robust-client",
        ADFKIT_JIRA_CLIENT_SECRET=CLIENT_SECRET,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # keyring's "no backend"
    )
    done = subprocess.run([ADFKIT, "jira", *command], env=env, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "no keyring backend is available" in done.stderr
    assert "ADFKIT_JIRA_TOKEN_STORE=file" in done.stderr
    assert "Traceback" not in done.stderr


# -- bad input files for create, with and without --json ------------------------------------


def _create(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _clean_env(ADFKIT_JIRA_CONFIG_DIR=str(tmp_path / "cfg"))
    return subprocess.run(
        [ADFKIT, "jira", "create", "--project", "PAY", "--type", "Bug", "--summary", "S", *args],
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_description_file_that_is_not_utf8_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "notes.md"
    bad.write_bytes(NOT_UTF8)
    done = _create(tmp_path, "--description-file", str(bad))
    assert done.returncode == 2
    assert f"{bad}: not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_under_json_print_a_json_error_object(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "doc",')
    not_json = _create(tmp_path, "--description-file", str(broken), "--json")
    assert not_json.returncode == 2
    answer = json.loads(not_json.stdout)
    assert answer["error"] == "UsageError"
    assert answer["message"].startswith(f"{broken}: not JSON")

    bad_field = _create(tmp_path, "--field", "Severity", "--json")
    assert bad_field.returncode == 2
    assert json.loads(bad_field.stdout) == {
        "error": "UsageError",
        "message": "--field 'Severity': expected NAME=VALUE",
    }


# -- flows needing a login: the sandbox in-process ------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(redirect_uris=[loopback_redirect_uri()], client_secret=CLIENT_SECRET) as sb:
        yield sb


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only the config directory in the environment; returns that directory."""
    for name in list(os.environ):
        if name.startswith("ADFKIT_JIRA_"):
            monkeypatch.delenv(name)
    config = tmp_path / "cfg"
    monkeypatch.setenv("ADFKIT_JIRA_CONFIG_DIR", str(config))
    monkeypatch.setattr(adfkit.jira.cli, "_open_browser", consenting_browser())
    return config


def _jira(*args: str) -> Result:
    return CliRunner().invoke(adfkit.jira.cli.jira, list(args), catch_exceptions=False)


def _app_options(sb: Sandbox, *, api_url: str | None = None) -> list[str]:
    return [
        "--client-id",
        sb.client_id,
        "--client-secret",
        CLIENT_SECRET,
        "--auth-url",
        sb.auth_url,
        "--api-url",
        api_url or sb.api_url,
        "--redirect-uri",
        sb.redirect_uris[0],
    ]


def test_login_options_are_kept_for_later_commands_but_never_the_secret(
    sandbox: Sandbox, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.mkdir()
    (env / "config.json").write_text(json.dumps({"note": "kept by the merge"}))
    logged_in = _jira("login", *_app_options(sandbox), "--site", "Acme")
    assert logged_in.exit_code == 0, logged_in.output
    text = (env / "config.json").read_text()
    assert CLIENT_SECRET not in text
    saved = json.loads(text)
    assert saved["note"] == "kept by the merge"
    assert saved["client_id"] == sandbox.client_id
    assert saved["api_url"] == sandbox.api_url
    assert saved["auth_url"] == sandbox.auth_url
    assert saved["redirect_uri"] == sandbox.redirect_uris[0]
    assert "offline_access" in saved["scopes"].split()

    no_secret = _jira("sites")
    assert no_secret.exit_code == 2
    assert "missing client_secret" in no_secret.output
    assert f"ADFKIT_JIRA_CLIENT_SECRET or client_secret in {env / 'config.json'}" in (
        no_secret.output
    )
    assert "--client-secret" not in no_secret.output  # sites has no such option

    monkeypatch.setenv("ADFKIT_JIRA_CLIENT_SECRET", CLIENT_SECRET)
    listed = _jira("sites")
    assert listed.exit_code == 0, listed.output
    assert "* Acme" in listed.output
    assert sandbox.count("accessible_resources") >= 2  # the sandbox, not api.atlassian.com


def test_login_without_a_secret_names_the_option_too(sandbox: Sandbox, env: Path) -> None:
    result = _jira("login", "--client-id", sandbox.client_id, "--no-browser")
    assert result.exit_code == 2
    assert "missing client_secret (--client-secret, ADFKIT_JIRA_CLIENT_SECRET or" in (result.output)


def test_login_when_the_api_is_unreachable_names_the_url(sandbox: Sandbox, env: Path) -> None:
    nowhere = _closed_port_url()
    result = _jira("login", *_app_options(sandbox, api_url=nowhere))
    assert result.exit_code == 1
    assert f"cannot reach {nowhere}/oauth/token/accessible-resources" in result.output
    assert CLIENT_SECRET not in result.output


def test_saving_the_site_into_a_directory_is_a_configuration_error(
    sandbox: Sandbox, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _jira("login", *_app_options(sandbox)).exit_code == 0
    (env / "site.json").mkdir()
    monkeypatch.setenv("ADFKIT_JIRA_CLIENT_SECRET", CLIENT_SECRET)
    result = _jira("sites", "--use", "Acme")
    assert result.exit_code == 2
    assert f"{env / 'site.json'}: cannot save the site" in result.output


def test_a_login_that_chooses_no_site_forgets_the_previous_default(
    sandbox: Sandbox, env: Path
) -> None:
    assert _jira("login", *_app_options(sandbox), "--site", "Beta Labs").exit_code == 0
    assert json.loads((env / "site.json").read_text())["id"] == BETA
    again = _jira("login", *_app_options(sandbox))  # not a terminal: no prompt, no choice
    assert again.exit_code == 0, again.output
    assert "No default site saved" in again.output
    assert not (env / "site.json").exists()


def test_a_failed_site_choice_at_login_forgets_a_default_the_new_grant_cannot_reach(
    sandbox: Sandbox, env: Path
) -> None:
    assert _jira("login", *_app_options(sandbox), "--site", "Beta Labs").exit_code == 0
    sandbox.faults.wrong_cloud_id(BETA)  # Beta Labs is gone from accessible-resources
    again = _jira("login", *_app_options(sandbox), "--site", "Gamma")
    assert again.exit_code == 1
    assert "no reachable site matches 'Gamma'" in again.output
    assert not (env / "site.json").exists()


def test_login_writes_the_tokens_only_while_holding_the_store_lock(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    from adfkit.jira.config import OAuthApp

    app = OAuthApp(
        client_id=sandbox.client_id,
        client_secret=CLIENT_SECRET,
        redirect_uri=sandbox.redirect_uris[0],
        auth_url=sandbox.auth_url,
        api_url=sandbox.api_url,
    )
    store = TokenStore(tmp_path)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            login(app, store, opener=consenting_browser(), timeout=30)
        except BaseException as exc:  # reported by the main thread's assertion
            errors.append(exc)

    holder = FileLock(str(store.path) + ".lock")
    with holder:  # another process refreshing, say
        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 20
        while sandbox.count("token", status=200) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sandbox.count("token", status=200) == 1  # the code was exchanged
        time.sleep(0.5)  # time enough for an unlocked write to land
        assert not store.path.exists()
    worker.join(timeout=30)
    assert errors == []
    assert store.load() is not None


# -- choosing among sites ------------------------------------------------------------------

JIRA_SCOPES = ["read:jira-work", "write:jira-work"]
CONFLUENCE_SCOPES = ["read:confluence-content.all"]


def _entry(cloud_id: str, name: str, url: str, scopes: list[str]) -> dict[str, object]:
    return {"id": cloud_id, "name": name, "url": url, "scopes": scopes, "avatarUrl": ""}


def test_a_confluence_only_site_is_never_chosen_and_the_error_says_it_was_skipped() -> None:
    sites = parse_resources([_entry("c-1", "Wiki", "https://wiki.test", CONFLUENCE_SCOPES)])
    assert list(sites) == []
    with pytest.raises(SiteError, match=r"reaches no Jira site \(1 Confluence-only site was"):
        choose_site(sites)


def test_confluence_only_sites_are_dropped_beside_jira_ones() -> None:
    sites = parse_resources(
        [
            _entry("c-1", "Wiki", "https://wiki.test", CONFLUENCE_SCOPES),
            _entry("c-2", "Docs", "https://docs.test", CONFLUENCE_SCOPES),
            _entry("j-1", "Acme", "https://acme.test", JIRA_SCOPES),
        ]
    )
    assert [s.name for s in sites] == ["Acme"]
    assert choose_site(sites).id == "j-1"


def test_two_sites_with_one_name_are_ambiguous_and_the_error_lists_both() -> None:
    sites = parse_resources(
        [
            _entry("j-1", "Acme", "https://acme.test", JIRA_SCOPES),
            _entry("j-2", "acme", "https://acme-eu.test", JIRA_SCOPES),
        ]
    )
    with pytest.raises(SiteError) as info:
        choose_site(sites, "Acme")
    message = str(info.value)
    assert "'Acme' is ambiguous: Acme <https://acme.test>, acme <https://acme-eu.test>" in message
    assert "use the URL or cloud id" in message
    assert choose_site(sites, "https://acme-eu.test").id == "j-2"


@pytest.mark.parametrize(
    "entry",
    [
        {"id": "x", "scopes": 5},
        {"id": "x", "scopes": ["read:jira-work", 7]},
        {"id": 5, "name": "Acme"},
        {"name": "Acme"},
        {"id": "x", "url": ["https://acme.test"]},
    ],
)
def test_an_accessible_resources_entry_of_the_wrong_shape_is_a_site_error(
    entry: dict[str, object],
) -> None:
    with pytest.raises(SiteError, match="unexpected entry"):
        parse_resources([entry])
