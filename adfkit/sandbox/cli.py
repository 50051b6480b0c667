"""``adfkit jira sandbox``: run the sandbox in the foreground and print how to point a
client at it and where its control API is, until Ctrl-C or SIGTERM. ``--fault`` queues
request faults before the first request arrives.

The client id and secret it prints are the sandbox's own local test credentials (they
open nothing outside this process), so printing them is deliberate.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from adfkit.sandbox.faults import Fault

    _ParamType = click.ParamType[Fault, Any]
else:  # click < 8.2 has no generic ParamType
    _ParamType = click.ParamType

__all__ = ["sandbox_command"]


class _FaultSpec(_ParamType):
    """``ENDPOINT:KIND[:COUNT][:RETRY_AFTER]``, checked before the server starts."""

    name = "ENDPOINT:KIND[:COUNT][:RETRY_AFTER]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Fault:
        from adfkit.sandbox.control import ControlError, parse_fault_spec

        try:
            return parse_fault_spec(str(value))
        except ControlError as exc:
            allowed = f" (one of: {', '.join(exc.allowed)})" if exc.allowed else ""
            self.fail(f"{value!r}: {exc.message}{allowed}", param, ctx)


def _callback_urls(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each ``--redirect-uri`` must be an absolute http(s) URL: a typo would otherwise
    show up only at login, as a consent page refusing the client's callback."""
    from urllib.parse import urlsplit

    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(
                f"{value!r} is not an http(s) URL (e.g. http://127.0.0.1:8765/callback)",
                ctx,
                param,
            )
    return values


@click.command("sandbox")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option(
    "--state-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Keep the world, issues and tokens in this JSON file across restarts.",
)
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    callback=_callback_urls,
    help="A registered callback URL of the sandbox's OAuth client (repeatable).",
)
@click.option(
    "--access-token-lifetime",
    type=click.IntRange(1),
    default=3600,
    show_default=True,
    help="Seconds an access token stays valid.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    type=_FaultSpec(),
    help="Queue a request fault at start-up, e.g. create_issue:rate_limit:2:1 (repeatable; "
    "for slow the fourth part is the delay in seconds).",
)
def sandbox_command(
    port: int,
    state_file: str | None,
    redirect_uris: tuple[str, ...],
    access_token_lifetime: int,
    faults: tuple[Fault, ...],
) -> None:
    """Run a local Jira Cloud sandbox.

    Atlassian's auth server, API gateway and Jira sites, on one loopback port.
    """
    from adfkit.sandbox.server import Sandbox, StateFileError

    try:
        sandbox = Sandbox(
            port=port,
            state_file=state_file,
            redirect_uris=list(redirect_uris) or None,
            access_token_lifetime=access_token_lifetime,
        )
        sandbox.start()
    except StateFileError as exc:
        # Bad input, so a usage error (exit 2); the message names the file and the problem.
        raise click.BadParameter(str(exc), param_hint="'--state-file'") from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    for fault in faults:
        sandbox.faults.add(fault)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    base = sandbox.base_url
    lines = [
        f"Jira sandbox listening on {base}",
        f"  auth URL:      {sandbox.auth_url}",
        f"  API URL:       {sandbox.api_url}",
        f"  control API:   {base}/_sandbox/ (faults, clock, request log; see docs/sandbox.md)",
        f"  client id:     {sandbox.client_id}",
        f"  client secret: {sandbox.client_secret}",
        "  redirect URIs: " + " ".join(sandbox.redirect_uris),
        "  sites:",
    ]
    for site in sandbox.world.sites:
        lines.append(f"    {site.name}: {sandbox.site_url(site.slug)} (cloud id {site.cloud_id})")
    user = sandbox.world.user(sandbox.world.consenting_user)
    if user is not None:
        lines.append(f"  consenting user: {user.display_name} <{user.email}>")
    for fault in faults:
        lines.append(f"  queued fault:  {_describe(fault)}")
    lines += [
        "",
        "Point a client at it:",
        f"  export ADFKIT_JIRA_AUTH_URL={sandbox.auth_url}",
        f"  export ADFKIT_JIRA_API_URL={sandbox.api_url}",
        f"  export ADFKIT_JIRA_CLIENT_ID={sandbox.client_id}",
        f"  export ADFKIT_JIRA_CLIENT_SECRET={sandbox.client_secret}",
        "",
        "Press Ctrl-C to stop.",
    ]
    click.echo("\n".join(lines))
    try:
        stop.wait()
    finally:
        sandbox.stop()
        click.echo("Jira sandbox stopped.")


def _describe(fault: Fault) -> str:
    text = f"{fault.kind} on {fault.endpoint} for {fault.count} request(s)"
    if fault.kind == "slow":
        return f"{text}, delay {fault.delay:g} s"
    if fault.retry_after is not None:
        return f"{text}, Retry-After {fault.retry_after}"
    return text
