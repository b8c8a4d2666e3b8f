"""The manual-trigger function: signatures, body rules, limits and answers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import structlog

from drivehr_sync.handlers import invocation
from drivehr_sync.handlers.manual_trigger import handle
from drivehr_sync.models import SyncStatus
from drivehr_sync.run_stats import load_run_stats
from drivehr_sync.state import LocalStore
from handler_fixtures import (
    HTTP_SHAPES,
    SECURITY_HEADERS,
    body_of,
    fake_result,
    hex_signature,
    http_event,
    service_env,
    signed_headers,
)
from support import SECRET

__all__ = ["service_env"]

PATH = "/.netlify/functions/manual-trigger"
RUNBOOK_BODY = json.dumps(
    {"reason": "deployment verification", "dryRun": True}
).encode()
PLUGIN_BODY = json.dumps(
    {
        "force_sync": True,
        "reason": "Manual sync from WordPress admin",
        "source": "wordpress-admin",
    }
).encode()


def post(
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    shape: str = "netlify",
    encode_body: bool = False,
) -> dict[str, Any]:
    event = http_event(
        shape,
        method="POST",
        path=PATH,
        headers=headers,
        body=body,
        encode_body=encode_body,
    )
    return handle(event, None)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Replace the sync engine with a fake answering ``dry_run``."""
    fake = fake_result(SyncStatus.DRY_RUN, jobs_found=3, strategy="html")
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake)
    return fake


@pytest.mark.parametrize("shape", HTTP_SHAPES)
def test_signed_runbook_request_runs_a_dry_run_in_every_shape(
    service_env: Any, engine: Any, shape: str
) -> None:
    """The runbook's signed dry-run request succeeds whatever the event shape."""
    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY), shape=shape)

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["success"] is True
    assert body["status"] == "dry_run"
    assert body["jobs"] == 3
    assert body["requestId"] == response["headers"]["X-Request-ID"]
    assert engine.calls[0].dry_run is True
    assert engine.calls[0].reason == "deployment verification"
    assert engine.calls[0].trigger == "manual"


def test_base64_encoded_signed_body_is_verified_on_its_bytes(
    service_env: Any, engine: Any
) -> None:
    """A signed body that arrives base64-encoded verifies against its bytes."""
    response = post(
        RUNBOOK_BODY,
        signed_headers(RUNBOOK_BODY),
        shape="apigw_rest_v1",
        encode_body=True,
    )

    assert response["statusCode"] == 200


def test_response_carries_security_headers_and_is_not_cached(
    service_env: Any, engine: Any
) -> None:
    """Every answer carries the runbook's security headers and no-store."""
    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))

    headers = response["headers"]
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert headers["Cache-Control"] == "no-store"


def test_plugin_button_request_gets_success_and_request_id(
    service_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plugin's button (signature only, force_sync) gets 200 and success."""
    fake = fake_result(SyncStatus.SYNCED, jobs_found=2, sent=2, updated=2)
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake)
    headers = {"X-Webhook-Signature": hex_signature(PLUGIN_BODY)}

    response = post(PLUGIN_BODY, headers)

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["success"] is True
    assert body["requestId"]
    options = fake.calls[0]
    assert options.send_unchanged is True
    assert options.force is False


def test_force_sync_does_not_override_a_safety_refusal(
    service_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused sync answers 409 with success false even with force_sync."""
    fake = fake_result(SyncStatus.REFUSED, reason="would remove 80% of jobs")
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake)
    headers = {"X-Webhook-Signature": hex_signature(PLUGIN_BODY)}

    response = post(PLUGIN_BODY, headers)

    body = body_of(response)
    assert response["statusCode"] == 409
    assert body["success"] is False
    assert "would remove 80% of jobs" in body["message"]


def test_explicit_force_is_passed_to_the_engine(service_env: Any, engine: Any) -> None:
    """``force: true`` reaches the engine as a forced sync."""
    body = json.dumps({"reason": "override", "force": True}).encode()

    post(body, signed_headers(body, "hex+timestamp"))

    assert engine.calls[0].force is True


def test_force_needs_a_signed_timestamp(service_env: Any, engine: Any) -> None:
    """A forced trigger signed without a timestamp is refused as replayable."""
    body = json.dumps({"reason": "override", "force": True}).encode()

    response = post(body, {"X-Webhook-Signature": hex_signature(body)})

    assert response["statusCode"] == 401
    assert body_of(response)["success"] is False
    assert engine.calls == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (SyncStatus.SYNCED, 200),
        (SyncStatus.UNCHANGED, 200),
        (SyncStatus.FAILED, 502),
        (SyncStatus.BUSY, 409),
        (SyncStatus.REFUSED, 409),
    ],
)
def test_sync_outcome_sets_status_code_and_success(
    service_env: Any,
    monkeypatch: pytest.MonkeyPatch,
    status: SyncStatus,
    code: int,
) -> None:
    """Each sync outcome answers its own status code and success flag."""
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake_result(status))

    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))

    assert response["statusCode"] == code
    assert body_of(response)["success"] is (code == 200)


@pytest.mark.parametrize("scheme", ["hex", "hex+timestamp", "standard"], ids=str)
def test_each_signature_scheme_is_accepted(
    service_env: Any, engine: Any, scheme: str
) -> None:
    """Both signature schemes, with and without a timestamp, are accepted."""
    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY, scheme))

    assert response["statusCode"] == 200


def test_both_schemes_together_are_accepted(service_env: Any, engine: Any) -> None:
    """A request carrying both schemes, as deliveries do, is accepted."""
    headers = signed_headers(RUNBOOK_BODY, "standard")
    headers.update(signed_headers(RUNBOOK_BODY, "hex+timestamp"))

    response = post(RUNBOOK_BODY, headers)

    assert response["statusCode"] == 200


def _tampered(kind: str) -> tuple[bytes, dict[str, str]]:
    now = int(time.time())
    body = RUNBOOK_BODY
    if kind == "missing":
        return body, {}
    if kind == "malformed":
        return body, {"X-Webhook-Signature": "md5=abc"}
    if kind == "not_hex":
        return body, {"X-Webhook-Signature": "sha256=zz"}
    if kind == "wrong_secret":
        return body, signed_headers(body, secret="w" * 40)
    if kind == "body_changed":
        return body.replace(b"deployment", b"deploymenT"), signed_headers(body)
    if kind == "stale_timestamp":
        return body, signed_headers(body, "hex+timestamp", timestamp=now - 301)
    if kind == "future_timestamp":
        return body, signed_headers(body, "hex+timestamp", timestamp=now + 301)
    if kind == "bad_timestamp":
        headers = signed_headers(body)
        headers["X-Webhook-Timestamp"] = "soon"
        return body, headers
    if kind == "standard_wrong_secret":
        return body, signed_headers(body, "standard", secret="w" * 40)
    if kind == "standard_stale":
        return body, signed_headers(body, "standard", timestamp=now - 400)
    if kind == "standard_future":
        return body, signed_headers(body, "standard", timestamp=now + 400)
    if kind == "standard_missing_id":
        headers = signed_headers(body, "standard")
        del headers["webhook-id"]
        return body, headers
    if kind == "good_hex_bad_standard":
        headers = signed_headers(body, "standard", secret="w" * 40)
        headers.update(signed_headers(body))
        return body, headers
    raise AssertionError(kind)


TAMPERINGS = [
    "missing",
    "malformed",
    "not_hex",
    "wrong_secret",
    "body_changed",
    "stale_timestamp",
    "future_timestamp",
    "bad_timestamp",
    "standard_wrong_secret",
    "standard_stale",
    "standard_future",
    "standard_missing_id",
    "good_hex_bad_standard",
]


@pytest.mark.parametrize("kind", TAMPERINGS)
def test_bad_signatures_get_one_generic_401(
    service_env: Any, engine: Any, kind: str
) -> None:
    """Every failed check answers the same 401 and never runs a sync."""
    body, headers = _tampered(kind)

    response = post(body, headers)

    assert response["statusCode"] == 401
    assert body_of(response)["message"] == (
        "Unauthorized: missing or invalid signature."
    )
    assert body_of(response)["success"] is False
    assert engine.calls == []


def test_body_changed_by_one_byte_is_refused(service_env: Any, engine: Any) -> None:
    """Changing a single byte of a signed body invalidates the signature."""
    headers = signed_headers(RUNBOOK_BODY)
    changed = RUNBOOK_BODY.replace(b"true", b"True")

    response = post(changed, headers)

    assert len(changed) == len(RUNBOOK_BODY)
    assert response["statusCode"] == 401


def test_replayed_webhook_id_is_refused(service_env: Any, engine: Any) -> None:
    """A Standard Webhooks id seen within the window is refused as a replay."""
    headers = signed_headers(RUNBOOK_BODY, "standard", message_id="msg_1")

    first = post(RUNBOOK_BODY, headers)
    replay = post(RUNBOOK_BODY, headers)

    assert first["statusCode"] == 200
    assert replay["statusCode"] == 401
    assert len(engine.calls) == 1


def test_seen_webhook_ids_are_kept_in_the_state_store(
    service_env: Any, engine: Any, tmp_path: Any
) -> None:
    """The seen id lives in the state store, so other instances refuse it too."""
    headers = signed_headers(RUNBOOK_BODY, "standard", message_id="msg_2")

    post(RUNBOOK_BODY, headers)

    keys = LocalStore(tmp_path / "state").list_keys("webhook-ids/")
    assert len(keys) == 1
    assert "msg_2" not in keys[0]


def test_body_over_64_kb_is_refused_with_413(service_env: Any, engine: Any) -> None:
    """A body larger than 64 KB answers 413 before anything else is read."""
    body = json.dumps({"reason": "x" * 70_000}).encode()

    response = post(body, signed_headers(body))

    assert response["statusCode"] == 413
    assert engine.calls == []


def test_invalid_json_is_refused_with_400(service_env: Any, engine: Any) -> None:
    """A signed body that is not JSON answers 400."""
    body = b"{not json"

    response = post(body, signed_headers(body))

    assert response["statusCode"] == 400
    assert body_of(response)["message"] == "Request body is not valid JSON."


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"dryRun": "yes"}, "dryRun"),
        ({"force": 1}, "force"),
        ({"reason": 42}, "reason"),
        ({"dry_runn": True}, "dry_runn"),
        ([1, 2], "body"),
    ],
)
def test_invalid_fields_are_listed_in_a_400(
    service_env: Any, engine: Any, document: Any, field: str
) -> None:
    """A body failing validation answers 400 naming each bad field."""
    body = json.dumps(document).encode()

    response = post(body, signed_headers(body))

    fields = [error["field"] for error in body_of(response)["errors"]]
    assert response["statusCode"] == 400
    assert field in fields
    assert engine.calls == []


def test_empty_body_runs_a_plain_sync(service_env: Any, engine: Any) -> None:
    """A signed empty body means defaults: a real sync, not forced."""
    response = post(b"", signed_headers(b""))

    assert response["statusCode"] == 200
    assert engine.calls[0].dry_run is False
    assert engine.calls[0].force is False


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_get_405_with_allow_post(
    service_env: Any, engine: Any, method: str
) -> None:
    """Any method but POST answers 405 with ``Allow: POST``."""
    event = http_event("netlify", method=method, path=PATH)

    response = handle(event, None)

    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == "POST"


def test_rate_limit_answers_429_with_retry_after(service_env: Any, engine: Any) -> None:
    """Calls past the per-client limit in a minute answer 429 with Retry-After."""
    service_env(TRIGGER_RATE_LIMIT="2")
    headers = {**signed_headers(RUNBOOK_BODY), "X-Forwarded-For": "192.0.2.50"}

    codes = [post(RUNBOOK_BODY, headers)["statusCode"] for _ in range(3)]
    other = post(RUNBOOK_BODY, {**headers, "X-Forwarded-For": "192.0.2.51"})
    limited = post(RUNBOOK_BODY, headers)

    assert codes == [200, 200, 429]
    assert other["statusCode"] == 200
    assert 1 <= int(limited["headers"]["Retry-After"]) <= 60


def test_security_lockdown_refuses_with_503(service_env: Any, engine: Any) -> None:
    """SECURITY_LOCKDOWN answers 503 even to a correctly signed trigger."""
    service_env(SECURITY_LOCKDOWN="true")

    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))

    assert response["statusCode"] == 503
    assert body_of(response)["success"] is False
    assert engine.calls == []


def test_invalid_configuration_answers_503_without_the_secret(
    service_env: Any, engine: Any
) -> None:
    """A bad configuration answers 503 listing problems, never the secret."""
    service_env(WEBHOOK_SECRET="too-short-secret", DRIVEHR_COMPANY_ID="nope")

    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))

    assert response["statusCode"] == 503
    assert "too-short-secret" not in response["body"]
    assert len(body_of(response)["problems"]) == 2


def test_each_trigger_writes_one_audit_line_without_the_signature(
    service_env: Any, engine: Any
) -> None:
    """A trigger logs one ``trigger.audit`` line; the signature is not in it."""
    headers = signed_headers(RUNBOOK_BODY)
    invocation.ensure_logging()

    with structlog.testing.capture_logs() as logs:
        post(RUNBOOK_BODY, headers)

    audits = [line for line in logs if line["event"] == "trigger.audit"]
    assert len(audits) == 1
    assert audits[0]["outcome"] == "dry_run"
    assert audits[0]["reason"] == "deployment verification"
    assert audits[0]["dryRun"] is True
    assert audits[0]["client"] == "203.0.113.77"
    assert headers["X-Webhook-Signature"] not in repr(logs)
    assert SECRET not in repr(logs)


def test_trigger_outcomes_are_counted_in_run_stats(
    service_env: Any, engine: Any, tmp_path: Any
) -> None:
    """Accepted and unauthorized calls are counted in the persisted stats."""
    post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))
    post(RUNBOOK_BODY, {})

    stats = load_run_stats(LocalStore(tmp_path / "state"))
    assert stats.trigger_calls == {"dry_run": 1, "unauthorized": 1}


def test_an_engine_crash_answers_a_json_500(
    service_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception becomes a JSON 500 with the request id."""

    def explode(settings: Any, options: Any = None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("drivehr_sync.sync.run_sync", explode)

    response = post(RUNBOOK_BODY, signed_headers(RUNBOOK_BODY))

    assert response["statusCode"] == 500
    assert "boom" not in response["body"]
    assert body_of(response)["requestId"] == response["headers"]["X-Request-ID"]
