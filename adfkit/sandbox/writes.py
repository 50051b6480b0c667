"""Jira Cloud REST v3 writes beyond create, as the sandbox serves them: comments (list,
add, read, edit, comment properties), edits (``editmeta``, ``PUT issue``), attachments
(multipart upload, metadata, the content redirect to Media Services), transitions and
user search.

Wire facts: jira-cloud.md section 10 and the OpenAPI document
(https://developer.atlassian.com/cloud/jira/platform/rest/v3/). The behaviours a client
must survive are modelled:

* a comment ``body`` that is a string answers ``400 {"errors": {"comment": "Comment body
  is not valid!"}}``, as Jira does (pchuri/jira-cli#38, sooperset/mcp-atlassian#1003);
* an upload without ``X-Atlassian-Token: no-check`` answers ``403 XSRF check failed``;
* the upload's answer holds no media id; ``GET attachment/content/{id}`` redirects (via
  the site host when called through the gateway, so a client must follow the chain) to
  ``/media/file/{uuid}/binary`` (sooperset/mcp-atlassian#1402);
* a ``media`` node of type ``file`` whose id is no attachment of the issue is refused;
* an edit (of a description, a textarea field or a comment) that drops a media node
  deletes that attachment for good, as Jira does (sooperset/mcp-atlassian#1192,
  ankitpokhrel/jira-cli#1005);
* a transition's comment goes in ``update.comment[].add.body`` (ADF); in ``fields`` it
  fails with "Field does not support update 'comment'" (sooperset/mcp-atlassian#1262);
* ``user/search`` matches a prefix of the display name (or of a word in it) or of a
  visible e-mail address, returns inactive users too (flagged ``active: false``) and
  returns nothing to a caller without *Browse users and groups*.

Messages marked UNCONFIRMED are plausible English texts no source pinned down.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import mimetypes
import uuid
from collections.abc import Callable
from typing import Any

from adfkit.sandbox.adf import file_media_ids, rejection
from adfkit.sandbox.responses import Response, error_collection, json_response, redirect
from adfkit.sandbox.shapes import now_stamp, user_json
from adfkit.sandbox.workflow import STATUSES, TRANSITIONS, Transition, status_json
from adfkit.sandbox.world import (
    Attachment,
    Comment,
    FieldMeta,
    Issue,
    Project,
    Site,
    User,
    World,
)

__all__ = ["ADF_MESSAGE", "NOT_ON_SCREEN", "WRITE_SCOPES", "IssueWrites"]

# The endpoints served here and the classic scope each needs (the OpenAPI document's
# x-atlassian-oauth2-scopes): reads read:jira-work, writes write:jira-work, user search
# read:jira-user.
WRITE_SCOPES: dict[str, str] = {
    "edit_issue": "write:jira-work",
    "editmeta": "read:jira-work",
    "get_comments": "read:jira-work",
    "get_comment": "read:jira-work",
    "add_comment": "write:jira-work",
    "edit_comment": "write:jira-work",
    "comment_property": "read:jira-work",
    "add_attachment": "write:jira-work",
    "attachment": "read:jira-work",
    "attachment_content": "read:jira-work",
    "get_transitions": "read:jira-work",
    "do_transition": "write:jira-work",
    "user_search": "read:jira-user",
}

ADF_MESSAGE = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
NOT_ON_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
_NO_ISSUE = "Issue does not exist or you do not have permission to see it."
_NOT_EDITABLE = frozenset({"project", "issuetype", "parent", "reporter"})

CheckValue = Callable[[Site, Project, FieldMeta, Any], "tuple[str, str] | None"]


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _json_object(body: bytes) -> dict[str, Any]:
    import json

    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # UNCONFIRMED text; Jira reports a JSON parse error in errorMessages.
        raise _Refused(
            error_collection(400, ["Unexpected character in the request body: not JSON."])
        ) from None
    if not isinstance(data, dict):
        raise _Refused(error_collection(400, ["The request body must be a JSON object."]))
    return data


def _number(query: dict[str, list[str]], name: str, default: int) -> int:
    raw = (query.get(name) or [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        raise _Refused(
            error_collection(400, [f"Parameter '{name}' must be an integer."])  # UNCONFIRMED
        ) from None
    if value < 0:
        raise _Refused(error_collection(400, [f"Parameter '{name}' must not be negative."]))
    return value


def _allowed(meta: dict[str, Any], value: Any) -> dict[str, Any] | None:
    """The entry of ``meta``'s allowedValues that ``value`` (``{"id"}`` or ``{"name"}``)
    names, or None."""
    if not isinstance(value, dict):
        return None
    for allowed in meta.get("allowedValues", []):
        for key in ("id", "name"):
            if key in value and str(value[key]) == str(allowed.get(key)):
                return dict(allowed)
    return None


class IssueWrites:
    """The handlers; ``site_url`` maps a site to its public URL, ``check_value`` is the
    create handler's value check (shared so that edits and transitions judge values the
    same way), ``page_limit`` caps page sizes like createmeta's."""

    def __init__(
        self,
        world: World,
        site_url: Callable[[Site], str],
        check_value: CheckValue,
    ) -> None:
        self.world = world
        self.site_url = site_url
        self.check_value = check_value

    def handle(
        self,
        endpoint: str,
        params: list[str],
        site: Site,
        user: User,
        query: dict[str, list[str]],
        body: bytes,
        headers: Any,
    ) -> Response:
        try:
            if endpoint == "user_search":
                return self._user_search(site, user, query)
            if endpoint == "comment_property":
                return self._comment_property(site, params[0], params[1])
            if endpoint in ("attachment", "attachment_content"):
                return self._attachment(site, params[0], content=endpoint != "attachment")
            issue = site.issue(params[0])
            if issue is None:
                return error_collection(404, [_NO_ISSUE])
            if endpoint == "get_comments":
                return self._comments(site, issue, query)
            if endpoint == "add_comment":
                return self._add_comment(site, issue, user, _json_object(body))
            if endpoint in ("get_comment", "edit_comment"):
                comment = next((c for c in issue.comments if c.id == params[1]), None)
                if comment is None:
                    return error_collection(
                        404, [f"Can not find a comment for the id: {params[1]}."]
                    )
                if endpoint == "get_comment":
                    return json_response(200, self.comment_json(site, issue, comment))
                return self._edit_comment(site, issue, user, comment, _json_object(body))
            if endpoint == "editmeta":
                return json_response(200, {"fields": self._editmeta(site, issue)})
            if endpoint == "edit_issue":
                return self._edit_issue(site, issue, user, _json_object(body))
            if endpoint == "add_attachment":
                return self._upload(site, issue, user, body, headers)
            if endpoint == "get_transitions":
                return self._transitions(issue, query)
            if endpoint == "do_transition":
                return self._transition(site, issue, user, _json_object(body))
        except _Refused as refused:
            return refused.response
        raise AssertionError(f"unrouted endpoint {endpoint}")

    # ---- shapes ---------------------------------------------------------------------

    def _user(self, site: Site, account_id: str) -> dict[str, Any] | None:
        user = self.world.user(account_id)
        return user_json(self.site_url(site), user, brief=True) if user else None

    def comment_json(self, site: Site, issue: Issue, comment: Comment) -> dict[str, Any]:
        author = self._user(site, comment.author)
        return {
            "self": f"{self.site_url(site)}/rest/api/3/issue/{issue.id}/comment/{comment.id}",
            "id": comment.id,
            "author": author,
            "updateAuthor": author,
            "body": comment.body,
            "created": comment.created,
            "updated": comment.updated,
            "jsdPublic": not comment.internal,
        }

    def attachment_json(self, site: Site, attachment: Attachment) -> dict[str, Any]:
        url = self.site_url(site)
        return {
            "self": f"{url}/rest/api/3/attachment/{attachment.id}",
            "id": attachment.id,
            "filename": attachment.filename,
            "author": self._user(site, attachment.author),
            "created": attachment.created,
            "size": attachment.size,
            "mimeType": attachment.mime_type,
            "content": f"{url}/rest/api/3/attachment/content/{attachment.id}",
            "thumbnail": f"{url}/rest/api/3/attachment/thumbnail/{attachment.id}",
        }

    def comments_page(
        self, site: Site, issue: Issue, start: int, size: int, newest_first: bool = False
    ) -> dict[str, Any]:
        ordered = list(reversed(issue.comments)) if newest_first else issue.comments
        page = ordered[start : start + size]
        return {
            "startAt": start,
            "maxResults": size,
            "total": len(ordered),
            "comments": [self.comment_json(site, issue, c) for c in page],
        }

    # ---- documents and their media ----------------------------------------------------

    def _document(self, issue: Issue, value: Any, error_key: str, message: str) -> dict[str, Any]:
        """``value`` when it is an Atlassian Document Jira would store for ``issue``."""
        if not isinstance(value, dict):
            raise _Refused(error_collection(400, errors={error_key: message}))
        if rejection(value) is not None:
            # The sandbox's own ADF check (adf.py), never adfkit's validator.
            raise _Refused(error_collection(400, ["INVALID_INPUT"]))
        for media_id in file_media_ids(value):
            if issue.attachment(media_id) is None:
                # UNCONFIRMED text: Jira refuses media that names no attachment it can show.
                raise _Refused(
                    error_collection(
                        400,
                        errors={
                            error_key: f"The media file '{media_id}' is not an attachment of "
                            f"{issue.key}."
                        },
                    )
                )
        return value

    @staticmethod
    def _drop_lost_media(issue: Issue, old: Any, new: Any) -> None:
        """What Jira does when an edit leaves out media nodes: their attachments go."""
        kept = set(file_media_ids(new))
        lost = set(file_media_ids(old)) - kept
        if lost:
            issue.attachments = [a for a in issue.attachments if a.media_id not in lost]

    # ---- comments -----------------------------------------------------------------------

    def _comments(self, site: Site, issue: Issue, query: dict[str, list[str]]) -> Response:
        start = _number(query, "startAt", 0)
        size = min(_number(query, "maxResults", 50), 100)  # Jira caps comment pages
        if self.world.page_limit is not None:
            size = min(size, self.world.page_limit)
        order = (query.get("orderBy") or ["created"])[0]
        if order not in ("created", "+created", "-created"):
            return error_collection(400, [f"Invalid orderBy: {order}"])  # UNCONFIRMED text
        return json_response(
            200, self.comments_page(site, issue, start, size, newest_first=order == "-created")
        )

    def _comment_body(self, issue: Issue, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("body") is None:
            raise _Refused(
                error_collection(400, errors={"comment": "Comment body can not be empty!"})
            )
        return self._document(issue, data["body"], "comment", "Comment body is not valid!")

    @staticmethod
    def _properties(data: dict[str, Any]) -> dict[str, Any]:
        raw = data.get("properties", [])
        if not isinstance(raw, list) or not all(
            isinstance(p, dict) and isinstance(p.get("key"), str) and "value" in p for p in raw
        ):
            raise _Refused(
                error_collection(400, ["Comment properties must be a list of {key, value}."])
            )  # UNCONFIRMED text
        return {p["key"]: p["value"] for p in raw}

    def _add_comment(self, site: Site, issue: Issue, user: User, data: dict[str, Any]) -> Response:
        body = self._comment_body(issue, data)
        properties = self._properties(data)
        now = now_stamp()
        comment = Comment(str(site.next_comment_id), user.account_id, body, now, now, properties)
        site.next_comment_id += 1
        issue.comments.append(comment)
        return json_response(201, self.comment_json(site, issue, comment))

    def _edit_comment(
        self, site: Site, issue: Issue, user: User, comment: Comment, data: dict[str, Any]
    ) -> Response:
        if comment.author != user.account_id:
            # UNCONFIRMED text; the spec: 400 when the user may not edit the comment.
            return error_collection(400, ["You do not have the permission to edit this comment."])
        body = self._comment_body(issue, data)
        if "properties" in data:
            comment.properties.update(self._properties(data))
        self._drop_lost_media(issue, comment.body, body)
        comment.body = body
        comment.updated = now_stamp()
        return json_response(200, self.comment_json(site, issue, comment))

    def _comment_property(self, site: Site, comment_id: str, key: str) -> Response:
        for issue in site.issues:
            for comment in issue.comments:
                if comment.id == comment_id:
                    if key not in comment.properties:
                        return error_collection(
                            404, [f"The property with key '{key}' does not exist."]
                        )
                    return json_response(200, {"key": key, "value": comment.properties[key]})
        return error_collection(404, [f"Can not find a comment for the id: {comment_id}."])

    # ---- edits --------------------------------------------------------------------------

    def _issue_type_fields(self, site: Site, issue: Issue) -> tuple[Project, list[FieldMeta]]:
        project = site.project(issue.project_key)
        assert project is not None  # issues are only stored in existing projects
        type_id = str((issue.fields.get("issuetype") or {}).get("id", ""))
        it = project.issue_type(type_id)
        metas = [m for m in (it.fields if it else []) if m.field_id not in _NOT_EDITABLE]
        return project, metas

    def _editmeta(self, site: Site, issue: Issue) -> dict[str, Any]:
        _, metas = self._issue_type_fields(site, issue)
        out: dict[str, Any] = {}
        for meta in metas:
            entry = meta.to_json()
            entry.pop("fieldId", None)
            entry.pop("hasDefaultValue", None)
            entry.pop("defaultValue", None)
            if "autoCompleteUrl" in entry:
                entry["autoCompleteUrl"] = self.site_url(site) + entry["autoCompleteUrl"]
            out[meta.field_id] = entry
        out["comment"] = {
            "required": False,
            "schema": {"type": "comments-page", "system": "comment"},
            "name": "Comment",
            "key": "comment",
            "operations": ["add", "edit", "remove"],
        }
        return out

    def _edit_issue(self, site: Site, issue: Issue, user: User, data: dict[str, Any]) -> Response:
        fields = data.get("fields", {})
        update = data.get("update", {})
        if not isinstance(fields, dict) or not isinstance(update, dict):
            return error_collection(400, ["'fields' and 'update' must be objects."])  # UNCONFIRMED
        if not fields and not update:
            return error_collection(400, ["No fields or update operations were given."])
        project, metas = self._issue_type_fields(site, issue)
        by_id = {m.field_id: m for m in metas}
        errors: dict[str, str] = {}
        documents: dict[str, dict[str, Any]] = {}
        values: dict[str, Any] = {}
        for field_id, value in fields.items():
            meta = by_id.get(field_id)
            if meta is None:
                errors[field_id] = NOT_ON_SCREEN.format(field_id)
            elif value is None:
                if meta.required:
                    errors[field_id] = f"{meta.name} is required."  # UNCONFIRMED text
                else:
                    values[field_id] = None
            elif meta.is_adf and not isinstance(value, dict):
                errors[field_id] = ADF_MESSAGE
            elif meta.is_adf:
                documents[field_id] = self._document(issue, value, field_id, ADF_MESSAGE)
            else:
                problem = self.check_value(site, project, meta, value)
                if problem is not None:
                    errors[problem[0]] = problem[1]
                else:
                    values[field_id] = value
        comments: list[dict[str, Any]] = []
        for field_id, operations in update.items():
            if field_id == "comment":
                comments = self._comment_adds(issue, operations)
                continue
            meta = by_id.get(field_id)
            if meta is None:
                errors[field_id] = NOT_ON_SCREEN.format(field_id)
                continue
            refused = self._apply_operations(issue, meta, operations, values)
            if refused:
                errors[field_id] = refused
        if errors:
            return error_collection(400, errors=errors)
        for field_id, document in documents.items():
            self._drop_lost_media(issue, issue.fields.get(field_id), document)
            issue.fields[field_id] = document
        issue.fields.update(values)
        self._add_comments(site, issue, user, comments)
        issue.fields["updated"] = now_stamp()
        return Response(204)

    @staticmethod
    def _apply_operations(
        issue: Issue, meta: FieldMeta, operations: Any, values: dict[str, Any]
    ) -> str | None:
        """Apply ``[{"add": v}, {"remove": v}, {"set": v}]`` to ``values``; a message
        when an operation is not one the field allows."""
        if not isinstance(operations, list):
            return "Update operations must be a list."  # UNCONFIRMED text
        current = values.get(meta.field_id, issue.fields.get(meta.field_id))
        for operation in operations:
            if not isinstance(operation, dict) or len(operation) != 1:
                return "Each update operation must have exactly one verb."  # UNCONFIRMED
            verb, value = next(iter(operation.items()))
            if verb not in meta.operations:
                return f"Field does not support update '{meta.field_id}' with '{verb}'."
            if verb == "set":
                current = value
            elif verb == "add":
                current = [*(current or []), value]
            elif verb == "remove":
                current = [v for v in current or [] if v != value]
        values[meta.field_id] = current
        return None

    def _comment_adds(self, issue: Issue, operations: Any) -> list[dict[str, Any]]:
        """The bodies of ``update.comment`` (``[{"add": {"body": ADF}}]``), checked."""
        if not isinstance(operations, list):
            raise _Refused(error_collection(400, errors={"comment": "Update must be a list."}))
        bodies: list[dict[str, Any]] = []
        for operation in operations:
            add = operation.get("add") if isinstance(operation, dict) else None
            if not isinstance(add, dict):
                raise _Refused(
                    error_collection(
                        400, errors={"comment": "Field does not support update 'comment'"}
                    )
                )
            bodies.append(self._document(issue, add.get("body"), "comment", ADF_MESSAGE))
        return bodies

    def _add_comments(
        self, site: Site, issue: Issue, user: User, bodies: list[dict[str, Any]]
    ) -> None:
        for body in bodies:
            now = now_stamp()
            issue.comments.append(
                Comment(str(site.next_comment_id), user.account_id, body, now, now)
            )
            site.next_comment_id += 1

    # ---- attachments --------------------------------------------------------------------

    def _upload(self, site: Site, issue: Issue, user: User, body: bytes, headers: Any) -> Response:
        if (headers.get("X-Atlassian-Token") or "").strip().lower() != "no-check":
            # Jira's XSRF protection for multipart uploads (jira-cloud.md section 10).
            return Response(403, b"XSRF check failed", {"Content-Type": "text/plain"})
        content_type = headers.get("Content-Type") or ""
        if not content_type.lower().startswith("multipart/form-data"):
            # UNCONFIRMED text
            return error_collection(415, ["The request must be multipart/form-data."])
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        parts = [
            part
            for part in (message.iter_parts() if message.is_multipart() else [])
            if part.get_param("name", header="content-disposition") == "file"
        ]
        if not parts:
            # UNCONFIRMED text
            return error_collection(400, ["The request contained no part named 'file'."])
        stored: list[Attachment] = []
        for part in parts:
            filename = part.get_filename() or "attachment"
            content = part.get_payload(decode=True)
            data = content if isinstance(content, bytes) else b""
            mime = part.get_content_type()
            if mime in ("application/octet-stream", "text/plain"):
                mime = mimetypes.guess_type(filename)[0] or mime
            attachment = Attachment(
                str(site.next_attachment_id),
                filename,
                mime,
                len(data),
                str(uuid.uuid4()),
                user.account_id,
                now_stamp(),
                base64.b64encode(data).decode("ascii"),
            )
            site.next_attachment_id += 1
            stored.append(attachment)
        issue.attachments.extend(stored)
        return json_response(200, [self.attachment_json(site, a) for a in stored])

    def _attachment(self, site: Site, attachment_id: str, *, content: bool) -> Response:
        for issue in site.issues:
            for attachment in issue.attachments:
                if attachment.id == attachment_id:
                    if not content:
                        return json_response(200, self.attachment_json(site, attachment))
                    # The media API's address; its token and client parameters are
                    # opaque to clients (only the path's file id matters to them).
                    return redirect(
                        f"{self.site_url(site).rsplit('/site/', 1)[0]}/media/file/"
                        f"{attachment.media_id}/binary?token=sandbox&client=sandbox"
                        f"&collection=&name={attachment.filename}",
                        status=303,
                    )
        # UNCONFIRMED text
        return error_collection(404, [f"The attachment with id '{attachment_id}' does not exist."])

    # ---- transitions --------------------------------------------------------------------

    @staticmethod
    def _available(issue: Issue) -> list[Transition]:
        status = str((issue.fields.get("status") or {}).get("id", ""))
        return [t for t in TRANSITIONS if t.to != status]

    def _transitions(self, issue: Issue, query: dict[str, list[str]]) -> Response:
        expand = ",".join(query.get("expand", []))
        out = []
        for t in self._available(issue):
            entry: dict[str, Any] = {
                "id": t.id,
                "name": t.name,
                "to": status_json(t.to),
                "hasScreen": bool(t.fields),
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
            if "transitions.fields" in expand:
                entry["fields"] = t.fields
            out.append(entry)
        return json_response(200, {"expand": "transitions", "transitions": out})

    def _transition(self, site: Site, issue: Issue, user: User, data: dict[str, Any]) -> Response:
        wanted = data.get("transition")
        wanted_id = str(wanted.get("id", "")) if isinstance(wanted, dict) else ""
        if not wanted_id:
            # UNCONFIRMED text
            return error_collection(400, ["Missing 'transition' identifier"])
        transition = next((t for t in self._available(issue) if t.id == wanted_id), None)
        if transition is None:
            # UNCONFIRMED text
            return error_collection(
                400, [f"Transition id '{wanted_id}' is not valid for this issue."]
            )
        fields = data.get("fields") or {}
        update = data.get("update") or {}
        if not isinstance(fields, dict) or not isinstance(update, dict):
            return error_collection(400, ["'fields' and 'update' must be objects."])  # UNCONFIRMED
        errors: dict[str, str] = {}
        if "comment" in fields:
            errors["comment"] = "Field does not support update 'comment'"
        for field_id, value in fields.items():
            meta = transition.fields.get(field_id)
            if field_id == "comment":
                continue
            if meta is None:
                errors[field_id] = NOT_ON_SCREEN.format(field_id)
            elif _allowed(meta, value) is None:
                # UNCONFIRMED text
                errors[field_id] = f"The {meta['name'].lower()} selected is invalid."
        for field_id, meta in transition.fields.items():
            if meta.get("required") and fields.get(field_id) is None and field_id not in errors:
                errors[field_id] = f"{meta['name']} is required."  # UNCONFIRMED text
        for field_id in update:
            if field_id != "comment":
                errors[field_id] = NOT_ON_SCREEN.format(field_id)
        comments = self._comment_adds(issue, update["comment"]) if "comment" in update else []
        if errors:
            return error_collection(400, errors=errors)
        issue.fields["status"] = status_json(transition.to)
        for field_id, value in fields.items():
            issue.fields[field_id] = _allowed(transition.fields[field_id], value)
        if STATUSES[transition.to][1] != "done":
            issue.fields["resolution"] = None
        self._add_comments(site, issue, user, comments)
        issue.fields["updated"] = now_stamp()
        return Response(204)

    # ---- users --------------------------------------------------------------------------

    def _user_search(self, site: Site, caller: User, query: dict[str, list[str]]) -> Response:
        text = (query.get("query") or [""])[0].strip().casefold()
        account = (query.get("accountId") or [""])[0]
        if not text and not account:
            return error_collection(
                400, ["The query parameter 'query', 'accountId' or 'property' is required."]
            )  # UNCONFIRMED text
        start = _number(query, "startAt", 0)
        size = min(_number(query, "maxResults", 50), 1000)
        if not caller.browse_users:
            return json_response(200, [])  # no "Browse users and groups": an empty list

        def matches(user: User) -> bool:
            if account:
                return user.account_id == account
            name = user.display_name.casefold()
            words = name.split()
            by_email = user.email_visible and user.email.casefold().startswith(text)
            return name.startswith(text) or any(w.startswith(text) for w in words) or by_email

        found = [u for u in self.world.users if site.cloud_id in u.sites and matches(u)][
            start : start + size
        ]
        return json_response(200, [user_json(self.site_url(site), u, brief=True) for u in found])
