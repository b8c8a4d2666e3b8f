"""Function responses: ``{statusCode, headers, body}`` with the runbook's headers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "JSON_CONTENT_TYPE",
    "PROMETHEUS_CONTENT_TYPE",
    "SECURITY_HEADERS",
    "json_response",
    "text_response",
]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
CACHEABLE = "public, max-age=60"
NOT_CACHEABLE = "no-store"

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-XSS-Protection": "1; mode=block",
    "Content-Security-Policy": "default-src 'self'",
}


def json_response(
    status: int,
    body: Mapping[str, Any],
    *,
    request_id: str,
    cacheable: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A response whose body is ``body`` as JSON."""
    text = json.dumps(body, default=str, separators=(",", ":"))
    return text_response(
        status,
        text,
        request_id=request_id,
        content_type=JSON_CONTENT_TYPE,
        cacheable=cacheable,
        extra_headers=extra_headers,
    )


def text_response(
    status: int,
    text: str,
    *,
    request_id: str,
    content_type: str = "text/plain; charset=utf-8",
    cacheable: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A response with a text body and every header the runbook requires."""
    headers = {
        "Content-Type": content_type,
        "Cache-Control": CACHEABLE if cacheable else NOT_CACHEABLE,
        **SECURITY_HEADERS,
        "X-Request-ID": request_id,
    }
    headers.update(extra_headers or {})
    return {
        "statusCode": status,
        "headers": headers,
        "body": text,
        "isBase64Encoded": False,
    }
