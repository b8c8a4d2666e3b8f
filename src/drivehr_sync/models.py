"""The data that moves through a sync: raw postings, postings, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "ID_PREFIX",
    "Listing",
    "ListingStatus",
    "Posting",
    "RawPosting",
    "SyncResult",
    "SyncStatus",
]

# Sites already store ids of this form; any other form would make the
# plugin delete and recreate every post.
ID_PREFIX = "drivehr-"


@dataclass(slots=True)
class RawPosting:
    """A posting as one DriveHR page or listing describes it."""

    job_id: str | None = None
    title: str | None = None
    detail_url: str | None = None
    organization: str | None = None
    position: str | None = None
    location: str | None = None
    posted: str | None = None
    work_type: str | None = None
    pay_rate: str | None = None
    pay_type: str | None = None
    salary_range: str | None = None
    apply_url: str | None = None
    summary: str | None = None
    description_html: str | None = None
    # An iframe ``src`` whose document holds the description.
    description_url: str | None = None


class ListingStatus(StrEnum):
    FOUND = "found"
    EMPTY = "empty"
    INCONCLUSIVE = "inconclusive"


@dataclass(slots=True)
class Listing:
    """What one strategy learned: postings, a stated absence, or nothing."""

    status: ListingStatus
    strategy: str
    postings: list[RawPosting] = field(default_factory=list)
    reason: str = ""

    @classmethod
    def found(cls, strategy: str, postings: list[RawPosting]) -> Listing:
        return cls(ListingStatus.FOUND, strategy, postings)

    @classmethod
    def empty(cls, strategy: str, reason: str) -> Listing:
        return cls(ListingStatus.EMPTY, strategy, reason=reason)

    @classmethod
    def inconclusive(cls, strategy: str, reason: str) -> Listing:
        return cls(ListingStatus.INCONCLUSIVE, strategy, reason=reason)

    @property
    def is_conclusive(self) -> bool:
        return self.status is not ListingStatus.INCONCLUSIVE


class Posting(BaseModel):
    """One job exactly as the WordPress plugin receives it."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )

    id: str
    title: str
    department: str | None = None
    location: str | None = None
    type: str | None = None
    posted_date: str | None = None
    apply_url: str | None = None
    source_url: str | None = None
    description: str | None = None
    summary: str | None = None
    pay_rate: str | None = None
    pay_type: str | None = None
    salary_range: str | None = None
    expiry_date: str | None = None

    @field_validator("id")
    @classmethod
    def _prefixed_id(cls, value: str) -> str:
        if not value.startswith(ID_PREFIX) or value == ID_PREFIX:
            raise ValueError(f"must be {ID_PREFIX!r} followed by DriveHR's id")
        return value

    @field_validator("title")
    @classmethod
    def _non_empty_title(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        return value

    def to_wire(self) -> dict[str, Any]:
        """The job as a JSON object, in the plugin's field names."""
        return self.model_dump(by_alias=True, exclude_none=True)


class SyncStatus(StrEnum):
    SYNCED = "synced"
    UNCHANGED = "unchanged"
    DRY_RUN = "dry_run"
    FAILED = "failed"
    REFUSED = "refused"
    BUSY = "busy"
    MAINTENANCE = "maintenance"

    @property
    def is_success(self) -> bool:
        return self in (
            SyncStatus.SYNCED,
            SyncStatus.UNCHANGED,
            SyncStatus.DRY_RUN,
            SyncStatus.MAINTENANCE,
        )


@dataclass(slots=True)
class SyncResult:
    """The outcome of one sync, as the CLI and the handlers report it."""

    status: SyncStatus
    request_id: str
    strategy: str | None = None
    jobs_found: int = 0
    sent: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    duration_ms: int = 0
    reason: str | None = None
    diff: dict[str, Any] | None = None
    quality: dict[str, Any] | None = None
    degraded: list[str] = field(default_factory=list)
    jobs: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        """The result in the shape ``drivehr-sync sync --json`` prints."""
        body: dict[str, Any] = {
            "status": self.status.value,
            "requestId": self.request_id,
            "strategy": self.strategy,
            "jobs": self.jobs_found,
            "sent": self.sent,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "skipped": self.skipped,
            "errors": list(self.errors),
            "durationMs": self.duration_ms,
        }
        if self.reason is not None:
            body["reason"] = self.reason
        if self.diff is not None:
            body["diff"] = self.diff
        if self.quality is not None:
            body["quality"] = self.quality
        if self.degraded:
            body["degraded"] = list(self.degraded)
        if self.jobs is not None:
            body["payload"] = {"jobs": self.jobs}
        return body
