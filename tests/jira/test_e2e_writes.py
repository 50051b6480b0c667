"""Every write beyond create, end to end over loopback against the sandbox: comments,
mentions, attachments and inline images, edits that never lose an image, transitions,
and the same safety as create (401, 429/503, lost answers, nothing half-sent)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adfkit.jira.client import JiraClient
from adfkit.jira.errors import IncompleteCreate, PreflightError
from adfkit.sandbox import Sandbox, loopback_redirect_uri
from adfkit.sandbox.world import ALICE, HIDDEN, SAM, Issue

from .sandbox_steps import png
from .test_e2e_faults import World as LoggedIn
from .test_e2e_faults import logged_in

BUG: dict[str, Any] = {
    "project": "PAY",
    "issue_type": "Bug",
    "components": ["Payments"],
    "fields": {"Severity": "S2 - Major"},
}


@dataclass
class World(LoggedIn):
    """test_e2e_faults' logged-in world, plus a folder for the files a test uploads."""

    files: Path = Path()

    def issue(self, key: str) -> Issue:
        found = self.sb.world.site("acme")
        assert found is not None
        issue = found.issue(key)
        assert issue is not None
        return issue

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.files / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect]) as sb:
        base = logged_in(sb, tmp_path / "config", redirect)
        files = tmp_path / "files"
        files.mkdir()
        yield World(base.sb, base.app, base.store, files=files)


def _nodes(doc: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.append(node)
            stack.extend(reversed(node.get("content") or []))
    return out


def _of_type(doc: Any, kind: str) -> list[dict[str, Any]]:
    return [n for n in _nodes(doc) if n.get("type") == kind]


def _created(world: World, client: JiraClient, **extra: Any) -> str:
    return client.create_issue(summary="Checkout fails", **{**BUG, **extra}).key


# -- comments ------------------------------------------------------------------------------


def test_a_markdown_comment_is_stored_as_adf_and_an_internal_note_carries_the_property(
    world: World,
) -> None:
    with world.client() as client:
        key = _created(world, client)
        public = client.add_comment(key, "Seen on **staging** too.")
        internal = client.add_comment(key, "<p>Customer is <b>VIP</b></p>", internal=True)
    stored = world.issue(key).comments
    assert [c.id for c in stored] == [public["id"], internal["id"]]
    assert stored[0].body["content"][0]["content"][1]["marks"] == [{"type": "strong"}]
    assert stored[1].body["content"][0]["content"][1]["text"] == "VIP"  # HTML sniffed
    assert public["jsdPublic"] is True
    assert internal["jsdPublic"] is False
    assert stored[1].properties["sd.public.comment"] == {"internal": True}
    assert "sd.public.comment" not in stored[0].properties


def test_editing_a_comment_replaces_its_body(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        made = client.add_comment(key, "first")
        client.edit_comment(key, made["id"], "second *take*")
        assert [c["body"]["content"][0]["content"][0]["text"] for c in client.comments(key)] == [
            "second "
        ]


def test_mentions_by_email_name_and_account_id_become_mention_nodes(world: World) -> None:
    text = (
        "Ping @alice@example.com and @[Sam Reviewer], cc [~accountid:712020:sandbox-sam].\n\n"
        "Not in code: `@[Alice Smith]`\n\n```\n@alice@example.com\n```\n"
    )
    with world.client() as client:
        key = _created(world, client)
        client.add_comment(key, text)
    body = world.issue(key).comments[0].body
    mentions = _of_type(body, "mention")
    assert [m["attrs"]["id"] for m in mentions] == [ALICE, SAM, SAM]
    assert mentions[0]["attrs"]["text"] == "@Alice Smith"
    texts = [n["text"] for n in _of_type(body, "text")]
    assert "@[Alice Smith]" in texts  # the code span is left alone
    assert "@alice@example.com" in texts[-1]  # and so is the code block
    assert not any(n.get("marks") for n in mentions)
    first = body["content"][0]["content"]
    assert first[0] == {"type": "text", "text": "Ping "}  # the "@" went into the mention


def test_an_exact_display_name_wins_over_a_longer_one_it_prefixes(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        client.add_comment(key, "@[Alice Smith] please look")
    assert _of_type(world.issue(key).comments[0].body, "mention")[0]["attrs"]["id"] == ALICE


def test_unknown_ambiguous_hidden_and_inactive_mentions_fail_together_before_sending(
    world: World,
) -> None:
    text = "@[Alice] @nobody@example.com @robin@example.com @[Former Colleague]"
    with world.client() as client:
        key = _created(world, client)
        with pytest.raises(PreflightError) as caught:
            client.add_comment(key, text)
    messages = {p.message.split(":")[0]: str(p) for p in caught.value.problems}
    assert "2 users match" in messages["@[Alice]"]
    assert "Alice Smith" in messages["@[Alice]"]
    assert "Alice Smithers" in messages["@[Alice]"]
    assert "no active user has this e-mail" in messages["@nobody@example.com"]
    assert "hide their address" in messages["@robin@example.com"]
    assert "[~accountid:" in messages["@robin@example.com"]  # the way out
    assert "deactivated" in messages["@[Former Colleague]"]
    assert world.sb.count("add_comment") == 0
    assert world.issue(key).comments == []


def test_a_caller_who_may_not_browse_users_is_told_so(world: World) -> None:
    for user in world.sb.world.users:
        user.browse_users = False
    with world.client() as client:
        key = _created(world, client)
        with pytest.raises(PreflightError, match="Browse users and groups"):
            client.add_comment(key, "cc @[Sam Reviewer]")
        client.add_comment(key, f"cc [~accountid:{SAM}]")  # needs no search
    assert world.sb.count("add_comment") == 1


def test_a_dropped_comment_answer_reads_every_page_and_never_duplicates(
    world: World,
) -> None:
    world.sb.world.page_limit = 2  # the thread comes back two comments a page
    with world.client() as client:
        key = _created(world, client)
        for i in range(7):
            client.add_comment(key, f"progress {i}")
        world.sb.faults.drop_after("add_comment")
        made = client.add_comment(key, "the one that must not repeat")
    comments = world.issue(key).comments
    assert len(comments) == 8
    assert comments[-1].id == made["id"]
    assert world.sb.count("add_comment") == 8  # not resent
    assert world.sb.count("get_comments") == 4  # 8 comments, 2 a page: every page read


def test_a_comment_whose_post_never_ran_is_sent_again(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        world.sb.faults.drop_before("add_comment")
        world.sb.faults.unavailable("add_comment", retry_after=None)  # a bare 503
        client.add_comment(key, "only once")
    assert [c.body["content"][0]["content"][0]["text"] for c in world.issue(key).comments] == [
        "only once"
    ]
    assert world.sb.count("add_comment") == 3


def test_a_comment_survives_an_expired_token_and_a_429(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        world.sb.expire_access_tokens()
        world.sb.faults.rate_limit("add_comment", retry_after=2)
        client.add_comment(key, "after a refresh and a wait")
    assert world.sb.count("token", grant_type="refresh_token") == 1
    assert world.waits == [2.0]
    assert len(world.issue(key).comments) == 1


# -- attachments and inline images --------------------------------------------------------


def test_attach_uploads_each_file_once_and_a_rerun_sends_nothing(world: World) -> None:
    log = world.write("app.txt", "boom\n")
    shot = world.write("shot.png", png(40, 30))
    with world.client() as client:
        key = _created(world, client)
        first = client.attach(key, log, shot)
        again = client.attach(key, log, shot)
    assert [(a.filename, a.size, a.uploaded) for a in first] == [
        ("app.txt", 5, True),
        ("shot.png", len(png(40, 30)), True),
    ]
    assert [a.uploaded for a in again] == [False, False]
    assert [a.id for a in again] == [a.id for a in first]
    assert world.sb.count("add_attachment") == 2
    assert [a.mime_type for a in world.issue(key).attachments] == ["text/plain", "image/png"]


def test_an_upload_whose_answer_was_lost_is_not_sent_twice(world: World) -> None:
    shot = world.write("shot.png", png(8, 8))
    with world.client() as client:
        key = _created(world, client)
        world.sb.faults.drop_after("add_attachment")
        [attached] = client.attach(key, shot)
    assert [a.id for a in world.issue(key).attachments] == [attached.id]
    assert world.sb.count("add_attachment") == 1
    assert attached.uploaded  # this run uploaded it: only its answer was lost


def test_bad_files_are_all_named_and_nothing_is_sent(world: World) -> None:
    world.write("notes.txt", "x")
    with world.client() as client:
        key = _created(world, client)
        with pytest.raises(PreflightError) as caught:
            client.attach(key, world.files / "missing.png", world.files, world.files / "notes.txt")
        with pytest.raises(PreflightError) as inline:
            client.add_comment(key, "![notes](notes.txt)", base_dir=world.files)
    assert [p.code for p in caught.value.problems] == ["BAD_FILE", "BAD_FILE"]
    assert "missing.png: No such file" in str(caught.value)
    assert "is a directory" in str(caught.value)
    assert [p.code for p in inline.value.problems] == ["NOT_AN_IMAGE"]
    assert world.sb.count("add_attachment") == 0
    assert world.sb.count("add_comment") == 0


def test_a_media_id_is_found_through_the_gateways_redirect_chain(world: World) -> None:
    shot = world.write("shot.png", png(4, 4))
    with world.client() as client:
        key = _created(world, client)
        [attached] = client.attach(key, shot)
        media = client.media_id(attached.id)
    assert media == world.issue(key).attachments[0].media_id
    hops = [r for r in world.sb.requests if r.endpoint in ("attachment_content", "attachment_hop")]
    assert [r.status for r in hops] == [302, 303]  # two hops; the file itself not fetched
    assert world.sb.count("media") == 0


def test_create_with_a_local_image_creates_uploads_then_sets_the_description(
    world: World,
) -> None:
    world.write("shots/checkout.png", png(64, 48))
    report = world.write(
        "bug.md",
        "Card declined.\n\n![checkout](shots/checkout.png)\n\n`![not](shots/checkout.png)`\n",
    )
    with world.client() as client:
        key = client.create_issue(
            summary="Declined",
            description=report.read_text(),
            base_dir=report.parent,
            **BUG,
        ).key
    issue = world.issue(key)
    [attachment] = issue.attachments
    [single] = _of_type(issue.fields["description"], "mediaSingle")
    media = single["content"][0]["attrs"]
    assert media == {
        "type": "file",
        "id": attachment.media_id,
        "collection": "",
        "width": 64,
        "height": 48,
        "alt": "checkout",  # the Markdown's alt text
    }
    code = [n for n in _of_type(issue.fields["description"], "text") if n.get("marks")]
    assert code[0]["text"] == "![not](shots/checkout.png)"  # code kept as written
    order = [r.endpoint for r in world.sb.requests if r.method in ("POST", "PUT")]
    assert order[-3:] == ["create_issue", "add_attachment", "edit_issue"]


def test_a_failed_step_after_create_names_the_key_and_a_rerun_uploads_nothing_twice(
    world: World,
) -> None:
    world.write("shot.png", png(10, 10))
    text = "Broken.\n\n![shot](shot.png)\n"
    with world.client(max_retries=1) as client:
        world.sb.faults.unavailable("edit_issue", count=2)  # the last step fails
        with pytest.raises(IncompleteCreate) as caught:
            client.create_issue(summary="Half", description=text, base_dir=world.files, **BUG)
        key = caught.value.key
        assert f"created {key}" in str(caught.value)
        assert f"adfkit jira edit {key} --description-file" in str(caught.value)
        assert len(world.issue(key).attachments) == 1
        client.edit_issue(key, description=text, base_dir=world.files)
    assert world.sb.count("add_attachment") == 1  # the rerun reused the upload
    [single] = _of_type(world.issue(key).fields["description"], "mediaSingle")
    assert single["content"][0]["attrs"]["id"] == world.issue(key).attachments[0].media_id


# -- edits that never lose an image -------------------------------------------------------


def _issue_with_image(world: World, client: JiraClient) -> str:
    world.write("shot.png", png(20, 10))
    return client.create_issue(
        summary="With image",
        description="Before.\n\n![shot](shot.png)\n\nAfter, for @[Sam Reviewer].\n",
        base_dir=world.files,
        **BUG,
    ).key


def test_show_then_edit_the_text_keeps_the_image_and_the_mention(world: World) -> None:
    with world.client() as client:
        key = _issue_with_image(world, client)
        before = world.issue(key).fields["description"]
        shown = client.description_markdown(key)
        media_id = world.issue(key).attachments[0].media_id
        assert f"(https://jira-media.invalid/{media_id})" in shown
        client.edit_issue(key, description=shown.replace("Before.", "Before, reworded."))
    after = world.issue(key).fields["description"]
    assert len(world.issue(key).attachments) == 1
    assert _of_type(after, "mediaSingle") == _of_type(before, "mediaSingle")
    assert f"[~accountid:{SAM}]" in shown  # literally, as docs/jira.md shows it
    # the same mention, display name included (found again by account id)
    assert _of_type(after, "mention") == _of_type(before, "mention")
    assert _of_type(after, "mention") == [
        {"type": "mention", "attrs": {"id": SAM, "text": "@Sam Reviewer"}}
    ]
    assert after["content"][0]["content"][0]["text"] == "Before, reworded."


def test_an_edit_that_drops_an_image_is_refused_naming_the_attachment(world: World) -> None:
    with world.client() as client:
        key = _issue_with_image(world, client)
        attachment = world.issue(key).attachments[0]
        with pytest.raises(PreflightError) as caught:
            client.edit_issue(key, description="Only text now.")
        assert world.sb.count("edit_issue") == 1  # the create's own description step only
        [problem] = caught.value.problems
        assert problem.code == "MEDIA_LOSS"
        assert f"shot.png (attachment {attachment.id})" in problem.message
        assert len(world.issue(key).attachments) == 1
        client.edit_issue(key, description="Only text now.", allow_media_loss=True)
    # Jira (and the sandbox) deletes what an edit drops.
    assert world.issue(key).attachments == []


def test_a_file_shown_inline_survives_show_then_edit_and_its_loss_is_refused(
    world: World,
) -> None:
    # Jira's editor shows a non-image attachment inline as a mediaInline "file chip";
    # Jira deletes its attachment too once no text shows it.
    with world.client() as client:
        key = _issue_with_image(world, client)
        media_id = world.issue(key).attachments[0].media_id
        chip = {"type": "mediaInline", "attrs": {"type": "file", "id": media_id, "collection": ""}}
        text = {"type": "text", "text": "Log: "}
        doc = {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [text, chip]}],
        }
        client.edit_issue(key, description=doc)
        shown = client.description_markdown(key)
        assert f"[file](https://jira-media.invalid/{media_id})" in shown
        client.edit_issue(key, description=shown.replace("Log:", "The log:"))
        after = world.issue(key).fields["description"]
        assert after["content"] == [
            {"type": "paragraph", "content": [{"type": "text", "text": "The log: "}, chip]}
        ]
        with pytest.raises(PreflightError) as caught:
            client.edit_issue(key, description="The log is gone.")
        [problem] = caught.value.problems
        assert problem.code == "MEDIA_LOSS"
        assert "shot.png" in problem.message
    assert len(world.issue(key).attachments) == 1


def test_a_file_card_row_survives_show_then_edit(world: World) -> None:
    with world.client() as client:
        key = _issue_with_image(world, client)
        media_id = world.issue(key).attachments[0].media_id
        media = {"type": "media", "attrs": {"type": "file", "id": media_id, "collection": ""}}
        group = {"type": "mediaGroup", "content": [media]}
        intro = {"type": "paragraph", "content": [{"type": "text", "text": "Files:"}]}
        client.edit_issue(key, description={"type": "doc", "version": 1, "content": [intro, group]})
        shown = client.description_markdown(key)
        client.edit_issue(key, description=shown.replace("Files:", "The files:"))
    after = world.issue(key).fields["description"]["content"]
    assert after[1] == group
    assert after[0]["content"][0]["text"] == "The files:"


def test_a_new_screenshot_with_the_old_ones_name_and_size_is_uploaded(world: World) -> None:
    # A bug-capture widget names every screenshot screenshot.png; two of one size
    # differ in their bytes, and the second must not show the first.
    red, blue = png(8, 8), bytearray(png(8, 8))
    blue[-20] ^= 0xFF  # same size, other bytes
    with world.client() as client:
        key = _created(world, client)
        world.write("red/screenshot.png", red)
        world.write("blue/screenshot.png", bytes(blue))
        [first] = client.attach(key, world.files / "red" / "screenshot.png")
        [again] = client.attach(key, world.files / "red" / "screenshot.png")
        [second] = client.attach(key, world.files / "blue" / "screenshot.png")
    assert (again.id, again.uploaded) == (first.id, False)
    assert second.uploaded
    assert second.id != first.id
    assert world.sb.count("add_attachment") == 2


def test_an_edit_with_a_local_image_can_be_run_again(world: World) -> None:
    # A sync job sends the same Markdown each time: the second run reuses the image
    # it uploaded the first time, so nothing would be lost and nothing is refused.
    with world.client() as client:
        key = _created(world, client)
        world.write("two.png", png(8, 8))
        text = "Now with a picture.\n\n![two](two.png)\n"
        client.edit_issue(key, description=text, base_dir=world.files)
        first = world.issue(key).fields["description"]
        client.edit_issue(key, description=text, base_dir=world.files)
        assert world.issue(key).fields["description"] == first
    assert world.sb.count("add_attachment") == 1
    assert len(world.issue(key).attachments) == 1


def test_bodies_may_be_built_documents_or_utf8_bytes(world: World) -> None:
    from adfkit.build import doc, paragraph, strong, text

    built = doc(paragraph(text("Steps", marks=[strong()])))
    with world.client() as client:
        key = client.create_issue(summary="Built", description=built, **BUG).key
        client.add_comment(key, "\ufeff**Seen** again".encode())
        client.edit_issue(key, description=b"<p>Now <b>HTML</b></p>")
    issue = world.issue(key)
    assert issue.fields["description"]["content"] == [
        {"type": "paragraph", "content": [{"type": "text", "text": "Now "}, _bold("HTML")]}
    ]
    assert issue.comments[-1].body["content"] == [
        {"type": "paragraph", "content": [_bold("Seen"), {"type": "text", "text": " again"}]}
    ]


def _bold(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value, "marks": [{"type": "strong"}]}


def test_edit_shapes_fields_through_editmeta(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        edited = client.edit_issue(
            key, summary="Renamed", fields={"priority": "Highest", "Labels": ["payments"]}
        )
        with pytest.raises(PreflightError) as caught:
            client.edit_issue(key, fields={"Epic Name": "x", "priority": "Urgent"})
    assert edited.fields == ["labels", "priority", "summary"]
    stored = world.issue(key).fields
    assert (stored["summary"], stored["priority"]["id"], stored["labels"]) == (
        "Renamed",
        "1",
        ["payments"],
    )
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["NOT_ALLOWED", "UNKNOWN_FIELD"]
    assert "edit screen" in str(caught.value)


def test_a_missing_issue_is_a_clear_error(world: World) -> None:
    with world.client() as client, pytest.raises(Exception, match="does not exist"):
        client.add_comment("PAY-999", "hello")


# -- transitions ----------------------------------------------------------------------------


def test_a_transition_checks_the_screens_required_fields_before_sending(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        with pytest.raises(PreflightError) as caught:
            client.transition(key, "Done")
        [problem] = caught.value.problems
        assert problem.code == "MISSING_REQUIRED"
        assert "Done, Won't Do, Duplicate" in problem.fix
        assert world.sb.count("do_transition") == 0
        done = client.transition(
            key, "done", fields={"Resolution": "Done"}, comment="Fixed in **4.3**"
        )
    issue = world.issue(key)
    assert (done.status_before, done.status) == ("To Do", "Done")
    assert issue.fields["status"]["name"] == "Done"
    assert issue.fields["resolution"]["name"] == "Done"
    assert issue.comments[0].body["content"][0]["content"][1]["marks"] == [{"type": "strong"}]


def test_a_transition_by_target_status_name_and_an_unknown_one(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        assert client.transition(key, "In Progress").transition == "Start Progress"
        with pytest.raises(PreflightError) as caught:
            client.transition(key, "Closed")
    assert "no transition matches 'Closed' from status 'In Progress'" in str(caught.value)
    assert "Backlog (to To Do)" in str(caught.value)


def test_a_transition_whose_answer_was_lost_is_not_sent_again(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        world.sb.faults.drop_after("do_transition")
        done = client.transition(key, "Start Progress", comment="started")
    assert done.status == "In Progress"
    assert world.sb.count("do_transition") == 1
    assert len(world.issue(key).comments) == 1


def test_hidden_email_user_is_still_reachable_by_name(world: World) -> None:
    with world.client() as client:
        key = _created(world, client)
        client.add_comment(key, "@[Robin Private] see this")
    assert _of_type(world.issue(key).comments[0].body, "mention")[0]["attrs"]["id"] == HIDDEN


def test_a_comment_shows_a_local_image_inline(world: World) -> None:
    world.write("graph.png", png(30, 15))
    with world.client() as client:
        key = _created(world, client)
        made = client.add_comment(key, "Latency:\n\n![p99](graph.png)\n", base_dir=world.files)
    [attachment] = world.issue(key).attachments
    [media] = _of_type(made["body"], "media")
    assert media["attrs"] == {
        "type": "file",
        "id": attachment.media_id,
        "collection": "",
        "width": 30,
        "height": 15,
        "alt": "p99",
    }


def test_editing_a_comment_that_drops_its_image_is_refused(world: World) -> None:
    world.write("graph.png", png(30, 15))
    with world.client() as client:
        key = _created(world, client)
        made = client.add_comment(key, "![p99](graph.png)\n", base_dir=world.files)
        with pytest.raises(PreflightError) as caught:
            client.edit_comment(key, made["id"], "no graph")
        assert caught.value.problems[0].code == "MEDIA_LOSS"
        assert "graph.png (attachment" in caught.value.problems[0].message
        assert world.sb.count("edit_comment") == 0
        client.edit_comment(key, made["id"], "no graph", allow_media_loss=True)
    assert world.issue(key).attachments == []


def test_a_bare_503_on_a_transition_or_an_upload_is_checked_then_resent(world: World) -> None:
    # A bare 503 may hide work done behind a proxy: adfkit looks before resending. Here
    # the sandbox did not run the request, so exactly one resend follows.
    world.write("a.txt", "a")
    with world.client() as client:
        key = _created(world, client)
        world.sb.faults.unavailable("do_transition")
        world.sb.faults.unavailable("add_attachment")
        assert client.transition(key, "Start Progress").status == "In Progress"
        [attached] = client.attach(key, world.files / "a.txt")
    assert world.sb.count("do_transition") == 2
    assert world.sb.count("add_attachment") == 2
    assert [a.id for a in world.issue(key).attachments] == [attached.id]


def test_a_file_name_with_quotes_and_accents_is_recognised_on_a_rerun(world: World) -> None:
    shot = world.write('écran "1".png', png(3, 3))
    with world.client() as client:
        key = _created(world, client)
        [first] = client.attach(key, shot)
        [again] = client.attach(key, shot)
    assert (again.id, again.uploaded) == (first.id, False)
    # RFC 7578: the quote travels percent-encoded; the accent as UTF-8.
    assert world.issue(key).attachments[0].filename == "écran %221%22.png"


def test_an_upload_after_the_token_expired_is_refreshed_once_and_sent_whole(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adfkit.jira.attachments as attachments

    read_attachments = attachments.existing

    def then_expire(client: JiraClient, key: str) -> list[attachments.Attachment]:
        found = read_attachments(client, key)
        world.sb.expire_access_tokens()  # between the check and the upload itself
        return found

    monkeypatch.setattr(attachments, "existing", then_expire)
    shot = world.write("shot.png", png(12, 12))
    with world.client() as client:
        key = _created(world, client)
        [attached] = client.attach(key, shot)
    assert world.sb.count("token", grant_type="refresh_token") == 1
    assert [r.status for r in world.sb.requests if r.endpoint == "add_attachment"] == [401, 200]
    assert world.issue(key).attachments[0].size == attached.size == len(png(12, 12))


def test_a_textarea_field_given_as_text_gets_mentions_and_images_on_create(
    world: World,
) -> None:
    world.write("step.png", png(6, 4))
    steps = "1. open checkout, ask @[Sam Reviewer]\n\n![step](step.png)\n"
    with world.client() as client:
        key = client.create_issue(
            summary="Steps with a picture",
            description="See the steps.",
            base_dir=world.files,
            **{**BUG, "fields": {**BUG["fields"], "Steps to reproduce": steps}},
        ).key
    stored = world.issue(key).fields["customfield_10061"]
    assert _of_type(stored, "mention")[0]["attrs"]["id"] == SAM
    [media] = _of_type(stored, "media")
    assert media["attrs"]["id"] == world.issue(key).attachments[0].media_id


def test_a_local_image_in_an_html_body_is_reported_not_silently_reduced_to_its_alt_text(
    world: World,
) -> None:
    html = '<p>The error: <img src="shot.png" alt="screenshot"></p>'
    with world.client() as client:
        key = _created(world, client)
        comments = world.sb.count("add_comment")
        with pytest.raises(PreflightError) as caught:
            client.add_comment(key, html, body_format="html")
        (problem,) = caught.value.problems
        assert problem.code == "IMAGE_NOT_PLACED"
        assert '<img src="shot.png">' in problem.message
        assert "![alt](shot.png)" in problem.fix
        assert world.sb.count("add_comment") == comments  # nothing sent
        creates = world.sb.count("create_issue")
        with pytest.raises(PreflightError, match="IMAGE_NOT_PLACED"):
            client.create_issue(summary="HTML", description=html, **BUG)
        assert world.sb.count("create_issue") == creates
        # an image on the web is the HTML reader's to show, as before
        client.add_comment(key, '<p><img src="https://example.com/a.png"></p>')
    assert world.sb.count("add_comment") == comments + 1
