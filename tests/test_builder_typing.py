"""What mypy catches: wrong builder calls fail type checking on the marked lines and
nowhere else; right ones pass under ``--strict``."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

HERE = Path(__file__).resolve().parent / "typing"
ROOT = HERE.parent.parent


def _mypy(path: Path) -> tuple[str, int]:
    stdout, stderr, status = api.run(
        ["--strict", "--no-incremental", "--config-file", str(ROOT / "pyproject.toml"), str(path)]
    )
    return stdout + stderr, status


def test_right_uses_pass_mypy_strict() -> None:
    output, status = _mypy(HERE / "right_uses.py")
    assert status == 0, output


def test_wrong_uses_fail_exactly_on_the_marked_lines() -> None:
    source = (HERE / "wrong_uses.py").read_text().splitlines()
    expected = {
        n: m.group(1).strip()
        for n, line in enumerate(source, 1)
        if (m := re.search(r"#\s*E:\s*(.+)$", line))
    }
    assert len(expected) >= 15
    output, status = _mypy(HERE / "wrong_uses.py")
    assert status == 1
    errors: dict[int, list[str]] = {}
    for line in output.splitlines():
        if m := re.match(r".*wrong_uses\.py:(\d+): error: (.*)$", line):
            errors.setdefault(int(m.group(1)), []).append(m.group(2))
    assert sorted(errors) == sorted(expected), output
    for n, wanted in expected.items():
        assert any(wanted in message for message in errors[n]), (n, wanted, errors[n])


def test_right_uses_build_a_valid_document() -> None:
    import sys

    sys.path.insert(0, str(HERE))
    try:
        import right_uses
    finally:
        sys.path.remove(str(HERE))
    from adfkit import iter_errors

    assert list(iter_errors(right_uses.report.to_json())) == []
    assert right_uses.checked == []
