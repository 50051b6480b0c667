"""How the client puts a JSON request body on the wire: one function, ``json_body``.

Every JSON body ``adfkit.jira`` sends (REST calls and the token endpoint) goes through
it. The encoder is ``adfkit.jsonfile.dumps``, which does not recurse, so a document of
any depth can be sent (``json.dumps`` raises RecursionError past about 1,000 levels).
Strict JSON: NaN and infinities are refused here rather than sent as tokens Jira cannot
parse.
"""

from __future__ import annotations

from typing import Any

from adfkit.jsonfile import dumps

__all__ = ["JSON_HEADERS", "json_body"]

JSON_HEADERS = {"Content-Type": "application/json"}


def json_body(value: Any) -> bytes:
    """``value`` as UTF-8 JSON bytes; ``ValueError`` for NaN or an infinity."""
    return dumps(value).encode("utf-8")
