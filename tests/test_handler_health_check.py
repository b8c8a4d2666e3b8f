"""The health-check function: configuration, deep probes, and its answer."""

from __future__ import annotations

import time
from typing import Any

import pytest

from drivehr_sync.handlers.health_check import handle
from drivehr_sync.http_client import USER_AGENT
from drivehr_sync.models import SyncResult, SyncStatus
from drivehr_sync.run_stats import record_run
from drivehr_sync.standins import DriveHRSite, WordPressSite
from drivehr_sync.state import LocalStore
from handler_fixtures import (
    HTTP_SHAPES,
    SECURITY_HEADERS,
    body_of,
    http_event,
    service_env,
)
from support import COMPANY_ID, SECRET

__all__ = ["service_env"]

PATH = "/.netlify/functions/health-check"


def check(query: dict[str, str] | None = None, **kwargs: Any) -> dict[str, Any]:
    return handle(http_event("netlify", path=PATH, query=query, **kwargs), None)


@pytest.fixture
def sites(service_env: Any) -> Any:
    """A live WordPress plugin and DriveHR careers site, wired into settings."""
    with (
        WordPressSite(secret=SECRET) as wordpress,
        DriveHRSite(company_id=COMPANY_ID) as drivehr,
    ):
        service_env(WP_API_URL=wordpress.url, DRIVEHR_BASE_URL=drivehr.base_url)
        yield wordpress, drivehr


@pytest.mark.parametrize("shape", HTTP_SHAPES)
def test_basic_check_is_healthy_in_every_shape(service_env: Any, shape: str) -> None:
    """With valid settings the basic check answers 200 healthy in any shape."""
    response = handle(http_event(shape, path=PATH), None)

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["status"] == "healthy"
    assert body["checks"]["config"]["status"] == "pass"
    assert set(body) >= {"timestamp", "uptime", "version", "environment"}
    assert body["environment"] == "test"


def test_basic_check_touches_no_network(service_env: Any) -> None:
    """The basic check has only the config check, so makes no connection."""
    body = body_of(check())

    assert set(body["checks"]) == {"config"}


def test_answer_is_cacheable_for_a_minute_with_security_headers(
    service_env: Any,
) -> None:
    """health-check answers carry the security headers and a 60 s cache."""
    headers = check()["headers"]

    assert headers["Cache-Control"] == "public, max-age=60"
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert headers["X-Request-ID"]


def test_head_answers_headers_without_a_body(service_env: Any) -> None:
    """HEAD answers the same status and headers with an empty body."""
    response = handle(http_event("netlify", method="HEAD", path=PATH), None)

    assert response["statusCode"] == 200
    assert response["body"] == ""


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_other_methods_get_405(service_env: Any, method: str) -> None:
    """Methods other than GET and HEAD answer 405 naming the allowed ones."""
    response = handle(http_event("netlify", method=method, path=PATH), None)

    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == "GET, HEAD"


def test_bad_configuration_is_unhealthy_and_lists_problems(
    service_env: Any,
) -> None:
    """Invalid settings answer 503 unhealthy with the problems, not the secret."""
    service_env(WEBHOOK_SECRET="short-secret-value")

    response = check()

    body = body_of(response)
    assert response["statusCode"] == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["config"]["status"] == "fail"
    assert body["problems"] == ["WEBHOOK_SECRET: must be at least 32 characters long"]
    assert "short-secret-value" not in response["body"]


def test_maintenance_mode_makes_the_service_degraded(service_env: Any) -> None:
    """MAINTENANCE_MODE shows as a warning: degraded, still 200."""
    service_env(MAINTENANCE_MODE="true")

    response = check()

    assert response["statusCode"] == 200
    assert body_of(response)["status"] == "degraded"
    assert body_of(response)["checks"]["maintenance"]["status"] == "warn"


def test_deep_check_passes_against_live_sites(sites: Any) -> None:
    """With the plugin and DriveHR reachable the deep check is healthy."""
    response = check({"deep": "true"})

    body = body_of(response)
    assert response["statusCode"] == 200
    assert body["status"] == "healthy"
    assert body["checks"]["wordpress"]["status"] == "pass"
    assert body["checks"]["drivehr"]["status"] == "pass"
    assert isinstance(body["checks"]["wordpress"]["duration"], int)


def test_deep_check_sends_nothing_to_the_webhook_but_a_get(sites: Any) -> None:
    """The WordPress probe is one GET: it never posts a delivery."""
    wordpress, _ = sites

    check({"deep": "true"})

    assert [r.method for r in wordpress.requests] == ["GET"]
    assert wordpress.jobs == {}


def test_deep_probes_name_themselves_honestly(sites: Any) -> None:
    """Both probes send the service's own User-Agent."""
    wordpress, drivehr = sites

    check({"deep": "true"})

    agents = {r.headers["user-agent"] for r in wordpress.requests + drivehr.requests}
    assert agents == {USER_AGENT}


def test_switched_off_plugin_degrades_with_its_message(sites: Any) -> None:
    """A 503 from the plugin means it is switched off: a warning, degraded."""
    wordpress, _ = sites
    wordpress.enabled = False

    body = body_of(check({"deep": "true"}))

    assert body["status"] == "degraded"
    assert body["checks"]["wordpress"]["status"] == "warn"
    assert "switched off" in body["checks"]["wordpress"]["message"]


def test_wrong_webhook_url_is_unhealthy(sites: Any, service_env: Any) -> None:
    """A 404 at WP_API_URL means a wrong URL or no plugin: unhealthy, 503."""
    wordpress, _ = sites
    service_env(WP_API_URL=wordpress.base_url + "/wp-json/wrong")

    response = check({"deep": "true"})

    body = body_of(response)
    assert response["statusCode"] == 503
    assert body["checks"]["wordpress"]["status"] == "fail"
    assert "404" in body["checks"]["wordpress"]["message"]


def test_wordpress_server_error_fails_the_check(sites: Any) -> None:
    """A 5xx from WordPress fails its check."""
    wordpress, _ = sites
    wordpress.queue_failures(500)

    body = body_of(check({"deep": "true"}))

    assert body["checks"]["wordpress"]["status"] == "fail"


def test_unreachable_sites_fail_fast(service_env: Any) -> None:
    """Refused connections fail both probes and the answer is 503."""
    response = check({"deep": "true"})

    body = body_of(response)
    assert response["statusCode"] == 503
    assert body["checks"]["wordpress"]["status"] == "fail"
    assert body["checks"]["drivehr"]["status"] == "fail"


def test_drivehr_passes_when_only_the_json_listing_answers(sites: Any) -> None:
    """DriveHR passes when the careers page fails but the JSON listing answers."""
    _, drivehr = sites
    drivehr.queue_failures(f"/careers/{COMPANY_ID}/list", 500)

    body = body_of(check({"deep": "true"}))

    assert body["checks"]["drivehr"]["status"] == "pass"


def test_last_sync_outcome_is_reported_when_known(
    service_env: Any, tmp_path: Any
) -> None:
    """The last sync's outcome from the run stats appears as ``lastSync``."""
    result = SyncResult(SyncStatus.SYNCED, "run-1", jobs_found=5, sent=5)
    record_run(LocalStore(tmp_path / "state"), result.to_json(), now=time.time())

    body = body_of(check())

    assert body["lastSync"]["status"] == "synced"
    assert body["lastSync"]["sent"] == 5
    assert body["checks"]["sync"]["status"] == "pass"


def test_a_failed_last_sync_degrades_the_service(
    service_env: Any, tmp_path: Any
) -> None:
    """A last sync that failed is a warning, so the answer is degraded."""
    store = LocalStore(tmp_path / "state")
    record_run(store, SyncResult(SyncStatus.SYNCED, "r1").to_json())
    record_run(store, SyncResult(SyncStatus.FAILED, "r2", reason="x").to_json())

    body = body_of(check())

    assert body["status"] == "degraded"
    assert body["lastSync"]["status"] == "failed"
