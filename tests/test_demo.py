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
    for number in range(1, 13):
        assert f"[{number}/12]" in out
    assert out.count("      ok") == 12
    assert "all 12 steps worked" in out
    assert "created PAY-1" in out
    assert "| ## Card payments fail for amounts over 10k" in out  # edited, rendered back
    assert "MISSING_REQUIRED: Severity is required" in out  # the pre-flight refusal
    assert "has media id" in out  # the screenshot is shown inline
    assert "-> mention of 712020:sandbox-sam" in out
    assert "an edit without it is refused" in out
    # the whole refusal, naming the attachment Jira would delete, not a cut-off message
    assert "MEDIA_LOSS: the new text no longer shows 1 image(s)" in out
    assert "checkout-error.png (attachment 10200)" in out
    assert "MISSING_REQUIRED: Resolution is required" in out
    assert "PAY-1: To Do -> Done, with a closing comment" in out
    # still shown at the end, in the form `adfkit jira show` prints and `edit` maps back
    assert "| ![the card error at checkout](https://jira-media.invalid/" in out


def test_the_demo_prints_no_token_or_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from adfkit.jira.tokens import TokenSet, TokenStore

    saved: list[TokenSet] = []
    original = TokenStore.save

    def recording_save(self: TokenStore, tokens: TokenSet) -> None:
        saved.append(tokens)
        original(self, tokens)

    monkeypatch.setattr(TokenStore, "save", recording_save)
    lines: list[str] = []
    assert demo.run_demo(lines.append) == 0
    text = "\n".join(lines)
    secrets = {t.access_token for t in saved} | {t.refresh_token or "" for t in saved}
    assert len(saved) == 2  # the login, then the rotation of step 9
    assert len(secrets) == 4
    for secret in [*secrets, "sandbox-client-secret"]:
        assert secret not in text


def test_an_unexpected_error_ends_the_demo_with_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import adfkit

    def broken(_markdown: str) -> dict[str, object]:
        raise KeyError("a bug")

    monkeypatch.setattr(adfkit, "from_markdown", broken)
    lines: list[str] = []
    assert demo.run_demo(lines.append) == 1
    text = "\n".join(lines)
    assert "FAILED: unexpected KeyError: 'a bug'" in text
    assert "step 5 of 12 failed" in text


def test_a_step_that_does_not_do_what_it_should_makes_the_demo_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adfkit.sandbox.server import Sandbox

    # The access token never expires, so step 9 sees no refresh and must fail.
    monkeypatch.setattr(Sandbox, "expire_access_tokens", lambda self: 0)
    lines: list[str] = []
    assert demo.run_demo(lines.append) == 1
    text = "\n".join(lines)
    assert "FAILED: expected exactly one refresh request" in text
    assert "step 9 of 12 failed" in text
    assert "[10/12]" not in text
