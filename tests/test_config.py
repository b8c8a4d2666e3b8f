"""Settings: every problem reported at once, never the secret."""

from __future__ import annotations

import pytest

from drivehr_sync.config import Environment, load_settings
from drivehr_sync.errors import ConfigError
from support import COMPANY_ID, SECRET

VALID = {
    "DRIVEHR_COMPANY_ID": COMPANY_ID,
    "WP_API_URL": "https://example.com/webhook/drivehr-sync",
    "WEBHOOK_SECRET": SECRET,
}


def set_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_reads_the_runbook_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runbook's variables configure the service, NODE_ENV included."""
    set_environment(monkeypatch, **VALID, NODE_ENV="staging", LOG_LEVEL="warn")

    settings = load_settings()

    assert settings.company_id == COMPANY_ID
    assert settings.environment is Environment.STAGING
    assert settings.log_level == "warning"
    assert settings.drivehr_base_url == "https://drivehris.app"
    assert settings.drivehr_strategies == ["api", "html"]
    assert settings.drivehr_concurrency == 8
    assert settings.wp_max_jobs == 100


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    """TITLE_SUFFIXES and DRIVEHR_STRATEGIES are plain comma-separated lists."""
    set_environment(
        monkeypatch,
        **VALID,
        TITLE_SUFFIXES="Acme Motors, Acme Group",
        DRIVEHR_STRATEGIES="html",
    )

    settings = load_settings()

    assert settings.title_suffixes == ["Acme Motors", "Acme Group"]
    assert settings.drivehr_strategies == ["html"]


def test_reports_every_problem_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """All bad variables are named together, and the secret is never echoed."""
    short_secret = "tiny-secret-value"
    set_environment(
        monkeypatch,
        DRIVEHR_COMPANY_ID="not-a-uuid",
        WEBHOOK_SECRET=short_secret,
        LOG_LEVEL="loud",
        DRIVEHR_STRATEGIES="api,scrape",
    )

    with pytest.raises(ConfigError) as caught:
        load_settings()

    names = [problem.split(":")[0] for problem in caught.value.problems]
    assert names == [
        "DRIVEHR_COMPANY_ID",
        "WP_API_URL",
        "WEBHOOK_SECRET",
        "LOG_LEVEL",
        "DRIVEHR_STRATEGIES",
    ]
    assert "WP_API_URL: is required but not set" in caught.value.problems
    assert short_secret not in str(caught.value)


def test_refuses_plain_http_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """http:// to a remote host is refused outside development and test."""
    set_environment(
        monkeypatch, **{**VALID, "WP_API_URL": "http://example.com/webhook/x"}
    )

    with pytest.raises(ConfigError, match="WP_API_URL: uses http://"):
        load_settings()


@pytest.mark.parametrize(
    ("environment", "url"),
    [
        ("production", "http://127.0.0.1:8080/webhook/drivehr-sync"),
        ("production", "http://localhost/webhook/drivehr-sync"),
        ("development", "http://example.com/webhook/drivehr-sync"),
        ("test", "http://example.com/webhook/drivehr-sync"),
    ],
)
def test_allows_plain_http_where_safe(
    monkeypatch: pytest.MonkeyPatch, environment: str, url: str
) -> None:
    """Loopback hosts, development and test may use http://."""
    set_environment(
        monkeypatch, **{**VALID, "WP_API_URL": url}, ENVIRONMENT=environment
    )

    assert load_settings().wp_api_url == url


def test_secret_is_hidden_in_representations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Printing the settings never shows the secret."""
    set_environment(monkeypatch, **VALID)

    settings = load_settings()

    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())
    assert settings.secret == SECRET


@pytest.mark.parametrize("url", ["file:///tmp/state", "s3://", "bucket/prefix"])
def test_state_url_must_name_an_s3_bucket(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """A STATE_URL that is not s3://bucket/prefix is a configuration error."""
    set_environment(monkeypatch, **VALID, STATE_URL=url)

    with pytest.raises(ConfigError, match="STATE_URL: must look like s3://"):
        load_settings()
