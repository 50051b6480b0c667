"""Talking to a node script of the differential tests in JSON lines: every request on a
line of its own into one node process, one answer line back per request."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def node_answers(
    node: str, script: Path, requests: Sequence[str], *, env: Mapping[str, str] | None = None
) -> list[str]:
    """The answer line ``script`` gives to each line of ``requests``, in order."""
    done = subprocess.run(
        [node, str(script)],
        input="".join(r + "\n" for r in requests),
        capture_output=True,
        text=True,
        cwd=script.parent,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"node failed ({done.returncode}): {done.stderr[-2000:]}"
    lines = done.stdout.splitlines()
    assert len(lines) == len(requests), f"sent {len(requests)}, got {len(lines)} answers"
    return lines
