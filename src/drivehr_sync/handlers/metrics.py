"""``metrics``: Prometheus text built from the persisted sync statistics.

Each scrape builds a fresh registry from the state store, so figures are
the same whichever instance answers and survive cold starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from .. import __version__
from ..errors import DriveHRSyncError
from ..logs import get_logger
from .invocation import (
    Invocation,
    answer_unexpected_errors,
    method_not_allowed,
    start_invocation,
)
from .responses import PROMETHEUS_CONTENT_TYPE, text_response

__all__ = ["StatsCollector", "handle", "render_metrics"]

log = get_logger(__name__)

FUNCTION = "metrics"
PREFIX = "drivehr_sync"

# Ratio keys the quality report uses, and the label each gets.
QUALITY_RATIOS = {
    "validationFailureRatio": "validation_failure",
    "missingFieldsRatio": "missing_fields",
    "duplicateRatio": "duplicate",
}
LAST_RUN_FIGURES = {
    "found": "last_jobs_found",
    "sent": "last_jobs_sent",
    "created": "last_created",
    "updated": "last_updated",
    "removed": "last_removed",
}


@answer_unexpected_errors
def handle(event: dict[str, Any] | None, context: Any = None) -> dict[str, Any]:
    """Answer one scrape."""
    invocation = start_invocation(FUNCTION, event, context)
    if invocation.request.method not in ("GET", "HEAD"):
        return method_not_allowed(invocation, ("GET", "HEAD"))

    text = render_metrics(invocation)
    response = text_response(
        200,
        text,
        request_id=invocation.request_id,
        content_type=PROMETHEUS_CONTENT_TYPE,
    )
    if invocation.request.method == "HEAD":
        response["body"] = ""
    return response


def render_metrics(invocation: Invocation) -> str:
    """The exposition text for the current persisted statistics."""
    stats = None
    if invocation.settings is not None:
        try:
            from ..run_stats import load_run_stats
            from ..state import open_store

            stats = load_run_stats(open_store(invocation.settings))
        except DriveHRSyncError as error:
            log.warning("metrics.stats_unavailable", error=str(error))

    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatsCollector(invocation, stats))
    return generate_latest(registry).decode()


class StatsCollector(Collector):
    """Turns one ``RunStats`` snapshot into metric families."""

    def __init__(self, invocation: Invocation, stats: Any) -> None:
        self.invocation = invocation
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        yield from self._service()
        if self.stats is None:
            return
        yield from self._counters()
        yield from self._last_run()

    def _service(self) -> Iterator[Metric]:
        settings = self.invocation.settings
        info = GaugeMetricFamily(
            f"{PREFIX}_build_info",
            "Version and environment of this service.",
            labels=["version", "environment"],
        )
        environment = settings.environment.value if settings else "unknown"
        info.add_metric([__version__, environment], 1)
        yield info

        yield GaugeMetricFamily(
            f"{PREFIX}_config_valid",
            "1 when the settings are valid.",
            value=1 if settings is not None else 0,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_stats_available",
            "1 when the persisted sync statistics could be read.",
            value=1 if self.stats is not None else 0,
        )

    def _counters(self) -> Iterator[Metric]:
        stats = self.stats
        yield _labelled_counter(
            "syncs", "Syncs run, by outcome.", "status", stats.runs_by_status
        )
        yield _labelled_counter(
            "refusals",
            "Deliveries held back as unsafe, by reason.",
            "reason",
            stats.refusals_by_reason,
        )
        yield _labelled_counter(
            "trigger_calls",
            "Calls to the trigger endpoints, by outcome.",
            "outcome",
            stats.trigger_calls,
        )
        totals = stats.totals or {}
        for key, help_text in (
            ("jobs_sent", "Jobs delivered to WordPress."),
            ("created", "Jobs the plugin created."),
            ("updated", "Jobs the plugin updated."),
            ("removed", "Jobs the plugin removed."),
        ):
            yield CounterMetricFamily(
                f"{PREFIX}_{key}", help_text, value=totals.get(key, 0)
            )

    def _last_run(self) -> Iterator[Metric]:
        stats = self.stats
        last_jobs = GaugeMetricFamily(
            f"{PREFIX}_last_run_jobs",
            "Jobs in the last sync, by figure.",
            labels=["figure"],
        )
        for label, attribute in LAST_RUN_FIGURES.items():
            value = getattr(stats, attribute, None)
            if value is not None:
                last_jobs.add_metric([label], value)
        yield last_jobs

        if stats.last_success_unix is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}_last_success_timestamp_seconds",
                "Unix time of the last successful sync.",
                value=stats.last_success_unix,
            )
        if stats.last_run is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}_last_duration_seconds",
                "How long the last sync took.",
                value=(stats.last_duration_ms or 0) / 1000,
            )

        quality = GaugeMetricFamily(
            f"{PREFIX}_data_quality_ratio",
            "Share of postings in the last sync failing a quality check.",
            labels=["check"],
        )
        for key, label in QUALITY_RATIOS.items():
            value = (stats.last_quality or {}).get(key)
            if isinstance(value, (int, float)):
                quality.add_metric([label], float(value))
        yield quality


def _labelled_counter(
    name: str, help_text: str, label: str, values: dict[str, int] | None
) -> CounterMetricFamily:
    family = CounterMetricFamily(f"{PREFIX}_{name}", help_text, labels=[label])
    for key, value in sorted((values or {}).items()):
        family.add_metric([key], value)
    return family
