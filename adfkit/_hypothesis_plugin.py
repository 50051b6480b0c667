"""Hypothesis' plugin entry point for adfkit (``[project.entry-points.hypothesis]``).

Registers ``st.from_type`` for the builder's node classes and ``adfkit.Mark``. It runs
while Hypothesis itself is being imported, so it only registers resolver functions;
``adfkit.strategies`` (which imports Hypothesis) is loaded when a type is first asked for.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from adfkit.nodes import NODE_CLASSES
    from adfkit.tree import Mark

    def resolve(thing: type[Any]) -> st.SearchStrategy[Any]:
        from adfkit.strategies import strategy_for_type

        return strategy_for_type(thing)

    for cls in (*NODE_CLASSES.values(), Mark):
        st.register_type_strategy(cls, resolve)
