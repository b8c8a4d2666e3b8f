"""The browser strategy: DriveHR's single-page careers page rendered in Chromium."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import sys
from collections.abc import Iterator

import httpx
import pytest

from drivehr_sync.drivehr import DriveHRSource
from drivehr_sync.http_client import USER_AGENT
from drivehr_sync.models import ListingStatus, SyncStatus
from drivehr_sync.rendering import CHROMIUM_NAMES
from drivehr_sync.standins import DriveHRSite, WordPressSite, sample_postings
from drivehr_sync.sync import run_sync
from support import SECRET

if importlib.util.find_spec("playwright") is None:
    pytest.skip(
        "Playwright is not installed (pip install 'drivehr-sync[browser]')",
        allow_module_level=True,
    )
if not any(shutil.which(name) for name in CHROMIUM_NAMES):
    pytest.skip(
        f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)})",
        allow_module_level=True,
    )

SAMPLE_IDS = {f"drivehr-{posting['id']}" for posting in sample_postings()}


@pytest.fixture
def wordpress() -> Iterator[WordPressSite]:
    with WordPressSite(secret=SECRET, rate_limit=1000) as site:
        yield site


@pytest.fixture
def spa() -> Iterator[DriveHRSite]:
    with DriveHRSite(layout="spa") as site:
        yield site


@pytest.fixture
def spa_settings(make_settings, spa, wordpress):
    def build(**overrides):
        values = {
            "drivehr_company_id": spa.company_id,
            "drivehr_base_url": spa.base_url,
            "wp_api_url": wordpress.url,
            "title_suffixes": ["Acme Motors"],
        }
        return make_settings(**(values | overrides))

    return build


def deliveries(site: WordPressSite) -> list:
    return [r for r in site.requests if r.method == "POST"]


def test_the_rendered_page_delivers_every_posting(
    spa_settings, spa, wordpress, tmp_path
) -> None:
    """A rendered app page yields every posting, described as the JSON listing does."""
    with WordPressSite(secret=SECRET, rate_limit=1000) as reference:
        reference_settings = spa_settings(
            drivehr_strategies=["api"],
            wp_api_url=reference.url,
            state_dir=tmp_path / "reference-state",
        )
        run_sync(reference_settings)
        expected = {key: post["content"] for key, post in reference.jobs.items()}
    spa.clear_requests()

    result = run_sync(spa_settings(drivehr_strategies=["browser"]))

    assert result.status is SyncStatus.SYNCED, result.reason
    assert result.strategy == "browser"
    assert set(wordpress.jobs) == SAMPLE_IDS
    assert {key: post["content"] for key, post in wordpress.jobs.items()} == expected
    assert all(post["content"] for post in wordpress.jobs.values())
    page_requests = [r for r in spa.requests if r.path.endswith("/list")]
    assert page_requests and all(
        r.headers.get("user-agent") == USER_AGENT for r in page_requests
    )


def test_the_app_shell_alone_is_inconclusive(spa_settings, wordpress) -> None:
    """Read over plain HTTP, the app shell fails the sync and nothing is sent."""
    result = run_sync(spa_settings(drivehr_strategies=["html"]))

    assert result.status is SyncStatus.FAILED
    assert "application shell" in result.reason
    assert deliveries(wordpress) == []


def test_the_browser_rescues_an_inconclusive_page(spa_settings, wordpress) -> None:
    """After the plain page proves to be a shell, the rendered page is used."""
    result = run_sync(spa_settings(drivehr_strategies=["html", "browser"]))

    assert result.status is SyncStatus.SYNCED, result.reason
    assert result.strategy == "browser"
    assert set(wordpress.jobs) == SAMPLE_IDS


def test_a_rendered_no_openings_message_is_a_conclusive_empty(
    spa_settings, spa
) -> None:
    """An app that draws 'No positions available' is a stated absence."""
    spa.set_postings([])
    source_settings = spa_settings(drivehr_strategies=["browser"])

    async def fetch():
        async with httpx.AsyncClient() as client:
            return await DriveHRSource(source_settings, client).fetch_listing()

    listing, attempts = asyncio.run(fetch())

    assert listing.status is ListingStatus.EMPTY
    assert listing.strategy == "browser"
    assert "No positions available" in listing.reason
    assert len(attempts) == 1


def test_an_app_that_cannot_load_its_listing_is_inconclusive(
    settings_between, wordpress
) -> None:
    """A rendered page that shows a loading error is not read as no openings."""
    with DriveHRSite(layout="spa", json_listing="missing") as drivehr:
        settings = settings_between(
            drivehr,
            wordpress,
            drivehr_strategies=["browser"],
        )

        result = run_sync(settings)
        listing_requests = [
            r for r in drivehr.requests if r.path == "/careers/company/list"
        ]

    assert [r.status for r in listing_requests] == [404]
    assert result.status is SyncStatus.FAILED
    assert "browser: inconclusive" in result.reason
    assert deliveries(wordpress) == []


def test_an_error_status_from_the_page_is_inconclusive(
    spa_settings, spa, wordpress
) -> None:
    """A careers page answered with HTTP 503 in the browser sends nothing."""
    spa.queue_failures(f"/careers/{spa.company_id}/list", 503)

    result = run_sync(spa_settings(drivehr_strategies=["browser"]))

    assert result.status is SyncStatus.FAILED
    assert "browser: inconclusive HTTP 503" in result.reason
    assert deliveries(wordpress) == []


def test_a_missing_chromium_is_inconclusive(spa_settings, tmp_path, wordpress) -> None:
    """A CHROMIUM_PATH that names no file fails the sync with that reason."""
    missing = tmp_path / "no-such-chromium"

    result = run_sync(
        spa_settings(drivehr_strategies=["browser"], chromium_path=str(missing))
    )

    assert result.status is SyncStatus.FAILED
    assert "browser: inconclusive" in result.reason
    assert f"CHROMIUM_PATH {str(missing)!r} is not an executable file" in result.reason
    assert deliveries(wordpress) == []


def test_a_missing_playwright_names_the_extra(
    spa_settings, wordpress, monkeypatch
) -> None:
    """Without Playwright the browser strategy says which extra to install."""
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)

    result = run_sync(spa_settings(drivehr_strategies=["browser"]))

    assert result.status is SyncStatus.FAILED
    assert "pip install 'drivehr-sync[browser]'" in result.reason
    assert deliveries(wordpress) == []
