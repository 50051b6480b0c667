"""Friendly field values -> the shapes Jira's create API expects, with pre-flight checks.

Shaping is driven by createmeta's ``schema``: ``priority`` by name becomes ``{"id": ..}``,
components by name ``[{"id": ..}]``, labels stay strings (no whitespace: Jira rejects it),
a user becomes ``{"accountId": ..}``, dates ``"YYYY-MM-DD"``, numbers numbers, options
``{"id": ..}`` (or ``{"value": ..}`` when createmeta lists no values), ``parent`` ``{"key": ..}``.
``description``, ``environment`` and textarea custom fields take ADF; Markdown and HTML are
converted with adfkit and every document is validated with ``adfkit.iter_errors``.

``shape_fields`` reports every problem at once in a ``PreflightError``: required fields
missing (required and no default), values outside ``allowedValues``, unknown field names,
invalid ADF (with a JSON Pointer into the request body), and values JSON cannot carry
(NaN, infinities, objects). Values already in Jira's shape (dicts) pass through unchanged,
but when createmeta lists ``allowedValues`` their ``id``/``name``/``value`` must match an
entry; field types not listed above need that form.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from adfkit.jira.createmeta import FieldMeta
from adfkit.jira.errors import FieldProblem, PreflightError

__all__ = ["SET_BY_CREATE", "DescriptionFormat", "is_adf_field", "shape_fields", "to_adf"]

# A format name of adfkit.formats.READERS ("markdown", "html", ...), "adf" or "auto"
# (sniffed): a string, so that a format added to adfkit is accepted without a change here.
DescriptionFormat = str
_TEXTAREA = "com.atlassian.jira.plugin.system.customfieldtypes:textarea"
_ALIASES = {"component": "components", "label": "labels", "type": "issuetype", "due": "duedate"}
# Required fields a caller never supplies by name: create_issue sets project and issue
# type from its own arguments, and Jira fills the reporter with the caller.
SET_BY_CREATE = frozenset({"project", "issuetype", "reporter"})


class _Problem(Exception):
    """Internal: one field's value cannot be shaped."""

    def __init__(self, code: str, message: str, fix: str = "", pointer: str | None = None):
        super().__init__(message)
        self.code, self.message, self.fix, self.pointer = code, message, fix, pointer


class _Problems(Exception):
    """Internal: several problems in one field's value (every error of an ADF document)."""

    def __init__(self, problems: list[_Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


if TYPE_CHECKING:
    from adfkit.document import Document

RichText: TypeAlias = "str | bytes | Document"
"""A description or comment as the client takes it: Markdown, HTML or wiki markup as
text or UTF-8 bytes, or an ADF document (a dict, or a ``Doc`` built with
``adfkit.build``)."""


def is_adf_field(meta: FieldMeta) -> bool:
    """True for fields that take ADF: description, environment, textarea custom fields."""
    return meta.schema.get("system") in ("description", "environment") or (
        meta.schema.get("custom") == _TEXTAREA
    )


def to_adf(value: Any, fmt: DescriptionFormat = "auto") -> Any:
    """Markdown, HTML, wiki markup (text or UTF-8 bytes), an ADF dict or a built
    ``Doc`` -> an ADF dict (not validated here)."""
    from adfkit.jira.richtext import plain_body

    value = plain_body(value)
    if fmt == "adf" or (fmt == "auto" and isinstance(value, dict)):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"expected text, UTF-8 bytes or an ADF document (a dict or a built Doc), "
            f"got {type(value).__name__}"
        )
    from adfkit import formats

    kind = formats.sniff(value) if fmt == "auto" else fmt
    return formats.reader("markdown" if kind == "adf" else kind)(value)


def find_meta(name: str, metas: Sequence[FieldMeta]) -> FieldMeta | None:
    wanted = _ALIASES.get(name.casefold(), name)
    for meta in metas:
        if wanted in (meta.field_id, meta.key):
            return meta
    folded = wanted.casefold()
    matches = [m for m in metas if m.name.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "value"):
            if isinstance(item.get(key), str):
                return str(item[key])
        return str(item.get("id", item))
    return str(item)


def _allowed_list(meta: FieldMeta) -> str:
    return ", ".join(_label(a) for a in meta.allowed_values or [])


_REFERENCE_KEYS = ("id", "name", "value")


def _check_allowed_dict(meta: FieldMeta, value: dict[str, Any]) -> dict[str, Any]:
    """``value`` (already Jira's shape) when its id/name/value match one allowed entry."""
    given = {k: value[k] for k in _REFERENCE_KEYS if k in value}
    if not given:
        raise _Problem(
            "INVALID_VALUE",
            f"{value!r} has none of id, name, value",
            f"use one of: {_allowed_list(meta)}",
        )
    for allowed in meta.allowed_values or []:
        if isinstance(allowed, dict) and all(
            k in allowed and str(allowed[k]) == str(v) for k, v in given.items()
        ):
            return value
    raise _Problem(
        "NOT_ALLOWED",
        f"{value!r} is not an allowed value of {meta.name}",
        f"use one of: {_allowed_list(meta)}",
    )


def _pick_allowed(meta: FieldMeta, value: Any, fallback_key: str) -> dict[str, Any]:
    if isinstance(value, dict):
        if meta.allowed_values is None:
            return value  # already Jira's shape, and nothing to check it against
        return _check_allowed_dict(meta, value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Problem("INVALID_VALUE", f"expected a name, got {type(value).__name__}")
    if meta.allowed_values is None:
        return {fallback_key: value}
    for allowed in meta.allowed_values:
        if isinstance(allowed, dict):
            names = {allowed.get("name"), allowed.get("value")}
            if value in names or value == allowed.get("id"):
                return {"id": str(allowed["id"])} if "id" in allowed else {fallback_key: value}
    folded = [
        a
        for a in meta.allowed_values
        if isinstance(a, dict) and _label(a).casefold() == value.strip().casefold()
    ]
    if len(folded) == 1 and "id" in folded[0]:
        return {"id": str(folded[0]["id"])}
    raise _Problem(
        "NOT_ALLOWED",
        f"{value!r} is not an allowed value of {meta.name}",
        f"use one of: {_allowed_list(meta)}",
    )


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str | dict):
        return [value]
    if isinstance(value, Sequence):
        return list(value)
    raise _Problem("INVALID_VALUE", f"expected a list, got {type(value).__name__}")


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:  # a full ISO date-time names its day too; anything else is not guessed at
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            pass
    raise _Problem("INVALID_VALUE", f"{value!r} is not a date", "use YYYY-MM-DD")


def _datetime(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _Problem(
                "INVALID_VALUE", f"{value!r} is not a date-time", "use ISO 8601"
            ) from None
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return aware.strftime("%Y-%m-%dT%H:%M:%S.000%z")
    raise _Problem("INVALID_VALUE", f"{value!r} is not a date-time", "use ISO 8601")


def _number(value: Any) -> int | float:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise _Problem(
                "INVALID_VALUE", f"{value!r} is not a number", "give a number such as 3 or 2.5"
            ) from None
    else:
        raise _Problem(
            "INVALID_VALUE", f"{value!r} is not a number", "give a number such as 3 or 2.5"
        )
    if not math.isfinite(number):
        # JSON has no NaN or infinity (and "1e999" overflows to infinity).
        raise _Problem(
            "INVALID_VALUE", f"{value!r} is not a finite number", "give a number such as 3 or 2.5"
        )
    if isinstance(value, str) and number.is_integer() and "." not in value:
        return int(number)
    return number


def _adf(value: Any, fmt: DescriptionFormat, pointer: str) -> Any:
    from adfkit import iter_errors

    try:
        doc = to_adf(value, fmt)
    except TypeError as exc:
        raise _Problem("INVALID_VALUE", str(exc), "give Markdown, HTML or an ADF dict") from None
    errors = list(iter_errors(doc))
    if errors:
        raise _Problems(
            [
                _Problem(
                    "INVALID_ADF",
                    f"{error.code}: {error.message}",
                    "fix the document (`adfkit validate` checks it locally)",
                    pointer + error.path,
                )
                for error in errors
            ]
        )
    return doc


def _check_summary(text: str) -> None:
    # Jira's own limits, checked here so the POST is not wasted on them.
    if not text.strip():
        raise _Problem("INVALID_VALUE", "the summary is empty", "give a one-line summary")
    if "\n" in text or "\r" in text:
        raise _Problem(
            "INVALID_VALUE",
            "the summary has a line break (Jira's summary is one line)",
            "move the rest into the description",
        )
    if len(text) > 255:
        raise _Problem(
            "INVALID_VALUE",
            f"the summary has {len(text)} characters; Jira allows at most 255",
            "shorten it and move the rest into the description",
        )


def _shape(meta: FieldMeta, value: Any, fmt: DescriptionFormat) -> Any:
    schema = meta.schema
    kind = schema.get("type")
    items = schema.get("items")
    pointer = f"/fields/{meta.field_id}"
    if is_adf_field(meta):
        return _adf(value, fmt if meta.schema.get("system") == "description" else "auto", pointer)
    if kind in ("priority", "option", "resolution", "securitylevel", "version", "component"):
        return _pick_allowed(meta, value, "value" if kind == "option" else "name")
    if kind == "array" and items in ("component", "option", "version"):
        fallback = "value" if items == "option" else "name"
        shaped: list[Any] = []
        problems: list[str] = []
        for item in _as_list(value):
            try:
                shaped.append(_pick_allowed(meta, item, fallback))
            except _Problem as exc:
                problems.append(exc.message)
        if problems:
            raise _Problem("NOT_ALLOWED", "; ".join(problems), f"use: {_allowed_list(meta)}")
        return shaped
    if kind == "array" and items == "string":
        given = _as_list(value)
        not_text = [v for v in given if not isinstance(v, str)]
        if not_text:
            raise _Problem(
                "INVALID_VALUE",
                f"labels must be text, got {', '.join(type(v).__name__ for v in not_text)}",
                'give strings, e.g. ["bug", "payments"]',
            )
        labels: list[str] = given
        spaced = [label for label in labels if not label or re.search(r"\s", label)]
        if spaced:
            raise _Problem(
                "INVALID_VALUE",
                f"labels cannot contain spaces or be empty: {spaced}",
                "use hyphens or underscores instead of spaces",
            )
        return labels
    if kind == "array" and items == "user":
        return [_user(v) for v in _as_list(value)]
    if isinstance(value, dict):
        return value  # already Jira's shape
    if kind == "string":
        if not isinstance(value, str):
            raise _Problem("INVALID_VALUE", f"expected text, got {type(value).__name__}")
        if schema.get("system") == "summary":
            _check_summary(value)
        return value
    if kind == "number":
        return _number(value)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _datetime(value)
    if kind == "user":
        return _user(value)
    if kind == "issuelink" or meta.field_id == "parent":
        text = str(value).strip()
        return {"id": text} if text.isdigit() else {"key": text}
    if isinstance(value, list | str | int | float) and not isinstance(value, bool):
        return value  # no rule for this type: sent as given
    raise _Problem("INVALID_VALUE", f"no conversion for schema type {kind!r}", "pass Jira's shape")


def _user(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value  # already Jira's shape, e.g. {"accountId": ...}
    if not isinstance(value, str) or not value.strip():
        raise _Problem("INVALID_VALUE", "expected an account id", "give the user's account id")
    return {"accountId": value.strip()}


def _check_json(value: Any) -> None:
    """Raise unless ``value`` encodes as strict JSON (httpx would fail on it mid-send)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        raise _Problem(
            "INVALID_VALUE",
            "contains NaN or an infinite number, which JSON cannot carry",
            "give finite numbers",
        ) from None
    except (TypeError, RecursionError) as exc:
        raise _Problem(
            "INVALID_VALUE",
            f"cannot be sent as JSON ({exc})",
            "give text, numbers, lists and dicts only",
        ) from None


def shape_fields(
    metas: Sequence[FieldMeta],
    values: Mapping[str, Any],
    *,
    description_format: DescriptionFormat = "auto",
    screen: str = "create screen",
    check_required: bool = True,
) -> dict[str, Any]:
    """Shape ``values`` (keyed by field id, key or name) for ``POST /issue``'s ``fields``
    (or, with ``metas`` from editmeta or a transition's screen, for an edit or a
    transition: ``screen`` names it in messages; an edit leaves unnamed fields as they
    are, so ``check_required=False``).

    Raises ``PreflightError`` with every problem found. ``project`` and ``issuetype`` are
    the caller's business and not checked for presence.
    """
    shaped: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, value in values.items():
        if value is None:
            continue
        meta = find_meta(name, metas)
        if meta is None:
            known = ", ".join(sorted(f"{m.name} ({m.field_id})" for m in metas))
            problems.append(
                FieldProblem(
                    name,
                    "UNKNOWN_FIELD",
                    f"no field {name!r} on this project's {screen} for this issue type",
                    f"fields available: {known}",
                )
            )
            continue
        try:
            shaped_value = _shape(meta, value, description_format)
            _check_json(shaped_value)
            shaped[meta.field_id] = shaped_value
        except (_Problem, _Problems) as exc:
            problems.extend(
                FieldProblem(
                    meta.field_id, one.code, f"{meta.name}: {one.message}", one.fix, one.pointer
                )
                for one in (exc.problems if isinstance(exc, _Problems) else [exc])
            )
    supplied = set(shaped) | {p.field for p in problems}
    for meta in metas:
        if (
            check_required
            and meta.must_supply
            and meta.field_id not in supplied
            and meta.field_id not in SET_BY_CREATE
        ):
            allowed = f"; allowed: {_allowed_list(meta)}" if meta.allowed_values else ""
            problems.append(
                FieldProblem(
                    meta.field_id,
                    "MISSING_REQUIRED",
                    f"{meta.name} is required",
                    f"supply {meta.field_id} (--field '{meta.name}=...'){allowed}",
                )
            )
    if problems:
        raise PreflightError(problems)
    return shaped
