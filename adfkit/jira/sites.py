"""Jira sites a grant can reach (``/oauth/token/accessible-resources``) and choosing one.

The endpoint answers a bare array in no particular order; one site may appear twice with
the same ``id`` (a Jira entry and a Confluence entry), told apart only by their scopes.
``dedupe`` keeps one entry per id, preferring the Jira-scoped one; ``parse_resources`` then
drops sites with no Jira scope (Confluence-only); ``choose_site`` picks by URL, cloud id or
name, never "the first one" unless it is the only one, and refuses a name that two sites
share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adfkit.jira.config import read_json_file
from adfkit.jira.errors import ConfigError, SiteError
from adfkit.jira.files import write_private_json

SITE_FILE = "site.json"

__all__ = [
    "SITE_FILE",
    "ReachableSites",
    "Site",
    "choose_site",
    "dedupe",
    "describe_sites",
    "forget_site",
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
        """A site from its JSON object; ValueError (naming the key, not quoting values)
        unless ``id`` is a non-empty string, ``name`` and ``url`` strings and ``scopes`` a
        list of strings (the last three may be absent)."""
        if not isinstance(data, dict):
            raise ValueError("a site must be a JSON object")
        site_id = data.get("id")
        if not isinstance(site_id, str) or not site_id:
            raise ValueError("a site needs an id string")
        name = data.get("name", "")
        url = data.get("url", "")
        if not isinstance(name, str) or not isinstance(url, str):
            raise ValueError("a site's name and url must be strings")
        scopes = data.get("scopes")
        if scopes is None:
            scopes = []
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise ValueError("a site's scopes must be a list of strings")
        return cls(id=site_id, name=name, url=url.rstrip("/"), scopes=tuple(scopes))


class ReachableSites(list[Site]):
    """The Jira sites a grant reaches, remembering how many Confluence-only entries (sites
    with no Jira scope) were left out, so that "no Jira site" can say why."""

    def __init__(self, sites: Iterable[Site] = (), *, confluence_only: int = 0) -> None:
        super().__init__(sites)
        self.confluence_only = confluence_only


def parse_resources(body: Any) -> ReachableSites:
    """Parse the accessible-resources answer, dedupe it and keep the Jira sites only.

    A site listed only with Confluence scopes cannot serve Jira calls; it is dropped (and
    counted in ``confluence_only``) so that it is never chosen, even when it is alone.
    """
    if not isinstance(body, list):
        raise SiteError("accessible-resources did not answer a JSON array")
    try:
        unique = dedupe(Site.from_json(item) for item in body)
    except ValueError as exc:
        raise SiteError(f"accessible-resources answered an unexpected entry: {exc}") from None
    jira_sites = [site for site in unique if site.is_jira]
    return ReachableSites(jira_sites, confluence_only=len(unique) - len(jira_sites))


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
        skipped = sites.confluence_only if isinstance(sites, ReachableSites) else 0
        why = (
            f" ({skipped} Confluence-only site{'s were' if skipped != 1 else ' was'} skipped)"
            if skipped
            else ""
        )
        raise SiteError(
            f"this authorisation reaches no Jira site{why}: log in again and pick a site on "
            "the consent page, or ask a site admin for access"
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
        if len(found) > 1:
            listed = ", ".join(f"{s.name} <{s.url}>" for s in found)
            raise SiteError(
                f"{wanted!r} is ambiguous: {listed}; use the URL or cloud id "
                f"(cloud ids: {', '.join(s.id for s in found)})"
            )
    raise SiteError(
        f"no reachable site matches {wanted!r}; reachable sites:\n{describe_sites(sites)}"
    )


def save_site(directory: Path, site: Site) -> None:
    """Remember the chosen site (``site.json``; ids and URLs only, no secrets).

    Written atomically (temp file + ``os.replace``); ConfigError naming the file if that
    fails.
    """
    path = directory / SITE_FILE
    try:
        write_private_json(path, site.to_json())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot save the site: {exc.strerror}") from None


def forget_site(directory: Path) -> bool:
    """Delete the saved default site (``site.json``); True if there was one."""
    path = directory / SITE_FILE
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(f"{path}: cannot delete the saved site: {exc.strerror}") from None
    return True


def load_saved_site(directory: Path) -> Site | None:
    """The site saved by ``adfkit jira login`` or ``sites --use``, or None."""
    path = directory / SITE_FILE
    data = read_json_file(path, "saved site")
    if data is None:
        return None
    try:
        return Site.from_json(data)
    except ValueError as exc:
        raise ConfigError(
            f"{path}: not a saved site ({exc}); run `adfkit jira sites --use SITE` "
            "or `adfkit jira login` again"
        ) from None
