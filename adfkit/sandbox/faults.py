"""Fault injection for the sandbox: make the next N requests to an endpoint (or to any
endpoint, ``"*"``) fail the way Atlassian's servers sometimes do, and change server state
the way the outside world does (tokens expire, a user revokes the app, a site goes away).

Request faults are queued and consumed in order; a fault for a named endpoint is used
before a ``"*"`` fault. Kinds:

* ``rate_limit``: 429 with ``Retry-After`` (seconds, may be 0; ``None`` omits it),
  ``X-RateLimit-Reset`` and ``RateLimit-Reason``; ``html=True`` gives an HTML body;
* ``unavailable``: 503, with or without ``Retry-After``;
* ``slow``: sleep ``delay`` seconds, then answer normally;
* ``drop_before``: close the connection without reading on (the request never ran);
* ``drop_after``: run the request (an issue *is* created), then close without answering.

State faults: ``expire_access_tokens``, ``revoke_grant`` and ``wrong_cloud_id``. What a
hidden or unknown cloud id answers is UNCONFIRMED (jira-cloud.md section 2), so it is
configurable: per hidden cloud id (``wrong_cloud_id(..., status=, body=)``) and for the
whole sandbox (``unknown_cloud_id(status=, body=)``, or ``Sandbox(unknown_cloud_id_status=,
unknown_cloud_id_body=)``); the default is ``404 {"errorMessage": "Site temporarily
unavailable", "errorCode": "OTHER"}``, the one site-level body ever observed.

Reuse detection of refresh tokens needs no fault: it is part of the token endpoint.
Endpoint names: ``authorize``, ``token``, ``accessible_resources``, ``myself``, ``project``,
``createmeta_issuetypes``, ``createmeta_fields``, ``create_issue``, ``get_issue``,
``edit_issue``, ``editmeta``, ``get_comments``, ``get_comment``, ``add_comment``,
``edit_comment``, ``comment_property``, ``add_attachment``, ``attachment``,
``attachment_content``, ``get_transitions``, ``do_transition``, ``user_search``, ``browse``.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adfkit.sandbox.responses import Response, html_page, json_response
from adfkit.sandbox.rest import ENDPOINT_SCOPES

if TYPE_CHECKING:
    from adfkit.sandbox.oauth import AuthServer

__all__ = ["ENDPOINTS", "SITE_GONE_BODY", "Fault", "Faults", "SiteGone"]

# The only site-level "no such site" body found (trufflehog#3674, a site host, not the
# gateway): the sandbox's default answer for an unknown or hidden cloud id.
SITE_GONE_BODY: dict[str, Any] = {
    "errorMessage": "Site temporarily unavailable",
    "errorCode": "OTHER",
}

# Every endpoint of the request log: the OAuth ones, the browse page and the REST calls.
ENDPOINTS = frozenset({"authorize", "token", "accessible_resources", "browse", *ENDPOINT_SCOPES})
KINDS = frozenset({"rate_limit", "unavailable", "slow", "drop_before", "drop_after"})


@dataclass
class Fault:
    endpoint: str
    kind: str
    count: int = 1
    retry_after: int | None = None
    html: bool = False
    delay: float = 0.0
    reason: str = "jira-burst-based"

    def response(self, now: dt.datetime) -> Response | None:
        """The answer this fault gives, or None for kinds that do not answer by themselves."""
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.kind == "rate_limit":
            reset = now + dt.timedelta(seconds=self.retry_after or 1)
            headers["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%M:%SZ")
            headers["X-RateLimit-Limit"] = "350"
            headers["X-RateLimit-Remaining"] = "0"
            headers["RateLimit-Reason"] = self.reason
            if self.html:
                return html_page(
                    429,
                    "Oops - an error has occurred",
                    "<h1>Oops - an error has occurred</h1>"
                    '<p class="error429">Rate limit exceeded.</p>',
                    headers,
                )
            return json_response(
                429,
                {"errorMessages": ["Rate limit exceeded."], "errors": {}},  # UNCONFIRMED shape
                headers,
            )
        if self.kind == "unavailable":
            return json_response(
                503,
                {"errorMessages": ["Service unavailable. Please try again later."], "errors": {}},
                headers,
            )
        return None


@dataclass(frozen=True)
class SiteGone:
    """What a request for an unknown or hidden cloud id (or site) answers: an error
    ``status`` (400-599) and a JSON ``body``."""

    status: int = 404
    body: Any = field(default_factory=lambda: dict(SITE_GONE_BODY))

    def __post_init__(self) -> None:
        if not isinstance(self.status, int) or isinstance(self.status, bool):
            raise ValueError(f"status must be an integer, got {self.status!r}")
        if not 400 <= self.status <= 599:
            raise ValueError(f"status must be an error status (400-599), got {self.status}")
        if not isinstance(self.body, (dict, list)):
            raise ValueError(f"body must be a JSON object or array, got {self.body!r}")

    def response(self) -> Response:
        return json_response(self.status, copy.deepcopy(self.body))

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "body": copy.deepcopy(self.body)}


class Faults:
    """The fault queue of one sandbox plus the state-changing faults. ``site_gone`` is
    the configured answer for unknown cloud ids that ``clear()`` returns to."""

    def __init__(self, auth: AuthServer, site_gone: SiteGone | None = None) -> None:
        self._auth = auth
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self._hidden: dict[str, SiteGone | None] = {}
        self._configured = site_gone or SiteGone()
        self._site_gone = self._configured

    def __repr__(self) -> str:
        return f"<Faults pending={self.pending()!r}>"

    # ---- request faults -------------------------------------------------------------

    def add(self, fault: Fault) -> Fault:
        if fault.endpoint != "*" and fault.endpoint not in ENDPOINTS:
            raise ValueError(
                f"unknown endpoint {fault.endpoint!r}; use '*' or one of {sorted(ENDPOINTS)}"
            )
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {sorted(KINDS)}")
        if fault.count < 1:
            raise ValueError(f"count must be at least 1, got {fault.count}")
        with self._lock:
            self._queue.append(fault)
        return fault

    def rate_limit(
        self,
        endpoint: str = "*",
        count: int = 1,
        *,
        retry_after: int | None = 1,
        html: bool = False,
        reason: str = "jira-burst-based",
    ) -> Fault:
        """429 for the next ``count`` requests; ``retry_after=None`` sends no Retry-After."""
        return self.add(Fault(endpoint, "rate_limit", count, retry_after, html, reason=reason))

    def unavailable(
        self, endpoint: str = "*", count: int = 1, *, retry_after: int | None = None
    ) -> Fault:
        """503 for the next ``count`` requests, with ``Retry-After`` when given."""
        return self.add(Fault(endpoint, "unavailable", count, retry_after))

    def slow(self, endpoint: str = "*", delay: float = 1.0, count: int = 1) -> Fault:
        """Delay the next ``count`` requests by ``delay`` seconds, then answer normally."""
        return self.add(Fault(endpoint, "slow", count, delay=delay))

    def drop_before(self, endpoint: str = "*", count: int = 1) -> Fault:
        """Close the connection of the next ``count`` requests before running them."""
        return self.add(Fault(endpoint, "drop_before", count))

    def drop_after(self, endpoint: str = "*", count: int = 1) -> Fault:
        """Run the next ``count`` requests, then close the connection without an answer."""
        return self.add(Fault(endpoint, "drop_after", count))

    def take(self, endpoint: str) -> Fault | None:
        """Consume one use of the first fault that applies to ``endpoint``."""
        with self._lock:
            for wanted in (endpoint, "*"):
                for fault in self._queue:
                    if fault.endpoint == wanted and fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self._queue.remove(fault)
                        return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._hidden.clear()
            self._site_gone = self._configured

    # ---- state faults ---------------------------------------------------------------

    def expire_access_tokens(self) -> int:
        """Every access token issued so far is expired from now on (refresh still works)."""
        return self._auth.expire_access_tokens()

    def revoke_grant(self, account_id: str | None = None) -> int:
        """The user (every user when None) removed the app: all their tokens stop working."""
        return self._auth.revoke_grants(account_id)

    def wrong_cloud_id(
        self, cloud_id: str, *, status: int | None = None, body: Any = None
    ) -> SiteGone:
        """The site is gone for every caller: accessible-resources no longer lists it and
        REST calls with this cloud id (or on its site host) get ``status`` and ``body``.
        Left out, each comes from the sandbox-wide answer (``unknown_cloud_id``), so by
        default 404 "Site temporarily unavailable". Returns the answer in force for it."""
        own = None
        if status is not None or body is not None:
            default = self.site_gone_answer()
            own = SiteGone(
                default.status if status is None else status,
                default.body if body is None else body,
            )
        with self._lock:
            self._hidden[cloud_id] = own
        return self.site_gone_answer(cloud_id)

    def unknown_cloud_id(self, *, status: int = 404, body: Any = None) -> SiteGone:
        """Set the sandbox-wide answer for a cloud id the sandbox does not know, a site
        outside the grant, and hidden cloud ids without their own answer; ``body=None``
        is the "Site temporarily unavailable" body. ``clear()`` restores the answer the
        sandbox was started with."""
        answer = SiteGone(status, dict(SITE_GONE_BODY) if body is None else body)
        with self._lock:
            self._site_gone = answer
        return answer

    def site_gone_answer(self, cloud_id: str | None = None) -> SiteGone:
        """The answer in force for ``cloud_id`` (the sandbox-wide one when None or when
        the cloud id has no answer of its own)."""
        with self._lock:
            own = self._hidden.get(cloud_id) if cloud_id is not None else None
            return own or self._site_gone

    @property
    def hidden_cloud_ids(self) -> frozenset[str]:
        """Cloud ids made to vanish by ``wrong_cloud_id`` (until ``clear()``)."""
        with self._lock:
            return frozenset(self._hidden)
