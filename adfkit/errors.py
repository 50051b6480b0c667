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

from dataclasses import FrozenInstanceError

from adfkit.pointer import Pointer


class AdfkitError(Exception):
    """Base class of the exceptions adfkit raises on purpose."""


Text = str | Pointer
"""A message part or a path: text, or a lazy ``Pointer`` made text when it is read."""


class ValidationError:
    """One problem found in a document.

    ``code`` is a stable identifier (see ``docs/validation.md``); ``path`` is an RFC 6901
    JSON Pointer into the input (``""`` for the root); ``message`` says what was found
    and what is allowed there.

    The validator hands ``path`` (and the rare message that quotes a pointer) over as a
    lazy ``adfkit.pointer.Pointer``: the text is built on first read, so errors that are
    only counted, never shown, cost no pointer text (``docs/resources.md``). Immutable,
    compared and hashed by their text, like the record they always were.
    """

    __slots__ = ("_code", "_message", "_path")
    _code: str
    _path: Text
    _message: Text | tuple[Text, ...]
    __match_args__ = ("code", "path", "message")

    def __init__(self, code: str, path: Text, message: Text | tuple[Text, ...]) -> None:
        object.__setattr__(self, "_code", code)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_message", message)

    @property
    def code(self) -> str:
        return self._code

    @property
    def path(self) -> str:
        path = self._path
        if isinstance(path, str):
            return path
        text = str(path)
        object.__setattr__(self, "_path", text)
        return text

    @property
    def message(self) -> str:
        message = self._message
        if isinstance(message, str):
            return message
        text = "".join(map(str, message)) if isinstance(message, tuple) else str(message)
        object.__setattr__(self, "_message", text)
        return text

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _key(self) -> tuple[str, str, str]:
        return (self.code, self.path, self.message)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[ValidationError], tuple[str, str, str]]:
        return (ValidationError, self._key())

    def __repr__(self) -> str:
        return f"ValidationError(code={self.code!r}, path={self.path!r}, message={self.message!r})"

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.code}: {self.message}"


class InvalidDocument(AdfkitError, ValueError):
    """Raised by ``adfkit.validate`` with the problems in ``errors`` (in document order).

    ``validate`` keeps at most ``max_errors`` of them; ``omitted`` counts the rest.
    """

    def __init__(self, errors: list[ValidationError], omitted: int = 0) -> None:
        self.errors = errors
        self.omitted = omitted
        """How many further errors were found and not kept (``max_errors``)."""
        first = errors[0] if errors else None
        others = len(errors) - 1 + omitted
        more = f" (and {others} more)" if others > 0 else ""
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
