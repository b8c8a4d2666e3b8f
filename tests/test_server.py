"""The local server: the runbook's curl commands over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from drivehr_sync.server import FRIENDLY_PATHS, resolve_function
from drivehr_sync.standins import DriveHRSite, WordPressSite
from handler_fixtures import (
    SECURITY_HEADERS,
    server_url,
    service_env,
    signed_headers,
)
from support import COMPANY_ID, SECRET

__all__ = ["server_url", "service_env"]

ROOT = Path(__file__).parent.parent
RUNBOOK_BODY = json.dumps(
    {"reason": "deployment verification", "dryRun": True}
).encode()


@pytest.fixture
def base_url(server_url: str) -> str:
    return server_url


@pytest.fixture
def sites(service_env: Any) -> Iterator[tuple[WordPressSite, DriveHRSite]]:
    """Live stand-ins for the plugin and DriveHR, wired into the settings."""
    with (
        WordPressSite(secret=SECRET) as wordpress,
        DriveHRSite(company_id=COMPANY_ID) as drivehr,
    ):
        service_env(WP_API_URL=wordpress.url, DRIVEHR_BASE_URL=drivehr.base_url)
        yield wordpress, drivehr


def test_runbook_health_check_answers_healthy(base_url: str) -> None:
    """``curl .../.netlify/functions/health-check`` answers 200 healthy."""
    response = httpx.get(f"{base_url}/.netlify/functions/health-check")

    assert response.status_code == 200
    assert response.json()["status"] == "healthy"
    assert response.json()["checks"]["config"]["status"] == "pass"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_runbook_deep_health_check_probes_both_sites(sites: Any, base_url: str) -> None:
    """``?deep=true`` over HTTP reports WordPress and DriveHR as passing."""
    response = httpx.get(
        f"{base_url}/.netlify/functions/health-check", params={"deep": "true"}
    )

    checks = response.json()["checks"]
    assert response.status_code == 200
    assert checks["wordpress"]["status"] == "pass"
    assert checks["drivehr"]["status"] == "pass"


def test_runbook_signed_dry_run_reports_what_would_be_sent(
    sites: Any, base_url: str
) -> None:
    """The runbook's signed dry run, through the real engine, sends nothing."""
    wordpress, _ = sites

    response = httpx.post(
        f"{base_url}/.netlify/functions/manual-trigger",
        content=RUNBOOK_BODY,
        headers=signed_headers(RUNBOOK_BODY),
        timeout=30,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["success"] is True
    assert body["status"] == "dry_run"
    assert body["jobs"] > 0
    assert wordpress.jobs == {}
    assert [r.method for r in wordpress.requests if r.method == "POST"] == []


def test_plugin_button_syncs_for_real(sites: Any, base_url: str) -> None:
    """The plugin's button request runs a real sync and answers success."""
    wordpress, drivehr = sites
    body = json.dumps(
        {
            "force_sync": True,
            "reason": "Manual sync from WordPress admin",
            "source": "wordpress-admin",
        }
    ).encode()

    response = httpx.post(
        f"{base_url}/.netlify/functions/manual-trigger",
        content=body,
        headers={"X-Webhook-Signature": signed_headers(body)["X-Webhook-Signature"]},
        timeout=30,
    )

    answer = response.json()
    assert response.status_code == 200
    assert answer["success"] is True
    assert answer["requestId"] == response.headers["X-Request-ID"]
    assert len(wordpress.jobs) == len(drivehr.postings)


def test_signed_sync_call_syncs_then_finds_nothing_changed(
    sites: Any, base_url: str
) -> None:
    """A signed POST to sync-jobs delivers once; the next finds it unchanged."""
    wordpress, drivehr = sites
    headers = signed_headers(b"{}", "hex+timestamp")

    first = httpx.post(f"{base_url}/api/sync", content=b"{}", headers=headers)
    second = httpx.post(
        f"{base_url}/api/sync",
        content=b"{}",
        headers=signed_headers(b"{}", "standard"),
    )

    assert (first.status_code, first.json()["status"]) == (200, "synced")
    assert (second.status_code, second.json()["status"]) == (200, "unchanged")
    assert len(wordpress.jobs) == len(drivehr.postings)


def test_next_run_body_through_the_server_needs_a_signature(
    base_url: str,
) -> None:
    """A scheduler-like body sent over HTTP is not trusted as the schedule."""
    body = b'{"next_run": "2026-12-03T20:00:00.000Z"}'

    response = httpx.post(f"{base_url}/.netlify/functions/sync-jobs", content=body)

    assert response.status_code == 401


def test_unsigned_trigger_over_http_gets_401(base_url: str) -> None:
    """An unsigned POST to the friendly trigger path answers 401."""
    response = httpx.post(f"{base_url}/api/trigger", content=RUNBOOK_BODY)

    assert response.status_code == 401
    assert response.json()["success"] is False


@pytest.mark.parametrize(("path", "function"), sorted(FRIENDLY_PATHS.items()))
def test_friendly_paths_reach_their_function(
    base_url: str, path: str, function: str
) -> None:
    """Each ``/api/...`` path answers as the function it names."""
    friendly = httpx.get(base_url + path)
    direct = httpx.get(f"{base_url}/.netlify/functions/{function}")

    assert friendly.status_code == direct.status_code
    assert friendly.headers["Content-Type"] == direct.headers["Content-Type"]


def test_unknown_path_is_a_json_404(base_url: str) -> None:
    """A path naming no function answers 404 with a JSON body."""
    response = httpx.get(f"{base_url}/.netlify/functions/nope")

    assert response.status_code == 404
    assert response.json()["success"] is False
    assert response.headers["X-Frame-Options"] == "DENY"


def test_head_request_has_no_body(base_url: str) -> None:
    """HEAD of the health check answers 200 with headers only."""
    response = httpx.head(f"{base_url}/api/health")

    assert response.status_code == 200
    assert response.content == b""


def test_metrics_are_served_as_text(base_url: str) -> None:
    """The metrics path answers Prometheus text, not JSON."""
    response = httpx.get(f"{base_url}/.netlify/functions/metrics")

    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "drivehr_sync_config_valid 1.0" in response.text


def test_netlify_toml_redirects_match_the_servers_paths() -> None:
    """netlify.toml declares exactly the friendly paths the server serves."""
    config = tomllib.loads((ROOT / "netlify.toml").read_text())

    redirects = {
        rule["from"]: rule["to"].removeprefix("/.netlify/functions/")
        for rule in config["redirects"]
    }

    assert redirects == FRIENDLY_PATHS
    assert config["functions"]["sync-jobs"]["schedule"] == "@hourly"


def test_trailing_slash_and_unknown_names_resolve_as_expected() -> None:
    """A trailing slash is ignored; unknown function names resolve to nothing."""
    assert resolve_function("/api/health/") == "health-check"
    assert resolve_function("/.netlify/functions/metrics") == "metrics"
    assert resolve_function("/.netlify/functions/") is None
    assert resolve_function("/") is None


def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """``serve`` logs each request and exits cleanly on SIGTERM."""
    env = {
        **os.environ,
        "DRIVEHR_COMPANY_ID": COMPANY_ID,
        "WP_API_URL": "http://127.0.0.1:9/webhook/drivehr-sync",
        "WEBHOOK_SECRET": SECRET,
        "ENVIRONMENT": "test",
        "STATE_DIR": str(tmp_path),
    }
    script = (
        "import sys; from drivehr_sync.server import serve; "
        "serve('127.0.0.1', int(sys.argv[1]))"
    )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(port)],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = process.stderr.readline()  # type: ignore[union-attr]
        httpx.get(f"http://127.0.0.1:{port}/api/health")

        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    lines = [json.loads(line) for line in [started, *errors.splitlines()] if line]
    requests = [line for line in lines if line["message"] == "server.request"]
    assert process.returncode == 0
    assert lines[0]["message"] == "server.started"
    assert requests[0]["metadata"]["path"] == "/api/health"
    assert requests[0]["metadata"]["status"] == 200
    assert lines[-1]["message"] == "server.stopped"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
