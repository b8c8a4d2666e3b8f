"""Entry point of the manual-trigger function."""

from drivehr_sync.handlers.manual_trigger import handle


def handler(event, context):
    return handle(event, context)
