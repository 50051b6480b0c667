"""OAuth 2.0 (3LO) against auth.atlassian.com: authorization URL, state, code exchange, refresh.

Atlassian supports the authorization-code grant with a client secret only (no PKCE). The
authorization URL carries every documented parameter in the documented order:
``audience, client_id, scope, redirect_uri, state, response_type, prompt``.

Token-endpoint failures become ``AuthError``s built from the ``error`` code alone; a dead
refresh token (``invalid_grant``) becomes ``ReauthorizationRequired``.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx

from adfkit.jira.config import OAuthApp
from adfkit.jira.errors import AuthError, ReauthorizationRequired
from adfkit.jira.tokens import TokenSet

__all__ = ["authorization_url", "exchange_code", "new_state", "refresh_tokens", "verify_state"]


def new_state() -> str:
    """An unguessable ``state`` value (CSRF protection for the callback)."""
    return secrets.token_urlsafe(32)


def verify_state(expected: str, received: str | None) -> None:
    """Raise AuthError unless ``received`` equals ``expected`` (constant-time comparison)."""
    if not received or not hmac.compare_digest(expected.encode(), received.encode()):
        raise AuthError(
            "the callback's state does not match this login (possible CSRF or a stale "
            "browser tab): run `adfkit jira login` again"
        )


def authorization_url(app: OAuthApp, state: str) -> str:
    """The consent-page URL, parameters in Atlassian's documented order."""
    params = [
        ("audience", "api.atlassian.com"),
        ("client_id", app.client_id),
        ("scope", " ".join(app.scopes)),
        ("redirect_uri", app.redirect_uri),
        ("state", state),
        ("response_type", "code"),
        ("prompt", "consent"),
    ]
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in params)
    return f"{app.auth_url}/authorize?{query}"


def exchange_code(app: OAuthApp, code: str, http: httpx.Client) -> TokenSet:
    """Trade an authorization code for tokens."""
    return _token_request(
        app,
        http,
        {
            "grant_type": "authorization_code",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code": code,
            "redirect_uri": app.redirect_uri,
        },
        grant="authorization code",
    )


def refresh_tokens(app: OAuthApp, refresh_token: str, http: httpx.Client) -> TokenSet:
    """Use a refresh token; the answer carries a rotated refresh token."""
    return _token_request(
        app,
        http,
        {
            "grant_type": "refresh_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "refresh_token": refresh_token,
        },
        grant="refresh token",
    )


def _token_request(
    app: OAuthApp, http: httpx.Client, body: dict[str, str], *, grant: str
) -> TokenSet:
    url = f"{app.auth_url}/oauth/token"
    try:
        response = http.post(url, json=body)
    except httpx.HTTPError as exc:
        raise AuthError(f"cannot reach the token endpoint {url}: {type(exc).__name__}") from None
    data: Any
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code == 200 and isinstance(data, dict) and data.get("access_token"):
        return TokenSet.from_response(data, now=time.time())
    error = data.get("error") if isinstance(data, dict) else None
    description = data.get("error_description") if isinstance(data, dict) else None
    detail = f"{error}: {description}" if error else f"HTTP {response.status_code}"
    if error == "invalid_grant":
        if body["grant_type"] == "refresh_token":
            raise ReauthorizationRequired(f"authorisation expired or revoked ({detail})")
        raise AuthError(
            f"the authorization code was refused ({detail}); codes work once and expire "
            "quickly: run `adfkit jira login` again"
        )
    if error == "access_denied" or response.status_code == 401:
        raise AuthError(
            f"the token endpoint rejected the client id or secret ({detail}); check "
            "ADFKIT_JIRA_CLIENT_ID / ADFKIT_JIRA_CLIENT_SECRET"
        )
    raise AuthError(f"the {grant} request failed: {detail}")
