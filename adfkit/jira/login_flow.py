"""``adfkit jira login``: the browser consent flow with a loopback callback server.

Starts an HTTP server on the redirect URI's host and port, opens the consent page (or hands
the URL to the caller for ``--no-browser``), waits for ``?code=..&state=..`` on the redirect
path, verifies ``state``, exchanges the code, stores the tokens (under the store's lock) and
lists the reachable Jira sites. The server logs nothing (the callback URL carries the
authorization code). Choosing, saving or forgetting the default site is the caller's job.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from adfkit.jira.config import OAuthApp
from adfkit.jira.errors import AuthError, ConfigError
from adfkit.jira.oauth import (
    accessible_resources,
    authorization_url,
    exchange_code,
    new_state,
    verify_state,
)
from adfkit.jira.retry import RetryPolicy
from adfkit.jira.sites import Site
from adfkit.jira.tokens import TokenSet, TokenStore

__all__ = ["LoginResult", "login"]

NO_REFRESH_WARNING = (
    "the grant has no refresh token (offline_access was not granted): the access token "
    "expires in about an hour and you will have to log in again; add offline_access to the scopes"
)


@dataclass
class LoginResult:
    tokens: TokenSet = field(repr=False)
    sites: list[Site]
    warnings: list[str]


def _callback_server(app: OAuthApp, received: dict[str, str], done: threading.Event) -> HTTPServer:
    parts = urlsplit(app.redirect_uri)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        raise ConfigError(
            f"redirect URI {app.redirect_uri!r} must be http://HOST:PORT/PATH on this machine"
        )
    path = parts.path or "/"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != path:
                self.send_error(404)
                return
            for key, values in parse_qs(url.query).items():
                received[key] = values[0]
            page = b"<!doctype html><title>adfkit</title><p>Done: you can close this tab.</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            done.set()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request line holds the authorization code

    try:
        return HTTPServer((parts.hostname, parts.port), Handler)
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {parts.hostname}:{parts.port} for the callback: {exc.strerror}"
        ) from None


def login(
    app: OAuthApp,
    store: TokenStore,
    *,
    opener: Callable[[str], Any] | None = webbrowser.open,
    show_url: Callable[[str], None] | None = None,
    timeout: float = 300.0,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> LoginResult:
    """Run the consent flow; store and return the tokens and the reachable sites.

    ``opener`` opens the URL (None: do not open anything); ``show_url`` is also given the
    URL (the CLI prints it). ``retry`` governs the code exchange and the site listing
    (429, 503 and failed connections). Raises AuthError on denial, state mismatch or
    timeout, SiteError when the sites cannot be listed (the tokens are stored by then).
    """
    state = new_state()
    received: dict[str, str] = {}
    done = threading.Event()
    server = _callback_server(app, received, done)
    server.timeout = 0.2
    url = authorization_url(app, state)
    try:
        if show_url is not None:
            show_url(url)
        if opener is not None:
            opener(url)
        waited = 0.0
        while not done.is_set():
            server.handle_request()
            waited += server.timeout
            if waited >= timeout and not done.is_set():
                raise AuthError(f"no answer from the consent page within {timeout:.0f} s")
    finally:
        server.server_close()
    verify_state(state, received.get("state"))
    if "error" in received:
        description = received.get("error_description", "")
        if received["error"] == "access_denied":
            raise AuthError(f"consent was denied on the Atlassian page ({description})")
        raise AuthError(f"authorisation failed: {received['error']} {description}".strip())
    code = received.get("code")
    if not code:
        raise AuthError("the callback carried neither a code nor an error")
    with httpx.Client(transport=transport, timeout=30.0) as http:
        tokens = exchange_code(app, code, http, retry=retry)
        # Under the lock, like every other write: a concurrent refresh must not interleave.
        with store.locked():
            store.save(tokens)
        warnings = [] if tokens.has_refresh_token else [NO_REFRESH_WARNING]
        sites = accessible_resources(
            app.api_url, http, access_token=tokens.access_token, retry=retry
        )
    return LoginResult(tokens=tokens, sites=sites, warnings=warnings)
