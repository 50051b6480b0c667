"""``JiraClient`` against the sandbox's injected faults, over real loopback HTTP.

Each test logs in through the real consent flow (the sandbox's ``approve`` plays the
browser), builds a client with ``from_oauth`` and an injected ``sleep`` that records the
waits instead of sleeping, queues faults on the sandbox and checks both what the client
does (waits, errors, results) and what the sandbox saw (its request log and its issues).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from adfkit.jira.client import JiraClient, reachable_sites
from adfkit.jira.config import OAuthApp
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    JiraApiError,
    ReauthorizationRequired,
    SiteError,
)
from adfkit.jira.login_flow import login
from adfkit.jira.retry import RetryPolicy
from adfkit.jira.sites import choose_site, save_site
from adfkit.jira.tokens import TokenStore
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri

ACME = "3f1c9e52-7a4b-4d1e-9c2a-acme00000001"
ALEX = "712020:5b1c-sandbox-alex"
BUG = {
    "project": "PAY",
    "issue_type": "Bug",
    "description": "Steps:\n\n1. pay",
    "components": ["Payments"],
    "fields": {"Severity": "S2 - Major"},
}


@dataclass
class World:
    sb: Sandbox
    app: OAuthApp
    store: TokenStore
    waits: list[float] = field(default_factory=list)

    def client(self, **options: Any) -> JiraClient:
        options.setdefault("sleep", self.waits.append)
        return JiraClient.from_oauth(self.app, store=self.store, **options)

    def secrets(self) -> list[str]:
        tokens = self.store.load()
        assert tokens is not None
        assert tokens.refresh_token is not None
        return [tokens.access_token, tokens.refresh_token, self.app.client_secret]


def logged_in(sb: Sandbox, directory: Path, redirect: str) -> World:
    app = OAuthApp(
        sb.client_id, sb.client_secret, redirect, auth_url=sb.base_url, api_url=sb.base_url
    )
    store = TokenStore(directory)
    result = login(app, store, opener=consenting_browser(), timeout=20)
    save_site(directory, choose_site(result.sites, "Acme"))
    return World(sb, app, store)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect]) as sb:
        yield logged_in(sb, tmp_path / "config", redirect)


# -- 429 and 503 -------------------------------------------------------------------------


def test_429_burst_waits_exactly_the_retry_after_seconds_then_succeeds(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=3, retry_after=2)
    with world.client() as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == [2.0, 2.0, 2.0]
    assert world.sb.count("myself", status=429) == 3
    assert world.sb.count("myself", status=200) == 1


def test_429_without_retry_after_backs_off_exponentially_with_jitter(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=3, retry_after=None)
    jitters = iter([0.0, 1.0, 0.5])
    with world.client(jitter=lambda: next(jitters)) as client:
        assert client.myself()["accountId"] == ALEX
    # base 1 s doubling, scaled by a jitter factor in [0.7, 1.3]
    assert world.waits == pytest.approx([0.7, 2 * 1.3, 4 * 1.0])
    assert world.sb.count("myself", status=429) == 3


def test_429_with_an_html_body_is_retried_like_a_json_one(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=2, retry_after=1, html=True)
    with world.client() as client:
        assert client.myself()["displayName"] == "Alex Example"
    assert world.waits == [1.0, 1.0]


def test_html_429_that_never_ends_gives_up_with_a_plain_message(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=5, retry_after=1, html=True)
    with world.client(max_retries=1) as client, pytest.raises(JiraApiError) as caught:
        client.myself()
    assert caught.value.status == 429
    assert "<" not in str(caught.value)  # no HTML page pasted into the message


def test_retry_after_zero_still_waits_a_little_instead_of_hammering(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=2, retry_after=0)
    with world.client(jitter=lambda: 0.5) as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == pytest.approx([0.5, 1.0])
    assert all(w > 0 for w in world.waits)


def test_503_with_retry_after_waits_the_header(world: World) -> None:
    world.sb.faults.unavailable("myself", count=2, retry_after=3)
    with world.client() as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == [3.0, 3.0]
    assert world.sb.count("myself", status=503) == 2


def test_503_without_retry_after_backs_off(world: World) -> None:
    world.sb.faults.unavailable("myself", count=2)
    with world.client(jitter=lambda: 0.5) as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == pytest.approx([1.0, 2.0])


def test_retry_after_above_max_wait_fails_at_once_instead_of_retrying_early(
    world: World,
) -> None:
    # Resent before Retry-After expires, the request would only fail again (section 5).
    world.sb.faults.rate_limit("myself", count=1, retry_after=120)
    with world.client(max_wait=5.0) as client, pytest.raises(JiraApiError) as caught:
        client.myself()
    assert str(caught.value) == "Jira asks to wait 120 s (more than max_wait 5 s); try again later"
    assert caught.value.status == 429
    assert world.waits == []
    assert world.sb.count("myself") == 1


def test_endless_429_gives_up_after_max_retries_with_a_clear_error(world: World) -> None:
    world.sb.faults.rate_limit("myself", count=50, retry_after=1)
    with world.client(max_retries=3) as client, pytest.raises(JiraApiError) as caught:
        client.myself()
    assert caught.value.status == 429
    assert "rate limited" in str(caught.value)
    assert "gave up after 4 attempts" in str(caught.value)
    assert world.waits == [1.0, 1.0, 1.0]
    assert world.sb.count("myself") == 4  # bounded: no fifth request


def test_endless_503_gives_up_with_an_unavailable_error(world: World) -> None:
    world.sb.faults.unavailable("myself", count=50)
    with (
        world.client(max_retries=2, jitter=lambda: 0.5) as client,
        pytest.raises(JiraApiError, match=r"unavailable \(HTTP 503\)"),
    ):
        client.myself()
    assert world.sb.count("myself") == 3


# -- slow answers and dropped connections ---------------------------------------------------


def test_slow_answer_within_the_timeout_succeeds_without_retry(world: World) -> None:
    world.sb.faults.slow("myself", delay=0.3)
    with world.client(timeout=5.0) as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == []
    assert world.sb.count("myself") == 1


def test_read_timeout_on_a_get_is_retried(world: World) -> None:
    world.sb.faults.slow("myself", delay=1.0)
    with world.client(timeout=0.3, jitter=lambda: 0.5) as client:
        assert client.myself()["accountId"] == ALEX
    assert world.waits == [1.0]
    # The slow request is logged when its (late) answer is written: wait for that.
    deadline = time.monotonic() + 5.0
    while world.sb.count("myself") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert world.sb.count("myself") == 2
    assert world.sb.count("myself", fault="slow") == 1
    assert world.sb.count("myself", fault=None, status=200) == 1


def test_connection_dropped_before_processing_a_get_is_retried_and_succeeds(
    world: World,
) -> None:
    world.sb.faults.drop_before("project")
    with world.client(jitter=lambda: 0.5) as client:
        assert client.project("PAY")["key"] == "PAY"
    assert world.sb.count("project", status=None, fault="drop_before") == 1
    assert world.sb.count("project", status=200) == 1
    assert len(world.waits) == 1


def test_create_dropped_after_processing_raises_outcome_unknown_and_never_duplicates(
    world: World,
) -> None:
    with world.client() as client:
        client.fields("PAY", "Bug")  # warm the createmeta cache so only the POST is faulted
        world.sb.faults.drop_after("create_issue")
        with pytest.raises(CreateOutcomeUnknown, match="may have been created"):
            client.create_issue(summary="Dropped after create", **BUG)  # type: ignore[arg-type]
    assert world.sb.count("create_issue") == 1  # not resent
    assert [i.fields["summary"] for i in world.sb.issues(project="PAY")] == ["Dropped after create"]


def test_create_dropped_before_processing_is_also_not_resent(world: World) -> None:
    # The client cannot tell "dropped before" from "dropped after" on the wire, so it must
    # treat both as unknown: resending here would duplicate in the other case.
    with world.client() as client:
        world.sb.faults.drop_before("create_issue")
        with pytest.raises(CreateOutcomeUnknown):
            client.create_issue(summary="Dropped before create", **BUG)  # type: ignore[arg-type]
    assert world.sb.count("create_issue") == 1
    assert world.sb.issues(project="PAY") == []


def test_429_on_create_is_retried_and_exactly_one_issue_exists(world: World) -> None:
    world.sb.faults.rate_limit("create_issue", count=2, retry_after=1)
    with world.client() as client:
        created = client.create_issue(summary="Rate limited create", **BUG)  # type: ignore[arg-type]
    assert world.waits == [1.0, 1.0]
    assert world.sb.count("create_issue", status=429) == 2
    assert world.sb.count("create_issue", status=201) == 1
    issues = world.sb.issues(project="PAY")
    assert [i.key for i in issues] == [created.key]


def test_create_after_a_503_without_retry_after_is_not_resent(world: World) -> None:
    # A bare 503 may come from a proxy after Jira created the issue: resending could
    # duplicate it, so the client stops and says the outcome is unknown.
    with world.client() as client:
        client.fields("PAY", "Bug")  # warm the createmeta cache so only the POST is faulted
        world.sb.faults.unavailable("create_issue")
        with pytest.raises(CreateOutcomeUnknown) as caught:
            client.create_issue(summary="Bare 503 create", **BUG)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "HTTP 503 without Retry-After" in message
    assert "may have been created" in message
    assert "check before retrying" in message
    assert world.waits == []
    assert world.sb.count("create_issue") == 1
    assert world.sb.count("create_issue", status=503) == 1
    assert world.sb.issues(project="PAY") == []  # here the sandbox did not create it


def test_503_with_retry_after_on_create_is_retried_once_and_creates_one_issue(
    world: World,
) -> None:
    world.sb.faults.unavailable("create_issue", retry_after=2)
    with world.client() as client:
        created = client.create_issue(summary="503 then created", **BUG)  # type: ignore[arg-type]
    assert world.waits == [2.0]
    assert world.sb.count("create_issue") == 2
    assert [i.key for i in world.sb.issues(project="PAY")] == [created.key]


# -- tokens and sites ---------------------------------------------------------------------


def test_sites_survive_a_429_on_accessible_resources(world: World) -> None:
    listed_at_login = world.sb.count("accessible_resources", status=200)
    world.sb.faults.rate_limit("accessible_resources", retry_after=1)
    sites = reachable_sites(world.app, world.store, retry=RetryPolicy(sleep=world.waits.append))
    assert [s.name for s in sites] == ["Acme", "Beta Labs"]
    assert world.waits == [1.0]
    assert world.sb.count("accessible_resources", status=429) == 1
    assert world.sb.count("accessible_resources", status=200) == listed_at_login + 1


def test_refresh_survives_a_bare_503_and_an_html_429_from_the_token_endpoint(
    world: World,
) -> None:
    world.sb.expire_access_tokens()
    world.sb.faults.unavailable("token")
    world.sb.faults.rate_limit("token", retry_after=None, html=True)
    with world.client(jitter=lambda: 0.5) as client:
        assert "customfield_10040" in {f.field_id for f in client.fields("PAY", "Bug")}
    assert world.waits == [1.0, 2.0]
    assert world.sb.count("token", grant_type="refresh_token", status=503) == 1
    assert world.sb.count("token", grant_type="refresh_token", status=429) == 1
    assert world.sb.count("token", grant_type="refresh_token", status=200) == 1


def test_expired_access_token_is_refreshed_once_and_the_call_succeeds(world: World) -> None:
    before = world.store.load()
    assert before is not None
    world.sb.expire_access_tokens()
    with world.client() as client:
        assert client.myself()["accountId"] == ALEX
        assert client.project("PAY")["key"] == "PAY"
    assert world.sb.count("token", grant_type="refresh_token") == 1
    assert world.sb.count("myself", status=401) == 1
    after = world.store.load()
    assert after is not None
    assert after.refresh_token != before.refresh_token  # the rotated token was persisted
    assert after.access_token != before.access_token


def test_revoked_grant_raises_reauthorization_required_naming_the_command(
    world: World,
) -> None:
    secrets = world.secrets()
    world.sb.revoke_all()
    with world.client() as client, pytest.raises(ReauthorizationRequired) as caught:
        client.myself()
    message = str(caught.value)
    assert "run `adfkit jira login`" in message
    assert not [s for s in secrets if s in message]
    assert world.sb.count("token", grant_type="refresh_token", status=403) == 1


def test_wrong_cloud_id_names_the_sites_the_token_still_reaches(world: World) -> None:
    world.sb.faults.wrong_cloud_id(ACME)
    with world.client() as client, pytest.raises(SiteError) as caught:
        client.myself()
    message = str(caught.value)
    assert ACME in message.splitlines()[0]
    reachable = message.split("sites this token reaches:", 1)[1]
    assert "Beta Labs" in reachable
    assert ACME not in reachable
    assert "adfkit jira login" in message


def test_stale_token_file_written_back_after_rotation_needs_a_new_login(
    tmp_path: Path,
) -> None:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect], refresh_leeway=5) as sb:
        world = logged_in(sb, tmp_path / "config", redirect)
        stale = tmp_path / "tokens.backup.json"
        shutil.copy2(world.store.path, stale)
        sb.expire_access_tokens()
        with world.client() as client:
            client.myself()  # rotates the refresh token
        assert sb.count("token", grant_type="refresh_token", status=200) == 1
        secrets = world.secrets()
        shutil.copy2(stale, world.store.path)  # e.g. a backup restored over the live file
        sb.clock.advance(10)  # beyond the reuse leeway
        with world.client() as client, pytest.raises(ReauthorizationRequired) as caught:
            client.myself()
    message = str(caught.value)
    assert "invalid_grant" in message
    assert "run `adfkit jira login`" in message
    assert not [s for s in secrets if s in message]
    assert sb.count("token", grant_type="refresh_token", status=403) == 1


def test_lost_refresh_answer_fails_clearly_and_the_next_call_recovers(world: World) -> None:
    # The sandbox rotated the refresh token but the answer never arrived; the stored
    # (now used) refresh token still works inside the reuse leeway.
    world.sb.expire_access_tokens()
    world.sb.faults.drop_after("token")
    with world.client() as client:
        with pytest.raises(AuthError, match="cannot reach the token endpoint") as caught:
            client.myself()
        assert not [s for s in world.secrets() if s in str(caught.value)]
        assert client.myself()["accountId"] == ALEX
    assert world.sb.count("token", grant_type="refresh_token", status=None) == 1
    assert world.sb.count("token", grant_type="refresh_token", status=200) == 1
