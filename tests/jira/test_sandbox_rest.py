"""Jira REST v3 as the sandbox serves it, over real loopback HTTP: myself, projects of both
styles, createmeta paging, POST issue with every validation message, GET issue, the site
host with Basic auth, and the browse page."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from adfkit.sandbox import Sandbox

from .sandbox_steps import BETA, gateway_get, gateway_post, login, pay_bug

ADF_TEXT = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
DOC = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Card declined twice."}]}
    ],
}


@pytest.fixture
def token(jira_sandbox: Sandbox) -> str:
    return login(jira_sandbox).access


def _create(sb: Sandbox, token: str, body: Any) -> httpx.Response:
    return gateway_post(sb, token, "issue", body)


def _errors(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errorMessages"] == []
    errors: dict[str, str] = body["errors"]
    return errors


# ---- myself, project, createmeta ----------------------------------------------------


def test_myself_is_the_consenting_user(jira_sandbox: Sandbox, token: str) -> None:
    me = gateway_get(jira_sandbox, token, "myself").json()
    assert me["accountId"] == "712020:5b1c-sandbox-alex"
    assert me["displayName"] == "Alex Example"
    assert me["emailAddress"] == "alex@example.com"
    assert me["self"].startswith(f"{jira_sandbox.base_url}/site/acme/rest/api/3/user")


def test_projects_report_their_style(jira_sandbox: Sandbox, token: str) -> None:
    pay = gateway_get(jira_sandbox, token, "project/PAY").json()
    assert (pay["key"], pay["name"], pay["style"], pay["simplified"]) == (
        "PAY",
        "Payments",
        "classic",
        False,
    )
    web = gateway_get(jira_sandbox, token, "project/10001").json()
    assert (web["key"], web["style"], web["simplified"]) == ("WEB", "next-gen", True)
    ops = gateway_get(jira_sandbox, token, "project/OPS", cloud_id=BETA).json()
    assert ops["name"] == "Operations"


def test_an_unknown_project_is_a_404_error_collection(jira_sandbox: Sandbox, token: str) -> None:
    response = gateway_get(jira_sandbox, token, "project/NOPE")
    assert response.status_code == 404
    assert response.json() == {
        "errorMessages": ["No project could be found with key 'NOPE'."],
        "errors": {},
    }
    # OPS lives on Beta Labs, not on Acme.
    assert gateway_get(jira_sandbox, token, "project/OPS").status_code == 404


def test_project_search_pages_the_sites_projects(jira_sandbox: Sandbox, token: str) -> None:
    page = gateway_get(jira_sandbox, token, "project/search").json()
    assert [p["key"] for p in page["values"]] == ["PAY", "WEB"]
    assert page["total"] == 2
    assert page["isLast"] is True


def test_createmeta_issuetypes_lists_each_projects_types(jira_sandbox: Sandbox, token: str) -> None:
    pay = gateway_get(jira_sandbox, token, "issue/createmeta/PAY/issuetypes").json()
    assert set(pay) == {"issueTypes", "maxResults", "startAt", "total"}
    assert [(t["name"], t["subtask"]) for t in pay["issueTypes"]] == [
        ("Bug", False),
        ("Task", False),
        ("Story", False),
        ("Epic", False),
        ("Sub-task", True),
    ]
    assert (pay["startAt"], pay["maxResults"], pay["total"]) == (0, 50, 5)
    web = gateway_get(jira_sandbox, token, "issue/createmeta/WEB/issuetypes").json()
    assert [t["name"] for t in web["issueTypes"]] == ["Task", "Bug", "Epic", "Subtask"]
    assert all(t["scope"]["type"] == "PROJECT" for t in web["issueTypes"])
    assert "scope" not in pay["issueTypes"][0]


def test_createmeta_fields_of_pay_bug_match_the_seed(jira_sandbox: Sandbox, token: str) -> None:
    page = gateway_get(jira_sandbox, token, "issue/createmeta/PAY/issuetypes/10004").json()
    assert set(page) == {"fields", "maxResults", "startAt", "total"}
    fields = {f["fieldId"]: f for f in page["fields"]}
    assert page["total"] == len(fields) == 15
    required = {k for k, f in fields.items() if f["required"]}
    assert required == {"summary", "issuetype", "project", "components", "customfield_10040"}
    priority = fields["priority"]
    assert priority["hasDefaultValue"] is True
    assert priority["defaultValue"] == {"id": "3", "name": "Medium"}
    assert [v["name"] for v in priority["allowedValues"]] == [
        "Highest",
        "High",
        "Medium",
        "Low",
        "Lowest",
    ]
    assert [v["id"] for v in priority["allowedValues"]] == ["1", "2", "3", "4", "5"]
    assert fields["description"]["schema"] == {"type": "string", "system": "description"}
    assert fields["customfield_10061"]["schema"]["custom"].endswith(":textarea")
    assert fields["customfield_10060"]["schema"]["custom"].endswith(":textfield")
    assert [v["value"] for v in fields["customfield_10041"]["allowedValues"]] == [
        "iOS",
        "Android",
        "Web",
    ]
    assert fields["labels"]["schema"] == {"type": "array", "items": "string", "system": "labels"}
    assert fields["labels"]["autoCompleteUrl"].startswith(jira_sandbox.base_url)
    for f in fields.values():
        assert f["key"] == f["fieldId"]
        assert isinstance(f["operations"], list)


def test_createmeta_of_epic_subtask_and_team_managed_types(
    jira_sandbox: Sandbox, token: str
) -> None:
    def fields(project: str, type_id: str) -> dict[str, Any]:
        page = gateway_get(
            jira_sandbox, token, f"issue/createmeta/{project}/issuetypes/{type_id}"
        ).json()
        return {f["fieldId"]: f for f in page["fields"]}

    epic = fields("PAY", "10000")
    assert epic["customfield_10011"]["name"] == "Epic Name"
    assert epic["customfield_10011"]["required"] is True
    assert fields("PAY", "10003")["parent"]["required"] is True
    web_task = fields("WEB", "10010")
    assert "customfield_10050" in web_task
    assert web_task["priority"]["required"] is False
    assert web_task["priority"]["hasDefaultValue"] is True
    assert "parent" in fields("WEB", "10013")
    assert (
        gateway_get(jira_sandbox, token, "issue/createmeta/PAY/issuetypes/10010").status_code == 400
    )


def test_createmeta_pages_with_start_at_and_max_results(jira_sandbox: Sandbox, token: str) -> None:
    seen: list[str] = []
    start = 0
    while True:
        page = gateway_get(
            jira_sandbox,
            token,
            "issue/createmeta/PAY/issuetypes/10004",
            startAt=start,
            maxResults=4,
        ).json()
        assert page["maxResults"] == 4
        assert page["startAt"] == start
        seen += [f["fieldId"] for f in page["fields"]]
        start += len(page["fields"])
        if start >= page["total"]:
            break
    assert len(seen) == len(set(seen)) == 15
    beyond = gateway_get(jira_sandbox, token, "issue/createmeta/PAY/issuetypes", startAt=99).json()
    assert beyond["issueTypes"] == []
    assert beyond["total"] == 5


def test_max_results_above_200_is_refused(jira_sandbox: Sandbox, token: str) -> None:
    for path in ("issue/createmeta/PAY/issuetypes", "issue/createmeta/PAY/issuetypes/10004"):
        assert gateway_get(jira_sandbox, token, path, maxResults=200).status_code == 200
        response = gateway_get(jira_sandbox, token, path, maxResults=201)
        assert response.status_code == 400
        assert response.json() == {
            "errorMessages": ["Parameter 'maxResults' must not exceed the limit '200'"],
            "errors": {},
        }
    assert (
        gateway_get(
            jira_sandbox, token, "issue/createmeta/PAY/issuetypes", maxResults="x"
        ).status_code
        == 400
    )


def test_page_limit_caps_every_page(jira_sandbox_factory: Any) -> None:
    sb = jira_sandbox_factory(page_limit=2)
    token = login(sb).access
    page = gateway_get(sb, token, "issue/createmeta/PAY/issuetypes", maxResults=50).json()
    assert len(page["issueTypes"]) == 2
    assert page["maxResults"] == 2
    assert page["total"] == 5


# ---- POST issue: success ------------------------------------------------------------


def test_a_valid_bug_is_created_with_the_next_key(jira_sandbox: Sandbox, token: str) -> None:
    first = _create(jira_sandbox, token, pay_bug(description=DOC))
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {"id", "key", "self"}
    assert body["key"] == "PAY-1"
    assert body["self"] == f"{jira_sandbox.base_url}/site/acme/rest/api/3/issue/{body['id']}"
    second = _create(jira_sandbox, token, pay_bug(summary="Again"))
    assert second.json()["key"] == "PAY-2"
    assert [i.key for i in jira_sandbox.issues(project="PAY")] == ["PAY-1", "PAY-2"]


def test_get_issue_returns_the_stored_fields_by_key_or_id(
    jira_sandbox: Sandbox, token: str
) -> None:
    created = _create(
        jira_sandbox,
        token,
        pay_bug(
            description=DOC,
            labels=["payments", "p1"],
            customfield_10041=[{"value": "iOS"}, {"id": "10302"}],
            customfield_10016=3.5,
            customfield_10060="CS-991",
            customfield_10061=DOC,
            duedate="2026-12-24",
            assignee={"accountId": "712020:sandbox-sam"},
            environment=DOC,
        ),
    ).json()
    for ref in (created["key"], created["id"]):
        issue = gateway_get(jira_sandbox, token, f"issue/{ref}").json()
        assert issue["key"] == "PAY-1"
        fields = issue["fields"]
        assert fields["summary"] == "Checkout fails"
        assert fields["description"] == DOC
        assert fields["priority"] == {"id": "3", "name": "Medium"}  # the default
        assert fields["labels"] == ["payments", "p1"]
        assert fields["project"]["key"] == "PAY"
        assert fields["issuetype"]["name"] == "Bug"
        assert fields["reporter"]["accountId"] == "712020:5b1c-sandbox-alex"
        assert fields["status"]["name"] == "To Do"
    missing = gateway_get(jira_sandbox, token, "issue/PAY-99")
    assert missing.status_code == 404
    assert missing.json()["errors"] == {}


def test_priority_by_name_or_id_is_stored_as_the_scheme_value(
    jira_sandbox: Sandbox, token: str
) -> None:
    _create(jira_sandbox, token, pay_bug(priority={"name": "High"}))
    _create(jira_sandbox, token, pay_bug(priority={"id": "5"}))
    assert [i.fields["priority"] for i in jira_sandbox.issues()] == [
        {"id": "2", "name": "High"},
        {"id": "5", "name": "Lowest"},
    ]


def test_sub_task_and_team_managed_issues_are_created(jira_sandbox: Sandbox, token: str) -> None:
    parent = _create(jira_sandbox, token, pay_bug()).json()
    sub = _create(
        jira_sandbox,
        token,
        {"fields": {"project": {"id": "10000"}, "issuetype": {"name": "Sub-task"}, "summary": "Part",
                    "parent": {"key": parent["key"]}}},
    )  # fmt: skip
    assert sub.status_code == 201
    assert sub.json()["key"] == "PAY-2"
    assert jira_sandbox.issues()[1].fields["parent"] == {"id": parent["id"], "key": parent["key"]}
    web = _create(
        jira_sandbox,
        token,
        {"fields": {"project": {"key": "WEB"}, "issuetype": {"id": "10010"}, "summary": "Tidy",
                    "customfield_10050": 2}},
    )  # fmt: skip
    assert web.status_code == 201
    assert web.json()["key"] == "WEB-1"


# ---- POST issue: Jira's messages ------------------------------------------------------


def test_a_plain_string_description_is_not_an_atlassian_document(
    jira_sandbox: Sandbox, token: str
) -> None:
    response = _create(jira_sandbox, token, pay_bug(description="plain text"))
    assert response.json() == {"errorMessages": [], "errors": {"description": ADF_TEXT}}
    assert jira_sandbox.issues() == []


def test_environment_and_textarea_fields_also_need_adf(jira_sandbox: Sandbox, token: str) -> None:
    errors = _errors(
        _create(jira_sandbox, token, pay_bug(environment="prod", customfield_10061="1. click"))
    )
    assert errors == {"environment": ADF_TEXT, "customfield_10061": ADF_TEXT}


def test_a_textfield_takes_a_plain_string_not_adf(jira_sandbox: Sandbox, token: str) -> None:
    errors = _errors(_create(jira_sandbox, token, pay_bug(customfield_10060=DOC)))
    assert errors == {"customfield_10060": "Operation value must be a string"}


def test_invalid_adf_is_invalid_input_without_a_field(jira_sandbox: Sandbox, token: str) -> None:
    bad = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    response = _create(jira_sandbox, token, pay_bug(description=bad))
    assert response.status_code == 400
    assert response.json() == {"errorMessages": ["INVALID_INPUT"], "errors": {}}
    nested = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "blockquote", "content": [{"type": "rule"}]}],
    }
    assert _create(jira_sandbox, token, pay_bug(customfield_10061=nested)).json()[
        "errorMessages"
    ] == ["INVALID_INPUT"]


def test_unknown_and_off_screen_fields_cannot_be_set(jira_sandbox: Sandbox, token: str) -> None:
    errors = _errors(
        _create(jira_sandbox, token, pay_bug(customfield_10029=["x"], customfield_10011="Epic"))
    )
    assert errors == {
        "customfield_10029": "Field 'customfield_10029' cannot be set. It is not on the appropriate screen, or unknown.",
        "customfield_10011": "Field 'customfield_10011' cannot be set. It is not on the appropriate screen, or unknown.",
    }


def test_missing_required_fields_are_all_reported(jira_sandbox: Sandbox, token: str) -> None:
    errors = _errors(
        _create(jira_sandbox, token, pay_bug(summary=None, components=None, customfield_10040=None))
    )
    assert errors == {
        "summary": "You must specify a summary of the issue.",
        "components": "Components is required.",
        "customfield_10040": "Severity is required.",
    }


def test_epic_needs_an_epic_name(jira_sandbox: Sandbox, token: str) -> None:
    body = {"fields": {"project": {"key": "PAY"}, "issuetype": {"name": "Epic"}, "summary": "Big"}}
    assert _errors(_create(jira_sandbox, token, body)) == {
        "customfield_10011": "Epic Name is required."
    }
    body["fields"]["customfield_10011"] = "Big one"
    assert _create(jira_sandbox, token, body).status_code == 201


def test_blank_or_long_summaries_are_refused(jira_sandbox: Sandbox, token: str) -> None:
    assert _errors(_create(jira_sandbox, token, pay_bug(summary="   "))) == {
        "summary": "You must specify a summary of the issue."
    }
    assert _errors(_create(jira_sandbox, token, pay_bug(summary="x" * 256))) == {
        "summary": "Summary must be less than 255 characters."
    }
    assert _create(jira_sandbox, token, pay_bug(summary="x" * 255)).status_code == 201
    assert _errors(_create(jira_sandbox, token, pay_bug(summary=7))) == {
        "summary": "Operation value must be a string"
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("High", "Specify the Priority (id or name) in the string format"),
        ({"name": "Urgent"}, "The priority selected is invalid."),
        ({"id": "9"}, "The priority selected is invalid."),
        (["High"], "data was not an object"),
    ],
)
def test_bad_priorities_get_jiras_messages(
    jira_sandbox: Sandbox, token: str, value: Any, message: str
) -> None:
    assert _errors(_create(jira_sandbox, token, pay_bug(priority=value))) == {"priority": message}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"customfield_10040": {"value": "S9"}},
            {"customfield_10040": "Option value 'S9' is not valid"},
        ),
        ({"customfield_10040": "S1 - Critical"}, {"customfield_10040": "data was not an object"}),
        ({"customfield_10041": {"value": "iOS"}}, {"customfield_10041": "data was not an array"}),
        (
            {"customfield_10041": [{"value": "Windows"}]},
            {"customfield_10041": "Option value 'Windows' is not valid"},
        ),
        ({"customfield_10041": ["iOS"]}, {"customfield_10041": "data was not an object"}),
        ({"components": {"name": "Checkout"}}, {"components": "data was not an array"}),
        ({"components": [{"name": "Nope"}]}, {"components": "Component name 'Nope' is not valid"}),
        ({"components": ["Checkout"]}, {"components": "data was not an object"}),
        ({"labels": "one"}, {"labels": "data was not an array"}),
        (
            {"labels": ["two words"]},
            {"labels": "The label 'two words' contains spaces which is invalid."},
        ),
        ({"labels": [3]}, {"labels": "Operation value must be a string"}),
        ({"assignee": "712020:sandbox-sam"}, {"assignee": "data was not an object"}),
        ({"assignee": {"accountId": "nobody"}}, {"assignee": "User 'nobody' does not exist."}),
        ({"duedate": "24/12/2026"}, {"duedate": "Error parsing date string: 24/12/2026"}),
        ({"duedate": "2026-02-30"}, {"duedate": "Error parsing date string: 2026-02-30"}),
        ({"customfield_10016": "3"}, {"customfield_10016": "Operation value must be a number"}),
        ({"customfield_10016": True}, {"customfield_10016": "Operation value must be a number"}),
    ],
)
def test_value_shapes_are_checked_per_field_type(
    jira_sandbox: Sandbox, token: str, fields: dict[str, Any], errors: dict[str, str]
) -> None:
    assert _errors(_create(jira_sandbox, token, pay_bug(**fields))) == errors


def test_bad_project_and_issue_type(jira_sandbox: Sandbox, token: str) -> None:
    assert _errors(_create(jira_sandbox, token, pay_bug(project={"key": "NOPE"}))) == {
        "project": "Specify a valid project ID or key"
    }
    assert _errors(_create(jira_sandbox, token, pay_bug(project=None))) == {
        "project": "Specify a valid project ID or key"
    }
    assert _errors(_create(jira_sandbox, token, pay_bug(project="PAY"))) == {
        "project": "data was not an object"
    }
    # 10010 is WEB's Task: not a type of PAY.
    assert _errors(_create(jira_sandbox, token, pay_bug(issuetype={"id": "10010"}))) == {
        "issuetype": "The issue type selected is invalid."
    }
    assert _errors(_create(jira_sandbox, token, pay_bug(issuetype={"name": "Subtask"}))) == {
        "issuetype": "The issue type selected is invalid."
    }
    assert _errors(_create(jira_sandbox, token, pay_bug(issuetype=None))) == {
        "issuetype": "Specify an issue type"
    }


def test_sub_task_without_parent_or_with_a_foreign_parent(
    jira_sandbox: Sandbox, token: str
) -> None:
    base = {"project": {"key": "PAY"}, "issuetype": {"id": "10003"}, "summary": "Part"}
    assert _errors(_create(jira_sandbox, token, {"fields": base})) == {
        "issuetype": "Issue type is a sub-task but parent issue key or id not specified."
    }
    assert _errors(
        _create(jira_sandbox, token, {"fields": {**base, "parent": {"key": "PAY-404"}}})
    ) == {"parent": "Could not find issue by id or key."}
    web = _create(
        jira_sandbox,
        token,
        {"fields": {"project": {"key": "WEB"}, "issuetype": {"id": "10010"}, "summary": "W"}},
    )
    assert _errors(
        _create(jira_sandbox, token, {"fields": {**base, "parent": {"key": web.json()["key"]}}})
    ) == {"project": "Sub-tasks must be created in the same project as the parent."}


def test_bodies_that_are_not_issue_updates_are_400(jira_sandbox: Sandbox, token: str) -> None:
    bodies: list[object] = [[], {"summary": "no fields wrapper"}, {"fields": []}]
    for body in bodies:
        response = _create(jira_sandbox, token, body)
        assert response.status_code == 400
        assert response.json()["errorMessages"]
    response = httpx.post(
        f"{jira_sandbox.api_url}/ex/jira/3f1c9e52-7a4b-4d1e-9c2a-acme00000001/rest/api/3/issue",
        content=b"{oops",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {}


# ---- the site host ----------------------------------------------------------------------


def _basic(email: str, api_token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{api_token}".encode()).decode()}


def test_site_host_serves_the_same_rest_with_basic_auth(jira_sandbox: Sandbox) -> None:
    site = jira_sandbox.site_url("acme")
    headers = _basic("alex@example.com", "sandbox-api-token")
    me = httpx.get(f"{site}/rest/api/3/myself", headers=headers)
    assert me.status_code == 200
    assert me.json()["accountId"] == "712020:5b1c-sandbox-alex"
    created = httpx.post(f"{site}/rest/api/3/issue", headers=headers, json=pay_bug(description=DOC))
    assert created.status_code == 201
    assert created.json()["self"].startswith(site + "/rest/api/3/issue/")
    fetched = httpx.get(f"{site}/rest/api/3/issue/PAY-1", headers=headers).json()
    assert fetched["fields"]["description"] == DOC


@pytest.mark.parametrize(
    "headers",
    [
        {},
        _basic("alex@example.com", "wrong"),
        _basic("nobody@example.com", "sandbox-api-token"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer abc"},
    ],
)
def test_site_host_refuses_bad_basic_auth(jira_sandbox: Sandbox, headers: dict[str, str]) -> None:
    response = httpx.get(f"{jira_sandbox.site_url('acme')}/rest/api/3/myself", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "errorMessages": [
            "You are not authenticated. Authentication required to perform this operation."
        ],
        "errors": {},
    }


def test_a_3lo_token_does_not_work_on_the_site_host(jira_sandbox: Sandbox, token: str) -> None:
    response = httpx.get(
        f"{jira_sandbox.site_url('acme')}/rest/api/3/myself",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401


def test_browse_page_shows_key_summary_and_rendered_description(
    jira_sandbox: Sandbox, token: str
) -> None:
    key = _create(jira_sandbox, token, pay_bug(description=DOC)).json()["key"]
    page = httpx.get(f"{jira_sandbox.site_url('acme')}/browse/{key}")
    assert page.status_code == 200
    assert '<h1 id="key">PAY-1</h1>' in page.text
    assert "Checkout fails" in page.text
    assert "Card declined twice." in page.text
    assert httpx.get(f"{jira_sandbox.site_url('acme')}/browse/PAY-9").status_code == 404
    assert httpx.get(f"{jira_sandbox.site_url('beta-labs')}/browse/{key}").status_code == 404
