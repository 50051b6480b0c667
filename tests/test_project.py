"""The project keeps its promises to a new user: the README's two commands are what CI
runs, and the packaging declares what the code needs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _readme_commands() -> list[str]:
    head = README.split("\n## ", 1)[0]
    return re.findall(r"^`([^`\n]+)`$", head, re.M)


def test_readme_opens_with_the_main_job_and_the_test_command() -> None:
    main_job, tests = _readme_commands()
    assert main_job.startswith("python3 -m venv .venv && ")
    assert "adfkit " in main_job
    assert "python3 -m venv .venv && " in tests
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim_then_lint_and_types() -> None:
    _main_job, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci
    for tool in ("ruff check", "ruff format --check", "mypy"):
        assert any(tool in line for line in ci), tool


def test_packaging_declares_the_console_script_and_python_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["adfkit"] == "adfkit.cli:main"
    assert project["requires-python"] == ">=3.10"
    assert (ROOT / "adfkit" / "py.typed").exists()


def test_the_pre_commit_hook_is_declared() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: adfkit-validate" in hooks
    assert "entry: adfkit validate" in hooks


def test_ci_builds_the_documentation_site_strictly_after_the_tests() -> None:
    _main_job, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    docs = next(i for i, line in enumerate(ci) if "mkdocs build --strict" in line)
    assert ci.index(tests) < docs
    assert any(".[docs]" in line for line in ci[:docs])
    assert (ROOT / "mkdocs.yml").exists()


def test_every_optional_part_has_an_extra_named_in_the_readme_and_docs() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert any(d.startswith("hypothesis") for d in extras["strategies"])
    assert any(d.startswith("keyring") for d in extras["keyring"])
    assert {"mkdocs", "mkdocs-material"} <= {re.split(r"[>=<\[]", d)[0] for d in extras["docs"]}
    assert {"build", "twine"} <= {re.split(r"[>=<\[]", d)[0] for d in extras["test"]}
    guide = (ROOT / "docs" / "getting-started.md").read_text()
    for extra in ("strategies", "keyring", "docs"):
        assert f"adfkit[{extra}]" in README or f".[{extra}]" in README, extra
        assert f"`{extra}`" in guide, extra
    assert "adfkit[strategies]" in (ROOT / "docs" / "strategies.md").read_text()


def test_every_docs_page_is_in_the_site_navigation() -> None:
    """mkdocs build --strict (CI) fails on a page left out of nav; this says so sooner."""
    site = (ROOT / "mkdocs.yml").read_text()
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert re.search(rf":\s+{re.escape(page.name)}$", site, re.M), f"add {page.name} to nav"
