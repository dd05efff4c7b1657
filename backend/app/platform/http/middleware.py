"""Pure ASGI middleware: request ids, access logs, the last-resort error envelope, body limits,
the request's transaction.

Pure ASGI rather than BaseHTTPMiddleware: no extra task and no stream pair per request.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.platform.context import request_id_var, user_id_var
from app.platform.db.database import REQUEST_DB_KEY, RequestDb
from app.platform.db.errors import is_database_unavailable
from app.platform.http.envelope import error_response
from app.platform.http.errors import ServiceUnavailable
from app.platform.observability.access_log import AccessRecorder, route_template

error_log = logging.getLogger("app.error")

# Everything about a person is under here; probes, metrics and docs are not.
_PRIVATE_PREFIX = "/api/"

_MAX_REQUEST_ID = 128


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            # Only echo ids that are safe to put in a header and a log line.
            if 0 < len(candidate) <= _MAX_REQUEST_ID and candidate.isprintable():
                return str(candidate)
    return None


class RequestContextMiddleware:
    """Assigns the request id, records the access line and metrics
    (app.platform.observability.access_log), and
    turns escapes into envelopes."""

    def __init__(self, app: ASGIApp, recorder: AccessRecorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        rid_token = request_id_var.set(request_id)
        uid_token = user_id_var.set(None)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        private = scope["path"].startswith(_PRIVATE_PREFIX)

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                # A journal of private feelings: no API answer may be kept by a shared cache or
                # on the device's disk. Images set their own (private) caching.
                if private and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if scope["type"] != "http" or response_started:
                error_log.exception("unhandled error after the response started")
                raise
            response = self._error_for(exc, scope)
            status = response.status_code
            await response(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http":
                self.recorder.record(scope, status, time.perf_counter() - started, request_id)
            request_id_var.reset(rid_token)
            user_id_var.reset(uid_token)

    @staticmethod
    def _error_for(exc: Exception, scope: Scope) -> Any:
        if is_database_unavailable(exc):
            # Type and message (connection errors carry no bound values), so whoever reads this
            # can tell a stopped server from a confused client ("another operation is in
            # progress" is also what two concurrent uses of one connection would raise).
            error_log.warning("database unavailable: %s: %s", type(exc).__name__, str(exc)[:300])
            return error_response(503, ServiceUnavailable.code, ServiceUnavailable.default_message)
        error_log.error(
            "unhandled exception on %s %s",
            scope.get("method"),
            route_template(scope),
            exc_info=exc,
        )
        return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred.")


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_body_size:
                    await self._too_large()(scope, receive, send)
                    return
                break

        received = 0
        limit = self.max_body_size

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI re-raises HTTPException from body parsing unchanged, so this
                    # reaches the handler that renders the 413 envelope.
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, limited_receive, send)

    def _too_large(self) -> Any:
        return error_response(
            413,
            "PAYLOAD_TOO_LARGE",
            f"The request body is larger than the limit of {self.max_body_size} bytes.",
            {"max_bytes": self.max_body_size},
        )


class RequestDbMiddleware:
    """One transaction per HTTP request, committed before the response starts.

    Each request gets a RequestDb (app.platform.db.database; no connection until a route asks
    for one). When
    the app starts its response, the transaction is committed if the status is below 400 and
    rolled back otherwise (an error answer keeps none of its session's writes; a raw
    single-statement write, see RequestDb, is durable as soon as it returns); an exception rolls
    it back.
    Only then does the status line go out, so a client never holds a 201 for a row whose commit
    failed: that failure propagates instead, and RequestContextMiddleware answers 503 (database
    unreachable) or 500, as the response has not started.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        database = getattr(scope["app"].state, "db", None)  # set by the app's lifespan
        if scope["type"] != "http" or database is None:
            await self.app(scope, receive, send)
            return
        request_db = RequestDb(database)
        scope.setdefault("state", {})[REQUEST_DB_KEY] = request_db
        finished = False
        commit_error: BaseException | None = None

        async def send_after_commit(message: Message) -> None:
            nonlocal finished, commit_error
            if not finished and message["type"] == "http.response.start":
                finished = True
                try:
                    await request_db.finish(commit=message["status"] < 400)
                except BaseException as exc:
                    commit_error = exc
                    raise
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        except BaseException as exc:
            if not finished:
                finished = True
                # A connection that failed the request is dropped, not pooled for the next one;
                # so is one whose request was cancelled, possibly in the middle of a statement.
                broken = is_database_unavailable(exc) or isinstance(exc, asyncio.CancelledError)
                await request_db.finish(commit=False, discard=broken)
            if commit_error is not None:
                # Whatever the layers in between made of it, the failed commit is the error.
                raise commit_error from None
            raise
        if not finished:  # the app sent no response at all
            await request_db.finish(commit=False)
