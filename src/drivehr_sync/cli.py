"""The ``drivehr-sync`` command line.

Exit codes: 0 success (synced, unchanged, dry run), 1 the sync failed or
was refused, 2 a configuration or usage error. Results go to stdout, logs
to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .config import Settings, load_secret, load_settings
from .errors import ConfigError, StateError
from .logs import configure_logging
from .models import SyncResult, SyncStatus

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drivehr-sync",
        description="Keep a WordPress site's jobs identical to DriveHR's postings.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync", help="fetch, compare and deliver once")
    sync.add_argument("--dry-run", action="store_true", help="send nothing")
    sync.add_argument(
        "--force",
        action="store_true",
        help="deliver even when a safety or change check would hold it back",
    )
    sync.add_argument("--json", action="store_true", help="print one JSON object")

    commands.add_parser("demo", help="sync between local stand-ins and show the site")

    sign = commands.add_parser(
        "sign", help="print the signature headers for a body read from stdin"
    )
    sign.add_argument("--request-id", help="the webhook-id to sign with")
    sign.add_argument("--timestamp", type=int, help="Unix seconds (default: now)")
    sign.add_argument("--json", action="store_true", help="print headers as JSON")

    commands.add_parser("verify-config", help="check the configuration and exit")

    serve = commands.add_parser("serve", help="serve the functions over local HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8888)

    history = commands.add_parser("history", help="list delivered snapshots")
    history.add_argument("--json", action="store_true")

    restore = commands.add_parser("restore", help="deliver a stored snapshot again")
    restore.add_argument("snapshot", help="snapshot id (or a unique prefix)")
    restore.add_argument("--dry-run", action="store_true")
    restore.add_argument("--force", action="store_true")
    restore.add_argument("--json", action="store_true")

    validate = commands.add_parser(
        "validate", help="check a payload or snapshot file against the job schema"
    )
    validate.add_argument("file", type=Path)
    validate.add_argument(
        "--max-jobs",
        type=int,
        default=int(os.environ.get("WP_MAX_JOBS") or 100),
        help="the plugin's job limit (default: WP_MAX_JOBS or 100)",
    )
    validate.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler = COMMANDS[arguments.command]
    try:
        return handler(arguments)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(settings.log_level, secrets=[settings.secret])
    return settings


def run_sync_command(arguments: argparse.Namespace) -> int:
    from .sync import SyncOptions, run_sync

    settings = _settings()
    options = SyncOptions(
        dry_run=arguments.dry_run, force=arguments.force, trigger="cli"
    )
    return report_result(run_sync(settings, options), as_json=arguments.json)


def run_restore_command(arguments: argparse.Namespace) -> int:
    from .sync import SyncOptions, restore_snapshot

    settings = _settings()
    options = SyncOptions(
        dry_run=arguments.dry_run, force=arguments.force, trigger="restore"
    )
    result = restore_snapshot(settings, arguments.snapshot, options)
    return report_result(result, as_json=arguments.json)


def report_result(result: SyncResult, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(describe_result(result))
    return EXIT_OK if result.status.is_success else EXIT_FAILED


def describe_result(result: SyncResult) -> str:
    """A short summary a person reads after a sync."""
    head = f"{result.status.value}: {result.jobs_found} postings found"
    if result.strategy:
        head += f" via {result.strategy}"
    lines = [head]
    if result.status is SyncStatus.SYNCED:
        lines.append(
            f"sent {result.sent} jobs: {result.created} created, "
            f"{result.updated} updated, {result.removed} removed, "
            f"{result.skipped} skipped"
        )
    if result.diff:
        diff = result.diff
        lines.append(
            f"changes: {len(diff['added'])} added, {len(diff['removed'])} "
            f"removed, {len(diff['updated'])} updated, "
            f"{diff['unchanged']} unchanged"
        )
        lines.extend(f"  + {job_id}" for job_id in diff["added"])
        lines.extend(f"  - {job_id}" for job_id in diff["removed"])
        lines.extend(
            f"  ~ {job_id}: {', '.join(fields)}"
            for job_id, fields in diff["updated"].items()
        )
    if result.jobs is not None:
        lines.append("would send:")
        lines.extend(f"  {job['id']}  {job['title']}" for job in result.jobs)
    if result.degraded:
        lines.append(
            "degraded (detail page unavailable): " + ", ".join(result.degraded)
        )
    for error in result.errors:
        lines.append(f"plugin error: {error}")
    if result.reason:
        lines.append(f"reason: {result.reason}")
    lines.append(f"request {result.request_id} in {result.duration_ms} ms")
    return "\n".join(lines)


def run_sign_command(arguments: argparse.Namespace) -> int:
    from uuid import uuid4

    from .signing import delivery_headers

    secret = load_secret()
    body = sys.stdin.buffer.read()
    request_id = arguments.request_id or str(uuid4())
    headers = delivery_headers(body, secret, request_id, arguments.timestamp)
    if arguments.json:
        print(json.dumps(headers))
    else:
        print("\n".join(f"{name}: {value}" for name, value in headers.items()))
    return EXIT_OK


def run_verify_config_command(arguments: argparse.Namespace) -> int:
    settings = _settings()
    print(
        "configuration is valid\n"
        f"  company: {settings.company_id}\n"
        f"  DriveHR: {settings.drivehr_base_url} "
        f"(strategies {','.join(settings.drivehr_strategies)})\n"
        f"  WordPress: {settings.wp_api_url}\n"
        f"  environment: {settings.environment.value}\n"
        f"  state: {settings.state_url or settings.state_dir}\n"
        "  webhook secret: set"
    )
    return EXIT_OK


def run_serve_command(arguments: argparse.Namespace) -> int:
    from .server import serve

    serve(arguments.host, arguments.port)
    return EXIT_OK


def run_history_command(arguments: argparse.Namespace) -> int:
    from .snapshots import SnapshotHistory
    from .state import open_store

    settings = _settings()
    try:
        snapshots = SnapshotHistory(open_store(settings), settings.state_keep).list()
    except StateError as error:
        print(f"cannot read the history: {error}", file=sys.stderr)
        return EXIT_FAILED

    summaries = [snapshot.to_summary() for snapshot in snapshots]
    if arguments.json:
        print(json.dumps(summaries))
    elif not summaries:
        print("no deliveries recorded yet")
    else:
        for summary in summaries:
            print(
                f"{summary['id']}  {summary['createdAt']}  "
                f"{summary['jobs']:>3} jobs  {summary['outcome']:<9} "
                f"request {summary['requestId']}"
            )
    return EXIT_OK


def run_validate_command(arguments: argparse.Namespace) -> int:
    from .quality import validate_jobs
    from .snapshots import load_payload_file

    try:
        payload = load_payload_file(arguments.file)
    except (OSError, ValueError, StateError) as error:
        print(f"cannot read {arguments.file}: {error}", file=sys.stderr)
        return EXIT_USAGE

    report = validate_jobs(payload.get("jobs"), arguments.max_jobs)
    if arguments.json:
        print(json.dumps(report.to_json()))
    else:
        verdict = "valid" if report.is_valid else "INVALID"
        print(f"{arguments.file}: {verdict}, {report.valid}/{report.jobs} jobs valid")
        for problem in report.problems:
            print(f"  {problem}")
        for job_id in report.duplicate_ids:
            print(f"  duplicate id: {job_id}")
    return EXIT_OK if report.is_valid else EXIT_FAILED


def run_demo_command(arguments: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "sync": run_sync_command,
    "demo": run_demo_command,
    "sign": run_sign_command,
    "verify-config": run_verify_config_command,
    "serve": run_serve_command,
    "history": run_history_command,
    "restore": run_restore_command,
    "validate": run_validate_command,
}
