"""Retry rules: what is asked again, after how long, and what is final."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from drivehr_sync.http_client import (
    USER_AGENT,
    ResponseTooLargeError,
    RetryableStatusError,
    backoff_seconds,
    get_limited,
    retry_after_seconds,
    send_with_retries,
)

URL = "https://drivehris.app/careers/company/list"


def fetch(settings, url: str = URL) -> httpx.Response:
    async def run() -> httpx.Response:
        async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as client:
            return await get_limited(client, url, settings)

    return asyncio.run(run())


@respx.mock(assert_all_called=True)
def test_server_errors_and_rate_limits_are_retried(respx_mock, make_settings) -> None:
    """A 503 then a 429 are asked again until the answer is final."""
    route = respx_mock.get(URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(200, json=[]),
        ]
    )

    response = fetch(make_settings(max_retries=2))

    assert response.status_code == 200
    assert route.call_count == 3


@respx.mock(assert_all_called=True)
def test_connection_errors_are_retried(respx_mock, make_settings) -> None:
    """A refused connection and a timeout are retried."""
    route = respx_mock.get(URL).mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, text="ok"),
        ]
    )

    assert fetch(make_settings(max_retries=2)).text == "ok"
    assert route.call_count == 3


@respx.mock(assert_all_called=True)
def test_client_errors_are_final(respx_mock, make_settings) -> None:
    """A 404 is returned at once, without retrying."""
    route = respx_mock.get(URL).mock(return_value=httpx.Response(404))

    assert fetch(make_settings(max_retries=3)).status_code == 404
    assert route.call_count == 1


@respx.mock(assert_all_called=True)
def test_retries_end_with_the_last_answer(respx_mock, make_settings) -> None:
    """After the last retry the retryable answer is raised with its response."""
    route = respx_mock.get(URL).mock(return_value=httpx.Response(502))

    with pytest.raises(RetryableStatusError) as caught:
        fetch(make_settings(max_retries=2))

    assert caught.value.response.status_code == 502
    assert route.call_count == 3


@respx.mock(assert_all_called=True)
def test_a_wait_longer_than_the_cap_is_not_taken(respx_mock, make_settings) -> None:
    """A Retry-After beyond the cap ends the retries instead of waiting."""
    route = respx_mock.get(URL).mock(
        return_value=httpx.Response(429, headers={"Retry-After": "600"})
    )

    with pytest.raises(RetryableStatusError):
        fetch(make_settings(max_retries=3, retry_after_cap_s=5))

    assert route.call_count == 1


@respx.mock(assert_all_called=True)
def test_oversized_bodies_are_refused(respx_mock, make_settings) -> None:
    """A body over the size cap is not read into memory."""
    respx_mock.get(URL).mock(return_value=httpx.Response(200, content=b"x" * 5000))

    with pytest.raises(ResponseTooLargeError):
        fetch(make_settings(max_response_bytes=2048))


def test_retry_after_reads_header_then_body() -> None:
    """The hint comes from Retry-After, else from the body's retry_after."""
    header = httpx.Response(429, headers={"Retry-After": "7"})
    body = httpx.Response(429, json={"error": "Rate limit exceeded", "retry_after": 60})
    neither = httpx.Response(503, text="<html>down</html>")

    assert retry_after_seconds(header) == 7
    assert retry_after_seconds(body) == 60
    assert retry_after_seconds(neither) is None


def test_each_attempt_calls_send_afresh() -> None:
    """send is called once per attempt, so each attempt can be re-signed."""
    calls = []

    async def send() -> httpx.Response:
        calls.append(len(calls))
        status = 500 if len(calls) < 3 else 200
        return httpx.Response(status, request=httpx.Request("POST", URL))

    response = asyncio.run(send_with_retries(send, max_retries=3, backoff_s=0.0))

    assert response.status_code == 200
    assert calls == [0, 1, 2]


def test_backoff_doubles_up_to_the_cap() -> None:
    """Without jitter the waits double per attempt and stop at the cap."""
    no_jitter = lambda spread: 0.0  # noqa: E731

    waits = [backoff_seconds(n, 0.5, 3.0, no_jitter) for n in range(1, 6)]

    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]
