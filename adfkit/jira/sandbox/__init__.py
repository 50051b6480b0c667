"""A local stand-in for Atlassian's auth server, API gateway and Jira Cloud REST v3, for
testing 3LO clients over real HTTP without an Atlassian account.

    from adfkit.jira.sandbox import Sandbox, approve

    with Sandbox() as sb:
        location = approve(sb.authorize_url())   # a "browser" clicks Accept
        ...                                       # exchange the code at sb.auth_url

Names are imported on first use so that the pytest plugin (``pytest_plugin``) loads
without starting anything or importing the HTTP machinery. The faithful parts, the
choices made where Atlassian's behaviour is UNCONFIRMED, and the limits are in
docs/sandbox.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adfkit.jira.sandbox.browser import (
        approve,
        consenting_browser,
        deny,
        loopback_redirect_uri,
    )
    from adfkit.jira.sandbox.faults import Fault, Faults
    from adfkit.jira.sandbox.server import LoggedRequest, Sandbox
    from adfkit.jira.sandbox.world import World, default_world

__all__ = [
    "Fault",
    "Faults",
    "LoggedRequest",
    "Sandbox",
    "World",
    "approve",
    "consenting_browser",
    "default_world",
    "deny",
    "loopback_redirect_uri",
]

_HOMES = {
    "Fault": "adfkit.jira.sandbox.faults",
    "Faults": "adfkit.jira.sandbox.faults",
    "LoggedRequest": "adfkit.jira.sandbox.server",
    "Sandbox": "adfkit.jira.sandbox.server",
    "approve": "adfkit.jira.sandbox.browser",
    "consenting_browser": "adfkit.jira.sandbox.browser",
    "deny": "adfkit.jira.sandbox.browser",
    "loopback_redirect_uri": "adfkit.jira.sandbox.browser",
    "World": "adfkit.jira.sandbox.world",
    "default_world": "adfkit.jira.sandbox.world",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
