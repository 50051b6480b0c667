"""``adfkit jira ...`` as real subprocesses against an in-process sandbox.

The CLI gets the sandbox through ``ADFKIT_JIRA_*`` environment variables and a temporary
config directory. The test plays the user's browser during ``login --no-browser``: it reads
the consent URL from the streaming stderr, clicks Accept (or Deny) with the sandbox's
``approve``/``deny`` and follows the redirect to the CLI's loopback callback.

Every command's stdout and stderr is checked against every secret seen so far (client
secret, authorization codes, each access and refresh token the token file ever held).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import adfkit
from adfkit.sandbox import Sandbox, approve, deny, loopback_redirect_uri

ADFKIT = str(Path(sys.executable).parent / "adfkit")
CLIENT_SECRET = "cli-e2e-client-secret-5d1f0c"
ACME = "3f1c9e52-7a4b-4d1e-9c2a-acme00000001"
BETA = "3f1c9e52-7a4b-4d1e-9c2a-beta00000002"
CREATE = [
    "jira",
    "create",
    "--project",
    "PAY",
    "--type",
    "Bug",
    "--summary",
    "Card declined twice",
]


@dataclass
class Cli:
    sb: Sandbox
    config: Path
    env: dict[str, str]
    secrets: set[str] = field(default_factory=set)
    outputs: list[str] = field(default_factory=list)

    @property
    def tokens_file(self) -> Path:
        return self.config / "tokens.json"

    def _record(self, *texts: str) -> None:
        """Remember the outputs and the current tokens; fail if any secret ever leaked."""
        self.outputs.extend(texts)
        if self.tokens_file.exists():
            stored = json.loads(self.tokens_file.read_text())
            self.secrets.update(
                str(stored[k]) for k in ("access_token", "refresh_token") if stored.get(k)
            )
        leaked = [s for s in self.secrets if any(s in out for out in self.outputs)]
        assert not leaked, "a secret appeared in the CLI's output"

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [ADFKIT, *args],
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.config.parent,
        )
        self._record(done.stdout, done.stderr)
        return done

    def login(
        self, *extra: str, decide: Callable[[str], str] = approve
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.Popen(
            [ADFKIT, "jira", "login", "--no-browser", *extra],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        head: list[str] = []
        try:
            for line in proc.stderr:  # streams: the CLI waits for the callback meanwhile
                head.append(line)
                if line.startswith(f"{self.sb.auth_url}/authorize?"):
                    break
            else:
                raise AssertionError(f"no consent URL on stderr: {''.join(head)!r}")
            location = decide(line.strip())
            code = parse_qs(urlsplit(location).query).get("code")
            self.secrets.update(code or [])
            httpx.get(location, timeout=10)  # the browser lands on the CLI's callback
            stdout, rest = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, "".join(head) + rest)
        self._record(done.stdout, done.stderr)
        return done


def make_cli(sb: Sandbox, config: Path, redirect: str) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADFKIT_JIRA_")}
    env.update(
        ADFKIT_JIRA_CONFIG_DIR=str(config),
        ADFKIT_JIRA_AUTH_URL=sb.base_url,
        ADFKIT_JIRA_API_URL=sb.base_url,
        ADFKIT_JIRA_CLIENT_ID=sb.client_id,
        ADFKIT_JIRA_CLIENT_SECRET=CLIENT_SECRET,
        ADFKIT_JIRA_REDIRECT_URI=redirect,
    )
    return Cli(sb, config, env, secrets={CLIENT_SECRET})


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Cli]:
    """A sandbox and a CLI environment, not logged in."""
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect], client_secret=CLIENT_SECRET) as sb:
        yield make_cli(sb, tmp_path / "config", redirect)


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """Logged in with ``--site Acme``; shared by the tests that only read or create."""
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect], client_secret=CLIENT_SECRET) as sb:
        cli = make_cli(sb, tmp_path_factory.mktemp("cli") / "config", redirect)
        done = cli.login("--site", "Acme")
        assert done.returncode == 0, done.stderr
        yield cli


# -- login, sites, token file -------------------------------------------------------------


def test_login_saves_the_chosen_site_and_a_0600_token_file(acme: Cli) -> None:
    assert "Logged in; site: Acme" in acme.outputs[0]
    mode = stat.S_IMODE(acme.tokens_file.stat().st_mode)
    assert mode == 0o600
    saved = json.loads((acme.config / "site.json").read_text())
    assert saved["id"] == ACME
    assert saved["url"] == f"{acme.sb.base_url}/site/acme"
    assert len(acme.secrets) >= 4  # client secret, code, access and refresh token


def test_sites_lists_each_reachable_site_once_and_marks_the_default(acme: Cli) -> None:
    done = acme.run("jira", "sites")
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == [
        f"  Beta Labs\t{acme.sb.base_url}/site/beta-labs\t{BETA}",
        f"* Acme\t{acme.sb.base_url}/site/acme\t{ACME}",
    ]


def test_sites_json_is_a_deduplicated_array_with_jira_scopes(acme: Cli) -> None:
    done = acme.run("jira", "sites", "--json")
    assert done.returncode == 0, done.stderr
    sites = json.loads(done.stdout)
    assert sorted(s["id"] for s in sites) == [ACME, BETA]
    acme_entry = next(s for s in sites if s["id"] == ACME)
    assert "write:jira-work" in acme_entry["scopes"]  # the Jira entry, not Confluence's
    assert {s["id"]: s["default"] for s in sites} == {ACME: True, BETA: False}


# -- fields ---------------------------------------------------------------------------------


def test_fields_lists_what_must_be_supplied_with_allowed_values(acme: Cli) -> None:
    done = acme.run("jira", "fields", "PAY", "Bug")
    assert done.returncode == 0, done.stderr
    rows = {line.split("\t")[0]: line for line in done.stdout.splitlines()}
    # project and issuetype are required too, but create sets them from --project/--type
    assert set(rows) == {"summary", "components", "customfield_10040"}
    assert "[Payments, Checkout, Ledger]" in rows["components"]
    assert "[S1 - Critical, S2 - Major, S3 - Minor, S4 - Trivial]" in rows["customfield_10040"]
    assert "priority" not in rows  # required but defaulted


def test_fields_json_marks_required_fields_and_defaults(acme: Cli) -> None:
    must = json.loads(acme.run("jira", "fields", "PAY", "Bug", "--json").stdout)
    assert {r["id"] for r in must} == {"summary", "components", "customfield_10040"}
    assert all(r["required"] and not r["hasDefaultValue"] for r in must)
    done = acme.run("jira", "fields", "PAY", "Bug", "--all", "--json")
    assert done.returncode == 0, done.stderr
    every = {r["id"]: r for r in json.loads(done.stdout)}
    assert every["priority"]["hasDefaultValue"] is True
    assert every["priority"]["allowedValues"] == ["Highest", "High", "Medium", "Low", "Lowest"]
    assert every["customfield_10040"]["name"] == "Severity"


# -- create ---------------------------------------------------------------------------------


def test_create_sends_the_markdown_file_as_adf_and_prints_the_issue(acme: Cli) -> None:
    bug = acme.config.parent / "bug.md"
    bug.write_text("## Steps\n\n1. open *checkout*\n2. pay with `4242`\n\nDeclined **twice**.\n")
    done = acme.run(
        *CREATE,
        "--description-file",
        str(bug),
        "--priority",
        "High",
        "--component",
        "Payments",
        "--label",
        "bug",
        "--field",
        "Severity=S2 - Major",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["url"] == f"{acme.sb.base_url}/site/acme/browse/{out['key']}"
    issue = next(i for i in acme.sb.issues(project="PAY") if i.key == out["key"])
    assert issue.fields["description"] == adfkit.from_markdown(bug.read_text())
    assert issue.fields["summary"] == "Card declined twice"
    assert issue.fields["priority"]["name"] == "High"
    assert [c["id"] for c in issue.fields["components"]] == ["10100"]  # Payments' id
    assert issue.fields["labels"] == ["bug"]
    assert issue.fields["customfield_10040"]["id"] == "10201"  # S2 - Major


def test_create_failing_preflight_lists_every_problem_and_posts_nothing(acme: Cli) -> None:
    posts = acme.sb.count("create_issue")
    done = acme.run(*CREATE, "--priority", "Urgent")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "3 problem(s) found before sending" in done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert sorted(p.split(":")[0].strip(" -") for p in problems) == [
        "components",
        "customfield_10040",
        "priority",
    ]
    assert "Highest, High, Medium, Low, Lowest" in done.stderr  # what would be allowed
    assert acme.sb.count("create_issue") == posts


def test_create_with_invalid_adf_file_names_the_json_pointer_before_any_post(acme: Cli) -> None:
    bad = acme.config.parent / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "type": "doc",
                "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text"}]}],
            }
        )
    )
    posts = acme.sb.count("create_issue")
    done = acme.run(
        *CREATE,
        "--description-file",
        str(bad),
        "--component",
        "Payments",
        "--field",
        "Severity=S3 - Minor",
        "--json",
    )
    assert done.returncode == 1
    problems = json.loads(done.stdout)["problems"]
    assert [(p["code"], p["pointer"]) for p in problems] == [
        ("INVALID_ADF", "/fields/description/content/0/content/0")
    ]
    assert acme.sb.count("create_issue") == posts


def test_create_with_a_description_file_that_is_not_json_is_a_usage_error(acme: Cli) -> None:
    broken = acme.config.parent / "broken.json"
    broken.write_text('{"type": "doc",')
    done = acme.run(*CREATE, "--description-file", str(broken))
    assert done.returncode == 2
    assert "broken.json: not JSON" in done.stderr
    assert "Traceback" not in done.stderr


# -- logout, denial, configuration ------------------------------------------------------------


def test_logout_removes_the_tokens_and_later_commands_ask_for_login(fresh: Cli) -> None:
    assert fresh.login("--site", "Beta Labs").returncode == 0
    assert fresh.tokens_file.exists()
    done = fresh.run("jira", "logout")
    assert done.returncode == 0
    assert "Logged out." in done.stdout
    assert not fresh.tokens_file.exists()
    assert not (fresh.config / "site.json").exists()
    after = fresh.run("jira", "sites")
    assert after.returncode != 0
    assert "run `adfkit jira login`" in after.stderr
    assert "Traceback" not in after.stderr
    again = fresh.run("jira", "logout", "--json")
    assert (again.returncode, json.loads(again.stdout)) == (0, {"logged_out": False})


def test_denied_consent_exits_1_with_a_clear_message_and_stores_nothing(fresh: Cli) -> None:
    done = fresh.login("--site", "Acme", decide=deny)
    assert done.returncode == 1
    assert "consent was denied" in done.stderr
    assert "Traceback" not in done.stderr
    assert not fresh.tokens_file.exists()
    assert fresh.sb.count("token") == 0


def test_missing_client_id_is_a_configuration_error_with_exit_2(fresh: Cli) -> None:
    env = {k: v for k, v in fresh.env.items() if k != "ADFKIT_JIRA_CLIENT_ID"}
    for args in (["jira", "sites"], ["jira", "login", "--no-browser"]):
        done = fresh.run(*args, env=env)
        assert done.returncode == 2, done.stderr
        assert "missing client_id" in done.stderr
        assert "ADFKIT_JIRA_CLIENT_ID" in done.stderr
    assert fresh.sb.requests == []


def test_revoked_grant_tells_the_user_to_log_in_again(fresh: Cli) -> None:
    assert fresh.login("--site", "Acme").returncode == 0
    fresh.sb.revoke_all()
    done = fresh.run("jira", "fields", "PAY", "Bug")
    assert done.returncode == 1
    assert "run `adfkit jira login`" in done.stderr
    assert "Traceback" not in done.stderr


def test_stale_token_file_after_rotation_asks_for_login_without_a_traceback(fresh: Cli) -> None:
    assert fresh.login("--site", "Acme").returncode == 0
    stale = fresh.tokens_file.read_text()
    fresh.sb.expire_access_tokens()
    assert fresh.run("jira", "sites").returncode == 0  # refreshes: a rotation
    assert fresh.sb.count("token", grant_type="refresh_token", status=200) == 1
    fresh.tokens_file.write_text(stale)  # an old copy restored over the rotated file
    fresh.sb.clock.advance(fresh.sb.auth.refresh_leeway + 1)
    done = fresh.run("jira", "sites")
    assert done.returncode == 1
    assert "invalid_grant" in done.stderr
    assert "run `adfkit jira login`" in done.stderr
    assert "Traceback" not in done.stderr
