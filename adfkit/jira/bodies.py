"""One pipeline for every rich-text body a write sends (description, comment, a
transition's comment): read it (any format adfkit reads, or ADF), resolve mentions,
read the local images it shows, check it — all before anything is sent — then, at the
last step, upload the images, put their media ids in and check the final document.

``prepare`` does everything that can fail on the user's input without touching Jira's
data (user search is a read); ``finish`` does the uploads. A ``Prepared`` body whose
``files`` is empty needs no upload.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adfkit.jira.attachments import LocalFile, attach_files, media_id, read_local_files
from adfkit.jira.errors import FieldProblem, PreflightError
from adfkit.jira.mentions import apply_mentions
from adfkit.jira.richtext import (
    Body,
    KnownMedia,
    file_media,
    read_body,
    resolve_media,
    unknown_references,
)

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient

__all__ = ["Prepared", "check_document", "finish", "known_media", "prepare"]


@dataclass
class Prepared:
    """A body ready to send once ``files`` (its inline images) are uploaded."""

    body: Body
    files: list[LocalFile] = field(default_factory=list)
    where: str = "body"

    @property
    def doc(self) -> dict[str, Any]:
        return self.body.doc


def check_document(doc: Any, pointer: str, where: str) -> None:
    """``PreflightError`` with every validation error of ``doc`` (pointers under
    ``pointer``, the place in the request body)."""
    from adfkit import iter_errors

    problems = [
        FieldProblem(
            where,
            "INVALID_ADF",
            f"{error.code}: {error.message}",
            "fix the document (`adfkit validate` checks it locally)",
            pointer + error.path,
        )
        for error in iter_errors(doc)
    ]
    if problems:
        raise PreflightError(problems)


def prepare(
    client: JiraClient,
    value: Any,
    fmt: str,
    *,
    base_dir: Path | None,
    where: str,
    pointer: str,
    known: Mapping[str, KnownMedia] | None = None,
) -> Prepared:
    """Read, resolve mentions, read the local images and check — nothing is sent."""
    try:
        body = read_body(value, fmt, base_dir=base_dir)
    except TypeError as exc:
        raise PreflightError(
            [FieldProblem(where, "INVALID_VALUE", str(exc), "give Markdown, HTML or ADF")]
        ) from None
    problems: list[FieldProblem] = []
    try:
        apply_mentions(body.doc, client.resolve_mention, where=where)
    except PreflightError as exc:
        problems += exc.problems
    problems += unknown_references(body.doc, known or {}, where)
    problems += [
        FieldProblem(
            where,
            "IMAGE_NOT_PLACED",
            f"the image {image.written} could not be placed where it is written",
            "put the image on a line of its own",
        )
        for image in body.dropped
    ]
    problems += [
        FieldProblem(
            where,
            "IMAGE_NOT_PLACED",
            f'<img src="{src}"> names a local file, which is uploaded only from Markdown',
            f"write it as ![alt]({src}) in a Markdown body, or attach it as a file",
        )
        for src in body.html_local_images
    ]
    problems += [
        FieldProblem(
            where,
            "NOT_A_MEDIA_ID",
            f"the image or file {name!r} is named, not identified: Jira's media ids are "
            "UUIDs, and Jira would show a broken image (wiki markup's !name! gives such "
            "a name)",
            f"write it as ![{name}]({name}) in a Markdown body to upload it and show it "
            "inline, or attach it and give its media id",
        )
        for name in _named_media(body.doc)
    ]
    files: list[LocalFile] = []
    try:
        files = read_local_files([i.path for i in body.images], images=True, where=where)
    except PreflightError as exc:
        problems += exc.problems
    if problems:
        raise PreflightError(problems)
    check_document(body.doc, pointer, where)
    return Prepared(body, files, where)


_MEDIA_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _named_media(doc: Any) -> list[str]:
    """The ids of ``file`` media that are no Media Services id but a file name."""
    names: list[str] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        attrs = node.get("attrs")
        if node.get("type") in ("media", "mediaInline") and isinstance(attrs, dict):
            media_id = attrs.get("id")
            kind = attrs.get("type", "file" if node.get("type") == "mediaInline" else None)
            if kind == "file" and isinstance(media_id, str) and not _MEDIA_ID.fullmatch(media_id):
                names.append(media_id)
        content = node.get("content")
        if isinstance(content, list):
            stack.extend(reversed(content))
    return names


def finish(
    client: JiraClient,
    key: str,
    prepared: Prepared,
    known: Mapping[str, KnownMedia],
    pointer: str,
) -> dict[str, Any]:
    """Upload the body's images to ``key`` (each at most once) and return the final
    document: inline ``file`` media with their ids and sizes, references to attached
    media restored as they were."""
    uploaded: dict[str, Mapping[str, Any]] = {}
    if prepared.files:
        attached = attach_files(client, key, prepared.files)
        for image, file, attachment in zip(
            prepared.body.images, prepared.files, attached, strict=True
        ):
            assert file.image is not None  # read_local_files(images=True) guarantees it
            uploaded[image.url] = {
                "id": media_id(client, attachment.id),
                "width": file.image.width,
                "height": file.image.height,
                "alt": file.name,
            }
    problems = resolve_media(prepared.doc, uploaded, known, prepared.where)
    if problems:
        raise PreflightError(problems)
    check_document(prepared.doc, pointer, prepared.where)
    return prepared.doc


def known_media(*docs: Any) -> dict[str, KnownMedia]:
    """The ``file`` media of ``docs`` (first occurrence of each id wins)."""
    found: dict[str, KnownMedia] = {}
    for doc in docs:
        for media_id_, media in file_media(doc).items():
            found.setdefault(media_id_, media)
    return found
