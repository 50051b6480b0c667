"""The spec table is generated from the vendored schema, stays in sync, and the
generator refuses schema shapes it was not written for."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from adfkit.spec import MARKS, NODES, SCHEMA_SHA256, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCHEMA_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate_spec = _load("generate_spec")
update = _load("update")


def test_committed_table_matches_a_fresh_generation() -> None:
    result = subprocess.run(
        [sys.executable, str(SCHEMA_DIR / "generate_spec.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_vendored_schema_matches_its_recorded_checksum_and_licence() -> None:
    source = json.loads((SCHEMA_DIR / "SOURCE.json").read_text())
    digest = hashlib.sha256((SCHEMA_DIR / "full.json").read_bytes()).hexdigest()
    assert digest == source["sha256"] == SCHEMA_SHA256
    assert source["version"] == SCHEMA_VERSION
    assert source["licence"] == "Apache-2.0"
    assert "Apache License, Version 2.0" in (SCHEMA_DIR / "LICENSE").read_text()
    major, minor, patch = (int(p) for p in SCHEMA_VERSION.split("."))
    assert (major, minor, patch) >= (57, 7, 22)


def _schema() -> Any:
    return json.loads((SCHEMA_DIR / "full.json").read_text())


def _build(schema: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    rules = json.loads((SCHEMA_DIR / "editor-rules.json").read_text())
    builder = generate_spec.Builder(generate_spec.Schema(schema), rules)
    nodes, marks = builder.build()
    return nodes, marks


def test_building_from_the_schema_gives_the_committed_table() -> None:
    nodes, marks = _build(_schema())
    assert nodes == dict(NODES)
    assert marks == dict(MARKS)


def _set_items(d: Any) -> None:
    d["definitions"]["paragraph_node"]["properties"]["content"]["items"] = {"oneOf": []}


def _open_attrs(d: Any) -> None:
    d["definitions"]["rule_node"]["properties"]["attrs"]["additionalProperties"] = True


def _new_value_keyword(d: Any) -> None:
    level = d["definitions"]["heading_node"]["properties"]["attrs"]["properties"]["level"]
    level["multipleOf"] = 1


def _unreachable_node(d: Any) -> None:
    d["definitions"]["orphan_node"] = copy.deepcopy(d["definitions"]["rule_node"])


def _three_part_allof(d: Any) -> None:
    d["definitions"]["paragraph_with_no_marks_node"]["allOf"].append({})


def _marks_max_items(d: Any) -> None:
    heading = d["definitions"]["heading_with_no_marks_node"]["allOf"][1]
    heading["properties"]["marks"]["maxItems"] = 2


def _unrestricted_marks_in_use(d: Any) -> None:
    blockquote = d["definitions"]["blockquote_node"]["properties"]["content"]["items"]["anyOf"]
    blockquote[0] = {"$ref": "#/definitions/paragraph_node"}


def _mixed_enum(d: Any) -> None:
    d["definitions"]["panel_node"]["properties"]["attrs"]["properties"]["panelType"]["enum"].append(
        3
    )


@pytest.mark.parametrize(
    "mutate",
    [
        _set_items,
        _open_attrs,
        _new_value_keyword,
        _unreachable_node,
        _three_part_allof,
        _marks_max_items,
        _unrestricted_marks_in_use,
        _mixed_enum,
    ],
)
def test_generator_refuses_a_schema_shape_it_does_not_understand(
    mutate: Callable[[Any], None],
) -> None:
    schema = _schema()
    mutate(schema)
    with pytest.raises(generate_spec.SchemaShapeError, match=r"update schema/generate_spec\.py"):
        _build(schema)


def test_generator_refuses_a_schema_edited_by_hand(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "adfkit", work / "adfkit")
    shutil.copytree(SCHEMA_DIR, work / "schema")
    (work / "schema" / "full.json").write_text(
        (SCHEMA_DIR / "full.json").read_text().replace('"wide"', '"wider"', 1)
    )
    result = subprocess.run(
        [sys.executable, str(work / "schema" / "generate_spec.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "schema/update.py" in result.stderr


def test_update_vendors_a_package_and_regenerates_the_same_table(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "adfkit", work / "adfkit")
    shutil.copytree(SCHEMA_DIR, work / "schema")
    (work / "schema" / "full.json").write_text("{}")  # the update must replace it
    (work / "adfkit" / "_spec_table.py").write_text("# stale\n")
    package = tmp_path / "package"
    (package / "dist" / "json-schema" / "v1").mkdir(parents=True)
    shutil.copy(SCHEMA_DIR / "full.json", package / "dist" / "json-schema" / "v1" / "full.json")
    shutil.copy(SCHEMA_DIR / "LICENSE", package / "LICENSE")
    (package / "package.json").write_text(
        json.dumps(
            {"name": "@atlaskit/adf-schema", "version": SCHEMA_VERSION, "license": "Apache-2.0"}
        )
    )
    tarball = tmp_path / "adf-schema.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(package, arcname="package")
    result = subprocess.run(
        [sys.executable, str(work / "schema" / "update.py"), "--tarball", str(tarball)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"vendored @atlaskit/adf-schema {SCHEMA_VERSION}" in result.stdout
    assert (work / "adfkit" / "_spec_table.py").read_text() == (
        ROOT / "adfkit" / "_spec_table.py"
    ).read_text()
    source = json.loads((work / "schema" / "SOURCE.json").read_text())
    assert source["sha256"] == SCHEMA_SHA256


# --- what the table says, checked against facts of the schema and the editor --------


def test_every_schema_node_and_mark_type_is_in_the_table() -> None:
    definitions = _schema()["definitions"]
    node_types = {
        d["properties"]["type"]["enum"][0]
        for name, d in definitions.items()
        if name.endswith("_node") and "properties" in d
    }
    mark_types = {
        d["properties"]["type"]["enum"][0] for n, d in definitions.items() if n.endswith("_mark")
    }
    assert node_types == set(NODES)
    assert mark_types == set(MARKS)


def test_variants_fold_into_marks_per_parent_edge() -> None:
    doc = NODES["doc"].content
    assert doc is not None
    assert doc.child_marks["paragraph"] == (
        frozenset({"alignment", "fontSize"}),
        frozenset({"fontSize", "indentation"}),
    )
    assert doc.child_marks["codeBlock"] == (frozenset({"breakout"}),)
    code_block = NODES["codeBlock"].content
    assert code_block is not None
    assert code_block.child_marks["text"] == ()
    list_item = NODES["listItem"].content
    assert list_item is not None
    assert list_item.child_marks["paragraph"] == (frozenset({"fontSize"}),)
    paragraph = NODES["paragraph"].content
    assert paragraph is not None
    assert frozenset({"code", "link", "annotation"}) in paragraph.child_marks["text"]


def test_content_rules_keep_counts_and_the_fixed_prefix() -> None:
    media_single = NODES["mediaSingle"].content
    assert media_single is not None
    assert (media_single.min_items, media_single.max_items) == (1, 2)
    assert media_single.prefix == (frozenset({"media"}), frozenset({"caption"}))
    layout = NODES["layoutSection"].content
    assert layout is not None
    assert (layout.min_items, layout.max_items) == (2, 3)
    row = NODES["tableRow"].content
    assert row is not None
    assert row.min_items == 1
    assert "heading" not in NODES["listItem"].content.children  # type: ignore[union-attr]


def test_attributes_carry_type_enum_range_and_the_stricter_rules() -> None:
    (heading_attrs,) = NODES["heading"].attrs
    level = heading_attrs.properties["level"]
    assert (level.kind, level.minimum, level.maximum) == ("integer", 1, 6)
    assert heading_attrs.required == {"level"}
    (cell_attrs,) = NODES["tableCell"].attrs
    assert cell_attrs.properties["colspan"].minimum == 1
    (panel_attrs,) = NODES["panel"].attrs
    assert panel_attrs.properties["panelType"].enum == (
        "info",
        "note",
        "tip",
        "warning",
        "error",
        "success",
        "custom",
    )
    (link_attrs,) = MARKS["link"].attrs
    assert link_attrs.properties["href"].url
    assert link_attrs.required == {"href"}
    assert len(NODES["media"].attrs) == 2
    (status_attrs,) = NODES["status"].attrs
    assert status_attrs.properties["color"].pattern is not None


def test_mark_exclusions_come_from_the_editor() -> None:
    assert MARKS["code"].excludes >= {"strong", "em", "link", "textColor", "backgroundColor"}
    assert MARKS["strong"].excludes == {"strong"}
    assert MARKS["annotation"].excludes == frozenset()  # annotations may repeat
    assert MARKS["alignment"].excludes == {"alignment", "indentation"}
