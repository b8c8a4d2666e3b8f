"""The WordPress stand-in answers as CONTRACTS.md section 2 describes."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from drivehr_sync.standins import WordPressSite

SECRET = "test-secret-that-is-long-enough-0123456789"
NOW = 1_790_000_000.0


class FrozenClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    # One client for the module: building one per request costs an SSL context.
    with httpx.Client(timeout=5) as shared:
        yield shared


@pytest.fixture
def site(clock: FrozenClock) -> Iterator[WordPressSite]:
    with WordPressSite(secret=SECRET, clock=clock) as running:
        yield running


def job(job_id: str, title: str = "Service Advisor", **fields: Any) -> dict[str, Any]:
    return {"id": job_id, "title": title, **fields}


def encode(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def signed_headers(body: bytes, *, timestamp: float = NOW) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Webhook-Signature": f"sha256={digest}",
        "X-Webhook-Timestamp": str(int(timestamp)),
    }


def deliver(
    client: httpx.Client,
    site: WordPressSite,
    payload: Any,
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else encode(payload)
    return client.post(site.url, content=body, headers=headers or signed_headers(body))


def without_timestamp(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "timestamp"}


# Steps 1 to 3: path, switch, method


def test_get_answers_405_naming_post(client: httpx.Client, site: WordPressSite) -> None:
    """A GET on the webhook answers 405 with the plugin's body."""

    response = client.get(site.url)

    assert response.status_code == 405
    assert without_timestamp(response.json()) == {
        "error": "Method not allowed",
        "allowed_methods": ["POST"],
    }
    assert response.json()["timestamp"].startswith("2026-09-21T")


def test_switched_off_plugin_answers_503_before_method_check(
    client: httpx.Client,
    clock: FrozenClock,
) -> None:
    """With the plugin's switch off, every request answers 503."""
    with WordPressSite(secret=SECRET, clock=clock, enabled=False) as site:
        get = client.get(site.url)
        post = deliver(client, site, {"jobs": [job("drivehr-1")]})

    assert (get.status_code, post.status_code) == (503, 503)
    assert post.json()["error"] == "Service temporarily unavailable"
    assert site.jobs == {}


def test_other_paths_are_not_the_plugin(
    client: httpx.Client, site: WordPressSite
) -> None:
    """A signed delivery to another path answers 404 and stores nothing."""
    body = encode({"jobs": [job("drivehr-1")]})

    response = client.post(
        site.base_url + "/wp-json/drivehr/v1/sync",
        content=body,
        headers=signed_headers(body),
    )

    assert response.status_code == 404
    assert site.jobs == {}


# Step 4: rate limit


def test_eleventh_request_in_a_minute_is_rate_limited(
    client: httpx.Client, site: WordPressSite, clock: FrozenClock
) -> None:
    """Ten POSTs in 60 s pass the limiter, even unsigned; the eleventh gets 429."""
    for _ in range(10):
        assert client.post(site.url, content=b"{}").status_code == 401

    limited = deliver(client, site, {"jobs": []})

    assert limited.status_code == 429
    assert without_timestamp(limited.json()) == {
        "error": "Rate limit exceeded",
        "retry_after": 60,
    }
    clock.now += 61
    assert deliver(client, site, {"jobs": []}).status_code == 200


def test_gets_answered_405_do_not_count_against_the_limit(
    client: httpx.Client,
    site: WordPressSite,
) -> None:
    """The method check comes before the limiter, so GETs are not counted."""
    for _ in range(15):
        client.get(site.url)

    response = deliver(client, site, {"jobs": []})

    assert response.status_code == 200


def test_reset_rate_limit_lets_requests_through_again(
    client: httpx.Client, site: WordPressSite
) -> None:
    """After reset_rate_limit() a limited client is admitted again."""
    for _ in range(11):
        client.post(site.url, content=b"{}")

    site.reset_rate_limit()

    assert deliver(client, site, {"jobs": []}).status_code == 200


# Step 5: signature and timestamp


@pytest.mark.parametrize(
    "timestamp",
    [None, "", "yesterday", "12:00", str(int(NOW) - 301), str(int(NOW) + 301)],
    ids=["missing", "empty", "word", "clock-text", "too-old", "too-far-ahead"],
)
def test_bad_timestamp_is_unauthorized(
    client: httpx.Client, site: WordPressSite, timestamp: str | None
) -> None:
    """A missing, non-numeric or out-of-window timestamp answers 401."""
    body = encode({"jobs": [job("drivehr-1")]})
    headers = signed_headers(body)
    if timestamp is None:
        del headers["X-Webhook-Timestamp"]
    else:
        headers["X-Webhook-Timestamp"] = timestamp

    response = deliver(client, site, body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized - Invalid signature"
    assert site.jobs == {}


@pytest.mark.parametrize("offset", [-300, 300, -299.0])
def test_timestamp_within_300_seconds_either_way_is_accepted(
    client: httpx.Client, site: WordPressSite, offset: float
) -> None:
    """Timestamps up to 300 s before or after the server's clock pass."""
    body = encode({"jobs": [job("drivehr-1")]})

    response = deliver(
        client, site, body, headers=signed_headers(body, timestamp=NOW + offset)
    )

    assert response.status_code == 200


def test_signature_with_another_secret_is_unauthorized(
    client: httpx.Client, site: WordPressSite
) -> None:
    """A body signed with a different secret answers 401."""
    body = encode({"jobs": [job("drivehr-1")]})
    headers = signed_headers(body)
    wrong = hmac.new(b"another-secret", body, hashlib.sha256).hexdigest()
    headers["X-Webhook-Signature"] = f"sha256={wrong}"

    response = deliver(client, site, body, headers=headers)

    assert response.status_code == 401


def test_body_changed_by_one_byte_is_unauthorized(
    client: httpx.Client, site: WordPressSite
) -> None:
    """The signature covers the raw bytes: one changed byte fails the check."""
    body = encode({"jobs": [job("drivehr-1")]})
    headers = signed_headers(body)
    tampered = body.replace(b"drivehr-1", b"drivehr-2")

    response = deliver(client, site, tampered, headers=headers)

    assert response.status_code == 401
    assert site.jobs == {}


@pytest.mark.parametrize("form", ["bare-hex", "upper-hex", "missing"])
def test_signature_must_be_prefixed_lowercase_hex(
    client: httpx.Client, site: WordPressSite, form: str
) -> None:
    """Only ``sha256=`` plus lowercase hex is accepted as the signature."""
    body = encode({"jobs": [job("drivehr-1")]})
    headers = signed_headers(body)
    digest = headers["X-Webhook-Signature"].removeprefix("sha256=")
    if form == "bare-hex":
        headers["X-Webhook-Signature"] = digest
    elif form == "upper-hex":
        headers["X-Webhook-Signature"] = "sha256=" + digest.upper()
    else:
        del headers["X-Webhook-Signature"]

    response = deliver(client, site, body, headers=headers)

    assert response.status_code == 401


def test_signature_is_checked_over_bytes_not_reserialized_json(
    client: httpx.Client,
    site: WordPressSite,
) -> None:
    """Whitespace the sender chose is part of what is signed."""
    body = b'{ "jobs" : [ {"id": "drivehr-1", "title": "Detailer"} ] }'

    response = deliver(client, site, body)

    assert response.status_code == 200
    assert site.jobs["drivehr-1"]["title"] == "Detailer"


def test_chunked_body_is_read_and_verified_whole(
    client: httpx.Client, site: WordPressSite
) -> None:
    """A body sent in chunks is reassembled before its signature is checked."""
    body = encode({"jobs": [job("drivehr-1"), job("drivehr-2")]})
    pieces = iter([body[:10], body[10:25], body[25:]])

    response = client.post(site.url, content=pieces, headers=signed_headers(body))

    assert response.status_code == 200
    assert site.requests[0].headers["transfer-encoding"] == "chunked"
    assert sorted(site.jobs) == ["drivehr-1", "drivehr-2"]


# Steps 6 and 7: body checks


def test_invalid_json_answers_400(client: httpx.Client, site: WordPressSite) -> None:
    """A signed body that is not JSON answers 400 Invalid JSON format."""

    response = deliver(client, site, b'{"jobs": [')

    assert response.status_code == 400
    assert response.json()["error"] == "Invalid JSON format"


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"postings": []},
        {"jobs": "none"},
        {"jobs": [job(f"drivehr-{n}") for n in range(101)]},
        {"jobs": [{"title": "No id"}, job("drivehr-2")]},
        {"jobs": [{"id": "drivehr-1"}, job("drivehr-2")]},
        {"jobs": ["drivehr-1"]},
    ],
    ids=[
        "array",
        "no-jobs-key",
        "jobs-not-array",
        "101-jobs",
        "first-lacks-id",
        "first-lacks-title",
        "first-not-object",
    ],
)
def test_bad_structure_answers_400(
    client: httpx.Client, site: WordPressSite, payload: Any
) -> None:
    """Bodies the plugin cannot read as a job list answer 400 and change nothing."""
    site.seed([job("drivehr-old")])

    response = deliver(client, site, payload)

    assert response.status_code == 400
    assert without_timestamp(response.json()) == {
        "error": "Invalid webhook data structure",
        "expected": {"jobs": "array"},
    }
    assert list(site.jobs) == ["drivehr-old"]


def test_one_hundred_jobs_are_accepted(
    client: httpx.Client, site: WordPressSite
) -> None:
    """Exactly 100 jobs is within the plugin's limit."""
    jobs = [job(f"drivehr-{n}") for n in range(100)]

    response = deliver(client, site, {"jobs": jobs})

    assert response.status_code == 200
    assert response.json()["processed"] == 100


# Steps 8 to 10: upsert, delete, answer


def test_first_delivery_creates_and_second_updates(
    client: httpx.Client, site: WordPressSite
) -> None:
    """New ids count as processed; the same ids again count as updated."""
    jobs = [job("drivehr-1"), job("drivehr-2", "Detailer")]

    first = deliver(client, site, {"jobs": jobs})
    site.reset_rate_limit()
    second = deliver(client, site, {"jobs": jobs})

    assert without_timestamp(first.json()) == {
        "success": True,
        "processed": 2,
        "updated": 0,
        "skipped": 0,
        "total": 2,
        "errors": [],
        "removed": 0,
        "source": "drivehr-netlify-sync",
    }
    assert (second.json()["processed"], second.json()["updated"]) == (0, 2)
    assert site.jobs["drivehr-1"]["post_id"] != site.jobs["drivehr-2"]["post_id"]


def test_update_rewrites_every_field(client: httpx.Client, site: WordPressSite) -> None:
    """A field left out of a later delivery is cleared, not kept."""
    deliver(client, site, {"jobs": [job("drivehr-1", location="Truro, NS")]})
    post_id = site.jobs["drivehr-1"]["post_id"]

    deliver(client, site, {"jobs": [job("drivehr-1", "Senior Service Advisor")]})

    stored = site.jobs["drivehr-1"]
    assert stored["post_id"] == post_id
    assert stored["title"] == "Senior Service Advisor"
    assert stored["location"] == ""


def test_jobs_missing_from_a_delivery_are_deleted(
    client: httpx.Client, site: WordPressSite
) -> None:
    """Every stored job whose id is absent from the delivery is removed."""
    site.seed([job("drivehr-1"), job("drivehr-2"), job("drivehr-3")])

    response = deliver(client, site, {"jobs": [job("drivehr-2")]})

    assert response.json()["removed"] == 2
    assert list(site.jobs) == ["drivehr-2"]


def test_empty_job_list_deletes_every_job(
    client: httpx.Client, site: WordPressSite
) -> None:
    """An empty jobs array is accepted and wipes the site."""
    site.seed([job("drivehr-1"), job("drivehr-2")])

    response = deliver(client, site, {"jobs": []})

    assert response.status_code == 200
    assert (response.json()["removed"], response.json()["total"]) == (2, 0)
    assert site.jobs == {}


def test_later_job_without_title_is_skipped_with_an_error(
    client: httpx.Client,
    site: WordPressSite,
) -> None:
    """A job after the first that lacks a title is skipped and reported."""
    jobs = [job("drivehr-1"), {"id": "drivehr-2", "title": ""}, job("drivehr-3")]

    response = deliver(client, site, {"jobs": jobs})

    body = response.json()
    assert (body["processed"], body["skipped"], body["total"]) == (2, 1, 3)
    assert len(body["errors"]) == 1
    assert sorted(site.jobs) == ["drivehr-1", "drivehr-3"]


def test_fields_are_read_as_the_plugin_reads_them(
    client: httpx.Client, site: WordPressSite
) -> None:
    """Titles lose tags, URLs are checked, aliases are read, raw data is kept."""
    sent = job(
        "drivehr-7",
        "<b>Parts</b> Counter",
        description='<p style="color:red">Hi <a href="javascript:x()">me</a></p>',
        summary="<p>Short</p>",
        jobType="Full-Time",
        salary_range="$19.50",
        applyUrl="not a url",
        sourceUrl="https://drivehris.app/careers/x/list/7",
        payRate="$19.50",
    )

    deliver(client, site, {"jobs": [sent]})

    stored = site.jobs["drivehr-7"]
    assert stored["title"] == "Parts Counter"
    assert "javascript:" not in stored["content"]
    assert 'style="color:red"' in stored["content"]
    assert stored["excerpt"] == "Short"
    assert (stored["job_type"], stored["salary_range"]) == ("Full-Time", "$19.50")
    assert stored["apply_url"] == ""
    assert stored["source_url"] == "https://drivehris.app/careers/x/list/7"
    assert stored["raw_data"] == sent


def test_future_posted_date_schedules_the_post(
    client: httpx.Client, site: WordPressSite
) -> None:
    """A postedDate after now stores the post as scheduled, not published."""
    jobs = [
        job("drivehr-1", postedDate="2026-09-01T09:00:00Z"),
        job("drivehr-2", postedDate="2027-01-15T09:00:00Z"),
        job("drivehr-3", posted_date="not a date"),
    ]

    deliver(client, site, {"jobs": jobs})

    statuses = {job_id: post["status"] for job_id, post in site.jobs.items()}
    assert statuses == {
        "drivehr-1": "publish",
        "drivehr-2": "future",
        "drivehr-3": "publish",
    }


def test_php8_fault_writes_posts_then_answers_500_without_deleting(
    client: httpx.Client,
    clock: FrozenClock,
) -> None:
    """Under the PHP 8 fault posts are written, nothing is deleted, 500 follows."""
    with WordPressSite(secret=SECRET, clock=clock, php8_fault=True) as site:
        site.seed([job("drivehr-stale"), job("drivehr-1", "Old title")])

        response = deliver(client, site, {"jobs": [job("drivehr-1"), job("drivehr-2")]})

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "There has been a critical error on this website." in response.text
    assert sorted(site.jobs) == ["drivehr-1", "drivehr-2", "drivehr-stale"]
    assert site.jobs["drivehr-1"]["title"] == "Service Advisor"


def test_queued_failures_answer_before_normal_processing(
    client: httpx.Client,
    site: WordPressSite,
) -> None:
    """Queued statuses answer the next requests in order, then the plugin runs."""
    site.queue_failures(503, 429, 500)
    payload = {"jobs": [job("drivehr-1")]}

    statuses = [deliver(client, site, payload) for _ in range(4)]

    assert [r.status_code for r in statuses] == [503, 429, 500, 200]
    assert statuses[1].headers["Retry-After"] == "1"
    assert statuses[1].json()["retry_after"] == 1
    assert statuses[2].json() == {"error": "Internal server error"}


def test_fail_next_option_queues_failures(
    client: httpx.Client, clock: FrozenClock
) -> None:
    """The fail_next constructor option behaves like queue_failures()."""
    with WordPressSite(secret=SECRET, clock=clock, fail_next=[502]) as site:
        first = deliver(client, site, {"jobs": []})
        second = deliver(client, site, {"jobs": []})

    assert (first.status_code, second.status_code) == (502, 200)


def test_requests_are_recorded_with_raw_body_and_status(
    client: httpx.Client,
    site: WordPressSite,
) -> None:
    """Every received request is kept with its bytes, headers and answer."""
    body = encode({"jobs": []})

    deliver(client, site, body)

    [recorded] = site.requests
    assert (recorded.method, recorded.path, recorded.status) == (
        "POST",
        "/webhook/drivehr-sync",
        200,
    )
    assert recorded.body == body
    assert recorded.headers["x-webhook-timestamp"] == str(int(NOW))


# The site's read-only REST collection


def test_rest_collection_lists_published_posts(
    client: httpx.Client, site: WordPressSite
) -> None:
    """The REST collection shows published jobs in WordPress's shape."""
    site.seed(
        [
            job("drivehr-1", location="Truro, NS", postedDate="2026-09-01"),
            job("drivehr-2", "Detailer", postedDate="2027-03-01"),
        ]
    )

    response = client.get(site.rest_url)

    [item] = response.json()
    assert isinstance(item["id"], int)
    assert item["title"] == {"rendered": "Service Advisor"}
    assert item["content"]["rendered"] == ""
    assert item["meta"]["job_id"] == "drivehr-1"
    assert item["meta"]["location"] == "Truro, NS"
    assert item["date"].startswith("2026-09-01")
    assert response.headers["X-WP-Total"] == "1"


def test_rest_collection_pages_by_ten(
    client: httpx.Client, site: WordPressSite
) -> None:
    """Like WordPress, the collection returns ten items per page by default."""
    site.seed([job(f"drivehr-{n}") for n in range(12)])

    first = client.get(site.rest_url)
    second = client.get(site.rest_url, params={"page": 2})

    assert (len(first.json()), len(second.json())) == (10, 2)
    assert first.headers["X-WP-TotalPages"] == "2"
