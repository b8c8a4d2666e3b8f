"""What every handler does first: fresh log context, request id, settings."""

from __future__ import annotations

import functools
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from ..config import Settings, load_settings
from ..errors import ConfigError
from ..logs import configure_logging, get_logger
from .events import Request, parse_event
from .responses import json_response

__all__ = [
    "Invocation",
    "PROCESS_STARTED",
    "answer_unexpected_errors",
    "configuration_error",
    "ensure_logging",
    "method_not_allowed",
    "start_invocation",
]

log = get_logger(__name__)

# An incoming X-Request-ID is reused only when it looks like an id, so
# that nothing a caller sends ends up verbatim in headers and logs.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# Uptime counts from the cold start.
PROCESS_STARTED = time.monotonic()

_logging_configured = False


@dataclass(frozen=True, slots=True)
class Invocation:
    """One call of a function: its request, id and settings (if valid)."""

    function: str
    request: Request
    request_id: str
    settings: Settings | None
    problems: tuple[str, ...] = ()
    settings_ms: int = 0


def start_invocation(
    function: str, event: Mapping[str, Any] | None, context: Any
) -> Invocation:
    """Reset per-call state, read the event and the settings, bind the id."""
    # Warm instances keep contextvars between calls.
    structlog.contextvars.clear_contextvars()

    request = parse_event(event)
    request_id = _request_id(request)
    structlog.contextvars.bind_contextvars(requestId=request_id, function=function)

    started = time.monotonic()
    try:
        settings: Settings | None = load_settings()
        problems: tuple[str, ...] = ()
    except ConfigError as error:
        settings, problems = None, tuple(error.problems)
    settings_ms = int((time.monotonic() - started) * 1000)
    ensure_logging(settings)

    return Invocation(function, request, request_id, settings, problems, settings_ms)


def ensure_logging(settings: Settings | None = None) -> None:
    """Configure logging once per process (a cold start), redacting the secret."""
    global _logging_configured
    if _logging_configured:
        return

    if settings is not None:
        configure_logging(settings.log_level, secrets=[settings.secret])
    else:
        level = os.environ.get("LOG_LEVEL", "info").strip().lower() or "info"
        secret = os.environ.get("WEBHOOK_SECRET", "")
        configure_logging(level, secrets=[secret] if secret else [])
    _logging_configured = True


def configuration_error(invocation: Invocation) -> dict[str, Any]:
    """503 for a function that cannot work without valid settings."""
    log.error("function.config_invalid", problems=list(invocation.problems))
    return json_response(
        503,
        {
            "success": False,
            "requestId": invocation.request_id,
            "message": "The service is not configured correctly.",
            "problems": list(invocation.problems),
        },
        request_id=invocation.request_id,
    )


def method_not_allowed(
    invocation: Invocation, allowed: tuple[str, ...]
) -> dict[str, Any]:
    """405 naming the methods the function accepts."""
    return json_response(
        405,
        {
            "success": False,
            "requestId": invocation.request_id,
            "message": f"Method not allowed; use {', '.join(allowed)}.",
        },
        request_id=invocation.request_id,
        extra_headers={"Allow": ", ".join(allowed)},
    )


Handler = Callable[[Any, Any], dict[str, Any]]


def answer_unexpected_errors(handle: Handler) -> Handler:
    """Turn a crash into a logged 500 JSON answer instead of a raw error."""

    @functools.wraps(handle)
    def guarded(event: Any, context: Any = None) -> dict[str, Any]:
        try:
            return handle(event, context)
        except Exception:
            # A handler must always answer; the traceback goes to the log.
            log.exception("function.crashed")
            request_id = structlog.contextvars.get_contextvars().get(
                "requestId", str(uuid.uuid4())
            )
            return json_response(
                500,
                {
                    "success": False,
                    "requestId": request_id,
                    "message": "Internal error.",
                },
                request_id=request_id,
            )

    return guarded


def _request_id(request: Request) -> str:
    incoming = request.header("x-request-id")
    if incoming and REQUEST_ID_PATTERN.fullmatch(incoming):
        return incoming
    return str(uuid.uuid4())
