"""The HTTP client both sides share, and the rules for retrying requests.

Retries follow one ordered rule: connection errors and timeouts retry;
408, 429 and 5xx answers retry, after the server's ``Retry-After`` hint
when it gives one; everything else is final. A hint longer than the cap is
not worth waiting for inside a scheduled function, so it ends the retries.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)

from . import __version__
from .config import Settings
from .logs import get_logger

__all__ = [
    "RETRYABLE_STATUS_CODES",
    "USER_AGENT",
    "ResponseTooLargeError",
    "RetryableStatusError",
    "backoff_seconds",
    "build_client",
    "get_limited",
    "read_limited",
    "retry_after_seconds",
    "send_with_retries",
]

log = get_logger(__name__)

USER_AGENT = f"drivehr-sync/{__version__} (job listing sync; python-httpx)"
RETRYABLE_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class RetryableStatusError(Exception):
    """An answer worth asking again for; carries the response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code} from {response.url}")


class ResponseTooLargeError(Exception):
    """A response body exceeded the configured size cap."""


def build_client(settings: Settings) -> httpx.AsyncClient:
    """One connection pool for a whole sync, sized for the detail fetches."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT},
        timeout=httpx.Timeout(settings.request_timeout_s),
        limits=httpx.Limits(
            max_connections=settings.drivehr_concurrency + 2,
            max_keepalive_connections=settings.drivehr_concurrency,
        ),
        follow_redirects=True,
    )


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The server's wait hint: a ``Retry-After`` header or a ``retry_after`` field."""
    header = response.headers.get("Retry-After")
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            moment = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return max(0.0, moment.timestamp() - time.time())

    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    hint = body.get("retry_after") if isinstance(body, dict) else None
    if isinstance(hint, (int, float)) and hint >= 0:
        return float(hint)
    return None


def _is_retryable(error: BaseException) -> bool:
    if isinstance(error, RetryableStatusError):
        return True
    return isinstance(error, (httpx.TimeoutException, httpx.TransportError))


def backoff_seconds(
    attempt: int,
    backoff_s: float,
    cap_s: float,
    jitter: Callable[[float], float] = lambda spread: random.uniform(0, spread),
) -> float:
    """Capped exponential backoff; the jitter spreads out synchronized callers."""
    return min(cap_s, backoff_s * 2.0 ** (attempt - 1) + jitter(backoff_s))


class _WaitForServerHint:
    """Wait as the server asks, else back off exponentially with jitter."""

    def __init__(self, backoff_s: float, cap_s: float) -> None:
        self.backoff_s = backoff_s
        self.cap_s = cap_s

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableStatusError):
            hint = retry_after_seconds(error.response)
            if hint is not None:
                return min(hint, self.cap_s)
        return backoff_seconds(state.attempt_number, self.backoff_s, self.cap_s)


def _hint_within_cap(cap_s: float) -> Callable[[BaseException], bool]:
    def should_retry(error: BaseException) -> bool:
        if not _is_retryable(error):
            return False
        if isinstance(error, RetryableStatusError):
            hint = retry_after_seconds(error.response)
            if hint is not None and hint > cap_s:
                return False
        return True

    return should_retry


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    log.info(
        "http.retry",
        attempt=state.attempt_number,
        waitSeconds=round(state.next_action.sleep, 3) if state.next_action else None,
        error=str(error),
    )


async def send_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    max_retries: int,
    backoff_s: float = 0.5,
    cap_s: float = 30.0,
) -> httpx.Response:
    """Call ``send`` until it answers finally; raise the last retryable error.

    ``send`` is called afresh for each attempt, so it can re-sign a request.
    """
    retrying = AsyncRetrying(
        stop=stop_after_attempt(max_retries + 1),
        retry=retry_if_exception(_hint_within_cap(cap_s)),
        wait=_WaitForServerHint(backoff_s, cap_s),
        before_sleep=_log_retry,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            response = await send()
            if response.status_code in RETRYABLE_STATUS_CODES:
                raise RetryableStatusError(response)
    return response


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """Read a streamed body, refusing one larger than ``max_bytes``."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(f"{declared} bytes exceeds {max_bytes}")

    chunks = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(f"more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def get_limited(
    client: httpx.AsyncClient, url: str, settings: Settings
) -> httpx.Response:
    """GET ``url`` with retries, reading at most ``max_response_bytes``."""

    async def send() -> httpx.Response:
        async with client.stream("GET", url) as streamed:
            body = await read_limited(streamed, settings.max_response_bytes)
        # The body is already decoded; drop the headers that describe the
        # wire form so the rebuilt response does not decode it twice.
        headers = [
            (name, value)
            for name, value in streamed.headers.multi_items()
            if name.lower() not in WIRE_HEADERS
        ]
        return httpx.Response(
            streamed.status_code,
            headers=headers,
            content=body,
            request=streamed.request,
        )

    return await send_with_retries(
        send,
        max_retries=settings.max_retries,
        backoff_s=settings.retry_backoff_s,
        cap_s=settings.retry_after_cap_s,
    )
