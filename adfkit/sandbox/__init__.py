"""A local stand-in for Atlassian's auth server, API gateway and Jira Cloud REST v3, for
testing 3LO clients over real HTTP without an Atlassian account.

    from adfkit.sandbox import Sandbox, approve

    with Sandbox() as sb:
        location = approve(sb.authorize_url())   # a "browser" clicks Accept
        ...                                       # exchange the code at sb.auth_url

A test double, so a package of its own beside the client (as moto stands beside boto):
it shares no code with ``adfkit.jira`` but the private-file writer for its state file.
Modules: ``server`` (HTTP, routing), ``oauth``, ``rest`` (create, createmeta), ``writes``
(comments, edits, attachments, transitions, user search), ``workflow``, ``world`` (the
data), ``adf`` (its own ADF check), ``faults``, ``control`` (the ``/_sandbox/`` API),
``browser``, ``cli``, ``pytest_plugin``.

Names are imported on first use so that the pytest plugin (``pytest_plugin``) loads
without starting anything or importing the HTTP machinery. The faithful parts, the
choices made where Atlassian's behaviour is UNCONFIRMED, and the limits are in
docs/sandbox.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adfkit.sandbox.browser import (
        approve,
        consenting_browser,
        deny,
        loopback_redirect_uri,
    )
    from adfkit.sandbox.faults import Fault, Faults
    from adfkit.sandbox.server import LoggedRequest, Sandbox
    from adfkit.sandbox.world import World, default_world

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
    "Fault": "adfkit.sandbox.faults",
    "Faults": "adfkit.sandbox.faults",
    "LoggedRequest": "adfkit.sandbox.server",
    "Sandbox": "adfkit.sandbox.server",
    "approve": "adfkit.sandbox.browser",
    "consenting_browser": "adfkit.sandbox.browser",
    "deny": "adfkit.sandbox.browser",
    "loopback_redirect_uri": "adfkit.sandbox.browser",
    "World": "adfkit.sandbox.world",
    "default_world": "adfkit.sandbox.world",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
