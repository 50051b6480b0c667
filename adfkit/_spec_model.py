"""The record types of the ADF spec table (read them through ``adfkit.spec``).

Kept apart from the table so ``schema/generate_spec.py`` can build a new table even
when the committed one is stale or broken.

The ADF specification as data: one table that every part of adfkit reads.

Atlassian publishes ADF as a compiled JSON schema (``schema/full.json``). Its content
rules are long ``anyOf`` lists, and the marks a node may carry in a given parent are
encoded as node *variants* (``paragraph_with_no_marks_node``,
``heading_with_alignment_node`` ...). ``schema/generate_spec.py`` folds that back into
what it was before compilation: a table keyed by node type and mark type, written to
``adfkit/_spec_table.py``. The validator, the builder, the strategies and the
converters' repair step all read the table through this module; none of them
hard-codes knowledge the table has.

The classes here are plain frozen records so the generated module is a literal,
reviewable description of the schema, and so readers can rely on it not changing
under them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ValueKind = Literal["string", "number", "integer", "boolean", "array", "object", "any"]
"""JSON type of an attribute value. ``integer`` is a number with no fractional
part (``1.0`` counts); ``any`` is an opaque JSON value such as extension parameters."""

EnumValue = str | int | float | bool


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """The constraints on one attribute value (a small subset of JSON Schema).

    ``url`` marks values that are hyperlinks a renderer will follow; they must use a
    scheme from ``SAFE_URL_SCHEMES`` or be page-relative (``/path``, ``#anchor``).
    """

    kind: ValueKind
    enum: tuple[EnumValue, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    pattern: str | None = None
    url: bool = False
    items: ValueSpec | None = None
    min_items: int | None = None
    properties: Mapping[str, ValueSpec] | None = None
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AttrsSpec:
    """One allowed shape of a node's or mark's ``attrs`` object.

    Most types have exactly one; a few (``media``, ``inlineCard``, ``blockCard``,
    ``mediaSingle``) accept one of several shapes.
    """

    properties: Mapping[str, ValueSpec]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ContentSpec:
    """What a node's ``content`` array may hold.

    ``child_marks`` gives, per child type, the alternative sets of mark types the child
    may carry *in this parent* (the schema's ``*_with_no_marks``/``*_with_alignment``
    variants fold into this). A child's marks must all come from one alternative; an
    empty tuple means the child takes no marks here.

    ``prefix`` is the rare positional rule (``mediaSingle``: a ``media``, then
    optionally a ``caption``): item ``i`` must be one of ``prefix[i]``.
    """

    children: frozenset[str]
    child_marks: Mapping[str, tuple[frozenset[str], ...]]
    min_items: int = 0
    max_items: int | None = None
    prefix: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """Everything the schema says about one node type.

    ``properties`` holds the top-level keys other than ``type``, ``attrs``,
    ``content`` and ``marks`` (``version`` on ``doc``, ``text`` on ``text``).
    ``required`` names the top-level keys that must be present. ``marks`` says
    whether the node can carry marks in at least one parent.
    """

    type: str
    group: Literal["block", "inline", "other"]
    attrs: tuple[AttrsSpec, ...] = ()
    content: ContentSpec | None = None
    properties: Mapping[str, ValueSpec] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    marks: bool = False


@dataclass(frozen=True, slots=True)
class MarkSpec:
    """Everything the schema and the editor say about one mark type.

    ``excludes`` lists the mark types that cannot appear on the same node as this
    one (from the editor's ProseMirror schema; it includes the mark itself unless the
    mark may repeat, as ``annotation`` may with different ids).
    """

    type: str
    attrs: tuple[AttrsSpec, ...] = ()
    attrs_required: bool = False
    excludes: frozenset[str] = frozenset()
