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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from adfkit.jira.auth import BearerAuth, basic_auth
from adfkit.jira.config import OAuthApp, check_url, load_app
from adfkit.jira.createmeta import CreateMeta, FieldMeta, IssueType, MetaCache, cache_directory
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    FieldProblem,
    IncompleteCreate,
    JiraApiError,
    JiraError,
    PreflightError,
    ReauthorizationRequired,
    SiteError,
    WriteOutcomeUnknown,
)
from adfkit.jira.fields import DescriptionFormat, RichText, find_meta, is_adf_field, shape_fields
from adfkit.jira.oauth import accessible_resources, refresh_tokens
from adfkit.jira.retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_WAIT,
    RetryPolicy,
    TransportFailure,
    send_with_retries,
)
from adfkit.jira.richtext import without_local_images
from adfkit.jira.sites import Site, choose_site, describe_sites, load_saved_site
from adfkit.jira.tokens import TokenStore
from adfkit.jira.wire import JSON_HEADERS
from adfkit.jira.wire import json_body as json_body_bytes

if TYPE_CHECKING:
    from adfkit.jira.attachments import Attachment, LocalFile
    from adfkit.jira.bodies import Prepared
    from adfkit.jira.edits import EditedIssue
    from adfkit.jira.mentions import Mention, Resolved
    from adfkit.jira.transitions import Transitioned
    from adfkit.jira.users import UserFinder

__all__ = ["CreatedIssue", "JiraClient", "reachable_sites"]

# Pre-flight problems that createmeta cached before a change on the server would explain.
_STALE_META_CODES = frozenset({"NOT_ALLOWED", "UNKNOWN_FIELD", "MISSING_REQUIRED"})
# Statuses a proxy or gateway gives when it lost track of the backend: a create may exist.
_GATEWAY_LOST = frozenset({502, 503, 504})
_RETRY_OPTIONS = ("max_retries", "max_wait", "sleep", "jitter")
T = TypeVar("T")


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


def _dir(base_dir: str | Path | None) -> Path | None:
    return Path(base_dir) if base_dir is not None else None


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
        self._transport = transport
        self._timeout = timeout
        self._plain: httpx.Client | None = None  # for redirect hops to another origin
        self._users: UserFinder | None = None
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
        """A client using basic auth (account email + API token) on the site host;
        ConfigError if ``site_url`` is not an http(s) URL."""
        site_url = check_url(site_url, "the site URL (--site-url, ADFKIT_JIRA_SITE_URL)")
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

    # -- writes beyond create (docs/jira.md: each call and the traps it handles) --------

    def add_comment(
        self,
        key: str,
        body: RichText,
        *,
        internal: bool = False,
        body_format: str = "auto",
        base_dir: str | Path | None = None,
    ) -> dict[str, Any]:
        """Add a comment (Markdown, HTML or ADF, like a description; mentions resolved,
        local images uploaded and shown inline); ``internal`` makes it a Jira Service
        Management internal note. Never added twice (``adfkit.jira.comments``)."""
        from adfkit.jira.comments import add_comment

        return add_comment(
            self, key, body, internal=internal, body_format=body_format, base_dir=_dir(base_dir)
        )

    def edit_comment(
        self,
        key: str,
        comment_id: str,
        body: RichText,
        *,
        allow_media_loss: bool = False,
        body_format: str = "auto",
        base_dir: str | Path | None = None,
    ) -> dict[str, Any]:
        """Replace a comment's body; refused if it would drop an image the comment shows
        (Jira would delete the attachment) unless ``allow_media_loss``."""
        from adfkit.jira.comments import edit_comment

        return edit_comment(
            self,
            key,
            comment_id,
            body,
            allow_media_loss=allow_media_loss,
            body_format=body_format,
            base_dir=_dir(base_dir),
        )

    def comments(self, key: str) -> list[dict[str, Any]]:
        """Every comment of ``key``, oldest first (every page read)."""
        from adfkit.jira.comments import all_comments

        return all_comments(self, key)

    def edit_issue(
        self,
        key: str,
        *,
        summary: str | None = None,
        description: RichText | None = None,
        fields: Mapping[str, Any] | None = None,
        allow_media_loss: bool = False,
        description_format: DescriptionFormat = "auto",
        base_dir: str | Path | None = None,
    ) -> EditedIssue:
        """Edit fields (by id, key or name, friendly values, checked through editmeta).
        A new description that would drop an image the current one shows is refused,
        naming the attachments, unless ``allow_media_loss``."""
        from adfkit.jira.edits import edit_issue

        values: dict[str, Any] = dict(fields or {})
        if summary is not None:
            values["summary"] = summary
        if description is not None:
            values["description"] = description
        return edit_issue(
            self,
            key,
            values=values,
            allow_media_loss=allow_media_loss,
            description_format=description_format,
            base_dir=_dir(base_dir),
        )

    def attach(self, key: str, *paths: str | Path) -> list[Attachment]:
        """Attach files (every file read first; one already attached with the same name
        and size is not sent again)."""
        from adfkit.jira.attachments import attach_files, read_local_files

        return attach_files(self, key, read_local_files(paths, images=False, where="attach"))

    def media_id(self, attachment_id: str) -> str:
        """The Media Services file id of an attachment (what a ``media`` node names)."""
        from adfkit.jira.attachments import media_id

        return media_id(self, attachment_id)

    def transitions(self, key: str) -> list[dict[str, Any]]:
        """The transitions ``key`` can take now, with their screens' fields."""
        from adfkit.jira.transitions import transitions

        return transitions(self, key)

    def transition(
        self,
        key: str,
        to: str,
        *,
        comment: str | Mapping[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        comment_format: str = "auto",
        base_dir: str | Path | None = None,
    ) -> Transitioned:
        """Take the transition named ``to`` (or leading to the status named ``to``),
        with the screen's fields checked first and ``comment`` sent as ADF."""
        from adfkit.jira.transitions import transition

        return transition(
            self,
            key,
            to,
            comment=comment,
            fields=fields or {},
            comment_format=comment_format,
            base_dir=_dir(base_dir),
        )

    def description_markdown(self, key: str) -> str:
        """``key``'s description as Markdown that ``edit_issue`` maps back to the same
        images and mentions (``adfkit.jira.richtext.show_markdown``)."""
        from adfkit.jira.richtext import show_markdown

        description = (self.get_issue(key).get("fields") or {}).get("description")
        return show_markdown(description) if isinstance(description, dict) else ""

    def resolve_mention(self, mention: Mention) -> Resolved:
        """The account a mention names (user search; see ``adfkit.jira.users``)."""
        if self._users is None:
            from adfkit.jira.users import UserFinder

            self._users = UserFinder(self._get_json, self.myself)
        return self._users(mention)

    def create_issue(
        self,
        *,
        project: str,
        issue_type: str,
        summary: str,
        description: RichText | None = None,
        description_format: DescriptionFormat = "auto",
        fields: Mapping[str, Any] | None = None,
        attach: Sequence[str | Path] = (),
        base_dir: str | Path | None = None,
        **friendly: Any,
    ) -> CreatedIssue:
        """Create an issue; every field is shaped and checked before anything is sent.

        ``friendly`` and ``fields`` are keyed by field id, key or display name, with
        friendly values (``priority="High"``, ``components=["Payments"]``, ...). A text
        description (or other rich-text field) may mention users (``@[Name]``,
        ``@mail@example.com``) and show local images (``![shot](shot.png)``, relative to
        ``base_dir``): then the issue is created, the images uploaded and the field set
        (create -> upload -> set).
        ``attach`` files are attached after the create. Raises PreflightError,
        JiraApiError, CreateOutcomeUnknown, IncompleteCreate (created, a later step
        failed: the message names the key) or AuthError.
        """
        from adfkit.jira.attachments import read_local_files
        from adfkit.jira.bodies import prepare

        values: dict[str, Any] = {"summary": summary}
        problems: list[FieldProblem] = []
        rich: dict[str, Prepared] = {}
        if isinstance(description, str) and description_format != "adf":
            try:
                rich["description"] = prepare(
                    self,
                    description,
                    description_format,
                    base_dir=_dir(base_dir),
                    where="description",
                    pointer="/fields/description",
                )
                values["description"] = without_local_images(rich["description"].doc)
            except PreflightError as exc:
                problems += exc.problems
        elif description is not None:
            values["description"] = description
        others = {**(fields or {}), **friendly}
        values.update(others)
        files = []
        try:
            files = read_local_files(attach, images=False, where="attach") if attach else []
        except PreflightError as exc:
            problems += exc.problems
        try:
            itype, metas, shaped = self._preflight(
                project, issue_type, values, "adf" if rich else description_format
            )
        except PreflightError as exc:
            raise PreflightError([*problems, *exc.problems]) from None
        # Other rich-text fields given as text: mentions and local images as in the
        # description (shaping has checked the plain conversion already).
        for name, value in others.items():
            meta = find_meta(name, metas)
            if not isinstance(value, str) or meta is None or not is_adf_field(meta):
                continue
            try:
                text = prepare(
                    self,
                    value,
                    "auto",
                    base_dir=_dir(base_dir),
                    where=meta.field_id,
                    pointer=f"/fields/{meta.field_id}",
                )
            except PreflightError as exc:
                problems += exc.problems
                continue
            rich[meta.field_id] = text
            shaped[meta.field_id] = without_local_images(text.doc)
        if problems:
            raise PreflightError(problems)
        shaped["project"] = {"id": project} if project.isdigit() else {"key": project}
        shaped["issuetype"] = {"id": itype.id}
        body = {"fields": shaped}
        try:
            response = self._request("POST", "issue", json_body=body, once=True)
        except JiraApiError as exc:
            if exc.status == 400:
                raise _explain_400(exc, shaped, metas) from None
            raise
        except WriteOutcomeUnknown as exc:
            raise CreateOutcomeUnknown(
                f"{exc}: the issue may have been created; check before retrying (search "
                "the project for the summary)"
            ) from None
        data = _json(response)
        if not isinstance(data, dict) or "key" not in data:
            raise JiraApiError(
                "Jira answered 201 without an issue key", status=response.status_code
            )
        key = str(data["key"])
        created = CreatedIssue(
            key=key, id=str(data.get("id", "")), url=f"{self.browse_base}/browse/{key}"
        )
        with_images = {field_id: body for field_id, body in rich.items() if body.files}
        if files or with_images:
            self._after_create(created, files, with_images)
        return created

    def _after_create(
        self, created: CreatedIssue, files: Sequence[LocalFile], rich: Mapping[str, Prepared]
    ) -> None:
        """Attach files and upload the rich-text fields' images, then set the fields that
        show them; a failure names the created issue and how to finish."""
        from adfkit.jira.attachments import attach_files
        from adfkit.jira.bodies import finish

        try:
            if files:
                attach_files(self, created.key, files)
            if rich:
                final = {
                    field_id: finish(self, created.key, body, {}, f"/fields/{field_id}")
                    for field_id, body in rich.items()
                }
                self._request("PUT", f"issue/{created.key}", json_body={"fields": final})
        except JiraError as exc:
            raise IncompleteCreate(
                f"created {created.key} ({created.url}), but a step after the create failed: "
                f"{exc}\nto finish, run the edit again: `adfkit jira edit {created.key} "
                "--description-file FILE` (or `adfkit jira attach`); files already attached "
                "are not uploaded twice",
                key=created.key,
                url=created.url,
            ) from None

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

    def _follow(self, url: httpx.URL, *, authenticated: bool) -> httpx.Response:
        """One GET that does not follow redirects (for the media id's redirect chain);
        credentials only when ``authenticated``."""
        if not authenticated and self._plain is None:
            # No credentials go to another origin (as httpx does on redirects).
            self._plain = httpx.Client(transport=self._transport, timeout=self._timeout)
            self._also_close.append(self._plain)
        http = self._http if authenticated else self._plain
        assert http is not None
        try:
            return send_with_retries(
                lambda: http.get(url, follow_redirects=False),
                self._retry,
                what=url.host,
                after_sending=True,
                bare_503=True,
            )
        except TransportFailure as exc:
            raise JiraError(
                f"GET {url.host} failed ({exc.kind}) after {exc.attempts} tries"
            ) from None

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        once: bool = False,
    ) -> httpx.Response:
        """One REST call with the retry rules of ``adfkit.jira.retry``.

        ``once`` marks a request that must not be carried out twice (a create, a new
        comment, an upload, a transition): it is not resent once it may have reached
        Jira, and a lost answer (or a bare 502/503/504) raises ``WriteOutcomeUnknown``
        for the caller to decide. Every other request (reads, and PUTs, which set the
        same state again) is retried like a read.
        """
        url = f"{self.rest_base}/{path}"
        sent_headers = dict(headers or {})
        if json_body is not None:
            content = json_body_bytes(json_body)
            sent_headers.update(JSON_HEADERS)
        try:
            response = send_with_retries(
                lambda: self._http.request(
                    method, url, params=params, content=content, headers=sent_headers
                ),
                self._retry,
                what="Jira",
                after_sending=not once,
                bare_503=not once,
            )
        except TransportFailure as exc:
            if not exc.may_have_arrived:
                raise JiraError(
                    f"cannot connect to {httpx.URL(url).host} ({exc.kind}) "
                    f"after {exc.attempts} attempts"
                ) from None
            if once:
                raise WriteOutcomeUnknown(
                    f"{method} {path}: the request was sent but the answer was lost ({exc.kind})"
                ) from None
            raise JiraError(
                f"{method} {path} failed ({exc.kind}) after {exc.attempts} tries"
            ) from None
        if response.is_success:
            return response
        if once and response.status_code in _GATEWAY_LOST:
            raise WriteOutcomeUnknown(
                f"{method} {path}: Jira's gateway answered HTTP {response.status_code} "
                "without Retry-After; the request may have been carried out behind it"
            )
        raise self._error(response, path)

    def _write_once(
        self,
        what: str,
        send: Callable[[], T],
        already_done: Callable[[], T | None],
    ) -> T:
        """Send a write that must happen once. When its outcome is unknown (the answer was
        lost, or a bare 502/503/504), ``already_done`` reads Jira to see whether it was
        carried out: if so its result is returned, else the write is sent again (at most
        ``max_retries`` times). docs/jira.md says how each write decides."""
        for attempt in range(self._retry.max_retries + 1):
            try:
                return send()
            except WriteOutcomeUnknown:
                found = already_done()
                if found is not None:
                    return found
                if attempt < self._retry.max_retries:
                    self._retry.sleep(self._retry.backoff(attempt))
        raise WriteOutcomeUnknown(
            f"{what}: no answer from Jira after {self._retry.max_retries + 1} tries, and "
            "Jira shows none of them carried out; nothing was changed"
        )

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
