"""The response record the sandbox's handlers return, and builders for the body shapes
Atlassian uses: Auth0-style OAuth errors, gateway errors ``{"code","message"}`` and Jira's
ErrorCollection ``{"errorMessages","errors"}``."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Response", "error_collection", "gateway_error", "html_page", "json_response"]


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, data: object, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data).encode()
    return Response(status, body, {"Content-Type": "application/json", **(headers or {})})


def error_collection(
    status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
) -> Response:
    return json_response(status, {"errorMessages": messages or [], "errors": errors or {}})


def gateway_error(status: int, message: str) -> Response:
    return json_response(status, {"code": status, "message": message})


def html_page(
    status: int, title: str, body_html: str, headers: dict[str, str] | None = None
) -> Response:
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body_html}\n</body></html>\n"
    )
    return Response(
        status, page.encode(), {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    )


def redirect(location: str) -> Response:
    return Response(302, b"", {"Location": location})


def parse_json_body(raw: bytes) -> Any:
    """The JSON value of a request body; raises ValueError for anything else."""
    return json.loads(raw.decode("utf-8"))
