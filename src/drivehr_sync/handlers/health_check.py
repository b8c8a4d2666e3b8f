"""``health-check``: configuration always, WordPress and DriveHR on ``?deep=true``.

The basic check touches no network so that monitors can probe it often.
The deep check probes both sides in parallel, each within a deadline, so
the whole answer fits the function's 10 s limit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import __version__
from ..config import Settings
from ..errors import DriveHRSyncError
from ..logs import get_logger
from .invocation import (
    PROCESS_STARTED,
    Invocation,
    answer_unexpected_errors,
    method_not_allowed,
    start_invocation,
)
from .responses import json_response

__all__ = ["Check", "handle", "probe_drivehr", "probe_wordpress"]

log = get_logger(__name__)

FUNCTION = "health-check"
PROBE_TIMEOUT_S = 4.0
DEEP_DEADLINE_S = 6.0
STALE_SUCCESS_S = 2 * 3600
TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(slots=True)
class Check:
    """One line of the health answer."""

    status: str
    duration: int = 0
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "duration": self.duration}
        if self.message:
            body["message"] = self.message
        return body


@answer_unexpected_errors
def handle(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """Answer one health-check invocation."""
    invocation = start_invocation(FUNCTION, event, context)
    request = invocation.request
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(invocation, ("GET", "HEAD"))

    deep = request.query.get("deep", "").strip().lower() in TRUE_WORDS
    body = assess(invocation, deep=deep)
    status = 503 if body["status"] == "unhealthy" else 200
    log.info("health.checked", status=body["status"], deep=deep)

    response = json_response(
        status, body, request_id=invocation.request_id, cacheable=True
    )
    if request.method == "HEAD":
        response["body"] = ""
    return response


def assess(invocation: Invocation, *, deep: bool) -> dict[str, Any]:
    """The health answer's body."""
    settings = invocation.settings
    checks = {"config": _config_check(invocation)}
    last_sync = None

    if settings is not None:
        checks.update(_switch_checks(settings))
        if deep:
            checks.update(_deep_checks(settings))
        # A local state directory is read without network; a remote store
        # is consulted only when the caller asked for a deep check.
        if deep or settings.state_url is None:
            last_sync, sync_check = _last_sync(settings)
            if sync_check is not None:
                checks["sync"] = sync_check

    body: dict[str, Any] = {
        "status": _overall(checks),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "uptime": round(time.monotonic() - PROCESS_STARTED, 3),
        "version": __version__,
        "environment": _environment(invocation),
        "requestId": invocation.request_id,
        "checks": {name: check.to_json() for name, check in checks.items()},
    }
    if invocation.problems:
        body["problems"] = list(invocation.problems)
    if last_sync is not None:
        body["lastSync"] = last_sync
    return body


def _config_check(invocation: Invocation) -> Check:
    if invocation.settings is None:
        count = len(invocation.problems)
        return Check(
            "fail",
            invocation.settings_ms,
            f"{count} configuration problem(s)",
        )
    return Check("pass", invocation.settings_ms)


def _switch_checks(settings: Settings) -> dict[str, Check]:
    checks = {}
    if settings.maintenance_mode:
        checks["maintenance"] = Check(
            "warn", 0, "MAINTENANCE_MODE is on: scheduled syncs are skipped"
        )
    if settings.security_lockdown:
        checks["lockdown"] = Check(
            "warn", 0, "SECURITY_LOCKDOWN is on: every sync is refused"
        )
    return checks


def _deep_checks(settings: Settings) -> dict[str, Check]:
    timeout = min(settings.request_timeout_s, PROBE_TIMEOUT_S)
    probes: dict[str, Callable[[], Check]] = {
        "wordpress": lambda: probe_wordpress(settings.wp_api_url, timeout),
        "drivehr": lambda: probe_drivehr(settings, timeout),
    }
    pool = ThreadPoolExecutor(max_workers=len(probes))
    futures = {name: pool.submit(_timed, probe) for name, probe in probes.items()}
    wait(futures.values(), timeout=DEEP_DEADLINE_S)
    # Never wait for a straggler: the function's limit is near.
    pool.shutdown(wait=False, cancel_futures=True)

    checks = {}
    for name, future in futures.items():
        if future.done():
            checks[name] = future.result()
        else:
            checks[name] = Check(
                "fail",
                int(DEEP_DEADLINE_S * 1000),
                f"no answer within {DEEP_DEADLINE_S:g} s",
            )
    return checks


def _timed(probe: Callable[[], Check]) -> Check:
    started = time.monotonic()
    check = probe()
    check.duration = int((time.monotonic() - started) * 1000)
    return check


def probe_wordpress(url: str, timeout: float) -> Check:
    """GET the plugin's webhook: its 405 to a GET proves it is there."""
    import httpx

    from ..http_client import USER_AGENT

    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.get(url, headers=headers)
    except httpx.TimeoutException:
        return Check("fail", message="WordPress did not answer in time")
    except httpx.HTTPError as error:
        return Check("fail", message=f"WordPress unreachable: {type(error).__name__}")

    status = response.status_code
    if status == 405:
        return Check("pass", message="plugin webhook reachable")
    if status == 503:
        return Check(
            "warn",
            message="the plugin answered 503: it is switched off in WordPress",
        )
    if status == 404:
        return Check(
            "fail",
            message="404: WP_API_URL is wrong or the plugin is not installed",
        )
    if status == 429:
        return Check("warn", message="the plugin is rate limiting this client")
    if status >= 500:
        return Check("fail", message=f"WordPress answered {status}")
    return Check(
        "fail",
        message=f"WordPress answered {status}, not the plugin's 405 to a GET",
    )


def probe_drivehr(settings: Settings, timeout: float) -> Check:
    """The careers page or the JSON listing answers 200."""
    import httpx

    from ..drivehr import careers_page_url, listing_api_url
    from ..http_client import USER_AGENT

    urls = [careers_page_url(settings), listing_api_url(settings)]
    statuses = []
    with httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    ) as client:
        for url in urls:
            try:
                status = client.get(url).status_code
            except httpx.TimeoutException:
                statuses.append("timeout")
                continue
            except httpx.HTTPError as error:
                statuses.append(type(error).__name__)
                continue
            if status == 200:
                return Check("pass", message="careers listing reachable")
            statuses.append(str(status))
    return Check("fail", message=f"DriveHR did not answer 200 ({', '.join(statuses)})")


def _last_sync(settings: Settings) -> tuple[dict[str, Any] | None, Check | None]:
    try:
        from ..run_stats import load_run_stats
        from ..state import open_store

        stats = load_run_stats(open_store(settings))
    except DriveHRSyncError as error:
        return None, Check("warn", message=f"sync state unreadable: {error}")

    if stats.last_run is None:
        return None, None
    last_run = stats.last_run
    summary: dict[str, Any] = {
        key: last_run[key]
        for key in ("status", "finishedAt", "jobs", "sent", "reason")
        if key in last_run
    }

    since_success = None
    if stats.last_success_unix is not None:
        since_success = time.time() - stats.last_success_unix
    if since_success is None or since_success > STALE_SUCCESS_S:
        return summary, Check("warn", message="no successful sync in 2 hours")
    if last_run.get("status") in ("failed", "refused"):
        return summary, Check("warn", message=f"the last sync was {last_run['status']}")
    return summary, Check("pass")


def _overall(checks: dict[str, Check]) -> str:
    statuses = {check.status for check in checks.values()}
    if "fail" in statuses:
        return "unhealthy"
    if "warn" in statuses:
        return "degraded"
    return "healthy"


def _environment(invocation: Invocation) -> str:
    if invocation.settings is not None:
        return invocation.settings.environment.value
    raw = os.environ.get("ENVIRONMENT") or os.environ.get("NODE_ENV")
    return (raw or "unknown").strip().lower()[:32]
