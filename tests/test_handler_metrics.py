"""The metrics function: Prometheus text from the persisted sync statistics."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from drivehr_sync.handlers.metrics import handle
from drivehr_sync.models import SyncResult, SyncStatus
from drivehr_sync.run_stats import record_run, record_trigger
from drivehr_sync.state import LocalStore
from handler_fixtures import HTTP_SHAPES, SECURITY_HEADERS, http_event, service_env

__all__ = ["service_env"]

PATH = "/.netlify/functions/metrics"


def scrape(shape: str = "netlify", method: str = "GET") -> dict[str, Any]:
    return handle(http_event(shape, method=method, path=PATH), None)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample as ``{(name, sorted labels): value}``."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            found[(sample.name, labels)] = sample.value
    return found


@pytest.fixture
def store(service_env: Any, tmp_path: Any) -> LocalStore:
    return LocalStore(tmp_path / "state")


@pytest.mark.parametrize("shape", HTTP_SHAPES)
def test_scrape_answers_prometheus_text(service_env: Any, shape: str) -> None:
    """A scrape answers 200 with the Prometheus text content type."""
    response = scrape(shape)

    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == (
        "text/plain; version=0.0.4; charset=utf-8"
    )
    assert response["headers"]["Cache-Control"] == "no-store"
    for name, value in SECURITY_HEADERS.items():
        assert response["headers"][name] == value
    assert samples(response["body"])[("drivehr_sync_config_valid", ())] == 1


def test_figures_come_from_the_persisted_run_stats(store: LocalStore) -> None:
    """Counters, last-run figures and quality ratios come from the store."""
    result = SyncResult(
        SyncStatus.SYNCED,
        "r1",
        jobs_found=10,
        sent=10,
        created=3,
        updated=7,
        removed=2,
        duration_ms=1500,
        quality={"validationFailureRatio": 0.1, "duplicateRatio": 0.0},
    )
    record_run(store, result.to_json(), now=1_800_000_000)
    record_run(
        store,
        SyncResult(SyncStatus.REFUSED, "r2", reason="mass removal").to_json(),
        refusal_reason="mass_removal",
    )
    record_trigger(store, "unauthorized")

    found = samples(scrape()["body"])

    assert found[("drivehr_sync_syncs_total", (("status", "synced"),))] == 1
    assert found[("drivehr_sync_syncs_total", (("status", "refused"),))] == 1
    assert found[("drivehr_sync_refusals_total", (("reason", "mass_removal"),))] == 1
    assert (
        found[("drivehr_sync_trigger_calls_total", (("outcome", "unauthorized"),))] == 1
    )
    assert found[("drivehr_sync_jobs_sent_total", ())] == 10
    assert found[("drivehr_sync_removed_total", ())] == 2
    assert found[("drivehr_sync_last_success_timestamp_seconds", ())] == 1_800_000_000
    assert found[
        ("drivehr_sync_data_quality_ratio", (("check", "validation_failure"),))
    ] == pytest.approx(0.1)


def test_every_scrape_builds_a_fresh_registry(store: LocalStore) -> None:
    """A second scrape reflects new stats and never doubles counters."""
    record_trigger(store, "synced")
    first = samples(scrape()["body"])
    record_trigger(store, "synced")

    second = samples(scrape()["body"])

    key = ("drivehr_sync_trigger_calls_total", (("outcome", "synced"),))
    assert (first[key], second[key]) == (1, 2)


def test_bad_configuration_still_answers_with_config_valid_zero(
    service_env: Any,
) -> None:
    """With invalid settings a scrape still answers, reporting config_valid 0."""
    service_env(DRIVEHR_COMPANY_ID="not-a-uuid")

    response = scrape()

    found = samples(response["body"])
    assert response["statusCode"] == 200
    assert found[("drivehr_sync_config_valid", ())] == 0
    assert found[("drivehr_sync_stats_available", ())] == 0


def test_unreadable_stats_are_reported_not_raised(service_env: Any) -> None:
    """A store that cannot be opened gives stats_available 0, not an error."""
    service_env(STATE_URL="ftp://nowhere/state")

    found = samples(scrape()["body"])

    assert found[("drivehr_sync_stats_available", ())] == 0


def test_post_is_not_allowed(service_env: Any) -> None:
    """Only GET and HEAD are answered; a POST gets 405."""
    response = scrape(method="POST")

    assert response["statusCode"] == 405
    assert response["headers"]["Allow"] == "GET, HEAD"
