"""Settings, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .errors import ConfigError

__all__ = [
    "MIN_SECRET_LENGTH",
    "Environment",
    "Settings",
    "load_secret",
    "load_settings",
]

MIN_SECRET_LENGTH = 32
STRATEGIES = ("api", "html", "browser")
LOG_LEVELS = {"debug", "info", "warn", "warning", "error", "critical"}


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"


def default_state_dir() -> Path:
    return Path.home() / ".local" / "state" / "drivehr-sync"


def is_loopback_host(host: str | None) -> bool:
    """Tell whether ``host`` names this machine."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def check_secret_length(value: SecretStr) -> SecretStr:
    if len(value.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters long")
    return value


SETTINGS_SOURCES = SettingsConfigDict(
    env_file=".env",
    env_file_encoding="utf-8",
    extra="ignore",
    case_sensitive=False,
    populate_by_name=True,
)


class SecretSettings(BaseSettings):
    """Only the shared secret, for commands that need nothing else."""

    model_config = SETTINGS_SOURCES

    webhook_secret: SecretStr

    @field_validator("webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        return check_secret_length(value)


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SETTINGS_SOURCES

    # Declared first so that the URL checks below can see it.
    environment: Environment = Field(
        default=Environment.PRODUCTION,
        validation_alias=AliasChoices("environment", "node_env"),
    )
    drivehr_company_id: UUID
    wp_api_url: str
    webhook_secret: SecretStr
    drivehr_base_url: str = "https://drivehris.app"
    log_level: str = "info"

    drivehr_strategies: Annotated[list[str], NoDecode] = ["api", "html"]
    drivehr_concurrency: int = Field(default=8, ge=1, le=64)
    request_timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_retries: int = Field(default=3, ge=0, le=10)
    retry_backoff_s: float = Field(default=0.5, ge=0)
    retry_after_cap_s: float = Field(default=30.0, ge=0)
    max_response_bytes: int = Field(default=5_000_000, ge=1024)
    title_suffixes: Annotated[list[str], NoDecode] = []
    wp_max_jobs: int = Field(default=100, ge=1)
    # The browser strategy's Chromium; found on PATH when unset.
    chromium_path: str | None = None

    state_dir: Path = Field(default_factory=default_state_dir)
    state_url: str | None = None
    state_keep: int = Field(default=30, ge=1)
    full_resync_hours: float = Field(default=24.0, ge=0)
    max_removal_fraction: float = Field(default=0.5, ge=0, le=1)
    expiry_days: int = Field(default=30, ge=1, le=365)

    maintenance_mode: bool = False
    security_lockdown: bool = False
    trigger_rate_limit: int = Field(default=10, ge=1)

    @field_validator("drivehr_strategies", "title_suffixes", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("drivehr_strategies")
    @classmethod
    def _known_strategies(cls, value: list[str]) -> list[str]:
        strategies = [item.lower() for item in value]
        unknown = [item for item in strategies if item not in STRATEGIES]
        if unknown or not strategies:
            raise ValueError(
                f"must be a comma-separated list of {', '.join(STRATEGIES)}"
            )
        return strategies

    @field_validator("webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        return check_secret_length(value)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in LOG_LEVELS:
            raise ValueError("must be one of debug, info, warn, error")
        return "warning" if level == "warn" else level

    @field_validator("environment", mode="before")
    @classmethod
    def _lower_environment(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("wp_api_url", "drivehr_base_url")
    @classmethod
    def _absolute_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")

        environment = info.data.get("environment", Environment.PRODUCTION)
        relaxed = environment in (Environment.DEVELOPMENT, Environment.TEST)
        plain = parts.scheme == "http" and not is_loopback_host(parts.hostname)
        if plain and not relaxed:
            raise ValueError(
                f"uses http:// in the {environment} environment; use "
                "https:// (plain http is allowed only in development, "
                "test, or to a loopback host)"
            )
        return value.rstrip("/") if parts.path in ("", "/") else value

    @field_validator("state_url")
    @classmethod
    def _s3_state_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError("must look like s3://bucket/prefix")
        return value.strip()

    @property
    def secret(self) -> str:
        return self.webhook_secret.get_secret_value()

    @property
    def company_id(self) -> str:
        return str(self.drivehr_company_id)


def describe_problems(error: ValidationError) -> list[str]:
    """Turn a validation error into plain sentences that never echo input."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "is required but not set"
        name = location.upper() if location else "settings"
        problems.append(f"{name}: {message}" if location else message)
    return problems


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, raising :class:`ConfigError` with every problem."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(describe_problems(error)) from None


def load_secret() -> str:
    """Read only ``WEBHOOK_SECRET``, with the same checks and sources."""
    try:
        # The secret comes from the environment, which mypy cannot see.
        settings = SecretSettings()  # type: ignore[call-arg]
        return settings.webhook_secret.get_secret_value()
    except ValidationError as error:
        raise ConfigError(describe_problems(error)) from None
