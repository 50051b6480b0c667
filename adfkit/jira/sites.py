"""Jira sites a grant can reach (``/oauth/token/accessible-resources``) and choosing one.

The endpoint answers a bare array in no particular order; one site may appear twice with
the same ``id`` (a Jira entry and a Confluence entry), told apart only by their scopes.
``dedupe`` keeps one entry per id, preferring the Jira-scoped one; ``choose`` picks by
URL, name or cloud id, never "the first one" unless it is the only one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adfkit.jira.config import read_json_file
from adfkit.jira.errors import ConfigError, SiteError

__all__ = [
    "Site",
    "choose_site",
    "dedupe",
    "describe_sites",
    "load_saved_site",
    "parse_resources",
    "save_site",
]


@dataclass(frozen=True, slots=True)
class Site:
    """One Atlassian site: ``id`` is the cloud id used in ``/ex/jira/{id}/...``."""

    id: str
    name: str
    url: str
    scopes: tuple[str, ...] = ()

    @property
    def is_jira(self) -> bool:
        return any("jira" in scope for scope in self.scopes)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "url": self.url, "scopes": list(self.scopes)}

    @classmethod
    def from_json(cls, data: Any) -> Site:
        if not isinstance(data, dict):
            raise ValueError("a site must be a JSON object")
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            url=str(data.get("url", "")).rstrip("/"),
            scopes=tuple(str(s) for s in data.get("scopes") or ()),
        )


def parse_resources(body: Any) -> list[Site]:
    """Parse the accessible-resources answer and dedupe it."""
    if not isinstance(body, list):
        raise SiteError("accessible-resources did not answer a JSON array")
    try:
        return dedupe(Site.from_json(item) for item in body)
    except (KeyError, ValueError) as exc:
        raise SiteError(f"accessible-resources answered an unexpected entry: {exc}") from None


def dedupe(sites: Iterable[Site]) -> list[Site]:
    """One entry per cloud id, the Jira-scoped entry preferred; first-seen order kept."""
    kept: dict[str, Site] = {}
    for site in sites:
        seen = kept.get(site.id)
        if seen is None or (site.is_jira and not seen.is_jira):
            kept[site.id] = site
    return list(kept.values())


def describe_sites(sites: Sequence[Site]) -> str:
    """Human list of sites, one per line."""
    if not sites:
        return "  (none)"
    return "\n".join(f"  - {s.name} <{s.url}> (cloud id {s.id})" for s in sites)


def _norm_url(url: str) -> str:
    return url.strip().rstrip("/").lower().removeprefix("https://").removeprefix("http://")


def choose_site(sites: Sequence[Site], wanted: str | None = None) -> Site:
    """The site matching ``wanted`` (URL, name or cloud id), or the only site if None."""
    if not sites:
        raise SiteError(
            "this authorisation reaches no Jira site: log in again and pick a site on the "
            "consent page, or ask a site admin for access"
        )
    if wanted is None:
        if len(sites) == 1:
            return sites[0]
        raise SiteError(
            "this authorisation reaches several sites; choose one with --site "
            f"(URL, name or cloud id):\n{describe_sites(sites)}"
        )
    key = wanted.strip()
    for match in (
        lambda s: _norm_url(s.url) == _norm_url(key),
        lambda s: s.id == key,
        lambda s: s.name.casefold() == key.casefold(),
    ):
        found = [s for s in sites if match(s)]
        if len(found) == 1:
            return found[0]
    raise SiteError(
        f"no reachable site matches {wanted!r}; reachable sites:\n{describe_sites(sites)}"
    )


def save_site(directory: Path, site: Site) -> None:
    """Remember the chosen site (``site.json``; ids and URLs only, no secrets)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(site.to_json(), handle)
        os.replace(tmp, directory / "site.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_saved_site(directory: Path) -> Site | None:
    """The site saved by ``adfkit jira login``, or None."""
    path = directory / "site.json"
    data = read_json_file(path, "saved site")
    if data is None:
        return None
    try:
        return Site.from_json(data)
    except (KeyError, ValueError):
        raise ConfigError(f"{path}: not a saved site; run `adfkit jira login` again") from None
