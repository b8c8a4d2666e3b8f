"""Diffs against the last delivery and the guards that hold a delivery back."""

from __future__ import annotations

import pytest

from drivehr_sync.changes import (
    FORCE_HINT,
    carry_descriptions,
    check_identity,
    check_removals,
    diff_jobs,
    is_unchanged,
)

BASE = "https://drivehris.app/careers/123e4567-e89b-12d3-a456-426614174000/list"
TOWNS = ["Truro, NS", "Halifax, NS", "Moncton, NB", "Sydney, NS"]


def job(number: int, **overrides) -> dict:
    """A job in wire form, as Posting.to_wire() gives it."""
    body = {
        "id": f"drivehr-{number}",
        "title": f"Service Advisor {number}",
        "location": TOWNS[number % len(TOWNS)],
        "sourceUrl": f"{BASE}/{number}?title=Service+Advisor",
        "description": f"<p>Job {number}</p>",
        "expiryDate": "2027-01-02",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def jobs(*numbers: int) -> list[dict]:
    return [job(number) for number in numbers]


# diff_jobs


def test_diff_names_added_removed_and_updated_fields():
    """The diff lists added and removed ids and each updated job's fields."""
    previous = jobs(1, 2, 3)
    current = [job(1), job(2, title="Parts Manager", location="Bible Hill, NS"), job(4)]

    diff = diff_jobs(previous, current)

    assert diff.added == ["drivehr-4"]
    assert diff.removed == ["drivehr-3"]
    assert diff.updated == {"drivehr-2": ["location", "title"]}
    assert diff.unchanged == 1
    assert not diff.is_empty


def test_diff_sees_a_field_that_appears_or_disappears():
    """A field present on one side only counts as changed."""
    previous = [job(1, summary="Fix cars")]
    current = [job(1, summary=None, department="Service")]

    diff = diff_jobs(previous, current)

    assert diff.updated == {"drivehr-1": ["department", "summary"]}


def test_diff_ignores_the_rolling_expiry_date():
    """A job whose only change is expiryDate is unchanged."""
    previous = jobs(1, 2)
    current = [job(1, expiryDate="2027-01-03"), job(2, expiryDate=None)]

    diff = diff_jobs(previous, current)

    assert diff.is_empty
    assert is_unchanged(diff)
    assert diff.unchanged == 2


def test_diff_of_identical_lists_is_empty_whatever_the_order():
    """The same jobs in another order are unchanged."""
    diff = diff_jobs(jobs(1, 2, 3), jobs(3, 1, 2))

    assert is_unchanged(diff)
    assert diff.to_json() == {"added": [], "removed": [], "updated": {}, "unchanged": 3}


def test_diff_to_json_has_the_documented_shape():
    """to_json gives added, removed, updated and unchanged."""
    diff = diff_jobs(jobs(1, 2), [job(2, title="New"), job(5)])

    body = diff.to_json()

    assert body == {
        "added": ["drivehr-5"],
        "removed": ["drivehr-1"],
        "updated": {"drivehr-2": ["title"]},
        "unchanged": 0,
    }


# check_removals


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        (8, 2, False),
        (8, 7, True),
        (8, 4, True),
        (8, 3, False),
        (1, 0, True),
        (8, 0, False),
        (2, 0, False),
        (0, 0, True),
    ],
)
def test_removal_guard_at_half(before, after, allowed):
    """At 0.5, more than half and at least two removals are refused."""
    previous = jobs(*range(before))
    diff = diff_jobs(previous, jobs(*range(after)))

    verdict = check_removals(previous, diff, 0.5)

    assert verdict.allowed is allowed
    assert (verdict.reason is None) is allowed


def test_removal_refusal_names_the_numbers_and_the_way_out():
    """A refusal says how many jobs would go and how to force it."""
    previous = jobs(*range(8))
    diff = diff_jobs(previous, jobs(0, 1))

    verdict = check_removals(previous, diff, 0.5)

    assert "6 of the 8 jobs" in verdict.reason
    assert "50%" in verdict.reason
    assert FORCE_HINT in verdict.reason
    assert verdict.details == {
        "previousJobs": 8,
        "removedJobs": 6,
        "addedJobs": 0,
        "maxRemovalFraction": 0.5,
        "maxRemovals": 4,
    }


def test_removal_refusal_of_an_empty_list_says_so():
    """Refusing an empty list after a full one says the list is empty."""
    previous = jobs(*range(8))
    diff = diff_jobs(previous, [])

    verdict = check_removals(previous, diff, 0.5)

    assert not verdict.allowed
    assert "empty" in verdict.reason
    assert "all 8 jobs" in verdict.reason


def test_removal_guard_counts_replacements_as_removals():
    """Replacing most jobs with new ids is refused even if the count holds."""
    previous = jobs(*range(8))
    diff = diff_jobs(previous, jobs(0, 1, 20, 21, 22, 23, 24, 25))

    verdict = check_removals(previous, diff, 0.5)

    assert not verdict.allowed
    assert "(8 would remain)" in verdict.reason


def test_removal_guard_at_one_never_refuses():
    """A fraction of 1 allows even deleting everything."""
    previous = jobs(*range(8))

    verdict = check_removals(previous, diff_jobs(previous, []), 1.0)

    assert verdict.allowed


# check_identity


def rederived(number: int) -> dict:
    """The same posting under an id derived another way."""
    return job(number, id=f"drivehr-job-{number:04d}")


def test_identity_guard_refuses_re_derived_ids():
    """Most jobs back with the same title, place and URL but new ids: refused."""
    previous = jobs(1, 2, 3, 4)
    current = [rederived(1), rederived(2), rederived(3), job(5)]

    verdict = check_identity(previous, current)

    assert not verdict.allowed
    assert "id derivation appears to have changed" in verdict.reason
    assert "3 of the 4 jobs" in verdict.reason
    assert "'drivehr-1' is now 'drivehr-job-0001'" in verdict.reason
    assert FORCE_HINT in verdict.reason
    assert verdict.details["reappearedWithNewId"] == 3
    assert verdict.details["example"] == {
        "previousId": "drivehr-1",
        "currentId": "drivehr-job-0001",
        "title": "Service Advisor 1",
    }


def test_identity_guard_ignores_the_query_of_the_source_url():
    """Only the query differing in sourceUrl still counts as the same posting."""
    previous = jobs(1, 2)
    current = [
        rederived(1) | {"sourceUrl": f"{BASE}/1"},
        rederived(2) | {"sourceUrl": f"{BASE}/2?title=Other"},
    ]

    verdict = check_identity(previous, current)

    assert not verdict.allowed


def test_identity_guard_falls_back_to_title_and_location():
    """Without source URLs, title and location decide."""
    previous = [job(n, sourceUrl=None) for n in (1, 2, 3)]
    current = [job(n, id=f"drivehr-job-{n:04d}", sourceUrl=None) for n in (1, 2, 3)]

    verdict = check_identity(previous, current)

    assert not verdict.allowed
    assert verdict.details["reappearedWithNewId"] == 3


def test_identity_guard_allows_genuine_replacements():
    """New postings with the same titles but their own detail pages pass."""
    previous = jobs(1, 2, 3, 4)
    current = [
        job(10 + n, title=f"Service Advisor {n}", location=TOWNS[n % 4])
        for n in (1, 2, 3, 4)
    ]

    verdict = check_identity(previous, current)

    assert verdict.allowed
    assert verdict.reason is None
    assert verdict.details["reappearedWithNewId"] == 0


def test_identity_guard_allows_a_minority_of_lookalikes():
    """Half or fewer of the jobs back under new ids is not refused."""
    previous = jobs(1, 2, 3, 4)
    current = [job(1), job(2), rederived(3), rederived(4)]

    verdict = check_identity(previous, current)

    assert verdict.allowed
    assert verdict.details["reappearedWithNewId"] == 2


def test_identity_guard_needs_at_least_two_lookalikes():
    """A single job back under a new id is not refused."""
    verdict = check_identity(jobs(1), [rederived(1)])

    assert verdict.allowed


def test_identity_guard_stays_quiet_when_ids_are_kept():
    """An unchanged list passes the identity guard."""
    verdict = check_identity(jobs(1, 2, 3), jobs(1, 2, 3))

    assert verdict.allowed


# carry_descriptions


def test_degraded_postings_keep_their_last_description():
    """A degraded posting without a description gets the delivered one."""
    previous = [job(1, summary="Fix cars"), job(2)]
    current = [
        job(1, description=None),
        job(2, description=None),
        job(3, description=None),
    ]

    carried = carry_descriptions(previous, current, {"drivehr-1", "drivehr-3"})

    assert carried[0]["description"] == "<p>Job 1</p>"
    assert carried[0]["summary"] == "Fix cars"
    assert "description" not in carried[1]
    assert "description" not in carried[2]


def test_a_fresh_description_is_not_overwritten():
    """A degraded posting that has a description keeps the new one."""
    previous = [job(1)]
    current = [job(1, description="<p>New text</p>")]

    carried = carry_descriptions(previous, current, {"drivehr-1"})

    assert carried[0]["description"] == "<p>New text</p>"


def test_carry_descriptions_returns_new_dicts():
    """The input jobs are left untouched."""
    previous = [job(1)]
    current = [job(1, description=None)]

    carried = carry_descriptions(previous, current, {"drivehr-1"})

    assert "description" not in current[0]
    assert carried[0] is not current[0]
