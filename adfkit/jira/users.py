"""Finding the account a mention names: ``GET /rest/api/3/user/search``.

The search matches a prefix of the display name or of the e-mail address and needs the
*Browse users and groups* permission: without it the answer is an empty list, not an
error (jira-cloud.md section 10). A user who hides their e-mail address cannot be found
by it. So an empty answer is checked once more with a search for the caller's own name:
if even that finds nobody, the caller lacks the permission and the message says so.

Choice among candidates: inactive accounts are never candidates; an exact match (the
whole address, or the whole display name ignoring case) wins over prefix matches; one
prefix match alone is taken; several are an error naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adfkit.jira.errors import JiraApiError
from adfkit.jira.mentions import Mention, Resolved

__all__ = ["UserFinder"]

GetJson = Callable[[str, Mapping[str, Any]], Any]
_ACCOUNT_HINT = "write [~accountid:ID] with the account id (the user's profile URL ends in it)"


def _label(user: Mapping[str, Any]) -> str:
    email = f" <{user['emailAddress']}>" if user.get("emailAddress") else ""
    return f"{user.get('displayName', '?')}{email} ({user.get('accountId', '?')})"


class UserFinder:
    """Resolves mentions through user search: one search per distinct mention of a body
    (``apply_mentions`` asks once for each), plus one to tell "nobody" from "no permission"."""

    def __init__(self, get_json: GetJson, myself: Callable[[], Mapping[str, Any]]) -> None:
        self._get_json = get_json
        self._myself = myself
        self._can_browse: bool | None = None

    def _search(self, query: str) -> list[dict[str, Any]]:
        found = self._get_json("user/search", {"query": query, "maxResults": 50})
        return [u for u in found if isinstance(u, dict)] if isinstance(found, list) else []

    def _browsing_allowed(self) -> bool:
        if self._can_browse is None:
            me = self._myself()
            name = str(me.get("displayName") or "")
            self._can_browse = bool(name) and any(
                u.get("accountId") == me.get("accountId") for u in self._search(name)
            )
        return self._can_browse

    def _account(self, account_id: str) -> Resolved:
        """``[~accountid:ID]`` is used as it is; its display name, when user search (by
        ``accountId``) gives it, becomes the mention's ``text``, so that a mention that
        went through ``show`` and ``edit`` still reads "@Alice Smith" in every renderer.
        Without *Browse users and groups* the search is empty, and a search Jira refuses
        (a token without ``read:jira-user``) says nothing about the id: the id alone is
        sent then."""
        try:
            found = self._get_json("user/search", {"accountId": account_id})
        except JiraApiError:
            return Resolved(account_id)
        for user in found if isinstance(found, list) else []:
            if isinstance(user, dict) and user.get("accountId") == account_id:
                return Resolved(account_id, user.get("displayName") or None)
        return Resolved(account_id)

    def __call__(self, mention: Mention) -> Resolved:
        if mention.kind == "account":
            return self._account(mention.value)
        found = self._search(mention.value)
        if not found and not self._browsing_allowed():
            raise LookupError(
                "user search returns nobody, not even you: this account lacks Jira's "
                "'Browse users and groups' permission",
                _ACCOUNT_HINT,
            )
        active = [u for u in found if u.get("active", True) is not False]
        wanted = mention.value.casefold()
        if mention.kind == "email":
            exact = [u for u in active if str(u.get("emailAddress", "")).casefold() == wanted]
            if len(exact) == 1:
                return Resolved(str(exact[0]["accountId"]), exact[0].get("displayName"))
            inactive = [u for u in found if u not in active]
            if inactive and not exact:
                raise LookupError(f"the account {_label(inactive[0])} is deactivated")
            raise LookupError(
                "no active user has this e-mail address (users who hide their address in "
                "their profile cannot be found by it)",
                "write @[Display Name] or " + _ACCOUNT_HINT,
            )
        exact = [u for u in active if str(u.get("displayName", "")).casefold() == wanted]
        candidates = exact or [
            u for u in active if str(u.get("displayName", "")).casefold().startswith(wanted)
        ]
        if len(candidates) == 1:
            user = candidates[0]
            return Resolved(str(user["accountId"]), user.get("displayName"))
        if not candidates:
            gone = [u for u in found if u.get("active", True) is False]
            if gone:
                raise LookupError(f"the account {_label(gone[0])} is deactivated")
            raise LookupError("no active user has this display name", _ACCOUNT_HINT)
        names = "; ".join(_label(u) for u in candidates[:10])
        raise LookupError(
            f"{len(candidates)} users match: {names}",
            "write the full display name, the e-mail address, or [~accountid:ID]",
        )
