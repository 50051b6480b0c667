"""The few helpers the generated builder functions (``adfkit.build``) call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from adfkit.nodes import Text
from adfkit.tree import Mark, Node

N = TypeVar("N", bound=Node)


def _attrs(values: Mapping[str, object]) -> dict[str, object] | None:
    """Attributes given (``None`` means "leave out"); None if there are none."""
    present = {k: v for k, v in values.items() if v is not None}
    return present or None


def _children(items: Iterable[Node | str]) -> tuple[Node, ...]:
    """Children with plain strings made into text nodes."""
    return tuple(Text(text=i) if isinstance(i, str) else i for i in items)


def _present(*items: Node | str | None) -> tuple[Node | str, ...]:
    return tuple(i for i in items if i is not None)


def _make(
    cls: type[N],
    content: tuple[Node, ...] | None,
    attrs: Mapping[str, object] | None,
    marks: Iterable[Mark],
    *,
    text: str | None = None,
    version: int | None = None,
) -> N:
    return cls(
        content=content,
        attrs=None if attrs is None else _attrs(attrs),
        marks=tuple(marks),
        text=text,
        version=version,
    )


def _mark_or_text(mark: Mark, content: str | Text | None) -> Mark | Text:
    if content is None:
        return mark
    if isinstance(content, str):
        return Text(text=content, marks=(mark,))
    return Text(text=content.text, marks=(*content.marks, mark))
