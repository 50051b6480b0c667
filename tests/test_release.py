"""A release a user can pin: ``python -m build`` makes an sdist and a wheel that
``twine check`` accepts, and the wheel works on its own.

The wheel is built from the sdist (``build``'s default), so a file missing from the
sdist shows up as a broken wheel. It is installed into a fresh virtual environment and
run from an empty directory, so nothing of the source tree is on the path: what passes
here is what a user who pins the release gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import adfkit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
VALID = {"type": "doc", "version": 1, "content": [{"type": "paragraph"}]}
INVALID = {"type": "doc", "version": 1, "content": [{"type": "bulletpoint"}]}


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _ok(_run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out))
    return out


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "adfkit.__version__"}
    assert adfkit.__version__ == "0.3.0"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"\n## {adfkit.__version__}\n" in changelog
    assert "\n## 0.1.0\n" in changelog


def test_the_sdist_and_wheel_pass_twine_check(dist: Path) -> None:
    built = sorted(p.name for p in dist.iterdir())
    assert built == [
        f"adfkit-{adfkit.__version__}-py3-none-any.whl",
        f"adfkit-{adfkit.__version__}.tar.gz",
    ]
    out = _ok(_run([sys.executable, "-m", "twine", "check", "--strict", *built], cwd=dist))
    assert out.count("PASSED") == 2


def test_the_wheel_works_in_a_fresh_environment(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    _ok(_run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path))
    bin_dir = venv / "bin"
    python, adfkit_cli = str(bin_dir / "python"), str(bin_dir / "adfkit")
    _ok(_run([python, "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path))
    work = tmp_path / "work"
    work.mkdir()

    where = _ok(_run([python, "-c", "import adfkit; print(adfkit.__file__)"], cwd=work))
    assert Path(where.strip()).is_relative_to(venv), where  # not the source tree
    assert _ok(_run([adfkit_cli, "--version"], cwd=work)).split()[-1] == adfkit.__version__

    (work / "good.adf.json").write_text(json.dumps(VALID))
    (work / "bad.adf.json").write_text(json.dumps(INVALID))
    _ok(_run([adfkit_cli, "validate", "good.adf.json"], cwd=work))
    bad = _run([adfkit_cli, "validate", "bad.adf.json"], cwd=work)
    assert bad.returncode == 1
    assert "did you mean `bulletList`?" in bad.stdout

    demo = _run([adfkit_cli, "demo"], cwd=work)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]

    strategies = "import adfkit.strategies as s; print(s.documents().example()['type'])"
    missing = _run([python, "-c", strategies], cwd=work)
    assert missing.returncode == 1
    assert "pip install 'adfkit[strategies]'" in missing.stderr
    assert "ImportError" in missing.stderr

    _ok(
        _run(
            [python, "-m", "pip", "install", "-q", f"adfkit[strategies] @ {wheel.as_uri()}"],
            cwd=work,
        )
    )
    assert _ok(_run([python, "-W", "ignore", "-c", strategies], cwd=work)).strip() == "doc"


def test_the_strategies_without_hypothesis_name_the_extra() -> None:
    """The same check as in the fresh environment, fast: Hypothesis made unimportable."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import adfkit.strategies\n"
        "except ImportError as e:\n    print(type(e).__name__, e)\n"
    )
    out = _ok(_run([sys.executable, "-c", code], cwd=ROOT))
    assert out == (
        "ImportError adfkit.strategies needs Hypothesis, an optional part of adfkit: "
        "pip install 'adfkit[strategies]'\n"
    )
