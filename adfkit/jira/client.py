"""``JiraClient``: the Jira Cloud REST v3 calls adfkit needs, with careful failure handling.

Two ways in: ``JiraClient.from_oauth`` (3LO tokens from ``adfkit jira login``, requests go
through the API gateway ``{api_url}/ex/jira/{cloudId}/rest/api/3``) and
``JiraClient.from_api_token`` (email + API token basic auth on the site host).

Failure handling (the retry rules themselves live in ``adfkit.jira.retry``):

- 429 is retried (at most ``max_retries`` times) after ``Retry-After`` seconds, or after a
  jittered exponential backoff without the header (or with ``Retry-After: 0``). A
  ``Retry-After`` above ``max_wait`` is not shortened (an early resend fails again): it is
  a JiraApiError saying how long Jira asks to wait. The sleep function is injectable.
- 503 is retried like 429 for reads. A create is resent after a 503 only when it carries
  ``Retry-After``; a bare 503 (or 502/504) may come from a proxy after Jira created the
  issue, so it raises ``CreateOutcomeUnknown``.
- Connection failures before anything was sent (``ConnectError``, ``ConnectTimeout``,
  ``PoolTimeout``) are retried for every request. Failures after sending (read timeouts,
  dropped connections) are retried for reads but never for a create: that raises
  ``CreateOutcomeUnknown`` so no issue is ever created twice.
- The token endpoint and accessible-resources get the same retries (``adfkit.jira.oauth``).
- 401 is handled by ``BearerAuth`` (one refresh, one retry); what remains is an AuthError.
- An OAuth 403/404 makes the client list the sites the grant reaches: if this site's cloud
  id is not among them the error is a SiteError naming those that are; otherwise (and
  for basic auth) it says "missing or no permission" (Jira cannot tell them apart).
- 400 error collections are reported per field; ``INVALID_INPUT`` triggers a local
  re-validation of every ADF document in the request to name the JSON Pointer.
- Pre-flight problems that stale cached createmeta could explain (a value not allowed, an
  unknown or a missing required field) make the client read createmeta once more,
  bypassing the cache, before reporting them.
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
from adfkit.jira.createmeta import CreateMeta, FieldMeta, IssueType, MetaCache, cache_directory
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    JiraApiError,
    JiraError,
    PreflightError,
    ReauthorizationRequired,
    SiteError,
)
from adfkit.jira.fields import DescriptionFormat, shape_fields
from adfkit.jira.oauth import accessible_resources, refresh_tokens
from adfkit.jira.retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_WAIT,
    RetryPolicy,
    TransportFailure,
    send_with_retries,
)
from adfkit.jira.sites import Site, choose_site, describe_sites, load_saved_site
from adfkit.jira.tokens import TokenStore

__all__ = ["CreatedIssue", "JiraClient", "reachable_sites"]

# Pre-flight problems that createmeta cached before a change on the server would explain.
_STALE_META_CODES = frozenset({"NOT_ALLOWED", "UNKNOWN_FIELD", "MISSING_REQUIRED"})
# Statuses a proxy or gateway gives when it lost track of the backend: a create may exist.
_GATEWAY_LOST = frozenset({502, 503, 504})
_RETRY_OPTIONS = ("max_retries", "max_wait", "sleep", "jitter")


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
    retry: RetryPolicy | None = None,
) -> list[Site]:
    """The Jira sites the stored OAuth grant reaches (accessible-resources, deduped).

    Needs no chosen site: this is how one is chosen. The access token is refreshed first
    if it is about to expire, as for any other call; 429/503 are retried per ``retry``.
    """
    app = app or load_app()
    store = store or TokenStore()
    policy = retry or RetryPolicy()
    if store.load() is None:
        raise ReauthorizationRequired("not logged in")
    with httpx.Client(transport=transport, timeout=30.0) as token_http:
        auth = BearerAuth(store, lambda rt: refresh_tokens(app, rt, token_http, retry=policy))
        with httpx.Client(auth=auth, transport=transport, timeout=30.0) as http:
            return accessible_resources(app.api_url, http, retry=policy)


def _retry_policy(options: Mapping[str, Any]) -> RetryPolicy:
    """The RetryPolicy that ``JiraClient(**options)`` will use."""
    return RetryPolicy(**{name: options[name] for name in _RETRY_OPTIONS if name in options})


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
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_wait: float = DEFAULT_MAX_WAIT,
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
        self._retry = RetryPolicy(
            max_retries=max_retries, max_wait=max_wait, sleep=sleep, jitter=jitter
        )
        self._list_sites = list_sites
        self._also_close: list[httpx.Client] = []  # e.g. from_oauth's token client
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
        policy = _retry_policy(options)
        token_http = httpx.Client(transport=transport, timeout=30.0)
        auth = BearerAuth(store, lambda rt: refresh_tokens(app, rt, token_http, retry=policy))

        def list_sites() -> list[Site]:
            with httpx.Client(auth=auth, transport=transport, timeout=30.0) as http:
                return accessible_resources(app.api_url, http, retry=policy)

        try:
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
            client = cls(
                rest_base=f"{app.api_url}/ex/jira/{chosen.id}/rest/api/3",
                browse_base=chosen.url,
                auth=auth,
                transport=transport,
                cache=MetaCache(cache_directory(store.directory), ttl=cache_ttl),
                site=chosen,
                list_sites=list_sites,
                **options,
            )
        except BaseException:
            token_http.close()
            raise
        client._also_close.append(token_http)
        return client

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
        """Close every HTTP client this JiraClient opened (idempotent)."""
        self._http.close()
        for http in self._also_close:
            http.close()

    def forget_createmeta(self) -> None:
        """Drop the cached createmeta (the next calls read it from Jira)."""
        self._meta.clear_cache()

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
        values: dict[str, Any] = {"summary": summary}
        if description is not None:
            values["description"] = description
        values.update(fields or {})
        values.update(friendly)
        itype, metas, shaped = self._preflight(project, issue_type, values, description_format)
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

    def _preflight(
        self,
        project: str,
        issue_type: str,
        values: Mapping[str, Any],
        description_format: DescriptionFormat,
    ) -> tuple[IssueType, list[FieldMeta], dict[str, Any]]:
        """Resolve the issue type and shape ``values``; when that fails in a way createmeta
        cached before a server-side change would explain (a new component, a field added
        to the screen, a new issue type), read createmeta once more without the cache."""
        try:
            itype = self._meta.resolve_issue_type(project, issue_type)
        except JiraApiError:
            if not self._meta.issue_types_came_from_cache(project):
                raise
            itype = self._meta.resolve_issue_type(project, issue_type, refresh=True)
        metas = self._meta.fields(project, itype.id)
        try:
            return itype, metas, shape_fields(metas, values, description_format=description_format)
        except PreflightError as exc:
            stale = any(p.code in _STALE_META_CODES for p in exc.problems)
            if not stale or not self._meta.fields_came_from_cache(project, itype.id):
                raise
        metas = self._meta.fields(project, itype.id, refresh=True)
        return itype, metas, shape_fields(metas, values, description_format=description_format)

    # -- transport ---------------------------------------------------------------------

    def _get_json(self, path: str, params: Mapping[str, Any]) -> Any:
        return _json(self._request("GET", path, params=params))

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
        try:
            response = send_with_retries(
                lambda: self._http.request(method, url, params=params, json=json_body),
                self._retry,
                what="Jira",
                after_sending=not create,
                bare_503=not create,
            )
        except TransportFailure as exc:
            if not exc.may_have_arrived:
                raise JiraError(
                    f"cannot connect to {httpx.URL(url).host} ({exc.kind}) "
                    f"after {exc.attempts} attempts"
                ) from None
            if create:
                raise CreateOutcomeUnknown(
                    f"the create request was sent but the answer was lost ({exc.kind}): the "
                    "issue may have been created; check before retrying (search the project "
                    "for the summary)"
                ) from None
            raise JiraError(
                f"{method} {path} failed ({exc.kind}) after {exc.attempts} tries"
            ) from None
        if response.is_success:
            return response
        if create and response.status_code in _GATEWAY_LOST:
            raise CreateOutcomeUnknown(
                f"Jira's gateway answered HTTP {response.status_code} without Retry-After to "
                "the create request: the issue may have been created behind it; check before "
                "retrying (search the project for the summary)"
            )
        raise self._error(response, path)

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
        detail = "; ".join([*messages, *(f"{k}: {v}" for k, v in errors.items())]) or (
            str(gateway) if gateway else f"HTTP {status}"
        )
        if status in (403, 404) and self._oauth and self.site is not None:
            site_error = self._site_gone(
                self.site, status, detail, jira_answered="errorMessages" in body
            )
            if site_error is not None:
                return site_error
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

    def _site_gone(
        self, site: Site, status: int, detail: str, *, jira_answered: bool
    ) -> SiteError | None:
        """A SiteError when this client's cloud id is not among the sites the grant reaches.

        The gateway's 403/404 bodies are not documented, so the body is not trusted: the
        list of reachable sites decides. None when the site is reachable (the 403/404 is
        about the resource). When the list cannot be had, Jira's own error collection
        (``errorMessages``) still counts as "the site answered".
        """
        reachable: list[Site] | None
        try:
            reachable = self.list_sites()
        except JiraError:
            reachable = None
        if reachable is not None and any(s.id == site.id for s in reachable):
            return None
        if reachable is None and jira_answered:
            return None
        listed = describe_sites(reachable) if reachable is not None else "  (could not list them)"
        return SiteError(
            f"cloud id {site.id} ({site.url}) does not answer "
            f"(HTTP {status}: {detail}); sites this token reaches:\n{listed}\n"
            "run `adfkit jira login` or pass --site with one of them"
        )


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
