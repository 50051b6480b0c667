"""``adfkit jira show|comment|edit|attach|transition`` and ``create --attach`` as real
subprocesses against an in-process sandbox: a bug report with a screenshot filed,
commented on, edited and closed from the CLI without ever losing an image."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adfkit.sandbox import Sandbox, loopback_redirect_uri
from adfkit.sandbox.world import Issue

from .sandbox_steps import png
from .test_e2e_cli import CLIENT_SECRET, CREATE, Cli, make_cli


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect], client_secret=CLIENT_SECRET) as sb:
        cli = make_cli(sb, tmp_path_factory.mktemp("cli-writes") / "config", redirect)
        assert cli.login("--site", "Acme").returncode == 0
        yield cli


def _issue(cli: Cli, key: str) -> Issue:
    site = cli.sb.world.site("acme")
    assert site is not None
    found = site.issue(key)
    assert found is not None
    return found


def _files(cli: Cli) -> Path:
    folder = cli.config.parent / "report"
    folder.mkdir(exist_ok=True)
    return folder


def _file_bug(cli: Cli) -> str:
    folder = _files(cli)
    (folder / "shot.png").write_bytes(png(32, 24))
    (folder / "bug.md").write_text("Card declined.\n\n![shot](shot.png)\n", encoding="utf-8")
    (folder / "app.txt").write_text("trace\n", encoding="utf-8")
    done = cli.run(
        *CREATE,
        "--component",
        "Payments",
        "--field",
        "Severity=S2 - Major",
        "--description-file",
        str(folder / "bug.md"),
        "--attach",
        str(folder / "app.txt"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["key"])


def test_file_comment_edit_and_close_a_bug_without_losing_the_screenshot(cli: Cli) -> None:
    key = _file_bug(cli)
    issue = _issue(cli, key)
    assert sorted(a.filename for a in issue.attachments) == ["app.txt", "shot.png"]
    shot = next(a for a in issue.attachments if a.filename == "shot.png")

    folder = _files(cli)
    (folder / "note.md").write_text("Reproduced by @[Sam Reviewer].\n", encoding="utf-8")
    commented = cli.run("jira", "comment", key, "--body-file", str(folder / "note.md"), "--json")
    assert commented.returncode == 0, commented.stderr
    assert json.loads(commented.stdout)["internal"] is False
    assert issue.comments[0].body["content"][0]["content"][1]["type"] == "mention"

    shown = cli.run("jira", "show", key)
    assert shown.returncode == 0, shown.stderr
    assert f"https://jira-media.invalid/{shot.media_id}" in shown.stdout
    (folder / "edited.md").write_text(
        shown.stdout.replace("Card declined.", "Card declined twice."), encoding="utf-8"
    )
    edited = cli.run("jira", "edit", key, "--description-file", str(folder / "edited.md"))
    assert edited.returncode == 0, edited.stderr
    assert [a.media_id for a in issue.attachments if a.filename == "shot.png"] == [shot.media_id]

    (folder / "text-only.md").write_text("Card declined twice.\n", encoding="utf-8")
    refused = cli.run("jira", "edit", key, "--description-file", str(folder / "text-only.md"))
    assert refused.returncode == 1
    assert "MEDIA_LOSS" in refused.stderr
    assert f"shot.png (attachment {shot.id})" in refused.stderr
    assert "--allow-media-loss" in refused.stderr

    listed = cli.run("jira", "transition", key, "--json")
    assert {t["name"] for t in json.loads(listed.stdout)} == {"Start Progress", "Done"}
    (folder / "closing.md").write_text("Fixed in 4.3.\n", encoding="utf-8")
    closed = cli.run(
        "jira", "transition", key, "Done", "--field", "Resolution=Done",
        "--comment-file", str(folder / "closing.md"), "--json",
    )  # fmt: skip
    assert closed.returncode == 0, closed.stderr
    assert json.loads(closed.stdout) == {
        "key": key,
        "transition": "Done",
        "status": "Done",
        "from": "To Do",
    }
    overview = cli.run("jira", "show", key, "--format", "text")
    assert f"{key}: Card declined twice  [Done]" in overview.stdout
    assert "attachment: shot.png" in overview.stdout
    assert "Fixed in 4.3." in overview.stdout
    as_json = json.loads(cli.run("jira", "show", key, "--json").stdout)
    assert [c["id"] for c in as_json["comments"]] == [c.id for c in issue.comments]


def test_an_internal_note_and_editing_a_comment(cli: Cli) -> None:
    key = _file_bug(cli)
    folder = _files(cli)
    (folder / "vip.md").write_text("VIP customer.\n", encoding="utf-8")
    note = cli.run("jira", "comment", key, "--body-file", str(folder / "vip.md"), "--internal")
    assert note.returncode == 0, note.stderr
    assert "(internal note)" in note.stdout
    comment_id = _issue(cli, key).comments[0].id
    (folder / "vip2.md").write_text("Key account.\n", encoding="utf-8")
    changed = cli.run(
        "jira", "comment", key, "--body-file", str(folder / "vip2.md"), "--edit", comment_id
    )
    assert changed.returncode == 0, changed.stderr
    assert f"Edited comment {comment_id}" in changed.stdout
    shown = cli.run("jira", "show", key, "--comment", comment_id)
    assert shown.stdout == "Key account.\n"


def test_attach_reports_what_was_already_there(cli: Cli) -> None:
    key = _file_bug(cli)
    again = cli.run("jira", "attach", key, str(_files(cli) / "app.txt"), "--json")
    assert again.returncode == 0, again.stderr
    assert [a["uploaded"] for a in json.loads(again.stdout)] == [False]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["comment", "PAY-1", "--body-file", "{dir}"], "is a directory"),
        (["comment", "PAY-1", "--body-file", "{dir}/nothing.md"], "No such file"),
        (["comment", "PAY-1", "--body-file", "{dir}/empty.md"], "is empty"),
        (["edit", "PAY-1"], "nothing to edit"),
        (["comment", "PAY-1", "--body-file", "{dir}/vip.md", "--internal", "--edit", "1"], "--internal"),
    ],
)  # fmt: skip
def test_bad_input_is_a_usage_error_and_sends_nothing(
    cli: Cli, args: list[str], message: str
) -> None:
    folder = _files(cli)
    (folder / "empty.md").write_text("  \n", encoding="utf-8")
    (folder / "vip.md").write_text("x\n", encoding="utf-8")
    before = len(cli.sb.requests)
    done = cli.run("jira", *[a.replace("{dir}", str(folder)) for a in args], "--json")
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["error"] == "UsageError"
    assert message in answer["message"]
    assert "Traceback" not in done.stderr
    assert len(cli.sb.requests) == before


def test_an_unknown_key_and_an_image_jira_cannot_show_exit_1(cli: Cli) -> None:
    folder = _files(cli)
    (folder / "note.md").write_text("hello\n", encoding="utf-8")
    missing = cli.run("jira", "comment", "PAY-999", "--body-file", str(folder / "note.md"))
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr
    (folder / "fake.png").write_text("not an image", encoding="utf-8")
    (folder / "bad.md").write_text("![fake](fake.png)\n", encoding="utf-8")
    key = _file_bug(cli)
    uploads = cli.sb.count("add_attachment")
    bad = cli.run("jira", "comment", key, "--body-file", str(folder / "bad.md"), "--json")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["problems"][0]["code"] == "NOT_AN_IMAGE"
    assert cli.sb.count("add_attachment") == uploads


def test_a_create_whose_image_step_fails_names_the_issue_and_a_rerun_finishes_it(
    cli: Cli,
) -> None:
    folder = _files(cli)
    (folder / "shot.png").write_bytes(png(32, 24))
    (folder / "bug.md").write_text("Broken.\n\n![shot](shot.png)\n", encoding="utf-8")
    # The last step (setting the description) meets a wait longer than adfkit's max_wait.
    cli.sb.faults.rate_limit("edit_issue", retry_after=3600)
    done = cli.run(
        *CREATE, "--component", "Payments", "--field", "Severity=S2 - Major",
        "--description-file", str(folder / "bug.md"), "--json",
    )  # fmt: skip
    cli.sb.faults.clear()
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert answer["error"] == "IncompleteCreate"
    key = answer["key"]
    assert f"adfkit jira edit {key} --description-file" in answer["message"]
    uploads = cli.sb.count("add_attachment")
    rerun = cli.run("jira", "edit", key, "--description-file", str(folder / "bug.md"))
    assert rerun.returncode == 0, rerun.stderr
    assert cli.sb.count("add_attachment") == uploads  # nothing uploaded twice
    assert len(_issue(cli, key).attachments) == 1


def test_show_writes_a_mention_as_the_docs_say_and_edit_keeps_its_name(cli: Cli) -> None:
    key = _file_bug(cli)
    folder = _files(cli)
    shot_line = cli.run("jira", "show", key).stdout.splitlines()[-1]  # the screenshot
    (folder / "who.md").write_text(f"Over to @[Alice Smith] (lead).\n\n{shot_line}\n", "utf-8")
    edited = cli.run("jira", "edit", key, "--description-file", str(folder / "who.md"))
    assert edited.returncode == 0, edited.stderr

    shown = cli.run("jira", "show", key)
    assert shown.stdout.startswith("Over to [~accountid:712020:sandbox-alice] (lead).\n")
    (folder / "again.md").write_text(shown.stdout.replace("lead", "owner"), encoding="utf-8")
    again = cli.run("jira", "edit", key, "--description-file", str(folder / "again.md"))
    assert again.returncode == 0, again.stderr
    first = _issue(cli, key).fields["description"]["content"][0]["content"]
    assert first[1] == {
        "type": "mention",
        "attrs": {"id": "712020:sandbox-alice", "text": "@Alice Smith"},
    }  # the name survives show and edit, so every renderer still shows it
    assert first[2]["text"] == " (owner)."
    overview = cli.run("jira", "show", key, "--format", "text").stdout
    assert "Over to @Alice Smith (owner)." in overview


def test_show_comment_is_honoured_under_json_and_an_unknown_one_is_refused(cli: Cli) -> None:
    key = _file_bug(cli)
    folder = _files(cli)
    (folder / "note.md").write_text("Seen twice.\n", encoding="utf-8")
    made = json.loads(
        cli.run("jira", "comment", key, "--body-file", str(folder / "note.md"), "--json").stdout
    )
    for flags in (["--json"], ["--format", "json"]):
        shown = cli.run("jira", "show", key, "--comment", made["id"], *flags)
        assert shown.returncode == 0, shown.stderr
        answer = json.loads(shown.stdout)
        assert answer["key"] == key
        assert answer["comment"]["id"] == made["id"]
        assert "description" not in answer
        missing = cli.run("jira", "show", key, "--comment", "99999", *flags)
        assert missing.returncode == 2
        said = json.loads(missing.stdout)["message"] if "--json" in flags else missing.stderr
        assert f"{key} has no comment 99999" in said


@pytest.mark.parametrize(
    "args",
    [
        ["transition", "PAY-1", "--field", "Resolution=Done"],
        ["transition", "PAY-1", "--comment-file", "{dir}/vip.md"],
    ],
)
def test_transition_options_without_a_transition_are_not_silently_dropped(
    cli: Cli, args: list[str]
) -> None:
    folder = _files(cli)
    (folder / "vip.md").write_text("x\n", encoding="utf-8")
    before = len(cli.sb.requests)
    done = cli.run("jira", *[a.replace("{dir}", str(folder)) for a in args], "--json")
    assert done.returncode == 2
    assert "need TO" in json.loads(done.stdout)["message"]
    assert len(cli.sb.requests) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("nothing.log", "No such file"), ("logs", "is a directory"), ("empty.log", "is empty")],
)
@pytest.mark.parametrize("command", ["attach", "create"])
def test_a_file_to_attach_that_cannot_be_sent_is_a_usage_error_before_anything_is_sent(
    cli: Cli, name: str, message: str, command: str
) -> None:
    folder = _files(cli)
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "empty.log").write_bytes(b"")
    path = str(folder / name)
    required = ["--component", "Payments", "--field", "Severity=S2 - Major"]
    args = ["jira", "attach", "PAY-1", path] if command == "attach" else [*CREATE, *required]
    if command == "create":
        args += ["--attach", path]
    before = len(cli.sb.requests)
    for flags in ([], ["--json"]):
        done = cli.run(*args, *flags)
        assert done.returncode == 2, done.stdout + done.stderr
        said = json.loads(done.stdout)["message"] if flags else done.stderr
        assert f"{path}: {message}" in said
        assert "Traceback" not in done.stderr
    assert len(cli.sb.requests) == before


def test_a_site_url_that_is_not_a_url_is_a_configuration_error(cli: Cli) -> None:
    env = {
        **cli.env,
        "ADFKIT_JIRA_EMAIL": "alex@example.com",
        "ADFKIT_JIRA_API_TOKEN": "sandbox-api-token",
        "ADFKIT_JIRA_SITE_URL": "acme.atlassian.net",  # the scheme forgotten
    }
    done = cli.run("jira", "show", "PAY-1", "--json", env=env)
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["error"] == "ConfigError"
    assert "ADFKIT_JIRA_SITE_URL" in answer["message"]
    assert "'acme.atlassian.net': not an http(s) URL" in answer["message"]
    assert "sandbox-api-token" not in done.stdout + done.stderr


def test_a_login_whose_auth_url_is_not_a_url_stops_at_once(cli: Cli) -> None:
    env = {**cli.env, "ADFKIT_JIRA_AUTH_URL": "auth.atlassian.com"}
    done = cli.run("jira", "login", "--no-browser", "--json", env=env)  # no 300 s wait
    assert done.returncode == 2
    message = json.loads(done.stdout)["message"]
    assert "ADFKIT_JIRA_AUTH_URL" in message
    assert "'auth.atlassian.com': not an http(s) URL" in message
