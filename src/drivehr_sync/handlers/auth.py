"""Who may trigger a sync: signatures, replayed ids, and a rate limit.

Two signature schemes are accepted. The plugin's own: ``X-Webhook-Signature:
sha256=<hex HMAC of the body>`` with an optional ``X-Webhook-Timestamp``
that must be recent. Standard Webhooks: ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature``; a ``webhook-id`` already
seen within the tolerance window is a replay. Every scheme present must
verify, and at least one must be present.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict, deque

from ..errors import SignatureError, StateError
from ..logs import get_logger
from ..signing import (
    TIMESTAMP_TOLERANCE_S,
    verify_body_signature,
    verify_standard_webhook,
    verify_timestamp,
)
from ..state import StateStore
from .events import Request

__all__ = [
    "RATE_WINDOW_S",
    "REPLAY_PREFIX",
    "RateLimiter",
    "TRIGGER_LIMITER",
    "remember_message_id",
    "verify_request",
]

log = get_logger(__name__)

RATE_WINDOW_S = 60.0
REPLAY_PREFIX = "webhook-ids/"
MAX_TRACKED_CLIENTS = 10_000


def verify_request(
    request: Request,
    secret: str,
    store: StateStore | None,
    *,
    now: float | None = None,
) -> str:
    """Verify every signature scheme present; return the names that passed.

    Raises :class:`SignatureError`; its message is for logs only, callers
    answer with one generic refusal.
    """
    current = time.time() if now is None else now
    headers = request.headers
    schemes = []

    if "x-webhook-signature" in headers:
        verify_body_signature(request.body, headers["x-webhook-signature"], secret)
        if "x-webhook-timestamp" in headers:
            verify_timestamp(headers["x-webhook-timestamp"], now=current)
        schemes.append("hex")

    standard = ("webhook-id", "webhook-timestamp", "webhook-signature")
    if any(name in headers for name in standard):
        message_id = verify_standard_webhook(request.body, headers, secret, now=current)
        if store is None:
            raise SignatureError("no store to check webhook-id replays")
        remember_message_id(store, message_id, now=current)
        schemes.append("standard")

    if not schemes:
        raise SignatureError("no signature headers")
    return "+".join(schemes)


def remember_message_id(
    store: StateStore,
    message_id: str,
    *,
    now: float | None = None,
    tolerance: int = TIMESTAMP_TOLERANCE_S,
) -> None:
    """Record ``message_id``; raise if it was seen within ``tolerance``."""
    current = time.time() if now is None else now
    digest = hashlib.sha256(message_id.encode()).hexdigest()
    key = REPLAY_PREFIX + digest
    stamp = f"{current:.3f}".encode()

    try:
        if not store.create_if_absent(key, stamp):
            seen_at = _seen_at(store.read(key))
            if seen_at is not None and current - seen_at <= tolerance:
                raise SignatureError("webhook-id was already used")
            store.write(key, stamp)
        _forget_old_ids(store, current, tolerance)
    except StateError as exc:
        # Without the store a replay cannot be ruled out: refuse.
        raise SignatureError("webhook-id could not be checked") from exc


def _seen_at(data: bytes | None) -> float | None:
    try:
        return float(data.decode()) if data else None
    except ValueError:
        return None


def _forget_old_ids(store: StateStore, now: float, tolerance: int) -> None:
    # Ids older than the window cannot be replayed (their timestamp would
    # fail), so keeping them only grows the store.
    for key in store.list_keys(REPLAY_PREFIX):
        seen_at = _seen_at(store.read(key))
        if seen_at is None or now - seen_at > tolerance:
            store.delete(key)


class RateLimiter:
    """A sliding-window limit of calls per client, kept in this process."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self.window_s = window_s
        self._calls: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(
        self, client: str, limit: int, *, now: float | None = None
    ) -> float | None:
        """Count a call; return seconds to wait if over ``limit``, else None."""
        current = time.monotonic() if now is None else now
        with self._lock:
            calls = self._calls.setdefault(client, deque())
            self._calls.move_to_end(client)
            while calls and current - calls[0] >= self.window_s:
                calls.popleft()

            if len(calls) >= limit:
                return max(self.window_s - (current - calls[0]), 1.0)

            calls.append(current)
            while len(self._calls) > MAX_TRACKED_CLIENTS:
                self._calls.popitem(last=False)
            return None

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()


TRIGGER_LIMITER = RateLimiter()
