"""The sandbox's writes beyond create over raw HTTP: the answers (errors included) a
client must survive, as the REST v3 reference and jira-cloud.md section 10 describe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adfkit.sandbox import Sandbox
from adfkit.sandbox.world import ALICE, ALICIA, GONE, HIDDEN

from .sandbox_steps import bearer, gateway_get, gateway_post, login, pay_bug, png, rest

DOC = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}  # fmt: skip


def _media_doc(media_id: str) -> dict[str, Any]:
    media = {"type": "media", "attrs": {"type": "file", "id": media_id, "collection": ""}}
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [media]}],
    }


@pytest.fixture
def token(jira_sandbox: Sandbox) -> str:
    return login(jira_sandbox).access


@pytest.fixture
def key(jira_sandbox: Sandbox, token: str) -> str:
    created = gateway_post(jira_sandbox, token, "issue", pay_bug())
    assert created.status_code == 201, created.text
    return str(created.json()["key"])


def _upload(sb: Sandbox, token: str, key: str, *, xsrf: bool = True) -> httpx.Response:
    headers = bearer(token)
    if xsrf:
        headers["X-Atlassian-Token"] = "no-check"
    return httpx.post(
        f"{rest(sb)}/issue/{key}/attachments",
        headers=headers,
        files={"file": ("shot.png", png(3, 2), "image/png")},
    )


def test_a_plain_string_comment_body_is_refused_in_errors_not_error_messages(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    answer = gateway_post(jira_sandbox, token, f"issue/{key}/comment", {"body": "plain"})
    assert answer.status_code == 400
    assert answer.json() == {
        "errorMessages": [],
        "errors": {"comment": "Comment body is not valid!"},
    }
    empty = gateway_post(jira_sandbox, token, f"issue/{key}/comment", {})
    assert empty.json()["errors"] == {"comment": "Comment body can not be empty!"}
    bad = gateway_post(jira_sandbox, token, f"issue/{key}/comment", {"body": {"type": "doc"}})
    assert bad.json()["errorMessages"] == ["INVALID_INPUT"]


def test_comments_come_back_in_pages_with_total(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    for _ in range(3):
        assert (
            gateway_post(jira_sandbox, token, f"issue/{key}/comment", {"body": DOC}).status_code
            == 201
        )
    page = gateway_get(jira_sandbox, token, f"issue/{key}/comment", startAt=1, maxResults=1).json()
    assert (page["startAt"], page["maxResults"], page["total"], len(page["comments"])) == (
        1,
        1,
        3,
        1,
    )
    newest = gateway_get(jira_sandbox, token, f"issue/{key}/comment", orderBy="-created").json()
    assert newest["comments"][0]["id"] > newest["comments"][-1]["id"]
    wrong = gateway_get(jira_sandbox, token, f"issue/{key}/comment", orderBy="author")
    assert wrong.status_code == 400


def test_comment_properties_are_stored_and_readable_one_by_one(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    body = {"body": DOC, "properties": [{"key": "sd.public.comment", "value": {"internal": True}}]}
    made = gateway_post(jira_sandbox, token, f"issue/{key}/comment", body).json()
    assert made["jsdPublic"] is False
    assert "properties" not in made  # GET/POST answers do not expand properties
    prop = gateway_get(jira_sandbox, token, f"comment/{made['id']}/properties/sd.public.comment")
    assert prop.json() == {"key": "sd.public.comment", "value": {"internal": True}}
    assert gateway_get(jira_sandbox, token, f"comment/{made['id']}/properties/x").status_code == 404


def test_an_upload_without_the_xsrf_header_is_blocked(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    blocked = _upload(jira_sandbox, token, key, xsrf=False)
    assert (blocked.status_code, blocked.text) == (403, "XSRF check failed")
    assert jira_sandbox.issues()[0].attachments == []


def test_an_upload_answers_metadata_without_a_media_id_and_the_content_redirects_to_it(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    answer = _upload(jira_sandbox, token, key)
    assert answer.status_code == 200
    [meta] = answer.json()
    assert set(meta) == {"self", "id", "filename", "author", "created", "size", "mimeType", "content", "thumbnail"}  # fmt: skip
    stored = jira_sandbox.issues()[0].attachments[0]
    assert stored.media_id not in answer.text
    first = httpx.get(
        f"{rest(jira_sandbox)}/attachment/content/{meta['id']}", headers=bearer(token)
    )
    assert first.status_code == 302  # through the gateway: a chain
    second = httpx.get(first.headers["Location"])
    assert second.status_code == 303
    assert f"/media/file/{stored.media_id}/binary?" in second.headers["Location"]
    assert httpx.get(second.headers["Location"]).content == png(3, 2)


def test_media_that_names_no_attachment_of_the_issue_is_refused(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    other = gateway_post(jira_sandbox, token, "issue", pay_bug()).json()["key"]
    _upload(jira_sandbox, token, other)
    foreign = jira_sandbox.issues()[1].attachments[0].media_id
    answer = gateway_post(
        jira_sandbox, token, f"issue/{key}/comment", {"body": _media_doc(foreign)}
    )
    assert answer.status_code == 400
    assert "is not an attachment of" in answer.json()["errors"]["comment"]


def test_an_edit_that_drops_a_media_node_deletes_that_attachment(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    _upload(jira_sandbox, token, key)
    _upload(jira_sandbox, token, key)
    issue = jira_sandbox.issues()[0]
    kept, dropped = (a.media_id for a in issue.attachments)
    both = _media_doc(kept)
    both["content"] += _media_doc(dropped)["content"]
    url = f"{rest(jira_sandbox)}/issue/{key}"
    assert (
        httpx.put(url, headers=bearer(token), json={"fields": {"description": both}}).status_code
        == 204
    )
    assert len(issue.attachments) == 2
    answer = httpx.put(
        url, headers=bearer(token), json={"fields": {"description": _media_doc(kept)}}
    )
    assert answer.status_code == 204
    assert [a.media_id for a in issue.attachments] == [kept]


def test_editmeta_lists_the_editable_fields_and_edits_are_checked_against_it(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    meta = gateway_get(jira_sandbox, token, f"issue/{key}/editmeta").json()["fields"]
    assert {"summary", "description", "labels", "comment"} <= set(meta)
    assert "project" not in meta
    url = f"{rest(jira_sandbox)}/issue/{key}"
    bad = httpx.put(url, headers=bearer(token), json={"fields": {"project": {"key": "WEB"}, "description": "text"}})  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "project": "Field 'project' cannot be set. It is not on the appropriate screen, or unknown.",
        "description": "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
    }  # fmt: skip
    labels = httpx.put(url, headers=bearer(token), json={"update": {"labels": [{"add": "x"}, {"add": "y"}, {"remove": "x"}]}})  # fmt: skip
    assert labels.status_code == 204
    assert jira_sandbox.issues()[0].fields["labels"] == ["y"]


def test_transitions_list_their_screens_and_refuse_a_comment_in_fields(
    jira_sandbox: Sandbox, token: str, key: str
) -> None:
    listed = gateway_get(
        jira_sandbox, token, f"issue/{key}/transitions", expand="transitions.fields"
    ).json()
    names = {t["name"]: t for t in listed["transitions"]}
    assert set(names) == {"Start Progress", "Done"}  # not "Backlog": the issue is in To Do
    assert names["Done"]["fields"]["resolution"]["required"] is True
    plain = gateway_get(jira_sandbox, token, f"issue/{key}/transitions").json()
    assert "fields" not in plain["transitions"][0]
    path = f"issue/{key}/transitions"
    wrong = gateway_post(jira_sandbox, token, path, {"transition": {"id": "31"}, "fields": {"comment": "x"}})  # fmt: skip
    assert wrong.json()["errors"] == {
        "comment": "Field does not support update 'comment'",
        "resolution": "Resolution is required.",
    }
    text = {"comment": [{"add": {"body": "done"}}]}
    plain_comment = gateway_post(jira_sandbox, token, path, {"transition": {"id": "21"}, "update": text})  # fmt: skip
    assert plain_comment.json()["errors"]["comment"].startswith(
        "Operation value must be an Atlassian Document"
    )
    ok = gateway_post(jira_sandbox, token, path, {"transition": {"id": "31"}, "fields": {"resolution": {"name": "Done"}}, "update": {"comment": [{"add": {"body": DOC}}]}})  # fmt: skip
    assert ok.status_code == 204
    issue = jira_sandbox.issues()[0]
    assert (issue.fields["status"]["name"], issue.fields["resolution"]["id"]) == ("Done", "10000")
    assert len(issue.comments) == 1
    again = gateway_post(jira_sandbox, token, path, {"transition": {"id": "31"}})
    assert again.json()["errorMessages"] == ["Transition id '31' is not valid for this issue."]


def test_user_search_matches_prefixes_flags_inactive_users_and_hides_hidden_emails(
    jira_sandbox: Sandbox, token: str
) -> None:
    def ids(query: str) -> list[str]:
        found = gateway_get(jira_sandbox, token, "user/search", query=query).json()
        return [u["accountId"] for u in found]

    assert ids("alice") == [ALICE, ALICIA]
    assert ids("smithers") == [ALICIA]  # a word of the display name
    assert ids("alicia@") == [ALICIA]
    assert ids("robin@example.com") == []  # she hides her address
    robin = gateway_get(jira_sandbox, token, "user/search", query="Robin").json()
    assert [u["accountId"] for u in robin] == [HIDDEN]
    assert "emailAddress" not in robin[0]
    former = gateway_get(jira_sandbox, token, "user/search", query="former").json()
    assert [(u["accountId"], u["active"]) for u in former] == [(GONE, False)]
    assert gateway_get(jira_sandbox, token, "user/search").status_code == 400
    for user in jira_sandbox.world.users:
        user.browse_users = False
    assert ids("alice") == []  # no permission: an empty list, not an error


def test_every_new_endpoint_can_be_faulted(jira_sandbox: Sandbox, token: str, key: str) -> None:
    jira_sandbox.faults.rate_limit("add_comment", retry_after=3)
    limited = gateway_post(jira_sandbox, token, f"issue/{key}/comment", {"body": DOC})
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    jira_sandbox.faults.drop_after("do_transition")
    with pytest.raises(httpx.RemoteProtocolError):
        gateway_post(jira_sandbox, token, f"issue/{key}/transitions", {"transition": {"id": "21"}})
    assert jira_sandbox.issues()[0].fields["status"]["name"] == "In Progress"  # it ran
    assert jira_sandbox.count("do_transition", fault="drop_after") == 1


def test_writes_are_kept_in_the_state_file(tmp_path: Any) -> None:
    state = tmp_path / "state.json"
    with Sandbox(state_file=state) as sb:
        token = login(sb).access
        key = gateway_post(sb, token, "issue", pay_bug()).json()["key"]
        _upload(sb, token, key)
        gateway_post(sb, token, f"issue/{key}/comment", {"body": DOC})
    with Sandbox(state_file=state) as again:
        [issue] = again.issues()
        assert len(issue.comments) == 1
        assert issue.attachments[0].filename == "shot.png"
