"""Generate ``adfkit/_spec_table.py`` from the vendored ``schema/full.json``.

Usage::

    python schema/generate_spec.py          # rewrite adfkit/_spec_table.py
    python schema/generate_spec.py --check  # exit 1 if the committed table is stale

The published schema is a compiled artefact: content rules are ``anyOf`` lists and
"variants" (``paragraph_with_alignment_node`` = ``paragraph_node`` with alignment
marks allowed) say which marks a node may carry in a given parent. This script turns
it back into a table keyed by node type (see ``adfkit/spec.py``), folds in the
editor rules the schema does not carry (``schema/editor-rules.json``), and refuses,
with a ``SchemaShapeError`` naming the definition, any shape it does not understand:
an upstream schema change must be looked at by a person, not absorbed silently.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, Field, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from adfkit._spec_model import (  # noqa: E402  (needs the sys.path entry above)
    AttrsSpec,
    ContentSpec,
    MarkSpec,
    NodeSpec,
    ValueSpec,
)

SCHEMA = HERE / "full.json"
SOURCE = HERE / "SOURCE.json"
RULES = HERE / "editor-rules.json"
TARGET = ROOT / "adfkit" / "_spec_table.py"

Json = Any  # a parsed JSON value from the schema; shapes are checked as they are read
MarkAlt = frozenset[str] | None  # None: marks unrestricted (only seen on base definitions)


class SchemaShapeError(Exception):
    """The schema contains a construct this generator was not written for."""


def _fail(where: str, what: str) -> SchemaShapeError:
    return SchemaShapeError(f"{where}: {what}; update schema/generate_spec.py deliberately")


def _only_keys(where: str, obj: Mapping[str, Json], allowed: Iterable[str]) -> None:
    extra = set(obj) - set(allowed)
    if extra:
        raise _fail(where, f"unexpected keys {sorted(extra)}")


def _ref_name(where: str, ref: Json) -> str:
    if not isinstance(ref, dict) or set(ref) != {"$ref"}:
        raise _fail(where, f"expected a lone $ref, found {ref!r}")
    target = ref["$ref"]
    prefix = "#/definitions/"
    if not isinstance(target, str) or not target.startswith(prefix):
        raise _fail(where, f"unsupported $ref {target!r}")
    return target[len(prefix) :]


@dataclass(frozen=True)
class Variant:
    """One node definition of the schema after ``allOf`` inheritance is applied."""

    name: str
    type: str
    base: str | None
    properties: Mapping[str, Json]
    required: frozenset[str]


class Schema:
    """Reads definitions of ``full.json`` and answers questions about them."""

    def __init__(self, schema: Json) -> None:
        _only_keys("root", schema, ["$ref", "$schema", "description", "definitions"])
        self.defs: dict[str, Json] = schema["definitions"]
        self.root = _ref_name("root", {"$ref": schema["$ref"]})

    def variant(self, name: str) -> Variant:
        d = self.defs[name]
        if "allOf" in d:
            _only_keys(name, d, ["allOf"])
            parts = d["allOf"]
            if len(parts) != 2:
                raise _fail(name, "allOf with other than a base and an override")
            base_name = _ref_name(name, parts[0])
            base = self.variant(base_name)
            override = parts[1]
            _only_keys(name, override, ["type", "properties", "required", "additionalProperties"])
            if override.get("additionalProperties") is not True:
                raise _fail(name, "an override must allow the base's properties")
            props = dict(base.properties)
            props.update(override.get("properties", {}))
            required = base.required | frozenset(override.get("required", []))
            return Variant(name, base.type, base_name, props, required)
        _only_keys(name, d, ["type", "properties", "required", "additionalProperties"])
        if d.get("type") != "object":
            raise _fail(name, "a node definition that is not an object")
        props = d["properties"]
        type_enum = props.get("type", {}).get("enum")
        if not (isinstance(type_enum, list) and len(type_enum) == 1):
            raise _fail(name, "properties.type is not a single-value enum")
        if d.get("additionalProperties") is not False and "content" in props:
            raise _fail(name, "a node definition open to unknown properties")
        return Variant(name, type_enum[0], None, props, frozenset(d.get("required", [])))

    def flatten(self, where: str, schema: Json) -> list[str]:
        """Node definition names allowed by an item schema (following group definitions)."""
        if "anyOf" in schema:
            _only_keys(where, schema, ["anyOf"])
            return [n for s in schema["anyOf"] for n in self.flatten(where, s)]
        name = _ref_name(where, schema)
        d = self.defs[name]
        if set(d) == {"anyOf"}:
            return self.flatten(name, d)
        if name.endswith("_node"):
            return [name]
        raise _fail(name, "an item definition that is neither a node nor a group")

    def content_array(self, where: str, schema: Json) -> Json:
        if set(schema) == {"$ref"}:
            name = _ref_name(where, schema)
            return self.content_array(name, self.defs[name])
        _only_keys(where, schema, ["type", "items", "minItems", "maxItems"])
        if schema.get("type") != "array" or "items" not in schema:
            raise _fail(where, "content that is not an array with items")
        return schema

    def marks(self, where: str, schema: Json | None) -> MarkAlt | Literal[False]:
        """The mark types a variant allows on itself: a set, None (any), or False (none)."""
        if schema is None:
            return False
        _only_keys(where, schema, ["type", "items", "maxItems"])
        if schema.get("type") != "array":
            raise _fail(where, "marks that are not an array")
        if schema.get("maxItems") == 0:
            return frozenset()
        if "maxItems" in schema:
            raise _fail(where, "marks with a maxItems other than 0")
        if "items" not in schema:
            return None
        return frozenset(self.mark_type(r) for r in self._refs(where, schema["items"]))

    def _refs(self, where: str, schema: Json) -> list[str]:
        if "anyOf" in schema:
            _only_keys(where, schema, ["anyOf"])
            return [_ref_name(where, r) for r in schema["anyOf"]]
        return [_ref_name(where, schema)]

    def mark_type(self, name: str) -> str:
        if not name.endswith("_mark"):
            raise _fail(name, "a marks item that is not a mark definition")
        enum = self.defs[name]["properties"]["type"]["enum"]
        if len(enum) != 1:
            raise _fail(name, "mark type enum with several values")
        return str(enum[0])


def parse_value(where: str, s: Json) -> ValueSpec:
    """One attribute value schema to a ``ValueSpec``."""
    if s == {}:
        return ValueSpec("any")
    if "enum" in s:
        _only_keys(where, s, ["enum"])
        values = tuple(s["enum"])
        if all(isinstance(v, str) for v in values):
            return ValueSpec("string", enum=values)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return ValueSpec("number", enum=values)
        raise _fail(where, f"enum of mixed types {values!r}")
    kind = s.get("type")
    if kind == "string":
        _only_keys(where, s, ["type", "minLength", "pattern"])
        return ValueSpec("string", min_length=s.get("minLength"), pattern=s.get("pattern"))
    if kind == "number":
        _only_keys(where, s, ["type", "minimum", "maximum"])
        return ValueSpec("number", minimum=s.get("minimum"), maximum=s.get("maximum"))
    if kind == "boolean":
        _only_keys(where, s, ["type"])
        return ValueSpec("boolean")
    if kind == "array":
        _only_keys(where, s, ["type", "items", "minItems"])
        items = parse_value(f"{where}[]", s["items"]) if "items" in s else None
        return ValueSpec("array", items=items, min_items=s.get("minItems"))
    if kind == "object":
        _only_keys(where, s, ["type", "properties", "required", "additionalProperties"])
        if s.get("additionalProperties", True) is not False:
            raise _fail(where, "an object value open to unknown keys")
        props = {k: parse_value(f"{where}.{k}", v) for k, v in s["properties"].items()}
        # Always closed (open objects are refused above), so the model needs no flag.
        return ValueSpec("object", properties=props, required=frozenset(s.get("required", [])))
    raise _fail(where, f"unsupported value schema {s!r}")


def parse_attrs(where: str, s: Json) -> tuple[AttrsSpec, ...]:
    """An ``attrs`` schema (an object, or anyOf objects) to its alternatives."""
    alternatives = s["anyOf"] if set(s) == {"anyOf"} else [s]
    out = []
    for i, alt in enumerate(alternatives):
        w = f"{where}.attrs[{i}]"
        _only_keys(w, alt, ["type", "properties", "required", "additionalProperties"])
        if alt.get("type") != "object" or alt.get("additionalProperties") is not False:
            raise _fail(w, "attrs that are not a closed object")
        props = {k: parse_value(f"{w}.{k}", v) for k, v in alt["properties"].items()}
        required = frozenset(alt.get("required", []))
        if not required <= set(props):
            raise _fail(w, "a required attribute with no schema")
        out.append(AttrsSpec(props, required))
    return tuple(out)


@dataclass(frozen=True)
class Content:
    """A content rule before the per-parent mark information is attached."""

    items: tuple[tuple[str, ...], ...]  # positional item definitions; one entry = uniform
    positional: bool
    min_items: int
    max_items: int | None

    def allowed_at(self, i: int) -> frozenset[str]:
        if not self.positional:
            return frozenset(self.items[0])
        return frozenset(self.items[min(i, len(self.items) - 1)])


def parse_content(schema: Schema, where: str, s: Json) -> Content:
    arr = schema.content_array(where, s)
    items = arr["items"]
    positional = isinstance(items, list)
    groups = tuple(tuple(schema.flatten(where, x)) for x in (items if positional else [items]))
    if positional and len(set(groups)) == 1:
        positional = False  # [X, X] with extra items unconstrained: read as X+ (stricter)
        groups = groups[:1]
    return Content(groups, positional, arr.get("minItems", 0), arr.get("maxItems"))


def _covers(a: Content, b: Content, types: Mapping[str, str]) -> bool:
    """Whether every child sequence rule ``b`` allows, rule ``a`` allows too."""
    if a.min_items > b.min_items:
        return False
    if a.max_items is not None and (b.max_items is None or b.max_items > a.max_items):
        return False
    span = max(len(a.items), len(b.items)) + 1
    for i in range(span if b.max_items is None else min(span, b.max_items)):
        bt = {types[n] for n in b.allowed_at(i)}
        at = {types[n] for n in a.allowed_at(i)}
        if not bt <= at:
            return False
    return True


@dataclass
class Collected:
    """Everything learnt about one node type across all the places it appears."""

    node: NodeSpec | None = None
    content: Content | None = None


class Builder:
    """Walks the schema from ``doc`` and builds the node and mark tables."""

    def __init__(self, schema: Schema, rules: Json) -> None:
        self.schema = schema
        self.rules = rules
        self.types: dict[str, str] = {}  # definition name -> node type
        self.nodes: dict[str, Collected] = {}

    def variant(self, name: str) -> Variant:
        v = self.schema.variant(name)
        self.types[name] = v.type
        return v

    def build(self) -> tuple[dict[str, NodeSpec], dict[str, MarkSpec]]:
        todo = [self.schema.root]
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(self._collect(name))
        node_defs = {
            n for n, d in self.schema.defs.items() if n.endswith("_node") and "anyOf" not in d
        }
        unused = node_defs - seen
        for name in unused:  # bases are reached through their variants
            if not any(self.schema.variant(v).base == name for v in seen):
                raise _fail(name, "a node definition not reachable from doc")
        nodes = {t: c.node for t, c in sorted(self.nodes.items()) if c.node is not None}
        return self._apply_node_rules(nodes), self._marks()

    def _collect(self, name: str) -> list[str]:
        """Record the node type of definition ``name``; return the definitions it uses."""
        v = self.variant(name)
        props = v.properties
        _only_keys(name, props, ["type", "attrs", "content", "marks", "version", "text"])
        children: list[str] = []
        content_spec: ContentSpec | None = None
        content: Content | None = None
        if "content" in props:
            content = parse_content(self.schema, name, props["content"])
            defs = [d for group in content.items for d in group]
            content_spec, children = self._content_spec(name, content, defs)
        attrs = parse_attrs(name, props["attrs"]) if "attrs" in props else ()
        extra = {k: parse_value(f"{name}.{k}", props[k]) for k in ("version", "text") if k in props}
        may_have_marks = self.schema.marks(name, props.get("marks")) is not False
        node = NodeSpec(
            type=v.type,
            group=self._group(v.type),
            attrs=attrs,
            content=content_spec,
            properties=extra,
            required=v.required - {"type"},
            marks=may_have_marks,
        )
        self._merge(name, node, content)
        return children

    def _group(self, node_type: str) -> Any:
        def types_of(group: str) -> set[str]:
            return {
                self.schema.variant(n).type
                for n in self.schema.flatten(group, {"$ref": f"#/definitions/{group}"})
            }

        if node_type in types_of("block_content") or node_type in self._doc_children():
            return "block"
        if node_type in types_of("inline_node"):
            return "inline"
        return "other"

    def _doc_children(self) -> set[str]:
        doc = self.schema.variant(self.schema.root)
        c = parse_content(self.schema, doc.name, doc.properties["content"])
        return {self.schema.variant(n).type for g in c.items for n in g}

    def _merge(self, name: str, node: NodeSpec, content: Content | None) -> None:
        """Fold one variant into its type's record. Variants of a type may differ in the
        marks they carry and in content rules where one rule covers the other
        (``mediaSingle`` with a caption covers ``mediaSingle`` without)."""
        rec = self.nodes.setdefault(node.type, Collected())
        if rec.node is None:
            rec.node, rec.content = node, content
            return
        marks = rec.node.marks or node.marks
        plain = {"content": None, "marks": False}
        if replace(rec.node, **plain) != replace(node, **plain):  # type: ignore[arg-type]
            raise _fail(name, f"variants of {node.type!r} differ in more than marks and content")
        if content != rec.content:
            if content is None or rec.content is None:
                raise _fail(name, f"only some variants of {node.type!r} have content")
            if _covers(content, rec.content, self.types):
                rec.node, rec.content = node, content
            elif not _covers(rec.content, content, self.types):
                raise _fail(name, f"content rules of {node.type!r} variants do not nest")
        rec.node = replace(rec.node, marks=marks)

    def _content_spec(
        self, parent: str, content: Content, defs: list[str]
    ) -> tuple[ContentSpec, list[str]]:
        """The content rule of ``parent``, and the child definitions it really uses."""
        by_type: dict[str, list[str]] = {}
        children: list[str] = []
        for d in dict.fromkeys(defs):
            by_type.setdefault(self.variant(d).type, []).append(d)
        child_marks: dict[str, tuple[frozenset[str], ...]] = {}
        for child_type, variants in by_type.items():
            bases = {self.schema.variant(d).base for d in variants}
            used = [
                d for d in variants if d not in bases
            ]  # a base beside its variants adds nothing
            children.extend(used)
            alts: set[frozenset[str]] = set()
            for d in used:
                m = self.schema.marks(d, self.schema.variant(d).properties.get("marks"))
                if m is None:
                    raise _fail(d, f"unrestricted marks on {child_type!r} inside {parent!r}")
                if isinstance(m, frozenset) and m:
                    alts.add(m)
            maximal = [a for a in alts if not any(a < b for b in alts)]
            child_marks[child_type] = tuple(sorted(maximal, key=sorted))
        prefix: tuple[frozenset[str], ...] = ()
        if content.positional:
            prefix = tuple(frozenset(self.types[d] for d in g) for g in content.items)
        spec = ContentSpec(
            children=frozenset(by_type),
            child_marks=child_marks,
            min_items=content.min_items,
            max_items=content.max_items,
            prefix=prefix,
        )
        return spec, children

    def _apply_node_rules(self, nodes: dict[str, NodeSpec]) -> dict[str, NodeSpec]:
        for edge in self.rules["no_child_marks"]["edges"]:
            parent, child = edge.split(">")
            spec = nodes[parent]
            if spec.content is None or child not in spec.content.child_marks:
                raise _fail(f"editor-rules no_child_marks {edge}", "no such parent-child edge")
            child_marks = {**spec.content.child_marks, child: ()}
            nodes[parent] = replace(spec, content=replace(spec.content, child_marks=child_marks))
        for node_type, minimum in _entries(self.rules["min_content"]):
            spec = nodes[node_type]
            if spec.content is None:
                raise _fail(f"editor-rules min_content.{node_type}", "node has no content")
            content = replace(spec.content, min_items=max(spec.content.min_items, minimum))
            nodes[node_type] = replace(spec, content=content)
        for key, extra in _entries(self.rules["integer_attrs"]):
            if not key.startswith("mark:"):
                nodes = _edit_node_attr(nodes, key, lambda v, k=key, e=extra: _integer(k, v, e))
        for key, pattern in _entries(self.rules["pattern_attrs"]):
            nodes = _edit_node_attr(nodes, key, lambda v, k=key, p=pattern: _pattern(k, v, p))
        for key in self.rules["url_attrs"]["attrs"]:
            if not key.startswith("mark:"):
                nodes = _edit_node_attr(nodes, key, lambda v, k=key: _url(k, v))
        for key in self.rules["object_attrs"]["attrs"]:
            nodes = _edit_node_attr(nodes, key, lambda v, k=key: _any_object(k, v))
        return nodes

    def _marks(self) -> dict[str, MarkSpec]:
        rules = dict(_entries(self.rules["mark_rules"]))
        defs = {
            self.schema.mark_type(n): d for n, d in self.schema.defs.items() if n.endswith("_mark")
        }
        if set(rules) != set(defs):
            raise _fail(
                "editor-rules mark_rules",
                f"marks differ from the schema's: {sorted(set(rules) ^ set(defs))}",
            )
        groups: dict[str, set[str]] = {}
        for mark, rule in rules.items():
            groups.setdefault(rule.get("group", mark), set()).add(mark)
        marks: dict[str, MarkSpec] = {}
        for mark, d in sorted(defs.items()):
            where = f"{mark}_mark"
            _only_keys(where, d, ["type", "properties", "required", "additionalProperties"])
            _only_keys(where, d["properties"], ["type", "attrs"])
            attrs = (
                parse_attrs(where, d["properties"]["attrs"]) if "attrs" in d["properties"] else ()
            )
            tokens = rules[mark].get("excludes", mark).split()
            excludes = frozenset(
                m for t in tokens for m in groups.get(t, {t} if t in defs else set())
            )
            marks[mark] = MarkSpec(
                type=mark,
                attrs=attrs,
                attrs_required="attrs" in d.get("required", []),
                excludes=excludes,
            )
        for key, extra in _entries(self.rules["integer_attrs"]):
            if key.startswith("mark:"):
                marks = _edit_mark_attr(marks, key, lambda v, k=key, e=extra: _integer(k, v, e))
        for key in self.rules["url_attrs"]["attrs"]:
            if key.startswith("mark:"):
                marks = _edit_mark_attr(marks, key, lambda v, k=key: _url(k, v))
        return marks


def _entries(section: Mapping[str, Json]) -> Iterator[tuple[str, Json]]:
    return ((k, v) for k, v in section.items() if not k.startswith("$"))


def _integer(key: str, v: ValueSpec, extra: Mapping[str, Json]) -> ValueSpec:
    if v.kind != "number":
        raise _fail(f"editor-rules integer_attrs.{key}", f"attribute is {v.kind}, not number")
    minimum = extra.get("minimum", v.minimum)
    if v.minimum is not None and minimum is not None:
        minimum = max(minimum, v.minimum)
    return replace(v, kind="integer", minimum=minimum)


def _pattern(key: str, v: ValueSpec, pattern: str) -> ValueSpec:
    if v.kind != "string" or v.pattern is not None:
        raise _fail(f"editor-rules pattern_attrs.{key}", "not a string without a pattern")
    return replace(v, pattern=pattern)


def _url(key: str, v: ValueSpec) -> ValueSpec:
    if v.kind != "string":
        raise _fail(f"editor-rules url_attrs.{key}", "not a string attribute")
    return replace(v, url=True)


def _any_object(key: str, v: ValueSpec) -> ValueSpec:
    if v.kind != "any":
        raise _fail(f"editor-rules object_attrs.{key}", f"attribute is {v.kind}, not any")
    return ValueSpec("object")


def _edit_value(v: ValueSpec, steps: list[str], key: str, edit: Any) -> ValueSpec:
    """Apply ``edit`` to the value reached by ``steps`` (property names; ``[]`` = items)."""
    if not steps:
        return edit(v)  # type: ignore[no-any-return]
    step, rest = steps[0], steps[1:]
    if step == "[]" and v.items is not None:
        return replace(v, items=_edit_value(v.items, rest, key, edit))
    if v.properties is not None and step in v.properties:
        inner = _edit_value(v.properties[step], rest, key, edit)
        return replace(v, properties={**v.properties, step: inner})
    raise _fail(f"editor-rules {key}", f"no {step!r} inside this attribute")


def _edit_attrs(
    alts: tuple[AttrsSpec, ...], key: str, path: str, edit: Any
) -> tuple[AttrsSpec, ...]:
    attr, *steps = path.replace("[]", ".[]").split(".")
    found = False
    out = []
    for a in alts:
        if attr in a.properties:
            found = True
            value = _edit_value(a.properties[attr], steps, key, edit)
            a = replace(a, properties={**a.properties, attr: value})
        out.append(a)
    if not found:
        raise _fail(f"editor-rules {key}", "no such attribute in the schema")
    return tuple(out)


def _edit_node_attr(nodes: dict[str, NodeSpec], key: str, edit: Any) -> dict[str, NodeSpec]:
    node_type, attr = key.split(".", 1)
    spec = nodes[node_type]
    return {**nodes, node_type: replace(spec, attrs=_edit_attrs(spec.attrs, key, attr, edit))}


def _edit_mark_attr(marks: dict[str, MarkSpec], key: str, edit: Any) -> dict[str, MarkSpec]:
    mark_type, attr = key.removeprefix("mark:").split(".")
    spec = marks[mark_type]
    return {**marks, mark_type: replace(spec, attrs=_edit_attrs(spec.attrs, key, attr, edit))}


# --- emitting the Python module -------------------------------------------------------


def _py(value: Any, indent: int) -> str:
    """Python source for a table value, one field per line, sorted for stable diffs."""
    pad = "    " * (indent + 1)
    end = "    " * indent
    if isinstance(value, ValueSpec | AttrsSpec | ContentSpec | NodeSpec | MarkSpec):
        parts = [
            f"{f.name}={_py(getattr(value, f.name), indent + 1)}"
            for f in fields(value)
            if not _is_default(f, getattr(value, f.name))
        ]
        inner = ",\n".join(pad + p for p in parts)
        return f"{type(value).__name__}(\n{inner},\n{end})"
    if isinstance(value, frozenset):
        if not value:
            return "frozenset()"
        return "frozenset({" + ", ".join(json.dumps(v) for v in sorted(value)) + "})"
    if isinstance(value, tuple):
        if not value:
            return "()"
        inner = ",\n".join(pad + _py(v, indent + 1) for v in value)
        return f"(\n{inner},\n{end})"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = sorted(value.items())
        inner = ",\n".join(f"{pad}{json.dumps(k)}: {_py(v, indent + 1)}" for k, v in items)
        return "{\n" + inner + ",\n" + end + "}"
    if isinstance(value, str):
        return json.dumps(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"cannot emit {value!r}")


def _is_default(f: Field[Any], value: Any) -> bool:
    if f.default is not MISSING:
        return bool(value == f.default)
    if f.default_factory is not MISSING:
        return bool(value == f.default_factory())
    return False


def render(
    nodes: Mapping[str, NodeSpec], marks: Mapping[str, MarkSpec], source: Json, rules: Json
) -> str:
    prefixes = tuple(rules["safe_url_prefixes"]["prefixes"])
    return f'''"""The ADF specification table. GENERATED: do not edit by hand.

Generated by ``python schema/generate_spec.py`` from ``schema/full.json``
({source["package"]} {source["version"]}, sha256 {source["sha256"][:16]}...) and
``schema/editor-rules.json``. ``tests/test_spec_table.py`` regenerates it and fails on
any difference. Read it through ``adfkit.spec``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from adfkit._spec_model import AttrsSpec, ContentSpec, MarkSpec, NodeSpec, ValueSpec

SCHEMA_PACKAGE: Final = {json.dumps(source["package"])}
SCHEMA_VERSION: Final = {json.dumps(source["version"])}
SCHEMA_SHA256: Final = {json.dumps(source["sha256"])}

ROOT_TYPE: Final = "doc"

SAFE_URL_PREFIXES: Final[tuple[str, ...]] = {_py(prefixes, 0)}

NODES: Final[Mapping[str, NodeSpec]] = {_py(nodes, 0)}

MARKS: Final[Mapping[str, MarkSpec]] = {_py(marks, 0)}
'''


def generate() -> str:
    raw = SCHEMA.read_bytes()
    source = json.loads(SOURCE.read_text())
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source["sha256"]:
        raise SchemaShapeError(
            f"schema/full.json has sha256 {digest}, SOURCE.json says {source['sha256']}; "
            "run schema/update.py instead of editing the schema by hand"
        )
    rules = json.loads(RULES.read_text())
    builder = Builder(Schema(json.loads(raw)), rules)
    nodes, marks = builder.build()
    if "doc" not in nodes or builder.schema.root != "doc_node":
        raise _fail("root", "the root is not doc_node")
    return render(nodes, marks, source, rules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed table is stale")
    args = parser.parse_args(argv)
    try:
        text = generate()
    except SchemaShapeError as exc:
        print(f"generate_spec: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(
                f"{TARGET.relative_to(ROOT)} is stale: run python schema/generate_spec.py",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
