"""OAuth 2.0 (3LO) against auth.atlassian.com: authorization URL, state, code exchange, refresh.

Atlassian supports the authorization-code grant with a client secret only (no PKCE). The
authorization URL carries every documented parameter in the documented order:
``audience, client_id, scope, redirect_uri, state, response_type, prompt``.

Token-endpoint failures become ``AuthError``s built from the ``error`` code alone; a dead
refresh token (``invalid_grant``) becomes ``ReauthorizationRequired``.

Token requests are resent on 429, on 503 (with or without ``Retry-After``) and when the
connection was never made (see ``adfkit.jira.retry``): an authorization code is not used
up by a 429/503, and a refresh token stays valid within Atlassian's reuse leeway. A request
whose answer was lost after sending is not resent; the caller sees an AuthError.

``accessible_resources`` lists the sites a token reaches, with the same retries (it is a
read); the login flow and ``JiraClient`` both use it.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx

from adfkit.jira.config import OAuthApp
from adfkit.jira.errors import AuthError, ReauthorizationRequired, SiteError
from adfkit.jira.retry import RetryPolicy, TransportFailure, send_with_retries
from adfkit.jira.sites import Site, parse_resources
from adfkit.jira.tokens import TokenSet
from adfkit.jira.wire import JSON_HEADERS, json_body

__all__ = [
    "accessible_resources",
    "authorization_url",
    "exchange_code",
    "new_state",
    "refresh_tokens",
    "verify_state",
]


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


def exchange_code(
    app: OAuthApp, code: str, http: httpx.Client, *, retry: RetryPolicy | None = None
) -> TokenSet:
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
        retry=retry,
    )


def refresh_tokens(
    app: OAuthApp, refresh_token: str, http: httpx.Client, *, retry: RetryPolicy | None = None
) -> TokenSet:
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
        retry=retry,
    )


def accessible_resources(
    api_url: str,
    http: httpx.Client,
    *,
    access_token: str | None = None,
    retry: RetryPolicy | None = None,
) -> list[Site]:
    """The sites a grant reaches (``GET {api_url}/oauth/token/accessible-resources``), deduped.

    ``access_token`` is sent as the bearer token; without it ``http``'s own auth (such as
    ``BearerAuth``) applies. 429, 503 and failed connections are retried per ``retry``.
    Raises AuthError on 401, SiteError when the list cannot be had.
    """
    url = f"{api_url}/oauth/token/accessible-resources"
    headers = {"Authorization": f"Bearer {access_token}"} if access_token is not None else {}
    try:
        response = send_with_retries(
            lambda: http.get(url, headers=headers),
            retry or RetryPolicy(),
            what="accessible-resources",
            after_sending=True,  # a read: repeating it is harmless
            bare_503=True,
        )
    except TransportFailure as exc:
        raise SiteError(f"cannot reach {url}: {exc.kind} after {exc.attempts} attempt(s)") from None
    if response.status_code == 401:
        raise AuthError("the access token was refused while listing sites: run `adfkit jira login`")
    if not response.is_success:
        raise SiteError(f"{url} answered HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise SiteError(f"{url} answered something that is not JSON") from None
    return parse_resources(data)


def _token_request(
    app: OAuthApp,
    http: httpx.Client,
    body: dict[str, str],
    *,
    grant: str,
    retry: RetryPolicy | None,
) -> TokenSet:
    url = f"{app.auth_url}/oauth/token"
    try:
        response = send_with_retries(
            lambda: http.post(url, content=json_body(body), headers=JSON_HEADERS),
            retry or RetryPolicy(),
            what="the token endpoint",
            after_sending=False,  # the answer may carry tokens we would never see again
            bare_503=True,  # a 503 neither uses up a code nor kills a refresh token
        )
    except TransportFailure as exc:
        raise AuthError(
            f"cannot reach the token endpoint {url}: {exc.kind} after {exc.attempts} attempt(s)"
        ) from None
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
