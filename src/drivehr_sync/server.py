"""A local HTTP server that runs the functions as a deployment would.

Each request becomes the Lambda-compatible event Netlify passes to
functions (v1 shape), so the runbook's curl commands work unchanged but for
the host. Served paths: ``/.netlify/functions/<name>`` and the friendly
``/api/...`` paths that ``netlify.toml`` redirects.
"""

from __future__ import annotations

import base64
import importlib
import signal
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .handlers import FUNCTION_MODULES
from .handlers.invocation import ensure_logging
from .handlers.responses import json_response
from .logs import get_logger

__all__ = ["FRIENDLY_PATHS", "make_server", "resolve_function", "serve"]

log = get_logger(__name__)

FUNCTION_PREFIX = "/.netlify/functions/"
FRIENDLY_PATHS = {
    "/api/health": "health-check",
    "/api/trigger": "manual-trigger",
    "/api/sync": "sync-jobs",
    "/api/metrics": "metrics",
}
# Far above the handlers' own 64 KB limit; stops a runaway upload early.
MAX_REQUEST_BYTES = 1024 * 1024

Handle = Callable[[dict[str, Any], Any], dict[str, Any]]


def resolve_function(path: str) -> str | None:
    """The function a URL path names, or None."""
    path = path.rstrip("/") or "/"
    if path in FRIENDLY_PATHS:
        return FRIENDLY_PATHS[path]
    if path.startswith(FUNCTION_PREFIX):
        name = path.removeprefix(FUNCTION_PREFIX)
        if name in FUNCTION_MODULES:
            return name
    return None


def make_server(host: str = "127.0.0.1", port: int = 8888) -> ThreadingHTTPServer:
    """A bound server, not yet serving; call ``serve_forever`` to start it."""
    server = ThreadingHTTPServer((host, port), FunctionRequestHandler)
    server.daemon_threads = True
    return server


def serve(host: str = "127.0.0.1", port: int = 8888) -> None:
    """Serve the functions until SIGINT or SIGTERM."""
    ensure_logging()
    server = make_server(host, port)
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {
        sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    worker = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    worker.start()
    bound_host, bound_port = server.server_address[:2]
    log.info("server.started", host=bound_host, port=bound_port)

    try:
        # A timeout keeps the main thread responsive to signals.
        while not stop.wait(0.2):
            pass
    finally:
        server.shutdown()
        server.server_close()
        worker.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("server.stopped")


class FunctionRequestHandler(BaseHTTPRequestHandler):
    """Turns one HTTP request into a function event and back."""

    server_version = "drivehr-sync"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        # One structured line per request is written by _dispatch instead.
        return

    def _dispatch(self) -> None:
        started = time.monotonic()
        url = urlsplit(self.path)
        function = resolve_function(url.path)

        if function is None:
            response = _not_found()
        else:
            response = self._invoke(function, url.path, url.query)
        status = self._send(response)

        log.info(
            "server.request",
            method=self.command,
            path=url.path,
            status=status,
            durationMs=int((time.monotonic() - started) * 1000),
        )

    def _invoke(self, function: str, path: str, query: str) -> dict[str, Any]:
        length = self._content_length()
        if length is None or length > MAX_REQUEST_BYTES:
            self.close_connection = True
            return _plain_error(413, "Request body is too large.")
        body = self.rfile.read(length) if length else b""

        event = build_event(
            method=self.command,
            path=path,
            query=query,
            headers=dict(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            host=self.headers.get("Host", "127.0.0.1"),
        )
        module = importlib.import_module(FUNCTION_MODULES[function])
        handle: Handle = module.handle
        return handle(event, None)

    def _content_length(self) -> int | None:
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            length = int(raw)
        except ValueError:
            return None
        return length if length >= 0 else None

    def _send(self, response: dict[str, Any]) -> int:
        status = int(response.get("statusCode", 500))
        body = response.get("body") or ""
        if response.get("isBase64Encoded"):
            data = base64.b64decode(body)
        else:
            data = body.encode() if isinstance(body, str) else bytes(body)

        self.send_response(status)
        for name, value in (response.get("headers") or {}).items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return status


def build_event(
    *,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    host: str,
) -> dict[str, Any]:
    """The Netlify (v1-compatible) event for one HTTP request."""
    multi_query = parse_qs(query, keep_blank_values=True)
    try:
        text, is_base64 = body.decode(), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode(), True

    return {
        "path": path,
        "httpMethod": method,
        "rawUrl": f"http://{host}{path}" + (f"?{query}" if query else ""),
        "rawQuery": query,
        "headers": {name.lower(): value for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()},
        "multiValueQueryStringParameters": multi_query,
        "body": text,
        "isBase64Encoded": is_base64,
        "requestContext": {"identity": {"sourceIp": source_ip}},
    }


def _not_found() -> dict[str, Any]:
    known = [FUNCTION_PREFIX + name for name in FUNCTION_MODULES]
    known += list(FRIENDLY_PATHS)
    return _plain_error(404, "No function at this path.", functions=known)


def _plain_error(status: int, message: str, **fields: Any) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    body = {
        "success": False,
        "requestId": request_id,
        "message": message,
        **fields,
    }
    return json_response(status, body, request_id=request_id)
