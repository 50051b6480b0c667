"""What the writers of every format share: how an ADF value reads as text."""

from __future__ import annotations

import datetime as dt

__all__ = ["iso_day"]


def iso_day(timestamp: str) -> str:
    """The UTC calendar day of a ``date`` node's millisecond timestamp, ISO style
    (``2024-05-01``); a timestamp that is no number of milliseconds is kept as written."""
    try:
        moment = dt.datetime.fromtimestamp(int(timestamp) / 1000, tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return timestamp
    return moment.date().isoformat()
