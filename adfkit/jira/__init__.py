"""Jira Cloud for adfkit: OAuth 2.0 (3LO) login, sites, createmeta, issues and every write
an integration makes (comments, edits that keep images, attachments, transitions).

    from adfkit.jira import JiraClient

    with JiraClient.from_oauth(site="Acme") as jira:      # after `adfkit jira login`
        created = jira.create_issue(project="PAY", issue_type="Bug", summary="...",
                                    description="Markdown, HTML or ADF", priority="High")
        jira.add_comment(created.key, "Seen again by @[Sam Reviewer]")
        jira.transition(created.key, "Done", fields={"Resolution": "Done"})

The parts live in small modules (``config``, ``oauth``, ``tokens``, ``auth``, ``login_flow``,
``sites``, ``createmeta``, ``fields``, ``client``, ``errors``; for the writes ``comments``,
``edits``, ``attachments``, ``transitions``, ``bodies``, ``richtext``, ``mentions``,
``users``, ``images``, ``wire``; the local Jira stand-in is ``adfkit.sandbox``). Names
are imported on first use so that importing this package costs nothing until a name is
needed. docs/jira.md has the flow and the traps.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adfkit.jira.attachments import Attachment
    from adfkit.jira.client import CreatedIssue, JiraClient
    from adfkit.jira.config import OAuthApp, load_app
    from adfkit.jira.createmeta import FieldMeta, IssueType
    from adfkit.jira.edits import EditedIssue
    from adfkit.jira.errors import (
        AuthError,
        ConfigError,
        CreateOutcomeUnknown,
        FieldProblem,
        IncompleteCreate,
        JiraApiError,
        JiraError,
        PreflightError,
        ReauthorizationRequired,
        SiteError,
        TokenStoreError,
        WriteOutcomeUnknown,
    )
    from adfkit.jira.login_flow import LoginResult, login
    from adfkit.jira.sites import Site
    from adfkit.jira.tokens import TokenSet, TokenStore
    from adfkit.jira.transitions import Transitioned

__all__ = [
    "Attachment",
    "AuthError",
    "ConfigError",
    "CreateOutcomeUnknown",
    "CreatedIssue",
    "EditedIssue",
    "FieldMeta",
    "FieldProblem",
    "IncompleteCreate",
    "IssueType",
    "JiraApiError",
    "JiraClient",
    "JiraError",
    "LoginResult",
    "OAuthApp",
    "PreflightError",
    "ReauthorizationRequired",
    "Site",
    "SiteError",
    "TokenSet",
    "TokenStore",
    "TokenStoreError",
    "Transitioned",
    "WriteOutcomeUnknown",
    "load_app",
    "login",
]

_HOMES = {
    "Attachment": "attachments",
    "EditedIssue": "edits",
    "Transitioned": "transitions",
    "CreatedIssue": "client",
    "JiraClient": "client",
    "OAuthApp": "config",
    "load_app": "config",
    "FieldMeta": "createmeta",
    "IssueType": "createmeta",
    "LoginResult": "login_flow",
    "login": "login_flow",
    "Site": "sites",
    "TokenSet": "tokens",
    "TokenStore": "tokens",
    **dict.fromkeys(
        (
            "AuthError",
            "ConfigError",
            "CreateOutcomeUnknown",
            "FieldProblem",
            "IncompleteCreate",
            "JiraApiError",
            "JiraError",
            "PreflightError",
            "ReauthorizationRequired",
            "SiteError",
            "TokenStoreError",
            "WriteOutcomeUnknown",
        ),
        "errors",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"adfkit.jira.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
