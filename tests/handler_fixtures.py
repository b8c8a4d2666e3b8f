"""Events, signatures and settings shared by the handler and server tests."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from drivehr_sync.handlers import auth
from drivehr_sync.models import SyncResult, SyncStatus
from support import COMPANY_ID, SECRET

EVENTS = Path(__file__).parent / "events"
HTTP_SHAPES = ("apigw_rest_v1", "http_api_v2", "function_url", "netlify")
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-XSS-Protection": "1; mode=block",
    "Content-Security-Policy": "default-src 'self'",
}
# A loopback port nothing listens on: connections are refused at once.
CLOSED_URL = "http://127.0.0.1:9"


def load_event(name: str) -> dict[str, Any]:
    """A recorded event from tests/events."""
    return json.loads((EVENTS / f"{name}.json").read_text())


def http_event(
    shape: str,
    *,
    method: str = "GET",
    path: str = "/.netlify/functions/health-check",
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    encode_body: bool = False,
) -> dict[str, Any]:
    """A recorded event of ``shape`` rewritten to carry this request."""
    event = copy.deepcopy(load_event(shape))
    text = base64.b64encode(body).decode() if encode_body else body.decode()
    query = query or {}

    if shape in ("http_api_v2", "function_url"):
        event["rawPath"] = path
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        event["requestContext"]["http"].update(method=method, path=path)
        event["headers"].update({k.lower(): v for k, v in (headers or {}).items()})
    else:
        event["path"] = path
        event["httpMethod"] = method
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {
            k: [v] for k, v in query.items()
        } or None
        event["headers"].update(headers or {})
        if "rawUrl" in event:
            suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items())
            event["rawUrl"] = event["rawUrl"].split("/.netlify")[0] + path
            event["rawUrl"] += suffix if query else ""
    event["body"] = text
    event["isBase64Encoded"] = encode_body
    return event


def hex_signature(body: bytes, secret: str = SECRET) -> str:
    """The plugin scheme's header value, computed independently."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(
    message_id: str, timestamp: int, body: bytes, secret: str = SECRET
) -> str:
    """The Standard Webhooks header value, computed independently."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    body: bytes,
    scheme: str = "hex",
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    message_id: str | None = None,
) -> dict[str, str]:
    """Headers signing ``body`` by ``hex``, ``hex+timestamp``, ``standard``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json"}
    if scheme.startswith("hex"):
        headers["X-Webhook-Signature"] = hex_signature(body, secret)
    if scheme == "hex+timestamp":
        headers["X-Webhook-Timestamp"] = str(stamp)
    if scheme == "standard":
        message_id = message_id or f"msg_{uuid.uuid4().hex}"
        headers["webhook-id"] = message_id
        headers["webhook-timestamp"] = str(stamp)
        headers["webhook-signature"] = standard_signature(
            message_id, stamp, body, secret
        )
    return headers


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    assert response["headers"]["Content-Type"].startswith("application/json")
    document: dict[str, Any] = json.loads(response["body"])
    return document


def fake_result(status: SyncStatus, **fields: Any) -> Callable[..., SyncResult]:
    """A stand-in for ``run_sync`` that records its calls."""
    calls: list[Any] = []

    def run_sync(settings: Any, options: Any = None) -> SyncResult:
        calls.append(options)
        return SyncResult(
            status=status,
            request_id=getattr(options, "request_id", None) or "run",
            **fields,
        )

    run_sync.calls = calls  # type: ignore[attr-defined]
    return run_sync


@pytest.fixture
def service_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Callable[..., None]]:
    """Set the service's variables for handlers; keyword arguments override."""

    def apply(**overrides: str) -> None:
        values = {
            "DRIVEHR_COMPANY_ID": COMPANY_ID,
            "WP_API_URL": f"{CLOSED_URL}/webhook/drivehr-sync",
            "DRIVEHR_BASE_URL": CLOSED_URL,
            "WEBHOOK_SECRET": SECRET,
            "ENVIRONMENT": "test",
            "STATE_DIR": str(tmp_path / "state"),
            "MAX_RETRIES": "0",
            "REQUEST_TIMEOUT_S": "2",
        }
        values.update(overrides)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    apply()
    auth.TRIGGER_LIMITER.reset()
    yield apply
    auth.TRIGGER_LIMITER.reset()


@pytest.fixture
def server_url(service_env: Any) -> Iterator[str]:
    """The local server on an ephemeral port, serving in a thread."""
    from drivehr_sync.server import make_server

    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()
