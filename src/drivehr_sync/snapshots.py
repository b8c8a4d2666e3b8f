"""Delivered snapshots: the exact payloads the site accepted, newest last.

A snapshot is saved after each delivery the plugin accepted. The newest
one is what the next sync diffs against and what ``restore`` resends, so
reading it must survive a crash that left a damaged file behind.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StateError
from .logs import get_logger
from .state import StateStore

__all__ = [
    "LATEST_KEY",
    "SNAPSHOT_PREFIX",
    "Snapshot",
    "SnapshotHistory",
    "load_payload_file",
]

log = get_logger(__name__)

SNAPSHOT_PREFIX = "snapshots/"
# A small pointer that names the newest snapshot and carries its summary,
# so a health check can read it without loading a whole payload.
LATEST_KEY = "pointers/latest-snapshot.json"
SNAPSHOT_KEY = re.compile(r"snapshots/([0-9]{8}T[0-9]{9}Z-[A-Za-z0-9-]+)\.json")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One delivered payload and what the plugin answered."""

    snapshot_id: str
    created_at: str
    request_id: str
    job_count: int
    outcome: str
    payload: dict[str, Any]
    response: dict[str, Any] | None

    def jobs(self) -> list[dict[str, Any]]:
        """The delivered jobs, in wire form."""
        return list(self.payload.get("jobs") or [])

    def to_summary(self) -> dict[str, Any]:
        """One line of ``history``."""
        return {
            "id": self.snapshot_id,
            "createdAt": self.created_at,
            "jobs": self.job_count,
            "requestId": self.request_id,
            "outcome": self.outcome,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshotId": self.snapshot_id,
            "createdAt": self.created_at,
            "requestId": self.request_id,
            "jobCount": self.job_count,
            "outcome": self.outcome,
            "payload": self.payload,
            "response": self.response,
        }

    @classmethod
    def from_json(cls, document: Any) -> Snapshot:
        """Rebuild a snapshot, raising ValueError if the document is not one."""
        if not isinstance(document, dict):
            raise ValueError("a snapshot is a JSON object")
        payload = document.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("jobs"), list):
            raise ValueError("a snapshot's payload needs a jobs list")
        response = document.get("response")
        if response is not None and not isinstance(response, dict):
            raise ValueError("a snapshot's response must be an object")

        try:
            return cls(
                snapshot_id=str(document["snapshotId"]),
                created_at=str(document["createdAt"]),
                request_id=str(document["requestId"]),
                job_count=int(document["jobCount"]),
                outcome=str(document["outcome"]),
                payload=payload,
                response=response,
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"a snapshot field is missing: {exc}") from exc


class SnapshotHistory:
    """The last ``keep`` delivered snapshots in a state store."""

    def __init__(self, store: StateStore, keep: int = 30) -> None:
        self.store = store
        self.keep = max(1, keep)

    def save(
        self,
        payload: dict[str, Any],
        response: dict[str, Any] | None,
        *,
        request_id: str,
        outcome: str = "synced",
        now: datetime | None = None,
    ) -> Snapshot:
        """Store a delivered payload, point ``latest`` at it, prune old ones."""
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        # Milliseconds keep two deliveries within one second in time order.
        stamp = f"{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z"
        base_id = f"{stamp}-{_short_request_id(request_id)}"
        document = {
            "snapshotId": base_id,
            "createdAt": moment.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "requestId": request_id,
            "jobCount": len(payload.get("jobs") or []),
            "outcome": outcome,
            "payload": payload,
            "response": response,
        }

        snapshot = self._create(document, base_id)
        self._point_latest_at(snapshot)
        self._prune()
        log.debug(
            "snapshots.saved",
            snapshot_id=snapshot.snapshot_id,
            jobs=snapshot.job_count,
        )
        return snapshot

    def latest(self) -> Snapshot | None:
        """The newest readable snapshot, skipping damaged newer files."""
        for key in reversed(self._keys()):
            snapshot = self._load_quietly(key)
            if snapshot is not None:
                return snapshot
        return None

    def latest_summary(self) -> dict[str, Any] | None:
        """The pointer's summary of the newest snapshot, without its payload."""
        data = self.store.read(LATEST_KEY)
        if data is None:
            return None
        try:
            summary = json.loads(data)
        except ValueError:
            log.warning("snapshots.pointer_unreadable", key=LATEST_KEY)
            return None
        return summary if isinstance(summary, dict) else None

    def get(self, snapshot_id: str) -> Snapshot:
        """The snapshot with this id, a unique prefix of it, or ``latest``."""
        if snapshot_id == "latest":
            snapshot = self.latest()
            if snapshot is None:
                raise StateError("no snapshot has been saved yet")
            return snapshot

        ids = [_id_of(key) for key in self._keys()]
        if snapshot_id in ids:
            return self._load(_key_of(snapshot_id))

        matches = [item for item in ids if snapshot_id and item.startswith(snapshot_id)]
        if not matches:
            raise StateError(f"no snapshot {snapshot_id!r}")
        if len(matches) > 1:
            shown = ", ".join(matches[:5])
            raise StateError(
                f"snapshot id {snapshot_id!r} is ambiguous: it starts "
                f"{len(matches)} snapshots ({shown})"
            )
        return self._load(_key_of(matches[0]))

    def _create(self, document: dict[str, Any], base_id: str) -> Snapshot:
        # Snapshots are never overwritten: a second save within the same
        # second for the same request gets a numbered id instead.
        for attempt in range(100):
            snapshot_id = base_id if attempt == 0 else f"{base_id}-{attempt}"
            document["snapshotId"] = snapshot_id
            try:
                data = json.dumps(document, ensure_ascii=False).encode()
            except (TypeError, ValueError) as exc:
                raise StateError(
                    f"could not save snapshot {snapshot_id}: the payload is "
                    f"not JSON ({exc})"
                ) from exc
            if self.store.create_if_absent(_key_of(snapshot_id), data):
                return Snapshot.from_json(json.loads(data))
        raise StateError(f"could not find a free snapshot id after {base_id}")

    def _point_latest_at(self, snapshot: Snapshot) -> None:
        # The snapshot itself is already safe; a failure here only leaves
        # the pointer stale, and latest() does not depend on it.
        data = json.dumps(snapshot.to_summary()).encode()
        try:
            self.store.write(LATEST_KEY, data)
        except StateError as error:
            log.warning("snapshots.pointer_not_written", error=str(error))

    def _prune(self) -> None:
        keys = self._keys()
        for key in keys[: max(0, len(keys) - self.keep)]:
            try:
                self.store.delete(key)
            except StateError as error:
                log.warning("snapshots.prune_failed", key=key, error=str(error))
                return
            log.debug("snapshots.pruned", key=key)

    def _keys(self) -> list[str]:
        # Ids start with a UTC timestamp, so id order is age order. (Key
        # order is not: "x-1.json" sorts before "x.json".)
        keys = self.store.list_keys(SNAPSHOT_PREFIX)
        return sorted((key for key in keys if SNAPSHOT_KEY.fullmatch(key)), key=_id_of)

    def _load(self, key: str) -> Snapshot:
        data = self.store.read(key)
        if data is None:
            raise StateError(f"snapshot {key!r} has disappeared")
        try:
            return Snapshot.from_json(json.loads(data))
        except ValueError as exc:
            raise StateError(f"snapshot {key!r} is unreadable: {exc}") from exc

    def _load_quietly(self, key: str) -> Snapshot | None:
        try:
            return self._load(key)
        except StateError as error:
            log.warning("snapshots.unreadable", key=key, error=str(error))
            return None

    # Defined last: below it, inside the class body, "list" would name
    # this method rather than the builtin in annotations.
    def list(self) -> list[Snapshot]:
        """Every readable snapshot, newest first."""
        snapshots = []
        for key in reversed(self._keys()):
            snapshot = self._load_quietly(key)
            if snapshot is not None:
                snapshots.append(snapshot)
        return snapshots


def _short_request_id(request_id: str) -> str:
    letters = re.sub(r"[^A-Za-z0-9]", "", request_id)[:8]
    return letters or "unknown"


def _key_of(snapshot_id: str) -> str:
    return f"{SNAPSHOT_PREFIX}{snapshot_id}.json"


def _id_of(key: str) -> str:
    return key.removeprefix(SNAPSHOT_PREFIX).removesuffix(".json")


def load_payload_file(path: Path) -> dict[str, Any]:
    """The payload in a snapshot file, a payload file, or a bare jobs list."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise StateError(f"could not read payload file {str(path)!r}: {exc}") from exc
    except ValueError as exc:
        raise StateError(
            f"payload file {str(path)!r} is not valid JSON: {exc}"
        ) from exc

    if isinstance(document, list):
        return {"jobs": document}
    if isinstance(document, dict):
        inner = document.get("payload")
        if isinstance(inner, dict) and isinstance(inner.get("jobs"), list):
            return inner
        if isinstance(document.get("jobs"), list):
            return document
    raise StateError(
        f"payload file {str(path)!r} holds neither a snapshot nor a payload "
        "with a jobs list"
    )
