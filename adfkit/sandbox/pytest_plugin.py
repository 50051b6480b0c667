"""pytest plugin (entry point ``adfkit_jira_sandbox``): the ``jira_sandbox`` fixture, a
fresh running Sandbox per test, and ``jira_sandbox_factory`` for tests that need options
(``jira_sandbox_factory(page_limit=2)``) or several sandboxes.

Loading the plugin imports nothing but pytest; the sandbox is imported when a fixture
is first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from adfkit.sandbox.server import Sandbox


@pytest.fixture
def jira_sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with ``Sandbox(**options)``; all are stopped after the test."""
    from adfkit.sandbox.server import Sandbox

    started: list[Sandbox] = []

    def make(**options: Any) -> Sandbox:
        sandbox = Sandbox(**options).start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def jira_sandbox(jira_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    """A running sandbox with the seed world on a free loopback port."""
    return jira_sandbox_factory()
