"""``adfkit demo``: the whole Jira Cloud flow, offline, against the local sandbox.

It does what a user would do, through the same code paths as ``adfkit jira``: OAuth
consent in a "browser" (real HTTP to the sandbox's consent page, Accept clicked by the
demo), the code received on a loopback callback server and exchanged, the rotating
tokens stored in a throwaway config directory, the site chosen from
accessible-resources, the fields a Bug needs read from createmeta, a Markdown bug
report converted to ADF and validated, a pre-flight refusal, the issue created with its
screenshot shown inline (create, upload, set the description), a comment mentioning a
colleague found through user search, the access token expired and refreshed once, an
edit that keeps the screenshot (and one that would lose it, refused), the issue moved
to Done with its required resolution and a closing comment, and the issue fetched back
and rendered.

Each step checks its own outcome; the demo exits 0 only if every step worked. Nothing
outside a temporary directory is touched and no secret is printed.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient
    from adfkit.jira.tokens import TokenStore
    from adfkit.sandbox import Sandbox

__all__ = ["BUG_REPORT", "demo", "run_demo"]

BUG_REPORT = """\
## Card payments fail for amounts over 10,000

Since **release 4.2**, checkout rejects card payments above *10,000* with a generic error.

### Steps to reproduce

1. Add items worth more than 10,000 to the cart
2. Pay by card with `4111 1111 1111 1111`
3. See the error

### Expected

The payment goes through, as it did in 4.1.

| Amount | Result |
|--------|--------|
| 9,999  | paid   |
| 10,001 | error  |

```python
assert charge(10_001).status == "paid"
```

- [ ] add a regression test
- [x] reproduce on staging

See the [runbook](https://example.com/runbook) for the payment gateway.
"""


SCREENSHOT = "checkout-error.png"
SCREENSHOT_MARKDOWN = f"\n![the card error at checkout]({SCREENSHOT})\n"
COMMENT = "Reproduced on staging by @[Sam Reviewer]; logs attached to the runbook."


class DemoFailed(Exception):
    """A step did not do what it should; the message says what."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise DemoFailed(message)


class _Steps:
    """Numbered, printed steps; the first failure ends the demo."""

    def __init__(self, total: int, echo: Callable[[str], None]) -> None:
        self.total = total
        self.done = 0
        self._echo = echo

    @contextmanager
    def step(self, title: str) -> Iterator[Callable[[str], None]]:
        self.done += 1
        self._echo(f"\n[{self.done}/{self.total}] {title}")
        yield lambda line: self._echo(f"      {line}")
        self._echo("      ok")


def run_demo(echo: Callable[[str], None] = click.echo) -> int:
    """Run every step, printing as it goes; 0 if all worked, 1 otherwise."""
    from adfkit.jira.errors import JiraError

    steps = _Steps(total=12, echo=echo)
    echo("adfkit demo: Jira Cloud end to end against a local sandbox (no network beyond loopback)")
    try:
        with tempfile.TemporaryDirectory(prefix="adfkit-demo-") as config:
            _flow(steps, Path(config))
    except (DemoFailed, JiraError) as exc:
        echo(f"      FAILED: {exc}")
        echo(f"\nadfkit demo: step {steps.done} of {steps.total} failed.")
        return 1
    except Exception as exc:  # a bug, not a failed check: say which step met it, no traceback
        echo(f"      FAILED: unexpected {type(exc).__name__}: {exc}")
        echo(f"\nadfkit demo: step {steps.done} of {steps.total} failed.")
        return 1
    echo(f"\nadfkit demo: all {steps.total} steps worked.")
    return 0


def _flow(steps: _Steps, config: Path) -> None:

    from adfkit.jira.client import JiraClient, reachable_sites
    from adfkit.jira.config import OAuthApp
    from adfkit.jira.login_flow import login
    from adfkit.jira.sites import choose_site, save_site
    from adfkit.jira.tokens import TokenStore
    from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri

    redirect = loopback_redirect_uri()
    with steps.step(
        "Start the sandbox: Atlassian's auth server, API gateway and Jira Cloud"
    ) as say:
        sandbox = Sandbox(redirect_uris=[redirect]).start()
        say(f"listening on {sandbox.base_url}; OAuth app {sandbox.client_id!r}")
        say(f"callback (redirect_uri) {redirect}")
    try:
        app = OAuthApp(
            sandbox.client_id,
            sandbox.client_secret,
            redirect,
            auth_url=sandbox.auth_url,
            api_url=sandbox.api_url,
        )
        store = TokenStore(config)

        with steps.step("Log in with OAuth 2.0 (3LO): consent page, Accept, code exchange") as say:
            say("authorization URL parameters: audience, client_id, scope, redirect_uri, state,")
            say("response_type=code, prompt=consent; state is checked when the code comes back")
            result = login(app, store, opener=consenting_browser(), timeout=30)  # clicks Accept
            _check(not result.warnings, f"login warned: {result.warnings}")
            stored = store.load()
            _check(stored is not None and stored.has_refresh_token, "no refresh token stored")
            mode = store.path.stat().st_mode & 0o777
            _check(mode == 0o600, f"token file mode is {mode:o}, not 600")
            say(f"tokens stored in {store.path} (mode {mode:o}); refresh token granted")

        with steps.step("Find the site: accessible-resources, duplicate ids merged") as say:
            say("accessible-resources lists Acme twice (its Jira and its Confluence entry share")
            say("one cloud id), in no set order; adfkit keeps one Jira entry per site:")
            sites = reachable_sites(app, store)
            for site in sites:
                say(f"  {site.name:<10} {site.url}  (cloud id {site.id})")
            ids = [site.id for site in sites]
            _check(len(ids) == len(set(ids)), "a cloud id is listed twice")
            _check(
                sorted(site.name for site in sites) == ["Acme", "Beta Labs"],
                f"unexpected sites: {[site.name for site in sites]}",
            )
            chosen = choose_site(sites, "Acme")
            save_site(store.directory, chosen)
            say(f"chosen: {chosen.name} (saved as the default site)")

        with JiraClient.from_oauth(app, store=store) as client:
            _jira_steps(steps, sandbox, client, store, config)
    finally:
        sandbox.stop()


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("value") or value.get("id"))
    return str(value)


def _list(values: list[str]) -> str:
    return f": {' | '.join(values)}" if values else ""


def _jira_steps(
    steps: _Steps, sandbox: Sandbox, client: JiraClient, store: TokenStore, folder: Path
) -> None:
    """The steps that talk to Jira through ``client`` (OAuth, site chosen)."""
    import adfkit
    from adfkit.jira.errors import PreflightError
    from adfkit.jira.fields import SET_BY_CREATE

    with steps.step("Read createmeta: issue types and the fields a Bug needs") as say:
        types = client.issue_types("PAY")
        say("PAY issue types: " + ", ".join(t.name for t in types))
        must = [
            m
            for m in client.fields("PAY", "Bug")
            if m.must_supply and m.field_id not in SET_BY_CREATE
        ]
        say("required without a default (project and issue type are set by create_issue):")
        for meta in must:
            allowed = [_label(v) for v in meta.allowed_values or []]
            say(f"  must supply {meta.name} ({meta.field_id})" + _list(allowed))
        _check(
            {"summary", "components", "customfield_10040"} <= {m.field_id for m in must},
            "createmeta did not report the required Bug fields",
        )

    with steps.step("Convert the Markdown bug report to ADF and validate it") as say:
        description = adfkit.from_markdown(BUG_REPORT)
        errors = list(adfkit.iter_errors(description))
        _check(not errors, f"the converted description is invalid: {errors[:3]}")
        kinds = sorted({node["type"] for node in description["content"]})
        say(f"{len(BUG_REPORT)} characters of Markdown -> top-level {', '.join(kinds)}")
        say("valid ADF: Jira will accept it")

    fields: dict[str, Any] = {
        "priority": "High",
        "components": ["Payments"],
        "labels": ["checkout"],
    }
    summary = "Card payments fail for amounts over 10,000"
    with steps.step("Pre-flight: a missing required field is caught before any POST") as say:
        posts = sandbox.count("create_issue")
        try:
            client.create_issue(
                project="PAY",
                issue_type="Bug",
                summary=summary,
                description=description,
                fields=fields,
            )
        except PreflightError as exc:
            for problem in exc.problems:
                say(str(problem))
        else:
            raise DemoFailed("a Bug without Severity was not refused")
        _check(sandbox.count("create_issue") == posts, "a request reached Jira")
        say("nothing was sent to Jira")

    with steps.step(
        "Create the issue with its screenshot: create, upload, set the description"
    ) as say:
        from adfkit.jira.images import solid_png

        (folder / SCREENSHOT).write_bytes(solid_png(320, 200))
        say(f"the report ends with ![...]({SCREENSHOT}), a 320x200 PNG beside it")
        created = client.create_issue(
            project="PAY",
            issue_type="Bug",
            summary=summary,
            description=BUG_REPORT + SCREENSHOT_MARKDOWN,
            base_dir=folder,
            fields={**fields, "Severity": "S2 - Major"},
        )
        say(f"created {created.key}: {created.url}")
        stored = client.get_issue(created.key)["fields"]
        for field_id in ("priority", "components", "labels", "customfield_10040"):
            say(f"  {field_id} as Jira stored it: {json.dumps(stored.get(field_id))}")
        _check(stored.get("labels") == ["checkout"], "the labels were not stored as sent")
        [attachment] = stored["attachment"]
        media = _media(stored["description"])
        _check(len(media) == 1, "the description does not show the screenshot")
        media_id = client.media_id(attachment["id"])
        _check(media[0]["id"] == media_id, "the inline image names another file")
        say(f"attachment {attachment['id']} ({attachment['filename']}) has media id {media_id}")
        say("(the upload's answer has none: it comes from the download's redirect chain)")
        say(f"shown inline as mediaSingle > media {json.dumps(media[0])}")

    with steps.step("Comment, mentioning a colleague found through user search") as say:
        say(f"comment: {COMMENT}")
        made = client.add_comment(created.key, COMMENT)
        mention = next(n for n in made["body"]["content"][0]["content"] if n["type"] == "mention")
        _check(mention["attrs"]["id"] == SAM_ACCOUNT, "the mention names the wrong account")
        say(f"comment {made['id']}: @[Sam Reviewer] -> mention of {mention['attrs']['id']}")

    with steps.step("The access token expires: one refresh, rotated token saved") as say:
        before = store.load()
        refreshes = sandbox.count("token", grant_type="refresh_token")
        sandbox.expire_access_tokens()
        client.myself()
        after = store.load()
        _check(
            sandbox.count("token", grant_type="refresh_token") == refreshes + 1,
            "expected exactly one refresh request",
        )
        _check(
            before is not None
            and after is not None
            and after.refresh_token != before.refresh_token,
            "the rotated refresh token was not persisted",
        )
        say("the 401 became one refresh and one retry; the new refresh token is on disk")

    with steps.step("Edit the description without losing the screenshot") as say:
        shown = client.description_markdown(created.key)
        image_line = next(line for line in shown.splitlines() if "jira-media.invalid" in line)
        say(f"`adfkit jira show` writes the image as: {image_line}")
        try:
            client.edit_issue(created.key, description="Card payments fail. (no image)")
        except PreflightError as exc:
            problem = exc.problems[0]
            say(f"an edit without it is refused, nothing sent: {problem.code}: {problem.message}")
        else:
            raise DemoFailed("an edit that drops the screenshot was not refused")
        client.edit_issue(created.key, description=shown.replace("over 10,000", "over 10k"))
        after_edit = client.get_issue(created.key)["fields"]
        _check(len(after_edit["attachment"]) == 1, "the screenshot's attachment is gone")
        _check(_media(after_edit["description"]) == media, "the inline image changed")
        say("the reworded description still shows the same media; the attachment is kept")

    with steps.step("Close it: transition Done with its required resolution and a comment") as say:
        try:
            client.transition(created.key, "Done")
        except PreflightError as exc:
            say(f"without a resolution: {exc.problems[0]}")
        else:
            raise DemoFailed("a Done without its required resolution was not refused")
        done = client.transition(
            created.key, "Done", fields={"Resolution": "Done"}, comment="Fixed in **4.3**."
        )
        say(f"{done.key}: {done.status_before} -> {done.status}, with a closing comment")

    with steps.step("Fetch the issue back and render it") as say:
        issue = client.get_issue(created.key)
        fields_back = issue["fields"]
        _check(fields_back["status"]["name"] == "Done", "the issue is not Done")
        _check(len(client.comments(created.key)) == 2, "expected two comments")
        say(f"{issue['key']}: {fields_back['summary']}  [{fields_back['status']['name']}]")
        shown = client.description_markdown(created.key)  # as `adfkit jira show` prints it
        _check("](https://jira-media.invalid/" in shown, "the screenshot is not shown")
        for line in shown.splitlines():
            say(f"  | {line}")


SAM_ACCOUNT = "712020:sandbox-sam"


def _media(doc: Any) -> list[dict[str, Any]]:
    """The attrs of the ``media`` nodes of ``doc`` (a flat walk with a stack)."""
    found: list[dict[str, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "media":
                found.append(node["attrs"])
            stack.extend(node.get("content") or [])
    return found


@click.command("demo")
def demo() -> None:
    """Run the whole Jira Cloud flow against a local sandbox, printing each step."""
    raise SystemExit(run_demo())
