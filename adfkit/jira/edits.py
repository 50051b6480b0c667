"""Editing an issue without ever losing an image.

``PUT /rest/api/3/issue/{key}`` with ``fields`` (204 on success); the fields are shaped
and checked through ``GET /rest/api/3/issue/{key}/editmeta`` the way a create uses
createmeta (jira-cloud.md section 10). A PUT sets the same values again if resent, so it
is retried like a read after a lost answer.

Media loss: Jira deletes an attachment for good when an edit replaces a description (or
comment, or textarea field) with a document that no longer shows it; other clients lost
users' screenshots that way (sooperset/mcp-atlassian#1192, #1678;
ankitpokhrel/jira-cli#1005). So before anything is sent, the media ids the current
value shows are compared with those the new one keeps (``file`` media, and the
``https://jira-media.invalid/ID`` references ``adfkit jira show`` writes); if any would
go, the edit is refused with the attachments' names, unless ``allow_media_loss``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adfkit.jira.attachments import LocalFile, existing, identical, media_id
from adfkit.jira.bodies import Prepared, finish, known_media, prepare
from adfkit.jira.createmeta import FieldMeta
from adfkit.jira.errors import FieldProblem, JiraError, PreflightError
from adfkit.jira.fields import find_meta, is_adf_field, shape_fields
from adfkit.jira.richtext import KnownMedia, file_media, referenced_media

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient

__all__ = ["EditedIssue", "edit_issue", "editmeta", "media_loss"]


@dataclass(frozen=True, slots=True)
class EditedIssue:
    key: str
    url: str
    fields: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "url": self.url, "fields": self.fields}


def editmeta(client: JiraClient, key: str) -> list[FieldMeta]:
    """The fields of ``key`` that can be edited, from ``GET issue/{key}/editmeta``."""
    data = client._get_json(f"issue/{key}/editmeta", {})
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise JiraError(f"{key}: editmeta answered without fields")
    return [
        FieldMeta.from_json({**meta, "fieldId": field_id})
        for field_id, meta in fields.items()
        if isinstance(meta, dict) and field_id != "comment"
    ]


def reattached(client: JiraClient, key: str, files: list[LocalFile]) -> set[str]:
    """The media ids of the attachments these local images would reuse (the same file
    already attached: a rerun of the same edit), which the new text therefore keeps."""
    return {
        media_id(client, attachment.id)
        for attachment in existing(client, key)
        if any(identical(client, attachment, file) for file in files)
    }


def media_loss(
    client: JiraClient,
    key: str,
    lost: set[str],
    shown: Mapping[str, KnownMedia],
    where: str,
) -> FieldProblem:
    """The refusal naming the attachments an edit would delete."""
    names: dict[str, str] = {}
    for attachment in existing(client, key):
        found = media_id(client, attachment.id)
        if found in lost:
            names[found] = f"{attachment.filename} (attachment {attachment.id})"
    listed = [
        names.get(m) or f"{shown[m].attrs.get('alt') or 'media'} (media {m})" for m in sorted(lost)
    ]
    return FieldProblem(
        where,
        "MEDIA_LOSS",
        f"the new text no longer shows {len(lost)} image(s), and Jira would delete their "
        f"attachment(s) for good: {', '.join(listed)}",
        "keep their ![…](https://jira-media.invalid/…) references as `adfkit jira show` "
        "prints them, or allow the loss (allow_media_loss=True, --allow-media-loss)",
    )


def edit_issue(
    client: JiraClient,
    key: str,
    *,
    values: Mapping[str, Any],
    allow_media_loss: bool,
    description_format: str,
    base_dir: Path | None,
) -> EditedIssue:
    metas = editmeta(client, key)
    current = client.get_issue(key).get("fields") or {}
    plain: dict[str, Any] = {}
    rich: dict[str, tuple[FieldMeta, Any]] = {}
    for name, value in values.items():
        meta = find_meta(name, metas)
        if meta is not None and is_adf_field(meta) and value is not None:
            rich[meta.field_id] = (meta, value)
        else:
            plain[name] = value
    problems: list[FieldProblem] = []
    shaped: dict[str, Any] = {}
    try:
        shaped = shape_fields(metas, plain, screen="edit screen", check_required=False)
    except PreflightError as exc:
        problems += exc.problems
    prepared: dict[str, tuple[Prepared, dict[str, KnownMedia]]] = {}
    for field_id, (meta, value) in rich.items():
        old = current.get(field_id)
        known = known_media(old)
        fmt = description_format if meta.schema.get("system") == "description" else "auto"
        try:
            body = prepare(
                client,
                value,
                fmt,
                base_dir=base_dir,
                where=field_id,
                pointer=f"/fields/{field_id}",
                known=known,
            )
        except PreflightError as exc:
            problems += exc.problems
            continue
        lost = set(known) - referenced_media(body.doc)
        if lost and body.files:
            lost -= reattached(client, key, body.files)
        if lost and not allow_media_loss:
            problems.append(media_loss(client, key, lost, file_media(old), field_id))
        prepared[field_id] = (body, known)
    if not problems and not shaped and not prepared:
        problems.append(
            FieldProblem("fields", "NOTHING_TO_EDIT", "no field to change", "give a field to set")
        )
    if problems:
        raise PreflightError(problems)
    for field_id, (body, known) in prepared.items():
        shaped[field_id] = finish(client, key, body, known, f"/fields/{field_id}")
    client._request("PUT", f"issue/{key}", json_body={"fields": shaped})
    return EditedIssue(key, f"{client.browse_base}/browse/{key}", sorted(shaped))
