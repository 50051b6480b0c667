"""The one workflow every sandbox project follows: three statuses and the transitions
between them, with the screen a transition to Done shows.

Real workflows are configured per project; the seed needs just enough to test what a
client must do: find a transition by name, see the screen's required fields through
``expand=transitions.fields`` (``resolution`` on "Done"), send a comment with it, and
not see a transition to the status the issue is already in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RESOLUTIONS", "STATUSES", "TRANSITIONS", "Transition", "status_json"]

# id -> (name, status category key, category name)
STATUSES: dict[str, tuple[str, str, str]] = {
    "10000": ("To Do", "new", "To Do"),
    "3": ("In Progress", "indeterminate", "In Progress"),
    "10001": ("Done", "done", "Done"),
}
INITIAL_STATUS = "10000"

RESOLUTIONS = [
    {"id": "10000", "name": "Done"},
    {"id": "10001", "name": "Won't Do"},
    {"id": "10002", "name": "Duplicate"},
]


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to: str  # status id
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)


TRANSITIONS = [
    Transition("11", "Backlog", "10000"),
    Transition("21", "Start Progress", "3"),
    Transition(
        "31",
        "Done",
        "10001",
        {
            "resolution": {
                "required": True,
                "schema": {"type": "resolution", "system": "resolution"},
                "name": "Resolution",
                "key": "resolution",
                "operations": ["set"],
                "allowedValues": RESOLUTIONS,
            }
        },
    ),
]


def status_json(status_id: str) -> dict[str, Any]:
    """A status as issue and transition answers show it."""
    name, key, category = STATUSES[status_id]
    return {"id": status_id, "name": name, "statusCategory": {"key": key, "name": category}}
