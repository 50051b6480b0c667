"""Playing the user's browser against the sandbox's consent page, over real HTTP.

``approve`` and ``deny`` load the consent page and submit its Accept or Deny form,
returning the redirect the browser would follow. ``consenting_browser`` goes one step
further: it is an ``opener`` for ``adfkit.jira.login`` (the place a real program calls
``webbrowser.open``) that does all of it in a background thread and then follows the
redirect to the program's loopback callback, as a browser would. ``loopback_redirect_uri``
gives a callback URI on a free port to register with ``Sandbox(redirect_uris=[...])``.
"""

from __future__ import annotations

import html
import re
import socket
import threading
from collections.abc import Callable
from typing import Literal
from urllib.parse import urljoin

__all__ = ["approve", "consenting_browser", "deny", "loopback_redirect_uri"]

_CONSENT_ID = re.compile(r'name="consent_request" value="([^"]+)"')


def _decide(authorize_url: str, decision: str) -> str:
    import httpx

    with httpx.Client(timeout=10.0, follow_redirects=False) as http:
        page = http.get(authorize_url)
        if page.status_code != 200:
            raise RuntimeError(
                f"the consent page answered HTTP {page.status_code}: {_page_error(page.text)}"
            )
        match = _CONSENT_ID.search(page.text)
        if match is None:
            raise RuntimeError("the consent page has no consent form")
        answer = http.post(
            urljoin(authorize_url, "/authorize/decision"),
            data={"consent_request": html.unescape(match.group(1)), "decision": decision},
        )
        location: str | None = answer.headers.get("Location")
        if answer.status_code != 302 or location is None:
            raise RuntimeError(f"the consent decision answered HTTP {answer.status_code}")
        return location


def _page_error(text: str) -> str:
    match = re.search(r'<p id="error"[^>]*>(.*?)</p>', text, re.S)
    return html.unescape(str(match.group(1))) if match else "no explanation"


def approve(authorize_url: str) -> str:
    """Act as the user's browser: open the consent page over HTTP, click Accept, and
    return the redirect ``Location`` (``{redirect_uri}?code=...&state=...``)."""
    return _decide(authorize_url, "accept")


def deny(authorize_url: str) -> str:
    """Like ``approve`` but clicks Deny; returns the ``error=access_denied`` redirect."""
    return _decide(authorize_url, "deny")


def consenting_browser(
    decision: Literal["accept", "deny"] = "accept", *, timeout: float = 10.0
) -> Callable[[str], None]:
    """An opener for ``login(opener=...)``: in a background thread, open the consent page,
    click ``decision`` and follow the redirect to the callback (so the login, which is
    waiting on its callback server, can go on). Errors end the thread; the login then
    times out, as it would with a user who closed the tab."""

    def open_url(url: str) -> None:
        def click() -> None:
            import httpx

            location = _decide(url, decision)
            httpx.get(location, timeout=timeout)

        threading.Thread(target=click, name="sandbox-browser", daemon=True).start()

    return open_url


def loopback_redirect_uri(path: str = "/callback") -> str:
    """``http://127.0.0.1:{free port}{path}``: a callback URI a login can listen on.

    The port is free when this returns; another process could take it before the login
    binds it, which on a test machine is rare enough to accept.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return f"http://127.0.0.1:{port}{path}"
