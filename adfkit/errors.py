"""adfkit's exceptions and the validation error record.

The hierarchy is deliberately small::

    AdfkitError                 base of everything adfkit raises on purpose
    ├── InvalidDocument         adfkit.validate() / from_json(): the document breaks the
    │                           ADF rules; carries every ValidationError in ``.errors``
    └── BuildError              a builder function or node got what ADF cannot hold;
                                names the function and parameter; ``.errors`` too

``ValidationError`` itself is a record, not an exception: ``iter_errors`` yields many of
them, and one call reports all problems rather than the first.
"""

from __future__ import annotations

from dataclasses import dataclass


class AdfkitError(Exception):
    """Base class of the exceptions adfkit raises on purpose."""


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One problem found in a document.

    ``code`` is a stable identifier (see ``docs/validation.md``); ``path`` is an RFC 6901
    JSON Pointer into the input (``""`` for the root); ``message`` says what was found
    and what is allowed there.
    """

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.code}: {self.message}"


class InvalidDocument(AdfkitError, ValueError):
    """Raised by ``adfkit.validate`` with every problem in ``errors`` (in document order)."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        first = errors[0] if errors else None
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"invalid ADF document: {first}{more}")


class BuildError(AdfkitError, ValueError):
    """Raised when a node or mark is made with something ADF cannot hold.

    The message names the builder function and parameter (``heading(): level=7: ...``);
    ``errors`` has the underlying ``ValidationError`` records, with paths relative to
    the node being built.
    """

    def __init__(self, message: str, errors: list[ValidationError]) -> None:
        super().__init__(message)
        self.errors = errors
