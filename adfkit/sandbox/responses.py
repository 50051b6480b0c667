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


# Enough style for a person to read the consent page in a real browser; no external
# resources, so the page works offline and loads nothing from anywhere.
_STYLE = (
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#172b4d;background:#f4f5f7}"
    ".banner{margin:0;padding:6px 16px;background:#ffab00;font-size:14px}"
    "main{max-width:560px;margin:32px auto;padding:24px 32px;background:#fff;"
    "border-radius:8px;box-shadow:0 1px 3px rgba(9,30,66,.25)}"
    "h1{font-size:22px;line-height:1.3}h2{font-size:16px;margin-top:24px}"
    "form{display:inline-block;margin:24px 12px 0 0}"
    "button{font:inherit;padding:8px 20px;border-radius:4px;border:1px solid #c1c7d0;"
    "background:#fff;cursor:pointer}#accept{background:#0052cc;border-color:#0052cc;color:#fff}"
)


def html_page(
    status: int, title: str, body_html: str, headers: dict[str, str] | None = None
) -> Response:
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        '<p class="banner">adfkit sandbox: a local stand-in for Atlassian, not Atlassian</p>\n'
        f"<main>\n{body_html}\n</main></body></html>\n"
    )
    return Response(
        status, page.encode(), {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    )


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", {"Location": location})


def parse_json_body(raw: bytes) -> Any:
    """The JSON value of a request body; raises ValueError for anything else."""
    return json.loads(raw.decode("utf-8"))
