"""Jira Cloud REST v3 as the sandbox serves it: ``myself``, ``project/{idOrKey}``,
``project/search``, the two createmeta endpoints with paging, ``POST issue`` with Jira's
validation and messages, and ``GET issue/{idOrKey}``.

The same handlers answer on the gateway (``/ex/jira/{cloudId}/rest/api/3/...``, OAuth) and
on a site host (``/site/{slug}/rest/api/3/...``, Basic auth); the caller resolves the site,
the user and, for OAuth, the granted scopes. ``self`` URLs always point at the site host,
as real Jira's do.

Invalid ADF is judged by ``adf.py``, the sandbox's own structural check, not by adfkit's
validator (see that module for why). Messages marked UNCONFIRMED below are plausible
English texts that no source pinned down verbatim (docs/sandbox.md lists them).
The writes beyond create (comments, edits, attachments, transitions, user search) live in
``writes.py``; this module routes them there. Limits: ``update`` operations on create,
watchers and permissions are not modelled.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from adfkit.sandbox.adf import rejection
from adfkit.sandbox.responses import Response, error_collection, json_response
from adfkit.sandbox.shapes import now_stamp, user_json
from adfkit.sandbox.workflow import INITIAL_STATUS, status_json
from adfkit.sandbox.world import FieldMeta, Issue, IssueType, Project, Site, User, World
from adfkit.sandbox.writes import WRITE_SCOPES, IssueWrites

__all__ = ["ADF_MESSAGE", "ENDPOINT_SCOPES", "JiraApi", "RestCall", "route"]

# Classic scopes per endpoint, from the OpenAPI document's x-atlassian-oauth2-scopes.
# GET myself needs read:jira-user there; the sandbox follows the document (a client that
# only asks for read:jira-work gets "scope does not match", as it would on real Jira).
ENDPOINT_SCOPES: dict[str, str] = {
    "myself": "read:jira-user",
    "project": "read:jira-work",
    "createmeta_issuetypes": "read:jira-work",
    "createmeta_fields": "read:jira-work",
    "create_issue": "write:jira-work",
    "get_issue": "read:jira-work",
    **WRITE_SCOPES,
}
WRITE_ENDPOINTS = frozenset(WRITE_SCOPES)

MAX_RESULTS = 200
DEFAULT_MAX_RESULTS = 50

ADF_MESSAGE = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"


@dataclass
class RestCall:
    """One routed REST request: the endpoint name and its path parameters."""

    endpoint: str
    params: list[str] = field(default_factory=list)


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"myself"), "myself"),
    ("GET", re.compile(r"project/search"), "project"),
    ("GET", re.compile(r"project/([^/]+)"), "project"),
    ("GET", re.compile(r"issue/createmeta/([^/]+)/issuetypes"), "createmeta_issuetypes"),
    ("GET", re.compile(r"issue/createmeta/([^/]+)/issuetypes/([^/]+)"), "createmeta_fields"),
    ("POST", re.compile(r"issue"), "create_issue"),
    ("GET", re.compile(r"issue/([^/]+)"), "get_issue"),
    ("PUT", re.compile(r"issue/([^/]+)"), "edit_issue"),
    ("GET", re.compile(r"issue/([^/]+)/editmeta"), "editmeta"),
    ("GET", re.compile(r"issue/([^/]+)/comment"), "get_comments"),
    ("POST", re.compile(r"issue/([^/]+)/comment"), "add_comment"),
    ("GET", re.compile(r"issue/([^/]+)/comment/([^/]+)"), "get_comment"),
    ("PUT", re.compile(r"issue/([^/]+)/comment/([^/]+)"), "edit_comment"),
    ("GET", re.compile(r"comment/([^/]+)/properties/([^/]+)"), "comment_property"),
    ("POST", re.compile(r"issue/([^/]+)/attachments"), "add_attachment"),
    ("GET", re.compile(r"attachment/content/([^/]+)"), "attachment_content"),
    ("GET", re.compile(r"attachment/([0-9]+)"), "attachment"),
    ("GET", re.compile(r"issue/([^/]+)/transitions"), "get_transitions"),
    ("POST", re.compile(r"issue/([^/]+)/transitions"), "do_transition"),
    ("GET", re.compile(r"user/search"), "user_search"),
]


def route(method: str, subpath: str) -> RestCall | None:
    """Match ``subpath`` (the part after ``rest/api/3/``) to an endpoint, or None."""
    for m, pattern, endpoint in _ROUTES:
        match = pattern.fullmatch(subpath)
        if m == method and match:
            return RestCall(endpoint, list(match.groups()))
    return None


class _Paging(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class JiraApi:
    """REST handlers over a World. ``site_url`` maps a site to its public URL."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.base_url = base_url
        self.writes = IssueWrites(world, self.site_url, self._check_value)

    def site_url(self, site: Site) -> str:
        return f"{self.base_url}/site/{site.slug}"

    def handle(
        self,
        call: RestCall,
        site: Site,
        user: User,
        query: dict[str, list[str]],
        body: bytes,
        headers: Any = None,
    ) -> Response:
        if call.endpoint in WRITE_ENDPOINTS:
            return self.writes.handle(
                call.endpoint, call.params, site, user, query, body, headers or {}
            )
        try:
            if call.endpoint == "myself":
                return json_response(200, self._user_json(site, user))
            if call.endpoint == "project":
                if not call.params:
                    return self._project_search(site, query)
                return self._project(site, call.params[0])
            if call.endpoint == "createmeta_issuetypes":
                return self._createmeta_types(site, call.params[0], query)
            if call.endpoint == "createmeta_fields":
                return self._createmeta_fields(site, call.params[0], call.params[1], query)
            if call.endpoint == "create_issue":
                return self._create_issue(site, user, body)
            if call.endpoint == "get_issue":
                return self._get_issue(site, call.params[0])
        except _Paging as paging:
            return paging.response
        raise AssertionError(f"unrouted endpoint {call.endpoint}")

    # ---- JSON shapes ----------------------------------------------------------------

    def _user_json(self, site: Site, user: User) -> dict[str, Any]:
        return user_json(self.site_url(site), user)

    def _project_json(self, site: Site, project: Project) -> dict[str, Any]:
        url = self.site_url(site)
        lead = self.world.user(project.lead)
        return {
            "self": f"{url}/rest/api/3/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "simplified": project.simplified,
            "style": project.style,
            "isPrivate": False,
            "lead": self._user_json(site, lead) if lead else None,
            "issueTypes": [self._type_json(site, project, t) for t in project.issue_types],
        }

    def _type_json(self, site: Site, project: Project, it: IssueType) -> dict[str, Any]:
        url = self.site_url(site)
        out: dict[str, Any] = {
            "self": f"{url}/rest/api/3/issuetype/{it.id}",
            "id": it.id,
            "name": it.name,
            "description": it.description,
            "iconUrl": f"{url}/images/icons/issuetypes/{it.name.lower()}.png",
            "subtask": it.subtask,
            "hierarchyLevel": it.hierarchy_level,
        }
        if project.simplified:
            out["entityId"] = f"00000000-0000-4000-8000-{int(it.id):012d}"
            out["scope"] = {"type": "PROJECT", "project": {"id": project.id}}
        return out

    def _issue_json(self, site: Site, issue: Issue) -> dict[str, Any]:
        # Like Jira's default (``fields=*navigable`` and the rest): the attachments and
        # the first page of comments come with the issue.
        fields = {
            **issue.fields,
            "attachment": [self.writes.attachment_json(site, a) for a in issue.attachments],
            "comment": self.writes.comments_page(site, issue, 0, DEFAULT_MAX_RESULTS),
        }
        return {
            "id": issue.id,
            "key": issue.key,
            "self": f"{self.site_url(site)}/rest/api/3/issue/{issue.id}",
            "fields": fields,
        }

    # ---- projects and createmeta ----------------------------------------------------

    def _project(self, site: Site, id_or_key: str) -> Response:
        project = site.project(id_or_key)
        if project is None:
            return error_collection(404, [f"No project could be found with key '{id_or_key}'."])
        return json_response(200, self._project_json(site, project))

    def _project_search(self, site: Site, query: dict[str, list[str]]) -> Response:
        start, size = self._paging(query)
        values = [self._project_json(site, p) for p in site.projects]
        page = values[start : start + size]
        return json_response(
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(values),
                "isLast": start + len(page) >= len(values),
                "values": page,
            },
        )

    def _paging(self, query: dict[str, list[str]]) -> tuple[int, int]:
        def number(name: str, default: int) -> int:
            raw = (query.get(name) or [str(default)])[0]
            try:
                value = int(raw)
            except ValueError:
                raise _Paging(
                    error_collection(400, [f"Parameter '{name}' must be an integer."])
                ) from None  # UNCONFIRMED text
            if value < 0:
                raise _Paging(
                    error_collection(400, [f"Parameter '{name}' must not be negative."])
                )  # UNCONFIRMED text
            return value

        start = number("startAt", 0)
        size = number("maxResults", DEFAULT_MAX_RESULTS)
        if size > MAX_RESULTS:
            raise _Paging(
                error_collection(
                    400, [f"Parameter 'maxResults' must not exceed the limit '{MAX_RESULTS}'"]
                )
            )
        if self.world.page_limit is not None:
            # Real Jira may return fewer than asked; tests use this to force several pages.
            size = min(size, self.world.page_limit)
        return start, size

    def _createmeta_types(
        self, site: Site, id_or_key: str, query: dict[str, list[str]]
    ) -> Response:
        project = site.project(id_or_key)
        if project is None:
            return error_collection(404, [f"No project could be found with key '{id_or_key}'."])
        start, size = self._paging(query)
        types = [self._type_json(site, project, t) for t in project.issue_types]
        return json_response(
            200,
            {
                "issueTypes": types[start : start + size],
                "maxResults": size,
                "startAt": start,
                "total": len(types),
            },
        )

    def _createmeta_fields(
        self, site: Site, id_or_key: str, type_id: str, query: dict[str, list[str]]
    ) -> Response:
        project = site.project(id_or_key)
        if project is None:
            return error_collection(404, [f"No project could be found with key '{id_or_key}'."])
        it = next((t for t in project.issue_types if t.id == type_id), None)
        if it is None:
            # UNCONFIRMED text; Jira answers 400 for an issue type not in the project.
            return error_collection(
                400, ["The issue type ID specified is not valid for this project."]
            )
        start, size = self._paging(query)
        fields = [self._field_json(site, f) for f in it.fields]
        return json_response(
            200,
            {
                "fields": fields[start : start + size],
                "maxResults": size,
                "startAt": start,
                "total": len(fields),
            },
        )

    def _field_json(self, site: Site, meta: FieldMeta) -> dict[str, Any]:
        out = meta.to_json()
        if "autoCompleteUrl" in out:
            out["autoCompleteUrl"] = self.site_url(site) + out["autoCompleteUrl"]
        return out

    # ---- issues ---------------------------------------------------------------------

    def _get_issue(self, site: Site, id_or_key: str) -> Response:
        issue = site.issue(id_or_key)
        if issue is None:
            return error_collection(
                404, ["Issue does not exist or you do not have permission to see it."]
            )
        return json_response(200, self._issue_json(site, issue))

    def _create_issue(self, site: Site, user: User, body: bytes) -> Response:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            # UNCONFIRMED text; Jira reports a JSON parse error in errorMessages.
            return error_collection(400, ["Unexpected character in the request body: not JSON."])
        if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
            return error_collection(400, ["The request body must be an object with 'fields'."])
        if payload.get("update"):
            return error_collection(
                400, ["The sandbox does not support 'update' operations; use 'fields'."]
            )
        fields: dict[str, Any] = payload["fields"]
        errors: dict[str, str] = {}
        project = self._resolve_project(site, fields.get("project"), errors)
        it = None
        if "issuetype" not in fields or fields["issuetype"] is None:
            errors["issuetype"] = "Specify an issue type"  # UNCONFIRMED text
        elif project is not None:
            it = self._resolve_type(project, fields["issuetype"], errors)
        if project is None or it is None:
            return error_collection(400, errors=errors)
        bad_adf = False
        parent: Issue | None = None
        for field_id, value in fields.items():
            if field_id in ("project", "issuetype"):
                continue
            meta = it.field(field_id)
            if meta is None:
                errors[field_id] = (
                    f"Field '{field_id}' cannot be set. It is not on the appropriate screen,"
                    " or unknown."
                )
                continue
            if value is None:
                continue
            if meta.is_adf:
                if not isinstance(value, dict):
                    errors[field_id] = ADF_MESSAGE
                elif rejection(value) is not None:
                    # The sandbox's own ADF check (adf.py), never adfkit's validator: the
                    # client pre-flights with that one, and a shared bug would go unseen.
                    bad_adf = True
                continue
            problem = self._check_value(site, project, meta, value)
            if problem is not None:
                errors[problem[0]] = problem[1]
            elif field_id == "parent":
                parent = site.issue(_ref(value) or "")
        for meta in it.fields:
            if meta.required and not meta.has_default_value and fields.get(meta.field_id) is None:
                if meta.field_id in errors:
                    continue
                if meta.field_id == "summary":
                    errors["summary"] = "You must specify a summary of the issue."
                elif meta.field_id == "parent":
                    errors["issuetype"] = (
                        "Issue type is a sub-task but parent issue key or id not specified."
                    )
                elif meta.field_id not in ("project", "issuetype"):
                    errors[meta.field_id] = f"{meta.name} is required."
        if errors:
            return error_collection(400, errors=errors)
        if bad_adf:
            return error_collection(400, ["INVALID_INPUT"])
        issue = self._store(site, project, it, user, fields, parent)
        return json_response(
            201,
            {
                "id": issue.id,
                "key": issue.key,
                "self": f"{self.site_url(site)}/rest/api/3/issue/{issue.id}",
            },
        )

    def _resolve_project(self, site: Site, value: Any, errors: dict[str, str]) -> Project | None:
        if value is not None and not isinstance(value, dict):
            errors["project"] = "data was not an object"
            return None
        ref = _ref(value, "key") if value is not None else None
        project = site.project(ref) if ref else None
        if project is None:
            errors["project"] = "Specify a valid project ID or key"
        return project

    def _resolve_type(
        self, project: Project, value: Any, errors: dict[str, str]
    ) -> IssueType | None:
        if not isinstance(value, dict):
            errors["issuetype"] = "data was not an object"
            return None
        it = None
        if "id" in value:
            it = next((t for t in project.issue_types if t.id == str(value["id"])), None)
        elif "name" in value:
            it = next((t for t in project.issue_types if t.name == value["name"]), None)
        if it is None:
            errors["issuetype"] = "The issue type selected is invalid."
        return it

    def _check_value(
        self, site: Site, project: Project, meta: FieldMeta, value: Any
    ) -> tuple[str, str] | None:
        """Why ``value`` does not fit ``meta`` as (error key, message), or None if it fits."""
        fid = meta.field_id
        kind = meta.schema.get("type")
        if kind == "string":
            if not isinstance(value, str):
                return fid, "Operation value must be a string"
            if fid == "summary":
                if not value.strip():
                    return fid, "You must specify a summary of the issue."
                if len(value) > 255:
                    return fid, "Summary must be less than 255 characters."
            return None
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return fid, "Operation value must be a number"  # UNCONFIRMED text
            return None
        if kind == "date":
            if not isinstance(value, str) or not _is_date(value):
                return fid, f"Error parsing date string: {value}"  # UNCONFIRMED text
            return None
        if kind == "priority":
            if isinstance(value, str):
                return fid, "Specify the Priority (id or name) in the string format"
            if not isinstance(value, dict):
                return fid, "data was not an object"
            if _find_allowed(meta, value, "name") is None:
                return fid, "The priority selected is invalid."
            return None
        if kind == "option":
            return _check_option(meta, value)
        if kind == "user":
            if not isinstance(value, dict):
                return fid, "data was not an object"
            account = value.get("accountId", value.get("id"))
            if not isinstance(account, str) or self.world.user(account) is None:
                return fid, f"User '{account}' does not exist."  # UNCONFIRMED text
            return None
        if kind == "issuelink":
            return self._check_parent(site, project, value)
        if kind == "array":
            if not isinstance(value, list):
                return fid, "data was not an array"
            items = meta.schema.get("items")
            for item in value:
                if items == "string":
                    if not isinstance(item, str):
                        return fid, "Operation value must be a string"
                    if fid == "labels" and (not item or " " in item):
                        # UNCONFIRMED text
                        return fid, f"The label '{item}' contains spaces which is invalid."
                elif items == "option":
                    problem = _check_option(meta, item)
                    if problem is not None:
                        return problem
                elif items == "component":
                    if not isinstance(item, dict):
                        return fid, "data was not an object"
                    if _find_allowed(meta, item, "name") is None:
                        name = item.get("name", item.get("id"))
                        # UNCONFIRMED text
                        return fid, f"Component name '{name}' is not valid"
            return None
        return None

    def _check_parent(self, site: Site, project: Project, value: Any) -> tuple[str, str] | None:
        if not isinstance(value, dict):
            return "parent", "data was not an object"
        ref = _ref(value, "key")
        parent = site.issue(ref) if ref else None
        if parent is None:
            return "parent", "Could not find issue by id or key."  # UNCONFIRMED text
        if parent.project_key != project.key:
            return "project", "Sub-tasks must be created in the same project as the parent."
        return None

    def _store(
        self,
        site: Site,
        project: Project,
        it: IssueType,
        user: User,
        given: dict[str, Any],
        parent: Issue | None,
    ) -> Issue:
        number = site.counters.get(project.key, 0) + 1
        site.counters[project.key] = number
        issue_id = str(site.next_issue_id)
        site.next_issue_id += 1
        now = now_stamp()
        stored: dict[str, Any] = {
            k: v for k, v in given.items() if k not in ("project", "issuetype", "parent")
        }
        for meta in it.fields:
            if meta.has_default_value and stored.get(meta.field_id) is None:
                stored[meta.field_id] = meta.default_value
        for meta in it.fields:
            if meta.schema.get("type") == "priority" and isinstance(
                stored.get(meta.field_id), dict
            ):
                stored[meta.field_id] = _find_allowed(meta, stored[meta.field_id], "name")
        stored["project"] = {"id": project.id, "key": project.key, "name": project.name}
        stored["issuetype"] = self._type_json(site, project, it)
        if parent is not None:
            stored["parent"] = {"id": parent.id, "key": parent.key}
        stored["reporter"] = self._user_json(site, user)
        stored["creator"] = self._user_json(site, user)
        stored["status"] = status_json(INITIAL_STATUS)
        stored["created"] = now
        stored["updated"] = now
        issue = Issue(issue_id, f"{project.key}-{number}", project.key, stored)
        site.issues.append(issue)
        return issue


def _ref(value: Any, name_key: str = "key") -> str | None:
    """The id (or key/name) a reference object like ``{"id": "10000"}`` names."""
    if not isinstance(value, dict):
        return None
    for key in ("id", name_key):
        if key in value and isinstance(value[key], (str, int)) and not isinstance(value[key], bool):
            return str(value[key])
    return None


def _find_allowed(meta: FieldMeta, value: dict[str, Any], label: str) -> dict[str, Any] | None:
    for allowed in meta.allowed_values or []:
        if "id" in value and str(value["id"]) == allowed.get("id"):
            return allowed
        if "id" not in value and label in value and value[label] == allowed.get(label):
            return allowed
    return None


def _check_option(meta: FieldMeta, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return meta.field_id, "data was not an object"
    if _find_allowed(meta, value, "value") is None:
        shown = value.get("value", value.get("id"))
        # UNCONFIRMED text (no source pinned the exact wording for options).
        return meta.field_id, f"Option value '{shown}' is not valid"
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None
