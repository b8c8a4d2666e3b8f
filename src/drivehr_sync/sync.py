"""One sync: fetch, normalize, compare, guard, deliver, remember.

Nothing here raises for an ordinary failure: every outcome, including a
refusal, becomes a :class:`SyncResult`. The state only advances after the
plugin has accepted a delivery.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import structlog

from .changes import (
    JobsDiff,
    carry_descriptions,
    check_identity,
    check_removals,
    diff_jobs,
)
from .config import Settings
from .drivehr import DriveHRSource
from .errors import ConfigError, DeliveryRefusedError, DriveHRSyncError, StateError
from .http_client import build_client
from .logs import get_logger
from .models import ID_PREFIX, RawPosting, SyncResult, SyncStatus
from .normalize import NormalizeOptions, normalize_listing, raw_job_id
from .quality import assess_quality
from .run_stats import record_run
from .snapshots import Snapshot, SnapshotHistory
from .state import Lease, StateStore, open_store
from .wordpress import build_payload, check_job_limit, deliver

__all__ = ["SyncOptions", "restore_snapshot", "run_sync"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """How a caller wants this sync run."""

    dry_run: bool = False
    # Overrides the safety refusals and the unchanged check.
    force: bool = False
    # Resends an unchanged list (the plugin button's force_sync); never
    # overrides a safety refusal.
    send_unchanged: bool = False
    reason: str | None = None
    trigger: str = "cli"
    request_id: str | None = None


@dataclass(slots=True)
class _Plan:
    """The jobs a run intends to deliver, and what it knows about them."""

    jobs: list[dict[str, Any]]
    strategy: str | None
    jobs_found: int
    degraded: list[str]
    quality: dict[str, Any] | None = None


def run_sync(settings: Settings, options: SyncOptions | None = None) -> SyncResult:
    """Run one full sync from DriveHR to WordPress."""
    return asyncio.run(_run_guarded(settings, options or SyncOptions(), None))


def restore_snapshot(
    settings: Settings, snapshot_id: str, options: SyncOptions | None = None
) -> SyncResult:
    """Deliver a stored snapshot's jobs again, under the same guards."""
    return asyncio.run(
        _run_guarded(settings, options or SyncOptions(trigger="restore"), snapshot_id)
    )


async def _run_guarded(
    settings: Settings, options: SyncOptions, restore_id: str | None
) -> SyncResult:
    request_id = options.request_id or str(uuid4())
    structlog.contextvars.bind_contextvars(requestId=request_id)
    started = time.perf_counter()
    log.info(
        "sync.started",
        trigger=options.trigger,
        dryRun=options.dry_run,
        force=options.force,
        reason=options.reason,
    )

    result = SyncResult(SyncStatus.FAILED, request_id)
    if settings.security_lockdown:
        result.status = SyncStatus.REFUSED
        result.reason = "SECURITY_LOCKDOWN is on: no sync runs until it is lifted"
        return _finish(None, result, started, None)

    try:
        store = open_store(settings)
        lease = Lease(store)
        acquired = lease.acquire(request_id)
    except (StateError, ConfigError) as error:
        result.reason = str(error)
        return _finish(None, result, started, None)
    if not acquired:
        result.status = SyncStatus.BUSY
        result.reason = "another sync is running; this one did nothing"
        return _finish(store, result, started, None)

    refusal_kind = None
    try:
        await _sync(settings, options, store, result, restore_id)
    except DeliveryRefusedError as error:
        refusal_kind = error.kind
        result.status = SyncStatus.REFUSED
        result.reason = str(error)
        log.warning("sync.refused", kind=error.kind, reason=str(error), **error.details)
    except DriveHRSyncError as error:
        result.status = SyncStatus.FAILED
        result.reason = str(error)
    finally:
        _release(lease, request_id)
    return _finish(store, result, started, refusal_kind)


def _release(lease: Lease, owner: str) -> None:
    # An unreleased lease expires by itself; failing the finished run over
    # it would misreport a delivery that already happened.
    try:
        lease.release(owner)
    except StateError as error:
        log.warning("sync.lease_not_released", error=str(error))


def _finish(
    store: StateStore | None,
    result: SyncResult,
    started: float,
    refusal_kind: str | None,
) -> SyncResult:
    result.duration_ms = round((time.perf_counter() - started) * 1000)
    if store is not None:
        try:
            record_run(store, result.to_json(), refusal_reason=refusal_kind)
        except StateError as error:
            log.warning("sync.stats_not_recorded", error=str(error))

    log.info(
        "sync.finished",
        status=result.status.value,
        strategy=result.strategy,
        jobsFound=result.jobs_found,
        jobsProcessed=result.sent,
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        duration=result.duration_ms,
        reason=result.reason,
    )
    return result


async def _sync(
    settings: Settings,
    options: SyncOptions,
    store: StateStore,
    result: SyncResult,
    restore_id: str | None,
) -> None:
    """Fill in ``result`` step by step; a raised error keeps what was learned."""
    request_id = result.request_id
    history = SnapshotHistory(store, keep=settings.state_keep)
    previous = history.latest()
    previous_jobs = previous.jobs() if previous else []

    async with build_client(settings) as client:
        if restore_id is None:
            plan = await _plan_from_drivehr(settings, client, previous_jobs)
        else:
            plan = _plan_from_snapshot(history.get(restore_id))

        jobs = _with_expiry(plan.jobs, settings)
        diff = diff_jobs(previous_jobs, jobs)
        result.strategy = plan.strategy
        result.jobs_found = plan.jobs_found
        result.diff = diff.to_json()
        result.quality = plan.quality
        result.degraded = plan.degraded
        log.info("sync.diff", **_diff_summary(diff))

        check_job_limit(jobs, settings)
        hold = _safety_hold(settings, options, previous, previous_jobs, jobs, diff)
        if hold is not None and not options.dry_run:
            raise hold
        if _is_unchanged(settings, options, previous, diff):
            result.status = SyncStatus.UNCHANGED
            result.reason = "the jobs equal the last delivery; nothing was sent"
            return
        if options.dry_run:
            result.status = SyncStatus.DRY_RUN
            result.jobs = jobs
            if hold is not None:
                result.reason = f"a real run would be refused: {hold}"
            return

        payload = build_payload(jobs, request_id)
        receipt = await deliver(client, settings, payload)

    result.status = SyncStatus.SYNCED
    outcome = "restored" if restore_id else "synced"
    try:
        history.save(payload, receipt.body, request_id=request_id, outcome=outcome)
    except StateError as error:
        # The site has the list already; the run must not read as failed.
        log.error("sync.snapshot_not_saved", error=str(error))
        result.reason = f"delivered, but the snapshot was not saved: {error}"
    result.sent = len(jobs)
    result.created = receipt.created
    result.updated = receipt.updated
    result.skipped = receipt.skipped
    result.removed = receipt.removed
    result.errors = receipt.errors


async def _plan_from_drivehr(
    settings: Settings,
    client: httpx.AsyncClient,
    previous_jobs: list[dict[str, Any]],
) -> _Plan:
    report = await DriveHRSource(settings, client).fetch()
    raw_postings = report.listing.postings
    options = NormalizeOptions(
        base_url=settings.drivehr_base_url,
        company_id=settings.company_id,
        title_suffixes=tuple(settings.title_suffixes),
    )
    batch = normalize_listing(raw_postings, options)
    quality = assess_quality(
        len(raw_postings), len(batch.invalid), batch.missing_fields, batch.duplicates
    )
    for problem in batch.invalid:
        log.warning("sync.posting_invalid", problem=problem)

    degraded_ids = {f"{ID_PREFIX}{job_id}" for job_id in report.degraded}
    jobs = [posting.to_wire() for posting in batch.postings]
    jobs = carry_descriptions(previous_jobs, jobs, degraded_ids)
    kept = _keep_invalid_postings(raw_postings, jobs, previous_jobs)
    jobs.extend(kept)
    degraded_ids.update(job["id"] for job in kept)
    degraded = sorted(degraded_ids)
    if degraded:
        log.warning("sync.postings_degraded", ids=degraded)

    return _Plan(
        jobs=jobs,
        strategy=report.listing.strategy,
        jobs_found=len(raw_postings),
        degraded=degraded,
        quality=quality.to_json(),
    )


def _keep_invalid_postings(
    raw_postings: list[RawPosting],
    jobs: list[dict[str, Any]],
    previous_jobs: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Last delivered versions of listed postings that failed validation.

    A posting DriveHR still lists must not vanish from the site because one
    of its fields came through broken this time.
    """
    listed = {
        f"{ID_PREFIX}{job_id}" for raw in raw_postings if (job_id := raw_job_id(raw))
    }
    missing = listed - {job["id"] for job in jobs}
    return [job for job in previous_jobs if job.get("id") in missing]


def _plan_from_snapshot(snapshot: Snapshot) -> _Plan:
    jobs = snapshot.jobs()
    return _Plan(
        jobs=jobs,
        strategy=f"snapshot:{snapshot.snapshot_id}",
        jobs_found=len(jobs),
        degraded=[],
    )


def _with_expiry(
    jobs: list[dict[str, Any]], settings: Settings
) -> list[dict[str, Any]]:
    """Give each job a rolling ``expiryDate``, the site's ``validThrough``."""
    expiry = (datetime.now(UTC) + timedelta(days=settings.expiry_days)).date()
    return [{**job, "expiryDate": expiry.isoformat()} for job in jobs]


def _safety_hold(
    settings: Settings,
    options: SyncOptions,
    previous: Snapshot | None,
    previous_jobs: list[dict[str, Any]],
    jobs: list[dict[str, Any]],
    diff: JobsDiff,
) -> DeliveryRefusedError | None:
    """The refusal a guard raises against this delivery, if any."""
    # With no earlier delivery there is nothing to compare with; a
    # conclusive answer, even "no openings", is delivered as it is.
    if options.force or previous is None:
        return None

    identity = check_identity(previous_jobs, jobs)
    if not identity.allowed:
        return DeliveryRefusedError(
            identity.reason or "", kind="identity_guard", details=identity.details
        )

    removals = check_removals(previous_jobs, diff, settings.max_removal_fraction)
    if not removals.allowed:
        return DeliveryRefusedError(
            removals.reason or "", kind="removal_guard", details=removals.details
        )
    return None


def _is_unchanged(
    settings: Settings,
    options: SyncOptions,
    previous: Snapshot | None,
    diff: JobsDiff,
) -> bool:
    if previous is None or options.force or options.send_unchanged:
        return False
    if not diff.is_empty:
        return False
    delivered = datetime.fromisoformat(previous.created_at.replace("Z", "+00:00"))
    age = datetime.now(UTC) - delivered
    return age < timedelta(hours=settings.full_resync_hours)


def _diff_summary(diff: JobsDiff) -> dict[str, Any]:
    return {
        "added": len(diff.added),
        "removed": len(diff.removed),
        "updated": len(diff.updated),
        "unchanged": diff.unchanged,
        "addedIds": diff.added,
        "removedIds": diff.removed,
        "updatedIds": sorted(diff.updated),
    }
