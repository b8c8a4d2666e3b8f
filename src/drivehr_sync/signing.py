"""HMAC signatures for deliveries and for incoming trigger calls.

Two schemes travel together. The WordPress plugin checks
``X-Webhook-Signature: sha256=<hex HMAC of the body>`` and, separately, that
``X-Webhook-Timestamp`` is recent; the timestamp is not signed. Standard
Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)
binds id, timestamp and body in one signature for receivers that want it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

from .errors import SignatureError

__all__ = [
    "TIMESTAMP_TOLERANCE_S",
    "delivery_headers",
    "sign_body",
    "sign_standard_webhook",
    "verify_body_signature",
    "verify_standard_webhook",
    "verify_timestamp",
]

TIMESTAMP_TOLERANCE_S = 300
HEX_PREFIX = "sha256="
STANDARD_PREFIX = "v1,"
WHSEC_PREFIX = "whsec_"


def sign_body(body: bytes, secret: str) -> str:
    """The plugin's signature header value for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return HEX_PREFIX + digest


def standard_webhook_key(secret: str) -> bytes:
    """The Standard Webhooks key: base64 after ``whsec_``, else the text."""
    if secret.startswith(WHSEC_PREFIX):
        try:
            encoded = secret.removeprefix(WHSEC_PREFIX)
            return base64.b64decode(encoded, validate=True)
        except binascii.Error:
            pass
    return secret.encode()


def sign_standard_webhook(
    message_id: str, timestamp: int, body: bytes, secret: str
) -> str:
    """The ``webhook-signature`` value binding id, timestamp and body."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    key = standard_webhook_key(secret)
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return STANDARD_PREFIX + base64.b64encode(digest).decode()


def delivery_headers(
    body: bytes, secret: str, request_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """Every signature header a delivery carries, for these exact bytes."""
    if timestamp is None:
        timestamp = int(time.time())
    return {
        "X-Webhook-Signature": sign_body(body, secret),
        "X-Webhook-Timestamp": str(timestamp),
        "webhook-id": request_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign_standard_webhook(request_id, timestamp, body, secret),
    }


def verify_timestamp(
    value: str | None,
    *,
    now: float | None = None,
    tolerance: int = TIMESTAMP_TOLERANCE_S,
) -> int:
    """Check a Unix-seconds timestamp lies within ``tolerance`` of now."""
    if value is None or not value.strip().isdigit():
        raise SignatureError("timestamp is missing or not a number")

    timestamp = int(value.strip())
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp is outside the tolerance window")
    return timestamp


def verify_body_signature(body: bytes, header: str | None, secret: str) -> None:
    """Check ``X-Webhook-Signature: sha256=<hex>`` against the raw body."""
    if not header or not header.startswith(HEX_PREFIX):
        raise SignatureError("signature is missing or malformed")

    expected = sign_body(body, secret)
    if not hmac.compare_digest(expected.encode(), header.strip().encode()):
        raise SignatureError("signature does not match")


def verify_standard_webhook(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: float | None = None,
    tolerance: int = TIMESTAMP_TOLERANCE_S,
) -> str:
    """Check the Standard Webhooks headers; return the verified message id.

    ``headers`` must have lower-case keys.
    """
    message_id = headers.get("webhook-id")
    signatures = headers.get("webhook-signature")
    if not message_id or not signatures:
        raise SignatureError("standard webhook headers are missing")

    timestamp = verify_timestamp(
        headers.get("webhook-timestamp"), now=now, tolerance=tolerance
    )
    expected = sign_standard_webhook(message_id, timestamp, body, secret)
    for candidate in signatures.split():
        if hmac.compare_digest(expected.encode(), candidate.encode()):
            return message_id
    raise SignatureError("signature does not match")
