"""Delivery: the exact bytes signed, the plugin's answers read, retries bounded."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import httpx
import pytest
import respx

from drivehr_sync.errors import DeliveryError, DeliveryRefusedError
from drivehr_sync.wordpress import build_payload, deliver, serialize_payload
from support import SECRET

URL = "https://example.com/webhook/drivehr-sync"
ACCEPTED = {
    "success": True,
    "processed": 1,
    "updated": 1,
    "skipped": 0,
    "total": 2,
    "errors": [],
    "removed": 3,
    "timestamp": "2026-12-03T12:00:00+00:00",
    "source": "drivehr-netlify-sync",
}


def jobs(count: int) -> list[dict]:
    return [{"id": f"drivehr-{n}", "title": f"Job {n}"} for n in range(count)]


def send(settings, payload: dict):
    async def run():
        async with httpx.AsyncClient() as client:
            return await deliver(client, settings, payload)

    return asyncio.run(run())


def expected_signature(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


@respx.mock(assert_all_called=True)
def test_signs_and_sends_the_exact_bytes(respx_mock, make_settings) -> None:
    """The body sent is the serialized payload, and its signature verifies."""
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=ACCEPTED))
    payload = build_payload(jobs(2), "req-42")

    receipt = send(make_settings(wp_api_url=URL), payload)

    request = route.calls.last.request
    assert request.content == serialize_payload(payload)
    assert request.headers["X-Webhook-Signature"] == expected_signature(request.content)
    assert request.headers["X-Webhook-Timestamp"].isdigit()
    assert request.headers["X-Request-ID"] == "req-42"
    assert request.headers["webhook-id"] == "req-42"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content)["total_count"] == 2
    assert (receipt.created, receipt.updated, receipt.removed) == (1, 1, 3)


@respx.mock(assert_all_called=True)
def test_retries_resign_the_same_body(respx_mock, make_settings) -> None:
    """Each retry sends identical bytes with a valid signature and the same id."""
    route = respx_mock.post(URL).mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(
                429, json={"error": "Rate limit exceeded", "retry_after": 0}
            ),
            httpx.Response(200, json=ACCEPTED),
        ]
    )
    payload = build_payload(jobs(1), "req-7")

    send(make_settings(wp_api_url=URL, max_retries=2), payload)

    bodies = {call.request.content for call in route.calls}
    ids = {call.request.headers["webhook-id"] for call in route.calls}
    assert len(route.calls) == 3
    assert len(bodies) == 1 and ids == {"req-7"}
    for call in route.calls:
        assert call.request.headers["X-Webhook-Signature"] == expected_signature(
            call.request.content
        )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "WEBHOOK_SECRET must equal the plugin's secret"),
        (400, "rejected the payload as malformed"),
        (404, "no plugin answers at WP_API_URL"),
    ],
)
@respx.mock(assert_all_called=True)
def test_client_errors_are_final_and_explained(
    respx_mock, make_settings, status: int, message: str
) -> None:
    """401, 400 and 404 are not retried and say what to check."""
    route = respx_mock.post(URL).mock(
        return_value=httpx.Response(status, json={"error": "nope"})
    )

    with pytest.raises(DeliveryError, match=message) as caught:
        send(make_settings(wp_api_url=URL, max_retries=3), build_payload(jobs(1), "r"))

    assert route.call_count == 1
    assert caught.value.status_code == status
    assert SECRET not in str(caught.value)


@respx.mock(assert_all_called=True)
def test_persistent_500_points_at_the_php8_fault(respx_mock, make_settings) -> None:
    """A 500 that outlasts the retries names the known plugin fault."""
    respx_mock.post(URL).mock(
        return_value=httpx.Response(500, text="<html>critical error</html>")
    )

    with pytest.raises(DeliveryError, match="PHP 8"):
        send(make_settings(wp_api_url=URL, max_retries=1), build_payload(jobs(1), "r"))


@respx.mock(assert_all_called=False)
def test_more_jobs_than_the_plugin_takes_are_refused_unsent(
    respx_mock, make_settings
) -> None:
    """101 jobs are refused before any request, naming the limit."""
    route = respx_mock.post(URL)

    with pytest.raises(DeliveryRefusedError, match="limit of 100"):
        send(make_settings(wp_api_url=URL), build_payload(jobs(101), "r"))

    assert route.call_count == 0


@respx.mock(assert_all_called=True)
def test_a_200_without_success_is_not_a_delivery(respx_mock, make_settings) -> None:
    """An HTML 200 (a theme page, a cache) is not mistaken for acceptance."""
    respx_mock.post(URL).mock(
        return_value=httpx.Response(200, text="<html>Home</html>")
    )

    with pytest.raises(DeliveryError, match="without the plugin's success"):
        send(make_settings(wp_api_url=URL), build_payload(jobs(1), "r"))
