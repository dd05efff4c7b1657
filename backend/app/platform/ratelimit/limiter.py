"""Request rate limits: sliding window counters shared by one server's workers, or in Redis.

Identity: the user a valid bearer token names, else the client address. Register and login are
also limited per address, and failed logins per e-mail, against password guessing.

With RATE_LIMIT_STORAGE_URL (Redis) the `limits` library keeps the counters, shared by every
process on every machine. Without it they live in a table that the worker processes of one server
map together (app.platform.ratelimit.table), computed the same way.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
)
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from app.platform.config import Settings
from app.platform.http.errors import RateLimitExceeded
from app.platform.ratelimit.table import TableWindows

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_epoch: int

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.reset_epoch - time.time()))

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch),
        }

    def refusal(self, what: str) -> RateLimitExceeded:
        """The 429 for this decision: "{what}. Try again in N seconds." with its headers."""
        retry = self.retry_after_seconds
        return RateLimitExceeded(
            f"{what}. Try again in {retry} seconds.",
            details={"retry_after_seconds": retry, "limit": self.limit},
            headers={**self.headers(), "Retry-After": str(retry)},
        )


def _storage(settings: Settings) -> Storage:
    assert settings.rate_limit_storage_url is not None
    url = settings.rate_limit_storage_url.get_secret_value()
    if not url.startswith("async+"):
        url = f"async+{url}"
    storage = storage_from_string(url)
    assert isinstance(storage, Storage)
    return storage


class _SharedWindows:
    """The counters in `limits`' storage (Redis): what TableWindows does on one server."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(storage)

    async def stats(self, item: RateLimitItem, key: str) -> tuple[int, float]:
        stats = await self._strategy.get_window_stats(item, key)
        return stats.remaining, stats.reset_time

    async def check(
        self, key: str, items: tuple[RateLimitItem, ...]
    ) -> tuple[bool, list[tuple[int, float]]]:
        allowed = True
        for item in items:
            if not await self._strategy.hit(item, key):
                allowed = False
                break
        return allowed, [await self.stats(item, key) for item in items]

    async def clear(self, item: RateLimitItem, key: str) -> None:
        await self._strategy.clear(item, key)

    async def reset(self) -> None:
        await self._storage.reset()


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        self._windows: _SharedWindows | TableWindows = (
            TableWindows(settings.rate_limit_table_slots, settings.rate_limit_table)
            if settings.rate_limit_storage_url is None
            else _SharedWindows(_storage(settings))
        )
        self.per_user: tuple[RateLimitItem, ...] = (
            RateLimitItemPerMinute(settings.rate_limit_per_minute),
            RateLimitItemPerHour(settings.rate_limit_per_hour),
        )
        self.auth_per_address = RateLimitItemPerMinute(settings.rate_limit_auth_per_minute)
        self.login_failures = RateLimitItemPerHour(settings.rate_limit_login_failures_per_hour)
        self.login_failures_per_address = RateLimitItemPerHour(
            settings.rate_limit_login_failures_per_address_per_hour
        )
        self.login_failures_per_email = RateLimitItemPerHour(
            settings.rate_limit_login_failures_per_email_per_hour
        )
        self.drawings_per_address = RateLimitItemPerHour(settings.anonymous_drawings_per_hour)
        self.drawings_in_total = RateLimitItemPerDay(settings.anonymous_drawings_per_day)

    async def check(self, key: str, items: tuple[RateLimitItem, ...]) -> Decision:
        """Count one request against every window; the answer describes the tightest one."""
        allowed, stats = await self._windows.check(key, items)
        best: Decision | None = None
        for item, (remaining, reset_time) in zip(items, stats, strict=True):
            decision = Decision(
                allowed=allowed,
                limit=item.amount,
                remaining=max(0, remaining),
                reset_epoch=math.ceil(reset_time),
            )
            if best is None or decision.remaining < best.remaining:
                best = decision
        assert best is not None
        return best

    # --- password attempts, counted by the auth service (app.auth.throttle) ---------------
    async def take_password_attempt(
        self, email: str, address: str, *, known_address: bool
    ) -> tuple[Decision, str] | None:
        """Counts one attempt against each limit that applies; the first refusal (and what it
        limits), else None."""
        if not self.enabled:
            return None
        email = email.lower()
        limits = [
            (f"login:{email}:{address}", self.login_failures, "Too many failed logins"),
            (
                f"login-address:{address}",
                self.login_failures_per_address,
                "Too many failed logins from this address",
            ),
        ]
        if not known_address:
            limits.append(
                (
                    f"login-email:{email}",
                    self.login_failures_per_email,
                    "Too many failed logins for this e-mail from new devices; try from one "
                    "you have logged in from before",
                )
            )
        for key, item, what in limits:
            decision = await self.check(key, (item,))
            if not decision.allowed:
                return decision, what
        return None

    async def forget_password_failures(self, email: str, address: str) -> None:
        """A correct password: this e-mail and address start afresh."""
        if self.enabled:
            await self._windows.clear(self.login_failures, f"login:{email.lower()}:{address}")

    # --- anonymous drawings, counted by the drawing service --------------------------------
    async def anonymous_drawing(self, address: str) -> Decision | None:
        """Counts one drawing without a token; a refusal when this address, or everyone
        together, has drawn enough for now, else None."""
        if not self.enabled:
            return None
        for key, item in (
            (f"drawings-addr:{address}", self.drawings_per_address),
            ("drawings-all", self.drawings_in_total),
        ):
            decision = await self.check(key, (item,))
            if not decision.allowed:
                return decision
        return None

    async def reset(self) -> None:
        await self._windows.reset()
