"""The sandbox's data: OAuth clients, users, sites, projects, issue types, field metadata
and the issues created so far.

Everything is plain dataclasses so a test can build or tweak a world directly
(``world.site("acme").project("PAY").issue_type("Bug").field("priority")``).
``default_world()`` is the seed both the client and the sandbox tests rely on (see
docs/sandbox.md). A world converts to and from a JSON-ready dict for the optional state
file; the file write is atomic (temp file + ``os.replace``).

Issues hold their comments and attachments (the attachment's bytes too, base64 in the
state file, with the Media Services file id Jira would give it). Users can be inactive,
hide their e-mail address, or lack the permission to browse users.

Limits: one Jira "site" per cloud id, no permissions model beyond "the user can see the
site" (and "may browse users"), one workflow for every project (``workflow.py``), the
edit screen is the create screen minus project and issue type.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from adfkit.jira.files import write_private_json

__all__ = [
    "ALEX",
    "SAM",
    "Attachment",
    "Comment",
    "FieldMeta",
    "Issue",
    "IssueType",
    "OAuthClient",
    "Project",
    "Site",
    "User",
    "World",
    "WorldShapeError",
    "build_dataclass",
    "default_world",
]

ALEX = "712020:5b1c-sandbox-alex"
SAM = "712020:sandbox-sam"
ALICE = "712020:sandbox-alice"
ALICIA = "712020:sandbox-alicia"
HIDDEN = "712020:sandbox-robin"
GONE = "712020:sandbox-former"

DEFAULT_CLIENT_ID = "sandbox-client-id"
# A local test credential for the sandbox only, not a secret of any real service.
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1:8765/callback",)

# Scopes a sandbox client may request; "offline_access" is Auth0's and always allowed.
DEFAULT_CLIENT_SCOPES = (
    "read:jira-work",
    "write:jira-work",
    "read:jira-user",
    "manage:jira-configuration",
    "read:me",
    "read:confluence-content.all",
    "write:confluence-content",
)


@dataclass
class OAuthClient:
    """A registered 3LO app: redirect URIs must match exactly."""

    client_id: str
    client_secret: str = field(repr=False)
    name: str = "adfkit sandbox app"
    redirect_uris: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=lambda: list(DEFAULT_CLIENT_SCOPES))


@dataclass
class User:
    """An Atlassian account; ``api_token`` authenticates Basic calls on a site host."""

    account_id: str
    display_name: str
    email: str
    api_token: str = field(default="", repr=False)
    time_zone: str = "Europe/London"
    sites: list[str] = field(default_factory=list)  # cloud ids this user can use
    active: bool = True
    email_visible: bool = True  # the profile's e-mail visibility (privacy settings)
    browse_users: bool = True  # the "Browse users and groups" global permission


@dataclass
class FieldMeta:
    """One entry of createmeta's ``fields`` page (``FieldCreateMetadata``)."""

    field_id: str
    name: str
    schema: dict[str, Any]
    required: bool = False
    operations: list[str] = field(default_factory=lambda: ["set"])
    allowed_values: list[dict[str, Any]] | None = None
    has_default_value: bool = False
    default_value: Any = None
    auto_complete_url: str | None = None

    @property
    def is_adf(self) -> bool:
        """Whether v3 wants an Atlassian Document here (description, environment, textarea)."""
        if self.schema.get("system") in ("description", "environment"):
            return True
        return str(self.schema.get("custom", "")).endswith(":textarea")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fieldId": self.field_id,
            "key": self.field_id,
            "name": self.name,
            "required": self.required,
            "hasDefaultValue": self.has_default_value,
            "operations": list(self.operations),
            "schema": dict(self.schema),
        }
        if self.allowed_values is not None:
            out["allowedValues"] = [dict(v) for v in self.allowed_values]
        if self.has_default_value:
            out["defaultValue"] = self.default_value
        if self.auto_complete_url is not None:
            out["autoCompleteUrl"] = self.auto_complete_url
        return out


@dataclass
class IssueType:
    id: str
    name: str
    description: str = ""
    subtask: bool = False
    hierarchy_level: int = 0
    fields: list[FieldMeta] = field(default_factory=list)

    def field(self, field_id: str) -> FieldMeta | None:
        return next((f for f in self.fields if f.field_id == field_id), None)


@dataclass
class Project:
    id: str
    key: str
    name: str
    style: str = "classic"  # "classic" = company-managed, "next-gen" = team-managed
    issue_types: list[IssueType] = field(default_factory=list)
    lead: str = ALEX

    @property
    def simplified(self) -> bool:
        return self.style == "next-gen"

    def issue_type(self, id_or_name: str) -> IssueType | None:
        for it in self.issue_types:
            if id_or_name in (it.id, it.name):
                return it
        return None


@dataclass
class Comment:
    """A comment; ``properties`` are its entity properties (``sd.public.comment`` among
    them for a Service Management internal note)."""

    id: str
    author: str  # account id
    body: dict[str, Any]
    created: str
    updated: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        value = self.properties.get("sd.public.comment")
        return isinstance(value, dict) and value.get("internal") is True


@dataclass
class Attachment:
    """An attachment; ``media_id`` is its Media Services file id (a UUID, distinct from
    the numeric ``id``), what a ``media`` node names."""

    id: str
    filename: str
    mime_type: str
    size: int
    media_id: str
    author: str
    created: str
    content_b64: str = field(default="", repr=False)


@dataclass
class Issue:
    id: str
    key: str
    project_key: str
    fields: dict[str, Any]
    comments: list[Comment] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def attachment(self, media_or_attachment_id: str) -> Attachment | None:
        return next(
            (a for a in self.attachments if media_or_attachment_id in (a.id, a.media_id)),
            None,
        )


@dataclass
class Site:
    cloud_id: str
    slug: str  # the site's URL is {base}/site/{slug}
    name: str
    projects: list[Project] = field(default_factory=list)
    # Non-empty: accessible-resources also lists a Confluence entry with the same id.
    confluence_scopes: list[str] = field(default_factory=list)
    avatar_url: str = (
        "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"
    )
    issues: list[Issue] = field(default_factory=list)
    next_issue_id: int = 10000
    counters: dict[str, int] = field(default_factory=dict)  # project key -> last issue number
    next_comment_id: int = 10100
    next_attachment_id: int = 10200

    def project(self, id_or_key: str) -> Project | None:
        for p in self.projects:
            if id_or_key in (p.id, p.key):
                return p
        return None

    def issue(self, id_or_key: str) -> Issue | None:
        return next((i for i in self.issues if id_or_key in (i.id, i.key)), None)


@dataclass
class World:
    """Everything the sandbox serves. ``page_limit`` caps createmeta pages (tests use it
    to force several pages); ``consenting_user`` is who clicks Accept on the consent page."""

    clients: list[OAuthClient]
    users: list[User]
    sites: list[Site]
    consenting_user: str = ALEX
    page_limit: int | None = None

    def client(self, client_id: str) -> OAuthClient | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, account_id: str) -> User | None:
        return next((u for u in self.users if u.account_id == account_id), None)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self.users if u.email == email), None)

    def site(self, slug_or_cloud_id: str) -> Site | None:
        for s in self.sites:
            if slug_or_cloud_id in (s.slug, s.cloud_id):
                return s
        return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object, where: str = "world") -> World:
        """The world ``to_json`` wrote. Raises ``WorldShapeError`` naming the JSON path
        (``where`` is its root) of the first key or value that does not fit."""
        field_metas = list_of(FieldMeta)
        issue_types = list_of(IssueType, fields=field_metas)
        projects = list_of(Project, issue_types=issue_types)
        world = build_dataclass(
            cls,
            data,
            where,
            clients=list_of(OAuthClient),
            users=list_of(User),
            sites=list_of(
                Site,
                projects=projects,
                issues=list_of(Issue, comments=list_of(Comment), attachments=list_of(Attachment)),
            ),
        )
        if not world.clients:
            raise WorldShapeError(f"{where}.clients: needs at least one OAuth client")
        return world


# ---- building dataclasses from JSON, with the path of what does not fit -----------------

_T = TypeVar("_T")
Builder = Callable[[Any, str], Any]


class WorldShapeError(ValueError):
    """JSON that does not have the shape of a sandbox world (or OAuth state); the message
    starts with the JSON path of the problem, e.g. ``world.clients[0]: unknown key 'x'``."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _hint_name(hint: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
    if hint in names:
        return names[hint]
    return str(hint).replace("typing.", "").replace("NoneType", "null")


def _fits(value: object, hint: Any) -> bool:
    """Whether a JSON value fits a type hint of the world's dataclasses."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, a) for a in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            isinstance(k, str) and _fits(v, args[1]) for k, v in value.items()
        )
    return False


def build_dataclass(cls: type[_T], data: object, where: str, **nested: Builder) -> _T:
    """``cls(**data)`` after checking that ``data`` is an object with no unknown key, no
    missing required key and values of the declared types; ``nested`` builds the keys
    whose values are themselves dataclasses (or lists of them)."""
    if not isinstance(data, dict):
        raise WorldShapeError(f"{where}: expected an object, got {_kind(data)}")
    declared = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in declared:
            allowed = ", ".join(sorted(declared))
            raise WorldShapeError(f"{where}: unknown key {key!r} (allowed: {allowed})")
    for f in declared.values():
        required = f.default is MISSING and f.default_factory is MISSING
        if required and f.name not in data:
            raise WorldShapeError(f"{where}: missing key {f.name!r}")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{where}.{key}"
        if key in nested:
            kwargs[key] = nested[key](value, path)
        elif not _fits(value, hints[key]):
            raise WorldShapeError(f"{path}: expected {_hint_name(hints[key])}, got {_kind(value)}")
        else:
            kwargs[key] = value
    return cls(**kwargs)


def list_of(cls: type[_T], **nested: Builder) -> Callable[[Any, str], list[_T]]:
    """A builder for a JSON array of ``cls`` objects."""

    def build(data: Any, where: str) -> list[_T]:
        if not isinstance(data, list):
            raise WorldShapeError(f"{where}: expected an array, got {_kind(data)}")
        return [
            build_dataclass(cls, item, f"{where}[{i}]", **nested) for i, item in enumerate(data)
        ]

    return build


def dict_of(cls: type[_T], **nested: Builder) -> Callable[[Any, str], dict[str, _T]]:
    """A builder for a JSON object whose values are ``cls`` objects."""

    def build(data: Any, where: str) -> dict[str, _T]:
        if not isinstance(data, dict):
            raise WorldShapeError(f"{where}: expected an object, got {_kind(data)}")
        # Entries are named by position: the keys may be token hashes, kept out of messages.
        return {
            k: build_dataclass(cls, v, f"{where} (entry {i})", **nested)
            for i, (k, v) in enumerate(data.items())
        }

    return build


def write_json_atomic(path: Path, data: object) -> None:
    """Write the state file (it holds token hashes and the client secret): atomically,
    mode 0600, as adfkit writes every private file."""
    write_private_json(path, data, indent=1, sort_keys=True)


# ---- the seed world ---------------------------------------------------------------

_CF = "com.atlassian.jira.plugin.system.customfieldtypes:"
_BUG_TEXT = "A problem which impairs or prevents the functions of the product."
_SEVERITIES = ["S1 - Critical", "S2 - Major", "S3 - Minor", "S4 - Trivial"]


def _sys(field_id: str, name: str, type_: str, **kw: Any) -> FieldMeta:
    return FieldMeta(field_id, name, {"type": type_, "system": field_id}, **kw)


def _custom(num: int, name: str, type_: str, custom: str, **kw: Any) -> FieldMeta:
    schema: dict[str, Any] = {"type": type_, "custom": custom, "customId": num}
    if type_ == "array":
        schema["items"] = kw.pop("items")
    return FieldMeta(f"customfield_{num}", name, schema, **kw)


def _priorities() -> list[dict[str, Any]]:
    names = ["Highest", "High", "Medium", "Low", "Lowest"]
    return [{"id": str(i), "name": n} for i, n in enumerate(names, start=1)]


def _options(first_id: int, values: list[str]) -> list[dict[str, Any]]:
    return [{"id": str(first_id + i), "value": v} for i, v in enumerate(values)]


def _common(project: Project, it: IssueType, *, team: bool) -> list[FieldMeta]:
    """Fields every issue type of the seed projects has on its create screen."""
    project_ref = {"id": project.id, "key": project.key, "name": project.name}
    type_ref = {"id": it.id, "name": it.name, "subtask": it.subtask}
    priority = _sys(
        "priority",
        "Priority",
        "priority",
        allowed_values=_priorities(),
        has_default_value=True,
        default_value={"id": "3", "name": "Medium"},
    )
    out = [
        _sys("summary", "Summary", "string", required=True),
        _sys(
            "issuetype",
            "Issue Type",
            "issuetype",
            required=True,
            operations=[],
            allowed_values=[type_ref],
        ),
        _sys("project", "Project", "project", required=True, allowed_values=[project_ref]),
        _sys("description", "Description", "string"),
        FieldMeta(
            "labels",
            "Labels",
            {"type": "array", "items": "string", "system": "labels"},
            operations=["add", "set", "remove"],
            auto_complete_url="/rest/api/1.0/labels/suggest?query=",
        ),
        priority,
    ]
    if it.subtask:
        out.append(_sys("parent", "Parent", "issuelink", required=True))
    if not team:
        out.append(
            _sys(
                "assignee",
                "Assignee",
                "user",
                auto_complete_url="/rest/api/3/user/assignable/search?project=" + project.key,
            )
        )
        out.append(_sys("duedate", "Due date", "date"))
    return out


def _pay_bug_extras() -> list[FieldMeta]:
    return [
        FieldMeta(
            "components",
            "Components",
            {"type": "array", "items": "component", "system": "components"},
            required=True,
            operations=["add", "set", "remove"],
            allowed_values=[
                {"id": "10100", "name": "Payments"},
                {"id": "10101", "name": "Checkout"},
                {"id": "10102", "name": "Ledger"},
            ],
        ),
        _sys("environment", "Environment", "string"),
        _custom(10040, "Severity", "option", _CF + "select", required=True,
                allowed_values=_options(10200, _SEVERITIES)),
        _custom(10041, "Affected platforms", "array", _CF + "multiselect", items="option",
                operations=["add", "set", "remove"],
                allowed_values=_options(10300, ["iOS", "Android", "Web"])),
        _custom(10016, "Story Points", "number", _CF + "float"),
        _custom(10060, "Customer ticket", "string", _CF + "textfield"),
        _custom(10061, "Steps to reproduce", "string", _CF + "textarea"),
    ]  # fmt: skip


def _project(
    id_: str, key: str, name: str, style: str, types: list[tuple[str, str, str, bool, int]]
) -> Project:
    project = Project(id_, key, name, style)
    team = style == "next-gen"
    for type_id, type_name, desc, subtask, level in types:
        it = IssueType(type_id, type_name, desc, subtask, level)
        it.fields = _common(project, it, team=team)
        project.issue_types.append(it)
    return project


def default_world(
    redirect_uris: list[str] | None = None, client_secret: str | None = None
) -> World:
    """The seed world of the shared brief (Acme with PAY and WEB, Beta Labs with OPS)."""
    pay = _project("10000", "PAY", "Payments", "classic", [
        ("10004", "Bug", _BUG_TEXT, False, 0),
        ("10002", "Task", "A task that needs to be done.", False, 0),
        ("10001", "Story", "A user story.", False, 0),
        ("10000", "Epic", "A big user story that needs to be broken down.", False, 1),
        ("10003", "Sub-task", "A small piece of work that's part of a larger task.", True, -1),
    ])  # fmt: skip
    bug = pay.issue_type("Bug")
    assert bug is not None
    bug.fields += _pay_bug_extras()
    story = pay.issue_type("Story")
    assert story is not None
    story.fields.append(_custom(10016, "Story Points", "number", _CF + "float"))
    epic = pay.issue_type("Epic")
    assert epic is not None
    epic.fields.append(
        _custom(10011, "Epic Name", "string", "com.pyxis.greenhopper.jira:gh-epic-label",
                required=True)
    )  # fmt: skip
    web = _project("10001", "WEB", "Web", "next-gen", [
        ("10010", "Task", "A small, distinct piece of work.", False, 0),
        ("10011", "Bug", "A problem or error.", False, 0),
        ("10012", "Epic", "A collection of related bugs, stories, and tasks.", False, 1),
        ("10013", "Subtask", "A small piece of work that's part of a larger task.", True, -1),
    ])  # fmt: skip
    for it in web.issue_types:
        it.fields.append(
            _custom(10050, "Story point estimate", "number",
                    "com.pyxis.greenhopper.jira:jsw-story-points")
        )  # fmt: skip
    ops = _project("10002", "OPS", "Operations", "classic", [
        ("10002", "Task", "A task that needs to be done.", False, 0),
        ("10004", "Bug", _BUG_TEXT, False, 0),
    ])  # fmt: skip
    acme = Site(
        "3f1c9e52-7a4b-4d1e-9c2a-acme00000001",
        "acme",
        "Acme",
        [pay, web],
        confluence_scopes=["read:confluence-content.all", "write:confluence-content"],
    )
    beta = Site("3f1c9e52-7a4b-4d1e-9c2a-beta00000002", "beta-labs", "Beta Labs", [ops])
    client = OAuthClient(
        DEFAULT_CLIENT_ID,
        client_secret if client_secret is not None else DEFAULT_CLIENT_SECRET,
        redirect_uris=list(redirect_uris if redirect_uris is not None else DEFAULT_REDIRECT_URIS),
    )
    sites = [acme.cloud_id, beta.cloud_id]
    users = [
        # Sandbox-only API token, a documented local test credential.
        User(ALEX, "Alex Example", "alex@example.com", "sandbox-api-token", sites=list(sites)),
        User(SAM, "Sam Reviewer", "sam@example.com", "sandbox-api-token-sam", sites=list(sites)),
        # For mentions: two Alices (a name that is a prefix of another), one who hides
        # her e-mail address, and a deactivated account.
        User(ALICE, "Alice Smith", "alice@example.com", sites=list(sites)),
        User(ALICIA, "Alice Smithers", "alicia@example.com", sites=list(sites)),
        User(HIDDEN, "Robin Private", "robin@example.com", sites=list(sites), email_visible=False),
        User(GONE, "Former Colleague", "former@example.com", sites=list(sites), active=False),
    ]
    return World([client], users, [acme, beta])
