"""Fault injection over real loopback HTTP: 429 and 503 variants, slow answers, dropped
connections before and after the handler ran, expired and revoked tokens, a vanished
cloud id; plus the request log (counts, no secrets in it)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from adfkit.sandbox import Fault, Sandbox

from .sandbox_steps import (
    ACME,
    BETA,
    SITE_GONE,
    bearer,
    gateway_get,
    gateway_post,
    login,
    pay_bug,
    refresh,
)


def test_rate_limit_with_retry_after_hits_count_requests_then_clears(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.rate_limit("myself", count=2, retry_after=3)
    for _ in range(2):
        response = gateway_get(jira_sandbox, token, "myself")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.headers["RateLimit-Reason"] == "jira-burst-based"
        reset = dt.datetime.strptime(response.headers["X-RateLimit-Reset"], "%Y-%m-%dT%H:%M:%SZ")
        assert reset.year >= 2024
        assert response.headers["content-type"] == "application/json"
    assert gateway_get(jira_sandbox, token, "myself").status_code == 200
    # Other endpoints were never affected.
    assert jira_sandbox.count("myself", status=429) == 2
    assert jira_sandbox.count("myself", fault="rate_limit") == 2


def test_rate_limit_variants_zero_none_and_html(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.rate_limit("project", retry_after=0)
    jira_sandbox.faults.rate_limit("project", retry_after=None)
    jira_sandbox.faults.rate_limit("project", html=True, reason="jira-quota-tenant-based")
    zero = gateway_get(jira_sandbox, token, "project/PAY")
    assert (zero.status_code, zero.headers["Retry-After"]) == (429, "0")
    none = gateway_get(jira_sandbox, token, "project/PAY")
    assert none.status_code == 429
    assert "Retry-After" not in none.headers
    page = gateway_get(jira_sandbox, token, "project/PAY")
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["RateLimit-Reason"] == "jira-quota-tenant-based"
    assert "Oops - an error has occurred" in page.text
    assert gateway_get(jira_sandbox, token, "project/PAY").status_code == 200


def test_unavailable_with_and_without_retry_after(jira_sandbox: Sandbox) -> None:
    jira_sandbox.faults.unavailable("token", retry_after=2)
    jira_sandbox.faults.unavailable("token")
    first = refresh(jira_sandbox, "whatever")
    assert (first.status_code, first.headers["Retry-After"]) == (503, "2")
    second = refresh(jira_sandbox, "whatever")
    assert second.status_code == 503
    assert "Retry-After" not in second.headers
    assert refresh(jira_sandbox, "whatever").status_code == 403  # back to the real answer


def test_a_global_fault_hits_any_endpoint_and_named_faults_go_first(jira_sandbox: Sandbox) -> None:
    jira_sandbox.faults.rate_limit("*", count=1, retry_after=7)
    jira_sandbox.faults.unavailable("authorize")
    assert httpx.get(jira_sandbox.authorize_url()).status_code == 503
    hit = httpx.get(jira_sandbox.authorize_url())
    assert (hit.status_code, hit.headers["Retry-After"]) == (429, "7")
    assert httpx.get(jira_sandbox.authorize_url()).status_code == 200
    assert jira_sandbox.faults.pending() == []


def test_slow_faults_delay_but_answer(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.slow("myself", delay=0.6)
    started = time.monotonic()
    response = gateway_get(jira_sandbox, token, "myself")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.6
    jira_sandbox.faults.slow("myself", delay=1.0)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(
            f"{jira_sandbox.api_url}/ex/jira/{ACME}/rest/api/3/myself",
            headers=bearer(token),
            timeout=0.2,
        )


def test_drop_before_closes_without_running_the_request(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.drop_before("create_issue")
    with pytest.raises(httpx.RemoteProtocolError):
        gateway_post(jira_sandbox, token, "issue", pay_bug())
    assert jira_sandbox.issues() == []
    assert jira_sandbox.count("create_issue", status=None, fault="drop_before") == 1
    assert gateway_post(jira_sandbox, token, "issue", pay_bug()).json()["key"] == "PAY-1"


def test_drop_after_runs_the_request_then_closes_without_an_answer(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.drop_after("create_issue")
    with pytest.raises(httpx.RemoteProtocolError):
        gateway_post(jira_sandbox, token, "issue", pay_bug())
    # The issue exists although the client never heard about it: a blind retry duplicates it.
    assert [i.key for i in jira_sandbox.issues()] == ["PAY-1"]
    assert gateway_post(jira_sandbox, token, "issue", pay_bug()).json()["key"] == "PAY-2"


def test_drop_after_on_token_rotates_the_refresh_token_unseen(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    jira_sandbox.faults.drop_after("token")
    with pytest.raises(httpx.RemoteProtocolError):
        refresh(jira_sandbox, first.refresh)
    # The lost rotation is recoverable inside the leeway, and not after it.
    assert refresh(jira_sandbox, first.refresh).status_code == 200
    jira_sandbox.clock.advance(601)
    assert refresh(jira_sandbox, first.refresh).status_code == 403


def test_expire_access_tokens_now(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    assert jira_sandbox.expire_access_tokens() == 1
    assert gateway_get(jira_sandbox, tokens.access, "myself").json() == {
        "code": 401,
        "message": "Unauthorized",
    }
    renewed = refresh(jira_sandbox, tokens.refresh).json()["access_token"]
    assert gateway_get(jira_sandbox, renewed, "myself").status_code == 200


def test_revoke_grant_of_one_user(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    assert jira_sandbox.faults.revoke_grant("712020:sandbox-sam") == 0
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 200
    assert jira_sandbox.faults.revoke_grant("712020:5b1c-sandbox-alex") == 1
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 401
    assert refresh(jira_sandbox, tokens.refresh).json()["error"] == "invalid_grant"


def test_wrong_cloud_id_makes_a_site_vanish(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    jira_sandbox.faults.wrong_cloud_id(ACME)
    gone = gateway_get(jira_sandbox, token, "myself")
    assert gone.status_code == 404
    assert gone.json() == {"errorMessage": "Site temporarily unavailable", "errorCode": "OTHER"}
    resources = httpx.get(
        f"{jira_sandbox.api_url}/oauth/token/accessible-resources", headers=bearer(token)
    ).json()
    assert [r["id"] for r in resources] == [BETA]
    assert gateway_get(jira_sandbox, token, "myself", cloud_id=BETA).status_code == 200
    jira_sandbox.faults.clear()
    assert gateway_get(jira_sandbox, token, "myself").status_code == 200


def test_wrong_cloud_id_answers_the_status_and_body_it_was_given(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    answer = jira_sandbox.faults.wrong_cloud_id(
        ACME, status=403, body={"code": 403, "message": "Forbidden"}
    )
    assert (answer.status, answer.body) == (403, {"code": 403, "message": "Forbidden"})
    gone = gateway_get(jira_sandbox, token, "myself")
    assert (gone.status_code, gone.json()) == (403, {"code": 403, "message": "Forbidden"})
    # The site host of a hidden site answers the same.
    basic = base64.b64encode(b"alex@example.com:sandbox-api-token").decode()
    on_site = httpx.get(
        f"{jira_sandbox.site_url('acme')}/rest/api/3/myself",
        headers={"Authorization": f"Basic {basic}"},
    )
    assert (on_site.status_code, on_site.json()) == (403, {"code": 403, "message": "Forbidden"})


def test_the_answer_for_unknown_cloud_ids_is_configurable_per_sandbox(
    jira_sandbox_factory: Callable[..., Sandbox],
) -> None:
    not_found = {"code": 404, "message": "Not Found"}
    sb = jira_sandbox_factory(unknown_cloud_id_body=not_found)
    token = login(sb).access
    unknown = gateway_get(sb, token, "myself", cloud_id="no-such-cloud-id")
    assert (unknown.status_code, unknown.json()) == (404, not_found)
    sb.faults.wrong_cloud_id(BETA)  # no answer of its own: the sandbox-wide one
    assert gateway_get(sb, token, "myself", cloud_id=BETA).json() == not_found
    sb.faults.unknown_cloud_id(status=403)
    forbidden = gateway_get(sb, token, "myself", cloud_id="no-such-cloud-id")
    assert (forbidden.status_code, forbidden.json()) == (403, SITE_GONE)
    sb.faults.clear()
    assert gateway_get(sb, token, "myself", cloud_id="no-such-cloud-id").json() == not_found


def test_the_documented_site_gone_example_prints_what_its_comment_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "sandbox.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "unknown_cloud_id" in b]
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/sandbox.md", "exec"), {})
    assert capsys.readouterr().out == "403 {'code': 404, 'message': 'Not Found'}\n"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [(200, None, "400-599"), (True, None, "integer"), (404, "Not Found", "object or array")],
)
def test_a_site_gone_answer_must_be_an_error_with_a_json_body(
    status: Any, body: Any, message: str
) -> None:
    with Sandbox() as sb:
        with pytest.raises(ValueError, match=message):
            sb.faults.wrong_cloud_id(ACME, status=status, body=body)
        with pytest.raises(ValueError, match=message):
            sb.faults.unknown_cloud_id(status=status, body=body)
        assert sb.faults.hidden_cloud_ids == set()
    with pytest.raises(ValueError, match=message):
        Sandbox(unknown_cloud_id_status=status, unknown_cloud_id_body=body)


def test_faults_are_checked_when_added() -> None:
    with Sandbox() as sb:
        with pytest.raises(ValueError, match="unknown endpoint 'myslef'"):
            sb.faults.rate_limit("myslef")
        with pytest.raises(ValueError, match="unknown fault kind"):
            sb.faults.add(Fault("myself", "explode"))
        with pytest.raises(ValueError, match="count must be at least 1"):
            sb.faults.unavailable("myself", count=0)


def test_the_request_log_counts_and_holds_no_secrets(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    assert tokens.refresh is not None
    new = refresh(jira_sandbox, tokens.refresh).json()
    gateway_get(jira_sandbox, new["access_token"], "myself")
    assert jira_sandbox.count("token") == 2
    assert jira_sandbox.count("token", grant_type="authorization_code") == 1
    assert jira_sandbox.count("token", grant_type="refresh_token", status=200) == 1
    assert jira_sandbox.count("authorize") == 2  # the page and the decision
    assert jira_sandbox.count() == len(jira_sandbox.requests) == 5
    dumped = (
        repr(jira_sandbox.requests)
        + repr(jira_sandbox)
        + repr(jira_sandbox.auth)
        + repr(jira_sandbox.world)
    )
    for secret in (
        tokens.access,
        tokens.refresh,
        new["access_token"],
        new["refresh_token"],
        jira_sandbox.client_secret,
        "sandbox-api-token",
    ):
        assert secret not in dumped
    assert all("?" not in r.path for r in jira_sandbox.requests)


def test_a_crashing_handler_answers_500_instead_of_dropping_the_socket(
    jira_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    token = login(jira_sandbox).access

    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(jira_sandbox.api, "handle", broken)
    response = gateway_get(jira_sandbox, token, "myself")
    assert response.status_code == 500
    assert response.json() == {"errorMessages": ["Sandbox error in myself"], "errors": {}}
    assert "myself failed: KeyError" in capfd.readouterr().err
    assert jira_sandbox.count("myself", status=500) == 1
