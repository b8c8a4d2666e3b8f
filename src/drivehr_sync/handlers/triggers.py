"""The path every state-changing call takes: guard, run the sync, audit."""

from __future__ import annotations

from typing import Any

from ..errors import DriveHRSyncError, SignatureError
from ..logs import get_logger
from ..models import SyncResult, SyncStatus
from ..state import StateStore
from .auth import TRIGGER_LIMITER, verify_request
from .invocation import Invocation
from .responses import json_response

__all__ = [
    "MAX_BODY_BYTES",
    "STATUS_CODES",
    "audit",
    "guard_trigger",
    "open_state_store",
    "refusal",
    "result_response",
]

log = get_logger(__name__)

MAX_BODY_BYTES = 64 * 1024

STATUS_CODES = {
    SyncStatus.SYNCED: 200,
    SyncStatus.UNCHANGED: 200,
    SyncStatus.DRY_RUN: 200,
    SyncStatus.MAINTENANCE: 200,
    SyncStatus.REFUSED: 409,
    SyncStatus.BUSY: 409,
    SyncStatus.FAILED: 502,
}

UNAUTHORIZED_MESSAGE = "Unauthorized: missing or invalid signature."


def open_state_store(invocation: Invocation) -> StateStore | None:
    """The state store, or None (logged) when it cannot be opened."""
    if invocation.settings is None:
        return None
    try:
        from ..state import open_store

        store: StateStore = open_store(invocation.settings)
        return store
    except DriveHRSyncError as error:
        log.warning("function.state_unavailable", error=str(error))
        return None


def guard_trigger(
    invocation: Invocation, store: StateStore | None
) -> tuple[dict[str, Any] | None, str]:
    """Refuse a call that may not change anything; return (response, outcome).

    The response is None when the call may proceed.
    """
    settings = invocation.settings
    request = invocation.request
    if settings is None:
        raise ValueError("guard_trigger needs valid settings")

    if settings.security_lockdown:
        return refusal(
            invocation, 503, "Security lockdown: syncs are disabled."
        ), "lockdown"

    retry_after = TRIGGER_LIMITER.check(request.client, settings.trigger_rate_limit)
    if retry_after is not None:
        response = refusal(
            invocation,
            429,
            "Too many requests; try again later.",
            extra_headers={"Retry-After": str(int(retry_after + 0.999))},
        )
        return response, "rate_limited"

    if len(request.body) > MAX_BODY_BYTES:
        return refusal(
            invocation, 413, "Request body is larger than 64 KB."
        ), "too_large"

    try:
        scheme = verify_request(request, settings.secret, store)
    except SignatureError as error:
        log.info("trigger.unauthorized", client=request.client, why=str(error))
        return refusal(invocation, 401, UNAUTHORIZED_MESSAGE), "unauthorized"

    log.debug("trigger.verified", scheme=scheme)
    return None, "verified"


def refusal(
    invocation: Invocation,
    status: int,
    message: str,
    *,
    extra_headers: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A JSON refusal with ``success: false``."""
    body = {
        "success": False,
        "requestId": invocation.request_id,
        "message": message,
        **fields,
    }
    return json_response(
        status,
        body,
        request_id=invocation.request_id,
        extra_headers=extra_headers,
    )


def result_response(invocation: Invocation, result: SyncResult) -> dict[str, Any]:
    """The answer for a sync that ran (or was skipped) with its result."""
    body = {
        "success": result.status.is_success,
        "message": describe_result(result),
        **result.to_json(),
        "requestId": invocation.request_id,
    }
    return json_response(
        STATUS_CODES[result.status], body, request_id=invocation.request_id
    )


def describe_result(result: SyncResult) -> str:
    """One sentence an operator (or the plugin's admin page) can show."""
    counts = (
        f"{result.sent} jobs sent ({result.created} created, "
        f"{result.updated} updated, {result.removed} removed)"
    )
    messages = {
        SyncStatus.SYNCED: f"Sync completed: {counts}.",
        SyncStatus.UNCHANGED: (
            f"No changes: {result.jobs_found} jobs, nothing needed sending."
        ),
        SyncStatus.DRY_RUN: (
            f"Dry run: {result.jobs_found} jobs would be sent; nothing was sent."
        ),
        SyncStatus.MAINTENANCE: "Maintenance mode is on; the sync was skipped.",
        SyncStatus.REFUSED: "The sync was refused as unsafe; nothing was sent.",
        SyncStatus.BUSY: "Another sync is running; try again shortly.",
        SyncStatus.FAILED: "The sync failed.",
    }
    message = messages[result.status]
    if result.reason and not result.status.is_success:
        message = f"{message.rstrip('.')}: {result.reason}"
    return message


def audit(
    invocation: Invocation,
    store: StateStore | None,
    outcome: str,
    *,
    reason: str | None = None,
    dry_run: bool = False,
) -> None:
    """Write the one audit line of a trigger and count its outcome."""
    log.info(
        "trigger.audit",
        client=invocation.request.client,
        reason=reason,
        dryRun=dry_run,
        outcome=outcome,
        scheduled=invocation.request.is_scheduled,
    )
    if store is None:
        return
    try:
        from ..run_stats import record_trigger

        record_trigger(store, outcome)
    except DriveHRSyncError as error:
        log.warning("trigger.stats_unavailable", error=str(error))
