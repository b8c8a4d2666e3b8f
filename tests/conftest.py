"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog

from drivehr_sync.config import Settings, load_settings
from support import COMPANY_ID, SECRET

# Variables the service reads; cleared so a developer's shell cannot leak in.
SERVICE_VARIABLES = (
    "DRIVEHR_",
    "WP_",
    "WEBHOOK_SECRET",
    "ENVIRONMENT",
    "NODE_ENV",
    "LOG_LEVEL",
    "STATE_",
    "REQUEST_TIMEOUT_S",
    "MAX_RETRIES",
    "RETRY_",
    "TITLE_SUFFIXES",
    "MAINTENANCE_MODE",
    "SECURITY_LOCKDOWN",
    "FULL_RESYNC_HOURS",
    "MAX_REMOVAL_FRACTION",
    "EXPIRY_DAYS",
    "TRIGGER_RATE_LIMIT",
    "CHROMIUM_PATH",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Start every test with none of the service's variables set."""
    for name in list(os.environ):
        if name.upper().startswith(SERVICE_VARIABLES):
            monkeypatch.delenv(name)
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Build settings for loopback stand-ins; keyword arguments override."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "drivehr_company_id": COMPANY_ID,
            "wp_api_url": "http://127.0.0.1:9/webhook/drivehr-sync",
            "webhook_secret": SECRET,
            "environment": "test",
            "state_dir": tmp_path / "state",
            "max_retries": 2,
            "retry_backoff_s": 0.01,
            "retry_after_cap_s": 2.0,
            "request_timeout_s": 5.0,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def settings_between(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    """Settings wired to a DriveHR stand-in and a WordPress stand-in."""

    def build(drivehr: Any, wordpress: Any, **overrides: Any) -> Settings:
        return make_settings(
            drivehr_company_id=drivehr.company_id,
            drivehr_base_url=drivehr.base_url,
            wp_api_url=wordpress.url,
            **overrides,
        )

    return build
