"""Backoff and circuit breaker, with a fake clock."""

from __future__ import annotations

import pytest

from app.ai.resilience import CircuitBreaker, RetryPolicy, call_with_retries


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=5, base_delay_seconds=1.0, max_delay_seconds=5.0)
    for retry, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 5.0)]:
        delays = {policy.delay(retry) for _ in range(50)}
        assert all(0.5 * ceiling <= d <= 1.5 * ceiling for d in delays)
        assert len(delays) > 1  # jitter


async def test_retries_only_what_is_retryable() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("drop")
        return "ok"

    policy = RetryPolicy(max_retries=3, base_delay_seconds=0.001)
    assert await call_with_retries(flaky, policy=policy, is_retryable=lambda e: True) == "ok"
    assert calls == 3

    calls = 0
    with pytest.raises(ConnectionError):
        await call_with_retries(flaky, policy=policy, is_retryable=lambda e: False)
    assert calls == 1


def state_of(breaker: CircuitBreaker) -> str:
    # A function call, so mypy doesn't narrow the property between the clock's moves.
    return breaker.state


def test_breaker_opens_after_threshold_and_half_opens_after_reset() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=30, clock=clock)
    for _ in range(2):
        breaker.record_failure()
    assert state_of(breaker) == "closed"
    assert breaker.allow()
    breaker.record_failure()
    assert state_of(breaker) == "open"
    assert not breaker.allow()
    clock.now += 29
    assert not breaker.allow()
    assert breaker.seconds_until_retry() == pytest.approx(1)
    clock.now += 1
    assert state_of(breaker) == "half_open"
    assert breaker.allow()  # one trial
    assert not breaker.allow()  # and only one
    breaker.record_failure()  # the trial failed: open again for a full period
    assert state_of(breaker) == "open"
    clock.now += 30
    assert breaker.allow()
    breaker.record_success()
    assert state_of(breaker) == "closed"
    assert breaker.consecutive_failures == 0


def test_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert state_of(breaker) == "closed"
