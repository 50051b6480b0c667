"""What the readers and writers of every format share: how an ADF value reads as
text, and how neighbouring texts become one."""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["iso_day", "join_texts"]

Json = dict[str, Any]


def join_texts(nodes: list[Json]) -> list[Json]:
    """``nodes`` with neighbouring text nodes of the same marks as one, and empty
    texts gone. Each run is joined once at its end: adding texts up one by one copies
    the run again at every step, quadratic on a long one (a pasted log of many lines
    is one paragraph of many texts)."""
    out: list[Json] = []
    pieces: list[str] | None = None  # out[-1]'s text once another has joined it
    text_last = False  # whether out[-1] is a text
    for node in nodes:
        if node.get("type") != "text":
            if pieces is not None:
                out[-1] = {**out[-1], "text": "".join(pieces)}
                pieces = None
            out.append(node)
            text_last = False
            continue
        text = node["text"]
        if not text:
            continue
        if text_last and out[-1].get("marks") == node.get("marks"):
            if pieces is None:
                pieces = [out[-1]["text"]]
            pieces.append(text)
            continue
        if pieces is not None:
            out[-1] = {**out[-1], "text": "".join(pieces)}
            pieces = None
        out.append(node)
        text_last = True
    if pieces is not None:
        out[-1] = {**out[-1], "text": "".join(pieces)}
    return out


def iso_day(timestamp: str) -> str:
    """The UTC calendar day of a ``date`` node's millisecond timestamp, ISO style
    (``2024-05-01``); a timestamp that is no number of milliseconds is kept as written."""
    try:
        moment = dt.datetime.fromtimestamp(int(timestamp) / 1000, tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return timestamp
    return moment.date().isoformat()
