"""Entry point of the health-check function."""

from drivehr_sync.handlers.health_check import handle


def handler(event, context):
    return handle(event, context)
