"""Data-quality figures for a run, and validation of stored payloads.

The runbook alerts when more than 5 % of postings fail validation, more
than 1 % miss a required field, or more than 10 % are duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .logs import get_logger
from .models import Posting

__all__ = ["QualityReport", "ValidationReport", "assess_quality", "validate_jobs"]

log = get_logger(__name__)

THRESHOLDS = {
    "validationFailureRatio": 0.05,
    "missingFieldsRatio": 0.01,
    "duplicateRatio": 0.10,
}


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Counts and ratios of what went wrong between listing and delivery."""

    postings_seen: int
    validation_failures: int
    missing_fields: int
    duplicates: int

    def ratios(self) -> dict[str, float]:
        seen = max(self.postings_seen, 1)
        return {
            "validationFailureRatio": round(self.validation_failures / seen, 4),
            "missingFieldsRatio": round(self.missing_fields / seen, 4),
            "duplicateRatio": round(self.duplicates / seen, 4),
        }

    def breaches(self) -> list[str]:
        """Names of the ratios above the runbook's alert thresholds."""
        ratios = self.ratios()
        return [name for name, limit in THRESHOLDS.items() if ratios[name] > limit]

    def to_json(self) -> dict[str, Any]:
        return {
            "postingsSeen": self.postings_seen,
            "validationFailures": self.validation_failures,
            "missingFields": self.missing_fields,
            "duplicates": self.duplicates,
            **self.ratios(),
            "breaches": self.breaches(),
        }


def assess_quality(
    postings_seen: int, validation_failures: int, missing_fields: int, duplicates: int
) -> QualityReport:
    """Build the report and warn once when a threshold is crossed."""
    report = QualityReport(
        postings_seen, validation_failures, missing_fields, duplicates
    )
    breaches = report.breaches()
    if breaches:
        log.warning("sync.data_quality", breaches=breaches, **report.ratios())
    return report


@dataclass(slots=True)
class ValidationReport:
    """The outcome of checking a payload's jobs against the job schema."""

    jobs: int = 0
    valid: int = 0
    problems: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and not self.duplicate_ids

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "jobs": self.jobs,
            "validJobs": self.valid,
            "problems": list(self.problems),
            "duplicateIds": list(self.duplicate_ids),
        }


def validate_jobs(jobs: Any, max_jobs: int = 100) -> ValidationReport:
    """Check each job as the plugin and our model would."""
    report = ValidationReport()
    if not isinstance(jobs, list):
        report.problems.append("'jobs' is not a list")
        return report

    report.jobs = len(jobs)
    if len(jobs) > max_jobs:
        report.problems.append(
            f"{len(jobs)} jobs exceed the plugin's limit of {max_jobs}"
        )

    seen: set[str] = set()
    for index, job in enumerate(jobs):
        label = _label(index, job)
        try:
            posting = Posting.model_validate(job)
        except ValidationError as error:
            for item in error.errors(include_input=False, include_url=False):
                place = ".".join(str(part) for part in item["loc"]) or "job"
                report.problems.append(f"{label}: {place}: {item['msg']}")
            continue

        if posting.id in seen:
            report.duplicate_ids.append(posting.id)
        seen.add(posting.id)
        report.valid += 1
    return report


def _label(index: int, job: Any) -> str:
    if isinstance(job, dict) and job.get("id"):
        return f"job {index} ({job['id']})"
    return f"job {index}"
