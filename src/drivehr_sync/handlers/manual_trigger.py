"""``manual-trigger``: a signed POST that runs a sync now.

Also serves the WordPress plugin's "Sync Jobs Now" button, which posts
``{"force_sync": true, "reason": ..., "source": "wordpress-admin"}`` signed
with ``X-Webhook-Signature`` alone and counts the call a success only on
200 with ``"success": true``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
)

from ..config import Settings
from ..logs import get_logger
from ..models import SyncResult
from .invocation import (
    Invocation,
    answer_unexpected_errors,
    configuration_error,
    method_not_allowed,
    start_invocation,
)
from .triggers import (
    UNAUTHORIZED_MESSAGE,
    audit,
    guard_trigger,
    open_state_store,
    refusal,
    result_response,
)

__all__ = ["TriggerRequest", "handle"]

log = get_logger(__name__)

FUNCTION = "manual-trigger"


class TriggerRequest(BaseModel):
    """The body of a manual trigger."""

    # Unknown fields are refused: a misspelt ``dryRun`` must not turn a
    # rehearsal into a real delivery.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    reason: str | None = Field(default=None, max_length=500)
    dry_run: StrictBool = Field(
        default=False, validation_alias=AliasChoices("dryRun", "dry_run")
    )
    force: StrictBool = False
    # The plugin's button: send even if nothing changed. Never a licence
    # to override a safety refusal; only ``force`` is.
    force_sync: StrictBool = Field(
        default=False, validation_alias=AliasChoices("force_sync", "forceSync")
    )
    source: str | None = Field(default=None, max_length=100)


@answer_unexpected_errors
def handle(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """Answer one manual-trigger invocation."""
    invocation = start_invocation(FUNCTION, event, context)
    if invocation.request.method != "POST":
        audit(invocation, None, "method_not_allowed")
        return method_not_allowed(invocation, ("POST",))

    if invocation.settings is None:
        audit(invocation, None, "config_invalid")
        return configuration_error(invocation)

    store = open_state_store(invocation)
    refused, outcome = guard_trigger(invocation, store)
    if refused is not None:
        audit(invocation, None if outcome == "rate_limited" else store, outcome)
        return refused

    parsed = _parse_body(invocation)
    if not isinstance(parsed, TriggerRequest):
        audit(invocation, store, "invalid_request")
        return parsed

    if parsed.force and not _is_time_bound(invocation.request.headers):
        # A body signed without a timestamp can be replayed forever; one
        # that overrides the safety checks must not be.
        log.info("trigger.unauthorized", why="force without a signed timestamp")
        audit(invocation, store, "unauthorized", reason=parsed.reason)
        return refusal(invocation, 401, UNAUTHORIZED_MESSAGE)

    result = _run(invocation.settings, invocation.request_id, parsed)
    audit(
        invocation,
        store,
        result.status.value,
        reason=parsed.reason,
        dry_run=parsed.dry_run,
    )
    return result_response(invocation, result)


def _is_time_bound(headers: dict[str, str]) -> bool:
    return "x-webhook-timestamp" in headers or "webhook-timestamp" in headers


def _parse_body(invocation: Invocation) -> TriggerRequest | dict[str, Any]:
    body = invocation.request.body.strip() or b"{}"
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return refusal(invocation, 400, "Request body is not valid JSON.")

    try:
        return TriggerRequest.model_validate(document)
    except ValidationError as error:
        return refusal(
            invocation,
            400,
            "Request body is invalid.",
            errors=_field_errors(error),
        )


def _field_errors(error: ValidationError) -> list[dict[str, str]]:
    # Never echo the input: a body may carry anything.
    return [
        {
            "field": ".".join(str(part) for part in item["loc"]) or "body",
            "message": item["msg"],
        }
        for item in error.errors(include_input=False, include_url=False)
    ]


def _run(settings: Settings, request_id: str, trigger: TriggerRequest) -> SyncResult:
    from .. import sync as engine

    options = engine.SyncOptions(
        dry_run=trigger.dry_run,
        force=trigger.force,
        send_unchanged=trigger.force_sync or trigger.force,
        reason=trigger.reason,
        trigger="manual",
        request_id=request_id,
    )
    log.info(
        "trigger.accepted",
        dryRun=trigger.dry_run,
        force=trigger.force,
        forceSync=trigger.force_sync,
        source=trigger.source,
    )
    return engine.run_sync(settings, options)
