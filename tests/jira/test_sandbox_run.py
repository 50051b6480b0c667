"""Running the sandbox: the state file round trip, the pytest plugin (through the example
in docs/sandbox.md, run by pytester), and the command line as real processes."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from adfkit.sandbox import Sandbox, World, default_world
from adfkit.sandbox.server import StateFileError

from .sandbox_steps import gateway_get, gateway_post, login, pay_bug

BUG = pay_bug(
    summary="Kept across restarts",
    components=[{"name": "Ledger"}],
    customfield_10040={"value": "S3 - Minor"},
)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sandbox.md"


def test_state_file_keeps_issues_and_tokens_across_restarts(tmp_path: Path) -> None:
    state = tmp_path / "state" / "sandbox.json"
    with Sandbox(state_file=state) as sb:
        tokens = login(sb)
        assert gateway_post(sb, tokens.access, "issue", BUG).json()["key"] == "PAY-1"
    assert state.stat().st_mode & 0o777 == 0o600
    text = state.read_text()
    assert tokens.access not in text
    assert tokens.refresh is not None
    assert tokens.refresh not in text
    with Sandbox(state_file=state) as again:
        assert [i.key for i in again.issues()] == ["PAY-1"]
        # The same tokens still work against the restarted server (only hashes were kept).
        issue = gateway_get(again, tokens.access, "issue/PAY-1").json()
        assert issue["fields"]["summary"] == "Kept across restarts"
        assert gateway_post(again, tokens.access, "issue", BUG).json()["key"] == "PAY-2"
    assert [p.name for p in state.parent.iterdir()] == ["sandbox.json"]  # no temp files left


def test_world_json_round_trip_is_lossless() -> None:
    world = default_world(redirect_uris=["http://127.0.0.1:1/cb"], client_secret="s3")
    copy = World.from_json(world.to_json())
    assert copy == world
    assert copy.clients[0].client_secret == "s3"
    pay = copy.site("acme")
    assert pay is not None
    bug = pay.project("PAY")
    assert bug is not None
    bug_type = bug.issue_type("Bug")
    assert bug_type is not None
    field = bug_type.field("customfield_10061")
    assert field is not None
    assert field.is_adf


def test_the_documented_pytest_example_passes(pytester: pytest.Pytester) -> None:
    blocks = re.findall(
        r"## A complete pytest example\n.*?```python\n(.*?)```", DOC.read_text(), re.S
    )
    assert len(blocks) == 1
    pytester.makepyfile(test_example=blocks[0])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=4)


def test_the_fixtures_come_from_the_installed_entry_point(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_fixtures="""
def test_two_sandboxes_are_separate(jira_sandbox, jira_sandbox_factory):
    other = jira_sandbox_factory(page_limit=1)
    assert other.base_url != jira_sandbox.base_url
    assert other.world.page_limit == 1
    assert jira_sandbox.world.page_limit is None
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)
    # With entry-point plugins switched off the fixture is gone: it came from the plugin.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    disabled = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    assert disabled.ret != 0
    disabled.stdout.fnmatch_lines(["*fixture 'jira_sandbox' not found*"])


def test_plugin_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, adfkit.sandbox.pytest_plugin as p; "
        "heavy = [m for m in ('httpx', 'http.server', 'adfkit.sandbox.server', 'click') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str, list[str]]:
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            break
    match = re.match(r"Jira sandbox listening on (http://127\.0\.0\.1:\d+)$", lines[0])
    assert match, lines
    return proc, match.group(1), lines


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "adfkit.sandbox"],
        [
            sys.executable,
            "-c",
            "from adfkit.sandbox.cli import sandbox_command; sandbox_command()",
        ],
        [str(Path(sys.executable).parent / "adfkit"), "jira", "sandbox"],
    ],
    ids=["python-m", "click-command", "adfkit-jira-sandbox"],
)
def test_cli_prints_urls_and_credentials_serves_and_stops_on_sigterm(
    command: list[str], tmp_path: Path
) -> None:
    proc, base, lines = _start(
        [*command, "--redirect-uri", "http://127.0.0.1:9999/cb", "--access-token-lifetime", "77",
         "--state-file", str(tmp_path / "s.json")]
    )  # fmt: skip
    try:
        text = "\n".join(lines)
        for expected in (
            f"export ADFKIT_JIRA_AUTH_URL={base}",
            f"export ADFKIT_JIRA_API_URL={base}",
            "export ADFKIT_JIRA_CLIENT_ID=sandbox-client-id",
            "export ADFKIT_JIRA_CLIENT_SECRET=sandbox-client-secret",
            f"Acme: {base}/site/acme (cloud id 3f1c9e52-7a4b-4d1e-9c2a-acme00000001)",
            f"Beta Labs: {base}/site/beta-labs",
            "redirect URIs: http://127.0.0.1:9999/cb",
        ):
            assert expected in text
        page = httpx.get(f"{base}/")
        assert page.status_code == 200
        consent = httpx.get(
            f"{base}/authorize",
            params={"audience": "api.atlassian.com", "client_id": "sandbox-client-id",
                    "scope": "read:jira-work", "redirect_uri": "http://127.0.0.1:9999/cb",
                    "state": "s", "response_type": "code", "prompt": "consent"},
        )  # fmt: skip
        assert consent.status_code == 200
        assert 'id="accept"' in consent.text
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "Jira sandbox stopped." in out
    assert (tmp_path / "s.json").exists()


def test_cli_reports_a_busy_port_without_a_traceback() -> None:
    with Sandbox() as sb:
        result = subprocess.run(
            [sys.executable, "-m", "adfkit.sandbox", "--port", str(sb.port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{sb.port}" in result.stderr
    assert "Traceback" not in result.stderr


ONE_CLIENT = {"client_id": "c", "client_secret": "s"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[]", "expected an object with keys 'world' and 'oauth', got an array"),
        ("{not json", "not JSON"),
        ('{"world": []}', "world: expected an object, got an array"),
        ('{"oauth": {}}', "missing key 'world'"),
        ('{"world": {}, "extra": 1}', "unknown key 'extra'"),
        ('{"world": {"clients": [], "users": [], "sites": []}}', "needs at least one OAuth client"),
        (
            json.dumps({"world": {"clients": [{**ONE_CLIENT, "colour": "red"}], "users": [],
                                  "sites": []}}),
            "world.clients[0]: unknown key 'colour'",
        ),
        (
            json.dumps({"world": {"clients": [{"client_id": 7, "client_secret": "s"}],
                                  "users": [], "sites": []}}),
            "world.clients[0].client_id: expected a string, got a number",
        ),
        (
            json.dumps({"world": {"clients": [ONE_CLIENT], "users": [], "sites": [{}]}}),
            "world.sites[0]: missing key 'cloud_id'",
        ),
        (
            json.dumps({"world": {"clients": [ONE_CLIENT], "users": [], "sites": []},
                        "oauth": {"grants": []}}),
            "oauth.grants: expected an object, got an array",
        ),
    ],
    ids=["array", "not-json", "world-array", "no-world", "unknown-top-key", "no-clients",
         "unknown-client-key", "client-id-number", "site-without-keys", "oauth-grants-array"],
)  # fmt: skip
def test_cli_refuses_a_malformed_state_file_naming_it_and_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    state = tmp_path / "state.json"
    state.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "adfkit.sandbox", "--state-file", str(state)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{state}: " in result.stderr
    assert problem in result.stderr
    assert result.stdout == ""  # it never started listening
    assert state.read_text(encoding="utf-8") == content  # and left the file alone


def test_a_state_file_the_sandbox_wrote_loads_again_after_its_checks(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox(state_file=state) as sb:
        login(sb)
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["oauth"]["grants"]  # the checks ran over a real grant
    with Sandbox(state_file=state) as again:
        assert again.world == sb.world


def test_a_malformed_state_file_raises_state_file_error_in_process(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"world": {"clients": []}}', encoding="utf-8")
    with pytest.raises(StateFileError, match=r"world: missing key 'users'"):
        Sandbox(state_file=state)


def test_the_documented_login_example_runs_and_prints_the_sites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = [
        b
        for b in re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
        if "consenting_browser()" in b
    ]
    assert len(blocks) == 1
    code = blocks[0].replace('"/tmp/adfkit-tokens"', repr(str(tmp_path)))
    exec(compile(code, "docs/sandbox.md", "exec"), {})
    assert capsys.readouterr().out == "['Acme', 'Beta Labs']\n"
    assert (tmp_path / "tokens.json").exists()


@pytest.mark.parametrize("uri", ["notaurl", "127.0.0.1:8765/callback", "ftp://h/cb"])
def test_cli_refuses_a_redirect_uri_that_is_not_an_http_url(uri: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adfkit.sandbox", "--redirect-uri", uri],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert f"{uri!r} is not an http(s) URL" in result.stderr
    assert result.stdout == ""  # it never started listening
