"""``adfkit demo``, the README's main job: it runs the whole flow and exits 0 only if every
step worked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adfkit import demo


def test_adfkit_demo_runs_every_step_and_exits_0() -> None:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "adfkit"), "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    for number in range(1, 10):
        assert f"[{number}/9]" in out
    assert out.count("      ok") == 9
    assert "all 9 steps worked" in out
    assert "created PAY-1" in out
    assert "| ## Card payments fail for amounts over 10,000" in out  # rendered back
    assert "MISSING_REQUIRED" in out  # the pre-flight step showed its refusal


def test_the_demo_prints_no_secret() -> None:
    lines: list[str] = []
    assert demo.run_demo(lines.append) == 0
    text = "\n".join(lines)
    assert "sandbox-client-secret" not in text
    assert "Bearer" not in text
    assert "refresh_token" not in text


def test_a_step_that_does_not_do_what_it_should_makes_the_demo_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adfkit.jira.sandbox.server import Sandbox

    # The access token never expires, so step 8 sees no refresh and must fail.
    monkeypatch.setattr(Sandbox, "expire_access_tokens", lambda self: 0)
    lines: list[str] = []
    assert demo.run_demo(lines.append) == 1
    text = "\n".join(lines)
    assert "FAILED: expected exactly one refresh request" in text
    assert "step 8 of 9 failed" in text
    assert "[9/9]" not in text
