"""Log lines: the runbook's JSON shape, with secrets and signatures redacted."""

from __future__ import annotations

import io
import json

import pytest
import structlog

from drivehr_sync.logs import configure_logging, get_logger
from support import SECRET


def capture(level: str = "info") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level, secrets=[SECRET], stream=stream)
    return stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_lines_have_the_runbook_shape() -> None:
    """Each line holds timestamp, level, message and the context as metadata."""
    stream = capture()
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(requestId="req-1")

    get_logger("test").info("sync.finished", jobsProcessed=3, duration=120)

    [line] = lines(stream)
    assert set(line) == {"timestamp", "level", "message", "metadata"}
    assert line["level"] == "info"
    assert line["message"] == "sync.finished"
    assert line["metadata"] == {
        "requestId": "req-1",
        "jobsProcessed": 3,
        "duration": 120,
    }
    structlog.contextvars.clear_contextvars()


def test_secrets_and_signatures_are_redacted_everywhere() -> None:
    """Sensitive keys, the secret's value and signature-shaped text never appear."""
    stream = capture()
    signature = "sha256=" + "ab" * 32

    get_logger("test").warning(
        "probe",
        headers={"X-Webhook-Signature": signature, "Authorization": "Bearer x"},
        note=f"secret was {SECRET}",
        echoed=f"got {signature} back",
        standard="v1,QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
    )

    text = stream.getvalue()
    assert SECRET not in text
    assert signature not in text
    assert "Bearer x" not in text
    assert "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" not in text
    [line] = lines(stream)
    assert line["metadata"]["headers"]["X-Webhook-Signature"] == "[REDACTED]"


@pytest.mark.parametrize("level", ["warn", "warning", "WARN"])
def test_level_filters_lower_lines(level: str) -> None:
    """Below the configured level nothing is written."""
    stream = capture(level)

    get_logger("test").info("quiet")
    get_logger("test").warning("loud")

    assert [line["message"] for line in lines(stream)] == ["loud"]
