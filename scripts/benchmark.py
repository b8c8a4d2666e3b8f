"""Benchmarks with stated targets, each quoted as a ratio to a same-run baseline.

Run with ``make bench``. Every figure is the median of several runs; the
machine is shared and noisy, so absolute times mean little and ratios are
what the targets are stated in.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from drivehr_sync.config import load_settings
from drivehr_sync.drivehr import DriveHRSource
from drivehr_sync.http_client import build_client
from drivehr_sync.logs import configure_logging
from drivehr_sync.parsing import parse_careers_page
from drivehr_sync.standins import DriveHRSite, sample_postings

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
SECRET = "benchmark-secret-0123456789-abcdefghij"


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def many_postings(count: int) -> list[dict]:
    template = sample_postings()
    return [
        {**template[n % len(template)], "id": f"bench-{n:04d}", "title": f"Role {n}"}
        for n in range(count)
    ]


SERVE_IN_CHILD = """
import sys
sys.path.insert(0, "scripts")
from benchmark import many_postings
from drivehr_sync.logs import configure_logging
from drivehr_sync.standins import DriveHRSite
configure_logging("error")
postings = many_postings({count})
with DriveHRSite(postings=postings, expanded=False, delay_s={delay}) as site:
    print(site.base_url, site.company_id, flush=True)
    sys.stdin.read()
"""


def fetch_seconds(
    base_url: str, company_id: str, count: int, concurrency: int
) -> float:
    settings = load_settings(
        drivehr_company_id=company_id,
        drivehr_base_url=base_url,
        wp_api_url="http://127.0.0.1:9/webhook/drivehr-sync",
        webhook_secret=SECRET,
        environment="test",
        drivehr_strategies=["html"],
        drivehr_concurrency=concurrency,
    )

    async def fetch() -> None:
        async with build_client(settings) as client:
            report = await DriveHRSource(settings, client).fetch()
        assert len(report.listing.postings) == count
        assert not report.degraded

    return median_seconds(lambda: asyncio.run(fetch()))


def bench_detail_concurrency() -> tuple[str, float, float, str, bool]:
    """Descriptions from 40 detail pages, each answering after 20 ms.

    The stand-in runs in its own process, as DriveHR would, so that its
    work does not compete with the client's for the interpreter lock.
    """
    child = subprocess.Popen(
        [sys.executable, "-c", SERVE_IN_CHILD.format(count=40, delay=0.02)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url, company_id = child.stdout.readline().split()
        sequential = fetch_seconds(base_url, company_id, 40, 1)
        concurrent = fetch_seconds(base_url, company_id, 40, 8)
    finally:
        child.communicate("")
    ratio = sequential / concurrent
    return (
        "40 detail pages, concurrency 8 vs 1",
        concurrent,
        sequential,
        f"{ratio:.1f}x faster (target >= 4x)",
        ratio >= 4,
    )


def bench_parsing() -> tuple[str, float, float, str, bool]:
    """Parsing a 100-row AG Grid page against building its tree alone."""
    with DriveHRSite(postings=many_postings(100)) as site:
        import httpx

        page = httpx.get(site.careers_url).text
        url = site.careers_url
    tree_only = median_seconds(lambda: BeautifulSoup(page, "lxml"), runs=9)
    parse = median_seconds(lambda: parse_careers_page(page, url), runs=9)
    ratio = parse / tree_only
    return (
        "parse 100-row AG Grid page vs lxml tree build",
        parse,
        tree_only,
        f"{ratio:.1f}x the tree build (target <= 3x)",
        ratio <= 3,
    )


def bench_health_cold_start() -> tuple[str, float, float, str, bool]:
    """A basic health check from a fresh interpreter vs loading the whole engine.

    The handler imports parsing and HTTP code lazily, so a monitor's probe
    should cost well under what a cold sync pays just to import.
    """
    call = (
        "import sys; sys.path.insert(0, 'functions');"
        "import health_check;"
        "health_check.handler({'httpMethod': 'GET', 'path': "
        "'/.netlify/functions/health-check', 'headers': {}}, None)"
    )
    environment = {
        "DRIVEHR_COMPANY_ID": "123e4567-e89b-12d3-a456-426614174000",
        "WP_API_URL": "https://example.com/webhook/drivehr-sync",
        "WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "error",
        "PATH": "/usr/bin:/bin",
    }

    def run(code: str) -> None:
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=environment, check=True
        )

    whole_engine = (
        "import drivehr_sync.sync, drivehr_sync.parsing, drivehr_sync.normalize,"
        "drivehr_sync.handlers.manual_trigger"
    )
    engine = median_seconds(lambda: run(whole_engine))
    handler = median_seconds(lambda: run(call))
    ratio = handler / engine
    return (
        "health-check cold start vs importing the whole engine",
        handler,
        engine,
        f"{ratio:.2f}x the engine import (target <= 0.7x)",
        ratio <= 0.7,
    )


def main() -> int:
    configure_logging("error")
    rows = [bench_detail_concurrency(), bench_parsing(), bench_health_cold_start()]

    print(f"median of {RUNS}+ runs; ratios against a baseline from the same run\n")
    print("| benchmark | measured | baseline | result | target met |")
    print("| --- | --- | --- | --- | --- |")
    for name, measured, baseline, verdict, met in rows:
        print(
            f"| {name} | {measured * 1000:.1f} ms | {baseline * 1000:.1f} ms "
            f"| {verdict} | {'yes' if met else 'NO'} |"
        )
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
