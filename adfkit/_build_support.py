"""The few helpers the generated builder functions (``adfkit.build``) call.

They turn what a caller passed into node fields, and answer every argument of the
wrong kind with a ``BuildError`` naming the function, the parameter and the fix:
the node classes check values against the spec table, but they cannot know that a
``strong`` in ``marks=[strong]`` is a function that was meant to be called. Text may
be given as ``bytes`` (UTF-8, a BOM dropped), as everywhere adfkit takes text.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar, cast

from adfkit.errors import BuildError, ValidationError
from adfkit.nodes import Text
from adfkit.spec import MARKS, NODES
from adfkit.tree import Mark, Node, snake_case

N = TypeVar("N", bound=Node)
F = TypeVar("F", bound=Callable[..., object])


def _checked(function: F) -> F:
    """``function`` with a call that does not fit its signature (an unknown keyword, a
    missing one, too many children) answered by a ``BuildError`` naming the function,
    the parameter and the likely fix (``panelType=`` -> ``panel_type=``), instead of
    Python's ``TypeError``. Calls that fit cost one frame more."""

    @functools.wraps(function)
    def call(*args: object, **kwargs: object) -> object:
        try:
            return function(*args, **kwargs)
        except TypeError as exc:
            problem = _misfit(function, args, kwargs, exc)
            if problem is None:
                raise
            raise problem from None

    return cast(F, call)


def _misfit(
    function: Callable[..., object],
    args: tuple[object, ...],
    kwargs: dict[str, object],
    exc: TypeError,
) -> BuildError | None:
    """Why the call does not fit ``function``'s signature; None if it does (the
    ``TypeError`` came from inside, and is not a slip in the call)."""
    from adfkit.suggest import KEY_CONFUSIONS, nearest

    signature = inspect.signature(function)
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        pass
    else:
        return None
    name = getattr(function, "__name__", "?")
    by_keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    keywords = [p.name for p in signature.parameters.values() if p.kind in by_keyword]
    for key in kwargs:
        if key in signature.parameters:
            continue
        confusions = {k: snake_case(v) for k, v in KEY_CONFUSIONS.items()}
        guess = snake_case(key) if snake_case(key) in keywords else None
        guess = guess or nearest(key, keywords, confusions)
        fix = f"did you mean {guess}=?" if guess else f"it takes {_listed(keywords)}"
        return _fail(name, f"{key}=", f"no such parameter; {fix}")
    said = str(exc).replace(f"{name}() ", "", 1)
    positional = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(args) > len(positional) and "marks" in keywords and _marks_like(args[-1]):
        # text("a", [strong()]): the marks given in the place of a positional argument
        return _fail(name, "marks", f"{said}; marks go by keyword: marks=[...]")
    for key in kwargs:
        if key in positional and len(args) > positional.index(key):
            # link("docs", href=...): the first positional place is this parameter
            hint = ""
            if name == "link":
                hint = f"; link() is a mark: text({args[0]!r}, marks=[link({kwargs[key]!r})])"
            return _fail(name, f"{key}=", f"given twice, by position and by keyword{hint}")
    return _fail(name, "arguments", said)


def _marks_like(value: object) -> bool:
    """Whether ``value`` looks like marks: a Mark, or a list or tuple holding one."""
    if isinstance(value, Mark):
        return True
    return isinstance(value, list | tuple) and any(isinstance(v, Mark) for v in value)


def _listed(keywords: list[str]) -> str:
    return ", ".join(f"{k}=" for k in keywords) if keywords else "no keyword arguments"


def _attrs(values: Mapping[str, object]) -> dict[str, object] | None:
    """Attributes given (``None`` means "leave out"); None if there are none."""
    present = {k: v for k, v in values.items() if v is not None}
    return present or None


def _node_attrs(node_type: str, values: Mapping[str, object]) -> dict[str, object] | None:
    """A node's attributes; ``{}`` rather than none where the node must carry ``attrs``
    but every attribute is optional (``nestedExpand``)."""
    present = _attrs(values)
    if present is None and "attrs" in NODES[node_type].required:
        return {}
    return present


def _present(*items: object) -> tuple[object, ...]:
    """The children given in fixed positions; ``None`` is a position left empty."""
    return tuple(i for i in items if i is not None)


def _fail(function: str, where: str, message: str) -> BuildError:
    """A ``BuildError`` for one argument; its record carries the validator's code for
    the same problem in JSON."""
    if where.startswith("marks"):
        code = "NOT_A_MARK"
    elif where.startswith("child"):
        code = "NOT_A_NODE"
    elif where.endswith("="):
        code = "UNKNOWN_ATTRIBUTE"
    else:
        code = "WRONG_TYPE"
    return BuildError(f"{function}(): {where}: {message}", [ValidationError(code, "", message)])


def _found(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, Node):
        return f"a `{value.type}` node"
    if isinstance(value, Mark):
        return f"the mark {value!r}"
    if callable(value) and getattr(value, "__module__", None) == "adfkit.build":
        return f"the function `{getattr(value, '__name__', '?')}` itself"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return f"a Python {type(value).__name__}"


def _text(function: str, where: str, value: object) -> str:
    """A text value: a ``str``, or ``bytes`` as UTF-8 (BOM dropped)."""
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _fail(
                function,
                where,
                f"bytes that are not UTF-8 (byte {exc.start} is 0x{value[exc.start]:02x}); "
                "decode them yourself and pass a str",
            ) from None
    if isinstance(value, str):
        return value
    raise _fail(function, where, f"expected a string; found {_found(value)}")


def _wrap_text(parent: str) -> str:
    """The shortest chain of builder calls from ``parent`` down to a node that takes
    text, from the spec table: ``paragraph('...')``, ``list_item(paragraph('...'))``."""
    queue: list[tuple[str, list[str]]] = [(parent, [])]
    seen = {parent}
    for node_type, chain in queue:
        content = NODES[node_type].content
        if content is None:
            continue
        if "text" in content.children and chain:
            calls = [snake_case(t) for t in chain]
            return "".join(f"{c}(" for c in calls) + "'...'" + ")" * len(calls)
        # paragraph first: it is what a person means by "a line of text".
        for child in sorted(content.children, key=lambda t: (t != "paragraph", t)):
            if child not in seen and child != "text":
                seen.add(child)
                queue.append((child, [*chain, child]))
    return "a node that holds text"


def _child(function: str, parent: str, index: int, item: object) -> Node:
    where = f"child {index}"
    if isinstance(item, Node):
        return item
    if isinstance(item, str | bytes | bytearray):
        text = _text(function, where, item)
        content = NODES[parent].content
        if content is not None and "text" not in content.children:
            raise _fail(
                function,
                where,
                f"{_found(text)}: `{parent}` holds no text directly; wrap it: "
                f"{function}({_wrap_text(parent)})",
            )
        return Text(text=text)
    if isinstance(item, Mark):
        name = snake_case(item.type)
        raise _fail(
            function,
            where,
            f"{item!r} is a mark, not a node; marks go on text: "
            f"text('...', marks=[{item!r}])"
            + (f" or {name}('...')" if not MARKS[item.type].attrs else ""),
        )
    if callable(item) and getattr(item, "__module__", None) == "adfkit.build":
        name = getattr(item, "__name__", "?")
        raise _fail(function, where, f"{_found(item)}, not a node; call it: {name}(...)")
    if isinstance(item, Mapping):
        raise _fail(
            function,
            where,
            "a dict (ADF as JSON); build the node with its function, or turn JSON into "
            "a node with adfkit.tree.node_from_json(value)",
        )
    if isinstance(item, list | tuple):
        raise _fail(
            function,
            where,
            f"a {type(item).__name__}; pass the children one by one: {function}(*children)",
        )
    if item is None:
        raise _fail(function, where, "None; leave the child out instead")
    raise _fail(
        function,
        where,
        f"expected a node made by adfkit.build or a string; found {_found(item)}"
        + _keyword_hint(function, parent, item),
    )


def _keyword_hint(function: str, parent: str, item: object) -> str:
    """For a number or bool among the children: attributes go by keyword."""
    names = sorted({a for alt in NODES[parent].attrs for a in alt.properties})
    if not isinstance(item, int | float) or not names:
        return ""
    params = ", ".join(f"{snake_case(n)}=..." for n in names[:3])
    return f"; attributes go by keyword: {function}(..., {params})"


def _mark(function: str, index: int, item: object) -> Mark:
    where = f"marks[{index}]"
    if isinstance(item, Mark):
        return item
    if callable(item) and getattr(item, "__module__", None) == "adfkit.build":
        name = getattr(item, "__name__", "?")
        call = f"{name}()" if name in _BARE_MARKS else f"{name}(...)"
        raise _fail(function, where, f"{_found(item)}, not a mark; call it: marks=[{call}]")
    if isinstance(item, str):
        raise _fail(function, where, f"{_found(item)}; marks are made by functions: {_named(item)}")
    if isinstance(item, Mapping):
        raise _fail(
            function,
            where,
            f"a dict (a mark as JSON); make it with its function: {_named(item.get('type'))}",
        )
    if isinstance(item, Node):
        raise _fail(function, where, f"{_found(item)}, not a mark; nodes go in the children")
    raise _fail(
        function, where, f"expected a mark such as strong() or link(href); found {_found(item)}"
    )


_BARE_MARKS = frozenset(snake_case(t) for t, s in MARKS.items() if not s.attrs)


def _named(mark_type: object) -> str:
    """``marks=[strong()]`` for a mark type name (or a slip such as ``bold``)."""
    from adfkit.suggest import nearest_mark

    if not isinstance(mark_type, str):
        return "marks=[strong()], marks=[link('https://...')]"
    known = mark_type if mark_type in MARKS else nearest_mark(mark_type)
    if known is None or known not in MARKS:
        return "marks=[strong()], marks=[link('https://...')]"
    name = snake_case(known)
    return f"marks=[{name}()]" if name in _BARE_MARKS else f"marks=[{name}(...)]"


def _marks(function: str, marks: object) -> tuple[Mark, ...]:
    if isinstance(marks, Mark):
        raise _fail(
            function, "marks", f"one mark, not a list of marks; put it in a list: marks=[{marks!r}]"
        )
    if isinstance(marks, str | Mapping) or callable(marks):
        raise _fail(function, "marks", f"{_found(marks)}; marks= takes a list: {_named_of(marks)}")
    if not isinstance(marks, Iterable):
        raise _fail(
            function, "marks", f"expected a list of marks such as [strong()]; found {_found(marks)}"
        )
    return tuple(_mark(function, i, m) for i, m in enumerate(marks))


def _named_of(value: object) -> str:
    if isinstance(value, str):
        return _named(value)
    if isinstance(value, Mapping):
        return _named(value.get("type"))
    return _named(getattr(value, "__name__", None))


def _make(
    cls: type[N],
    content: Iterable[object] | None,
    attrs: Mapping[str, object] | None,
    marks: object,
    *,
    text: object = None,
    version: int | None = None,
) -> N:
    function = snake_case(cls.type)
    children = None
    if content is not None:
        children = tuple(_child(function, cls.type, i, c) for i, c in enumerate(content))
    return cls(
        content=children,
        attrs=None if attrs is None else _node_attrs(cls.type, attrs),
        marks=_marks(function, marks),
        text=_text(function, "text", text) if "text" in NODES[cls.type].properties else None,
        version=version,
    )


def _mark_or_text(mark: Mark, content: object) -> Mark | Text:
    if content is None:
        return mark
    if isinstance(content, Text):
        return Text(text=content.text, marks=(*content.marks, mark))
    function = snake_case(mark.type)
    if isinstance(content, Node):
        raise _fail(
            function,
            "content",
            f"{_found(content)}; a mark wraps text only: {function}('...') or "
            f"{function}(text('...'))",
        )
    return Text(text=_text(function, "content", content), marks=(mark,))
