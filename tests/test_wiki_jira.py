"""A wiki description filed through the Jira client, over loopback HTTP against the
sandbox: what Jira stores is what ``from_wiki`` reads."""

from __future__ import annotations

from typing import Any

from jira.test_e2e_client import world  # noqa: F401  (the sandbox, logged in below)

from adfkit import from_wiki
from adfkit.jira.client import JiraClient
from adfkit.jira.errors import PreflightError
from adfkit.jira.login_flow import login
from adfkit.jira.sites import choose_site, save_site
from adfkit.sandbox import consenting_browser

WIKI = (
    "h2. Steps\n# Open the *checkout*\n# Pay with {{4000 0000 0000 0002}}\n\n"
    "||Expected||Actual||\n|paid|declined (x)|\n\n{code:java}\nthrow new Declined();\n{code}"
)


def test_create_issue_takes_wiki_markup(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _sb, app, store = world
    result = login(app, store, opener=consenting_browser(), timeout=20)
    save_site(store.directory, choose_site(result.sites, "Acme"))
    required: dict[str, Any] = {"components": ["Payments"], "fields": {"Severity": "S2 - Major"}}
    with JiraClient.from_oauth(app, store=store) as client:
        said = client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="Declined card",
            description=WIKI,
            description_format="wiki",
            **required,
        )
        guessed = client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary="Declined card",
            description=WIKI,
            **required,
        )
        for created in (said, guessed):
            stored = client.get_issue(created.key)["fields"]["description"]
            assert stored == from_wiki(WIKI)
            assert stored["content"][0]["type"] == "heading"
        # An attachment image in wiki markup names a file, which Jira cannot show:
        # refused before anything is sent, with the Markdown way to upload it.
        before = world[0].count("create_issue")
        try:
            client.create_issue(
                project="PAY",
                issue_type="Bug",
                summary="Screenshot",
                description="See !shot.png|thumbnail!",
                description_format="wiki",
                **required,
            )
        except PreflightError as refused:
            [problem] = refused.problems
            assert problem.code == "NOT_A_MEDIA_ID"
            assert "'shot.png'" in problem.message
            assert "![shot.png](shot.png)" in problem.fix
        else:
            raise AssertionError("a file name given as a media id was sent")
        assert world[0].count("create_issue") == before
