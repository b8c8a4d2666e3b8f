"""Per-run figures kept in the state store for metrics and health."""

from __future__ import annotations

import json

import pytest

from drivehr_sync.models import SyncResult, SyncStatus
from drivehr_sync.run_stats import (
    RUN_STATS_KEY,
    RunStats,
    load_run_stats,
    record_run,
    record_trigger,
)
from drivehr_sync.state import LocalStore

NOW = 1_800_000_000.0


@pytest.fixture
def store(tmp_path):
    return LocalStore(tmp_path)


def result(status: SyncStatus, **figures) -> dict:
    return SyncResult(status=status, request_id="req-1", **figures).to_json()


def test_nothing_stored_gives_empty_stats(store):
    """Before any run, the stats are empty."""
    stats = load_run_stats(store)

    assert stats == RunStats()
    assert stats.last_run is None
    assert stats.last_success_unix is None
    assert stats.totals == {"jobs_sent": 0, "created": 0, "updated": 0, "removed": 0}


def test_runs_are_counted_by_status(store):
    """Each recorded run adds one to its status's counter."""
    record_run(store, result(SyncStatus.SYNCED), now=NOW)
    record_run(store, result(SyncStatus.UNCHANGED), now=NOW + 1)
    record_run(store, result(SyncStatus.SYNCED), now=NOW + 2)

    stats = load_run_stats(store)

    assert stats.runs_by_status == {"synced": 2, "unchanged": 1}


def test_a_synced_run_sets_the_last_figures_and_totals(store):
    """A synced run's figures become the last ones and add to the totals."""
    record_run(
        store,
        result(
            SyncStatus.SYNCED,
            jobs_found=9,
            sent=9,
            created=2,
            updated=7,
            removed=1,
            duration_ms=1234,
            quality={"missingRequired": 0.0},
        ),
        now=NOW,
    )
    record_run(
        store, result(SyncStatus.SYNCED, jobs_found=8, sent=8, updated=8), now=NOW + 60
    )

    stats = load_run_stats(store)

    assert stats.last_jobs_found == 8
    assert stats.last_jobs_sent == 8
    assert (stats.last_created, stats.last_updated, stats.last_removed) == (0, 8, 0)
    assert stats.last_quality == {"missingRequired": 0.0}
    assert stats.totals == {"jobs_sent": 17, "created": 2, "updated": 15, "removed": 1}
    assert stats.last_success_unix == NOW + 60


def test_last_run_keeps_the_result_and_when_it_finished(store):
    """last_run is the result without its payload, plus the finishing time."""
    body = result(SyncStatus.DRY_RUN, jobs_found=1, jobs=[{"id": "drivehr-1"}])

    stats = record_run(store, body, now=NOW)

    assert "payload" in body
    assert "payload" not in stats.last_run
    assert stats.last_run["status"] == "dry_run"
    assert stats.last_run["requestId"] == "req-1"
    assert stats.last_run["finishedAtUnix"] == NOW
    assert stats.last_run["finishedAt"] == "2027-01-15T08:00:00Z"


def test_a_failed_run_does_not_move_the_last_success(store):
    """Only synced and unchanged runs count as successes."""
    record_run(store, result(SyncStatus.UNCHANGED), now=NOW)

    for status in (SyncStatus.FAILED, SyncStatus.REFUSED, SyncStatus.DRY_RUN):
        record_run(store, result(status), now=NOW + 100)

    assert load_run_stats(store).last_success_unix == NOW


def test_refusals_are_counted_by_reason(store):
    """A refused run with a reason adds to that reason's counter."""
    refused = result(SyncStatus.REFUSED, reason="would remove 6 of 8")

    record_run(store, refused, refusal_reason="removal_guard", now=NOW)
    record_run(store, refused, refusal_reason="removal_guard", now=NOW + 1)
    stats = record_run(store, refused, refusal_reason="identity_guard", now=NOW + 2)

    assert stats.refusals_by_reason == {"removal_guard": 2, "identity_guard": 1}
    assert stats.runs_by_status == {"refused": 3}


def test_a_busy_run_keeps_the_previous_figures(store):
    """A run that never read DriveHR leaves the last figures as they were."""
    record_run(store, result(SyncStatus.SYNCED, jobs_found=5, sent=5), now=NOW)

    stats = record_run(store, result(SyncStatus.BUSY), now=NOW + 1)

    assert stats.last_jobs_found == 5
    assert stats.last_run["status"] == "busy"
    assert stats.runs_by_status == {"synced": 1, "busy": 1}


def test_trigger_calls_are_counted_by_outcome(store):
    """Each manual-trigger call adds one to its outcome's counter."""
    for outcome in ("accepted", "unauthorized", "unauthorized", "rate_limited"):
        record_trigger(store, outcome)

    stats = load_run_stats(store)

    assert stats.trigger_calls == {
        "accepted": 1,
        "unauthorized": 2,
        "rate_limited": 1,
    }


def test_a_corrupt_document_is_started_afresh(store):
    """A damaged stats document reads as empty, and the next run is counted."""
    store.write(RUN_STATS_KEY, b'{"runs_by_status": {"synced": 4')

    empty = load_run_stats(store)
    stats = record_run(store, result(SyncStatus.SYNCED), now=NOW)

    assert empty == RunStats()
    assert stats.runs_by_status == {"synced": 1}
    assert json.loads(store.read(RUN_STATS_KEY))["runs_by_status"] == {"synced": 1}


def test_badly_typed_fields_are_dropped_and_good_ones_kept(store):
    """Fields of the wrong type fall back to defaults; the rest survive."""
    document = {
        "runs_by_status": {"synced": 3, "failed": "many"},
        "trigger_calls": ["accepted"],
        "last_success_unix": "yesterday",
        "last_jobs_found": 7,
        "last_removed": True,
        "totals": {"created": 4, "updated": None},
    }
    store.write(RUN_STATS_KEY, json.dumps(document).encode())

    stats = load_run_stats(store)

    assert stats.runs_by_status == {"synced": 3}
    assert stats.trigger_calls == {}
    assert stats.last_success_unix is None
    assert stats.last_jobs_found == 7
    assert stats.last_removed == 0
    assert stats.totals == {"jobs_sent": 0, "created": 4, "updated": 0, "removed": 0}


def test_a_document_that_is_not_an_object_reads_as_empty(store):
    """A stats document that is valid JSON but not an object reads as empty."""
    store.write(RUN_STATS_KEY, b"[1, 2, 3]")

    assert load_run_stats(store) == RunStats()
