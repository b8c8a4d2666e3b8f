"""Render DriveHR's careers page in headless Chromium.

The careers page is a single-page application: a plain GET may return only
its shell. This module lets a real browser run the page's scripts and hands
back the HTML it drew, for the same parser the ``html`` strategy uses.
Playwright is an optional dependency (the ``browser`` extra) and Chromium
comes from the system, so both are looked up only when a page is rendered.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import SourceError
from .http_client import USER_AGENT
from .logs import get_logger
from .parsing import NO_OPENINGS

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

__all__ = ["CHROMIUM_NAMES", "find_chromium", "render_page"]

log = get_logger(__name__)

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Background services would keep reaching for a network that may be closed.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LAUNCH_TIMEOUT_S = 30.0
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})

# True once the page shows postings in a known form or, in words a visitor
# sees, says it has none. The wording is the parser's own pattern, whose
# syntax JavaScript reads alike.
SETTLED = """(noOpenings) => {
  const forms = '.ag-center-cols-container .ag-row[row-id], .el-collapse-item, '
    + 'script[type="application/ld+json"]';
  if (document.querySelector(forms)) return true;
  const shown = document.body ? document.body.innerText : '';
  return new RegExp(noOpenings, 'i').test(shown);
}"""


def find_chromium(settings: Settings) -> str:
    """The Chromium executable to launch, or a SourceError saying what is missing."""
    configured = (settings.chromium_path or "").strip()
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise SourceError(
                f"CHROMIUM_PATH {configured!r} is not an executable file; "
                "install Chromium or point CHROMIUM_PATH at it"
            )
        return configured

    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SourceError(
        "no Chromium executable found (looked for "
        f"{', '.join(CHROMIUM_NAMES)} on PATH); install Chromium "
        "(e.g. apt-get install chromium) or set CHROMIUM_PATH"
    )


async def render_page(url: str, settings: Settings) -> tuple[int, str]:
    """Load ``url`` in headless Chromium: (main document status, rendered HTML).

    The page is given ``request_timeout_s`` to show postings or say it has
    none; when it does neither in time, whatever it drew is returned and the
    parser decides what it means.
    """
    try:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright
    except ImportError as exc:
        raise SourceError(
            "the browser strategy needs Playwright: "
            "pip install 'drivehr-sync[browser]'",
            url=url,
        ) from exc
    executable = find_chromium(settings)

    started = time.monotonic()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=list(CHROMIUM_ARGS),
                timeout=LAUNCH_TIMEOUT_S * 1000,
            )
            try:
                context = await browser.new_context(user_agent=USER_AGENT)
                await context.route("**/*", _skip_heavy_resources)
                page = await context.new_page()
                status, html = await _load(page, url, settings.request_timeout_s)
            finally:
                await browser.close()
    except PlaywrightError as exc:
        message = f"Chromium could not render the page: {exc}"
        raise SourceError(message, url=url) from exc

    log.debug(
        "drivehr.rendered",
        url=url,
        status=status,
        duration_s=round(time.monotonic() - started, 3),
    )
    return status, html


async def _load(page: Page, url: str, timeout_s: float) -> tuple[int, str]:
    deadline = time.monotonic() + timeout_s
    response = await page.goto(
        url, wait_until="domcontentloaded", timeout=timeout_s * 1000
    )
    if response is None:
        raise SourceError("Chromium received no response for the page", url=url)

    remaining_ms = max(deadline - time.monotonic(), 0.001) * 1000
    await _settle(page, remaining_ms)
    return response.status, await page.content()


async def _settle(page: Page, timeout_ms: float) -> None:
    """Wait until the page looks finished, the network is idle, or time is up."""
    waits: list[asyncio.Task[Any]] = [
        asyncio.create_task(
            page.wait_for_function(SETTLED, arg=NO_OPENINGS.pattern, timeout=timeout_ms)
        ),
        asyncio.create_task(
            page.wait_for_load_state("networkidle", timeout=timeout_ms)
        ),
    ]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        # A wait that timed out or was cancelled has nothing to say: the
        # rendered page is judged by the parser either way.
        await asyncio.gather(*waits, return_exceptions=True)


async def _skip_heavy_resources(route: Route) -> None:
    if route.request.resource_type in BLOCKED_RESOURCES:
        await route.abort()
    else:
        await route.continue_()
