"""The sandbox's control API: inject faults into, and look inside, a sandbox that runs in
another process (``adfkit jira sandbox``), over plain HTTP under the reserved prefix
``/_sandbox/``. Atlassian has no path starting with ``/_``, so no real route collides.

Routes (bodies and answers are JSON):

* ``GET /_sandbox/`` lists these routes;
* ``POST /_sandbox/faults`` queues a request fault (201), ``GET`` lists the pending ones,
  ``DELETE`` clears them (un-hides cloud ids, restores the unknown-cloud-id answer);
* ``POST /_sandbox/expire-access-tokens``, ``POST /_sandbox/revoke`` (``{"account_id"}``
  optional), ``POST /_sandbox/wrong-cloud-id`` (``{"cloud_id", "status", "body"}``; the
  last two optional; without ``cloud_id`` they set the answer for every unknown cloud id),
  ``POST /_sandbox/clock`` (``{"advance": seconds}``);
* ``GET /_sandbox/requests[?endpoint=NAME]`` the request log, ``GET
  /_sandbox/issues?site=acme[&project=PAY]`` the issues created.

Browsers on the same machine: a page from any site could aim a request at the sandbox's
port. Two checks keep it out (issue 16): a ``Host`` header that is not the sandbox's own
address (``127.0.0.1``, ``localhost`` or ``[::1]`` with its port, or the host it binds)
answers 403, so a DNS-rebinding page (``Host: evil.example``) reads nothing; and a
``POST`` or ``DELETE`` needs ``Content-Type: application/json`` (415 otherwise), a type
no cross-origin form or ``text/plain`` "simple request" can send without a CORS
preflight, which the sandbox never grants. An empty JSON body still counts as ``{}``.

Limits: no authentication, by design: the server binds 127.0.0.1 and everything here is
test data. Nothing it returns holds a token, code or secret: the request log never
stored any, issues are what clients sent, and the state calls answer only counts.
Control calls are not faulted and not written to the request log. Bad input answers
400 ``{"error", "key", "allowed"}`` naming the offending key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Protocol

from adfkit.sandbox.faults import ENDPOINTS, KINDS, Fault, Faults
from adfkit.sandbox.responses import Response, json_response

if TYPE_CHECKING:
    from adfkit.sandbox.oauth import Clock
    from adfkit.sandbox.rest import JiraApi
    from adfkit.sandbox.world import Issue, World

__all__ = ["PREFIX", "ControlError", "control_route", "fault_from_json", "parse_fault_spec"]

PREFIX = "/_sandbox"
FAULT_KEYS = ("endpoint", "kind", "count", "retry_after", "html", "delay", "reason")
_ENDPOINT_CHOICES = ["*", *sorted(ENDPOINTS)]


class ControlError(ValueError):
    """Bad control input: ``key`` names the offending JSON key, ``allowed`` what it may be."""

    def __init__(self, key: str | None, message: str, allowed: list[str] | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
        self.allowed = allowed

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.message, "key": self.key}
        if self.allowed is not None:
            body["allowed"] = self.allowed
        return json_response(400, body)


class Controlled(Protocol):
    """What the control API steers: the parts of ``server.Sandbox`` it reads and changes.

    A protocol rather than an import of ``server``, which imports this module to route
    control paths: the two modules no longer import each other.
    """

    world: World
    faults: Faults
    clock: Clock
    api: JiraApi
    host: str
    port: int

    @property
    def requests(self) -> list[Any]: ...

    def issues(self, site: str = ..., project: str | None = ...) -> list[Issue]: ...

    def expire_access_tokens(self) -> int: ...


# ---- fault input ------------------------------------------------------------------------


def _int(
    data: dict[str, Any], key: str, default: int | None, minimum: int, *, nullable: bool = False
) -> int | None:
    if key not in data:
        return default
    value = data[key]
    if value is None and nullable:
        return None
    # bool is an int subclass; "count": true is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ControlError(key, f"{key} must be an integer of at least {minimum}, got {value!r}")
    return value


def _number(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ControlError(key, f"{key} must be a number of at least 0, got {value!r}")
    return float(value)


def fault_from_json(data: object) -> Fault:
    """A validated ``Fault`` from a JSON object; defaults follow ``Faults``' methods
    (``retry_after`` 1 for rate_limit and none for unavailable, ``delay`` 1.0 for slow)."""
    if not isinstance(data, dict):
        raise ControlError(None, "the body must be a JSON object", list(FAULT_KEYS))
    for key in data:
        if key not in FAULT_KEYS:
            raise ControlError(key, f"unknown key {key!r}", list(FAULT_KEYS))
    endpoint = data.get("endpoint", "*")
    if endpoint not in _ENDPOINT_CHOICES:
        raise ControlError("endpoint", f"unknown endpoint {endpoint!r}", _ENDPOINT_CHOICES)
    kind = data.get("kind")
    if kind not in KINDS:
        message = "kind is required" if kind is None else f"unknown fault kind {kind!r}"
        raise ControlError("kind", message, sorted(KINDS))
    count = _int(data, "count", 1, 1)
    assert count is not None  # a default of 1 never yields None
    retry_after: int | None = None
    if kind in ("rate_limit", "unavailable"):
        default = 1 if kind == "rate_limit" else None
        retry_after = _int(data, "retry_after", default, 0, nullable=True)
    elif data.get("retry_after") is not None:
        raise ControlError("retry_after", f"retry_after does not apply to {kind}")
    html = data.get("html", False)
    if not isinstance(html, bool):
        raise ControlError("html", f"html must be true or false, got {html!r}", ["true", "false"])
    delay = _number(data, "delay", 1.0 if kind == "slow" else 0.0)
    reason = data.get("reason", "jira-burst-based")
    if not isinstance(reason, str) or not reason:
        raise ControlError("reason", f"reason must be a non-empty string, got {reason!r}")
    return Fault(endpoint, kind, count, retry_after, html, delay, reason)


def parse_fault_spec(spec: str) -> Fault:
    """``ENDPOINT:KIND[:COUNT][:RETRY_AFTER]`` as given to ``adfkit jira sandbox --fault``.
    For ``slow`` the fourth part is the delay in seconds instead."""
    parts = spec.split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise ControlError(None, "expected ENDPOINT:KIND[:COUNT][:RETRY_AFTER]")
    data: dict[str, Any] = {"endpoint": parts[0], "kind": parts[1]}
    try:
        if len(parts) > 2:
            data["count"] = int(parts[2])
        if len(parts) > 3:
            data["delay" if parts[1] == "slow" else "retry_after"] = (
                float(parts[3]) if parts[1] == "slow" else int(parts[3])
            )
    except ValueError:
        raise ControlError(None, "COUNT and RETRY_AFTER must be whole numbers") from None
    return fault_from_json(data)


def fault_json(fault: Fault) -> dict[str, Any]:
    return asdict(fault)


# ---- routes -----------------------------------------------------------------------------

Handler = Callable[[], Response]


def _body(raw: bytes, *keys: str) -> dict[str, Any]:
    """The JSON object of a request body, holding no key but ``keys``; an empty body
    counts as ``{}``."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ControlError(None, "the body is not valid JSON", list(keys)) from None
    if not isinstance(data, dict):
        raise ControlError(None, "the body must be a JSON object", list(keys))
    for key in data:
        if key not in keys:
            raise ControlError(key, f"unknown key {key!r}", list(keys))
    return data


class _Control:
    """The handlers; each runs under the sandbox's lock (see ``_Handler._serve``)."""

    def __init__(self, sb: Controlled, query: dict[str, list[str]], raw: bytes) -> None:
        self.sb = sb
        self.query = query
        self.raw = raw

    def index(self) -> Response:
        return json_response(200, {"routes": [f"{m} {PREFIX}/{p}" for p, m in _ROUTE_LIST]})

    def add_fault(self) -> Response:
        fault = self.sb.faults.add(fault_from_json(_body(self.raw, *FAULT_KEYS)))
        return json_response(201, fault_json(fault))

    def list_faults(self) -> Response:
        faults = self.sb.faults
        return json_response(
            200,
            {
                "faults": [fault_json(f) for f in faults.pending()],
                "hidden_cloud_ids": sorted(faults.hidden_cloud_ids),
                "unknown_cloud_id": faults.site_gone_answer().to_json(),
            },
        )

    def clear_faults(self) -> Response:
        cleared = len(self.sb.faults.pending())
        self.sb.faults.clear()
        return json_response(200, {"cleared": cleared})

    def expire(self) -> Response:
        _body(self.raw)
        return json_response(200, {"expired": self.sb.expire_access_tokens()})

    def revoke(self) -> Response:
        data = _body(self.raw, "account_id")
        account_id = data.get("account_id")
        if account_id is not None and self.sb.world.user(str(account_id)) is None:
            known = [u.account_id for u in self.sb.world.users]
            raise ControlError("account_id", f"no user {account_id!r}", known)
        return json_response(200, {"revoked": self.sb.faults.revoke_grant(account_id)})

    def wrong_cloud_id(self) -> Response:
        data = _body(self.raw, "cloud_id", "status", "body")
        cloud_id = data.get("cloud_id")
        status = data.get("status")
        body = data.get("body")
        if status is not None and (
            not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599
        ):
            raise ControlError("status", f"status must be an integer 400-599, got {status!r}")
        if body is not None and not isinstance(body, (dict, list)):
            raise ControlError("body", f"body must be a JSON object or array, got {body!r}")
        faults = self.sb.faults
        if cloud_id is None and (status is not None or body is not None):
            # No cloud id: the answer for every unknown cloud id changes.
            answer = faults.unknown_cloud_id(status=404 if status is None else status, body=body)
            return json_response(200, {"unknown_cloud_id": answer.to_json()})
        known = [s.cloud_id for s in self.sb.world.sites]
        if cloud_id not in known:
            message = (
                "cloud_id (or status/body for every unknown cloud id) is required"
                if cloud_id is None
                else f"no site {cloud_id!r}"
            )
            raise ControlError("cloud_id", message, known)
        answer = faults.wrong_cloud_id(str(cloud_id), status=status, body=body)
        return json_response(
            200,
            {"hidden_cloud_ids": sorted(faults.hidden_cloud_ids), "answer": answer.to_json()},
        )

    def clock(self) -> Response:
        data = _body(self.raw, "advance")
        if "advance" not in data:
            raise ControlError("advance", "advance (seconds, at least 0) is required")
        self.sb.clock.advance(_number(data, "advance", 0.0))
        return json_response(200, {"offset": self.sb.clock.offset})

    def requests(self) -> Response:
        wanted = self.query.get("endpoint", [None])[0]
        entries = [asdict(r) for r in self.sb.requests if wanted in (None, r.endpoint)]
        return json_response(200, {"requests": entries})

    def issues(self) -> Response:
        slug = self.query.get("site", ["acme"])[0]
        project = self.query.get("project", [None])[0]
        site = self.sb.world.site(slug)
        if site is None:
            known = [s.slug for s in self.sb.world.sites]
            raise ControlError("site", f"no site {slug!r}", known)
        url = self.sb.api.site_url(site)
        return json_response(
            200,
            {
                "issues": [
                    {
                        "id": i.id,
                        "key": i.key,
                        "project": i.project_key,
                        "browse": f"{url}/browse/{i.key}",
                        "fields": i.fields,
                    }
                    for i in self.sb.issues(site.cloud_id, project)
                ]
            },
        )


# (path below the prefix, method) -> handler name; the order is the order of the index.
_ROUTES: dict[tuple[str, str], Callable[[_Control], Response]] = {
    ("", "GET"): _Control.index,
    ("faults", "POST"): _Control.add_fault,
    ("faults", "GET"): _Control.list_faults,
    ("faults", "DELETE"): _Control.clear_faults,
    ("expire-access-tokens", "POST"): _Control.expire,
    ("revoke", "POST"): _Control.revoke,
    ("wrong-cloud-id", "POST"): _Control.wrong_cloud_id,
    ("clock", "POST"): _Control.clock,
    ("requests", "GET"): _Control.requests,
    ("issues", "GET"): _Control.issues,
}
_ROUTE_LIST = list(_ROUTES)


def is_control_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


_STATE_CHANGING = frozenset({"POST", "PUT", "DELETE", "PATCH"})


def _own_hosts(sb: Controlled) -> set[str]:
    """The ``Host`` values a request to this sandbox can honestly carry."""
    names = {"127.0.0.1", "localhost", "[::1]", sb.host if ":" not in sb.host else f"[{sb.host}]"}
    return {f"{name}:{sb.port}".casefold() for name in names}


def refusal(sb: Controlled, method: str, headers: Mapping[str, str]) -> Response | None:
    """403 for a foreign ``Host`` (DNS rebinding), 415 for a state change that is not
    ``application/json`` (blind CSRF); None when the request may go on."""
    host = (headers.get("Host") or "").strip().casefold()
    if host not in _own_hosts(sb):
        return json_response(
            403,
            {
                "error": f"the control API answers only its own address, not Host {host!r}",
                "key": "Host",
                "allowed": sorted(_own_hosts(sb)),
            },
        )
    media_type = (headers.get("Content-Type") or "").split(";")[0].strip().casefold()
    if method in _STATE_CHANGING and media_type != "application/json":
        return json_response(
            415,
            {
                "error": f"{method} needs Content-Type: application/json, got "
                f"{media_type or 'none'!r}",
                "key": "Content-Type",
                "allowed": ["application/json"],
            },
        )
    return None


def control_route(
    sb: Controlled,
    method: str,
    path: str,
    query: dict[str, list[str]],
    body: bytes,
    headers: Mapping[str, str],
) -> Handler:
    """The handler for a path under ``/_sandbox``: 403/415 for a request a browser page
    could have forged (see the module docstring), 404 for an unknown path, 405 (with
    ``Allow``) for a known path and the wrong method, 400 for bad input."""
    sub = path[len(PREFIX) :].strip("/")
    action = _ROUTES.get((sub, method))

    def run() -> Response:
        refused = refusal(sb, method, headers)
        if refused is not None:
            return refused
        if action is not None:
            try:
                return action(_Control(sb, query, body))
            except ControlError as exc:
                return exc.response()
        allowed = [m for p, m in _ROUTE_LIST if p == sub]
        if allowed:
            return json_response(
                405,
                {"error": f"{method} is not allowed on {path}", "allowed": allowed},
                {"Allow": ", ".join(allowed)},
            )
        routes = [f"{m} {PREFIX}/{p}" for p, m in _ROUTE_LIST]
        return json_response(404, {"error": f"no control route {path}", "allowed": routes})

    return run
