"""``JiraClient``: the Jira Cloud REST v3 calls adfkit needs, with careful failure handling.

Two ways in: ``JiraClient.from_oauth`` (3LO tokens from ``adfkit jira login``, requests go
through the API gateway ``{api_url}/ex/jira/{cloudId}/rest/api/3``) and
``JiraClient.from_api_token`` (email + API token basic auth on the site host).

Failure handling:

- 429 and 503 are retried (at most ``max_retries`` times) after ``Retry-After`` seconds,
  capped at ``max_wait``; without the header (or with ``Retry-After: 0``) after a jittered
  exponential backoff. The sleep function is injectable.
- Connection failures before anything was sent (``ConnectError``, ``ConnectTimeout``,
  ``PoolTimeout``) are retried for every request. Failures after sending (read timeouts,
  dropped connections) are retried for reads but never for a create: that raises
  ``CreateOutcomeUnknown`` so no issue is ever created twice.
- 401 is handled by ``BearerAuth`` (one refresh, one retry); what remains is an AuthError.
- 403/404 from the gateway name the cloud id and the sites the token can reach;
  Jira's own 403/404 say "missing or no permission" (Jira cannot tell them apart).
- 400 error collections are reported per field; ``INVALID_INPUT`` triggers a local
  re-validation of every ADF document in the request to name the JSON Pointer.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from adfkit.jira.auth import BearerAuth, basic_auth
from adfkit.jira.config import OAuthApp, load_app
from adfkit.jira.createmeta import CreateMeta, FieldMeta, IssueType, MetaCache
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    JiraApiError,
    JiraError,
    ReauthorizationRequired,
    SiteError,
)
from adfkit.jira.fields import DescriptionFormat, shape_fields
from adfkit.jira.oauth import refresh_tokens
from adfkit.jira.sites import Site, choose_site, describe_sites, load_saved_site, parse_resources
from adfkit.jira.tokens import TokenStore

__all__ = ["CreatedIssue", "JiraClient", "reachable_sites"]

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class CreatedIssue:
    key: str
    id: str
    url: str


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def reachable_sites(
    app: OAuthApp | None = None,
    store: TokenStore | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> list[Site]:
    """The Jira sites the stored OAuth grant reaches (accessible-resources, deduped).

    Needs no chosen site: this is how one is chosen. The access token is refreshed first
    if it is about to expire, as for any other call.
    """
    app = app or load_app()
    store = store or TokenStore()
    if store.load() is None:
        raise ReauthorizationRequired("not logged in")
    with httpx.Client(transport=transport, timeout=30.0) as token_http:
        auth = BearerAuth(store, lambda rt: refresh_tokens(app, rt, token_http))
        return _accessible_resources(app, auth, transport)


def _accessible_resources(
    app: OAuthApp, auth: httpx.Auth, transport: httpx.BaseTransport | None
) -> list[Site]:
    url = f"{app.api_url}/oauth/token/accessible-resources"
    with httpx.Client(auth=auth, transport=transport, timeout=30.0) as http:
        try:
            response = http.get(url)
        except httpx.HTTPError as exc:
            raise SiteError(f"cannot reach {url}: {type(exc).__name__}") from None
    if response.status_code == 401:
        raise AuthError("the access token was refused while listing sites: run `adfkit jira login`")
    if not response.is_success:
        raise SiteError(f"{url} answered HTTP {response.status_code}")
    return parse_resources(_json(response))


class JiraClient:
    """Jira Cloud REST v3 for one site. Use the ``from_oauth``/``from_api_token`` constructors."""

    def __init__(
        self,
        *,
        rest_base: str,
        browse_base: str,
        auth: httpx.Auth,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = 4,
        max_wait: float = 60.0,
        timeout: float = 30.0,
        cache: MetaCache | None = None,
        site: Site | None = None,
        list_sites: Callable[[], list[Site]] | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.rest_base = rest_base.rstrip("/")
        self.browse_base = browse_base.rstrip("/")
        self.site = site
        self._oauth = isinstance(auth, BearerAuth)
        self._http = httpx.Client(auth=auth, transport=transport, timeout=timeout)
        self._sleep = sleep
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._jitter = jitter
        self._list_sites = list_sites
        self._meta = CreateMeta(self._get_json, cache=cache, site_key=self.rest_base)

    # -- constructors -------------------------------------------------------------------

    @classmethod
    def from_oauth(
        cls,
        app: OAuthApp | None = None,
        *,
        site: str | None = None,
        store: TokenStore | None = None,
        transport: httpx.BaseTransport | None = None,
        cache_ttl: float = 3600.0,
        **options: Any,
    ) -> JiraClient:
        """A client using the stored OAuth tokens.

        ``site`` (URL, name or cloud id) picks among the sites the grant reaches; without
        it the site saved by ``adfkit jira login`` is used, else the only reachable site.
        """
        app = app or load_app()
        store = store or TokenStore()
        if store.load() is None:
            raise ReauthorizationRequired("not logged in")
        token_http = httpx.Client(transport=transport, timeout=30.0)
        auth = BearerAuth(store, lambda rt: refresh_tokens(app, rt, token_http))

        def list_sites() -> list[Site]:
            return _accessible_resources(app, auth, transport)

        chosen = load_saved_site(store.directory) if site is None else None
        if chosen is None:
            try:
                chosen = choose_site(list_sites(), site)
            except SiteError as exc:
                if site is None:
                    raise SiteError(
                        f"{exc}\n(or save a default: `adfkit jira sites --use NAME`)"
                    ) from None
                raise
        return cls(
            rest_base=f"{app.api_url}/ex/jira/{chosen.id}/rest/api/3",
            browse_base=chosen.url,
            auth=auth,
            transport=transport,
            cache=MetaCache(store.directory / "cache" / "createmeta", ttl=cache_ttl),
            site=chosen,
            list_sites=list_sites,
            **options,
        )

    @classmethod
    def from_api_token(
        cls,
        email: str,
        api_token: str,
        site_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        cache: MetaCache | None = None,
        **options: Any,
    ) -> JiraClient:
        """A client using basic auth (account email + API token) on the site host."""
        site_url = site_url.rstrip("/")
        return cls(
            rest_base=f"{site_url}/rest/api/3",
            browse_base=site_url,
            auth=basic_auth(email, api_token),
            transport=transport,
            cache=cache,
            **options,
        )

    def list_sites(self) -> list[Site]:
        """The sites the OAuth grant reaches (deduped); SiteError for basic auth."""
        if self._list_sites is None:
            raise SiteError("listing sites needs OAuth (adfkit jira login)")
        return self._list_sites()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JiraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"JiraClient({self.rest_base!r})"

    # -- API ---------------------------------------------------------------------------

    def myself(self) -> dict[str, Any]:
        """The user the credentials act for (``GET /myself``)."""
        return dict(self._get_json("myself", {}))

    def project(self, key: str) -> dict[str, Any]:
        """``GET /project/{key}`` (``style`` tells company- from team-managed)."""
        return dict(self._get_json(f"project/{key}", {}))

    def issue_types(self, project: str) -> list[IssueType]:
        """Issue types that can be created in ``project``."""
        return self._meta.issue_types(project)

    def fields(self, project: str, issue_type: str) -> list[FieldMeta]:
        """Fields of ``issue_type`` (name or id, resolved in this project)."""
        resolved = self._meta.resolve_issue_type(project, issue_type)
        return self._meta.fields(project, resolved.id)

    def get_issue(self, key: str) -> dict[str, Any]:
        """``GET /issue/{key}``."""
        return dict(self._get_json(f"issue/{key}", {}))

    def create_issue(
        self,
        *,
        project: str,
        issue_type: str,
        summary: str,
        description: str | Mapping[str, Any] | None = None,
        description_format: DescriptionFormat = "auto",
        fields: Mapping[str, Any] | None = None,
        **friendly: Any,
    ) -> CreatedIssue:
        """Create an issue; every field is shaped and checked before anything is sent.

        ``friendly`` and ``fields`` are keyed by field id, key or display name, with
        friendly values (``priority="High"``, ``components=["Payments"]``, ...).
        Raises PreflightError, JiraApiError, CreateOutcomeUnknown or AuthError.
        """
        itype = self._meta.resolve_issue_type(project, issue_type)
        metas = self._meta.fields(project, itype.id)
        values: dict[str, Any] = {"summary": summary}
        if description is not None:
            values["description"] = description
        values.update(fields or {})
        values.update(friendly)
        shaped = shape_fields(metas, values, description_format=description_format)
        shaped["project"] = {"id": project} if project.isdigit() else {"key": project}
        shaped["issuetype"] = {"id": itype.id}
        body = {"fields": shaped}
        try:
            response = self._request("POST", "issue", json_body=body, create=True)
        except JiraApiError as exc:
            if exc.status == 400:
                raise _explain_400(exc, shaped, metas) from None
            raise
        data = _json(response)
        if not isinstance(data, dict) or "key" not in data:
            raise JiraApiError(
                "Jira answered 201 without an issue key", status=response.status_code
            )
        key = str(data["key"])
        return CreatedIssue(
            key=key, id=str(data.get("id", "")), url=f"{self.browse_base}/browse/{key}"
        )

    # -- transport ---------------------------------------------------------------------

    def _get_json(self, path: str, params: Mapping[str, Any]) -> Any:
        return _json(self._request("GET", path, params=params))

    def _backoff(self, attempt: int, base: float = 1.0) -> float:
        # Jittered exponential backoff, jitter in [0.7, 1.3] as Atlassian's pseudo-code has it.
        return float(min(self._max_wait, base * 2**attempt) * (0.7 + 0.6 * self._jitter()))

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        if header is not None:
            seconds = _retry_after_seconds(header)
            if seconds > 0:
                return min(seconds, self._max_wait)
            if seconds == 0:
                return self._backoff(attempt, base=0.5)  # "retry soon", not "hammer"
        return self._backoff(attempt)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        create: bool = False,
    ) -> httpx.Response:
        url = f"{self.rest_base}/{path}"
        attempt = 0
        while True:
            try:
                response = self._http.request(method, url, params=params, json=json_body)
            except _NOT_SENT as exc:
                if attempt >= self._max_retries:
                    raise JiraError(
                        f"cannot connect to {httpx.URL(url).host} ({type(exc).__name__}) "
                        f"after {attempt + 1} attempts"
                    ) from None
            except httpx.TransportError as exc:
                if create:
                    raise CreateOutcomeUnknown(
                        f"the create request was sent but the answer was lost "
                        f"({type(exc).__name__}): the issue may have been created; check "
                        "before retrying (search the project for the summary)"
                    ) from None
                if attempt >= self._max_retries:
                    raise JiraError(
                        f"{method} {path} failed ({type(exc).__name__}) after {attempt + 1} tries"
                    ) from None
            else:
                if response.status_code not in (429, 503):
                    if response.is_success:
                        return response
                    raise self._error(response, path)
                if attempt >= self._max_retries:
                    what = "rate limited" if response.status_code == 429 else "unavailable"
                    raise JiraApiError(
                        f"Jira is {what} (HTTP {response.status_code}); gave up after "
                        f"{attempt + 1} attempts",
                        status=response.status_code,
                    )
                self._sleep(self._retry_wait(response, attempt))
                attempt += 1
                continue
            self._sleep(self._backoff(attempt))
            attempt += 1

    def _error(self, response: httpx.Response, path: str) -> JiraError:
        status = response.status_code
        body = _json(response)
        body = body if isinstance(body, dict) else {}
        raw_errors = body.get("errors")
        errors: dict[str, Any] = raw_errors if isinstance(raw_errors, dict) else {}
        messages = [str(m) for m in body.get("errorMessages") or [] if m]
        gateway = body.get("message") or body.get("errorMessage")
        if status == 401:
            if not self._oauth:
                return AuthError(
                    f"{self.browse_base} rejected the email/API token (HTTP 401); check "
                    "ADFKIT_JIRA_EMAIL / ADFKIT_JIRA_API_TOKEN"
                )
            if gateway and "scope" in str(gateway):
                return AuthError(
                    f"the grant lacks a scope this call needs ({gateway}): run "
                    "`adfkit jira login` with the default scopes"
                )
            return AuthError(
                f"Jira refused the access token even after a refresh ({gateway or 'HTTP 401'}): "
                "run `adfkit jira login`"
            )
        if status in (403, 404) and self._oauth and "errorMessage" in body and self.site:
            try:
                reachable = describe_sites(self._list_sites()) if self._list_sites else "?"
            except JiraError:
                reachable = "  (could not list them)"
            return SiteError(
                f"cloud id {self.site.id} ({self.site.url}) does not answer "
                f"(HTTP {status}: {body['errorMessage']}); sites this token reaches:\n{reachable}\n"
                "run `adfkit jira login` or pass --site with one of them"
            )
        detail = "; ".join([*messages, *(f"{k}: {v}" for k, v in errors.items())]) or (
            str(gateway) if gateway else f"HTTP {status}"
        )
        if status in (403, 404):
            return JiraApiError(
                f"{path}: {detail} (HTTP {status}: it does not exist or this account lacks "
                "permission, e.g. Browse projects / Create issues)",
                status=status,
                errors=errors,
                error_messages=messages,
            )
        return JiraApiError(
            f"{path}: HTTP {status}: {detail}",
            status=status,
            errors=errors,
            error_messages=messages,
        )


def _retry_after_seconds(header: str) -> float:
    """``Retry-After`` in seconds: delta-seconds (what Jira sends) or an HTTP-date (RFC 9110
    allows both); -1 when it is neither."""
    try:
        return float(header)
    except ValueError:
        pass
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return -1.0
    if when.tzinfo is None:
        return -1.0
    return max(0.0, when.timestamp() - time.time())


def _explain_400(
    exc: JiraApiError, shaped: Mapping[str, Any], metas: list[FieldMeta]
) -> JiraApiError:
    names = {m.field_id: m.name for m in metas}
    lines = [f"{fid} ({names.get(fid, fid)}): {msg}" for fid, msg in exc.errors.items()]
    lines += [m for m in exc.error_messages if m != "INVALID_INPUT"]
    pointers: list[str] = []
    if "INVALID_INPUT" in exc.error_messages:
        from adfkit import iter_errors

        for field_id, value in shaped.items():
            if isinstance(value, dict) and value.get("type") == "doc":
                for error in iter_errors(value):
                    pointer = f"/fields/{field_id}{error.path}"
                    pointers.append(pointer)
                    lines.append(f"{pointer}: {error.code}: {error.message}")
        if not pointers:
            adf = [f for f, v in shaped.items() if isinstance(v, dict) and v.get("type") == "doc"]
            lines.append(
                "INVALID_INPUT: Jira rejected an ADF document but adfkit's validator finds no "
                f"problem in {', '.join(adf) or 'any field'}; simplify the document's structure"
            )
    text = "\n".join(f"  - {line}" for line in lines) or "  - (no details)"
    return JiraApiError(
        f"Jira rejected the issue (HTTP 400):\n{text}",
        status=400,
        errors=exc.errors,
        error_messages=exc.error_messages,
        pointers=pointers,
    )
