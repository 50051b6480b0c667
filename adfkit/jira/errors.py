"""The exceptions ``adfkit.jira`` raises on purpose.

One small hierarchy, rooted in ``adfkit.AdfkitError``::

    JiraError
    ├── ConfigError               missing/invalid client id, secret, URLs or config file
    ├── AuthError                 login failed, credentials rejected, consent denied
    │   └── ReauthorizationRequired  the refresh token is dead: run ``adfkit jira login``
    ├── TokenStoreError           the token file (or keyring entry) cannot be read or written
    ├── SiteError                 no Jira site, unknown ``--site``, a cloud id that fails
    ├── PreflightError            the issue would be rejected: every problem in ``.problems``
    ├── JiraApiError              Jira answered an error (``.status``, ``.errors``)
    ├── IncompleteCreate          the issue was created but a later step (upload) failed
    └── WriteOutcomeUnknown       a write may have reached Jira and adfkit could not tell
        └── CreateOutcomeUnknown  the create request may have reached Jira; never retried

Messages never contain tokens, secrets, API tokens or authorization codes: they are built
from status codes, field ids and Jira's own error texts only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adfkit.errors import AdfkitError

__all__ = [
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
]


class JiraError(AdfkitError):
    """Base of everything ``adfkit.jira`` raises on purpose."""


class ConfigError(JiraError):
    """The OAuth app or basic-auth configuration is missing or invalid."""


class AuthError(JiraError):
    """Authentication or authorisation failed."""


class ReauthorizationRequired(AuthError):
    """The grant is gone (``invalid_grant``, no refresh token): the user must log in again."""

    def __init__(self, reason: str = "authorisation expired or revoked") -> None:
        super().__init__(f"{reason}: run `adfkit jira login`")


class TokenStoreError(JiraError):
    """The token store cannot be read (corrupt, unreadable) or written."""


class SiteError(JiraError):
    """No usable Jira site: none reachable, none matching, or a cloud id that does not answer."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One reason an issue would be rejected, found before anything is sent.

    ``field`` is the field id (or the name the caller used when it is unknown); ``code`` is
    one of ``MISSING_REQUIRED``, ``NOT_ALLOWED``, ``UNKNOWN_FIELD``, ``INVALID_ADF``,
    ``INVALID_VALUE``; ``pointer`` is a JSON Pointer into the request body for ADF problems.
    """

    field: str
    code: str
    message: str
    fix: str = ""
    pointer: str | None = None

    def __str__(self) -> str:
        where = self.pointer if self.pointer is not None else self.field
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{where}: {self.code}: {self.message}{fix}"


class PreflightError(JiraError):
    """The fields would be rejected by Jira; ``problems`` has every problem found."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) found before sending:\n{lines}")


class JiraApiError(JiraError):
    """Jira (or the API gateway) answered with an error status.

    ``errors`` maps field ids to Jira's messages; ``error_messages`` holds the messages not
    tied to a field; ``pointers`` names offending JSON Pointers when adfkit could find them.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        errors: Mapping[str, str] | None = None,
        error_messages: Sequence[str] = (),
        pointers: Sequence[str] = (),
    ) -> None:
        self.status = status
        self.errors = dict(errors or {})
        self.error_messages = list(error_messages)
        self.pointers = list(pointers)
        super().__init__(message)


class IncompleteCreate(JiraError):
    """The issue ``key`` was created, but a step after it (uploading its images or
    attachments, setting the description that shows them) failed. Rerunning the edit
    the message names finishes it without uploading a file twice."""

    def __init__(self, message: str, *, key: str, url: str) -> None:
        self.key = key
        self.url = url
        super().__init__(message)


class WriteOutcomeUnknown(JiraError):
    """A write (comment, attachment, transition, create) was sent and may have been
    carried out, and adfkit could not find out whether it was: it is not resent."""


class CreateOutcomeUnknown(WriteOutcomeUnknown):
    """The create request was sent and may have been carried out: no answer arrived, or
    a 502/503/504 without ``Retry-After`` came back (a proxy can answer that after Jira
    created the issue). The issue may exist.

    adfkit never resends a create in this case, since that could make a duplicate.
    """
