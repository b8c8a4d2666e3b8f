"""``sync-jobs``: the scheduled sync, also callable over HTTP when signed."""

from __future__ import annotations

from typing import Any

from ..config import Settings
from ..logs import get_logger
from ..models import SyncResult, SyncStatus
from .invocation import (
    answer_unexpected_errors,
    configuration_error,
    method_not_allowed,
    start_invocation,
)
from .triggers import (
    audit,
    guard_trigger,
    open_state_store,
    refusal,
    result_response,
)

__all__ = ["handle"]

log = get_logger(__name__)

FUNCTION = "sync-jobs"
SCHEDULED_REASON = "scheduled sync"


@answer_unexpected_errors
def handle(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """Answer one sync-jobs invocation: a schedule tick or a signed POST."""
    invocation = start_invocation(FUNCTION, event, context)
    request = invocation.request
    if not request.is_scheduled and request.method != "POST":
        audit(invocation, None, "method_not_allowed")
        return method_not_allowed(invocation, ("POST",))

    if invocation.settings is None:
        audit(invocation, None, "config_invalid")
        return configuration_error(invocation)
    settings = invocation.settings

    store = open_state_store(invocation)
    if request.is_scheduled:
        if settings.security_lockdown:
            audit(invocation, store, "lockdown", reason=SCHEDULED_REASON)
            return refusal(invocation, 503, "Security lockdown: syncs are disabled.")
    else:
        refused, outcome = guard_trigger(invocation, store)
        if refused is not None:
            kept = None if outcome == "rate_limited" else store
            audit(invocation, kept, outcome)
            return refused

    reason = SCHEDULED_REASON if request.is_scheduled else "sync-jobs call"
    if settings.maintenance_mode:
        result = SyncResult(
            status=SyncStatus.MAINTENANCE,
            request_id=invocation.request_id,
            reason="MAINTENANCE_MODE is on",
        )
    else:
        result = _run(settings, invocation.request_id, request.is_scheduled)

    audit(invocation, store, result.status.value, reason=reason)
    return result_response(invocation, result)


def _run(settings: Settings, request_id: str, scheduled: bool) -> SyncResult:
    from .. import sync as engine

    options = engine.SyncOptions(
        trigger="schedule" if scheduled else "manual",
        reason=SCHEDULED_REASON if scheduled else "sync-jobs call",
        request_id=request_id,
    )
    log.debug("sync.starting", scheduled=scheduled)
    return engine.run_sync(settings, options)
