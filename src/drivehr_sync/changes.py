"""What changed since the last delivery, and whether sending it is safe.

The plugin deletes every post missing from a delivery, so two guards look
at a new list before it goes out: one refuses to remove most of the site
at once, the other refuses a list whose ids were derived differently.
All functions here are pure: they take job dicts in wire form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "FORCE_HINT",
    "IGNORED_FIELDS",
    "GuardVerdict",
    "JobsDiff",
    "carry_descriptions",
    "check_identity",
    "check_removals",
    "diff_jobs",
    "is_unchanged",
]

# The expiry date is recomputed from today's date on every run.
IGNORED_FIELDS = frozenset({"expiryDate"})
FORCE_HINT = "use --force (or force: true) to deliver anyway"
CARRIED_FIELDS = ("description", "summary")

Job = dict[str, Any]


@dataclass(frozen=True, slots=True)
class JobsDiff:
    """Ids added, removed and updated (with the fields that changed)."""

    added: list[str]
    removed: list[str]
    updated: dict[str, list[str]]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.updated)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "updated": {key: list(value) for key, value in self.updated.items()},
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """A guard's decision, with its reason and the numbers behind it."""

    allowed: bool
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _by_id(jobs: list[Job]) -> dict[str, Job]:
    indexed: dict[str, Job] = {}
    for job in jobs:
        job_id = job.get("id")
        if isinstance(job_id, str) and job_id not in indexed:
            indexed[job_id] = job
    return indexed


def _changed_fields(before: Job, after: Job) -> list[str]:
    names = (before.keys() | after.keys()) - IGNORED_FIELDS
    return sorted(name for name in names if before.get(name) != after.get(name))


def diff_jobs(previous: list[Job], current: list[Job]) -> JobsDiff:
    """Compare two job lists by id, ignoring fields that roll by themselves."""
    before = _by_id(previous)
    after = _by_id(current)

    updated = {}
    unchanged = 0
    for job_id in sorted(before.keys() & after.keys()):
        fields = _changed_fields(before[job_id], after[job_id])
        if fields:
            updated[job_id] = fields
        else:
            unchanged += 1

    return JobsDiff(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        updated=updated,
        unchanged=unchanged,
    )


def is_unchanged(diff: JobsDiff) -> bool:
    """Whether a delivery would change nothing on the site."""
    return diff.is_empty


def check_removals(
    previous: list[Job], diff: JobsDiff, max_fraction: float
) -> GuardVerdict:
    """Refuse a delivery that would delete more than ``max_fraction`` of jobs.

    A single removal is always allowed, so a site with one job can still
    lose it when the posting closes.
    """
    total = len(_by_id(previous))
    removed = len(diff.removed)
    details = {
        "previousJobs": total,
        "removedJobs": removed,
        "addedJobs": len(diff.added),
        "maxRemovalFraction": max_fraction,
        "maxRemovals": int(max_fraction * total),
    }
    if removed < 2 or removed <= max_fraction * total:
        return GuardVerdict(True, None, details)

    remaining = total - removed + len(diff.added)
    if remaining == 0:
        what = (
            f"the new list is empty, which would delete all {total} jobs "
            "delivered last time"
        )
    else:
        what = (
            f"the new list would delete {removed} of the {total} jobs "
            f"delivered last time ({remaining} would remain)"
        )
    reason = (
        f"refused: {what}; at most {max_fraction:.0%} may go in one delivery; "
        f"{FORCE_HINT}"
    )
    return GuardVerdict(False, reason, details)


def _plain_url(url: Any) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def _plain_text(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def _same_posting(before: Job, after: Job) -> bool:
    if _plain_text(before.get("title")) != _plain_text(after.get("title")):
        return False
    if _plain_text(before.get("location")) != _plain_text(after.get("location")):
        return False

    # The detail URL carries DriveHR's own id, so when both jobs have one it
    # tells a re-derived id from a posting that was closed and reopened.
    before_url = _plain_url(before.get("sourceUrl"))
    after_url = _plain_url(after.get("sourceUrl"))
    if before_url and after_url:
        return before_url == after_url
    return True


def check_identity(previous: list[Job], current: list[Job]) -> GuardVerdict:
    """Refuse a list in which most delivered jobs came back under new ids."""
    before = _by_id(previous)
    after = _by_id(current)
    newcomers = [job for job_id, job in after.items() if job_id not in before]

    pairs = []
    for job_id, job in before.items():
        if job_id in after:
            continue
        twin = next((new for new in newcomers if _same_posting(job, new)), None)
        if twin is not None:
            pairs.append((job, twin))

    details: dict[str, Any] = {
        "previousJobs": len(before),
        "reappearedWithNewId": len(pairs),
    }
    if len(pairs) < 2 or len(pairs) <= len(before) / 2:
        return GuardVerdict(True, None, details)

    old, new = pairs[0]
    details["example"] = {
        "previousId": old.get("id"),
        "currentId": new.get("id"),
        "title": old.get("title"),
    }
    reason = (
        "refused: the id derivation appears to have changed: "
        f"{len(pairs)} of the {len(before)} jobs delivered last time are "
        "back with the same title, location and source URL but a different "
        f"id (e.g. {old.get('id')!r} is now {new.get('id')!r}, "
        f"{old.get('title')!r}); delivering would delete and recreate those "
        f"posts; {FORCE_HINT}"
    )
    return GuardVerdict(False, reason, details)


def carry_descriptions(
    previous: list[Job], current: list[Job], degraded_ids: set[str]
) -> list[Job]:
    """Reuse the last delivered description for degraded postings lacking one."""
    before = _by_id(previous)
    carried = []
    for job in current:
        job = dict(job)
        job_id = job.get("id")
        earlier = before.get(job_id) if job_id in degraded_ids else None
        if earlier is not None:
            for name in CARRIED_FIELDS:
                if not job.get(name) and earlier.get(name):
                    job[name] = earlier[name]
        carried.append(job)
    return carried
