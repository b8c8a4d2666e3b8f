"""Function handlers: one module per function, each exposing ``handle``.

The modules are not imported here so that a cold start of one function
loads only what that function needs.
"""

from __future__ import annotations

__all__ = ["FUNCTION_MODULES"]

# Function name, as in the URL ``/.netlify/functions/<name>``, to the
# module holding its ``handle(event, context)``.
FUNCTION_MODULES = {
    "sync-jobs": "drivehr_sync.handlers.sync_jobs",
    "health-check": "drivehr_sync.handlers.health_check",
    "manual-trigger": "drivehr_sync.handlers.manual_trigger",
    "metrics": "drivehr_sync.handlers.metrics",
}
