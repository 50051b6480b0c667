"""The sandbox's HTTP server and its ``Sandbox`` front object.

One stdlib ``ThreadingHTTPServer`` on 127.0.0.1 plays auth.atlassian.com,
api.atlassian.com and every Jira site at once:

* ``GET /authorize``, ``POST /authorize/decision``, ``POST /oauth/token``;
* ``GET /oauth/token/accessible-resources``;
* ``/ex/jira/{cloudId}/rest/api/3/...`` with a Bearer token (the gateway);
* ``/site/{slug}/rest/api/3/...`` with Basic ``email:api_token``,
  ``/site/{slug}/browse/{KEY}`` and ``/site/{slug}/secure/attachment/{id}/download`` (the
  middle hop of a download through the gateway) (the site host);
* ``/media/file/{media id}/binary`` (Media Services: an attachment's bytes);
* ``/_sandbox/...``, the control API for tests in other processes (``control.py``).

Each request but control calls is logged (method, path without the query, endpoint name,
status, grant type of token calls, the fault applied) for tests to read; the log never
holds header values, bodies or query strings, so no token, code or secret ends up in it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from adfkit.sandbox.control import control_route, is_control_path
from adfkit.sandbox.faults import SITE_GONE_BODY, Faults, SiteGone
from adfkit.sandbox.oauth import AuthServer, Clock
from adfkit.sandbox.responses import (
    Response,
    error_collection,
    gateway_error,
    html_page,
    json_response,
)
from adfkit.sandbox.rest import ENDPOINT_SCOPES, JiraApi, route
from adfkit.sandbox.world import (
    Issue,
    Site,
    World,
    WorldShapeError,
    default_world,
    write_json_atomic,
)

__all__ = ["LoggedRequest", "Sandbox", "StateFileError"]

DEFAULT_SCOPES = "read:jira-work write:jira-work read:jira-user offline_access"
_L = TypeVar("_L")
_NOT_AUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."


class StateFileError(ValueError):
    """A state file that cannot be read or is not what ``Sandbox.save`` writes; the
    message names the file and what is wrong with it."""


_STATE_KEYS = ("world", "oauth")


def _read_state(path: Path) -> dict[str, Any]:
    """The top level of a state file: an object with ``world`` and optionally ``oauth``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StateFileError(f"{path}: cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise StateFileError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        got = "an array" if isinstance(data, list) else f"{json.dumps(data)[:40]}"
        raise StateFileError(f"{path}: expected an object with keys 'world' and 'oauth', got {got}")
    for key in data:
        if key not in _STATE_KEYS:
            raise StateFileError(f"{path}: unknown key {key!r} (allowed: world, oauth)")
    if "world" not in data:
        raise StateFileError(f"{path}: missing key 'world'")
    return data


def _load(path: Path, load: Callable[[Any], _L], data: object) -> _L:
    try:
        return load(data)
    except WorldShapeError as exc:
        raise StateFileError(f"{path}: {exc}") from None
    except (TypeError, ValueError) as exc:
        # Values of the right JSON type that the dataclasses still refuse.
        raise StateFileError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the sandbox saw it. ``status`` is None when the connection was
    dropped without an answer."""

    method: str
    path: str
    endpoint: str
    status: int | None
    grant_type: str | None = None
    fault: str | None = None


Handler = Callable[[], Response]


class _App:
    """Routing and authentication in front of the OAuth and REST handlers."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    def route(
        self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes
    ) -> tuple[str, Handler, str | None]:
        """The endpoint name, the handler and (for token calls) the grant type."""
        auth = self.sb.auth
        if is_control_path(path):
            return "control", control_route(self.sb, method, path, query, body, headers), None
        if path == "/authorize" and method == "GET":
            return "authorize", lambda: auth.authorize(query), None
        if path == "/authorize/decision" and method == "POST":
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            return "authorize", lambda: auth.decide(form), None
        if path == "/oauth/token" and method == "POST":
            params = _token_params(headers.get("Content-Type", ""), body)
            grant_type = params.get("grant_type") if isinstance(params, dict) else None
            if not isinstance(grant_type, str) or grant_type not in (
                "authorization_code",
                "refresh_token",
            ):
                grant_type = None
            return "token", lambda: self._token(params), grant_type
        if path == "/oauth/token/accessible-resources" and method == "GET":
            return "accessible_resources", lambda: self._resources(headers), None
        gateway = re.fullmatch(r"/ex/jira/([^/]+)/rest/api/3/(.+)", path)
        if gateway:
            call = route(method, gateway.group(2))
            if call is not None:
                cloud_id = gateway.group(1)
                return (
                    call.endpoint,
                    lambda: self._gateway(call, cloud_id, headers, query, body),
                    None,
                )
        site_rest = re.fullmatch(r"/site/([^/]+)/rest/api/3/(.+)", path)
        if site_rest:
            call = route(method, site_rest.group(2))
            if call is not None:
                slug = site_rest.group(1)
                return (
                    call.endpoint,
                    lambda: self._site_rest(call, slug, headers, query, body),
                    None,
                )
        hop = re.fullmatch(r"/site/([^/]+)/secure/attachment/([0-9]+)/download", path)
        if hop and method == "GET":
            return "attachment_hop", lambda: self._attachment_hop(hop.group(1), hop.group(2)), None
        media = re.fullmatch(r"/media/file/([0-9a-f-]+)/binary", path)
        if media and method == "GET":
            return "media", lambda: self._media(media.group(1)), None
        browse = re.fullmatch(r"/site/([^/]+)/browse/([^/]+)", path)
        if browse and method == "GET":
            return "browse", lambda: self._browse(browse.group(1), browse.group(2)), None
        if path == "/" and method == "GET":
            return "index", self._index, None
        return (
            "unknown",
            lambda: error_collection(404, [f"No sandbox endpoint for {method} {path}"]),
            None,
        )

    def _token(self, params: object) -> Response:
        if not isinstance(params, dict):
            return json_response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Body must be a JSON object or a form",
                },
            )
        return self.sb.auth.token(params)

    def _visible(self, cloud_id: str) -> Site | None:
        if cloud_id in self.sb.faults.hidden_cloud_ids:
            return None
        return self.sb.world.site(cloud_id)

    def _resources(self, headers: Any) -> Response:
        check = self.sb.auth.check_bearer(headers.get("Authorization"))
        if check.grant is None:
            return gateway_error(401, "Unauthorized")
        jira_scopes = [
            s for s in check.grant.scopes if s != "offline_access" and "confluence" not in s
        ]
        out: list[dict[str, Any]] = []
        for cloud_id in check.grant.cloud_ids:
            site = self._visible(cloud_id)
            if site is None or site.cloud_id != cloud_id:
                continue
            entry = {
                "id": site.cloud_id,
                "name": site.name,
                "url": self.sb.api.site_url(site),
                "avatarUrl": site.avatar_url,
            }
            # The Confluence entry comes first so that "take resources[0]" clients fail here
            # as they would in production (the order is documented as arbitrary).
            if site.confluence_scopes:
                out.append({**entry, "scopes": list(site.confluence_scopes)})
            out.append({**entry, "scopes": jira_scopes})
        return json_response(
            200, [{k: e[k] for k in ("id", "name", "url", "scopes", "avatarUrl")} for e in out]
        )

    def _gateway(
        self, call: Any, cloud_id: str, headers: Any, query: dict[str, list[str]], body: bytes
    ) -> Response:
        check = self.sb.auth.check_bearer(headers.get("Authorization"))
        if check.grant is None or check.user is None:
            return gateway_error(401, "Unauthorized")
        site = self._visible(cloud_id)
        if site is None or site.cloud_id != cloud_id or cloud_id not in check.grant.cloud_ids:
            # UNCONFIRMED status and body (jira-cloud.md section 2): configurable.
            return self.sb.faults.site_gone_answer(cloud_id).response()
        if ENDPOINT_SCOPES[call.endpoint] not in check.grant.scopes:
            return gateway_error(401, "Unauthorized; scope does not match")
        if call.endpoint == "attachment_content":
            # Through the gateway the download is a chain of redirects (the site host,
            # then Media Services): a client must follow all of it to see the file id
            # (sooperset/mcp-atlassian#1402).
            answer = self.sb.api.handle(call, site, check.user, query, body, headers)
            if answer.status != 303:
                return answer
            hop = f"{self.sb.api.site_url(site)}/secure/attachment/{call.params[0]}/download"
            return Response(302, b"", {"Location": hop})
        return self.sb.api.handle(call, site, check.user, query, body, headers)

    def _site_rest(
        self, call: Any, slug: str, headers: Any, query: dict[str, list[str]], body: bytes
    ) -> Response:
        site = self.sb.world.site(slug)
        if site is None or site.slug != slug or site.cloud_id in self.sb.faults.hidden_cloud_ids:
            gone = site.cloud_id if site is not None and site.slug == slug else None
            return self.sb.faults.site_gone_answer(gone).response()
        user = self._basic_user(headers.get("Authorization"))
        if user is None or site.cloud_id not in user.sites:
            return error_collection(401, [_NOT_AUTHENTICATED])
        return self.sb.api.handle(call, site, user, query, body, headers)

    def _basic_user(self, authorization: str | None) -> Any:
        if not authorization or not authorization.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        email, _, token = decoded.partition(":")
        user = self.sb.world.user_by_email(email)
        if user is None or not user.api_token or token != user.api_token:
            return None
        return user

    def _attachment_hop(self, slug: str, attachment_id: str) -> Response:
        """The site host's leg of the gateway's download chain: on to Media Services.
        (Real Jira authenticates this leg with the site's session; the sandbox does not:
        the answer is only a redirect and holds no content.)"""
        site = self.sb.world.site(slug)
        if site is None or site.slug != slug:
            return error_collection(404, ["Site not found"])
        from adfkit.sandbox.rest import RestCall

        user = self.sb.world.user(self.sb.world.consenting_user)
        assert user is not None
        return self.sb.api.handle(
            RestCall("attachment_content", [attachment_id]), site, user, {}, b""
        )

    def _media(self, media_id: str) -> Response:
        """Media Services' binary download of a file, by its id."""
        for site in self.sb.world.sites:
            for issue in site.issues:
                found = issue.attachment(media_id)
                if found is not None and found.media_id == media_id:
                    data = base64.b64decode(found.content_b64)
                    return Response(200, data, {"Content-Type": found.mime_type})
        return json_response(404, {"error": "file not found"})

    def _browse(self, slug: str, key: str) -> Response:
        site = self.sb.world.site(slug)
        issue = site.issue(key) if site is not None and site.slug == slug else None
        if site is None or issue is None:
            return html_page(404, "Issue not found", "<h1>Issue does not exist</h1>")
        from adfkit.formats.text import to_text  # only the browse page needs the renderer

        description = issue.fields.get("description")
        text = to_text(description) if isinstance(description, dict) else ""
        body = (
            f'<h1 id="key">{html.escape(issue.key)}</h1>\n'
            f'<h2 id="summary">{html.escape(str(issue.fields.get("summary", "")))}</h2>\n'
            f'<pre id="description">{html.escape(text)}</pre>'
        )
        return html_page(200, f"[{issue.key}] {issue.fields.get('summary', '')}", body)

    def _index(self) -> Response:
        sites = "".join(
            f"<li>{html.escape(s.name)}: <code>{html.escape(self.sb.api.site_url(s))}</code>"
            f" (cloud id <code>{html.escape(s.cloud_id)}</code>)</li>"
            for s in self.sb.world.sites
        )
        return html_page(
            200,
            "adfkit Jira sandbox",
            f"<h1>adfkit Jira sandbox</h1><p>Auth and API base: <code>{self.sb.base_url}</code></p>"
            f"<ul>{sites}</ul><p>Control API: <code>{self.sb.base_url}/_sandbox/</code></p>",
        )


def _token_params(content_type: str, body: bytes) -> object:
    text = body.decode("utf-8", "replace")
    if content_type.split(";")[0].strip() == "application/x-www-form-urlencoded":
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    try:
        return json.loads(text)
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "adfkit-jira-sandbox"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stderr access log: the sandbox keeps its own, secret-free log."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        sb = self.server.sandbox
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        endpoint, handler, grant_type = sb._app.route(
            self.command, parts.path, query, self.headers, body
        )
        # Control calls are neither faulted nor logged: they steer the test, they are not
        # traffic under test.
        control = endpoint == "control"
        faultable = endpoint not in ("index", "unknown", "control", "attachment_hop", "media")
        fault = sb.faults.take(endpoint) if faultable else None
        kind = fault.kind if fault else None

        def log(status: int | None) -> None:
            if not control:
                sb._log(LoggedRequest(self.command, parts.path, endpoint, status, grant_type, kind))

        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "drop_before":
            log(None)
            self._drop()
            return
        canned = fault.response(sb._utcnow()) if fault is not None else None
        if canned is not None:
            log(canned.status)
            self._send(canned)
            return
        with sb._lock:
            try:
                response = handler()
            except Exception as exc:  # a sandbox bug: answer 500 rather than drop the socket
                sys.stderr.write(f"jira sandbox: {endpoint} failed: {type(exc).__name__}: {exc}\n")
                response = error_collection(500, [f"Sandbox error in {endpoint}"])
            if self.command in ("POST", "PUT", "DELETE"):
                sb.save()
        log(None if kind == "drop_after" else response.status)
        if kind == "drop_after":
            self._drop()
            return
        self._send(response)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


class Sandbox:
    """A local Jira Cloud stand-in; ``with Sandbox() as sb:`` serves on a free port.

    ``sb.base_url`` is both the auth URL and the API URL. ``sb.world`` is the live data,
    ``sb.faults`` the fault injector, ``sb.clock.advance(s)`` moves the sandbox's time,
    ``sb.requests`` the request log. See docs/sandbox.md.

    With ``state_file``, an existing file wins over ``world`` (it is the saved world);
    ``redirect_uris``, ``client_secret`` and ``page_limit`` still override what it holds.
    A file that cannot be read or has the wrong shape raises ``StateFileError`` naming
    the file and the JSON path of the problem.

    ``unknown_cloud_id_status``/``unknown_cloud_id_body`` are the answer for a cloud id
    the sandbox does not know or the grant does not cover (UNCONFIRMED on Atlassian's
    side); the body defaults to ``{"errorMessage": "Site temporarily unavailable",
    "errorCode": "OTHER"}``. ``faults.unknown_cloud_id(...)`` changes it at run time.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        world: World | None = None,
        access_token_lifetime: int = 3600,
        refresh_leeway: float = 600.0,
        redirect_uris: list[str] | None = None,
        client_secret: str | None = None,
        state_file: str | Path | None = None,
        page_limit: int | None = None,
        code_lifetime: float = 120.0,
        unknown_cloud_id_status: int = 404,
        unknown_cloud_id_body: Any = None,
    ) -> None:
        self.port = port
        self.host = host
        self.state_file = Path(state_file) if state_file is not None else None
        saved: dict[str, Any] | None = None
        if self.state_file is not None and self.state_file.exists():
            saved = _read_state(self.state_file)
            world = _load(self.state_file, World.from_json, saved["world"])
        elif world is None:
            world = default_world()
        if not world.clients:
            raise ValueError("the sandbox world needs at least one OAuth client")
        client = world.clients[0]
        if redirect_uris is not None:
            client.redirect_uris = list(redirect_uris)
        if client_secret is not None:
            client.client_secret = client_secret
        if page_limit is not None:
            world.page_limit = page_limit
        self.world = world
        self.clock = Clock()
        self.auth = AuthServer(
            world,
            self.clock,
            access_token_lifetime=access_token_lifetime,
            refresh_leeway=refresh_leeway,
            code_lifetime=code_lifetime,
        )
        if saved is not None and self.state_file is not None:
            _load(self.state_file, self.auth.load_json, saved.get("oauth", {}))
        self.faults = Faults(
            self.auth,
            SiteGone(
                unknown_cloud_id_status,
                dict(SITE_GONE_BODY) if unknown_cloud_id_body is None else unknown_cloud_id_body,
            ),
        )
        self.api = JiraApi(world, "")
        self._app = _App(self)
        self._lock = threading.RLock()
        self._log_lock = threading.Lock()
        self._requests: list[LoggedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "stopped"
        return f"<Sandbox {where}>"

    # ---- lifecycle ------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self.api.base_url = self.base_url
        self._thread = threading.Thread(
            # A short poll interval makes stop() quick (tests start one sandbox each).
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="jira-sandbox",
            daemon=True,
        )
        self._thread.start()
        try:
            self.save()
        except OSError as exc:
            self.stop()
            raise StateFileError(f"{self.state_file}: cannot be written: {exc.strerror}") from None
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- addresses and credentials --------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def auth_url(self) -> str:
        return self.base_url

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def client_id(self) -> str:
        return self.world.clients[0].client_id

    @property
    def client_secret(self) -> str:
        return self.world.clients[0].client_secret

    @property
    def redirect_uris(self) -> list[str]:
        return list(self.world.clients[0].redirect_uris)

    def site_url(self, slug_or_cloud_id: str) -> str:
        site = self.world.site(slug_or_cloud_id)
        if site is None:
            raise KeyError(f"no site {slug_or_cloud_id!r} in the sandbox world")
        return self.api.site_url(site)

    def authorize_url(
        self,
        scope: str = DEFAULT_SCOPES,
        state: str = "sandbox-state",
        redirect_uri: str | None = None,
    ) -> str:
        """An authorization URL for the sandbox's client, as a 3LO app would build it."""
        from urllib.parse import urlencode

        params = {
            "audience": "api.atlassian.com",
            "client_id": self.client_id,
            "scope": scope,
            "redirect_uri": redirect_uri or self.redirect_uris[0],
            "state": state,
            "response_type": "code",
            "prompt": "consent",
        }
        return f"{self.auth_url}/authorize?{urlencode(params)}"

    # ---- observation ----------------------------------------------------------------

    def _log(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self._requests.append(entry)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self._requests)

    def count(self, endpoint: str | None = None, **match: object) -> int:
        """How many logged requests hit ``endpoint`` (any when None) with the given
        attributes, e.g. ``count("token", grant_type="refresh_token")`` or
        ``count("create_issue", status=201)``."""
        return sum(
            1
            for r in self.requests
            if (endpoint is None or r.endpoint == endpoint)
            and all(getattr(r, k) == v for k, v in match.items())
        )

    def issues(self, site: str = "acme", project: str | None = None) -> list[Issue]:
        """Issues created on a site (by slug or cloud id), optionally of one project key."""
        found = self.world.site(site)
        if found is None:
            raise KeyError(f"no site {site!r} in the sandbox world")
        with self._lock:
            return [i for i in found.issues if project is None or i.project_key == project]

    # ---- state changes --------------------------------------------------------------

    def expire_access_tokens(self) -> int:
        with self._lock:
            n = self.faults.expire_access_tokens()
            self.save()
        return n

    def revoke_all(self) -> int:
        with self._lock:
            n = self.faults.revoke_grant(None)
            self.save()
        return n

    def save(self) -> None:
        """Write world and OAuth state to ``state_file`` (if any), atomically, mode 0600."""
        if self.state_file is None:
            return
        with self._lock:
            write_json_atomic(
                self.state_file, {"world": self.world.to_json(), "oauth": self.auth.to_json()}
            )

    def _utcnow(self) -> Any:
        import datetime as dt

        return dt.datetime.fromtimestamp(self.clock.now(), dt.timezone.utc)

    # ---- a browser, for automated consent -------------------------------------------

    def approve(self, authorize_url: str) -> str:
        from adfkit.sandbox.browser import approve

        return approve(authorize_url)
