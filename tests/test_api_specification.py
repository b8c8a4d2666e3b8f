"""Every answer the local server gives matches docs/api-specification.yaml."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from drivehr_sync.models import SyncStatus
from handler_fixtures import fake_result, hex_signature, server_url, service_env

__all__ = ["server_url", "service_env"]

SPEC = Path(__file__).parent.parent / "docs" / "api-specification.yaml"
schema = schemathesis.openapi.from_path(SPEC)

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Headers that would make a signed request fail on purpose; the signed
# run wants to reach the engine.
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "x-webhook-timestamp")


def no_internal_error(ctx: Any, response: Any, case: Any) -> None:
    """A 500 means an unexpected exception: never acceptable."""
    if response.status_code == 500 or response.status_code > 503:
        raise AssertionError(
            f"{case.method} {case.path} answered {response.status_code}"
        )


CHECKS = [
    no_internal_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class SignEveryBody(requests.auth.AuthBase):
    """Sign the bytes actually sent, as a legitimate caller would."""

    def __call__(self, request: requests.PreparedRequest) -> Any:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        for name in STANDARD_HEADERS:
            request.headers.pop(name, None)
        request.headers["X-Webhook-Signature"] = hex_signature(body)
        return request


@pytest.fixture
def base_url(server_url: str) -> str:
    return server_url


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync engine that answers each outcome in turn, instantly."""
    outcomes = itertools.cycle(
        [
            fake_result(SyncStatus.SYNCED, jobs_found=3, sent=3, created=3),
            fake_result(SyncStatus.UNCHANGED, jobs_found=3),
            fake_result(SyncStatus.DRY_RUN, jobs_found=3, jobs=[{"id": "drivehr-1"}]),
            fake_result(SyncStatus.REFUSED, reason="would remove every job"),
            fake_result(SyncStatus.BUSY, reason="lease held"),
            fake_result(SyncStatus.FAILED, reason="WordPress answered 500"),
        ]
    )
    lock = threading.Lock()

    def run_sync(settings: Any, options: Any = None) -> Any:
        with lock:
            fake = next(outcomes)
        return fake(settings, options)

    monkeypatch.setattr("drivehr_sync.sync.run_sync", run_sync)


@schema.parametrize()
@HYPOTHESIS
def test_generated_calls_match_the_specification(
    case: schemathesis.Case, base_url: str, service_env: Any, engine: None
) -> None:
    """Generated calls get documented answers and never a 500."""
    service_env(TRIGGER_RATE_LIMIT="8")

    case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=15)


@schema.include(method="POST").parametrize()
@HYPOTHESIS
def test_signed_calls_match_the_specification(
    case: schemathesis.Case, base_url: str, service_env: Any, engine: None
) -> None:
    """Correctly signed calls reach the engine and every outcome is documented."""
    service_env(TRIGGER_RATE_LIMIT="100000")
    session = requests.Session()
    session.auth = SignEveryBody()

    case.call_and_validate(
        base_url=base_url, session=session, checks=CHECKS, timeout=15
    )


@pytest.mark.parametrize("switch", ["SECURITY_LOCKDOWN", "MAINTENANCE_MODE"])
def test_emergency_switch_answers_match_the_specification(
    base_url: str, service_env: Any, engine: None, switch: str
) -> None:
    """Answers under the emergency switches are documented too."""
    service_env(**{switch: "true"})
    session = requests.Session()
    session.auth = SignEveryBody()

    for path, method in [
        ("/.netlify/functions/sync-jobs", "POST"),
        ("/.netlify/functions/manual-trigger", "POST"),
        ("/.netlify/functions/health-check", "GET"),
    ]:
        operation = schema[path][method]
        case = operation.Case(body={}) if method == "POST" else operation.Case()
        case.call_and_validate(
            base_url=base_url, session=session, checks=CHECKS, timeout=15
        )
