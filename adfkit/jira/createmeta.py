"""Create metadata: which issue types a project has and which fields each needs.

Uses the paginated endpoints that replaced the deprecated ``/issue/createmeta``:
``/issue/createmeta/{project}/issuetypes`` and ``/issue/createmeta/{project}/issuetypes/{id}``.
Pages are read until ``startAt + len >= total``; without ``total``, until an empty page or
``isLast: true``; never more than ``MAX_PAGES`` pages (then JiraApiError). Jira Cloud uses
the keys ``issueTypes`` and ``fields``; Data Center answers ``values`` and the spec also
lists ``results``: all are accepted. Issue types are resolved per project (names repeat and
ids differ between projects). Answers are cached as JSON files under ``cache/createmeta``
in the config directory (``cache_directory``) for ``ttl`` seconds; ``refresh=True`` reads
past the cache and stores the fresh answer, ``clear_cache`` drops it all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adfkit.jira.errors import JiraApiError
from adfkit.jira.files import write_private_json

__all__ = ["CreateMeta", "FieldMeta", "IssueType", "MetaCache", "all_pages", "cache_directory"]

GetJson = Callable[[str, Mapping[str, Any]], Any]
PAGE_SIZE = 50  # Jira's default; the maximum is 200
MAX_PAGES = 500  # 25,000 entries: far beyond any real screen; stops a server that never ends


def cache_directory(config_dir: Path | str) -> Path:
    """Where the createmeta cache of a config directory lives (``logout`` clears it)."""
    return Path(config_dir) / "cache" / "createmeta"


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    name: str
    subtask: bool = False


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """One field of a project's issue type, as createmeta describes it."""

    field_id: str
    name: str
    required: bool
    has_default: bool
    schema: Mapping[str, Any]
    allowed_values: list[Any] | None = None
    default_value: Any = None
    operations: tuple[str, ...] = ()
    key: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def must_supply(self) -> bool:
        """Required and without a default: a create without it fails."""
        return self.required and not self.has_default

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldMeta:
        field_id = str(data.get("fieldId") or data.get("key"))
        allowed = data.get("allowedValues")
        return cls(
            field_id=field_id,
            name=str(data.get("name", field_id)),
            required=bool(data.get("required", False)),
            has_default=bool(data.get("hasDefaultValue", False)),
            schema=data.get("schema") or {},
            allowed_values=list(allowed) if isinstance(allowed, list) else None,
            default_value=data.get("defaultValue"),
            operations=tuple(data.get("operations") or ()),
            key=str(data.get("key", field_id)),
            raw=data,
        )


class MetaCache:
    """A small expiring JSON cache on disk; ``ttl`` seconds, injectable clock."""

    def __init__(
        self, directory: Path | str, *, ttl: float = 3600.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.directory = Path(directory)
        self.ttl = ttl
        self._clock = clock

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, key: str) -> Any:
        """The cached value, or None if absent, expired or unreadable."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        stored = entry.get("stored_at")
        if not isinstance(stored, int | float) or self._clock() - stored >= self.ttl:
            return None
        return entry.get("value")

    def put(self, key: str, value: Any) -> None:
        entry = {"key": key, "stored_at": self._clock(), "value": value}
        with contextlib.suppress(OSError):  # a cache that cannot be written is just slower
            write_private_json(self._path(key), entry)

    def clear(self) -> None:
        """Drop every entry (and any temp file a crashed write left behind)."""
        for pattern in ("*.json", "*.tmp"):
            for path in self.directory.glob(pattern):
                with contextlib.suppress(OSError):
                    path.unlink()


def _page_items(body: Any, keys: tuple[str, ...], what: str) -> tuple[list[Any], int | None, bool]:
    """A page's items, its ``total`` (None when absent) and whether it says ``isLast``."""
    if not isinstance(body, dict):
        raise JiraApiError(f"{what}: expected a JSON object", status=200)
    for key in keys:
        items = body.get(key)
        if isinstance(items, list):
            total = body.get("total")
            total = total if isinstance(total, int) and not isinstance(total, bool) else None
            return items, total, body.get("isLast") is True
    raise JiraApiError(f"{what}: the answer has none of {', '.join(keys)}", status=200)


def all_pages(get_json: GetJson, path: str, keys: tuple[str, ...], what: str) -> list[Any]:
    items: list[Any] = []
    start = 0
    for _ in range(MAX_PAGES):
        page, total, last = _page_items(
            get_json(path, {"startAt": start, "maxResults": PAGE_SIZE}), keys, what
        )
        items.extend(page)
        start += len(page)
        if not page or last or (total is not None and start >= total):
            return items
    raise JiraApiError(
        f"{what}: still more after {MAX_PAGES} pages ({len(items)} entries); giving up",
        status=200,
    )


class CreateMeta:
    """createmeta reader for one site. ``get_json(path, params)`` does the HTTP GET."""

    def __init__(
        self, get_json: GetJson, *, cache: MetaCache | None = None, site_key: str = ""
    ) -> None:
        self._get_json = get_json
        self._cache = cache
        self._site_key = site_key
        # Keys whose latest answer came from the cache rather than from Jira.
        self._served_from_cache: set[str] = set()

    def _cached(self, key: str, load: Callable[[], list[Any]], *, refresh: bool) -> list[Any]:
        full = f"{self._site_key}|{key}"
        if self._cache is not None and not refresh:
            hit = self._cache.get(full)
            if isinstance(hit, list):
                self._served_from_cache.add(key)
                return hit
        value = load()
        self._served_from_cache.discard(key)
        if self._cache is not None:
            self._cache.put(full, value)
        return value

    def clear_cache(self) -> None:
        """Drop every cached answer (of every site sharing the cache directory)."""
        if self._cache is not None:
            self._cache.clear()
        self._served_from_cache.clear()

    def issue_types_came_from_cache(self, project: str) -> bool:
        """True when the latest ``issue_types(project)`` answer was read from the cache."""
        return f"types|{project}" in self._served_from_cache

    def fields_came_from_cache(self, project: str, issue_type_id: str) -> bool:
        """True when the latest ``fields(project, id)`` answer was read from the cache."""
        return f"fields|{project}|{issue_type_id}" in self._served_from_cache

    def issue_types(self, project: str, *, refresh: bool = False) -> list[IssueType]:
        """Every issue type that can be created in ``project`` (key or id)."""
        path = f"issue/createmeta/{project}/issuetypes"
        raw = self._cached(
            f"types|{project}",
            lambda: all_pages(self._get_json, path, ("issueTypes", "values"), path),
            refresh=refresh,
        )
        return [
            IssueType(id=str(t["id"]), name=str(t.get("name", "")), subtask=bool(t.get("subtask")))
            for t in raw
            if isinstance(t, dict) and "id" in t
        ]

    def resolve_issue_type(self, project: str, wanted: str, *, refresh: bool = False) -> IssueType:
        """The issue type of ``project`` named ``wanted`` (case-insensitive) or with that id."""
        types = self.issue_types(project, refresh=refresh)
        for candidate in types:
            if candidate.id == wanted:
                return candidate
        for candidate in types:
            if candidate.name.casefold() == wanted.strip().casefold():
                return candidate
        names = ", ".join(f"{t.name} (id {t.id})" for t in types) or "none"
        raise JiraApiError(
            f"project {project} has no issue type {wanted!r}; it has: {names}",
            status=400,
            errors={"issuetype": f"unknown issue type {wanted!r}"},
        )

    def fields(self, project: str, issue_type_id: str, *, refresh: bool = False) -> list[FieldMeta]:
        """The fields of one issue type in one project."""
        path = f"issue/createmeta/{project}/issuetypes/{issue_type_id}"
        raw = self._cached(
            f"fields|{project}|{issue_type_id}",
            lambda: all_pages(self._get_json, path, ("fields", "values", "results"), path),
            refresh=refresh,
        )
        return [FieldMeta.from_json(f) for f in raw if isinstance(f, dict)]
