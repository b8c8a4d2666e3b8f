"""The drivehr-sync command line: exit codes, stdout for results, stderr for logs."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from drivehr_sync.cli import main
from drivehr_sync.standins import DriveHRSite, WordPressSite
from support import SECRET


@pytest.fixture
def sites() -> Iterator[tuple[DriveHRSite, WordPressSite]]:
    with DriveHRSite() as drivehr, WordPressSite(secret=SECRET, rate_limit=1000) as wp:
        yield drivehr, wp


@pytest.fixture
def environment(monkeypatch, tmp_path, sites):
    drivehr, wordpress = sites
    variables = {
        "DRIVEHR_COMPANY_ID": drivehr.company_id,
        "DRIVEHR_BASE_URL": drivehr.base_url,
        "WP_API_URL": wordpress.url,
        "WEBHOOK_SECRET": SECRET,
        "NODE_ENV": "test",
        "STATE_DIR": str(tmp_path / "state"),
        "RETRY_BACKOFF_S": "0.01",
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables


def test_sync_json_prints_exactly_one_object(environment, sites, capsys) -> None:
    """sync --json prints one JSON result on stdout; logs stay on stderr."""
    code = main(["sync", "--json"])

    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == 0
    assert result["status"] == "synced"
    assert result["jobs"] == result["sent"] == result["created"] == 8
    assert set(result) >= {
        "status",
        "requestId",
        "strategy",
        "jobs",
        "sent",
        "created",
        "updated",
        "removed",
        "skipped",
        "errors",
        "durationMs",
    }
    assert '"message":"sync.finished"' in captured.err
    assert SECRET not in captured.err + captured.out


def test_dry_run_lists_the_jobs_and_sends_nothing(environment, sites, capsys) -> None:
    """sync --dry-run shows a person what would be sent."""
    _, wordpress = sites

    code = main(["sync", "--dry-run"])

    output = capsys.readouterr().out
    assert code == 0
    assert output.startswith("dry_run: 8 postings found via api")
    assert "would send:" in output and "Service Advisor" in output
    assert wordpress.requests == []


def test_a_refused_sync_exits_one(environment, sites, capsys) -> None:
    """A removal the guard holds back exits 1 and says why."""
    drivehr, _ = sites
    main(["sync"])
    drivehr.set_postings([])
    capsys.readouterr()

    code = main(["sync", "--json"])

    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert code == 1
    assert result["status"] == "refused"
    assert "--force" in result["reason"]
    refusal = next(
        json.loads(line)
        for line in captured.err.splitlines()
        if '"message":"sync.refused"' in line
    )
    assert refusal["level"] == "warning"
    assert refusal["metadata"]["kind"] == "removal_guard"
    assert refusal["metadata"]["removedJobs"] == refusal["metadata"]["previousJobs"]


def test_bad_configuration_exits_two_without_the_secret(monkeypatch, capsys) -> None:
    """verify-config names every problem, exits 2 and never prints the secret."""
    monkeypatch.setenv("WEBHOOK_SECRET", "short-but-secret")
    monkeypatch.setenv("DRIVEHR_COMPANY_ID", "nope")

    code = main(["verify-config"])

    captured = capsys.readouterr()
    assert code == 2
    assert "DRIVEHR_COMPANY_ID" in captured.err
    assert "WP_API_URL: is required but not set" in captured.err
    assert "WEBHOOK_SECRET: must be at least 32 characters" in captured.err
    assert "short-but-secret" not in captured.err + captured.out


def test_verify_config_accepts_a_good_configuration(environment, capsys) -> None:
    """verify-config exits 0 and reports the secret only as set."""
    assert main(["verify-config"]) == 0

    output = capsys.readouterr().out
    assert "configuration is valid" in output
    assert SECRET not in output


def test_sign_prints_headers_the_plugin_accepts(monkeypatch, capsys) -> None:
    """sign reads a body on stdin and prints its signature headers."""
    body = b'{"reason": "deployment verification", "dryRun": true}'
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))

    code = main(["sign", "--json", "--timestamp", "1700000000"])

    headers = json.loads(capsys.readouterr().out)
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert code == 0
    assert headers["X-Webhook-Signature"] == f"sha256={expected}"
    assert headers["X-Webhook-Timestamp"] == "1700000000"


def test_history_restore_and_validate(environment, sites, capsys, tmp_path) -> None:
    """history lists deliveries; restore re-sends one; validate checks a file."""
    drivehr, wordpress = sites
    main(["sync"])
    drivehr.set_postings(drivehr.postings[:6])
    main(["sync"])
    capsys.readouterr()

    assert main(["history", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [entry["jobs"] for entry in history] == [6, 8]

    assert main(["restore", history[1]["id"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "synced"
    assert len(wordpress.jobs) == 8

    snapshot_file = next((tmp_path / "state").rglob("snapshots/*.json"))
    assert main(["validate", str(snapshot_file)]) == 0
    assert "valid, " in capsys.readouterr().out


def test_validate_reports_bad_jobs(tmp_path, capsys) -> None:
    """validate exits 1 and names each job that breaks the schema."""
    payload = tmp_path / "payload.json"
    payload.write_text(
        json.dumps({"jobs": [{"id": "drivehr-1"}, {"id": "42", "title": "No prefix"}]})
    )

    code = main(["validate", str(payload)])

    output = capsys.readouterr().out
    assert code == 1
    assert "job 0 (drivehr-1): title: Field required" in output
    assert "job 1 (42): id:" in output


def test_validate_applies_the_job_limit(tmp_path, capsys) -> None:
    """validate refuses more jobs than the plugin takes, per --max-jobs."""
    payload = tmp_path / "payload.json"
    jobs = [{"id": f"drivehr-{n}", "title": f"Job {n}"} for n in range(3)]
    payload.write_text(json.dumps({"jobs": jobs}))

    code = main(["validate", "--max-jobs", "2", str(payload)])

    assert code == 1
    assert "3 jobs exceed the plugin's limit of 2" in capsys.readouterr().out


def test_sign_without_a_secret_is_a_configuration_error(capsys) -> None:
    """sign with no WEBHOOK_SECRET exits 2 and says which variable is missing."""
    assert main(["sign"]) == 2

    assert "WEBHOOK_SECRET: is required but not set" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown subcommand exits 2."""
    completed = subprocess.run(
        [sys.executable, "-m", "drivehr_sync", "launch"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


def test_demo_syncs_the_stand_ins_and_survives_an_unreadable_page(capsys) -> None:
    """demo fills the stand-in site, then shows a shell page sends nothing."""
    code = main(["demo"])

    output = capsys.readouterr().out
    assert code == 0
    assert "sync synced via api: 8 jobs sent, 8 created" in output
    assert "The site now holds 8 jobs:" in output
    assert "sync failed: 0 jobs sent" in output
    assert "no conclusive answer" in output
    assert "The site still holds 8 jobs." in output
