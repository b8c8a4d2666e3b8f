"""Structured logging: one JSON object per line on stderr, secrets redacted.

Each line has the runbook's shape: ``timestamp``, ``level``, ``message``
(a stable event name) and ``metadata`` holding the context.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

__all__ = ["RedactSecrets", "configure_logging", "get_logger"]

REDACTED = "[REDACTED]"
SENSITIVE_KEY = re.compile(
    r"secret|signature|authorization|password|token|api[_-]?key|cookie",
    re.IGNORECASE,
)
# Values that look like signatures wherever they appear in text.
SIGNATURE_TEXT = re.compile(
    r"sha256=[0-9a-fA-F]{16,}|v1,[A-Za-z0-9+/=]{16,}|whsec_[A-Za-z0-9+/=]+"
)
TOP_LEVEL = ("timestamp", "level", "message", "metadata")


class RedactSecrets:
    """Replace secrets, signatures and credentials anywhere in an event."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = [secret for secret in secrets if secret]

    def __call__(
        self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key in list(event_dict):
            event_dict[key] = self._clean(key, event_dict[key])
        return event_dict

    def _clean(self, key: str, value: Any) -> Any:
        if SENSITIVE_KEY.search(key):
            return REDACTED
        if isinstance(value, str):
            return self._clean_text(value)
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._clean(key, item) for item in value]
        return value

    def _clean_text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return SIGNATURE_TEXT.sub(REDACTED, text)


def _runbook_shape(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    metadata = {k: v for k, v in event_dict.items() if k not in TOP_LEVEL}
    metadata.update(event_dict.get("metadata") or {})
    return {
        "timestamp": event_dict.get("timestamp"),
        "level": event_dict.get("level", method_name),
        "message": event_dict.get("message", event_dict.get("event")),
        "metadata": metadata,
    }


def _rename_event(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    event_dict["message"] = event_dict.pop("event", "")
    return event_dict


def configure_logging(
    level: str = "info",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Send JSON log lines at ``level`` or above to ``stream`` (stderr)."""
    name = level.strip().upper()
    numeric = logging.getLevelNamesMapping().get(
        "WARNING" if name == "WARN" else name, logging.INFO
    )

    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _rename_event,
            RedactSecrets(secrets),
            _runbook_shape,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_stream_logger_factory(stream),
        cache_logger_on_first_use=False,
    )


def _stream_logger_factory(stream: TextIO | None) -> Any:
    # Resolve stderr per logger, not once: a test runner or a REPL may
    # replace sys.stderr after logging has been configured.
    def factory(*args: Any) -> structlog.PrintLogger:
        return structlog.PrintLogger(stream or sys.stderr)

    return factory


def _dumps(value: Any, **kwargs: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"))


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
