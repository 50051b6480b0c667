"""Attachments: upload files to an issue, and find the media id an inline image needs.

Upload (``POST /rest/api/3/issue/{key}/attachments``): ``multipart/form-data`` with the
part name ``file`` and the header ``X-Atlassian-Token: no-check``, without which Jira
refuses the request as an XSRF check failure (jira-cloud.md section 10;
developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-attachments/). One
file per request, so that a lost answer concerns one known file. The body is built here
as bytes, so that the one refresh-and-retry after a 401 resends the same bytes.

Never twice: before uploading, the issue's attachments are read; a file whose name,
size and bytes match an attachment already there is not sent again (a rerun after a
failure, or an image shown twice); the bytes are downloaded only for an attachment of
the same name and size. When the answer to an upload is lost, the attachments are read
again: a new one with that name and size means the upload was carried out.

The media id: the upload's answer has none (only the numeric attachment id), but a
``media`` node needs the Media Services file id, a UUID. Atlassian's own clients get it
from the download address: ``GET /rest/api/3/attachment/content/{id}`` answers 303 to
``…/file/{uuid}/binary?…`` on the media API; through the OAuth gateway the answer is a
chain of redirects, followed here hop by hop (at most ``MAX_HOPS``) without downloading
the file: the first ``Location`` whose path is ``/file/{uuid}/binary`` gives the id
(sooperset/mcp-atlassian#1402; the media API itself is undocumented, CLOUD-12467). The
credentials go only to hops on the same origin as the REST base, as httpx itself does.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from adfkit.jira.errors import FieldProblem, JiraApiError, JiraError, PreflightError
from adfkit.jira.images import ImageInfo, image_info

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient

__all__ = ["Attachment", "LocalFile", "attach_files", "media_id", "read_local_files"]

MAX_HOPS = 5
_MEDIA_PATH = re.compile(
    r"/file/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/binary"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment of an issue. ``uploaded`` is False when an identical file (same
    name, size and bytes) was already attached and nothing was sent."""

    id: str
    filename: str
    size: int
    mime_type: str
    uploaded: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "filename": self.filename,
            "size": self.size,
            "mimeType": self.mime_type,
            "uploaded": self.uploaded,
        }


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file to attach, read whole before anything is sent; ``image`` for inline use."""

    path: Path
    data: bytes
    mime_type: str
    image: ImageInfo | None

    @property
    def name(self) -> str:
        return self.path.name


def read_local_files(paths: Sequence[str | Path], *, images: bool, where: str) -> list[LocalFile]:
    """Read every file first: a missing or unreadable file, a directory or (``images``)
    a file Jira cannot show inline is a ``PreflightError`` naming each one, and nothing
    has been sent."""
    files: list[LocalFile] = []
    problems: list[FieldProblem] = []
    for given in paths:
        path = Path(given)
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "is a directory")
            data = path.read_bytes()
        except OSError as exc:
            problems.append(
                FieldProblem(
                    where, "BAD_FILE", f"{path}: {exc.strerror or exc}", "give a readable file"
                )
            )
            continue
        info = image_info(data)
        if images and info is None:
            problems.append(
                FieldProblem(
                    where,
                    "NOT_AN_IMAGE",
                    f"{path}: not an image Jira shows inline (PNG, JPEG, GIF, WebP, BMP)",
                    "convert it, or attach it as a file (--attach) and link to it",
                )
            )
            continue
        mime = (
            info.mime_type
            if info
            else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        )
        files.append(LocalFile(path, data, mime, info))
    if problems:
        raise PreflightError(problems)
    return files


def _filename_param(name: str) -> str:
    # RFC 7578 section 4.2: the name as UTF-8, with '"', CR and LF percent-encoded.
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def same_file(attachment: Attachment, file: LocalFile) -> bool:
    """Whether ``attachment`` is ``file`` uploaded before: same size, and the name as sent
    or as a server that keeps RFC 7578's percent-encoding stores it."""
    names = (file.name, _filename_param(file.name))
    return attachment.size == len(file.data) and attachment.filename in names


def _multipart(file: LocalFile) -> tuple[bytes, str]:
    boundary = f"adfkit-{secrets.token_hex(12)}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{_filename_param(file.name)}"\r\n'
        f"Content-Type: {file.mime_type}\r\n\r\n"
    ).encode()
    return head + file.data + f"\r\n--{boundary}--\r\n".encode(), boundary


def _parse(entry: Any, uploaded: bool = True) -> Attachment:
    if not isinstance(entry, dict) or "id" not in entry:
        raise JiraApiError("Jira answered an attachment without an id", status=200)
    return Attachment(
        str(entry["id"]),
        str(entry.get("filename", "")),
        int(entry.get("size") or 0),
        str(entry.get("mimeType", "")),
        uploaded,
    )


def existing(client: JiraClient, key: str) -> list[Attachment]:
    """The attachments an issue has now."""
    data = client._get_json(f"issue/{key}", {"fields": "attachment"})
    fields = data.get("fields") if isinstance(data, dict) else None
    entries = fields.get("attachment") if isinstance(fields, dict) else None
    return [_parse(e, uploaded=False) for e in entries or []]


def attach_files(client: JiraClient, key: str, files: Sequence[LocalFile]) -> list[Attachment]:
    """Attach ``files`` to ``key``, each at most once (see the module docstring)."""
    before = existing(client, key)
    out: list[Attachment] = []
    for file in files:
        same = next((a for a in before if identical(client, a, file)), None)
        if same is not None:
            out.append(same)
            continue
        body, boundary = _multipart(file)
        known_ids = {a.id for a in before}

        def send(body: bytes = body, boundary: str = boundary) -> Attachment:
            response = client._request(
                "POST",
                f"issue/{key}/attachments",
                content=body,
                headers={
                    "X-Atlassian-Token": "no-check",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
                once=True,
            )
            answer = response.json()
            if not isinstance(answer, list) or not answer:
                raise JiraApiError("Jira answered the upload without attachments", status=200)
            return _parse(answer[0])

        def already_done(
            file: LocalFile = file, known_ids: set[str] = known_ids
        ) -> Attachment | None:
            for attachment in existing(client, key):
                if attachment.id not in known_ids and same_file(attachment, file):
                    # new since this upload began: it is this upload, its answer lost
                    return replace(attachment, uploaded=True)
            return None

        created = client._write_once(f"attaching {file.name} to {key}", send, already_done)
        before.append(created)
        out.append(created)
    return out


def media_id(client: JiraClient, attachment_id: str) -> str:
    """The Media Services file id of an attachment (see the module docstring)."""
    return _binary(client, attachment_id)[1]


def identical(client: JiraClient, attachment: Attachment, file: LocalFile) -> bool:
    """Whether ``attachment`` holds ``file``: the same name and size, then the same
    bytes (downloaded only for such a candidate): a screenshot a widget always names
    ``screenshot.png`` is a new file each time, though its size may repeat."""
    if not same_file(attachment, file):
        return False
    url, _ = _binary(client, attachment.id)
    response = client._follow(url, authenticated=_same_origin(client, url))
    if response.status_code != 200:
        raise JiraError(
            f"attachment {attachment.id}: its download answered HTTP {response.status_code}"
        )
    return response.content == file.data


def _same_origin(client: JiraClient, url: httpx.URL) -> bool:
    origin = httpx.URL(client.rest_base)
    return (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port)


def _binary(client: JiraClient, attachment_id: str) -> tuple[httpx.URL, str]:
    """The Media Services address of an attachment's bytes, and its media id, found by
    following the download's redirects."""
    url = httpx.URL(f"{client.rest_base}/attachment/content/{attachment_id}")
    for _ in range(MAX_HOPS):
        response = client._follow(url, authenticated=_same_origin(client, url))
        if response.status_code not in _REDIRECTS:
            raise JiraError(
                f"attachment {attachment_id}: expected a redirect to the media API, got HTTP "
                f"{response.status_code} from {url.host}"
            )
        location = response.headers.get("Location")
        if not location:
            raise JiraError(f"attachment {attachment_id}: a redirect without Location")
        url = url.join(location)
        found = _MEDIA_PATH.search(url.path)
        if found:
            return url, found.group(1).lower()
    raise JiraError(f"attachment {attachment_id}: no media API address after {MAX_HOPS} redirects")
