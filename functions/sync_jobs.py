"""Entry point of the sync-jobs function."""

from drivehr_sync.handlers.sync_jobs import handle


def handler(event, context):
    return handle(event, context)
