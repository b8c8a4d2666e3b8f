"""``drivehr-sync demo``: a real sync over loopback HTTP between stand-ins."""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from .config import load_settings
from .logs import configure_logging
from .models import SyncResult
from .standins import DriveHRSite, WordPressSite
from .sync import SyncOptions, run_sync

__all__ = ["run_demo"]


def run_demo() -> int:
    """Sync the sample postings into a stand-in site and show what it holds."""
    secret = secrets.token_urlsafe(32)
    configure_logging("warning", secrets=[secret])

    with (
        DriveHRSite() as drivehr,
        WordPressSite(secret=secret) as wordpress,
        tempfile.TemporaryDirectory(prefix="drivehr-sync-demo-") as state_dir,
    ):
        settings = load_settings(
            drivehr_company_id=drivehr.company_id,
            drivehr_base_url=drivehr.base_url,
            wp_api_url=wordpress.url,
            webhook_secret=secret,
            environment="development",
            state_dir=Path(state_dir),
            title_suffixes=["Acme Motors"],
        )
        print(
            f"DriveHR stand-in:   {drivehr.base_url}/careers/{drivehr.company_id}/list"
        )
        print(f"WordPress stand-in: {wordpress.url}\n")

        result = run_sync(settings, SyncOptions(trigger="demo"))
        _report(result)
        print(f"\nThe site now holds {len(wordpress.jobs)} jobs:")
        for job_id, post in sorted(wordpress.jobs.items()):
            print(f"  {job_id}")
            print(
                f"    {post['title']} | {post['location']} | {post['job_type']} "
                f"| {post['status']} {post['date']}"
            )
            print(f"    apply: {post['apply_url']}")

        # The safety the service exists for: a page it cannot read must not
        # become an empty delivery, which would delete every job.
        print("\nNext, DriveHR serves only an application shell and no listing:")
        drivehr.layout = "shell"
        drivehr.json_listing = "missing"
        _report(run_sync(settings, SyncOptions(trigger="demo")))
        print(f"The site still holds {len(wordpress.jobs)} jobs.")

    return 0 if result.status.is_success else 1


def _report(result: SyncResult) -> None:
    via = f" via {result.strategy}" if result.strategy else ""
    print(
        f"sync {result.status.value}{via}: "
        f"{result.sent} jobs sent, {result.created} created, "
        f"{result.updated} updated, {result.removed} removed "
        f"in {result.duration_ms} ms"
    )
    if result.reason:
        print(f"reason: {result.reason}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_demo())
