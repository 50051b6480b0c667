"""The documentation is executable: every error code is documented, and every example
in docs/validation.md yields the code, path and message it shows. (The Python examples
of every page run in tests/test_docs_examples.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adfkit import iter_errors

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
