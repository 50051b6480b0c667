"""httpx authentication flows for Jira Cloud.

``BearerAuth`` sends the stored OAuth access token, refreshing it through the
``TokenStore`` when it is within ``skew`` seconds of expiry; if the API still answers 401
it refreshes once and retries once (a 401 means the request was not processed, so the
retry is safe even for a create). ``basic_auth`` is Atlassian API-token auth for scripts.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from adfkit.jira.tokens import Refresher, TokenStore

__all__ = ["BearerAuth", "basic_auth"]


class BearerAuth(httpx.Auth):
    """OAuth bearer auth with refresh ahead of expiry and one refresh-and-retry on 401."""

    def __init__(self, store: TokenStore, refresher: Refresher, *, skew: float = 60.0) -> None:
        self._store = store
        self._refresher = refresher
        self._skew = skew

    def __repr__(self) -> str:
        return f"BearerAuth({self._store!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        tokens = self._store.fresh(self._refresher, skew=self._skew)
        request.headers["Authorization"] = f"Bearer {tokens.access_token}"
        response = yield request
        if response.status_code == 401:
            tokens = self._store.fresh(
                self._refresher, skew=self._skew, rejected=tokens.access_token
            )
            request.headers["Authorization"] = f"Bearer {tokens.access_token}"
            yield request


def basic_auth(email: str, api_token: str) -> httpx.BasicAuth:
    """HTTP basic auth with an Atlassian account email and API token."""
    return httpx.BasicAuth(email, api_token)
