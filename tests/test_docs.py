"""The documentation is executable: every error code is documented, and every example
in docs/validation.md yields the code, path and message it shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adfkit import Node, iter_errors

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "validation.md").read_text()
SECTION = re.compile(r"^### `([A-Z_]+)`\n(.*?)(?=^### |^## |\Z)", re.M | re.S)
EXAMPLE = re.compile(r"```json\n(.*?)```\n`(.*)`\n", re.S)


def _sections() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in SECTION.finditer(DOC)}


def test_every_code_the_validator_can_yield_is_documented() -> None:
    source = (ROOT / "adfkit" / "validator.py").read_text()
    used = set(re.findall(r'ValidationError\(\s*"([A-Z_]+)"', source))
    assert used, "the pattern no longer finds the codes"
    assert used == set(_sections())


EXAMPLES = [
    (code, m.group(1), m.group(2))
    for code, body in _sections().items()
    for m in [EXAMPLE.search(body)]
    if m is not None
]


def test_every_code_but_cycle_has_an_example() -> None:
    assert {code for code, _doc, _line in EXAMPLES} == set(_sections()) - {"CYCLE"}


@pytest.mark.parametrize(("code", "document", "shown"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_documented_example_yields_what_the_docs_show(code: str, document: str, shown: str) -> None:
    path, shown_code, message = shown.split(": ", 2)
    assert shown_code == code
    errors = list(iter_errors(json.loads(document)))
    matching = [e for e in errors if (e.code, e.path) == (code, path)]
    assert matching, f"expected {code} at {path!r}; got {[(e.code, e.path) for e in errors]}"
    if message.endswith("..."):
        assert matching[0].message.startswith(message[:-3])
    else:
        assert matching[0].message == message


BUILDER_DOC = (ROOT / "docs" / "builder.md").read_text()


def test_builder_guide_examples_run_and_print_what_they_show(
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", BUILDER_DOC, re.S)
    assert len(blocks) == 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/builder.md", "exec"), namespace)
    printed = capsys.readouterr().out
    (shown,) = re.findall(r"prints\n\n```text\n(.*?)```", BUILDER_DOC, re.S)
    assert printed == shown
    description = namespace["description"]
    assert isinstance(description, Node)
    assert list(iter_errors(description.to_json())) == []
