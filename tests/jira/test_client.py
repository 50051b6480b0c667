"""JiraClient against httpx.MockTransport: createmeta, shaping, pre-flight, error mapping, retries."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from adfkit.jira.client import JiraClient, reachable_sites
from adfkit.jira.config import OAuthApp
from adfkit.jira.createmeta import CreateMeta, FieldMeta, MetaCache
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    JiraApiError,
    JiraError,
    PreflightError,
    SiteError,
)
from adfkit.jira.fields import shape_fields
from adfkit.jira.oauth import accessible_resources, exchange_code, refresh_tokens
from adfkit.jira.retry import RetryPolicy
from adfkit.jira.sites import Site, choose_site, parse_resources, save_site
from adfkit.jira.tokens import TokenSet, TokenStore

SITE = "http://site.test"
ISSUE_TYPES = [
    {"id": "10001", "name": "Bug", "subtask": False},
    {"id": "10002", "name": "Task", "subtask": False},
]
PRIORITIES = [
    {"id": str(i), "name": n}
    for i, n in enumerate(["Highest", "High", "Medium", "Low", "Lowest"], 1)
]
FIELDS: list[dict[str, Any]] = [
    {
        "fieldId": "summary",
        "name": "Summary",
        "required": True,
        "hasDefaultValue": False,
        "schema": {"type": "string", "system": "summary"},
    },
    {
        "fieldId": "issuetype",
        "name": "Issue Type",
        "required": True,
        "hasDefaultValue": False,
        "schema": {"type": "issuetype"},
    },
    {
        "fieldId": "project",
        "name": "Project",
        "required": True,
        "hasDefaultValue": False,
        "schema": {"type": "project"},
    },
    {
        "fieldId": "description",
        "name": "Description",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "string", "system": "description"},
    },
    {
        "fieldId": "priority",
        "name": "Priority",
        "required": True,
        "hasDefaultValue": True,
        "schema": {"type": "priority"},
        "allowedValues": PRIORITIES,
    },
    {
        "fieldId": "components",
        "name": "Components",
        "required": True,
        "hasDefaultValue": False,
        "schema": {"type": "array", "items": "component"},
        "allowedValues": [{"id": "100", "name": "Payments"}, {"id": "101", "name": "Checkout"}],
    },
    {
        "fieldId": "labels",
        "name": "Labels",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "array", "items": "string"},
    },
    {
        "fieldId": "assignee",
        "name": "Assignee",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "user"},
    },
    {
        "fieldId": "duedate",
        "name": "Due date",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "date"},
    },
    {
        "fieldId": "customfield_10040",
        "name": "Severity",
        "required": True,
        "hasDefaultValue": False,
        "schema": {"type": "option", "custom": "x:select"},
        "allowedValues": [
            {"id": "200", "value": "S1 - Critical"},
            {"id": "201", "value": "S2 - Major"},
        ],
    },
    {
        "fieldId": "customfield_10041",
        "name": "Affected platforms",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "array", "items": "option"},
        "allowedValues": [{"id": "300", "value": "iOS"}, {"id": "301", "value": "Web"}],
    },
    {
        "fieldId": "customfield_10016",
        "name": "Story Points",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "number"},
    },
    {
        "fieldId": "customfield_10060",
        "name": "Customer ticket",
        "required": False,
        "hasDefaultValue": False,
        "schema": {
            "type": "string",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
        },
    },
    {
        "fieldId": "customfield_10061",
        "name": "Steps to reproduce",
        "required": False,
        "hasDefaultValue": False,
        "schema": {
            "type": "string",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textarea",
        },
    },
    {
        "fieldId": "customfield_10070",
        "name": "Reviewers",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "array", "items": "user", "custom": "x:multiuserpicker"},
    },
    {
        "fieldId": "customfield_10099",
        "name": "Raw",
        "required": False,
        "hasDefaultValue": False,
        "schema": {"type": "any", "custom": "x:raw"},
    },
]
METAS = [FieldMeta.from_json(f) for f in FIELDS]
GOOD: dict[str, Any] = {"Severity": "S1 - Critical", "components": ["Payments"]}


class FakeJira:
    """Answers createmeta in pages of 2 and records POSTs; ``create`` scripts the POST answers."""

    def __init__(self, create: list[Any] | None = None) -> None:
        self.posts: list[dict[str, Any]] = []
        self.gets: list[str] = []
        self.create = create or []
        # A test may change what the server has: its issue types, the Bug screen.
        self.issue_types = [dict(t) for t in ISSUE_TYPES]
        self.fields = [dict(f) for f in FIELDS]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/rest/api/3/")
        if request.method == "POST":
            self.posts.append(json.loads(request.content))
            if self.create:
                step = self.create.pop(0)
                if isinstance(step, Exception):
                    raise step
                return step  # type: ignore[no-any-return]
            return httpx.Response(
                201, json={"id": "10500", "key": "PAY-7", "self": f"{SITE}/rest/api/3/issue/10500"}
            )
        self.gets.append(path)
        start = int(request.url.params.get("startAt", "0"))
        if path == "issue/createmeta/PAY/issuetypes":
            return httpx.Response(
                200,
                json={
                    "issueTypes": self.issue_types[start : start + 2],
                    "startAt": start,
                    "maxResults": 2,
                    "total": len(self.issue_types),
                },
            )
        if path.startswith("issue/createmeta/PAY/issuetypes/"):  # every type has Bug's screen
            return httpx.Response(
                200,
                json={
                    "fields": self.fields[start : start + 2],
                    "startAt": start,
                    "maxResults": 2,
                    "total": len(self.fields),
                },
            )
        if path == "myself":
            return httpx.Response(200, json={"accountId": "712020:a", "displayName": "Alex"})
        return httpx.Response(
            404,
            json={"errorMessages": ["No project could be found with key 'NOPE'."], "errors": {}},
        )


def basic_client(handler: Any, sleeps: list[float] | None = None, **kw: Any) -> JiraClient:
    record = sleeps if sleeps is not None else []
    return JiraClient.from_api_token(
        "a@example.com",
        "APITOKEN-secret",
        SITE,
        transport=httpx.MockTransport(handler),
        sleep=record.append,
        jitter=lambda: 0.5,
        **kw,
    )


def test_create_issue_shapes_fields_and_returns_browse_url() -> None:
    fake = FakeJira()
    with basic_client(fake) as client:
        created = client.create_issue(
            project="PAY",
            issue_type="bug",
            summary="Card declined",
            description="**Steps**: pay",
            priority="High",
            components=["Payments"],
            labels=["bug", "payments"],
            assignee="712020:a",
            duedate="2026-05-01T10:00:00",
            fields={
                "Severity": "S2 - Major",
                "Affected platforms": ["iOS", "Web"],
                "Story Points": "3",
                "Customer ticket": "CS-1",
                "Steps to reproduce": "1. open\n2. pay",
            },
        )
    assert (created.key, created.id, created.url) == ("PAY-7", "10500", f"{SITE}/browse/PAY-7")
    sent = fake.posts[0]["fields"]
    assert sent["project"] == {"key": "PAY"}
    assert sent["issuetype"] == {"id": "10001"}
    assert sent["priority"] == {"id": "2"}
    assert sent["components"] == [{"id": "100"}]
    assert sent["labels"] == ["bug", "payments"]
    assert sent["assignee"] == {"accountId": "712020:a"}
    assert sent["duedate"] == "2026-05-01"
    assert sent["customfield_10040"] == {"id": "201"}
    assert sent["customfield_10041"] == [{"id": "300"}, {"id": "301"}]
    assert sent["customfield_10016"] == 3
    assert sent["customfield_10060"] == "CS-1"
    assert sent["description"]["type"] == "doc"
    assert sent["description"]["content"][0]["content"][0]["marks"] == [{"type": "strong"}]
    assert sent["customfield_10061"]["content"][0]["type"] == "orderedList"


def test_createmeta_pages_until_total_for_both_endpoints() -> None:
    fake = FakeJira()
    with basic_client(fake) as client:
        assert [f.field_id for f in client.fields("PAY", "Bug")] == [f["fieldId"] for f in FIELDS]
    assert fake.gets.count("issue/createmeta/PAY/issuetypes") == 1  # one path, params differ
    assert len(fake.gets) == 1 + (len(FIELDS) + 1) // 2


@pytest.mark.parametrize(
    ("types_key", "fields_key"),
    [("issueTypes", "fields"), ("values", "values"), ("values", "results")],
)
def test_createmeta_accepts_every_documented_page_key(types_key: str, fields_key: str) -> None:
    def get_json(path: str, params: Any) -> Any:
        start = params["startAt"]
        if path.endswith("/issuetypes"):
            return {types_key: ISSUE_TYPES[start : start + 1], "total": 2}
        return {fields_key: FIELDS[start : start + 5], "total": len(FIELDS)}

    meta = CreateMeta(get_json)
    assert meta.resolve_issue_type("PAY", "Task").id == "10002"
    assert meta.resolve_issue_type("PAY", "10001").name == "Bug"
    assert len(meta.fields("PAY", "10001")) == len(FIELDS)
    with pytest.raises(JiraApiError, match="no issue type 'Story'"):
        meta.resolve_issue_type("PAY", "Story")


def test_createmeta_cache_expires(tmp_path: Path) -> None:
    now = [1000.0]
    calls: list[str] = []

    def get_json(path: str, params: Any) -> Any:
        calls.append(path)
        return {"issueTypes": ISSUE_TYPES, "total": 2}

    meta = CreateMeta(get_json, cache=MetaCache(tmp_path, ttl=60, clock=lambda: now[0]))
    meta.issue_types("PAY")
    now[0] += 59
    meta.issue_types("PAY")
    assert len(calls) == 1
    now[0] += 2
    meta.issue_types("PAY")
    assert len(calls) == 2


def test_preflight_reports_every_problem_before_any_post() -> None:
    fake = FakeJira()
    bad_adf = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    with basic_client(fake) as client, pytest.raises(PreflightError) as info:
        client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="x",
            description=bad_adf,
            priority="Urgent",
            labels=["has space"],
            fields={"Colour": "red"},
        )
    codes = {(p.field, p.code) for p in info.value.problems}
    assert codes == {
        ("description", "INVALID_ADF"),
        ("priority", "NOT_ALLOWED"),
        ("labels", "INVALID_VALUE"),
        ("Colour", "UNKNOWN_FIELD"),
        ("components", "MISSING_REQUIRED"),
        ("customfield_10040", "MISSING_REQUIRED"),
    }
    problem = {p.field: p for p in info.value.problems}
    assert problem["description"].pointer == "/fields/description/content/0/content/0/text"
    assert "Highest, High, Medium, Low, Lowest" in problem["priority"].fix
    assert "S1 - Critical" in problem["customfield_10040"].fix
    assert fake.posts == []


def test_shaping_rules_for_dates_numbers_and_passthrough() -> None:
    import datetime as dt

    shaped = shape_fields(
        METAS,
        {
            **GOOD,
            "summary": "s",
            "duedate": dt.date(2026, 1, 2),
            "Story Points": 2.5,
            "priority": {"name": "High"},
            "description": {"type": "doc", "version": 1, "content": []},
        },
        description_format="auto",
    )
    assert shaped["duedate"] == "2026-01-02"
    assert shaped["customfield_10016"] == 2.5
    assert shaped["priority"] == {"name": "High"}
    html = shape_fields(METAS, {**GOOD, "summary": "s", "description": "<p>Hi <b>there</b></p>"})
    assert html["description"]["content"][0]["content"][1]["marks"] == [{"type": "strong"}]
    with pytest.raises(PreflightError, match="not a date"):
        shape_fields(METAS, {**GOOD, "summary": "s", "duedate": "tomorrow"})
    with pytest.raises(PreflightError, match="not a number"):
        shape_fields(METAS, {**GOOD, "summary": "s", "Story Points": "many"})


def test_400_error_collection_is_reported_per_field_with_names() -> None:
    body = {
        "errorMessages": [],
        "errors": {
            "customfield_10040": "Severity is required.",
            "summary": "You must specify a summary of the issue.",
        },
    }
    fake = FakeJira(create=[httpx.Response(400, json=body)])
    with basic_client(fake) as client, pytest.raises(JiraApiError) as info:
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert info.value.status == 400
    assert info.value.errors == body["errors"]
    assert "customfield_10040 (Severity): Severity is required." in str(info.value)


def test_invalid_input_is_rechecked_locally_to_name_the_pointer() -> None:
    bad = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "bogus"}]}],
    }
    fake = FakeJira(
        create=[httpx.Response(400, json={"errorMessages": ["INVALID_INPUT"], "errors": {}})]
    )
    with basic_client(fake) as client, pytest.raises(JiraApiError) as info:
        client.create_issue(
            project="PAY", issue_type="Bug", summary="x", fields={"customfield_10099": bad, **GOOD}
        )
    assert info.value.pointers == ["/fields/customfield_10099/content/0/content/0"]
    assert "/fields/customfield_10099/content/0/content/0" in str(info.value)


def test_429_and_503_honour_retry_after_and_zero_means_short_backoff() -> None:
    sleeps: list[float] = []
    answers = [
        httpx.Response(429, headers={"Retry-After": "5"}, text="<html>slow down</html>"),
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(429),
    ]
    fake = FakeJira(create=list(answers))
    with basic_client(fake, sleeps) as client:
        assert (
            client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD).key == "PAY-7"
        )
    assert sleeps == [5.0, 0.5 * 2, 4.0]  # jitter 0.5 -> factor 1.0
    assert len(fake.posts) == 4


def test_retry_after_above_max_wait_fails_at_once_instead_of_retrying_early() -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.Response(429, headers={"Retry-After": "3600"})])
    with (
        basic_client(fake, sleeps) as client,
        pytest.raises(JiraApiError) as info,
    ):
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert str(info.value) == (
        "Jira asks to wait 3600 s (more than max_wait 60 s); try again later"
    )
    assert info.value.status == 429
    assert sleeps == []
    assert len(fake.posts) == 1


@pytest.mark.parametrize("status", [502, 503, 504])
def test_create_is_not_resent_after_a_gateway_error_without_retry_after(status: int) -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.Response(status, text="<html>Service Unavailable</html>")])
    with (
        basic_client(fake, sleeps) as client,
        pytest.raises(CreateOutcomeUnknown, match="may have been created") as info,
    ):
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert f"HTTP {status}" in str(info.value)
    assert len(fake.posts) == 1
    assert sleeps == []


def test_a_bare_503_on_a_read_is_still_retried() -> None:
    sleeps: list[float] = []
    answers = iter([httpx.Response(503), httpx.Response(200, json={"accountId": "a"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers)

    with basic_client(handler, sleeps) as client:
        assert client.myself() == {"accountId": "a"}
    assert sleeps == [1.0]


def test_429_gives_up_after_max_retries() -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.Response(429, headers={"Retry-After": "1"})] * 10)
    with (
        basic_client(fake, sleeps) as client,
        pytest.raises(JiraApiError, match="rate limited") as info,
    ):
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert info.value.status == 429
    assert len(sleeps) == 4
    assert len(fake.posts) == 5


@pytest.mark.parametrize(
    "fault", [httpx.ReadTimeout("t"), httpx.RemoteProtocolError("x"), httpx.ReadError("r")]
)
def test_create_is_never_resent_after_the_request_may_have_arrived(fault: Exception) -> None:
    fake = FakeJira(create=[fault])
    with (
        basic_client(fake) as client,
        pytest.raises(CreateOutcomeUnknown, match="may have been created; check before retrying"),
    ):
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert len(fake.posts) == 1


def test_create_is_retried_after_connect_failure() -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
    with basic_client(fake, sleeps) as client:
        assert (
            client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD).key == "PAY-7"
        )
    assert len(fake.posts) == 3
    assert len(sleeps) == 2


def test_404_from_jira_says_missing_or_no_permission() -> None:
    with (
        basic_client(FakeJira()) as client,
        pytest.raises(JiraApiError, match="lacks permission") as info,
    ):
        client.project("NOPE")
    assert info.value.status == 404


def test_basic_auth_401_is_clear_and_hides_the_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={
                "errorMessages": [
                    "You are not authenticated. Authentication required to perform this operation."
                ],
                "errors": {},
            },
        )

    with basic_client(handler) as client, pytest.raises(AuthError, match="API token") as info:
        client.myself()
    assert "APITOKEN-secret" not in str(info.value)


# -- OAuth: sites, 401 refresh + retry, cloud-id diagnosis -------------------------------

ACME = {
    "id": "cloud-acme",
    "name": "Acme",
    "url": "http://acme.test",
    "scopes": ["read:jira-work", "write:jira-work"],
    "avatarUrl": "",
}
ACME_CONF = {**ACME, "scopes": ["read:confluence-content.all"]}
BETA = {
    "id": "cloud-beta",
    "name": "Beta Labs",
    "url": "http://beta.test",
    "scopes": ["read:jira-work"],
    "avatarUrl": "",
}


def test_sites_dedupe_prefers_jira_entry_and_choose_by_url_name_id() -> None:
    sites = parse_resources([ACME_CONF, BETA, ACME])
    assert [s.id for s in sites] == ["cloud-acme", "cloud-beta"]
    assert sites[0].scopes == ("read:jira-work", "write:jira-work")
    assert choose_site(sites, "https://ACME.test/").id == "cloud-acme"
    assert choose_site(sites, "beta labs").id == "cloud-beta"
    assert choose_site(sites, "cloud-beta").name == "Beta Labs"
    with pytest.raises(SiteError, match="several sites"):
        choose_site(sites)
    with pytest.raises(SiteError, match="no reachable site matches 'gamma'"):
        choose_site(sites, "gamma")
    with pytest.raises(SiteError, match="reaches no Jira site"):
        choose_site(parse_resources([]))


class Gateway:
    """accessible-resources + token endpoint + Jira via /ex/jira/{cloud}; access tokens expire on demand."""

    def __init__(self) -> None:
        self.valid_access = "ACCESS-1"
        self.refreshes = 0
        self.requests: list[str] = []
        self.not_found: dict[str, Any] = {
            "errorMessage": "Site temporarily unavailable",
            "errorCode": "OTHER",
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append(f"{request.method} {path}")
        if path == "/oauth/token":
            self.refreshes += 1
            self.valid_access = f"ACCESS-{self.refreshes + 1}"
            return httpx.Response(
                200,
                json={
                    "access_token": self.valid_access,
                    "refresh_token": f"REFRESH-{self.refreshes}",
                    "expires_in": 3600,
                    "scope": "x",
                    "token_type": "Bearer",
                },
            )
        if request.headers.get("Authorization") != f"Bearer {self.valid_access}":
            return httpx.Response(401, json={"code": 401, "message": "Unauthorized"})
        if path == "/oauth/token/accessible-resources":
            return httpx.Response(200, json=[ACME, BETA])
        if path.startswith("/ex/jira/cloud-acme/rest/api/3/myself"):
            return httpx.Response(200, json={"accountId": "712020:a"})
        if path.startswith("/ex/jira/cloud-acme/rest/api/3/"):
            return httpx.Response(
                404,
                json={"errorMessages": ["Issue does not exist or you do not have permission"]},
            )
        return httpx.Response(404, json=self.not_found)


def oauth_client(
    tmp_path: Path, gateway: Gateway, site: str | None = "Acme", **options: Any
) -> JiraClient:
    store = TokenStore(tmp_path)
    store.save(TokenSet("ACCESS-1", "REFRESH-0", time.time() + 3600))
    app = OAuthApp(
        client_id="cid",
        client_secret="SECRET-c",
        auth_url="http://gw.test",
        api_url="http://gw.test",
    )
    options.setdefault("sleep", lambda s: None)
    options.setdefault("transport", httpx.MockTransport(gateway))
    return JiraClient.from_oauth(app, site=site, store=store, **options)


def test_401_triggers_one_refresh_and_one_retry(tmp_path: Path) -> None:
    gateway = Gateway()
    client = oauth_client(tmp_path, gateway)
    gateway.valid_access = "ACCESS-revoked-server-side"  # the stored token stops working
    gateway.refreshes = 0
    gateway.requests.clear()
    assert client.myself() == {"accountId": "712020:a"}
    assert gateway.requests == [
        "GET /ex/jira/cloud-acme/rest/api/3/myself",
        "POST /oauth/token",
        "GET /ex/jira/cloud-acme/rest/api/3/myself",
    ]
    stored = TokenStore(tmp_path).load()
    assert stored is not None
    assert stored.refresh_token == "REFRESH-1"


def test_persistent_401_after_refresh_is_an_auth_error_not_a_loop(tmp_path: Path) -> None:
    gateway = Gateway()
    client = oauth_client(tmp_path, gateway)

    def always_401(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return gateway(request)
        gateway.requests.append(f"{request.method} {request.url.path}")
        return httpx.Response(
            401, json={"code": 401, "message": "Unauthorized; scope does not match"}
        )

    client._http._transport = httpx.MockTransport(always_401)
    gateway.requests.clear()
    with pytest.raises(AuthError, match="scope"):
        client.myself()
    assert gateway.requests == [
        "GET /ex/jira/cloud-acme/rest/api/3/myself",
        "POST /oauth/token",
        "GET /ex/jira/cloud-acme/rest/api/3/myself",
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, {"errorMessage": "Site temporarily unavailable", "errorCode": "OTHER"}),
        (404, {"code": 404, "message": "Not Found"}),
        (403, {"code": 403, "message": "Forbidden"}),
        (404, None),
    ],
)
def test_unknown_cloud_id_names_the_reachable_sites_whatever_the_body(
    tmp_path: Path, status: int, body: dict[str, Any] | None
) -> None:
    gateway = Gateway()
    save_site(tmp_path, Site("cloud-gone", "Gone", "http://gone.test"))
    client = oauth_client(tmp_path, gateway, site=None)

    def gone(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/ex/jira/cloud-gone/"):
            if body is None:
                return httpx.Response(status, text="<html>Not Found</html>")
            return httpx.Response(status, json=body)
        return gateway(request)

    client._http._transport = httpx.MockTransport(gone)
    with pytest.raises(SiteError) as info:
        client.myself()
    text = str(info.value)
    assert f"cloud id cloud-gone (http://gone.test) does not answer (HTTP {status}" in text
    assert "Acme <http://acme.test> (cloud id cloud-acme)" in text
    assert "Beta Labs" in text


def test_404_over_oauth_on_a_reachable_site_says_missing_or_no_permission(
    tmp_path: Path,
) -> None:
    gateway = Gateway()
    client = oauth_client(tmp_path, gateway)
    with pytest.raises(JiraApiError, match="lacks permission") as info:
        client.get_issue("PAY-404")
    assert info.value.status == 404
    assert "GET /oauth/token/accessible-resources" in gateway.requests  # it did check


def test_unknown_cloud_id_lists_reachable_sites(tmp_path: Path) -> None:
    gateway = Gateway()
    save_site(tmp_path, Site("cloud-gone", "Gone", "http://gone.test"))
    client = oauth_client(tmp_path, gateway, site=None)
    with pytest.raises(SiteError) as info:
        client.myself()
    text = str(info.value)
    assert "cloud id cloud-gone" in text
    assert "Acme <http://acme.test> (cloud id cloud-acme)" in text
    assert "Beta Labs" in text


def test_no_secret_in_errors_or_debug_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = Gateway()
    client = oauth_client(tmp_path, gateway)
    gateway.valid_access = "ACCESS-x"
    client.myself()
    with pytest.raises(JiraApiError) as info:
        client.get_issue("PAY-1")
    text = caplog.text + str(info.value) + repr(client)
    for secret in ("ACCESS-1", "ACCESS-2", "REFRESH-0", "REFRESH-1", "SECRET-c"):
        assert secret not in text


def test_every_adf_error_of_a_description_is_its_own_problem_with_its_pointer() -> None:
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": ""}]},
            {"type": "heading", "attrs": {"level": 9}, "content": []},
        ],
    }
    with pytest.raises(PreflightError) as info:
        shape_fields(METAS, {**GOOD, "summary": "s", "description": doc})
    pointers = [p.pointer for p in info.value.problems if p.code == "INVALID_ADF"]
    assert pointers == [
        "/fields/description/content/0/content/0/text",
        "/fields/description/content/1/attrs/level",
    ]


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("x" * 256, "256 characters"),
        ("first line\nsecond line", "line break"),
        ("   ", "empty"),
    ],
)
def test_summaries_jira_would_refuse_are_caught_before_the_post(summary: str, message: str) -> None:
    with pytest.raises(PreflightError, match=message):
        shape_fields(METAS, {**GOOD, "summary": summary})


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("2026-03-04", "2026-03-04"),
        ("2026-03-04T10:30:00Z", "2026-03-04"),
        (" 2026-03-04 ", "2026-03-04"),
    ],
)
def test_dates_and_iso_date_times_become_the_day(given: str, sent: str) -> None:
    assert shape_fields(METAS, {**GOOD, "summary": "s", "duedate": given})["duedate"] == sent


@pytest.mark.parametrize("given", ["2026-03-04 and then some", "04/03/2026", "2026-13-01"])
def test_text_that_only_starts_like_a_date_is_refused_not_truncated(given: str) -> None:
    with pytest.raises(PreflightError, match="not a date"):
        shape_fields(METAS, {**GOOD, "summary": "s", "duedate": given})


def test_retry_after_as_an_http_date_is_honoured() -> None:
    import email.utils

    sleeps: list[float] = []
    in_30_s = email.utils.formatdate(time.time() + 30, usegmt=True)
    fake = FakeJira(create=[httpx.Response(429, headers={"Retry-After": in_30_s})])
    with basic_client(fake, sleeps) as client:
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert len(sleeps) == 1
    assert 27.0 <= sleeps[0] <= 30.0  # the date has a resolution of one second


def test_a_retry_after_that_is_neither_seconds_nor_a_date_means_backoff() -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.Response(503, headers={"Retry-After": "soon"})])
    with basic_client(fake, sleeps) as client:
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert sleeps == [1.0]  # first backoff step, jitter 0.5 -> factor 1.0


# -- retries on the token endpoint and accessible-resources ---------------------------------

APP = OAuthApp(
    client_id="cid", client_secret="SECRET-c", auth_url="http://gw.test", api_url="http://gw.test"
)
TOKENS = {
    "access_token": "ACCESS-new",
    "refresh_token": "REFRESH-new",
    "expires_in": 3600,
    "scope": "x",
    "token_type": "Bearer",
}
HTML_429 = "<html><title>Oops - an error has occurred</title><p class=error429></p></html>"


def scripted(answers: list[Any], seen: list[str]) -> httpx.MockTransport:
    """Answers (or raises) the scripted steps in order, recording each request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        step = answers.pop(0)
        if isinstance(step, Exception):
            raise step
        return step  # type: ignore[no-any-return]

    return httpx.MockTransport(handler)


def test_refresh_is_retried_after_a_bare_503_and_an_html_429() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    answers: list[Any] = [
        httpx.Response(503, text="upstream unavailable"),
        httpx.Response(429, text=HTML_429, headers={"Retry-After": "2"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=TOKENS),
    ]
    with httpx.Client(transport=scripted(answers, seen)) as http:
        tokens = refresh_tokens(
            APP, "REFRESH-old", http, retry=RetryPolicy(sleep=sleeps.append, jitter=lambda: 0.5)
        )
    assert tokens.access_token == "ACCESS-new"
    assert seen == ["POST /oauth/token"] * 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_code_exchange_is_retried_after_a_429_without_retry_after() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    answers: list[Any] = [httpx.Response(429), httpx.Response(200, json=TOKENS)]
    with httpx.Client(transport=scripted(answers, seen)) as http:
        tokens = exchange_code(
            APP, "CODE-1", http, retry=RetryPolicy(sleep=sleeps.append, jitter=lambda: 0.5)
        )
    assert tokens.refresh_token == "REFRESH-new"
    assert len(seen) == 2
    assert sleeps == [1.0]


def test_token_request_whose_answer_was_lost_is_not_resent() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    answers: list[Any] = [httpx.ReadTimeout("slow")]
    with (
        httpx.Client(transport=scripted(answers, seen)) as http,
        pytest.raises(AuthError, match="cannot reach the token endpoint") as info,
    ):
        refresh_tokens(APP, "REFRESH-old", http, retry=RetryPolicy(sleep=sleeps.append))
    assert "REFRESH-old" not in str(info.value)
    assert seen == ["POST /oauth/token"]
    assert sleeps == []


def test_token_endpoint_that_stays_rate_limited_gives_up_bounded() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    answers: list[Any] = [httpx.Response(429, text=HTML_429)] * 3
    with (
        httpx.Client(transport=scripted(answers, seen)) as http,
        pytest.raises(JiraApiError, match=r"token endpoint is rate limited \(HTTP 429\)") as info,
    ):
        refresh_tokens(
            APP, "REFRESH-old", http, retry=RetryPolicy(max_retries=2, sleep=sleeps.append)
        )
    assert "<" not in str(info.value)
    assert len(seen) == 3
    assert len(sleeps) == 2


def test_accessible_resources_is_retried_after_429_and_503() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    answers: list[Any] = [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(503),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=[ACME_CONF, BETA, ACME]),
    ]
    with httpx.Client(transport=scripted(answers, seen)) as http:
        sites = accessible_resources(
            "http://gw.test",
            http,
            access_token="ACCESS-1",
            retry=RetryPolicy(sleep=sleeps.append, jitter=lambda: 0.5),
        )
    assert [s.id for s in sites] == ["cloud-acme", "cloud-beta"]
    assert seen == ["GET /oauth/token/accessible-resources"] * 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_reachable_sites_survives_a_429_on_accessible_resources(tmp_path: Path) -> None:
    gateway = Gateway()
    answered_429: list[bool] = []

    def once_429(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/accessible-resources") and not answered_429:
            answered_429.append(True)
            return httpx.Response(429, headers={"Retry-After": "3"})
        return gateway(request)

    store = TokenStore(tmp_path)
    store.save(TokenSet("ACCESS-1", "REFRESH-0", time.time() + 3600))
    sleeps: list[float] = []
    sites = reachable_sites(
        APP, store, transport=httpx.MockTransport(once_429), retry=RetryPolicy(sleep=sleeps.append)
    )
    assert [s.name for s in sites] == ["Acme", "Beta Labs"]
    assert sleeps == [3.0]


def test_oauth_client_refresh_uses_the_clients_retry_settings(tmp_path: Path) -> None:
    gateway = Gateway()
    sleeps: list[float] = []
    token_answers: list[httpx.Response] = [httpx.Response(503, headers={"Retry-After": "7"})]

    def flaky_token(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token" and token_answers:
            return token_answers.pop(0)
        return gateway(request)

    client = oauth_client(
        tmp_path, gateway, transport=httpx.MockTransport(flaky_token), sleep=sleeps.append
    )
    gateway.valid_access = "ACCESS-revoked-server-side"
    gateway.refreshes = 0
    with client:
        assert client.myself() == {"accountId": "712020:a"}
    assert sleeps == [7.0]
    assert gateway.refreshes == 1


class ClosingTransport(httpx.MockTransport):
    """A MockTransport that counts how often an httpx.Client closed it."""

    def __init__(self, handler: Any) -> None:
        super().__init__(handler)
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_close_also_closes_the_token_client(tmp_path: Path) -> None:
    transport = ClosingTransport(Gateway())
    client = oauth_client(tmp_path, Gateway(), transport=transport)
    before = transport.closed  # the site listing during from_oauth closes its own client
    client.close()
    assert transport.closed == before + 2  # the REST client and the token client


# -- createmeta: stale cache, paging without total, dropping the cache ------------------------


def test_stale_cached_createmeta_is_read_again_before_a_preflight_failure(
    tmp_path: Path,
) -> None:
    fake = FakeJira()
    cache = MetaCache(tmp_path)
    with basic_client(fake, cache=cache) as client:
        client.fields("PAY", "Bug")  # cached: components are Payments and Checkout
    components = next(f for f in fake.fields if f["fieldId"] == "components")
    components["allowedValues"] = [*components["allowedValues"], {"id": "102", "name": "Refunds"}]
    fake.gets.clear()
    with basic_client(fake, cache=cache) as client:
        created = client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="x",
            components=["Refunds"],
            fields={"Severity": "S1 - Critical"},
        )
    assert created.key == "PAY-7"
    assert fake.posts[0]["fields"]["components"] == [{"id": "102"}]
    field_pages = (len(fake.fields) + 1) // 2
    assert fake.gets == ["issue/createmeta/PAY/issuetypes/10001"] * field_pages
    with basic_client(fake, cache=cache) as client:  # the fresh answer was cached
        assert "Refunds" in str(client.fields("PAY", "Bug"))
    assert len(fake.gets) == field_pages


def test_preflight_failure_on_stale_cache_is_reported_after_one_fresh_read(
    tmp_path: Path,
) -> None:
    fake = FakeJira()
    cache = MetaCache(tmp_path)
    with basic_client(fake, cache=cache) as client:
        client.fields("PAY", "Bug")
        fake.gets.clear()
        with pytest.raises(PreflightError, match="'Refunds' is not an allowed value"):
            client.create_issue(
                project="PAY", issue_type="Bug", summary="x", **{**GOOD, "components": ["Refunds"]}
            )
    assert fake.gets == ["issue/createmeta/PAY/issuetypes/10001"] * ((len(fake.fields) + 1) // 2)
    assert fake.posts == []


def test_preflight_failure_on_metadata_just_read_is_not_read_again() -> None:
    fake = FakeJira()
    with basic_client(fake) as client, pytest.raises(PreflightError):  # no cache at all
        client.create_issue(project="PAY", issue_type="Bug", summary="x", priority="Urgent")
    assert fake.gets.count("issue/createmeta/PAY/issuetypes/10001") == (len(fake.fields) + 1) // 2
    assert fake.posts == []


def test_a_new_issue_type_is_found_past_a_stale_cache(tmp_path: Path) -> None:
    fake = FakeJira()
    cache = MetaCache(tmp_path)
    with basic_client(fake, cache=cache) as client:
        client.issue_types("PAY")
    fake.issue_types.append({"id": "10003", "name": "Incident", "subtask": False})
    with basic_client(fake, cache=cache) as client:
        client.create_issue(project="PAY", issue_type="Incident", summary="x", **GOOD)
    assert fake.posts[0]["fields"]["issuetype"] == {"id": "10003"}
    assert fake.gets.count("issue/createmeta/PAY/issuetypes") == 1 + 2  # seed + 2 fresh pages


def test_forget_createmeta_drops_the_cache(tmp_path: Path) -> None:
    fake = FakeJira()
    cache = MetaCache(tmp_path)
    with basic_client(fake, cache=cache) as client:
        client.issue_types("PAY")
        client.issue_types("PAY")
        assert fake.gets.count("issue/createmeta/PAY/issuetypes") == 1
        client.forget_createmeta()
        assert list(tmp_path.glob("*.json")) == []
        client.issue_types("PAY")
    assert fake.gets.count("issue/createmeta/PAY/issuetypes") == 2


def test_createmeta_without_total_reads_until_an_empty_page() -> None:
    asked: list[int] = []

    def get_json(path: str, params: Any) -> Any:
        start = params["startAt"]
        asked.append(start)
        return {"fields": FIELDS[start : start + 3], "startAt": start, "maxResults": 3}

    assert len(CreateMeta(get_json).fields("PAY", "10001")) == len(FIELDS)
    assert asked == [*range(0, len(FIELDS), 3), len(FIELDS)]  # the last page is empty


def test_createmeta_without_total_stops_at_is_last() -> None:
    asked: list[int] = []

    def get_json(path: str, params: Any) -> Any:
        start = params["startAt"]
        asked.append(start)
        page = FIELDS[start : start + 3]
        return {"fields": page, "isLast": start + 3 >= len(FIELDS)}

    assert len(CreateMeta(get_json).fields("PAY", "10001")) == len(FIELDS)
    assert asked == list(range(0, len(FIELDS), 3))


def test_createmeta_that_never_ends_is_refused() -> None:
    def get_json(path: str, params: Any) -> Any:
        return {"issueTypes": [{"id": str(params["startAt"]), "name": "Loop"}]}

    with pytest.raises(JiraApiError, match="still more after 500 pages"):
        CreateMeta(get_json).issue_types("PAY")


# -- shaping: values in Jira's shape, users, labels, numbers, summary length ---------------


def test_values_in_jiras_shape_are_checked_against_allowed_values() -> None:
    fake = FakeJira()
    with basic_client(fake) as client, pytest.raises(PreflightError) as info:
        client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="x",
            priority={"id": "99"},
            components=[{"id": "100"}, {"name": "Nope"}],
            fields={"Severity": {"value": "S9 - Unknown"}, "Affected platforms": [{"key": "x"}]},
        )
    problems = {p.field: p for p in info.value.problems}
    assert {(f, p.code) for f, p in problems.items()} == {
        ("priority", "NOT_ALLOWED"),
        ("components", "NOT_ALLOWED"),
        ("customfield_10040", "NOT_ALLOWED"),
        ("customfield_10041", "NOT_ALLOWED"),
    }
    assert "Highest, High, Medium, Low, Lowest" in problems["priority"].fix
    assert "Nope" in problems["components"].message
    assert "100" not in problems["components"].message  # the good item is not blamed
    assert fake.posts == []
    shaped = shape_fields(
        METAS,
        {
            "summary": "s",
            "priority": {"id": "2"},
            "components": [{"id": "101"}, {"name": "Payments"}],
            "Severity": {"id": "200", "value": "S1 - Critical"},
        },
    )
    assert shaped["priority"] == {"id": "2"}
    assert shaped["components"] == [{"id": "101"}, {"name": "Payments"}]
    assert shaped["customfield_10040"] == {"id": "200", "value": "S1 - Critical"}


def test_an_id_and_a_name_of_different_allowed_values_are_refused() -> None:
    with pytest.raises(PreflightError, match="NOT_ALLOWED"):
        shape_fields(METAS, {**GOOD, "summary": "s", "priority": {"id": "1", "name": "Low"}})


def test_multi_user_field_takes_account_ids_and_account_id_dicts() -> None:
    shaped = shape_fields(
        METAS, {**GOOD, "summary": "s", "Reviewers": ["712020:a", {"accountId": "712020:b"}]}
    )
    assert shaped["customfield_10070"] == [{"accountId": "712020:a"}, {"accountId": "712020:b"}]
    with pytest.raises(PreflightError, match="expected an account id"):
        shape_fields(METAS, {**GOOD, "summary": "s", "Reviewers": [42]})


@pytest.mark.parametrize("labels", [[1], ["ok", {"name": "x"}], [None], {"name": "x"}])
def test_labels_that_are_not_text_are_refused(labels: Any) -> None:
    with pytest.raises(PreflightError) as info:
        shape_fields(METAS, {**GOOD, "summary": "s", "labels": labels})
    assert [(p.field, p.code) for p in info.value.problems] == [("labels", "INVALID_VALUE")]
    assert "labels must be text" in str(info.value)


@pytest.mark.parametrize("points", ["nan", "1e999", "-inf", float("nan"), float("inf")])
def test_non_finite_numbers_are_refused_before_sending(points: Any) -> None:
    fake = FakeJira()
    with basic_client(fake) as client, pytest.raises(PreflightError) as info:
        client.create_issue(
            project="PAY", issue_type="Bug", summary="x", fields={"Story Points": points, **GOOD}
        )
    assert [(p.field, p.code) for p in info.value.problems] == [
        ("customfield_10016", "INVALID_VALUE")
    ]
    assert "not a finite number" in str(info.value)
    assert fake.posts == []


def test_values_sent_as_given_must_still_be_json() -> None:
    with pytest.raises(PreflightError) as info:
        shape_fields(
            METAS,
            {
                **GOOD,
                "summary": "s",
                "Raw": {"points": float("nan")},
                "Customer ticket": None,
                "assignee": {"accountId": "712020:a", "when": object()},
            },
        )
    problems = {p.field: p.message for p in info.value.problems}
    assert "NaN or an infinite number" in problems["customfield_10099"]
    assert "cannot be sent as JSON" in problems["assignee"]


def test_a_255_character_summary_is_allowed_and_256_says_at_most_255() -> None:
    assert shape_fields(METAS, {**GOOD, "summary": "x" * 255})["summary"] == "x" * 255
    with pytest.raises(PreflightError, match="Jira allows at most 255"):
        shape_fields(METAS, {**GOOD, "summary": "x" * 256})


def test_a_url_that_cannot_be_sent_to_is_neither_retried_nor_called_a_possible_create() -> None:
    sleeps: list[float] = []
    fake = FakeJira(create=[httpx.UnsupportedProtocol("ftp")])
    with basic_client(fake, sleeps) as client, pytest.raises(JiraError) as info:
        client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD)
    assert not isinstance(info.value, CreateOutcomeUnknown)
    assert "UnsupportedProtocol" in str(info.value)
    assert len(fake.posts) == 1
    assert sleeps == []


def test_an_undecodable_answer_to_a_read_is_not_retried() -> None:
    sleeps: list[float] = []
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        raise httpx.DecodingError("bad gzip")

    with basic_client(handler, sleeps) as client, pytest.raises(JiraError, match="DecodingError"):
        client.myself()
    assert len(calls) == 1
    assert sleeps == []
