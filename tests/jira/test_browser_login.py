"""``adfkit jira login`` completed by a real browser: Debian's headless Chromium, driven
by Playwright, opens the sandbox's consent page, clicks Accept (or Deny), follows the
redirect to the CLI's loopback callback server, and the CLI stores the tokens.

The CLI runs as a subprocess with ``BROWSER`` set to a tiny script that only records the
URL ``webbrowser.open`` was given: the same path a user's machine takes, with the test
standing in for the desktop's URL handler. ``.ci/run`` (and the README's test command)
install ``chromium``; Playwright uses it through ``executable_path``, downloading nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from adfkit.sandbox import Sandbox, loopback_redirect_uri

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags a closed network needs: no background fetches to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is needed (apt-get install chromium); the README's test command "
        "installs it"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[tuple[Sandbox, dict[str, str], Path]]:
    redirect = loopback_redirect_uri()
    opened = tmp_path / "opened-url.txt"
    recorder = tmp_path / "record-url"
    # webbrowser runs $BROWSER with the URL in place of %s.
    recorder.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n')
    recorder.chmod(0o755)
    with Sandbox(redirect_uris=[redirect]) as sb:
        env = {
            **os.environ,
            "ADFKIT_JIRA_CONFIG_DIR": str(tmp_path / "config"),
            "ADFKIT_JIRA_AUTH_URL": sb.auth_url,
            "ADFKIT_JIRA_API_URL": sb.api_url,
            "ADFKIT_JIRA_CLIENT_ID": sb.client_id,
            "ADFKIT_JIRA_CLIENT_SECRET": sb.client_secret,
            "ADFKIT_JIRA_REDIRECT_URI": redirect,
            "BROWSER": f"{recorder} %s",
        }
        yield sb, env, opened


def _start_login(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "adfkit"), "jira", "login", "--site", "Acme", "--json"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _opened_url(opened: Path, login: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if opened.exists() and opened.read_text():
            return opened.read_text()
        if login.poll() is not None:
            break
        time.sleep(0.05)
    login.kill()
    out, err = login.communicate()
    raise AssertionError(f"adfkit jira login opened no browser:\n{out}\n{err}")


def _click(browser: Browser, url: str, button: str) -> tuple[str, str]:
    """Open ``url``, click ``button``; the page text and the URL the browser ended on."""
    page = browser.new_page()
    try:
        page.goto(url)
        assert "Accept" in page.inner_text("body")
        with page.expect_navigation():
            page.click(button)
        return page.inner_text("body"), page.url
    finally:
        page.close()


def test_chromium_clicks_accept_and_adfkit_jira_login_completes(
    browser: Browser, cli_env: tuple[Sandbox, dict[str, str], Path]
) -> None:
    sb, env, opened = cli_env
    login = _start_login(env)
    url = _opened_url(opened, login)
    assert url.startswith(f"{sb.auth_url}/authorize?")
    text, landed = _click(browser, url, "#accept")
    out, err = login.communicate(timeout=30)
    assert login.returncode == 0, out + err
    assert landed.startswith(env["ADFKIT_JIRA_REDIRECT_URI"] + "?code=")
    assert "you can close this tab" in text
    result: dict[str, Any] = json.loads(out)
    assert result["site"]["name"] == "Acme"
    tokens_file = Path(env["ADFKIT_JIRA_CONFIG_DIR"]) / "tokens.json"
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    stored = json.loads(tokens_file.read_text())
    assert stored["refresh_token"]
    # The grant works: the stored site answers with the stored token.
    sites = subprocess.run(
        [str(Path(sys.executable).parent / "adfkit"), "jira", "sites", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert sites.returncode == 0, sites.stderr
    assert {s["name"] for s in json.loads(sites.stdout)} == {"Acme", "Beta Labs"}
    for secret in (stored["access_token"], stored["refresh_token"], sb.client_secret):
        assert secret not in out + err + sites.stdout + sites.stderr


def test_chromium_clicks_deny_and_adfkit_jira_login_fails_clearly(
    browser: Browser, cli_env: tuple[Sandbox, dict[str, str], Path]
) -> None:
    sb, env, opened = cli_env
    login = _start_login(env)
    _text, landed = _click(browser, _opened_url(opened, login), "#deny")
    out, err = login.communicate(timeout=30)
    assert login.returncode == 1
    assert "error=access_denied" in landed
    assert "denied" in (out + err).lower()
    assert "Traceback" not in err
    assert not (Path(env["ADFKIT_JIRA_CONFIG_DIR"]) / "tokens.json").exists()
    assert sb.count("token") == 0
