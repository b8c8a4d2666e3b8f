"""The sync-jobs function: schedules run the sync, HTTP calls must be signed."""

from __future__ import annotations

from typing import Any

import pytest

from drivehr_sync.handlers.sync_jobs import handle
from drivehr_sync.models import SyncStatus
from handler_fixtures import (
    HTTP_SHAPES,
    SECURITY_HEADERS,
    body_of,
    fake_result,
    http_event,
    load_event,
    service_env,
    signed_headers,
)

__all__ = ["service_env"]

PATH = "/.netlify/functions/sync-jobs"
SCHEDULES = ["eventbridge_scheduled", "netlify_scheduled"]


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace the sync engine with a fake answering ``synced``."""
    fake = fake_result(SyncStatus.SYNCED, jobs_found=4, sent=4, created=1)
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake)
    return fake


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_scheduled_event_runs_the_sync(
    service_env: Any, engine: Any, schedule: str
) -> None:
    """A scheduled event runs one sync marked as triggered by the schedule."""
    response = handle(load_event(schedule), None)

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["success"] is True
    assert body["status"] == "synced"
    assert (body["jobs"], body["sent"], body["created"]) == (4, 4, 1)
    assert engine.calls[0].trigger == "schedule"
    assert engine.calls[0].force is False
    assert engine.calls[0].dry_run is False


def test_scheduled_answer_is_never_cached(service_env: Any, engine: Any) -> None:
    """sync-jobs answers carry the security headers and ``no-store``."""
    response = handle(load_event("eventbridge_scheduled"), None)

    headers = response["headers"]
    assert headers["Cache-Control"] == "no-store"
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_maintenance_mode_skips_the_scheduled_run(
    service_env: Any, engine: Any, schedule: str
) -> None:
    """MAINTENANCE_MODE skips the run and says so with status maintenance."""
    service_env(MAINTENANCE_MODE="true")

    response = handle(load_event(schedule), None)

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["status"] == "maintenance"
    assert "Maintenance" in body["message"]
    assert engine.calls == []


def test_lockdown_refuses_the_scheduled_run(service_env: Any, engine: Any) -> None:
    """SECURITY_LOCKDOWN refuses even the schedule, with 503."""
    service_env(SECURITY_LOCKDOWN="true")

    response = handle(load_event("eventbridge_scheduled"), None)

    assert response["statusCode"] == 503
    assert engine.calls == []


@pytest.mark.parametrize("shape", HTTP_SHAPES)
def test_unsigned_http_call_gets_401(service_env: Any, engine: Any, shape: str) -> None:
    """An HTTP call without a signature answers 401 in every event shape."""
    event = http_event(shape, method="POST", path=PATH, body=b"{}")

    response = handle(event, None)

    assert response["statusCode"] == 401
    assert engine.calls == []


@pytest.mark.parametrize("shape", HTTP_SHAPES)
def test_signed_http_call_runs_the_sync(
    service_env: Any, engine: Any, shape: str
) -> None:
    """A signed HTTP POST runs the sync like the schedule would."""
    event = http_event(
        shape,
        method="POST",
        path=PATH,
        headers=signed_headers(b"{}"),
        body=b"{}",
    )

    response = handle(event, None)

    assert response["statusCode"] == 200
    assert engine.calls[0].trigger == "manual"


def test_http_call_with_a_forged_schedule_body_needs_a_signature(
    service_env: Any, engine: Any
) -> None:
    """A POST that only looks like EventBridge in its body is still refused."""
    body = b'{"detail-type": "Scheduled Event", "source": "aws.events"}'
    event = http_event("http_api_v2", method="POST", path=PATH, body=body)

    response = handle(event, None)

    assert response["statusCode"] == 401


def test_http_get_is_not_allowed(service_env: Any, engine: Any) -> None:
    """A GET of sync-jobs answers 405 with ``Allow: POST``."""
    response = handle(http_event("netlify", path=PATH), None)

    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == "POST"


def test_http_call_in_lockdown_gets_503(service_env: Any, engine: Any) -> None:
    """SECURITY_LOCKDOWN answers 503 to a signed HTTP call."""
    service_env(SECURITY_LOCKDOWN="true")
    event = http_event(
        "netlify",
        method="POST",
        path=PATH,
        headers=signed_headers(b"{}"),
        body=b"{}",
    )

    response = handle(event, None)

    assert response["statusCode"] == 503


@pytest.mark.parametrize(
    ("status", "code"),
    [(SyncStatus.FAILED, 502), (SyncStatus.REFUSED, 409), (SyncStatus.BUSY, 409)],
)
def test_unsuccessful_runs_answer_with_their_status_code(
    service_env: Any, monkeypatch: pytest.MonkeyPatch, status: SyncStatus, code: int
) -> None:
    """Failed, refused and busy runs answer 502, 409 and 409, success false."""
    monkeypatch.setattr("drivehr_sync.sync.run_sync", fake_result(status))

    response = handle(load_event("eventbridge_scheduled"), None)

    assert response["statusCode"] == code
    assert body_of(response)["success"] is False


def test_scheduled_run_with_bad_configuration_answers_503(
    service_env: Any, engine: Any
) -> None:
    """A schedule tick with invalid settings answers 503 listing the problems."""
    service_env(WP_API_URL="not a url")

    response = handle(load_event("eventbridge_scheduled"), None)

    assert response["statusCode"] == 503
    assert body_of(response)["problems"][0].startswith("WP_API_URL")
    assert engine.calls == []
