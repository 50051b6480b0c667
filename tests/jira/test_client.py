"""JiraClient against httpx.MockTransport: createmeta, shaping, pre-flight, error mapping, retries."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from adfkit.jira.client import JiraClient
from adfkit.jira.config import OAuthApp
from adfkit.jira.createmeta import CreateMeta, FieldMeta, MetaCache
from adfkit.jira.errors import (
    AuthError,
    CreateOutcomeUnknown,
    JiraApiError,
    PreflightError,
    SiteError,
)
from adfkit.jira.fields import shape_fields
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
                    "issueTypes": ISSUE_TYPES[start : start + 2],
                    "startAt": start,
                    "maxResults": 2,
                    "total": len(ISSUE_TYPES),
                },
            )
        if path == "issue/createmeta/PAY/issuetypes/10001":
            return httpx.Response(
                200,
                json={
                    "fields": FIELDS[start : start + 2],
                    "startAt": start,
                    "maxResults": 2,
                    "total": len(FIELDS),
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


def test_429_honours_retry_after_bounded_and_zero_means_short_backoff() -> None:
    sleeps: list[float] = []
    answers = [
        httpx.Response(429, headers={"Retry-After": "5"}, text="<html>slow down</html>"),
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(429),
    ]
    fake = FakeJira(create=list(answers))
    with basic_client(fake, sleeps) as client:
        assert (
            client.create_issue(project="PAY", issue_type="Bug", summary="x", **GOOD).key == "PAY-7"
        )
    assert sleeps == [5.0, 60.0, 0.5 * 4, 8.0]  # jitter 0.5 -> factor 1.0
    assert len(fake.posts) == 5


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
        return httpx.Response(
            404, json={"errorMessage": "Site temporarily unavailable", "errorCode": "OTHER"}
        )


def oauth_client(tmp_path: Path, gateway: Gateway, site: str | None = "Acme") -> JiraClient:
    store = TokenStore(tmp_path)
    store.save(TokenSet("ACCESS-1", "REFRESH-0", time.time() + 3600))
    app = OAuthApp(
        client_id="cid",
        client_secret="SECRET-c",
        auth_url="http://gw.test",
        api_url="http://gw.test",
    )
    return JiraClient.from_oauth(
        app, site=site, store=store, transport=httpx.MockTransport(gateway), sleep=lambda s: None
    )


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
        return httpx.Response(
            401, json={"code": 401, "message": "Unauthorized; scope does not match"}
        )

    client._http._transport = httpx.MockTransport(always_401)
    with pytest.raises(AuthError, match="scope"):
        client.myself()


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
    with pytest.raises(SiteError) as info:
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
