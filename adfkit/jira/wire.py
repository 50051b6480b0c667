"""How the client puts a JSON request body on the wire: one function, ``json_body``.

Every JSON body ``adfkit.jira`` sends (REST calls and the token endpoint) goes through
it, so the encoder can be swapped in one place (for one that does not recurse, so that a
document of any depth can be sent). Strict JSON: NaN and infinities are refused here
rather than sent as tokens Jira cannot parse.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["JSON_HEADERS", "json_body"]

JSON_HEADERS = {"Content-Type": "application/json"}


def json_body(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON bytes (what httpx's ``json=`` would send)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode(
        "utf-8"
    )
