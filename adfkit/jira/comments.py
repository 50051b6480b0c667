"""Comments: add (optionally as a Jira Service Management internal note), edit, list.

``POST /rest/api/3/issue/{key}/comment`` with ``{"body": ADF, "properties": [...]}``;
``PUT …/comment/{id}`` to edit (jira-cloud.md section 10). An internal note is the
comment property ``sd.public.comment`` = ``{"internal": true}``; ``visibility`` does not
hide a comment from portal customers (atlassian/atlassian-mcp-server#139).

Never twice: every new comment carries a second property, ``adfkit.request`` =
``{"id": <random id>}``. When the answer to the POST is lost, adfkit reads every page of
the issue's comments (a long thread has many: the new comment is on the last page) and
asks the newest few by the caller for that property
(``GET /rest/api/3/comment/{id}/properties/adfkit.request``): found means the comment
was added and it is returned; not found means it was not, and the POST is sent again.

An edit that would drop an image the comment shows is refused (Jira would delete the
attachment) unless ``allow_media_loss``; see ``edits.media_loss``.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adfkit.jira.bodies import finish, known_media, prepare
from adfkit.jira.createmeta import all_pages
from adfkit.jira.errors import JiraApiError, PreflightError
from adfkit.jira.richtext import file_media, referenced_media

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient

__all__ = ["INTERNAL_PROPERTY", "REQUEST_PROPERTY", "add_comment", "all_comments", "edit_comment"]

INTERNAL_PROPERTY = "sd.public.comment"
REQUEST_PROPERTY = "adfkit.request"
_CHECK_NEWEST = 5  # how many of the caller's newest comments are asked for the marker


def all_comments(client: JiraClient, key: str) -> list[dict[str, Any]]:
    """Every comment of ``key``, oldest first, reading every page."""
    pages = all_pages(client._get_json, f"issue/{key}/comment", ("comments",), f"{key} comments")
    return [c for c in pages if isinstance(c, dict)]


def _issue_media(client: JiraClient, key: str) -> dict[str, Any]:
    issue = client.get_issue(key)
    fields = issue.get("fields") or {}
    page = (fields.get("comment") or {}).get("comments") or []
    return known_media(fields.get("description"), *(c.get("body") for c in page))


def add_comment(
    client: JiraClient,
    key: str,
    body: Any,
    *,
    internal: bool,
    body_format: str,
    base_dir: Path | None,
) -> dict[str, Any]:
    known = _issue_media(client, key)
    prepared = prepare(
        client, body, body_format, base_dir=base_dir, where="comment", pointer="/body", known=known
    )
    doc = finish(client, key, prepared, known, "/body")
    marker = uuid.uuid4().hex
    properties: list[dict[str, Any]] = [{"key": REQUEST_PROPERTY, "value": {"id": marker}}]
    if internal:
        properties.append({"key": INTERNAL_PROPERTY, "value": {"internal": True}})
    payload = {"body": doc, "properties": properties}

    def send() -> dict[str, Any]:
        answer = client._request("POST", f"issue/{key}/comment", json_body=payload, once=True)
        return dict(answer.json())

    def already_done() -> dict[str, Any] | None:
        me = str(client.myself().get("accountId", ""))
        mine = [
            c for c in all_comments(client, key) if (c.get("author") or {}).get("accountId") == me
        ]
        for comment in reversed(mine[-_CHECK_NEWEST:]):
            try:
                prop = client._get_json(
                    f"comment/{comment['id']}/properties/{REQUEST_PROPERTY}", {}
                )
            except JiraApiError as exc:
                if exc.status == 404:
                    continue
                raise
            if isinstance(prop, dict) and (prop.get("value") or {}).get("id") == marker:
                return dict(comment)
        return None

    return client._write_once(f"adding a comment to {key}", send, already_done)


def edit_comment(
    client: JiraClient,
    key: str,
    comment_id: str,
    body: Any,
    *,
    allow_media_loss: bool,
    body_format: str,
    base_dir: Path | None,
) -> dict[str, Any]:
    from adfkit.jira.edits import media_loss, reattached

    current = client._get_json(f"issue/{key}/comment/{comment_id}", {})
    old = current.get("body") if isinstance(current, dict) else None
    known = {**_issue_media(client, key), **file_media(old)}
    prepared = prepare(
        client, body, body_format, base_dir=base_dir, where="comment", pointer="/body", known=known
    )
    lost = set(file_media(old)) - referenced_media(prepared.doc)
    if lost and prepared.files:
        lost -= reattached(client, key, prepared.files)
    if lost and not allow_media_loss:
        raise PreflightError([media_loss(client, key, lost, file_media(old), "comment")])
    doc = finish(client, key, prepared, known, "/body")
    # A PUT sets the same body again if resent: retried like a read.
    answer = client._request("PUT", f"issue/{key}/comment/{comment_id}", json_body={"body": doc})
    return dict(answer.json())
