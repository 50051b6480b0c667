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


def _documented_configs() -> dict[str, str]:
    """The ```yaml blocks of the README and the docs that configure the hook."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return {
        f"{page.name}:{n}": block
        for page in pages
        for n, block in enumerate(
            re.findall(r"^```yaml\n(.*?)^```$", page.read_text(), re.M | re.S)
        )
        if "id: adfkit-validate" in block
    }


def test_the_documented_rev_is_this_release() -> None:
    import adfkit

    configs = _documented_configs()
    assert {name.split(":")[0] for name in configs} >= {"README.md", "cookbook.md"}
    for name, block in configs.items():
        assert re.search(r"^    rev: v" + re.escape(adfkit.__version__) + r"\b", block, re.M), name


def test_the_documented_config_works_for_the_tagged_release(
    repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """The README's configuration as written, its URL pointing at a clone of this commit
    tagged as the release (the tag the lead puts on main)."""
    import adfkit

    release = tmp_path / "adfkit-release"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(release)], check=True, capture_output=True)
    _git(release, "tag", "-f", f"v{adfkit.__version__}")
    config = _documented_configs()["README.md:0"]
    (repo / ".pre-commit-config.yaml").write_text(
        config.replace("https://github.com/<you>/adfkit", str(release))
    )
    _git(repo, "add", ".pre-commit-config.yaml")
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit is not None
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)}
    result = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(
        r"bad\.adf\.json:\d+:\d+: /content/0/content/0/text: EMPTY_STRING ", result.stdout
    )
    assert "good.adf.json" not in result.stdout
