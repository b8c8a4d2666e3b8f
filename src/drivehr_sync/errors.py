"""The errors drivehr-sync raises.

Every error derives from :class:`DriveHRSyncError`::

    DriveHRSyncError
    ├── ConfigError          settings missing or invalid (exit code 2)
    ├── SourceError          DriveHR could not be read conclusively
    │   └── InconclusiveListingError
    ├── DeliveryError        the WordPress plugin did not accept a delivery
    │   └── DeliveryRefusedError   held back before sending
    ├── SignatureError       an incoming request's signature did not verify
    └── StateError           the sync state could not be read or written
        └── LeaseHeldError   another sync holds the lease
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "DeliveryError",
    "DeliveryRefusedError",
    "DriveHRSyncError",
    "InconclusiveListingError",
    "LeaseHeldError",
    "SignatureError",
    "SourceError",
    "StateError",
]


class DriveHRSyncError(Exception):
    """Root of every error raised by drivehr-sync."""


class ConfigError(DriveHRSyncError):
    """The configuration is missing or invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid configuration:\n{lines}")


class SourceError(DriveHRSyncError):
    """DriveHR could not be fetched or understood."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(message)


class InconclusiveListingError(SourceError):
    """No strategy could tell whether the company has openings."""


class DeliveryError(DriveHRSyncError):
    """The WordPress plugin did not accept a delivery."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(message)


class DeliveryRefusedError(DeliveryError):
    """The delivery was held back before anything was sent.

    ``kind`` names the check that held it back, for metrics; ``details``
    holds the numbers behind the decision, for the log.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "refused",
        details: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.details = details or {}
        super().__init__(message)


class SignatureError(DriveHRSyncError):
    """An incoming request's signature did not verify."""


class StateError(DriveHRSyncError):
    """The sync state could not be read or written."""


class LeaseHeldError(StateError):
    """Another sync currently holds the lease."""
