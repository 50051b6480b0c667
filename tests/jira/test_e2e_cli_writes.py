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
