"""Prometheus metrics, served at /metrics. Works with several uvicorn workers (multiprocess mode).

`emotionviz serve` points PROMETHEUS_MULTIPROC_DIR at DATA_DIR/metrics before workers start, so
every process writes its samples there and /metrics aggregates them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
AI_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
AI_CALLS = Counter("ai_calls_total", "Calls to an AI provider.", ["provider", "kind", "outcome"])
AI_LATENCY = Histogram(
    "ai_call_duration_seconds", "AI call latency.", ["provider", "kind"], buckets=AI_BUCKETS
)
JOB_DURATION = Histogram(
    "job_duration_seconds",
    "Visualization job run time by outcome: completed, retry, failed, lease_lost, released.",
    ["outcome"],
    buckets=AI_BUCKETS,
)
RATE_LIMITED = Counter("rate_limited_total", "Requests refused by a rate limit.", ["scope"])
# Summed over the live processes of `emotionviz serve` (a dead worker's samples drop out).
AI_IN_FLIGHT = Gauge(
    "ai_calls_in_flight",
    "AI calls holding a slot now, by kind.",
    ["kind"],
    multiprocess_mode="livesum",
)
AI_WAITING = Gauge(
    "ai_calls_waiting",
    "AI calls waiting for a slot, by kind.",
    ["kind"],
    multiprocess_mode="livesum",
)


class _Gauge(Collector):
    """A gauge by one label, its values read from the database at scrape time."""

    def __init__(self, name: str, documentation: str, label: str, values: dict[str, int]) -> None:
        self.name, self.documentation, self.label, self.values = name, documentation, label, values

    def collect(self):  # type: ignore[no-untyped-def]
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, count in sorted(self.values.items()):
            family.add_metric([value], count)
        yield family


def render(queue_depth: dict[str, int], pending_media_deletions: dict[str, int]) -> bytes:
    """The exposition text: this process's (or all workers') samples plus the live gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    live = CollectorRegistry()
    live.register(_Gauge("job_queue_depth", "Visualization jobs by status.", "status", queue_depth))
    live.register(
        _Gauge(
            "media_deletions_pending",
            "Deleted visualizations whose pictures the store has not confirmed removed: "
            "queued (not tried yet) or retrying (the store failed at least once).",
            "state",
            pending_media_deletions,
        )
    )
    return body + generate_latest(live)
