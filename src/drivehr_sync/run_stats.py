"""Figures about past runs that outlive one serverless instance.

The metrics and health endpoints run in instances that did not do the
sync, so each run's outcome is folded into one JSON document in the state
store. The document is advisory: a damaged one is started afresh.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from .logs import get_logger
from .state import StateStore

__all__ = [
    "RUN_STATS_KEY",
    "RunStats",
    "load_run_stats",
    "record_run",
    "record_trigger",
]

log = get_logger(__name__)

RUN_STATS_KEY = "stats/runs.json"
SUCCESS_STATUSES = frozenset({"synced", "unchanged"})
# Runs that stopped before reading DriveHR have no figures of their own.
NOT_RUN_STATUSES = frozenset({"busy", "maintenance"})
LAST_FIGURES = (
    "last_jobs_found",
    "last_jobs_sent",
    "last_created",
    "last_updated",
    "last_removed",
    "last_duration_ms",
)
TOTAL_FIELDS = {
    "jobs_sent": "sent",
    "created": "created",
    "updated": "updated",
    "removed": "removed",
}


@dataclass(slots=True)
class RunStats:
    """Counters since the store was created, and the last run's figures."""

    runs_by_status: dict[str, int] = field(default_factory=dict)
    refusals_by_reason: dict[str, int] = field(default_factory=dict)
    trigger_calls: dict[str, int] = field(default_factory=dict)
    last_run: dict[str, Any] | None = None
    last_success_unix: float | None = None
    last_jobs_found: int = 0
    last_jobs_sent: int = 0
    last_created: int = 0
    last_updated: int = 0
    last_removed: int = 0
    last_duration_ms: int = 0
    last_quality: dict[str, Any] | None = None
    totals: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(TOTAL_FIELDS, 0)
    )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: Any) -> RunStats:
        """Rebuild stats, keeping each well-formed field and dropping the rest."""
        stats = cls()
        if not isinstance(document, dict):
            return stats

        for name in ("runs_by_status", "refusals_by_reason", "trigger_calls"):
            setattr(stats, name, _counters(document.get(name)))
        stats.totals.update(_counters(document.get("totals")))

        for name in ("last_run", "last_quality"):
            if isinstance(document.get(name), dict):
                setattr(stats, name, document[name])
        if _is_number(document.get("last_success_unix")):
            stats.last_success_unix = float(document["last_success_unix"])

        for name in LAST_FIGURES:
            if _is_number(document.get(name)):
                setattr(stats, name, int(document[name]))
        return stats


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _counters(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(key): int(count) for key, count in value.items() if _is_number(count)}


def _count(counters: dict[str, int], key: str, by: int = 1) -> None:
    counters[key] = counters.get(key, 0) + by


def load_run_stats(store: StateStore) -> RunStats:
    """The stored stats; empty ones when none are stored or they are damaged."""
    data = store.read(RUN_STATS_KEY)
    if data is None:
        return RunStats()
    try:
        document = json.loads(data)
    except ValueError:
        log.warning("run_stats.unreadable", key=RUN_STATS_KEY)
        return RunStats()
    return RunStats.from_json(document)


def _save(store: StateStore, stats: RunStats) -> None:
    store.write(RUN_STATS_KEY, json.dumps(stats.to_json()).encode())


def _whole(result: dict[str, Any], key: str) -> int:
    value = result.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return int(value)


def record_run(
    store: StateStore,
    result: dict[str, Any],
    *,
    refusal_reason: str | None = None,
    now: float | None = None,
) -> RunStats:
    """Fold one run's ``SyncResult.to_json()`` into the stored stats."""
    moment = time.time() if now is None else now
    status = str(result.get("status", "unknown"))
    stats = load_run_stats(store)

    _count(stats.runs_by_status, status)
    if refusal_reason:
        _count(stats.refusals_by_reason, refusal_reason)

    # The delivered payload can be large and is kept in the snapshots.
    last_run = {key: value for key, value in result.items() if key != "payload"}
    last_run["finishedAt"] = (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )
    last_run["finishedAtUnix"] = moment
    stats.last_run = last_run

    if status in SUCCESS_STATUSES:
        stats.last_success_unix = moment
    if status not in NOT_RUN_STATUSES:
        stats.last_jobs_found = _whole(result, "jobs")
        stats.last_jobs_sent = _whole(result, "sent")
        stats.last_created = _whole(result, "created")
        stats.last_updated = _whole(result, "updated")
        stats.last_removed = _whole(result, "removed")
        stats.last_duration_ms = _whole(result, "durationMs")
        if isinstance(result.get("quality"), dict):
            stats.last_quality = result["quality"]

    for total, key in TOTAL_FIELDS.items():
        _count(stats.totals, total, _whole(result, key))

    _save(store, stats)
    return stats


def record_trigger(store: StateStore, outcome: str) -> None:
    """Count one call of the manual trigger by its outcome."""
    stats = load_run_stats(store)
    _count(stats.trigger_calls, outcome)
    _save(store, stats)
