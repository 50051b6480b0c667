"""RFC 6901 JSON Pointers: the path format of every adfkit error."""

from __future__ import annotations

__all__ = ["escape", "resolve", "split_pointer"]


def escape(token: str) -> str:
    """One RFC 6901 reference token."""
    return token.replace("~", "~0").replace("/", "~1")


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
    done = ""
    for token in split_pointer(pointer):
        done += "/" + escape(token)
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise KeyError(done)
    return current
