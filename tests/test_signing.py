"""Signatures: computed over exact bytes, checked against an independent oracle."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from drivehr_sync.errors import SignatureError
from drivehr_sync.signing import (
    delivery_headers,
    sign_body,
    sign_standard_webhook,
    verify_body_signature,
    verify_standard_webhook,
    verify_timestamp,
)
from support import SECRET

BODY = b'{"jobs":[{"id":"drivehr-1","title":"Service Advisor"}]}'


def oracle_hex(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_body_signature_is_hex_hmac_of_the_exact_bytes() -> None:
    """The plugin's header is sha256= and the lowercase hex HMAC of the body."""
    assert sign_body(BODY, SECRET) == oracle_hex(BODY, SECRET)


def test_one_changed_byte_changes_the_signature() -> None:
    """A body differing by one byte does not verify."""
    header = sign_body(BODY, SECRET)
    altered = BODY.replace(b"Advisor", b"Advisos")

    with pytest.raises(SignatureError):
        verify_body_signature(altered, header, SECRET)


def test_standard_webhook_binds_id_timestamp_and_body() -> None:
    """webhook-signature is v1, base64 HMAC of id.timestamp.body."""
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), b"msg_1.1700000000." + BODY, hashlib.sha256).digest()
    ).decode()

    assert sign_standard_webhook("msg_1", 1700000000, BODY, SECRET) == "v1," + expected


def test_whsec_secret_is_base64_decoded_for_standard_webhooks() -> None:
    """A whsec_ secret keys Standard Webhooks with its decoded bytes."""
    key = b"0123456789abcdef0123456789abcdef"
    secret = "whsec_" + base64.b64encode(key).decode()
    expected = base64.b64encode(
        hmac.new(key, b"id.5." + BODY, hashlib.sha256).digest()
    ).decode()

    assert sign_standard_webhook("id", 5, BODY, secret) == "v1," + expected


def test_delivery_headers_carry_both_schemes() -> None:
    """A delivery carries the plugin's headers and the Standard Webhooks ones."""
    headers = delivery_headers(BODY, SECRET, "req-1", timestamp=1700000000)

    assert headers["X-Webhook-Signature"] == oracle_hex(BODY, SECRET)
    assert headers["X-Webhook-Timestamp"] == "1700000000"
    assert headers["webhook-id"] == "req-1"
    assert headers["webhook-timestamp"] == "1700000000"
    verify_standard_webhook(
        BODY,
        {k.lower(): v for k, v in headers.items()},
        SECRET,
        now=1700000100,
    )


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5"])
def test_malformed_timestamps_are_refused(value: str | None) -> None:
    """A missing or non-numeric timestamp does not verify."""
    with pytest.raises(SignatureError):
        verify_timestamp(value, now=1700000000)


@pytest.mark.parametrize("offset", [-301, 301])
def test_timestamps_outside_the_window_are_refused(offset: int) -> None:
    """Timestamps more than 300 s away, either way, do not verify."""
    with pytest.raises(SignatureError, match="tolerance"):
        verify_timestamp(str(1700000000 + offset), now=1700000000)


def test_timestamps_inside_the_window_pass() -> None:
    """A timestamp 300 s away still verifies."""
    assert verify_timestamp("1700000300", now=1700000000) == 1700000300


@pytest.mark.parametrize(
    "header", [None, "", "md5=abc", "sha256=", "sha256=" + "0" * 64]
)
def test_missing_or_wrong_body_signatures_are_refused(header: str | None) -> None:
    """Anything but the right sha256= value is refused."""
    with pytest.raises(SignatureError):
        verify_body_signature(BODY, header, SECRET)


def test_wrong_secret_is_refused() -> None:
    """A signature made with another secret does not verify."""
    header = oracle_hex(BODY, "another-secret-0123456789-abcdefghijkl")

    with pytest.raises(SignatureError):
        verify_body_signature(BODY, header, SECRET)
