"""The pre-commit hook, run for real: ``pre-commit try-repo`` against this checkout on
a temporary git repository, installing adfkit into pre-commit's own environment."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VALID = {"type": "doc", "version": 1, "content": [{"type": "paragraph"}]}
INVALID = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.com")
    _git(repo, "config", "user.name", "test")
    (repo / "good.adf.json").write_text(json.dumps(VALID))
    (repo / "bad.adf.json").write_text(json.dumps(INVALID, indent=2))
    (repo / "package.json").write_text('{"name": "not adf"}')  # must not be checked
    _git(repo, "add", ".")
    return repo


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit is not None, "pre-commit is a test dependency"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    args = [pre_commit, "try-repo", str(ROOT), "adfkit-validate", "--verbose"]
    args += ["--files", *files] if files else ["--all-files"]
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_hook_passes_a_valid_file(repo: Path, pre_commit_home: Path) -> None:
    result = _try_repo(repo, pre_commit_home, "good.adf.json", "package.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "adfkit validate" in result.stdout
    assert "Passed" in result.stdout


def test_hook_fails_an_invalid_file_naming_the_pointer(repo: Path, pre_commit_home: Path) -> None:
    result = _try_repo(repo, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert re.search(
        r"bad\.adf\.json:\d+:\d+: /content/0/content/0/text: EMPTY_STRING ", result.stdout
    )
    assert "good.adf.json" not in result.stdout.split("Failed", 1)[1]
    assert "package.json" not in result.stdout.split("Failed", 1)[1]
