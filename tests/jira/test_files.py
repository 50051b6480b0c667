"""``adfkit.jira.files.write_private_json``: whole or not at all, owner-only."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from adfkit.jira.files import write_private_json


def test_the_file_holds_the_json_and_only_its_owner_can_read_it(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.json"
    write_private_json(path, {"b": 1, "a": [2]}, indent=1, sort_keys=True)
    assert json.loads(path.read_text()) == {"a": [2], "b": 1}
    assert path.read_text().startswith('{\n "a"')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_mode_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_private_json(tmp_path / "x.json", [])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.json").stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.json"
    write_private_json(path, {"old": True})

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_private_json(path, {"new": True})
    assert json.loads(path.read_text()) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]


def test_data_that_is_not_json_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_private_json(tmp_path / "x.json", {"when": object()})
    assert list(tmp_path.iterdir()) == []
