"""Entry point of the metrics function."""

from drivehr_sync.handlers.metrics import handle


def handler(event, context):
    return handle(event, context)
