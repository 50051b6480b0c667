"""Mentions written as text -> ``mention`` nodes with the Atlassian account id, a pass
over the ADF a reader produced.

Three forms, found in text that is not code (no ``code`` mark, not in a ``codeBlock``):

* ``@alice@example.com``: an e-mail address. adfkit's Markdown reader autolinks the
  address, so the ADF holds ``"…@"`` followed by a text node ``alice@example.com`` with
  a ``mailto:`` link; both spellings are recognised;
* ``@[Alice Smith]``: a display name;
* ``[~accountid:ID]``: an account id (Jira's wiki markup form), used as it is.

Since Atlassian's 2019 privacy changes a mention names an account id only
(developer.atlassian.com/cloud/jira/platform/apis/document/nodes/mention). Names and
addresses are resolved by the caller's ``resolve`` function (``JiraClient`` uses
``GET /rest/api/3/user/search``); every unknown or ambiguous one is reported at once, as
a ``PreflightError``, before anything is sent. ``adfkit.from_markdown(mentions=...)``
remains the offline way (a fixed name -> id table).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from adfkit.jira.errors import FieldProblem, PreflightError

__all__ = ["Mention", "Resolved", "apply_mentions", "find_mentions"]

_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_TOKEN = re.compile(
    rf"\[~accountid:(?P<account>[A-Za-z0-9:_-]+)\]"
    rf"|@\[(?P<name>[^\[\]\n]{{1,200}})\]"
    rf"|(?<![A-Za-z0-9._%+-])@(?P<email>{_EMAIL})"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """What a mention in the text names: ``kind`` is ``email``, ``name`` or ``account``."""

    kind: str
    value: str

    def __str__(self) -> str:
        if self.kind == "email":
            return f"@{self.value}"
        if self.kind == "name":
            return f"@[{self.value}]"
        return f"[~accountid:{self.value}]"


@dataclass(frozen=True, slots=True)
class Resolved:
    account_id: str
    display_name: str | None = None


Resolver = Callable[[Mention], Resolved]


def _is_code(node: dict[str, Any], parent: dict[str, Any] | None) -> bool:
    if parent is not None and parent.get("type") == "codeBlock":
        return True
    return any(isinstance(m, dict) and m.get("type") == "code" for m in node.get("marks") or [])


def _mailto(node: dict[str, Any]) -> str | None:
    """The address of a text node that is exactly an autolinked e-mail address."""
    for mark in node.get("marks") or []:
        attrs = mark.get("attrs") if isinstance(mark, dict) else None
        if mark.get("type") == "link" and isinstance(attrs, dict):
            href = str(attrs.get("href", ""))
            text = str(node.get("text", ""))
            if href == f"mailto:{text}" and re.fullmatch(_EMAIL, text):
                return text
    return None


def _parents(doc: Any) -> Iterator[dict[str, Any]]:
    """Every node that has a content list, with an explicit stack (any depth)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        content = node.get("content")
        if isinstance(content, list):
            yield node
            stack.extend(reversed(content))


def _tokens(text: str) -> Iterator[tuple[int, int, Mention]]:
    for m in _TOKEN.finditer(text):
        if m.group("account"):
            yield m.start(), m.end(), Mention("account", m.group("account"))
        elif m.group("name"):
            yield m.start(), m.end(), Mention("name", m.group("name").strip())
        else:
            yield m.start(), m.end(), Mention("email", m.group("email"))


def find_mentions(doc: Any) -> list[Mention]:
    """Every distinct mention written in ``doc``'s text, in order."""
    found: dict[Mention, None] = {}
    for parent in _parents(doc):
        content = parent["content"]
        for i, node in enumerate(content):
            if not isinstance(node, dict) or node.get("type") != "text" or _is_code(node, parent):
                continue
            text = str(node.get("text", ""))
            for _, _, mention in _tokens(text):
                found.setdefault(mention)
            following = content[i + 1] if i + 1 < len(content) else None
            if text.endswith("@") and isinstance(following, dict):
                address = _mailto(following)
                if address:
                    found.setdefault(Mention("email", address))
    return list(found)


def _mention_node(resolved: Resolved) -> dict[str, Any]:
    attrs: dict[str, Any] = {"id": resolved.account_id}
    if resolved.display_name:
        attrs["text"] = f"@{resolved.display_name}"
    return {"type": "mention", "attrs": attrs}


def _split(node: dict[str, Any], resolved: dict[Mention, Resolved]) -> list[dict[str, Any]]:
    """``node`` (a text node) with each resolved mention in it made a mention node."""
    text = str(node.get("text", ""))
    out: list[dict[str, Any]] = []
    last = 0
    for start, end, mention in _tokens(text):
        if mention not in resolved:
            continue
        if start > last:
            out.append({**node, "text": text[last:start]})
        out.append(_mention_node(resolved[mention]))
        last = end
    if last == 0:
        return [node]
    if last < len(text):
        out.append({**node, "text": text[last:]})
    return out


def apply_mentions(doc: Any, resolve: Resolver, *, where: str = "body") -> int:
    """Replace every mention in ``doc``'s text by a ``mention`` node, in place; returns
    how many were made. Raises ``PreflightError`` naming every mention ``resolve``
    refused (it raises ``LookupError`` with the reason) before changing anything."""
    mentions = find_mentions(doc)
    resolved: dict[Mention, Resolved] = {}
    problems: list[FieldProblem] = []
    for mention in mentions:
        try:
            resolved[mention] = resolve(mention)
        except LookupError as exc:
            problems.append(
                FieldProblem(
                    where,
                    "UNKNOWN_USER",
                    f"{mention}: {exc.args[0] if exc.args else 'not found'}",
                    exc.args[1] if len(exc.args) > 1 else "",
                )
            )
    if problems:
        raise PreflightError(problems)
    made = 0
    for parent in _parents(doc):
        content = parent["content"]
        new: list[Any] = []
        i = 0
        while i < len(content):
            node = content[i]
            if not isinstance(node, dict) or node.get("type") != "text" or _is_code(node, parent):
                new.append(node)
                i += 1
                continue
            following = content[i + 1] if i + 1 < len(content) else None
            address = _mailto(following) if isinstance(following, dict) else None
            text = str(node.get("text", ""))
            pieces = _split(node, resolved)
            made += sum(1 for p in pieces if p.get("type") == "mention")
            if address and text.endswith("@") and Mention("email", address) in resolved:
                # "…@" + the autolinked address: one mention.
                last = pieces[-1]
                if last.get("type") == "text" and len(str(last["text"])) > 1:
                    pieces[-1] = {**last, "text": str(last["text"])[:-1]}
                else:
                    pieces.pop()
                pieces.append(_mention_node(resolved[Mention("email", address)]))
                made += 1
                i += 1
            new.extend(pieces)
            i += 1
        parent["content"] = new
    return made
