"""A real HTTP server on 127.0.0.1 for the stand-ins, run in a daemon thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from drivehr_sync.logs import get_logger

__all__ = ["Headers", "LoopbackServer", "RecordedRequest", "Reply"]

log = get_logger(__name__)

HOST = "127.0.0.1"
# Idle keep-alive connections give their thread back after this long.
IDLE_TIMEOUT_S = 30
# How quickly stop() returns: serve_forever notices shutdown at this pace.
SHUTDOWN_POLL_S = 0.02


class Headers(dict[str, str]):
    """Header values keyed by lower-case name; lookups ignore case."""

    def __init__(self, pairs: Any = ()) -> None:
        super().__init__()
        items = pairs.items() if hasattr(pairs, "items") else pairs
        for name, value in items:
            self[name] = value

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(name.lower(), value)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


@dataclass(slots=True)
class RecordedRequest:
    """One request a stand-in received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: Headers
    body: bytes
    client_ip: str
    status: int = 0


@dataclass(slots=True)
class Reply:
    """What a stand-in answers: status, body and headers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"


class LoopbackServer:
    """Serve ``handle`` on an ephemeral loopback port until stopped."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._records: list[RecordedRequest] = []
        self._records_lock = threading.Lock()

    def handle(self, request: RecordedRequest) -> Reply:
        """Answer one request; subclasses implement their routes here."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, once started."""
        if self._server is None:
            raise RuntimeError("the stand-in is not running; call start()")
        return f"http://{HOST}:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._records_lock:
            return list(self._records)

    def clear_requests(self) -> None:
        """Forget the requests recorded so far."""
        with self._records_lock:
            self._records.clear()

    def start(self) -> Self:
        """Bind a free port and serve in a daemon thread."""
        if self._server is not None:
            return self

        self._server = ThreadingHTTPServer((HOST, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_S},
            name=f"{type(self).__name__}-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        log.debug("standin.started", standin=type(self).__name__, url=self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return

        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, request: RecordedRequest) -> Reply:
        with self._records_lock:
            self._records.append(request)

        try:
            reply = self.handle(request)
        except Exception:
            log.exception("standin.handler_failed", path=request.path)
            reply = Reply(500, b'{"error": "stand-in failure"}')

        request.status = reply.status
        log.debug(
            "standin.request",
            standin=type(self).__name__,
            method=request.method,
            path=request.path,
            status=reply.status,
        )
        return reply


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        standin = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    standin: LoopbackServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; Nagle would hold the second.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT_S
    server_version = "Apache"
    sys_version = ""

    def _dispatch(self) -> None:
        target = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=target.path,
            query=dict(parse_qsl(target.query, keep_blank_values=True)),
            headers=Headers(self.headers.items()),
            body=self._read_body(),
            client_ip=self.client_address[0],
        )

        reply = self.standin._serve(request)

        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailer lines end with an empty line.
                while self.rfile.readline().strip():
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch
    do_HEAD = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        # The stand-ins log each exchange through structlog instead.
        return
