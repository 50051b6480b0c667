"""adfkit: build, validate and convert Atlassian Document Format (ADF) documents."""

from adfkit.errors import AdfkitError, InvalidDocument, ValidationError
from adfkit.validate import is_valid, iter_errors, validate

__all__ = [
    "AdfkitError",
    "InvalidDocument",
    "ValidationError",
    "is_valid",
    "iter_errors",
    "validate",
]
__version__ = "0.1.0"
