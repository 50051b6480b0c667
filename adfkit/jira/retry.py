"""When to resend an HTTP request to Atlassian, and how long to wait first.

One loop, ``send_with_retries``, used by ``JiraClient`` (REST calls), the token endpoint
(code exchange and refresh) and accessible-resources. Each caller says which retries
are safe for its request:

- a connection that was never made (``ConnectError``, ``ConnectTimeout``,
  ``PoolTimeout``) is always retried: nothing reached the server;
- 429 is always retried: Jira did not process the request;
- 503 with ``Retry-After`` is retried: the server asked for it; a 503 without it may
  come from a proxy after the backend did the work, so it is retried only when the
  caller says a repeat is harmless (``bare_503=True``);
- failures after the request went out (read timeouts, dropped connections) are retried
  only when the caller says a repeat is harmless (``after_sending=True``);
- a URL httpx cannot send to, an undecodable answer or a redirect loop is never retried.

Waits: ``Retry-After`` seconds (or HTTP date) when given; ``Retry-After: 0`` or no header
means a jittered exponential backoff (jitter factor in [0.7, 1.3], as in Atlassian's
pseudo-code). A ``Retry-After`` longer than ``max_wait`` is not shortened, since a request
resent early fails again with the same or a longer wait: it stops with ``JiraApiError``.
The sleep and jitter functions are injectable so tests never really wait.

Limits: at most ``max_retries`` resends; the loop never reads or parses bodies.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adfkit.jira.errors import JiraApiError

__all__ = [
    "NOT_SENT",
    "RetryPolicy",
    "TransportFailure",
    "retry_after_seconds",
    "send_with_retries",
]

DEFAULT_MAX_RETRIES = 4  # Atlassian's pseudo-code: maxRetries = 4
DEFAULT_MAX_WAIT = 60.0

# Exceptions httpx raises before any byte of the request left this machine: a connection
# that could not be made (worth retrying) and a URL it cannot send to (not worth it).
NOT_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
_UNSENDABLE = (httpx.UnsupportedProtocol,)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait: ``max_retries`` resends, no single wait above
    ``max_wait`` seconds."""

    max_retries: int = DEFAULT_MAX_RETRIES
    max_wait: float = DEFAULT_MAX_WAIT
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def backoff(self, attempt: int, base: float = 1.0) -> float:
        """The wait before resend number ``attempt + 1`` when the server named none."""
        return float(min(self.max_wait, base * 2**attempt) * (0.7 + 0.6 * self.jitter()))


class TransportFailure(Exception):
    """The request failed on the wire and is not retried (any more).

    ``may_have_arrived`` is False only when the connection was never made. Callers turn
    this into their own ``JiraError``; it never leaves ``adfkit.jira``.
    """

    def __init__(self, error: httpx.RequestError, attempts: int) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.attempts = attempts
        self.may_have_arrived = not isinstance(error, NOT_SENT + _UNSENDABLE)

    @property
    def kind(self) -> str:
        return type(self.error).__name__


def retry_after_seconds(header: str) -> float | None:
    """``Retry-After`` in seconds: delta-seconds (what Jira sends) or an HTTP date (RFC 9110
    allows both); None when it is neither."""
    try:
        seconds = float(header)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def send_with_retries(
    send: Callable[[], httpx.Response],
    policy: RetryPolicy,
    *,
    what: str,
    after_sending: bool,
    bare_503: bool,
) -> httpx.Response:
    """Call ``send`` until it gives an answer that is not to be retried, and return it.

    ``what`` names the server in messages ("Jira", "the token endpoint"). Raises
    ``JiraApiError`` when 429/503 persist or ``Retry-After`` exceeds ``max_wait``, and
    ``TransportFailure`` when a wire failure is not (or no longer) retried. A 503 without
    ``Retry-After`` is returned unretried when ``bare_503`` is False.
    """
    attempt = 0
    while True:
        try:
            response = send()
        except httpx.RequestError as exc:
            # Other RequestErrors (an undecodable body, a redirect loop) come with an answer:
            # resending would get the same answer again.
            retryable = isinstance(exc, NOT_SENT) or (
                after_sending
                and isinstance(exc, httpx.TransportError)
                and not isinstance(exc, _UNSENDABLE)
            )
            if not retryable or attempt >= policy.max_retries:
                raise TransportFailure(exc, attempt + 1) from None
            policy.sleep(policy.backoff(attempt))
            attempt += 1
            continue
        status = response.status_code
        if status not in (429, 503):
            return response
        header = response.headers.get("Retry-After")
        if status == 503 and header is None and not bare_503:
            return response
        asked = retry_after_seconds(header) if header is not None else None
        if asked is not None and asked > policy.max_wait:
            raise JiraApiError(
                f"{what} asks to wait {math.ceil(asked)} s (more than max_wait "
                f"{policy.max_wait:g} s); try again later",
                status=status,
            )
        if attempt >= policy.max_retries:
            state = "rate limited" if status == 429 else "unavailable"
            raise JiraApiError(
                f"{what} is {state} (HTTP {status}); gave up after {attempt + 1} attempts",
                status=status,
            )
        if asked is not None and asked > 0:
            wait = asked
        elif asked == 0:
            wait = policy.backoff(attempt, base=0.5)  # "retry soon", not "hammer"
        else:
            wait = policy.backoff(attempt)
        policy.sleep(wait)
        attempt += 1
