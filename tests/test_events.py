"""Reading every event shape a Python function receives into one Request."""

from __future__ import annotations

import json

import pytest

from drivehr_sync.handlers.events import Request, parse_event
from handler_fixtures import http_event, load_event


def test_rest_v1_event_gives_method_path_and_lower_case_headers() -> None:
    """A REST proxy (v1) event yields its method, path and lower-case headers."""
    event = load_event("apigw_rest_v1")

    request = parse_event(event)

    assert request.method == "GET"
    assert request.path == "/.netlify/functions/health-check"
    assert request.headers["user-agent"] == "curl/8.5.0"
    assert request.source_ip == "203.0.113.10"
    assert not request.is_scheduled


def test_rest_v1_query_prefers_the_last_repeated_value() -> None:
    """Repeated v1 query parameters resolve to their last value."""
    event = load_event("apigw_rest_v1")
    event["queryStringParameters"] = {"deep": "true"}
    event["multiValueQueryStringParameters"] = {"deep": ["false", "true"]}

    request = parse_event(event)

    assert request.query == {"deep": "true"}


def test_http_api_v2_event_reads_request_context_and_raw_query() -> None:
    """An HTTP API (v2) event yields method and source IP from requestContext."""
    event = load_event("http_api_v2")
    event["rawQueryString"] = "deep=true"
    event["requestContext"]["http"]["method"] = "head"

    request = parse_event(event)

    assert request.method == "HEAD"
    assert request.query == {"deep": "true"}
    assert request.source_ip == "198.51.100.23"
    assert request.path == "/.netlify/functions/health-check"


def test_function_url_event_is_read_like_v2() -> None:
    """A Function URL event yields its path and peer address."""
    event = load_event("function_url")

    request = parse_event(event)

    assert (request.method, request.path) == ("GET", "/")
    assert request.source_ip == "192.0.2.44"


def test_netlify_event_reads_query_and_client_ip() -> None:
    """A Netlify event yields its query and Netlify's client IP header."""
    event = load_event("netlify")
    event["queryStringParameters"] = {"deep": "1"}
    event["headers"].pop("x-forwarded-for")

    request = parse_event(event)

    assert request.query == {"deep": "1"}
    assert request.client == "203.0.113.77"


def test_netlify_event_without_query_dicts_reads_the_raw_url() -> None:
    """A Netlify event with only ``rawUrl`` still yields the query."""
    event = load_event("netlify")
    event["queryStringParameters"] = None
    event["multiValueQueryStringParameters"] = None
    event["rawUrl"] += "?deep=true"

    request = parse_event(event)

    assert request.query == {"deep": "true"}


def test_base64_body_is_decoded_to_the_original_bytes() -> None:
    """A base64-encoded body arrives as the bytes the caller sent."""
    event = load_event("apigw_rest_v1_base64_body")

    request = parse_event(event)

    assert json.loads(request.body) == {
        "reason": "deployment verification",
        "dryRun": True,
    }
    assert request.method == "POST"


@pytest.mark.parametrize("shape", ["apigw_rest_v1", "http_api_v2", "netlify"])
def test_binary_body_survives_base64_in_every_shape(shape: str) -> None:
    """Bytes that are not UTF-8 survive the base64 round trip in each shape."""
    body = bytes(range(256))
    event = http_event(shape, method="POST", body=body, encode_body=True)

    request = parse_event(event)

    assert request.body == body


def test_header_names_in_any_case_are_found() -> None:
    """Headers are found whatever case the event used for their names."""
    event = load_event("apigw_rest_v1")
    event["headers"]["X-WEBHOOK-SIGNATURE"] = "sha256=00"

    request = parse_event(event)

    assert request.header("x-webhook-signature") == "sha256=00"
    assert request.header("X-Webhook-Signature") == "sha256=00"


def test_multi_value_headers_fill_in_missing_single_headers() -> None:
    """A header only in ``multiValueHeaders`` is joined with commas."""
    event = load_event("apigw_rest_v1")
    event["multiValueHeaders"]["X-Custom"] = ["a", "b"]

    request = parse_event(event)

    assert request.header("x-custom") == "a,b"


def test_client_is_the_first_forwarded_hop() -> None:
    """The client is the first ``X-Forwarded-For`` address, not the proxy."""
    request = Request(
        headers={"x-forwarded-for": " 203.0.113.9 , 10.0.0.1"},
        source_ip="10.0.0.2",
    )

    assert request.client == "203.0.113.9"


def test_client_falls_back_to_the_source_ip() -> None:
    """Without ``X-Forwarded-For`` the client is the event's source IP."""
    assert Request(source_ip="192.0.2.1").client == "192.0.2.1"
    assert Request().client == "unknown"


def test_eventbridge_schedule_is_a_scheduled_request() -> None:
    """An EventBridge "Scheduled Event" from aws.events is scheduled."""
    event = load_event("eventbridge_scheduled")

    request = parse_event(event)

    assert request.is_scheduled
    assert request.body == b""


def test_other_eventbridge_events_are_not_scheduled() -> None:
    """An EventBridge event from another source is not taken as the schedule."""
    event = load_event("eventbridge_scheduled")
    event["source"] = "custom.app"

    assert not parse_event(event).is_scheduled


def test_netlify_scheduled_invocation_is_a_scheduled_request() -> None:
    """A Netlify scheduled invocation (body with ``next_run``) is scheduled."""
    event = load_event("netlify_scheduled")

    request = parse_event(event)

    assert request.is_scheduled
    assert request.path == "/.netlify/functions/sync-jobs"


def test_a_get_carrying_next_run_is_not_scheduled() -> None:
    """Only a POST whose JSON body carries ``next_run`` counts as scheduled."""
    event = load_event("netlify_scheduled")
    event["httpMethod"] = "GET"

    assert not parse_event(event).is_scheduled


@pytest.mark.parametrize("event", [None, [], "text", {}])
def test_unknown_events_become_a_bare_get(event: object) -> None:
    """Events of no known shape read as a GET of ``/`` with nothing else."""
    request = parse_event(event)  # type: ignore[arg-type]

    assert (request.method, request.path, request.body) == ("GET", "/", b"")
    assert not request.is_scheduled


@pytest.mark.parametrize("shape", ["apigw_rest_v1", "http_api_v2", "function_url"])
def test_next_run_body_over_http_is_not_scheduled(shape: str) -> None:
    """A ``next_run`` body sent through an HTTP front door is an HTTP call."""
    body = b'{"next_run": "2026-12-03T20:00:00.000Z"}'
    event = http_event(shape, method="POST", path="/", body=body)

    request = parse_event(event)

    assert not request.is_scheduled
    assert request.body == body
