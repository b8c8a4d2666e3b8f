"""Whole syncs over real loopback HTTP, between the DriveHR and WordPress stand-ins."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from drivehr_sync.errors import StateError
from drivehr_sync.models import SyncStatus
from drivehr_sync.snapshots import SnapshotHistory
from drivehr_sync.standins import DriveHRSite, WordPressSite, sample_postings
from drivehr_sync.state import open_store
from drivehr_sync.sync import SyncOptions, restore_snapshot, run_sync
from s3_server import make_bucket, s3_endpoint
from support import SECRET

__all__ = ["s3_endpoint"]

SAMPLE_IDS = {f"drivehr-{posting['id']}" for posting in sample_postings()}


@pytest.fixture
def drivehr() -> Iterator[DriveHRSite]:
    with DriveHRSite() as site:
        yield site


@pytest.fixture
def wordpress() -> Iterator[WordPressSite]:
    with WordPressSite(secret=SECRET, rate_limit=1000) as site:
        yield site


@pytest.fixture
def settings(settings_between, drivehr, wordpress):
    return settings_between(
        drivehr,
        wordpress,
        title_suffixes=["Acme Motors"],
    )


def deliveries(site: WordPressSite) -> list:
    return [r for r in site.requests if r.method == "POST"]


def test_a_sync_makes_the_site_hold_exactly_the_postings(settings, wordpress) -> None:
    """Every DriveHR posting arrives, with the plugin's ids and clean fields."""
    result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert result.strategy == "api"
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert result.created == len(SAMPLE_IDS) and result.sent == len(SAMPLE_IDS)
    for post in wordpress.jobs.values():
        assert not post["title"].endswith("Acme Motors")
        assert post["status"] == "publish"
        assert post["apply_url"].endswith("/form")
        assert "mso-" not in post["content"] and "javascript:" not in post["content"]
        assert post["expiry_date"]


@pytest.mark.parametrize(
    "layout_options",
    [
        {"layout": "ag-grid", "iframe_mode": "src"},
        {"layout": "ag-grid", "expanded": False},
        {"layout": "element-ui"},
        {"layout": "json-ld"},
        {"layout": "app-state"},
    ],
)
def test_every_page_form_yields_the_same_jobs(
    settings_between, wordpress, layout_options
) -> None:
    """Each layout DriveHR has used produces the same ids and descriptions."""
    with DriveHRSite(**layout_options) as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
            drivehr_strategies=["html"],
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED, result.reason
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert all(post["content"] for post in wordpress.jobs.values())


def test_the_json_listing_is_used_first(settings_between, wordpress) -> None:
    """With the default order, the JSON listing answers before the page."""
    with DriveHRSite(json_listing="wrapped") as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
            drivehr_strategies=["api", "html"],
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert result.strategy == "api"
    assert set(wordpress.jobs) == SAMPLE_IDS


@pytest.mark.parametrize("layout", ["shell", "error"])
def test_an_inconclusive_source_sends_nothing(
    settings_between, wordpress, layout
) -> None:
    """An app shell or an error page fails the sync; the site is untouched."""
    wordpress.seed([{"id": "drivehr-keep", "title": "Kept"}])
    with DriveHRSite(layout=layout, json_listing="missing") as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.FAILED
    assert "no conclusive answer" in result.reason
    assert deliveries(wordpress) == []
    assert set(wordpress.jobs) == {"drivehr-keep"}


def test_a_failed_detail_page_keeps_the_posting(settings_between, wordpress) -> None:
    """A posting whose description cannot be fetched is still delivered."""
    first = sample_postings()[0]["id"]
    with DriveHRSite(expanded=False) as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
            drivehr_strategies=["html"],
        )
        run_sync(settings)
        before = wordpress.jobs[f"drivehr-{first}"]["content"]
        drivehr.fail_details.add(first)

        result = run_sync(settings, SyncOptions(force=True))

    assert result.status is SyncStatus.SYNCED
    assert result.degraded == [f"drivehr-{first}"]
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert wordpress.jobs[f"drivehr-{first}"]["content"] == before


def test_an_unchanged_list_is_not_sent_again(settings, wordpress) -> None:
    """The second identical sync reports unchanged and sends nothing."""
    run_sync(settings)

    result = run_sync(settings)

    assert result.status is SyncStatus.UNCHANGED
    assert len(deliveries(wordpress)) == 1
    assert run_sync(settings, SyncOptions(force=True)).status is SyncStatus.SYNCED
    assert len(deliveries(wordpress)) == 2


def test_shrinking_eight_to_two_is_refused_until_forced(
    settings, drivehr, wordpress
) -> None:
    """Losing most jobs at once is held back, then delivered with force."""
    run_sync(settings)
    drivehr.set_postings(sample_postings()[:2])

    refused = run_sync(settings)
    forced = run_sync(settings, SyncOptions(force=True))

    assert refused.status is SyncStatus.REFUSED
    assert "--force" in refused.reason
    assert refused.jobs_found == 2 and refused.strategy == "api"
    assert len(refused.diff["removed"]) == len(SAMPLE_IDS) - 2
    assert len(deliveries(wordpress)) == 2
    assert forced.status is SyncStatus.SYNCED
    assert forced.removed == len(SAMPLE_IDS) - 2
    assert len(wordpress.jobs) == 2


def test_no_openings_after_a_full_list_needs_confirmation(
    settings, drivehr, wordpress
) -> None:
    """A conclusive 'no openings' empties the site only when forced."""
    run_sync(settings)
    drivehr.set_postings([])

    refused = run_sync(settings)
    forced = run_sync(settings, SyncOptions(force=True))

    assert refused.status is SyncStatus.REFUSED
    assert forced.status is SyncStatus.SYNCED
    assert wordpress.jobs == {}


def test_a_rejected_delivery_leaves_the_state_alone(
    settings_between, drivehr, wordpress, tmp_path
) -> None:
    """A wrong secret fails the sync and records no snapshot."""
    settings = settings_between(
        drivehr,
        wordpress,
        webhook_secret="a-different-secret-0123456789-abcdefgh",
    )

    result = run_sync(settings)

    assert result.status is SyncStatus.FAILED
    assert "HTTP 401" in result.reason
    assert SnapshotHistory(open_store(settings)).list() == []
    assert wordpress.jobs == {}


def test_the_php8_fault_is_reported_and_not_remembered(
    settings_between, drivehr
) -> None:
    """Every delivery answering 500 fails with the known cause named."""
    with WordPressSite(secret=SECRET, php8_fault=True, rate_limit=1000) as site:
        settings = settings_between(
            drivehr,
            site,
            max_retries=1,
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.FAILED
    assert "PHP 8" in result.reason
    assert SnapshotHistory(open_store(settings)).list() == []


def test_rate_limited_drivehr_is_retried(settings, drivehr, wordpress) -> None:
    """429 with Retry-After from DriveHR is waited out and retried."""
    drivehr.queue_failures(None, 429, 503)

    result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert set(wordpress.jobs) == SAMPLE_IDS


def test_more_than_a_hundred_jobs_are_refused_unsent(
    settings, drivehr, wordpress
) -> None:
    """101 postings are refused before anything is sent, naming the limit."""
    template = sample_postings()[0]
    drivehr.set_postings(
        [{**template, "id": f"bulk-{n}", "title": f"Role {n}"} for n in range(101)]
    )

    result = run_sync(settings, SyncOptions(force=True))

    assert result.status is SyncStatus.REFUSED
    assert "limit of 100" in result.reason
    assert deliveries(wordpress) == []


def test_concurrent_syncs_yield_one_busy(settings_between, wordpress) -> None:
    """Two syncs started together: one delivers, the other reports busy."""
    with DriveHRSite(delay_s=0.05) as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
        )
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(run_sync(settings)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    statuses = sorted(result.status.value for result in results)
    assert statuses == ["busy", "synced"]


def test_restore_puts_the_site_back(settings, drivehr, wordpress) -> None:
    """Restoring an earlier snapshot re-delivers its list with a fresh signature."""
    first = run_sync(settings)
    drivehr.set_postings(sample_postings()[:5])
    run_sync(settings, SyncOptions(force=True))
    [_, earliest] = SnapshotHistory(open_store(settings)).list()

    restored = restore_snapshot(settings, earliest.snapshot_id)

    assert first.status is SyncStatus.SYNCED
    assert restored.status is SyncStatus.SYNCED
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert len(SnapshotHistory(open_store(settings)).list()) == 3


def test_a_dry_run_sends_nothing_and_shows_the_jobs(settings, wordpress) -> None:
    """A dry run reports what would be sent and leaves the site alone."""
    result = run_sync(settings, SyncOptions(dry_run=True))

    assert result.status is SyncStatus.DRY_RUN
    assert {job["id"] for job in result.jobs} == SAMPLE_IDS
    assert sorted(result.diff["added"]) == sorted(SAMPLE_IDS)
    assert deliveries(wordpress) == []


def test_a_listed_posting_with_a_broken_field_keeps_its_last_version(
    settings_between, wordpress
) -> None:
    """A posting DriveHR still lists but sends without a title stays on the site."""
    postings = sample_postings()
    with DriveHRSite(postings=postings, title_suffix=None) as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
            drivehr_strategies=["api"],
        )
        run_sync(settings)
        broken_id = f"drivehr-{postings[0]['id']}"
        before = wordpress.jobs[broken_id]["title"]
        drivehr.set_postings([{**postings[0], "title": ""}, *postings[1:]])

        result = run_sync(settings, SyncOptions(force=True))

    assert result.status is SyncStatus.SYNCED
    assert broken_id in result.degraded
    assert result.quality["missingFields"] == 1
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert wordpress.jobs[broken_id]["title"] == before


def test_security_lockdown_refuses_every_sync(
    settings_between, drivehr, wordpress
) -> None:
    """With SECURITY_LOCKDOWN on, nothing is fetched and nothing is sent."""
    settings = settings_between(
        drivehr,
        wordpress,
        security_lockdown=True,
    )

    result = run_sync(settings, SyncOptions(force=True))

    assert result.status is SyncStatus.REFUSED
    assert "SECURITY_LOCKDOWN" in result.reason
    assert drivehr.requests == [] and wordpress.requests == []


def test_state_in_s3_carries_from_one_run_to_the_next(
    settings_between, drivehr, wordpress, s3_endpoint, monkeypatch
) -> None:
    """With STATE_URL on S3, the second run sees the first run's snapshot."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    settings = settings_between(
        drivehr,
        wordpress,
        state_url=f"s3://{make_bucket(s3_endpoint)}/drivehr",
    )

    first = run_sync(settings)
    second = run_sync(settings)

    assert first.status is SyncStatus.SYNCED
    assert second.status is SyncStatus.UNCHANGED
    assert len(SnapshotHistory(open_store(settings)).list()) == 1
    assert not (settings.state_dir).exists()


@pytest.mark.parametrize(
    ("layout", "json_listing", "strategy"),
    [("ag-grid", "missing", "html"), ("shell", "array", "api")],
)
def test_no_openings_on_a_first_run_empties_the_site(
    settings_between, wordpress, layout, json_listing, strategy
) -> None:
    """With no earlier delivery, a conclusive 'no openings' is delivered."""
    wordpress.seed([{"id": "drivehr-stale", "title": "Closed long ago"}])
    with DriveHRSite(postings=[], layout=layout, json_listing=json_listing) as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert result.strategy == strategy and result.removed == 1
    assert wordpress.jobs == {}


def test_postings_on_the_page_outweigh_an_empty_json_listing(
    settings_between, wordpress
) -> None:
    """An empty JSON listing is not believed while the careers page lists jobs."""
    with DriveHRSite(json_listing="empty") as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
        )

        result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert result.strategy == "html"
    assert set(wordpress.jobs) == SAMPLE_IDS


def test_a_snapshot_that_cannot_be_saved_does_not_fail_the_delivery(
    settings, wordpress, monkeypatch
) -> None:
    """An accepted delivery reads as synced even if its snapshot is not saved."""

    def refuse(*args, **kwargs):
        raise StateError("disk full")

    monkeypatch.setattr(SnapshotHistory, "save", refuse)

    result = run_sync(settings)

    assert result.status is SyncStatus.SYNCED
    assert "snapshot was not saved" in result.reason
    assert set(wordpress.jobs) == SAMPLE_IDS
