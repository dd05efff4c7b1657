"""One record per AI call: a structured log line, and listeners (Prometheus) to subscribe.

Records carry the provider, the kind of call, the model, the duration and the outcome — never the
API key or the person's text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from app.platform.observability.metrics import AI_CALLS, AI_LATENCY

log = logging.getLogger("app.ai.calls")

AICallKind = Literal["text", "image"]
# success | timeout | rate_limited | server_error | client_error | auth_error | not_found |
# blocked | invalid_answer | circuit_open | unavailable
AICallOutcome = str


@dataclass(frozen=True, slots=True)
class AICallRecord:
    provider: str
    kind: AICallKind
    operation: str
    model: str
    duration_seconds: float
    outcome: AICallOutcome
    attempts: int = 1


AICallListener = Callable[[AICallRecord], None]
_listeners: list[AICallListener] = []


def add_ai_call_listener(listener: AICallListener) -> Callable[[], None]:
    """Subscribe to every AI call; returns a function that unsubscribes."""
    _listeners.append(listener)

    def remove() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return remove


def record_ai_call(record: AICallRecord) -> None:
    log.info(
        "ai call",
        extra={
            "ai_provider": record.provider,
            "ai_kind": record.kind,
            "ai_operation": record.operation,
            "ai_model": record.model,
            "duration_ms": round(record.duration_seconds * 1000, 1),
            "outcome": record.outcome,
            "attempts": record.attempts,
        },
    )
    for listener in tuple(_listeners):  # a listener may unsubscribe
        try:
            listener(record)
        except Exception:  # a broken exporter must never break an AI call
            log.exception("ai call listener failed")


@dataclass(slots=True)
class CallTracker:
    """Mutable outcome of a call in progress; `track_call` records it when the block ends."""

    outcome: AICallOutcome = "success"
    attempts: int = 1
    started: float = field(default_factory=time.perf_counter)


@contextmanager
def track_call(
    provider: str, kind: AICallKind, operation: str, model: str
) -> Iterator[CallTracker]:
    tracker = CallTracker()
    try:
        yield tracker
    except BaseException:
        if tracker.outcome == "success":
            tracker.outcome = "error"
        raise
    finally:
        record_ai_call(
            AICallRecord(
                provider=provider,
                kind=kind,
                operation=operation,
                model=model,
                duration_seconds=time.perf_counter() - tracker.started,
                outcome=tracker.outcome,
                attempts=tracker.attempts,
            )
        )


_prometheus_installed = False


def install_ai_call_metrics() -> None:
    """Export every AI call as Prometheus samples (wired by app.main). Idempotent."""
    global _prometheus_installed
    if _prometheus_installed:
        return

    def observe(record: AICallRecord) -> None:
        AI_CALLS.labels(record.provider, record.kind, record.outcome).inc()
        AI_LATENCY.labels(record.provider, record.kind).observe(record.duration_seconds)

    add_ai_call_listener(observe)
    _prometheus_installed = True
