"""Shared steps for the sandbox tests: log in through the consent page and call the
gateway, all over real loopback HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from adfkit.sandbox import Sandbox, approve

ACME = "3f1c9e52-7a4b-4d1e-9c2a-acme00000001"
BETA = "3f1c9e52-7a4b-4d1e-9c2a-beta00000002"
ALL_SCOPES = "read:jira-work write:jira-work read:jira-user offline_access"
ALEX = "712020:5b1c-sandbox-alex"
SAM = "712020:sandbox-sam"
SITE_GONE = {"errorMessage": "Site temporarily unavailable", "errorCode": "OTHER"}


def pay_bug(**fields: Any) -> dict[str, Any]:
    """A create-issue body for a PAY Bug that Jira accepts, with ``fields`` changed
    (a None value removes the field)."""
    body: dict[str, Any] = {
        "project": {"key": "PAY"},
        "issuetype": {"id": "10004"},
        "summary": "Checkout fails",
        "components": [{"name": "Checkout"}],
        "customfield_10040": {"value": "S2 - Major"},
    }
    for key, value in fields.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return {"fields": body}


@dataclass
class Tokens:
    access: str
    refresh: str | None
    body: dict[str, Any]


def code_from(location: str) -> str:
    return parse_qs(urlsplit(location).query)["code"][0]


def exchange(sb: Sandbox, code_: str, **overrides: Any) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": code_,
        "redirect_uri": sb.redirect_uris[0],
        **overrides,
    }
    return httpx.post(f"{sb.auth_url}/oauth/token", json=body)


def refresh(sb: Sandbox, token: str | None, **overrides: Any) -> httpx.Response:
    body = {
        "grant_type": "refresh_token",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "refresh_token": token,
        **overrides,
    }
    return httpx.post(f"{sb.auth_url}/oauth/token", json=body)


def login(sb: Sandbox, scope: str = ALL_SCOPES) -> Tokens:
    response = exchange(sb, code_from(approve(sb.authorize_url(scope=scope))))
    assert response.status_code == 200, response.text
    body = response.json()
    return Tokens(body["access_token"], body.get("refresh_token"), body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rest(sb: Sandbox, cloud_id: str = ACME) -> str:
    return f"{sb.api_url}/ex/jira/{cloud_id}/rest/api/3"


def gateway_get(
    sb: Sandbox, token: str, path: str, cloud_id: str = ACME, **params: Any
) -> httpx.Response:
    return httpx.get(f"{rest(sb, cloud_id)}/{path}", headers=bearer(token), params=params)


def gateway_post(
    sb: Sandbox, token: str, path: str, body: Any, cloud_id: str = ACME
) -> httpx.Response:
    return httpx.post(f"{rest(sb, cloud_id)}/{path}", headers=bearer(token), json=body)


def png(width: int, height: int, colour: tuple[int, int, int] = (220, 40, 40)) -> bytes:
    """A real PNG file of the given size (one colour)."""
    from adfkit.jira.images import solid_png

    return solid_png(width, height, colour)
