"""Moving an issue through its workflow by the transition's name.

``GET /rest/api/3/issue/{key}/transitions?expand=transitions.fields`` lists the
transitions reachable from the issue's status with their screens' fields; ``POST`` the
same path with ``{"transition": {"id"}, "fields": {...}, "update": {"comment": [{"add":
{"body": ADF}}]}}`` carries one out (jira-cloud.md section 10: a comment in ``fields``
fails with "Field does not support update 'comment'", a plain-text one with "Operation
value must be an Atlassian Document"). The name given is matched, ignoring case, against
the transitions' names and then their target statuses' names; the screen's required
fields are checked (and shaped, e.g. a resolution by name) before anything is sent.

Never twice: when the answer to the POST is lost, the issue is read again; if it is now
in the transition's target status the transition (and its comment, which Jira adds in
the same operation) was carried out, otherwise it is sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adfkit.jira.bodies import finish, known_media, prepare
from adfkit.jira.createmeta import FieldMeta
from adfkit.jira.errors import FieldProblem, PreflightError
from adfkit.jira.fields import shape_fields

if TYPE_CHECKING:
    from adfkit.jira.client import JiraClient

__all__ = ["Transitioned", "transition", "transitions"]

_COMMENT_POINTER = "/update/comment/0/add/body"


@dataclass(frozen=True, slots=True)
class Transitioned:
    key: str
    transition: str
    status: str
    status_before: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "transition": self.transition,
            "status": self.status,
            "from": self.status_before,
        }


def transitions(client: JiraClient, key: str) -> list[dict[str, Any]]:
    """The transitions ``key`` can take now, with their screens' fields."""
    data = client._get_json(f"issue/{key}/transitions", {"expand": "transitions.fields"})
    found = data.get("transitions") if isinstance(data, dict) else None
    return [t for t in found or [] if isinstance(t, dict)]


def _status(issue: Mapping[str, Any]) -> dict[str, Any]:
    status = (issue.get("fields") or {}).get("status")
    return status if isinstance(status, dict) else {}


def _choose(available: list[dict[str, Any]], to: str, status: str) -> dict[str, Any]:
    wanted = to.strip().casefold()
    by_name = [t for t in available if str(t.get("name", "")).casefold() == wanted]
    by_status = [
        t for t in available if str((t.get("to") or {}).get("name", "")).casefold() == wanted
    ]
    matches = by_name or by_status
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(f"{t.get('name')} (to {(t.get('to') or {}).get('name')})" for t in available)
    what = "several transitions match" if matches else "no transition matches"
    raise PreflightError(
        [
            FieldProblem(
                "transition",
                "UNKNOWN_TRANSITION",
                f"{what} {to!r} from status {status!r}",
                f"use one of: {listed}" if available else "this status has no transitions",
            )
        ]
    )


def transition(
    client: JiraClient,
    key: str,
    to: str,
    *,
    comment: Any,
    fields: Mapping[str, Any],
    comment_format: str,
    base_dir: Path | None,
) -> Transitioned:
    issue = client.get_issue(key)
    before = str(_status(issue).get("name", ""))
    chosen = _choose(transitions(client, key), to, before)
    screen = chosen.get("fields") or {}
    metas = [
        FieldMeta.from_json({**meta, "fieldId": field_id})
        for field_id, meta in screen.items()
        if isinstance(meta, dict) and field_id != "comment"
    ]
    problems: list[FieldProblem] = []
    shaped: dict[str, Any] = {}
    try:
        shaped = shape_fields(metas, fields, screen=f"'{chosen.get('name')}' transition screen")
    except PreflightError as exc:
        problems += exc.problems
    prepared = None
    known = {}
    if comment is not None:
        page = ((issue.get("fields") or {}).get("comment") or {}).get("comments") or []
        known = known_media(
            (issue.get("fields") or {}).get("description"), *(c.get("body") for c in page)
        )
        try:
            prepared = prepare(
                client,
                comment,
                comment_format,
                base_dir=base_dir,
                where="comment",
                pointer=_COMMENT_POINTER,
                known=known,
            )
        except PreflightError as exc:
            problems += exc.problems
    if problems:
        raise PreflightError(problems)
    payload: dict[str, Any] = {"transition": {"id": str(chosen.get("id"))}}
    if shaped:
        payload["fields"] = shaped
    if prepared is not None:
        doc = finish(client, key, prepared, known, _COMMENT_POINTER)
        payload["update"] = {"comment": [{"add": {"body": doc}}]}
    target = chosen.get("to") or {}
    done = Transitioned(key, str(chosen.get("name")), str(target.get("name", "")), before)

    def send() -> Transitioned:
        client._request("POST", f"issue/{key}/transitions", json_body=payload, once=True)
        return done

    def already_done() -> Transitioned | None:
        now = _status(client.get_issue(key))
        return done if str(now.get("id")) == str(target.get("id")) else None

    return client._write_once(f"transition {key} to {done.status}", send, already_done)
