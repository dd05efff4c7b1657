"""Applies the rate limits to /api/v1 as pure ASGI, before any route or database work."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.platform.http.bearer import bearer_token
from app.platform.http.envelope import error_response
from app.platform.http.errors import AppError
from app.platform.observability.metrics import RATE_LIMITED
from app.platform.ratelimit.limiter import Decision, RateLimiter

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
# Unauthenticated entry points that also get the stricter per-address limit.
AUTH_PATHS = frozenset({"/api/v1/auth/login", "/api/v1/auth/register"})


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, subject: Callable[[str], object]
    ) -> None:
        """`subject`: who a bearer token names (app.auth wires its token check in); it raises
        AppError for a token that names no one."""
        self.app = app
        self.limiter = limiter
        self.subject = subject

    def _identity(self, scope: Scope) -> str:
        token = bearer_token(scope)
        if token:
            try:
                return f"user:{self.subject(token)}"
            except AppError:
                pass  # an invalid token is limited by address, like no token
        client = scope.get("client")
        return f"addr:{client[0] if client else 'unknown'}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.limiter.enabled
            or not scope["path"].startswith(API_PREFIX)
            or scope["method"] == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return

        try:
            decision = await self._decide(scope)
        except Exception:
            # Fail open: a broken limiter store must not take the API down with it.
            log.warning("rate limiter unavailable; request allowed", exc_info=True)
            await self.app(scope, receive, send)
            return

        if not decision.allowed:
            retry = decision.retry_after_seconds
            response = error_response(
                429,
                "RATE_LIMIT_EXCEEDED",
                f"Too many requests. Try again in {retry} seconds.",
                {"retry_after_seconds": retry, "limit": decision.limit},
                {**decision.headers(), "Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return

        headers = decision.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableHeaders(scope=message)
                # A route that refused on a narrower limit of its own (failed logins, the
                # visualization concurrency cap) already described that limit: keep it.
                if "x-ratelimit-limit" not in mutable:
                    for key, value in headers.items():
                        mutable[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _decide(self, scope: Scope) -> Decision:
        identity = self._identity(scope)
        if scope["path"] in AUTH_PATHS:
            client = scope.get("client")
            address = f"auth-addr:{client[0] if client else 'unknown'}"
            auth = await self.limiter.check(address, (self.limiter.auth_per_address,))
            if not auth.allowed:
                RATE_LIMITED.labels("auth_address").inc()
                return auth
        decision = await self.limiter.check(identity, self.limiter.per_user)
        if not decision.allowed:
            RATE_LIMITED.labels(identity.split(":", 1)[0]).inc()
        return decision
