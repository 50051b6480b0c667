"""The sandbox's authorization server: auth.atlassian.com's ``/authorize`` (with a consent
page), ``/oauth/token`` (authorization_code and refresh_token grants), and the bearer-token
checks api.atlassian.com applies to REST calls.

Only SHA-256 hashes of codes and tokens are kept, so neither the request log, a repr nor
the state file can leak one.

Behaviour chosen where Atlassian's is UNCONFIRMED (see docs/sandbox.md):

* Denial redirects Auth0-style: ``?error=access_denied&error_description=...&state=...``.
* A refresh token used a second time *inside* the reuse leeway succeeds with a fresh pair.
  Used again *outside* the leeway, the call fails with ``invalid_grant`` and every refresh
  token of that grant (the "family") is revoked; access tokens already issued stay valid
  until they expire, as Auth0's JWT access tokens would.
* The absolute 365-day family cap is not enforced (the current doc dropped it).
* A ``code_verifier`` sent with a code exchange is ignored (3LO has no PKCE).
* An authorization code is single-use and lives ``code_lifetime`` seconds (120 by default).
* The grant is account-level: it covers every site the consenting user can use.
"""

from __future__ import annotations

import hashlib
import html
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from adfkit.sandbox.responses import (
    Response,
    html_page,
    json_response,
    redirect,
)
from adfkit.sandbox.world import OAuthClient, User, World, build_dataclass, dict_of

__all__ = ["AuthServer", "Clock", "Grant", "TokenCheck"]

AUDIENCE = "api.atlassian.com"
DAY = 86400.0


class Clock:
    """Wall-clock time plus an offset tests can move forward (``advance``) to reach token
    expiry, the refresh leeway or the 90-day inactivity limit without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Grant:
    """One user's consent to one client: the scopes and the sites it covers."""

    id: str
    client_id: str
    account_id: str
    scopes: list[str]
    cloud_ids: list[str]
    revoked: bool = False


@dataclass
class _ConsentRequest:
    client_id: str
    redirect_uri: str
    scopes: list[str]
    state: str
    created: float


@dataclass
class _Code:
    grant_id: str
    client_id: str
    redirect_uri: str
    expires: float
    used: bool = False


@dataclass
class _Access:
    grant_id: str
    expires: float


@dataclass
class _Refresh:
    grant_id: str
    issued: float
    used_at: float | None = None  # when it was exchanged (rotation time)
    revoked: bool = False


@dataclass
class TokenCheck:
    """What a bearer token resolves to, or why it does not."""

    grant: Grant | None
    user: User | None


@dataclass
class _State:
    grants: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, _Code] = field(default_factory=dict)
    access: dict[str, _Access] = field(default_factory=dict)
    refresh: dict[str, _Refresh] = field(default_factory=dict)


class AuthServer:
    """Server-side OAuth for one World. Thread-safe: every method takes the lock."""

    def __init__(
        self,
        world: World,
        clock: Clock,
        *,
        access_token_lifetime: int = 3600,
        refresh_leeway: float = 600.0,
        refresh_inactivity: float = 90 * DAY,
        code_lifetime: float = 120.0,
        consent_lifetime: float = 600.0,
    ) -> None:
        self.world = world
        self.clock = clock
        self.access_token_lifetime = access_token_lifetime
        self.refresh_leeway = refresh_leeway
        self.refresh_inactivity = refresh_inactivity
        self.code_lifetime = code_lifetime
        self.consent_lifetime = consent_lifetime
        self.lock = threading.RLock()
        self._consents: dict[str, _ConsentRequest] = {}
        self._s = _State()

    def __repr__(self) -> str:
        return f"<AuthServer grants={len(self._s.grants)}>"

    # ---- persistence ----------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return asdict(self._s)

    def load_json(self, data: object) -> None:
        """Restore what ``to_json`` wrote; ``WorldShapeError`` names the path of a bad part."""
        with self.lock:
            self._s = build_dataclass(
                _State,
                data,
                "oauth",
                grants=dict_of(Grant),
                codes=dict_of(_Code),
                access=dict_of(_Access),
                refresh=dict_of(_Refresh),
            )

    # ---- /authorize -----------------------------------------------------------------

    def authorize(self, query: dict[str, list[str]]) -> Response:
        """Check every parameter; answer the consent page or a 400 page naming the problem."""

        def one(name: str) -> str | None:
            values = query.get(name)
            if not values or len(values) != 1 or not values[0]:
                return None
            return values[0]

        client_id = one("client_id")
        client = self.world.client(client_id) if client_id else None
        if client is None:
            return _bad_request("client_id", "missing or not a registered client")
        redirect_uri = one("redirect_uri")
        if redirect_uri is None or redirect_uri not in client.redirect_uris:
            return _bad_request(
                "redirect_uri", "missing or not exactly one of the app's registered callback URLs"
            )
        if one("audience") != AUDIENCE:
            return _bad_request("audience", f"must be {AUDIENCE}")
        if one("response_type") != "code":
            return _bad_request("response_type", "must be code")
        if one("prompt") != "consent":
            return _bad_request("prompt", "must be consent")
        state = one("state")
        if state is None:
            return _bad_request("state", "missing")
        scope = one("scope")
        scopes = scope.split(" ") if scope else []
        if not scopes or any(not s for s in scopes):
            return _bad_request("scope", "missing, or not a space-separated list of scopes")
        unknown = [s for s in scopes if s != "offline_access" and s not in client.scopes]
        if unknown:
            return _bad_request("scope", "not configured for this app: " + " ".join(unknown))
        user = self.world.user(self.world.consenting_user)
        if user is None:
            return _bad_request("user", "the sandbox world has no consenting user")
        with self.lock:
            request_id = secrets.token_urlsafe(16)
            self._consents[request_id] = _ConsentRequest(
                client.client_id, redirect_uri, scopes, state, self.clock.now()
            )
        return self._consent_page(request_id, client, user, scopes)

    def _consent_page(
        self, request_id: str, client: OAuthClient, user: User, scopes: list[str]
    ) -> Response:
        sites = [s for s in self.world.sites if s.cloud_id in user.sites]
        esc = html.escape
        scope_items = "".join(f"<li><code>{esc(s)}</code></li>" for s in scopes)
        site_items = "".join(f"<li>{esc(s.name)}</li>" for s in sites) or "<li>(no sites)</li>"
        hidden = f'<input type="hidden" name="consent_request" value="{esc(request_id)}">'
        body = f"""<h1>{esc(client.name)} is requesting access to your Atlassian account</h1>
<p>Signed in as {esc(user.display_name)} ({esc(user.email)})</p>
<h2>It wants to</h2>
<ul id="scopes">{scope_items}</ul>
<h2>On these sites</h2>
<ul id="sites">{site_items}</ul>
<form method="post" action="/authorize/decision">{hidden}
<button type="submit" name="decision" value="accept" id="accept">Accept</button></form>
<form method="post" action="/authorize/decision">{hidden}
<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>"""
        return html_page(200, "Authorize " + client.name, body)

    def decide(self, form: dict[str, list[str]]) -> Response:
        """The consent form's POST: Accept redirects with a code, Deny with access_denied."""
        request_id = (form.get("consent_request") or [""])[0]
        decision = (form.get("decision") or [""])[0]
        with self.lock:
            request = self._consents.pop(request_id, None)
            now = self.clock.now()
            if request is None or now - request.created > self.consent_lifetime:
                return _bad_request("consent_request", "unknown, already answered or expired")
            if decision == "deny":
                target = {
                    "error": "access_denied",
                    "error_description": "User did not authorize the request",
                    "state": request.state,
                }
                return redirect(_with_query(request.redirect_uri, target))
            if decision != "accept":
                self._consents[request_id] = request  # let the user try again
                return _bad_request("decision", "must be accept or deny")
            user = self.world.user(self.world.consenting_user)
            assert user is not None
            grant = Grant(
                secrets.token_hex(8),
                request.client_id,
                user.account_id,
                list(request.scopes),
                list(user.sites),
            )
            self._s.grants[grant.id] = grant
            code = secrets.token_urlsafe(24)
            self._s.codes[_hash(code)] = _Code(
                grant.id, request.client_id, request.redirect_uri, now + self.code_lifetime
            )
        return redirect(_with_query(request.redirect_uri, {"code": code, "state": request.state}))

    # ---- /oauth/token ---------------------------------------------------------------

    def token(self, params: dict[str, Any]) -> Response:
        grant_type = params.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            return json_response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Unsupported grant type: " + str(grant_type)[:40],
                },
            )
        client = self.world.client(str(params.get("client_id", "")))
        secret = params.get("client_secret")
        if (
            client is None
            or not isinstance(secret, str)
            or not secrets.compare_digest(secret.encode(), client.client_secret.encode())
        ):
            return json_response(
                401, {"error": "access_denied", "error_description": "Unauthorized"}
            )
        with self.lock:
            if grant_type == "authorization_code":
                return self._exchange_code(client, params)
            return self._refresh(client, params)

    def _exchange_code(self, client: OAuthClient, params: dict[str, Any]) -> Response:
        invalid = json_response(
            403, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
        )
        code = params.get("code")
        if not isinstance(code, str):
            return invalid
        record = self._s.codes.get(_hash(code))
        now = self.clock.now()
        if record is None or record.used or now > record.expires:
            return invalid
        if (
            record.client_id != client.client_id
            or params.get("redirect_uri") != record.redirect_uri
        ):
            return invalid
        record.used = True
        grant = self._s.grants[record.grant_id]
        if grant.revoked:
            return invalid
        return self._issue(grant, now)

    def _refresh(self, client: OAuthClient, params: dict[str, Any]) -> Response:
        invalid = json_response(
            403,
            {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
        )
        token = params.get("refresh_token")
        if not isinstance(token, str):
            return invalid
        record = self._s.refresh.get(_hash(token))
        now = self.clock.now()
        if record is None or record.revoked:
            return invalid
        grant = self._s.grants[record.grant_id]
        if grant.revoked or grant.client_id != client.client_id:
            return invalid
        if now - record.issued > self.refresh_inactivity:
            record.revoked = True
            return invalid
        if record.used_at is not None and now - record.used_at > self.refresh_leeway:
            # Reuse after the leeway looks like a stolen token: kill the whole family.
            self._revoke_family(grant.id)
            return invalid
        if record.used_at is None:
            record.used_at = now
        return self._issue(grant, now)

    def _issue(self, grant: Grant, now: float) -> Response:
        access = secrets.token_urlsafe(32)
        self._s.access[_hash(access)] = _Access(grant.id, now + self.access_token_lifetime)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.access_token_lifetime,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }
        if "offline_access" in grant.scopes:
            refresh = secrets.token_urlsafe(32)
            self._s.refresh[_hash(refresh)] = _Refresh(grant.id, now)
            body["refresh_token"] = refresh
        return json_response(200, body, {"Cache-Control": "no-store"})

    def _revoke_family(self, grant_id: str) -> None:
        for record in self._s.refresh.values():
            if record.grant_id == grant_id:
                record.revoked = True

    # ---- bearer checks and state changes for fault injection ------------------------

    def check_bearer(self, authorization: str | None) -> TokenCheck:
        """Resolve ``Authorization: Bearer ...`` to its grant and user; both None when the
        token is missing, unknown, expired or its grant is revoked."""
        if not authorization or not authorization.startswith("Bearer "):
            return TokenCheck(None, None)
        with self.lock:
            record = self._s.access.get(_hash(authorization[7:].strip()))
            if record is None or self.clock.now() >= record.expires:
                return TokenCheck(None, None)
            grant = self._s.grants.get(record.grant_id)
            if grant is None or grant.revoked:
                return TokenCheck(None, None)
            return TokenCheck(grant, self.world.user(grant.account_id))

    def expire_access_tokens(self) -> int:
        """Make every access token issued so far expired; returns how many there were."""
        with self.lock:
            now = self.clock.now()
            for record in self._s.access.values():
                record.expires = min(record.expires, now - 1)
            return len(self._s.access)

    def revoke_grants(self, account_id: str | None = None) -> int:
        """Revoke the grants of one user (all users when None), as when the user removes the
        app from their account: every access and refresh token of them stops working."""
        with self.lock:
            hit = [
                g
                for g in self._s.grants.values()
                if account_id is None or g.account_id == account_id
            ]
            for g in hit:
                g.revoked = True
            return len(hit)

    def grants(self) -> list[Grant]:
        with self.lock:
            return list(self._s.grants.values())


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urlencode(params)


def _bad_request(parameter: str, problem: str) -> Response:
    text = f"Invalid request: parameter '{parameter}' is {problem}."
    return html_page(
        400,
        "Something went wrong",
        f'<h1>Something went wrong</h1>\n<p id="error" data-parameter="{html.escape(parameter)}">'
        f"{html.escape(text)}</p>",
    )
