"""RFC 6901 JSON Pointers: the path format of every adfkit error.

``Pointer`` is the lazy form the validator hands out: a parent link and one token,
turned into text only when someone reads it. A document 100,000 levels deep with an
error at every level would otherwise spend time and memory quadratic in its depth on
pointers nobody prints (each one is as long as the depth).
"""

from __future__ import annotations

__all__ = ["Pointer", "escape", "resolve", "split_pointer"]


def escape(token: str) -> str:
    """One RFC 6901 reference token."""
    return token.replace("~", "~0").replace("/", "~1")


class Pointer:
    """A JSON Pointer built on demand from a chain of parent links.

    ``Pointer.of("/content/0") / "attrs" / "url"`` costs two small objects; ``str()``
    walks the chain once (iteratively) and keeps the text. Tokens are raw (unescaped)
    strings or indices; a chain may start from a literal pointer text (``of``).
    """

    __slots__ = ("_parent", "_text", "_token")

    def __init__(self, parent: Pointer | None, token: str | int, text: str | None = None) -> None:
        self._parent = parent
        self._token = token
        self._text = text

    @classmethod
    def of(cls, pointer: str | Pointer) -> Pointer:
        """``pointer`` itself, or a root holding the literal pointer text."""
        return pointer if isinstance(pointer, Pointer) else cls(None, "", pointer)

    @property
    def parent(self) -> Pointer | None:
        """The pointer one step up; None for a root (``Pointer.of(text)``)."""
        return self._parent

    @property
    def token(self) -> str:
        """The last step (unescaped); ``""`` for a root."""
        return str(self._token)

    def __truediv__(self, token: str | int) -> Pointer:
        return Pointer(self, token)

    def _known(self) -> str | None:
        """This pointer's text if it is known without walking up (subclasses may
        compute it from elsewhere)."""
        return self._text

    def __str__(self) -> str:
        text = self._text
        if text is None:
            parts: list[str] = []
            node: Pointer | None = self
            head = ""
            while node is not None:
                known = node._known()
                if known is not None:
                    head = known
                    break
                token = node._token
                parts.append(str(token) if isinstance(token, int) else escape(token))
                node = node._parent
            parts.reverse()
            text = self._text = head + "".join("/" + p for p in parts)
        return text

    def __repr__(self) -> str:
        return f"Pointer({str(self)!r})"


def split_pointer(pointer: str) -> list[str]:
    """RFC 6901 pointer to its unescaped tokens; ``ValueError`` if malformed."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve(value: object, pointer: str) -> object:
    """The value at ``pointer``; ``KeyError`` naming the first missing step."""
    current = value
    done: list[str] = []
    for token in split_pointer(pointer):
        done.append(escape(token))
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise KeyError("/" + "/".join(done))
    return current
