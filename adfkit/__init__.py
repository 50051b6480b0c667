"""adfkit: build, validate and convert Atlassian Document Format (ADF) documents.

Names are imported on first use, so ``adfkit validate`` starts fast and the spec
table's generator can import the record types while the table itself is stale.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adfkit.errors import AdfkitError, InvalidDocument, ValidationError
    from adfkit.validator import is_valid, iter_errors, validate

__all__ = [
    "AdfkitError",
    "InvalidDocument",
    "ValidationError",
    "is_valid",
    "iter_errors",
    "validate",
]
__version__ = "0.1.0"

_HOMES = {
    "AdfkitError": "adfkit.errors",
    "InvalidDocument": "adfkit.errors",
    "ValidationError": "adfkit.errors",
    "is_valid": "adfkit.validator",
    "iter_errors": "adfkit.validator",
    "validate": "adfkit.validator",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adfkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
