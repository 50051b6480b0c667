"""``adfkit.jira``'s public names: pinned, importable, and lazy."""

from __future__ import annotations

import subprocess
import sys

import adfkit.jira

PINNED = [
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


def test_the_public_names_are_pinned_and_each_resolves() -> None:
    assert adfkit.jira.__all__ == PINNED
    for name in PINNED:
        assert getattr(adfkit.jira, name).__name__ == name


def test_every_jira_error_is_an_adfkit_error() -> None:
    errors = [
        getattr(adfkit.jira, n)
        for n in PINNED
        if n.endswith(("Error", "Unknown", "Required", "IncompleteCreate"))
    ]
    assert errors
    for error in errors:
        assert issubclass(error, adfkit.AdfkitError)


def test_importing_the_package_loads_no_http_machinery() -> None:
    code = (
        "import sys, adfkit.jira\n"
        "print(sorted(m for m in sys.modules if m == 'httpx' or m.startswith('adfkit.jira.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
