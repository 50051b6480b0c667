"""The sandbox's auth server and gateway checks, over real loopback HTTP: /authorize
parameter checks, the consent page, single-use codes, the token endpoint's grants and
error bodies, refresh-token rotation with its leeway, accessible-resources, and the
gateway's 401/404 answers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from adfkit.sandbox import Sandbox, approve, deny

from .sandbox_steps import (
    ACME,
    BETA,
    bearer,
    code_from,
    exchange,
    gateway_get,
    login,
    refresh,
)

DAY = 86400


# ---- /authorize --------------------------------------------------------------------


def test_consent_page_shows_app_scopes_sites_and_both_buttons(jira_sandbox: Sandbox) -> None:
    page = httpx.get(jira_sandbox.authorize_url())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "adfkit sandbox app" in text
    for scope in ("read:jira-work", "write:jira-work", "offline_access"):
        assert f"<code>{scope}</code>" in text
    assert "<li>Acme</li>" in text
    assert "<li>Beta Labs</li>" in text
    assert (
        '<button type="submit" name="decision" value="accept" id="accept">Accept</button>' in text
    )
    assert '<button type="submit" name="decision" value="deny" id="deny">Deny</button>' in text
    assert text.count('<form method="post" action="/authorize/decision">') == 2


def test_accept_redirects_to_the_callback_with_a_code_and_the_echoed_state(
    jira_sandbox: Sandbox,
) -> None:
    location = approve(jira_sandbox.authorize_url(state="xyz 42/&"))
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:8765/callback"
    query = parse_qs(parts.query)
    assert query["state"] == ["xyz 42/&"]
    assert len(query["code"][0]) >= 20


def test_deny_redirects_with_access_denied_and_the_state(jira_sandbox: Sandbox) -> None:
    location = deny(jira_sandbox.authorize_url(state="keep-me"))
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["access_denied"]
    assert query["error_description"] == ["User did not authorize the request"]
    assert query["state"] == ["keep-me"]
    assert "code" not in query


def test_a_consent_request_can_be_answered_only_once(jira_sandbox: Sandbox) -> None:
    page = httpx.get(jira_sandbox.authorize_url())
    request_id = page.text.split('name="consent_request" value="')[1].split('"')[0]
    form = {"consent_request": request_id, "decision": "accept"}
    first = httpx.post(f"{jira_sandbox.base_url}/authorize/decision", data=form)
    second = httpx.post(f"{jira_sandbox.base_url}/authorize/decision", data=form)
    assert first.status_code == 302
    assert second.status_code == 400
    assert "consent_request" in second.text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("client_id", "someone-else"),
        ("client_id", None),
        ("redirect_uri", "http://127.0.0.1:8765/callback/"),
        ("redirect_uri", "http://localhost:8765/callback"),
        ("redirect_uri", None),
        ("audience", "api.atlassian.net"),
        ("audience", None),
        ("response_type", "token"),
        ("response_type", None),
        ("prompt", "none"),
        ("prompt", None),
        ("state", ""),
        ("state", None),
        ("scope", ""),
        ("scope", "read:jira-work  write:jira-work"),
        ("scope", "read:jira-work delete:everything"),
        ("scope", None),
    ],
)
def test_authorize_rejects_each_bad_parameter_with_a_400_page_naming_it(
    jira_sandbox: Sandbox, name: str, value: str | None
) -> None:
    params = {k: v[0] for k, v in parse_qs(urlsplit(jira_sandbox.authorize_url()).query).items()}
    if value is None:
        del params[name]
    else:
        params[name] = value
    page = httpx.get(f"{jira_sandbox.auth_url}/authorize?{urlencode(params)}")
    assert page.status_code == 400
    assert "location" not in page.headers
    assert f'data-parameter="{name}"' in page.text
    assert f"parameter &#x27;{name}&#x27;" in page.text


def test_every_registered_redirect_uri_is_accepted_exactly() -> None:
    uris = ["http://127.0.0.1:9000/cb", "http://127.0.0.1:9001/other?x=1"]
    with Sandbox(redirect_uris=uris) as sb:
        assert sb.redirect_uris == uris
        for uri in uris:
            location = approve(sb.authorize_url(redirect_uri=uri))
            assert location.startswith(uri + ("&" if "?" in uri else "?"))
        assert (
            httpx.get(sb.authorize_url(redirect_uri="http://127.0.0.1:8765/callback")).status_code
            == 400
        )


# ---- /oauth/token: authorization_code ------------------------------------------------


def test_code_exchange_returns_bearer_tokens_with_the_granted_scope(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    body = tokens.body
    assert set(body) == {"access_token", "refresh_token", "expires_in", "scope", "token_type"}
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read:jira-work write:jira-work read:jira-user offline_access"
    assert tokens.access != tokens.refresh


def test_no_refresh_token_without_offline_access(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox, scope="read:jira-work write:jira-work")
    assert "refresh_token" not in tokens.body
    assert tokens.body["scope"] == "read:jira-work write:jira-work"


def test_a_code_is_single_use(jira_sandbox: Sandbox) -> None:
    code = code_from(approve(jira_sandbox.authorize_url()))
    assert exchange(jira_sandbox, code).status_code == 200
    again = exchange(jira_sandbox, code)
    assert again.status_code == 403
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }


def test_a_code_expires_after_its_short_lifetime(jira_sandbox: Sandbox) -> None:
    code = code_from(approve(jira_sandbox.authorize_url()))
    jira_sandbox.clock.advance(121)
    late = exchange(jira_sandbox, code)
    assert late.status_code == 403
    assert late.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "override",
    [
        {"code": "not-a-code"},
        {"code": None},
        {"redirect_uri": "http://127.0.0.1:8765/other"},
        {"redirect_uri": None},
    ],
)
def test_a_code_is_bound_to_its_redirect_uri(
    jira_sandbox: Sandbox, override: dict[str, object]
) -> None:
    code = code_from(approve(jira_sandbox.authorize_url()))
    response = exchange(jira_sandbox, code, **override)
    assert response.status_code == 403
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "wrong"},
        {"client_secret": None},  # left out, as a PKCE-only public client would
        {"client_id": "other-client"},
        {"client_id": None},
    ],
)
def test_bad_client_credentials_are_refused_with_access_denied(
    jira_sandbox: Sandbox, change: dict[str, object]
) -> None:
    sb = jira_sandbox
    body: dict[str, object] = {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": code_from(approve(sb.authorize_url())),
        "redirect_uri": sb.redirect_uris[0],
        "code_verifier": "x" * 43,
    }
    for key, value in change.items():
        if value is None:
            del body[key]
        else:
            body[key] = value
    response = httpx.post(f"{sb.auth_url}/oauth/token", json=body)
    assert response.status_code == 401
    assert response.json() == {"error": "access_denied", "error_description": "Unauthorized"}


def test_a_pkce_code_verifier_is_ignored_when_the_secret_is_sent(jira_sandbox: Sandbox) -> None:
    code = code_from(approve(jira_sandbox.authorize_url()))
    assert exchange(jira_sandbox, code, code_verifier="v" * 64).status_code == 200


def test_form_encoded_token_requests_work_like_json(jira_sandbox: Sandbox) -> None:
    sb = jira_sandbox
    code = code_from(approve(sb.authorize_url()))
    response = httpx.post(
        f"{sb.auth_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "code": code,
            "redirect_uri": sb.redirect_uris[0],
        },
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_unknown_grant_types_and_non_json_bodies_are_400(jira_sandbox: Sandbox) -> None:
    url = f"{jira_sandbox.auth_url}/oauth/token"
    implicit = httpx.post(url, json={"grant_type": "client_credentials"})
    assert implicit.status_code == 400
    assert implicit.json()["error"] == "unsupported_grant_type"
    garbage = httpx.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert garbage.status_code == 400
    assert garbage.json()["error"] == "invalid_request"


def test_access_token_lifetime_is_configurable() -> None:
    with Sandbox(access_token_lifetime=5) as sb:
        tokens = login(sb)
        assert tokens.body["expires_in"] == 5
        assert gateway_get(sb, tokens.access, "myself").status_code == 200
        sb.clock.advance(5)
        assert gateway_get(sb, tokens.access, "myself").json() == {
            "code": 401,
            "message": "Unauthorized",
        }


# ---- /oauth/token: refresh_token ---------------------------------------------------


def test_refresh_rotates_both_tokens(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    response = refresh(jira_sandbox, first.refresh)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "scope", "token_type"}
    assert body["refresh_token"] != first.refresh
    assert body["access_token"] != first.access
    assert gateway_get(jira_sandbox, body["access_token"], "myself").status_code == 200
    assert refresh(jira_sandbox, body["refresh_token"]).status_code == 200
    assert jira_sandbox.count("token", grant_type="refresh_token") == 2


def test_a_used_refresh_token_still_works_inside_the_leeway(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    one = refresh(jira_sandbox, first.refresh).json()
    jira_sandbox.clock.advance(599)
    again = refresh(jira_sandbox, first.refresh)
    assert again.status_code == 200
    assert again.json()["refresh_token"] not in (first.refresh, one["refresh_token"])


def test_reuse_after_the_leeway_fails_and_revokes_the_whole_family(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    newest = refresh(jira_sandbox, first.refresh).json()["refresh_token"]
    jira_sandbox.clock.advance(601)
    stale = refresh(jira_sandbox, first.refresh)
    assert stale.status_code == 403
    assert stale.json() == {
        "error": "invalid_grant",
        "error_description": "Unknown or invalid refresh token.",
    }
    # The family is gone: even the newest token of the chain is dead now.
    assert refresh(jira_sandbox, newest).status_code == 403


def test_refresh_leeway_is_configurable() -> None:
    with Sandbox(refresh_leeway=0) as sb:
        first = login(sb)
        assert refresh(sb, first.refresh).status_code == 200
        sb.clock.advance(0.01)
        assert refresh(sb, first.refresh).status_code == 403


def test_a_refresh_token_dies_after_90_days_without_use(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    jira_sandbox.clock.advance(89 * DAY)
    second = refresh(jira_sandbox, first.refresh).json()["refresh_token"]
    jira_sandbox.clock.advance(89 * DAY)  # each rotation gives another 90 days
    assert refresh(jira_sandbox, second).status_code == 200
    third = login(jira_sandbox).refresh
    jira_sandbox.clock.advance(90 * DAY + 1)
    expired = refresh(jira_sandbox, third)
    assert expired.status_code == 403
    assert expired.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("token", ["made-up", "", None])
def test_unknown_refresh_tokens_are_invalid_grant(jira_sandbox: Sandbox, token: str | None) -> None:
    response = refresh(jira_sandbox, token)
    assert response.status_code == 403
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Unknown or invalid refresh token.",
    }


def test_refresh_needs_the_client_secret_too(jira_sandbox: Sandbox) -> None:
    first = login(jira_sandbox)
    response = refresh(jira_sandbox, first.refresh, client_secret="nope")
    assert response.status_code == 401
    assert response.json() == {"error": "access_denied", "error_description": "Unauthorized"}
    assert refresh(jira_sandbox, first.refresh).status_code == 200  # the refusal used nothing up


# ---- accessible-resources -------------------------------------------------------------


def test_accessible_resources_lists_acme_twice_and_beta_once(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    response = httpx.get(
        f"{jira_sandbox.api_url}/oauth/token/accessible-resources", headers=bearer(tokens.access)
    )
    assert response.status_code == 200
    resources = response.json()
    assert isinstance(resources, list)
    assert [r["id"] for r in resources].count(ACME) == 2
    assert [r["id"] for r in resources].count(BETA) == 1
    for r in resources:
        assert set(r) == {"id", "name", "url", "scopes", "avatarUrl"}
    acme = [r for r in resources if r["id"] == ACME]
    assert {r["name"] for r in acme} == {"Acme"}
    assert {r["url"] for r in acme} == {f"{jira_sandbox.base_url}/site/acme"}
    jira_entry = next(r for r in acme if "read:jira-work" in r["scopes"])
    confluence_entry = next(r for r in acme if "read:jira-work" not in r["scopes"])
    assert "read:confluence-content.all" in confluence_entry["scopes"]
    assert "offline_access" not in jira_entry["scopes"]
    # The Confluence entry is first, so "take resources[0]" picks the wrong container.
    assert "read:jira-work" not in resources[0]["scopes"]


def test_accessible_resources_is_empty_for_a_user_without_sites() -> None:
    with Sandbox() as sb:
        alex = sb.world.user(sb.world.consenting_user)
        assert alex is not None
        alex.sites = []
        tokens = login(sb)
        response = httpx.get(
            f"{sb.api_url}/oauth/token/accessible-resources", headers=bearer(tokens.access)
        )
        assert response.status_code == 200
        assert response.json() == []


def test_accessible_resources_needs_a_valid_bearer(jira_sandbox: Sandbox) -> None:
    url = f"{jira_sandbox.api_url}/oauth/token/accessible-resources"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"code": 401, "message": "Unauthorized"}


# ---- the gateway's own answers -----------------------------------------------------------


def test_gateway_refuses_unknown_expired_and_revoked_bearers(jira_sandbox: Sandbox) -> None:
    unauthorized = {"code": 401, "message": "Unauthorized"}
    assert gateway_get(jira_sandbox, "made-up", "myself").json() == unauthorized
    assert httpx.get(f"{jira_sandbox.api_url}/ex/jira/{ACME}/rest/api/3/myself").status_code == 401
    tokens = login(jira_sandbox)
    jira_sandbox.clock.advance(3600)
    expired = gateway_get(jira_sandbox, tokens.access, "myself")
    assert (expired.status_code, expired.json()) == (401, unauthorized)
    fresh = refresh(jira_sandbox, tokens.refresh).json()
    assert gateway_get(jira_sandbox, fresh["access_token"], "myself").status_code == 200
    assert jira_sandbox.revoke_all() == 1
    assert gateway_get(jira_sandbox, fresh["access_token"], "myself").json() == unauthorized
    assert refresh(jira_sandbox, fresh["refresh_token"]).status_code == 403


@pytest.mark.parametrize(
    ("scope", "path", "allowed"),
    [
        ("read:jira-work", "myself", False),
        ("read:jira-user", "myself", True),
        ("read:jira-user", "project/PAY", False),
        ("read:jira-work", "project/PAY", True),
        ("write:jira-work", "issue/createmeta/PAY/issuetypes", False),
        ("read:jira-work", "issue/createmeta/PAY/issuetypes", True),
        ("read:jira-work", "issue/createmeta/PAY/issuetypes/10004", True),
    ],
)
def test_gateway_checks_the_classic_scope_of_each_endpoint(
    jira_sandbox: Sandbox, scope: str, path: str, allowed: bool
) -> None:
    tokens = login(jira_sandbox, scope=scope)
    response = gateway_get(jira_sandbox, tokens.access, path)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 401
        assert response.json() == {"code": 401, "message": "Unauthorized; scope does not match"}


def test_creating_an_issue_needs_write_jira_work(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox, scope="read:jira-work")
    response = httpx.post(
        f"{jira_sandbox.api_url}/ex/jira/{ACME}/rest/api/3/issue",
        headers=bearer(tokens.access),
        json={"fields": {}},
    )
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized; scope does not match"}
    assert jira_sandbox.issues() == []


def test_an_unknown_cloud_id_is_site_temporarily_unavailable(jira_sandbox: Sandbox) -> None:
    tokens = login(jira_sandbox)
    response = gateway_get(
        jira_sandbox, tokens.access, "myself", cloud_id="00000000-0000-0000-0000-000000000000"
    )
    assert response.status_code == 404
    assert response.json() == {"errorMessage": "Site temporarily unavailable", "errorCode": "OTHER"}
    # The site's slug is not a cloud id either.
    assert gateway_get(jira_sandbox, tokens.access, "myself", cloud_id="acme").status_code == 404


def test_a_site_outside_the_grant_is_site_temporarily_unavailable() -> None:
    with Sandbox() as sb:
        alex = sb.world.user(sb.world.consenting_user)
        assert alex is not None
        alex.sites = [ACME]
        tokens = login(sb)
        assert gateway_get(sb, tokens.access, "myself", cloud_id=ACME).status_code == 200
        outside = gateway_get(sb, tokens.access, "myself", cloud_id=BETA)
        assert outside.status_code == 404
        assert outside.json()["errorMessage"] == "Site temporarily unavailable"
