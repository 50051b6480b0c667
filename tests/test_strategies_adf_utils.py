"""Every document ``adfkit.strategies.documents()`` draws passes Atlassian's validator.

Draws a fixed, seeded batch and sends it through ``@atlaskit/adf-utils`` in one node
process. Skips, saying why, where node or ``tests/node_modules`` is missing.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from test_differential_adf_utils import run_adf_utils  # fails loudly without node

from adfkit.strategies import documents


def test_adf_utils_accepts_every_drawn_document() -> None:
    drawn: list[dict[str, Any]] = []

    @seed(20261129)
    @settings(
        max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(documents())
    def collect(doc: dict[str, Any]) -> None:
        drawn.append(doc)

    collect()
    rejected = [
        (doc, verdict.error)
        for doc, verdict in zip(drawn, run_adf_utils(drawn), strict=True)
        if not verdict.valid
    ]
    assert rejected == [], rejected[:3]
