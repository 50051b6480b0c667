"""The ADF specification as data: one table that every part of adfkit reads.

Atlassian publishes ADF as a compiled JSON schema (``schema/full.json``). Its content
rules are long ``anyOf`` lists, and the marks a node may carry in a given parent are
encoded as node *variants* (``paragraph_with_no_marks_node``,
``heading_with_alignment_node`` ...). ``schema/generate_spec.py`` folds that back into
a table keyed by node type and mark type, ``adfkit/_spec_table.py``. The validator,
the builder, the strategies and the converters' repair step all read it from here;
none of them hard-codes knowledge the table has.

- ``NODES``: node type -> ``NodeSpec`` (attributes, content rule, marks per child edge)
- ``MARKS``: mark type -> ``MarkSpec`` (attributes, editor exclusions)
- ``SAFE_URL_PREFIXES``: what a link target may start with
- ``SCHEMA_PACKAGE``, ``SCHEMA_VERSION``, ``SCHEMA_SHA256``: where the table came from
"""

from adfkit._spec_model import (
    AttrsSpec,
    ContentSpec,
    EnumValue,
    MarkSpec,
    NodeSpec,
    ValueKind,
    ValueSpec,
)
from adfkit._spec_table import (
    MARKS,
    NODES,
    ROOT_TYPE,
    SAFE_URL_PREFIXES,
    SCHEMA_PACKAGE,
    SCHEMA_SHA256,
    SCHEMA_VERSION,
)

__all__ = [
    "MARKS",
    "NODES",
    "ROOT_TYPE",
    "SAFE_URL_PREFIXES",
    "SCHEMA_PACKAGE",
    "SCHEMA_SHA256",
    "SCHEMA_VERSION",
    "AttrsSpec",
    "ContentSpec",
    "EnumValue",
    "MarkSpec",
    "NodeSpec",
    "ValueKind",
    "ValueSpec",
]
