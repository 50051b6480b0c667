"""``adfkit jira``: login, logout, sites, fields, create, show, edit, comment, attach,
transition (and the sandbox).

Exit codes follow ``adfkit validate``: 0 ok, 1 a Jira, validation or pre-flight failure,
2 a usage error or a local configuration/state problem (``config.json``, ``site.json``,
``tokens.json`` or the keyring unreadable, unwritable or corrupt), like validate's "2
unreadable file". ``--json`` prints machine-readable results, errors included (an object
with ``error`` and ``message``). No token, secret, API token or authorization code is ever
printed.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from adfkit.formats import READERS
from adfkit.jira.errors import (
    AuthError,
    ConfigError,
    IncompleteCreate,
    JiraError,
    PreflightError,
    ReauthorizationRequired,
    TokenStoreError,
)

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient
    from adfkit.jira.sites import Site

__all__ = ["BODY_FORMATS", "jira"]

# Every format adfkit reads (adfkit.formats.READERS), plus ADF itself and "auto" (sniffed).
BODY_FORMATS = [*READERS, "adf", "auto"]


def _fail(exc: JiraError, as_json: bool) -> NoReturn:
    # Local state and configuration problems are the user's to fix on this machine: 2.
    code = 2 if isinstance(exc, ConfigError | TokenStoreError) else 1
    if as_json:
        payload: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc)}
        if isinstance(exc, PreflightError):
            payload["problems"] = [
                {
                    "field": p.field,
                    "code": p.code,
                    "message": p.message,
                    "fix": p.fix,
                    "pointer": p.pointer,
                }
                for p in exc.problems
            ]
        if isinstance(exc, IncompleteCreate):
            payload.update(key=exc.key, url=exc.url)  # the issue exists: say which
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(code)


def _run(as_json: bool, body: Callable[[], None]) -> None:
    """Run a command body; JiraError exits 1 or 2 with a message, and a usage error is
    printed as JSON under ``--json`` (click prints it otherwise), exit 2 either way."""
    try:
        body()
    except JiraError as exc:
        _fail(exc, as_json)
    except click.UsageError as exc:
        if not as_json:
            raise
        click.echo(json.dumps({"error": "UsageError", "message": exc.message}, indent=2))
        sys.exit(2)


def _field_option(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--field NAME=VALUE``, repeatable, into the ``extra`` argument."""
    return click.option("--field", "extra", multiple=True, metavar="NAME=VALUE", help=text)


def _json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


_APP_OPTIONS = {
    # Listed bottom-up: click shows the last decorator applied first.
    "redirect-uri": "Callback URL registered for the app [ADFKIT_JIRA_REDIRECT_URI; "
    "default http://127.0.0.1:8765/callback].",
    "api-url": "API gateway base [ADFKIT_JIRA_API_URL; default https://api.atlassian.com].",
    "auth-url": "Auth server base [ADFKIT_JIRA_AUTH_URL; default https://auth.atlassian.com].",
    "client-secret": "The app's secret [ADFKIT_JIRA_CLIENT_SECRET]; prefer the variable: "
    "options show in the process list.",
    "client-id": "The app's client id [ADFKIT_JIRA_CLIENT_ID].",
}


def _app_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for name, text in _APP_OPTIONS.items():
        f = click.option(f"--{name}", default=None, help=text)(f)
    return f


def _client(
    site: str | None, email: str | None, api_token: str | None, site_url: str | None
) -> JiraClient:
    from adfkit.jira.client import JiraClient

    email = email or os.environ.get("ADFKIT_JIRA_EMAIL")
    api_token = api_token or os.environ.get("ADFKIT_JIRA_API_TOKEN")
    site_url = site_url or os.environ.get("ADFKIT_JIRA_SITE_URL")
    if email or api_token:
        if not (email and api_token and site_url):
            raise ConfigError(
                "basic auth needs --email, --api-token and --site-url (or ADFKIT_JIRA_*)"
            )
        return JiraClient.from_api_token(email, api_token, site_url)
    try:
        return JiraClient.from_oauth(site=site)
    except ReauthorizationRequired as exc:
        if "not logged in" not in str(exc):
            raise
        raise AuthError(f"not logged in.\n{AUTH_CHOICES}") from None
    except ConfigError as exc:
        # The first error a new user meets: name both ways in, not only OAuth.
        raise ConfigError(f"{exc}\n{AUTH_CHOICES}") from None


AUTH_CHOICES = (
    "Jira commands authenticate in one of two ways:\n"
    "  - OAuth 2.0 (3LO): set ADFKIT_JIRA_CLIENT_ID and ADFKIT_JIRA_CLIENT_SECRET for your "
    "Atlassian app, then run `adfkit jira login`;\n"
    "  - an API token: --email, --api-token and --site-url (or ADFKIT_JIRA_EMAIL, "
    "ADFKIT_JIRA_API_TOKEN and ADFKIT_JIRA_SITE_URL); create the token at "
    "https://id.atlassian.com/manage-profile/security/api-tokens"
)


Connect = Callable[[], "JiraClient"]


def _client_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose the site and the credentials (OAuth, or an API token),
    given to the command as one ``connect`` argument that opens the client."""

    @functools.wraps(command)
    def with_connect(
        *args: Any,
        site: str | None,
        email: str | None,
        api_token: str | None,
        site_url: str | None,
        **kwargs: Any,
    ) -> Any:
        return command(*args, connect=lambda: _client(site, email, api_token, site_url), **kwargs)

    f: Callable[..., Any] = with_connect
    f = click.option(
        "--site-url", default=None, help="Site URL for API-token auth [ADFKIT_JIRA_SITE_URL]."
    )(f)
    f = click.option(
        "--api-token",
        default=None,
        help="API token [ADFKIT_JIRA_API_TOKEN]; prefer the variable: options show in the "
        "process list.",
    )(f)
    f = click.option(
        "--email", default=None, help="Account email for API-token auth [ADFKIT_JIRA_EMAIL]."
    )(f)
    return click.option(
        "--site",
        default=None,
        help="OAuth: the site (URL, name or cloud id); default: the one saved at login.",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def jira() -> None:
    """Jira Cloud: login, sites, fields; create, show, edit, comment, attach, transition."""


@jira.command()
@_app_options
@click.option("--site", default=None, help="Pick this site (URL, name or cloud id).")
@click.option("--no-browser", is_flag=True, help="Print the consent URL instead of opening it.")
@_json_option
def login(
    client_id: str | None,
    client_secret: str | None,
    auth_url: str | None,
    api_url: str | None,
    redirect_uri: str | None,
    site: str | None,
    no_browser: bool,
    as_json: bool,
) -> None:
    """Log in with OAuth 2.0 (3LO) and choose a site.

    The consent page opens in the browser (or its URL is printed with --no-browser).
    """

    def body() -> None:
        from adfkit.jira.config import load_app, save_app_settings
        from adfkit.jira.login_flow import login as run_login
        from adfkit.jira.sites import choose_site, describe_sites, forget_site, save_site
        from adfkit.jira.tokens import TokenStore

        app = load_app(
            client_id=client_id,
            client_secret=client_secret,
            auth_url=auth_url,
            api_url=api_url,
            redirect_uri=redirect_uri,
            options_hint=True,
        )
        store = TokenStore()
        result = run_login(
            app,
            store,
            opener=None if no_browser else _open_browser,
            show_url=lambda url: click.echo(f"Open this URL to log in:\n{url}", err=True),
        )
        # Later commands must talk to the same app and servers as this login did.
        save_app_settings(app, store.directory)
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        # A default site from an earlier login that the new grant does not reach is stale:
        # gone before anything below can fail, so no later command uses it.
        _forget_unreachable_site(store.directory, result.sites)
        chosen = None
        if site is None and len(result.sites) > 1:
            if not as_json and sys.stdin.isatty():
                for i, s in enumerate(result.sites, 1):
                    click.echo(f"{i}. {s.name} <{s.url}>", err=True)
                picked = click.prompt("Site", type=click.IntRange(1, len(result.sites)), err=True)
                chosen = result.sites[picked - 1]
            # Not interactive: the login stands; the site is chosen later (--site or --use).
        else:
            chosen = choose_site(result.sites, site)
        if chosen is not None:
            save_site(store.directory, chosen)
        else:
            forget_site(store.directory)  # "no default site saved" must be true
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "site": chosen.to_json() if chosen else None,
                        "sites": [s.to_json() for s in result.sites],
                        "warnings": result.warnings,
                    }
                )
            )
        elif chosen is not None:
            click.echo(f"Logged in; site: {chosen.name} <{chosen.url}>")
        else:
            click.echo("Logged in. This authorisation reaches several sites:")
            click.echo(describe_sites(result.sites))
            click.echo(
                "No default site saved: run `adfkit jira sites --use NAME`, or pass --site NAME."
            )

    _run(as_json, body)


def _forget_unreachable_site(directory: Path, reachable: Sequence[Site]) -> None:
    """Delete ``site.json`` if it is unreadable or names a site not in ``reachable``."""
    from adfkit.jira.sites import forget_site, load_saved_site

    try:
        saved = load_saved_site(directory)
    except ConfigError:
        forget_site(directory)  # unreadable: this login replaces or removes it anyway
        return
    if saved is not None and saved.id not in {s.id for s in reachable}:
        forget_site(directory)


def _open_browser(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


@jira.command()
@_json_option
def logout(as_json: bool) -> None:
    """Forget the tokens, the default site and cached metadata.

    The stored tokens, the default site and the cached create metadata all go.
    """

    def body() -> None:
        from adfkit.jira.createmeta import MetaCache, cache_directory
        from adfkit.jira.sites import forget_site
        from adfkit.jira.tokens import TokenStore

        store = TokenStore()
        removed = store.clear()
        forget_site(store.directory)
        # What the grant could see of the site's projects goes with the grant.
        MetaCache(cache_directory(store.directory)).clear()
        if as_json:
            click.echo(json.dumps({"logged_out": bool(removed)}))
        else:
            click.echo("Logged out." if removed else "No stored tokens.")

    _run(as_json, body)


@jira.command()
@click.option(
    "--use",
    "use",
    default=None,
    metavar="SITE",
    help="Save SITE (URL, name or cloud id) as the default.",
)
@_json_option
def sites(use: str | None, as_json: bool) -> None:
    """List the sites the login reaches; --use saves one.

    Every site the stored grant reaches, the default one marked; --use saves the
    default site.
    """

    def body() -> None:
        from adfkit.jira.client import reachable_sites
        from adfkit.jira.sites import choose_site, load_saved_site, save_site
        from adfkit.jira.tokens import TokenStore

        store = TokenStore()
        found = reachable_sites(store=store)
        if use is not None:
            save_site(store.directory, choose_site(found, use))
        default = load_saved_site(store.directory)
        default_id = default.id if default else None
        if as_json:
            rows = [{**s.to_json(), "default": s.id == default_id} for s in found]
            click.echo(json.dumps(rows, indent=2))
            return
        for s in found:
            mark = "*" if s.id == default_id else " "
            click.echo(f"{mark} {s.name}\t{s.url}\t{s.id}")

    _run(as_json, body)


@jira.command()
@click.argument("project")
@click.argument("issue_type")
@click.option("--all", "show_all", is_flag=True, help="List every field, not only must-supply.")
@_client_options
@_json_option
def fields(
    project: str,
    issue_type: str,
    show_all: bool,
    connect: Connect,
    as_json: bool,
) -> None:
    """List the fields a create must supply.

    Those required and without a default, with their allowed values.

    Project and issue type are left out (create sets them from --project and --type);
    --all lists every field on the create screen.
    """

    def body() -> None:
        from adfkit.jira.fields import SET_BY_CREATE

        with connect() as client:
            metas = [
                m
                for m in client.fields(project, issue_type)
                if show_all or (m.must_supply and m.field_id not in SET_BY_CREATE)
            ]
        rows: list[dict[str, Any]] = [
            {
                "id": m.field_id,
                "name": m.name,
                "required": m.required,
                "hasDefaultValue": m.has_default,
                "type": m.schema.get("type"),
                "allowedValues": [
                    a.get("name") or a.get("value") or a.get("id") if isinstance(a, dict) else a
                    for a in m.allowed_values or []
                ],
            }
            for m in metas
        ]
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            allowed = (
                f"  [{', '.join(map(str, row['allowedValues']))}]" if row["allowedValues"] else ""
            )
            click.echo(f"{row['id']}\t{row['name']}\t{row['type']}{allowed}")

    _run(as_json, body)


@jira.command()
@click.option("--project", required=True, help="Project key or id, e.g. PAY.")
@click.option("--type", "issue_type", required=True, help="Issue type name or id, e.g. Bug.")
@click.option("--summary", required=True, help="One line, at most 255 characters.")
@click.option(
    "--description-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Markdown (.md), HTML (.html) or ADF (.json); '-' reads standard input.",
)
@click.option(
    "--description-format",
    type=click.Choice(BODY_FORMATS),
    help="Override the format the file's extension implies.",
)
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(),
    help="Attach this file after the create; repeatable.",
)
@click.option("--priority", help="By name, e.g. High.")
@click.option("--component", "components", multiple=True, help="By name; repeatable.")
@click.option("--label", "labels", multiple=True, help="No spaces; repeatable.")
@click.option("--assignee", help="The assignee's account id.")
@_field_option("Any other field by name, id or key (options by name); repeat a NAME for lists.")
@_client_options
@_json_option
def create(
    project: str,
    issue_type: str,
    summary: str,
    description_file: str | None,
    description_format: str | None,
    priority: str | None,
    components: Sequence[str],
    labels: Sequence[str],
    assignee: str | None,
    extra: Sequence[str],
    attach: Sequence[str],
    connect: Connect,
    as_json: bool,
) -> None:
    """Create an issue, checked before anything is sent.

    Local images in a Markdown description (![shot](shot.png), relative to the file) are
    uploaded and shown inline: create, upload, then set the description.
    """

    def body() -> None:
        values = _parse_field_options(extra)
        fmt = description_format or "auto"
        description: Any = None
        base_dir = None
        if description_file:
            description, fmt, base_dir = _read_body(description_file, description_format)
        _check_attachments(attach)
        friendly = {"priority": priority, "assignee": assignee}
        if components:
            friendly["components"] = list(components)  # type: ignore[assignment]
        if labels:
            friendly["labels"] = list(labels)  # type: ignore[assignment]
        with connect() as client:
            created = client.create_issue(
                project=project,
                issue_type=issue_type,
                summary=summary,
                description=description,
                description_format=fmt,
                fields={**{k: v for k, v in friendly.items() if v is not None}, **values},
                attach=list(attach),
                base_dir=base_dir,
            )
        if as_json:
            click.echo(json.dumps({"key": created.key, "id": created.id, "url": created.url}))
        else:
            click.echo(f"{created.key} {created.url}")

    _run(as_json, body)


def _parse_field_options(extra: Sequence[str]) -> dict[str, Any]:
    """``--field NAME=VALUE`` options; a repeated NAME collects a list."""
    values: dict[str, Any] = {}
    for item in extra:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--field {item!r}: expected NAME=VALUE")
        if name in values:
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def _read_body(given: str, fmt: str | None) -> tuple[Any, str, Path]:
    """A body file (``-``: standard input): its content (ADF parsed from JSON), its
    format (``fmt``, else the extension's, else sniffed) and the directory its local
    images are relative to. A missing, unreadable, empty or non-UTF-8 file, or a
    directory, is a usage error naming it."""
    from adfkit import jsonfile
    from adfkit.inputs import Unreadable, read_limited

    where = "standard input" if given == "-" else given
    path = Path(given)
    if given != "-" and path.is_dir():
        raise click.UsageError(f"{where}: is a directory, not a file")
    try:
        # bounded: at most $ADFKIT_MAX_BYTES, never a device or a FIFO without a writer
        text = jsonfile.decode(read_limited(given))
    except Unreadable as exc:
        raise click.UsageError(f"{where}: {exc}") from None
    except jsonfile.MalformedJson:
        raise click.UsageError(f"{where}: not UTF-8 text") from None
    if not text.strip():
        raise click.UsageError(f"{where}: is empty; nothing to send")
    from adfkit.formats import format_of_path

    kind = fmt or format_of_path(given) or "auto"
    base_dir = Path.cwd() if given == "-" else path.parent
    if kind != "adf":
        return text, kind, base_dir
    try:  # any depth, linear: json.loads recurses
        value, _duplicates = jsonfile.load(text)
    except jsonfile.MalformedJson as exc:
        raise click.UsageError(
            f"{where}: not JSON (line {exc.line}, column {exc.col}): {exc.message}"
        ) from None
    return value, kind, base_dir


def _check_attachments(paths: Sequence[str]) -> None:
    """Files named on the command line for upload follow the body files' rule: a missing,
    unreadable or empty file, or a directory, is a usage error naming it (exit 2), found
    before anything is sent (an empty upload is a slip, such as a log not yet written)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            raise click.UsageError(f"{given}: is a directory, not a file")
        try:
            with path.open("rb") as handle:
                empty = not handle.read(1)
        except OSError as exc:
            raise click.UsageError(f"{given}: {exc.strerror}") from None
        if empty:
            raise click.UsageError(f"{given}: is empty (0 bytes); nothing to attach")


def _problem_lines(exc: PreflightError) -> str:
    return "\n".join(f"  - {p}" for p in exc.problems)


@jira.command()
@click.argument("key")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json"]),
    default="markdown",
    show_default=True,
    help="markdown: the description (or --comment's body) as Markdown that `edit` maps "
    "back to the same images; text: an overview; json: the issue with every comment "
    "(with --comment: that comment).",
)
@click.option("--comment", "comment_id", default=None, help="Show this comment instead.")
@_client_options
@_json_option
def show(
    key: str,
    fmt: str,
    comment_id: str | None,
    connect: Connect,
    as_json: bool,
) -> None:
    """Read an issue back.

    Its description, status, attachments and comments.
    """

    def body() -> None:
        from adfkit import to_text
        from adfkit.jira.richtext import show_markdown

        with connect() as client:
            issue = client.get_issue(key)
            comments = client.comments(key)
        fields = issue.get("fields") or {}
        found: dict[str, Any] | None = None
        if comment_id is not None:  # checked first: --json must not ignore it
            found = next((c for c in comments if str(c.get("id")) == comment_id), None)
            if found is None:
                ids = ", ".join(str(c.get("id")) for c in comments) or "none"
                raise click.UsageError(f"{key} has no comment {comment_id} (comments: {ids})")
        if as_json or fmt == "json":
            if found is not None:
                click.echo(json.dumps({"key": issue.get("key"), "comment": found}, indent=2))
                return
            out = {
                "key": issue.get("key"),
                "summary": fields.get("summary"),
                "status": (fields.get("status") or {}).get("name"),
                "description": fields.get("description"),
                "attachments": fields.get("attachment") or [],
                "comments": comments,
            }
            click.echo(json.dumps(out, indent=2))
            return
        doc = found.get("body") if found is not None else fields.get("description")
        if fmt == "markdown":
            click.echo(show_markdown(doc) if isinstance(doc, dict) else "", nl=False)
            return
        status = (fields.get("status") or {}).get("name", "?")
        click.echo(f"{issue.get('key')}: {fields.get('summary', '')}  [{status}]")
        if isinstance(doc, dict):
            click.echo("\n" + to_text(doc).rstrip())
        for attachment in fields.get("attachment") or []:
            click.echo(f"attachment: {attachment.get('filename')} ({attachment.get('size')} bytes)")
        if comment_id is None:
            for c in comments:
                author = (c.get("author") or {}).get("displayName", "?")
                note = "" if c.get("jsdPublic", True) else " (internal)"
                click.echo(f"\n--- comment {c.get('id')} by {author}{note}")
                if isinstance(c.get("body"), dict):
                    click.echo(to_text(c["body"]).rstrip())

    _run(as_json, body)


_BODY_HELP = "Markdown (.md), HTML (.html) or ADF (.json); '-' reads standard input."


@jira.command()
@click.argument("key")
@click.option("--body-file", required=True, type=click.Path(allow_dash=True), help=_BODY_HELP)
@click.option("--format", "fmt", type=click.Choice(BODY_FORMATS), help="The body's format.")
@click.option("--internal", is_flag=True, help="A Jira Service Management internal note.")
@click.option("--edit", "edit_id", default=None, metavar="ID", help="Replace comment ID instead.")
@click.option(
    "--allow-media-loss", is_flag=True, help="With --edit: let images the comment shows go."
)
@_client_options
@_json_option
def comment(
    key: str,
    body_file: str,
    fmt: str | None,
    internal: bool,
    edit_id: str | None,
    allow_media_loss: bool,
    connect: Connect,
    as_json: bool,
) -> None:
    """Comment on an issue, or edit a comment.

    Mentions are resolved and local images shown inline, as in a description.
    """

    def body() -> None:
        if internal and edit_id:
            raise click.UsageError("--internal applies to a new comment, not to --edit")
        text, kind, base_dir = _read_body(body_file, fmt)
        with connect() as client:
            if edit_id is None:
                made = client.add_comment(
                    key, text, internal=internal, body_format=kind, base_dir=base_dir
                )
            else:
                made = client.edit_comment(
                    key,
                    edit_id,
                    text,
                    allow_media_loss=allow_media_loss,
                    body_format=kind,
                    base_dir=base_dir,
                )
        out = {"key": key, "id": str(made.get("id")), "internal": made.get("jsdPublic") is False}
        if as_json:
            click.echo(json.dumps({**out, "edited": edit_id is not None}))
        else:
            verb = "Edited" if edit_id else "Added"
            note = " (internal note)" if out["internal"] else ""
            click.echo(f"{verb} comment {out['id']} on {key}{note}")

    _run(as_json, body)


@jira.command()
@click.argument("key")
@click.option("--summary", default=None, help="The new summary.")
@click.option("--description-file", type=click.Path(allow_dash=True), default=None, help=_BODY_HELP)
@click.option("--description-format", type=click.Choice(BODY_FORMATS), help="Its format.")
@_field_option("Any editable field by name, id or key; repeat a NAME for lists.")
@click.option(
    "--allow-media-loss",
    is_flag=True,
    help="Let the edit drop images the description shows (Jira deletes them).",
)
@_client_options
@_json_option
def edit(
    key: str,
    summary: str | None,
    description_file: str | None,
    description_format: str | None,
    extra: Sequence[str],
    allow_media_loss: bool,
    connect: Connect,
    as_json: bool,
) -> None:
    """Edit an issue without losing its images.

    An edit that would drop an image the description shows is refused unless
    --allow-media-loss: show, change the text, edit.
    """

    def body() -> None:
        values = _parse_field_options(extra)
        description: Any = None
        fmt = description_format or "auto"
        base_dir = None
        if description_file is not None:
            description, fmt, base_dir = _read_body(description_file, description_format)
        if summary is None and description is None and not values:
            raise click.UsageError("nothing to edit: give --summary, --description-file or --field")
        with connect() as client:
            edited = client.edit_issue(
                key,
                summary=summary,
                description=description,
                fields=values,
                allow_media_loss=allow_media_loss,
                description_format=fmt,
                base_dir=base_dir,
            )
        if as_json:
            click.echo(json.dumps(edited.to_json()))
        else:
            click.echo(f"{edited.key} {edited.url} (changed: {', '.join(edited.fields)})")

    _run(as_json, body)


@jira.command()
@click.argument("key")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_client_options
@_json_option
def attach(
    key: str,
    files: Sequence[str],
    connect: Connect,
    as_json: bool,
) -> None:
    """Attach files to an issue, each only once.

    Every file is read first; one already attached (same name and size) is not sent
    again.
    """

    def body() -> None:
        _check_attachments(files)
        with connect() as client:
            attached = client.attach(key, *files)
        if as_json:
            click.echo(json.dumps([a.to_json() for a in attached], indent=2))
            return
        for a in attached:
            state = "attached" if a.uploaded else "already attached"
            click.echo(f"{a.filename}\t{a.size} bytes\t{state} (id {a.id})")

    _run(as_json, body)


@jira.command()
@click.argument("key")
@click.argument("to", required=False)
@click.option("--comment-file", type=click.Path(allow_dash=True), default=None, help=_BODY_HELP)
@_field_option("A field of the transition's screen, e.g. Resolution=Done.")
@_client_options
@_json_option
def transition(
    key: str,
    to: str | None,
    comment_file: str | None,
    extra: Sequence[str],
    connect: Connect,
    as_json: bool,
) -> None:
    """Move an issue through its workflow.

    TO is a transition's name or its target status's name; without it, the
    transitions are listed.
    """

    def body() -> None:
        values = _parse_field_options(extra)
        if to is None and (values or comment_file is not None):
            # Listing the transitions would silently drop what was given for one.
            raise click.UsageError(
                "--field and --comment-file need TO, the transition to make "
                f"(`adfkit jira transition {key}` lists them)"
            )
        comment_body: Any = None
        kind = "auto"
        base_dir = None
        if comment_file is not None:
            comment_body, kind, base_dir = _read_body(comment_file, None)
        with connect() as client:
            if to is None:
                rows = [
                    {
                        "id": t.get("id"),
                        "name": t.get("name"),
                        "to": (t.get("to") or {}).get("name"),
                        "fields": sorted(
                            k for k, v in (t.get("fields") or {}).items() if v.get("required")
                        ),
                    }
                    for t in client.transitions(key)
                ]
                if as_json:
                    click.echo(json.dumps(rows, indent=2))
                else:
                    for r in rows:
                        needs = f"  (requires {', '.join(r['fields'])})" if r["fields"] else ""
                        click.echo(f"{r['name']}\t-> {r['to']}{needs}")
                return
            done = client.transition(
                key, to, comment=comment_body, fields=values, comment_format=kind, base_dir=base_dir
            )
        if as_json:
            click.echo(json.dumps(done.to_json()))
        else:
            click.echo(f"{done.key}: {done.status_before} -> {done.status} ({done.transition})")

    _run(as_json, body)


def _add_sandbox() -> None:
    try:
        from adfkit.sandbox.cli import sandbox_command
    except ImportError:  # the sandbox is optional for the client
        return
    jira.add_command(sandbox_command, "sandbox")


_add_sandbox()
