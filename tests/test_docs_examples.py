"""Every ```python block of README.md and docs/*.md runs as written.

Pages are found by globbing, so a new page is covered without an edit here. The blocks
of one page run in order in one namespace, in a temporary working directory holding
the files the examples name (``bug.md``, ``create-issue.json`` ... from docs/examples),
with their output captured; where the page shows what a block prints (a ```text block
after "prints"), the output must be exactly that. A block that is a pytest test module (it defines
``test_...`` functions) runs as a real pytest session there, as a reader would run it.

A few blocks need more than a directory: a Jira sandbox with a stored login and checks
of what the sandbox then holds. Those run in the Jira suite (``ELSEWHERE`` below names
each block and the test that runs it); a check here makes sure every such test exists
and reads its page, so that no block is run twice and none is left out. The README's
and the cookbook's Jira examples run here, with the Jira guide's own set-up (a sandbox,
the documented environment variables, a stored login).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jira.test_docs_jira import docs  # noqa: F401  # the Jira guide's sandbox and login

from adfkit import Node, iter_errors

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)

ELSEWHERE: dict[tuple[str, str], str] = {
    # (page, a string only that block holds): the test that runs it against the sandbox
    ("docs/jira.md", "JiraClient.from_api_token("): "tests/jira/test_docs_jira.py",
    ("docs/jira.md", 'jira.fields("PAY", "Bug")'): "tests/jira/test_docs_jira.py",
    ("docs/jira.md", "jira.add_comment("): "tests/jira/test_docs_jira.py",
    ("docs/sandbox.md", "consenting_browser()"): "tests/jira/test_sandbox_run.py",
    ("docs/sandbox.md", "unknown_cloud_id_body"): "tests/jira/test_sandbox_faults.py",
    ("docs/sandbox.md", "def test_create_a_bug"): "tests/jira/test_sandbox_run.py",
    # a pytest module run as a session, with its count of passing tests checked
    ("docs/strategies.md", "def test_renderer_never_crashes"): "tests/test_strategies.py",
}


PRINTS = re.compile(r"\n*prints[^`]*?\n```text\n(.*?)^```$", re.M | re.S)


def blocks(page: str) -> list[tuple[int, str]]:
    """(line number, code) of each ```python block of ``page``."""
    text = (ROOT / page).read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def shown_output(page: str) -> dict[int, str]:
    """What the page says a block prints: a ```text block right after it, introduced by
    a sentence starting with "prints"; keyed by the block's line number."""
    text = (ROOT / page).read_text()
    shown = {}
    for m in BLOCK.finditer(text):
        after = PRINTS.match(text, m.end())
        if after is not None:
            shown[text.count("\n", 0, m.start()) + 2] = after.group(1)
    return shown


def _elsewhere(page: str, code: str) -> str | None:
    for (where, marker), test in ELSEWHERE.items():
        if where == page and marker in code:
            return test
    return None


def _is_test_module(code: str) -> bool:
    return re.search(r"^def test_\w+\(", code, re.M) is not None


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory with the example files the pages name."""
    for example in (ROOT / "docs" / "examples").iterdir():
        if example.is_file():
            shutil.copy(example, tmp_path / example.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


UNHURRIED = """\
from hypothesis import HealthCheck, settings

settings.register_profile("docs", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("docs")
"""


def _run_test_module(code: str, where: Path, name: str) -> str:
    """Run ``code`` as a pytest module in ``where``; its summary line."""
    module = where / f"test_{name}.py"
    module.write_text(code)
    # The example is judged on what it asserts, not on how fast this shared machine
    # generates data: Hypothesis' too-slow health check is off for its session.
    (where / "conftest.py").write_text(UNHURRIED)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module.name],
        capture_output=True,
        text=True,
        cwd=where,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def run_page(
    page: str, workdir: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, object], list[str]]:
    """Run the page's blocks in order; its namespace and each block's printed output.

    A block using ``JiraClient`` first gets the Jira guide's own set-up (its ``docs``
    fixture): a sandbox, the documented environment variables and a stored login.
    """
    namespace: dict[str, object] = {"__name__": "__docs__"}
    printed: list[str] = []
    expected = shown_output(page)
    for line, code in blocks(page):
        if _elsewhere(page, code) is not None:
            continue
        if "JiraClient." in code:
            request.getfixturevalue("docs")
        capsys.readouterr()
        if _is_test_module(code):
            printed.append(_run_test_module(code, workdir, f"line{line}"))
            continue
        exec(compile(code, f"{page}:{line}", "exec"), namespace)
        printed.append(capsys.readouterr().out)
        if line in expected:
            assert printed[-1] == expected[line], f"{page}:{line} printed otherwise"
    return namespace, printed


def _check_builder_guide(namespace: dict[str, object], printed: list[str]) -> None:
    assert len(shown_output("docs/builder.md")) == 1  # compared as the block ran
    description = namespace["description"]
    assert isinstance(description, Node)
    assert list(iter_errors(description.to_json())) == []


def _check_readme(namespace: dict[str, object], printed: list[str]) -> None:
    (filed,) = [out for out in printed if "/browse/PAY-" in out]  # the Jira example
    key, url = filed.split()
    assert url.endswith(f"/browse/{key}")


def _check_cookbook(namespace: dict[str, object], printed: list[str]) -> None:
    assert "PAY-1\n" in printed  # the GitHub issue filed in the sandbox


CHECKS = {
    "docs/builder.md": _check_builder_guide,
    "docs/cookbook.md": _check_cookbook,
    "README.md": _check_readme,
}
"""What a page's examples print or leave behind, beyond running without an error."""


@pytest.mark.parametrize("page", PAGES)
def test_every_python_example_of_the_page_runs_as_written(
    page: str, workdir: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace, printed = run_page(page, workdir, request, capsys)
    if page in CHECKS:
        CHECKS[page](namespace, printed)


def test_the_pages_are_found_and_have_examples() -> None:
    assert {"README.md", "docs/getting-started.md", "docs/cookbook.md"} <= set(PAGES)
    assert sum(len(blocks(p)) for p in PAGES) >= 20
    assert set(CHECKS) <= set(PAGES)
    assert len(shown_output("docs/getting-started.md")) == 2


def test_blocks_run_elsewhere_exist_and_their_tests_read_the_page() -> None:
    for (page, marker), test in ELSEWHERE.items():
        matching = [code for _line, code in blocks(page) if marker in code]
        assert len(matching) == 1, f"{page}: {marker!r} marks {len(matching)} blocks"
        source = (ROOT / test).read_text()
        assert Path(page).name in source, f"{test} does not read {page}"
        runs = ("exec(compile(", "makepyfile(", '"-m", "pytest"')
        assert any(r in source for r in runs), f"{test} does not run the example"
