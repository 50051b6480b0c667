"""JSON shapes several REST handlers share: a user as Jira shows one, and Jira's
timestamp format. Kept apart so that ``rest.py`` and ``writes.py`` need not import each
other's handlers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adfkit.sandbox.world import User

__all__ = ["now_stamp", "user_json"]


def now_stamp() -> str:
    """Now, as Jira writes ``created``/``updated`` (``2024-05-01T12:00:00.000+0000``)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def user_json(site_url: str, user: User, *, brief: bool = False) -> dict[str, Any]:
    """A user (``UserDetails``); the e-mail address only where the profile shows it
    (since the 2019 privacy changes, jira-cloud.md section 10)."""
    out: dict[str, Any] = {
        "self": f"{site_url}/rest/api/3/user?accountId={user.account_id}",
        "accountId": user.account_id,
        "accountType": "atlassian",
        "displayName": user.display_name,
        "active": user.active,
        "timeZone": user.time_zone,
        "avatarUrls": {"48x48": f"{site_url}/avatar/{user.account_id}.png"},
    }
    if user.email_visible:
        out["emailAddress"] = user.email
    if not brief:
        out["locale"] = "en_US"
    return out
