"""Reading a company's postings from DriveHR.

Strategies are tried in the configured order (``api`` is the JSON listing,
``html`` the careers page, ``browser`` that page rendered in headless
Chromium); the first that lists postings wins. An answer is conclusive when
it lists postings or plainly says there are none; "none" is taken only when
no later strategy lists postings. When no strategy is conclusive the sync
fails: an empty delivery would delete every job on the site.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace

import httpx

from .config import Settings
from .errors import InconclusiveListingError, SourceError
from .http_client import (
    ResponseTooLargeError,
    RetryableStatusError,
    get_limited,
)
from .logs import get_logger
from .models import Listing, ListingStatus, RawPosting

__all__ = ["DriveHRSource", "SourceReport", "careers_page_url", "listing_api_url"]

log = get_logger(__name__)


def careers_page_url(settings: Settings) -> str:
    return f"{settings.drivehr_base_url}/careers/{settings.company_id}/list"


def listing_api_url(settings: Settings) -> str:
    base = settings.drivehr_base_url
    return f"{base}/careers/company/list?id={settings.company_id}"


def detail_page_url(settings: Settings, job_id: str) -> str:
    return f"{careers_page_url(settings)}/{job_id}"


@dataclass(slots=True)
class SourceReport:
    """A conclusive listing with its descriptions filled in where possible."""

    listing: Listing
    degraded: set[str] = field(default_factory=set)
    attempts: list[str] = field(default_factory=list)


class DriveHRSource:
    """Fetches one company's postings over a shared connection pool."""

    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client

    async def fetch(self) -> SourceReport:
        """Find a conclusive listing, then complete its descriptions."""
        listing, attempts = await self.fetch_listing()
        degraded: set[str] = set()
        if listing.postings:
            listing.postings, degraded = await self.complete_descriptions(
                listing.postings
            )
        return SourceReport(listing, degraded, attempts)

    async def fetch_listing(self) -> tuple[Listing, list[str]]:
        """Try each strategy in order; raise when none is conclusive.

        Postings found win. A stated absence is confirmed against the
        strategies left to try, since postings shown elsewhere outweigh it.
        """
        attempts = []
        stated_absence: Listing | None = None
        for strategy in self.settings.drivehr_strategies:
            listing = await self._run_strategy(strategy)
            attempts.append(f"{strategy}: {listing.status.value} {listing.reason}")
            log.debug(
                "drivehr.strategy",
                strategy=strategy,
                outcome=listing.status.value,
                postings=len(listing.postings),
                reason=listing.reason or None,
            )
            if listing.status is ListingStatus.FOUND:
                return listing, attempts
            if listing.status is ListingStatus.EMPTY and stated_absence is None:
                stated_absence = listing

        if stated_absence is not None:
            return stated_absence, attempts
        raise InconclusiveListingError(
            "DriveHR gave no conclusive answer, so nothing was sent "
            "(an empty delivery would delete every job): " + "; ".join(attempts),
            url=careers_page_url(self.settings),
        )

    async def _run_strategy(self, strategy: str) -> Listing:
        from . import parsing

        if strategy == "api":
            url = listing_api_url(self.settings)
            response = await self._get(url, strategy)
            if isinstance(response, Listing):
                return response
            try:
                data = json.loads(response.content)
            except ValueError:
                return Listing.inconclusive(strategy, "the JSON listing is not JSON")
            return parsing.parse_json_listing(data, url)

        if strategy == "browser":
            return await self._render_listing()

        url = careers_page_url(self.settings)
        response = await self._get(url, strategy)
        if isinstance(response, Listing):
            return response
        return parsing.parse_careers_page(response.text, str(response.url))

    async def _render_listing(self) -> Listing:
        from . import parsing
        from .rendering import render_page

        url = careers_page_url(self.settings)
        try:
            status, html = await render_page(url, self.settings)
        except SourceError as error:
            return Listing.inconclusive("browser", str(error))

        if status != 200:
            return Listing.inconclusive("browser", f"HTTP {status}")
        return replace(parsing.parse_careers_page(html, url), strategy="browser")

    async def _get(self, url: str, strategy: str) -> httpx.Response | Listing:
        """GET a listing URL; an unusable answer becomes an inconclusive one."""
        try:
            response = await get_limited(self.client, url, self.settings)
        except RetryableStatusError as error:
            status = error.response.status_code
            return Listing.inconclusive(strategy, f"HTTP {status} after retries")
        except ResponseTooLargeError as error:
            return Listing.inconclusive(strategy, f"response too large ({error})")
        except httpx.HTTPError as error:
            return Listing.inconclusive(strategy, f"{type(error).__name__}: {error}")

        if response.status_code != 200:
            return Listing.inconclusive(strategy, f"HTTP {response.status_code}")
        return response

    async def complete_descriptions(
        self, postings: list[RawPosting]
    ) -> tuple[list[RawPosting], set[str]]:
        """Fetch missing descriptions concurrently; report the ones that failed.

        A posting whose description cannot be fetched is still returned:
        leaving it out would delete it on the site.
        """
        gate = asyncio.Semaphore(self.settings.drivehr_concurrency)

        async def complete(posting: RawPosting) -> tuple[RawPosting, bool]:
            if posting.description_html:
                return posting, True
            async with gate:
                try:
                    html = await self._fetch_description(posting)
                except SourceError as error:
                    log.warning(
                        "drivehr.description_unavailable",
                        jobId=posting.job_id,
                        error=str(error),
                    )
                    return posting, False
            return replace(posting, description_html=html), html is not None

        results = await asyncio.gather(*(complete(p) for p in postings))
        completed = [posting for posting, _ in results]
        degraded = {
            posting.job_id or posting.detail_url or posting.title or "?"
            for posting, ok in results
            if not ok
        }
        return completed, degraded

    async def _fetch_description(self, posting: RawPosting) -> str | None:
        from . import parsing

        if posting.description_url:
            document = await self._get_text(posting.description_url)
            return parsing.description_from_document(document)

        detail_url = posting.detail_url
        if not detail_url and posting.job_id:
            detail_url = detail_page_url(self.settings, posting.job_id)
        if not detail_url:
            return None

        page = await self._get_text(detail_url)
        inline, source = parsing.find_description(page, detail_url)
        if inline is not None:
            return inline
        if source is None:
            raise SourceError("the detail page shows no description", url=detail_url)
        document = await self._get_text(source)
        return parsing.description_from_document(document)

    async def _get_text(self, url: str) -> str:
        try:
            response = await get_limited(self.client, url, self.settings)
        except RetryableStatusError as error:
            raise SourceError(
                f"HTTP {error.response.status_code} after retries", url=url
            ) from error
        except (httpx.HTTPError, ResponseTooLargeError) as error:
            raise SourceError(f"{type(error).__name__}: {error}", url=url) from error

        if response.status_code != 200:
            raise SourceError(f"HTTP {response.status_code}", url=url)
        return response.text
