"""Delivering the complete job list to the WordPress plugin's webhook.

This is the only code that sends to WordPress. The payload is serialized
once; those exact bytes are signed and sent on every attempt, each attempt
with a fresh timestamp and signature.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from .config import Settings
from .errors import DeliveryError, DeliveryRefusedError
from .http_client import RetryableStatusError, send_with_retries
from .logs import get_logger
from .signing import delivery_headers

__all__ = [
    "PAYLOAD_SOURCE",
    "DeliveryReceipt",
    "build_payload",
    "deliver",
    "serialize_payload",
]

log = get_logger(__name__)

PAYLOAD_SOURCE = "drivehr-sync"
PHP8_FAULT_HINT = (
    "if every delivery answers 500, the plugin may have the known PHP 8 "
    "fault (jobs are written, stale jobs never deleted): see "
    "docs/operations.md, 'Every delivery answers 500'"
)


@dataclass(slots=True)
class DeliveryReceipt:
    """What the plugin reported after accepting a delivery."""

    status_code: int
    created: int
    updated: int
    skipped: int
    total: int
    removed: int
    errors: list[str] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)


def build_payload(
    jobs: list[dict[str, Any]], request_id: str, now: datetime | None = None
) -> dict[str, Any]:
    """The delivery document: the complete list and what identifies it."""
    moment = now or datetime.now(UTC)
    return {
        "source": PAYLOAD_SOURCE,
        "requestId": request_id,
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "total_count": len(jobs),
        "jobs": jobs,
    }


def serialize_payload(payload: dict[str, Any]) -> bytes:
    """The bytes that are signed and sent, always produced the same way."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def check_job_limit(jobs: list[dict[str, Any]], settings: Settings) -> None:
    """Refuse a list the plugin would reject as a whole."""
    if len(jobs) > settings.wp_max_jobs:
        raise DeliveryRefusedError(
            f"{len(jobs)} jobs exceed the plugin's limit of "
            f"{settings.wp_max_jobs} per delivery (WP_MAX_JOBS); the list "
            "cannot be split, because each delivery replaces the whole set",
            kind="too_many_jobs",
        )


async def deliver(
    client: httpx.AsyncClient, settings: Settings, payload: dict[str, Any]
) -> DeliveryReceipt:
    """Sign and post ``payload``; return the plugin's receipt or raise."""
    jobs = payload["jobs"]
    check_job_limit(jobs, settings)
    request_id = payload["requestId"]
    body = serialize_payload(payload)

    async def send() -> httpx.Response:
        headers = {
            "Content-Type": "application/json",
            "X-Request-ID": request_id,
            **delivery_headers(body, settings.secret, request_id),
        }
        return await client.post(settings.wp_api_url, content=body, headers=headers)

    try:
        response = await send_with_retries(
            send,
            max_retries=settings.max_retries,
            backoff_s=settings.retry_backoff_s,
            cap_s=settings.retry_after_cap_s,
        )
    except RetryableStatusError as error:
        response = error.response
    except httpx.HTTPError as error:
        raise DeliveryError(
            f"could not reach WordPress at {settings.wp_api_url}: "
            f"{type(error).__name__}",
            request_id=request_id,
        ) from error

    log.info(
        "wordpress.delivery",
        status=response.status_code,
        jobs=len(jobs),
        bytes=len(body),
    )
    return read_receipt(response, request_id)


def read_receipt(response: httpx.Response, request_id: str) -> DeliveryReceipt:
    """Turn the plugin's answer into a receipt, or a precise error."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None

    if status == 200 and isinstance(body, dict) and body.get("success") is True:
        return DeliveryReceipt(
            status_code=status,
            created=_count(body, "processed"),
            updated=_count(body, "updated"),
            skipped=_count(body, "skipped"),
            total=_count(body, "total"),
            removed=_count(body, "removed"),
            errors=[str(item) for item in body.get("errors") or []],
            body=body,
        )

    raise DeliveryError(
        explain_rejection(status, body),
        status_code=status,
        request_id=request_id,
    )


def explain_rejection(status: int, body: Any) -> str:
    """A sentence an operator can act on, for each way the plugin says no."""
    said = body.get("error") if isinstance(body, dict) else None
    said_text = f" ({said})" if said else ""
    reasons = {
        400: "the plugin rejected the payload as malformed",
        401: (
            "the plugin rejected the signature: WEBHOOK_SECRET must equal the "
            "plugin's secret and both clocks must agree within 300 s"
        ),
        404: "no plugin answers at WP_API_URL (wrong URL or plugin not active)",
        405: "WP_API_URL answered 405 to a POST: it is not the plugin's webhook",
        429: "the plugin's rate limit (10 requests a minute) is exhausted",
        503: "the plugin is switched off on the site (HTTP 503)",
    }
    if status in reasons:
        return f"HTTP {status}: {reasons[status]}{said_text}"
    if status >= 500:
        return f"HTTP {status}: the site failed to process the delivery; " + (
            PHP8_FAULT_HINT
        )
    if status == 200:
        return "HTTP 200 without the plugin's success answer: is WP_API_URL right?"
    return f"HTTP {status}: unexpected answer from the plugin{said_text}"


def _count(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    return value if isinstance(value, int) and value >= 0 else 0
