"""The control API under ``/_sandbox/`` over real loopback HTTP: queueing, listing and
clearing faults, the state faults, the clock, the request log and the issues; its
validation errors; that it leaks no secret; and ``adfkit jira sandbox --fault`` run as a
real process and observed over HTTP."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from adfkit.sandbox import Sandbox, approve
from adfkit.sandbox.control import ControlError, parse_fault_spec

from .sandbox_steps import (
    ACME,
    ALEX,
    BETA,
    SAM,
    SITE_GONE,
    gateway_get,
    gateway_post,
    login,
    pay_bug,
    refresh,
)

BUG = pay_bug(summary="Refund button does nothing")

ROOT = Path(__file__).resolve().parents[2]


def control(sb: Sandbox | str) -> str:
    base = sb if isinstance(sb, str) else sb.base_url
    return f"{base}/_sandbox"


def test_a_posted_fault_is_queued_and_hits_the_next_count_requests(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    spec = {"endpoint": "create_issue", "kind": "rate_limit", "count": 2, "retry_after": 2}
    queued = httpx.post(f"{control(jira_sandbox)}/faults", json={**spec, "html": False})
    assert queued.status_code == 201
    assert queued.json() == {
        **spec,
        "html": False,
        "delay": 0.0,
        "reason": "jira-burst-based",
    }
    for _ in range(2):
        limited = gateway_post(jira_sandbox, token, "issue", BUG)
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    assert gateway_post(jira_sandbox, token, "issue", BUG).json()["key"] == "PAY-1"
    assert jira_sandbox.count("create_issue", fault="rate_limit") == 2


def test_fault_defaults_follow_the_python_api(jira_sandbox: Sandbox) -> None:
    url = f"{control(jira_sandbox)}/faults"
    rate = httpx.post(url, json={"kind": "rate_limit"}).json()
    assert (rate["endpoint"], rate["count"], rate["retry_after"]) == ("*", 1, 1)
    assert httpx.post(url, json={"kind": "unavailable"}).json()["retry_after"] is None
    assert httpx.post(url, json={"kind": "rate_limit", "retry_after": None}).json()[
        "retry_after"
    ] is None  # fmt: skip
    assert httpx.post(url, json={"kind": "slow", "endpoint": "myself"}).json()["delay"] == 1.0
    assert [f.kind for f in jira_sandbox.faults.pending()] == [
        "rate_limit",
        "unavailable",
        "rate_limit",
        "slow",
    ]


def test_an_html_rate_limit_and_a_503_queued_over_http_answer_as_queued(
    jira_sandbox: Sandbox,
) -> None:
    url = f"{control(jira_sandbox)}/faults"
    httpx.post(url, json={"endpoint": "authorize", "kind": "rate_limit", "html": True})
    httpx.post(url, json={"endpoint": "authorize", "kind": "unavailable", "retry_after": 5})
    page = httpx.get(jira_sandbox.authorize_url())
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    busy = httpx.get(jira_sandbox.authorize_url())
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "5")
    assert httpx.get(jira_sandbox.authorize_url()).status_code == 200


@pytest.mark.parametrize(
    ("body", "key", "allowed_member"),
    [
        ({"endpoint": "create_isue", "kind": "rate_limit"}, "endpoint", "create_issue"),
        ({"endpoint": "myself", "kind": "explode"}, "kind", "drop_after"),
        ({"endpoint": "myself"}, "kind", "rate_limit"),
        ({"kind": "slow", "colour": "red"}, "colour", "delay"),
        ({"kind": "rate_limit", "count": 0}, "count", None),
        ({"kind": "rate_limit", "count": True}, "count", None),
        ({"kind": "rate_limit", "retry_after": "2"}, "retry_after", None),
        ({"kind": "rate_limit", "retry_after": -1}, "retry_after", None),
        ({"kind": "drop_before", "retry_after": 3}, "retry_after", None),
        ({"kind": "rate_limit", "html": "yes"}, "html", "true"),
        ({"kind": "slow", "delay": -0.5}, "delay", None),
        ([{"kind": "slow"}], None, "kind"),
    ],
    ids=[
        "endpoint",
        "kind",
        "missing-kind",
        "unknown-key",
        "count-zero",
        "count-bool",
        "retry-after-string",
        "retry-after-negative",
        "retry-after-on-drop",
        "html",
        "delay",
        "not-an-object",
    ],
)
def test_bad_fault_input_is_a_400_naming_the_key_and_nothing_is_queued(
    jira_sandbox: Sandbox, body: Any, key: str | None, allowed_member: str | None
) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/faults", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["key"] == key
    assert error["error"]
    if allowed_member is not None:
        assert allowed_member in error["allowed"]
    assert jira_sandbox.faults.pending() == []


JSON = {"Content-Type": "application/json"}


def test_a_body_that_is_not_json_is_a_400_not_a_crash(jira_sandbox: Sandbox) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/faults", content=b"kind=slow", headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "the body is not valid JSON"


def test_get_lists_pending_faults_with_remaining_counts_and_delete_clears_them(
    jira_sandbox: Sandbox,
) -> None:
    url = f"{control(jira_sandbox)}/faults"
    httpx.post(url, json={"endpoint": "browse", "kind": "unavailable", "count": 3})
    browse = f"{jira_sandbox.site_url('acme')}/browse/PAY-1"
    assert httpx.get(browse).status_code == 503
    pending = httpx.get(url).json()
    assert [(f["endpoint"], f["kind"], f["count"]) for f in pending["faults"]] == [
        ("browse", "unavailable", 2)
    ]
    assert pending["hidden_cloud_ids"] == []
    assert httpx.request("DELETE", url, headers=JSON).json() == {"cleared": 1}
    assert httpx.get(url).json()["faults"] == []
    assert httpx.get(browse).status_code == 404  # the real answer: there is no PAY-1


def test_control_calls_are_neither_faulted_nor_logged(jira_sandbox: Sandbox) -> None:
    url = f"{control(jira_sandbox)}/faults"
    httpx.post(url, json={"endpoint": "*", "kind": "drop_before", "count": 5})
    for _ in range(3):
        assert httpx.get(url).status_code == 200
    assert httpx.get(f"{control(jira_sandbox)}/requests").json() == {"requests": []}
    assert jira_sandbox.faults.pending()[0].count == 5
    assert jira_sandbox.requests == []


def test_expire_access_tokens_over_http_needs_a_refresh(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    answer = httpx.post(f"{control(jira_sandbox)}/expire-access-tokens", headers=JSON)
    assert answer.json() == {"expired": 1}
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 401
    renewed = refresh(jira_sandbox, tokens.refresh)
    assert renewed.status_code == 200
    assert gateway_get(jira_sandbox, renewed.json()["access_token"], "myself").status_code == 200


def test_revoke_over_http_ends_only_the_named_users_grant(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    url = f"{control(jira_sandbox)}/revoke"
    assert httpx.post(url, json={"account_id": SAM}).json() == {"revoked": 0}
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 200
    assert httpx.post(url, json={"account_id": ALEX}).json() == {"revoked": 1}
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 401
    assert refresh(jira_sandbox, tokens.refresh).status_code == 403


def test_revoke_without_a_body_ends_every_grant(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    assert httpx.post(f"{control(jira_sandbox)}/revoke", json={}).json() == {"revoked": 1}
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 401


def test_revoke_of_an_unknown_account_is_a_400_listing_the_users(jira_sandbox: Sandbox) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/revoke", json={"account_id": "nobody"})
    assert response.status_code == 400
    assert response.json()["key"] == "account_id"
    assert set(response.json()["allowed"]) == {u.account_id for u in jira_sandbox.world.users}
    assert {ALEX, SAM} <= set(response.json()["allowed"])


def test_wrong_cloud_id_over_http_hides_the_site_until_faults_are_cleared(
    jira_sandbox: Sandbox,
) -> None:
    token = login(jira_sandbox).access
    url = control(jira_sandbox)
    hidden = httpx.post(f"{url}/wrong-cloud-id", json={"cloud_id": BETA})
    assert hidden.json() == {
        "hidden_cloud_ids": [BETA],
        "answer": {"status": 404, "body": SITE_GONE},
    }
    gone = gateway_get(jira_sandbox, token, "myself", cloud_id=BETA)
    assert (gone.status_code, gone.json()["errorMessage"]) == (404, "Site temporarily unavailable")
    assert gateway_get(jira_sandbox, token, "myself", cloud_id=ACME).status_code == 200
    assert httpx.get(f"{url}/faults").json()["hidden_cloud_ids"] == [BETA]
    httpx.request("DELETE", f"{url}/faults", headers=JSON)
    assert gateway_get(jira_sandbox, token, "myself", cloud_id=BETA).status_code == 200


@pytest.mark.parametrize("body", [{"cloud_id": "not-a-site"}, {}, {"site": BETA}])
def test_wrong_cloud_id_needs_a_known_cloud_id(jira_sandbox: Sandbox, body: Any) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/wrong-cloud-id", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["key"] == ("site" if "site" in body else "cloud_id")
    assert (ACME in error["allowed"]) != ("site" in body)
    assert jira_sandbox.faults.hidden_cloud_ids == set()


def test_wrong_cloud_id_over_http_can_answer_a_chosen_status_and_body(
    jira_sandbox: Sandbox,
) -> None:
    token = login(jira_sandbox).access
    url = control(jira_sandbox)
    not_found = {"code": 404, "message": "Not Found"}
    set_ = httpx.post(f"{url}/wrong-cloud-id", json={"cloud_id": BETA, "body": not_found})
    assert set_.json()["answer"] == {"status": 404, "body": not_found}
    gone = gateway_get(jira_sandbox, token, "myself", cloud_id=BETA)
    assert (gone.status_code, gone.json()) == (404, not_found)
    httpx.post(f"{url}/wrong-cloud-id", json={"cloud_id": ACME, "status": 403})
    forbidden = gateway_get(jira_sandbox, token, "myself", cloud_id=ACME)
    assert (forbidden.status_code, forbidden.json()) == (403, SITE_GONE)


def test_wrong_cloud_id_without_a_cloud_id_sets_the_answer_for_unknown_ones(
    jira_sandbox: Sandbox,
) -> None:
    token = login(jira_sandbox).access
    url = control(jira_sandbox)
    unknown = "00000000-0000-0000-0000-000000000000"
    assert gateway_get(jira_sandbox, token, "myself", cloud_id=unknown).json() == SITE_GONE
    forbidden = {"code": 403, "message": "Forbidden"}
    answer = httpx.post(f"{url}/wrong-cloud-id", json={"status": 403, "body": forbidden})
    assert answer.json() == {"unknown_cloud_id": {"status": 403, "body": forbidden}}
    gone = gateway_get(jira_sandbox, token, "myself", cloud_id=unknown)
    assert (gone.status_code, gone.json()) == (403, forbidden)
    assert httpx.get(f"{url}/faults").json()["unknown_cloud_id"]["status"] == 403
    httpx.request(
        "DELETE", f"{url}/faults", headers=JSON
    )  # clearing restores the answer the sandbox started with
    back = gateway_get(jira_sandbox, token, "myself", cloud_id=unknown)
    assert (back.status_code, back.json()) == (404, SITE_GONE)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"cloud_id": BETA, "status": 200}, "status"),
        ({"status": "404"}, "status"),
        ({"status": True}, "status"),
        ({"cloud_id": BETA, "body": "Not Found"}, "body"),
    ],
)
def test_wrong_cloud_id_refuses_a_status_or_body_that_is_no_error_answer(
    jira_sandbox: Sandbox, body: Any, key: str
) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/wrong-cloud-id", json=body)
    assert (response.status_code, response.json()["key"]) == (400, key)
    assert jira_sandbox.faults.hidden_cloud_ids == set()
    assert jira_sandbox.faults.site_gone_answer().status == 404


def test_advancing_the_clock_over_http_expires_access_tokens(
    jira_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = jira_sandbox_factory(access_token_lifetime=60)
    token = login(sb).access
    first = httpx.post(f"{control(sb)}/clock", json={"advance": 30})
    assert first.json() == {"offset": 30.0}
    assert gateway_get(sb, token, "myself").status_code == 200
    assert httpx.post(f"{control(sb)}/clock", json={"advance": 31}).json() == {"offset": 61.0}
    assert gateway_get(sb, token, "myself").status_code == 401


@pytest.mark.parametrize("body", [{"advance": -5}, {"advance": "10"}, {}, {"by": 3}])
def test_the_clock_only_moves_forward_by_a_number(jira_sandbox: Sandbox, body: Any) -> None:
    response = httpx.post(f"{control(jira_sandbox)}/clock", json=body)
    assert response.status_code == 400
    assert response.json()["key"] == ("by" if "by" in body else "advance")
    assert jira_sandbox.clock.offset == 0.0


def test_the_request_log_over_http_matches_the_traffic(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    gateway_post(jira_sandbox, token, "issue", BUG)
    gateway_post(jira_sandbox, token, "issue", {"fields": {}})
    log = httpx.get(f"{control(jira_sandbox)}/requests").json()["requests"]
    assert [r["endpoint"] for r in log] == [
        "authorize",
        "authorize",
        "token",
        "create_issue",
        "create_issue",
    ]
    assert log[2]["grant_type"] == "authorization_code"
    created = httpx.get(f"{control(jira_sandbox)}/requests", params={"endpoint": "create_issue"})
    assert created.json()["requests"] == [
        {
            "method": "POST",
            "path": f"/ex/jira/{ACME}/rest/api/3/issue",
            "endpoint": "create_issue",
            "status": status,
            "grant_type": None,
            "fault": None,
        }
        for status in (201, 400)
    ]


def test_issues_over_http_by_site_and_project(jira_sandbox: Sandbox) -> None:
    token = login(jira_sandbox).access
    assert gateway_post(jira_sandbox, token, "issue", BUG).status_code == 201
    url = f"{control(jira_sandbox)}/issues"
    pay = httpx.get(url, params={"site": "acme", "project": "PAY"}).json()["issues"]
    assert [(i["key"], i["project"]) for i in pay] == [("PAY-1", "PAY")]
    assert pay[0]["fields"]["summary"] == "Refund button does nothing"
    assert pay[0]["browse"] == f"{jira_sandbox.site_url('acme')}/browse/PAY-1"
    assert httpx.get(pay[0]["browse"]).status_code == 200
    assert httpx.get(url).json()["issues"][0]["key"] == "PAY-1"  # site defaults to acme
    assert httpx.get(url, params={"site": ACME}).json()["issues"][0]["key"] == "PAY-1"
    assert httpx.get(url, params={"project": "WEB"}).json() == {"issues": []}
    assert httpx.get(url, params={"site": "beta-labs"}).json() == {"issues": []}
    missing = httpx.get(url, params={"site": "gamma"})
    assert missing.status_code == 400
    assert missing.json()["key"] == "site"
    assert missing.json()["allowed"] == ["acme", "beta-labs"]


def test_no_control_answer_contains_a_token_code_or_secret(jira_sandbox: Sandbox) -> None:
    location = approve(jira_sandbox.authorize_url())
    code = parse_qs(urlsplit(location).query)["code"][0]
    tokens = httpx.post(
        f"{jira_sandbox.auth_url}/oauth/token",
        json={
            "grant_type": "authorization_code",
            "client_id": jira_sandbox.client_id,
            "client_secret": jira_sandbox.client_secret,
            "code": code,
            "redirect_uri": jira_sandbox.redirect_uris[0],
        },
    ).json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    httpx.post(f"{jira_sandbox.api_url}/ex/jira/{ACME}/rest/api/3/issue", headers=auth, json=BUG)
    refreshed = refresh(jira_sandbox, tokens["refresh_token"]).json()
    secrets = [
        code,
        tokens["access_token"],
        tokens["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        jira_sandbox.client_secret,
        "sandbox-api-token",
    ]
    url = control(jira_sandbox)
    answers = [
        httpx.get(f"{url}/"),
        httpx.get(f"{url}/requests"),
        httpx.get(f"{url}/issues"),
        httpx.get(f"{url}/faults"),
        httpx.post(f"{url}/faults", json={"kind": "slow", "delay": 0}),
        httpx.post(f"{url}/expire-access-tokens", json={}),
        httpx.post(f"{url}/revoke", json={}),
        httpx.post(f"{url}/clock", json={"advance": 1}),
        httpx.get(f"{url}/nowhere"),
    ]
    assert len(httpx.get(f"{url}/requests").json()["requests"]) == 5
    for answer in answers:
        assert answer.status_code in (200, 201, 404), answer.text
        for secret in secrets:
            assert secret not in answer.text
            assert all(secret not in value for value in answer.headers.values())


def test_unknown_control_paths_are_404_and_wrong_methods_405(jira_sandbox: Sandbox) -> None:
    url = control(jira_sandbox)
    missing = httpx.get(f"{url}/tokens")
    assert missing.status_code == 404
    assert "GET /_sandbox/requests" in missing.json()["allowed"]
    wrong = httpx.put(f"{url}/faults", json={})
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "POST, GET, DELETE"
    assert httpx.get(f"{url}/clock").status_code == 405
    index = httpx.get(url)
    assert index.status_code == 200
    assert "POST /_sandbox/faults" in index.json()["routes"]


def test_the_reserved_prefix_never_reaches_atlassian_routes(jira_sandbox: Sandbox) -> None:
    # A path that would be an Atlassian route without the prefix stays in the control API.
    response = httpx.get(f"{control(jira_sandbox)}/oauth/token/accessible-resources")
    assert response.status_code == 404
    assert response.json()["error"] == "no control route /_sandbox/oauth/token/accessible-resources"
    # ...while a path merely starting with the same letters is not the control API.
    lookalike = httpx.get(f"{jira_sandbox.base_url}/_sandboxes")
    assert lookalike.status_code == 404
    assert "errorMessages" in lookalike.json()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("create_issue:rate_limit", ("create_issue", "rate_limit", 1, 1, 0.0)),
        ("create_issue:rate_limit:2:0", ("create_issue", "rate_limit", 2, 0, 0.0)),
        ("*:unavailable:3", ("*", "unavailable", 3, None, 0.0)),
        ("token:unavailable:1:4", ("token", "unavailable", 1, 4, 0.0)),
        ("myself:slow:2:0.25", ("myself", "slow", 2, None, 0.25)),
        ("get_issue:drop_after", ("get_issue", "drop_after", 1, None, 0.0)),
    ],
)
def test_fault_specs_parse_like_the_json_body(
    spec: str, expected: tuple[str, str, int, int | None, float]
) -> None:
    fault = parse_fault_spec(spec)
    assert (fault.endpoint, fault.kind, fault.count, fault.retry_after, fault.delay) == expected


@pytest.mark.parametrize(
    "spec",
    ["create_issue", "create_issue:rate_limit:1:2:3", "create_issue:rate_limit:two",
     "create_issue:rate_limit:0", "create_issue:drop_before:1:5", "nowhere:slow"],
)  # fmt: skip
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ControlError):
        parse_fault_spec(spec)


# ---- the command line, as a real process ------------------------------------------------


@pytest.fixture
def sandbox_process() -> Iterator[Callable[..., tuple[str, list[str]]]]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[str, list[str]]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "adfkit.sandbox", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        procs.append(proc)
        assert proc.stdout is not None
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        match = re.match(r"Jira sandbox listening on (http://127\.0\.0\.1:\d+)$", lines[0])
        assert match, lines
        return match.group(1), lines

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        assert proc.returncode == 0


def _login_over_http(base: str) -> str:
    query = urlencode(
        {
            "audience": "api.atlassian.com",
            "client_id": "sandbox-client-id",
            "scope": "read:jira-work write:jira-work read:jira-user",
            "redirect_uri": "http://127.0.0.1:8765/callback",
            "state": "s",
            "response_type": "code",
            "prompt": "consent",
        }
    )
    code = parse_qs(urlsplit(approve(f"{base}/authorize?{query}")).query)["code"][0]
    tokens = httpx.post(
        f"{base}/oauth/token",
        json={
            "grant_type": "authorization_code",
            "client_id": "sandbox-client-id",
            "client_secret": "sandbox-client-secret",
            "code": code,
            "redirect_uri": "http://127.0.0.1:8765/callback",
        },
    )
    assert tokens.status_code == 200, tokens.text
    return str(tokens.json()["access_token"])


def test_cli_fault_option_queues_faults_seen_over_http(
    sandbox_process: Callable[..., tuple[str, list[str]]],
) -> None:
    base, lines = sandbox_process(
        "--fault", "create_issue:rate_limit:2:1", "--fault", "myself:unavailable"
    )
    text = "\n".join(lines)
    assert f"control API:   {base}/_sandbox/" in text
    assert "queued fault:  rate_limit on create_issue for 2 request(s), Retry-After 1" in text
    assert "queued fault:  unavailable on myself for 1 request(s)" in text
    pending = httpx.get(f"{base}/_sandbox/faults").json()["faults"]
    assert [(f["endpoint"], f["kind"], f["count"], f["retry_after"]) for f in pending] == [
        ("create_issue", "rate_limit", 2, 1),
        ("myself", "unavailable", 1, None),
    ]
    auth = {"Authorization": f"Bearer {_login_over_http(base)}"}
    api = f"{base}/ex/jira/{ACME}/rest/api/3"
    statuses = []
    for _ in range(3):
        answer = httpx.post(f"{api}/issue", headers=auth, json=BUG)
        statuses.append((answer.status_code, answer.headers.get("Retry-After")))
    assert statuses == [(429, "1"), (429, "1"), (201, None)]
    assert httpx.get(f"{api}/myself", headers=auth).status_code == 503
    assert httpx.get(f"{api}/myself", headers=auth).status_code == 200
    log = httpx.get(f"{base}/_sandbox/requests", params={"endpoint": "create_issue"}).json()
    assert [(r["status"], r["fault"]) for r in log["requests"]] == [
        (429, "rate_limit"),
        (429, "rate_limit"),
        (201, None),
    ]
    issues = httpx.get(f"{base}/_sandbox/issues", params={"project": "PAY"}).json()["issues"]
    assert [i["key"] for i in issues] == ["PAY-1"]


def test_cli_faults_can_be_steered_over_http_after_start(
    sandbox_process: Callable[..., tuple[str, list[str]]],
) -> None:
    base, _ = sandbox_process()
    token = _login_over_http(base)
    myself = f"{base}/ex/jira/{ACME}/rest/api/3/myself"
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(myself, headers=auth).status_code == 200
    assert httpx.post(f"{base}/_sandbox/expire-access-tokens", json={}).json() == {"expired": 1}
    assert httpx.get(myself, headers=auth).status_code == 401


def test_cli_refuses_a_bad_fault_spec_before_starting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adfkit.sandbox", "--fault", "create_issue:explode"],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert "unknown fault kind 'explode'" in result.stderr
    assert "rate_limit" in result.stderr  # the allowed kinds are named
    assert "Traceback" not in result.stderr
    assert "listening" not in result.stdout


# ---- what a web page in a browser on the same machine must not be able to do ------------


def test_a_foreign_host_header_is_refused_so_dns_rebinding_reads_nothing(
    jira_sandbox: Sandbox,
) -> None:
    jira_sandbox.faults.slow("myself", delay=0.0)
    url = f"{control(jira_sandbox)}/faults"
    # A rebinding page's requests reach 127.0.0.1 but carry the attacker's host name.
    for host in ("evil.example", f"evil.example:{jira_sandbox.port}", "127.0.0.1:1"):
        read = httpx.get(url, headers={"Host": host})
        assert read.status_code == 403, host
        assert read.json()["key"] == "Host"
        assert "faults" not in read.json()  # nothing of the state leaks
        change = httpx.post(url, json={"kind": "rate_limit"}, headers={"Host": host})
        assert change.status_code == 403
    assert len(jira_sandbox.faults.pending()) == 1  # only the fault queued in Python
    for host in (f"127.0.0.1:{jira_sandbox.port}", f"localhost:{jira_sandbox.port}"):
        assert httpx.get(url, headers={"Host": host}).status_code == 200


def test_a_state_change_that_is_not_json_is_refused_so_blind_csrf_changes_nothing(
    jira_sandbox: Sandbox,
) -> None:
    tokens = login(jira_sandbox)
    base = control(jira_sandbox)
    # What a cross-origin form or fetch without preflight can send.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        for path, body in (
            ("expire-access-tokens", b""),
            ("revoke", b"{}"),
            ("faults", b'{"kind": "drop_before", "count": 5}'),
        ):
            response = httpx.post(
                f"{base}/{path}", content=body, headers={"Content-Type": content_type}
            )
            assert response.status_code == 415, (path, content_type)
            assert response.json()["allowed"] == ["application/json"]
    assert httpx.post(f"{base}/revoke").status_code == 415  # no type at all
    assert httpx.delete(f"{base}/faults").status_code == 415
    assert jira_sandbox.faults.pending() == []
    assert gateway_get(jira_sandbox, tokens.access, "myself").status_code == 200  # not revoked
    assert httpx.get(f"{base}/faults").status_code == 200  # reads need no content type
