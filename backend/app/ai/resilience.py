"""Retries with exponential backoff and jitter, and a circuit breaker, for calls to a remote AI."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from app.ai.deadline import remaining

T = TypeVar("T")

CircuitState = Literal["closed", "open", "half_open"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int
    base_delay_seconds: float
    max_delay_seconds: float = 30.0

    def delay(self, retry_number: int) -> float:
        """Backoff before retry `retry_number` (0-based): doubling, capped, with ±50 % jitter."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2.0**retry_number)
        # Jitter spreads the retries of many callers so they don't hit a recovering API together.
        return ceiling * random.uniform(0.5, 1.5)  # noqa: S311 - not cryptographic


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    is_retryable: Callable[[BaseException], bool],
    on_attempt: Callable[[int], None] | None = None,
    requested_delay: Callable[[BaseException], float | None] | None = None,
) -> T:
    """Run `attempt` until it succeeds, fails for good, or the retries are spent.

    `requested_delay` reads how long the service asked us to wait (a rate limit's retry delay):
    that pause replaces a shorter backoff. A pause longer than the policy's longest, or one that
    would outlast the request's AI budget (app.ai.deadline), is not waited out here: the last
    failure is raised instead, for the caller to pass on as Retry-After.
    """
    retry = 0
    while True:
        if on_attempt is not None:
            on_attempt(retry + 1)
        try:
            return await attempt()
        except Exception as exc:
            if retry >= policy.max_retries or not is_retryable(exc):
                raise
            delay = policy.delay(retry)
            asked = requested_delay(exc) if requested_delay is not None else None
            if asked is not None:
                if asked > policy.max_delay_seconds:
                    raise
                delay = max(delay, asked)
            left = remaining()
            if left is not None and delay >= left:
                raise
        await asyncio.sleep(delay)
        retry += 1


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures; lets one trial call through after
    `reset_seconds`, and closes again when that call succeeds."""

    def __init__(
        self,
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._consecutive_failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.reset_seconds:
            return "half_open"
        return "open"

    @property
    def consecutive_failures(self) -> int:
        return self._consecutive_failures

    def seconds_until_retry(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.reset_seconds - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """Whether a call may go out now (one trial at a time once the pause is over)."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._consecutive_failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._consecutive_failures += 1
        if self._trial_in_flight or self._consecutive_failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._trial_in_flight = False

    def release_trial(self) -> None:
        """A trial call ended without telling us anything about the service's health."""
        self._trial_in_flight = False
