"""Turn any event a Python function receives into one ``Request``.

Understood shapes: API Gateway REST proxy (v1), HTTP API and Function URL
(v2), the Lambda-compatible shape Netlify uses, EventBridge scheduled
events, and Netlify's scheduled-function invocation (a body with
``next_run``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Request", "parse_event"]

SCHEDULED_DETAIL_TYPE = "Scheduled Event"
SCHEDULED_SOURCE = "aws.events"


@dataclass(frozen=True, slots=True)
class Request:
    """An invocation, whatever shape its event had."""

    method: str = "GET"
    path: str = "/"
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    source_ip: str | None = None
    is_scheduled: bool = False

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def client(self) -> str:
        """Who is calling: the first ``X-Forwarded-For`` hop, else the peer."""
        forwarded = self.header("x-forwarded-for")
        if forwarded:
            first_hop = forwarded.split(",")[0].strip()
            if first_hop:
                return first_hop
        return self.source_ip or "unknown"


def parse_event(event: Mapping[str, Any] | None) -> Request:
    """Read ``event`` into a :class:`Request`; unknown shapes become a bare GET."""
    if not isinstance(event, Mapping):
        return Request()

    if _is_eventbridge_schedule(event):
        return Request(method="POST", path="/", is_scheduled=True)

    if event.get("version") == "2.0" or "rawPath" in event:
        request = _parse_v2(event)
    else:
        request = _parse_v1(event)

    # Netlify's scheduler invokes the function directly. Anything that came
    # through API Gateway, a Function URL or the local server carries a
    # requestContext and is an HTTP call, whatever its body says.
    if "requestContext" not in event and _is_netlify_schedule(request):
        return replace(request, is_scheduled=True)
    return request


def _is_eventbridge_schedule(event: Mapping[str, Any]) -> bool:
    return (
        event.get("detail-type") == SCHEDULED_DETAIL_TYPE
        and event.get("source") == SCHEDULED_SOURCE
    )


def _is_netlify_schedule(request: Request) -> bool:
    if request.method != "POST" or not request.body.startswith(b"{"):
        return False
    try:
        payload = json.loads(request.body)
    except ValueError:
        return False
    return isinstance(payload, dict) and "next_run" in payload


def _parse_v1(event: Mapping[str, Any]) -> Request:
    """REST proxy (v1) and Netlify: ``httpMethod``, ``path``, query dicts."""
    headers = _lower_keys(event.get("headers"))
    for name, values in _mapping(event.get("multiValueHeaders")).items():
        if str(name).lower() not in headers and values:
            headers[str(name).lower()] = ",".join(str(v) for v in values)

    query = _query_from_dicts(
        event.get("queryStringParameters"),
        event.get("multiValueQueryStringParameters"),
    )
    raw_url = event.get("rawUrl")
    path = event.get("path")
    if not path and isinstance(raw_url, str):
        path = urlsplit(raw_url).path
    if not query and isinstance(raw_url, str):
        query = dict(parse_qsl(urlsplit(raw_url).query))

    context = _mapping(event.get("requestContext"))
    identity = _mapping(context.get("identity"))
    source_ip = identity.get("sourceIp") or headers.get("x-nf-client-connection-ip")
    return Request(
        method=str(event.get("httpMethod") or "GET").upper(),
        path=str(path or "/"),
        query=query,
        headers=headers,
        body=_body(event),
        source_ip=source_ip,
    )


def _parse_v2(event: Mapping[str, Any]) -> Request:
    """HTTP API and Function URL (v2): ``rawPath``, ``requestContext.http``."""
    headers = _lower_keys(event.get("headers"))
    cookies = event.get("cookies")
    if cookies and "cookie" not in headers:
        headers["cookie"] = "; ".join(str(c) for c in cookies)

    http = _mapping(_mapping(event.get("requestContext")).get("http"))
    query = dict(parse_qsl(str(event.get("rawQueryString") or "")))
    if not query:
        query = _query_from_dicts(event.get("queryStringParameters"), None)
    return Request(
        method=str(http.get("method") or "GET").upper(),
        path=str(event.get("rawPath") or http.get("path") or "/"),
        query=query,
        headers=headers,
        body=_body(event),
        source_ip=http.get("sourceIp"),
    )


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if not isinstance(body, str):
        # Some test harnesses pass the JSON document itself.
        return json.dumps(body).encode()
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            return body.encode()
    return body.encode()


def _query_from_dicts(single: Any, multi: Any) -> dict[str, str]:
    # When a parameter repeats, the last value wins, as in v1's single dict.
    query = {str(k): str(v[-1]) for k, v in _mapping(multi).items() if v}
    for name, value in _mapping(single).items():
        query.setdefault(str(name), str(value))
    return query


def _lower_keys(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in _mapping(headers).items()}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
