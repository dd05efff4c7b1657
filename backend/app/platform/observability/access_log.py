"""The access log line and the Prometheus observation of each HTTP request, written in batches.

Written as each request ends, one access-log line cost ~60 µs of the request's CPU, measured in
place (`bench.profile`): a LogRecord, the JSON formatter and two handlers each writing and
flushing, all with cold caches after the request's own work; the same lines written one after
another in a loop cost ~15 µs each. So by default a request only leaves its few fields here
(~1 µs) and the batch is written ACCESS_LOG_BATCH_MS (100) later, or at once when it reaches
MAX_PENDING, and when the app stops. Each line keeps the time and request id of its request.
What a crash can lose is the last batch of access lines and their metrics (never an error
line: those are written at once by their loggers). ACCESS_LOG_BATCH_MS=0 writes each line as
its request ends.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from typing import Any, NamedTuple

from starlette.types import Scope

from app.platform.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS

access_log = logging.getLogger("app.access")
error_log = logging.getLogger("app.error")

# Bounds memory under a flood: a batch this long is written at once, without waiting.
MAX_PENDING = 2000


def route_template(scope: Scope) -> str:
    """The matched route's full template (`/api/v1/entries/{entry_id}`), for logs and metrics.

    Every route sits on the application itself with its full path (app.platform.http.routes), so the
    route Starlette put in the scope names it. A test pins this.
    """
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "<unmatched>"


class _Request(NamedTuple):
    created: float  # wall-clock time the request ended, the line's `ts`
    method: str
    path: str
    route: str
    status: int
    elapsed: float
    user_id: str | None
    client: str
    request_id: str | None


class AccessRecorder:
    """Collects what each request's access line and metrics need; writes them in batches."""

    def __init__(self, batch_seconds: float) -> None:
        self.batch_seconds = batch_seconds
        self._pending: list[_Request] = []
        # The flush waiting to run, if any. Kept so that a timer whose loop has gone (an app
        # run on one loop after another, without its lifespan) is replaced, not waited for.
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def record(self, scope: Scope, status: int, elapsed: float, request_id: str | None) -> None:
        client = scope.get("client")
        request = _Request(
            time.time(),
            scope.get("method", ""),
            scope.get("path", ""),
            route_template(scope),
            status,
            elapsed,
            scope.get("state", {}).get("user_id"),
            client[0] if client else "",
            request_id,
        )
        self._pending.append(request)
        if self.batch_seconds <= 0 or len(self._pending) >= MAX_PENDING:
            # Outside this request's context variables, like the timer's flush: an error line
            # about the batch must not carry this request's id.
            contextvars.Context().run(self.flush)
            return
        loop = asyncio.get_running_loop()
        if self._timer is None or self._timer_loop is not loop:
            # An empty context: the batch is written outside every request's context variables.
            self._timer = loop.call_later(
                self.batch_seconds, self.flush, context=contextvars.Context()
            )
            self._timer_loop = loop

    def flush(self) -> None:
        """Write what is pending now: when the timer fires, when the batch is full, when the
        app stops. A line that cannot be written costs that line, not the rest of the batch."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_loop = None
        pending, self._pending = self._pending, []
        failed: list[Exception] = []
        for request in pending:
            try:
                _write(request)
            except Exception as exc:
                failed.append(exc)
        if failed:
            error_log.error(
                "%d of %d access lines could not be written",
                len(failed),
                len(pending),
                exc_info=failed[-1],
            )


def _write(request: _Request) -> None:
    HTTP_REQUESTS.labels(request.method, request.route, request.status).inc()
    HTTP_LATENCY.labels(request.method, request.route, request.status).observe(request.elapsed)
    if not access_log.isEnabledFor(logging.INFO):
        return
    extra: dict[str, Any] = {
        "method": request.method,
        "route": request.route,
        "status": request.status,
        "duration_ms": round(request.elapsed * 1000, 2),
        "user_id": request.user_id,
        "client": request.client,
        "request_id": request.request_id,
    }
    record = access_log.makeRecord(
        access_log.name,
        logging.INFO,
        "",
        0,
        "%s %s %s",
        (request.method, request.path, request.status),
        None,
        extra=extra,
    )
    # The request's time, not the batch's.
    record.created = request.created
    record.msecs = (request.created % 1) * 1000
    access_log.handle(record)
