"""AI capacity as a managed resource: a bounded number of calls of each kind in flight per process.

Every call to a provider holds a slot of its kind (text or image) while it runs, and only then: a
pause between retries holds none. A call that finds no free slot waits at most
AI_SLOT_WAIT_SECONDS (or what is left of its request's budget) and is then refused with 503
AI_CAPACITY_EXHAUSTED, so a flood of AI requests gets a quick, clear answer instead of piling up
until something else (the client, the database pool) times out. `/metrics` shows the calls in
flight and waiting (ai_calls_in_flight, ai_calls_waiting).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.ai.deadline import remaining
from app.ai.errors import AICapacityExhausted
from app.ai.telemetry import AICallKind
from app.platform.config import Settings
from app.platform.observability.metrics import AI_IN_FLIGHT, AI_WAITING


class AISlots:
    """At most `limit` calls of one kind at once in this process."""

    def __init__(self, kind: AICallKind, limit: int, wait_seconds: float) -> None:
        self.kind = kind
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.in_flight = 0
        self.waiting = 0
        self._free = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        wait = self.wait_seconds
        left = remaining()
        if left is not None:
            wait = min(wait, left)
        self._count_waiting(+1)
        try:
            async with asyncio.timeout(wait):
                await self._free.acquire()
        except TimeoutError:
            raise AICapacityExhausted(
                f"All {self.limit} {self.kind} AI slots of this server stayed busy for "
                f"{wait:.0f} s. Try again shortly.",
                retryable=True,
                retry_after_seconds=max(1, math.ceil(self.wait_seconds)),
                outcome="capacity_exhausted",
            ) from None
        finally:
            self._count_waiting(-1)
        self.in_flight += 1
        AI_IN_FLIGHT.labels(self.kind).inc()
        try:
            yield
        finally:
            self.in_flight -= 1
            AI_IN_FLIGHT.labels(self.kind).dec()
            self._free.release()

    def _count_waiting(self, change: int) -> None:
        self.waiting += change
        AI_WAITING.labels(self.kind).inc(change)


class AICapacity:
    """The slots of this process, one pool per kind of call."""

    def __init__(self, text_limit: int, image_limit: int, wait_seconds: float) -> None:
        self.text = AISlots("text", text_limit, wait_seconds)
        self.image = AISlots("image", image_limit, wait_seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> AICapacity:
        return cls(
            settings.ai_text_concurrency,
            settings.ai_image_concurrency,
            settings.ai_slot_wait_seconds,
        )

    @classmethod
    def with_default_limits(cls) -> AICapacity:
        fields = Settings.model_fields
        return cls(
            fields["ai_text_concurrency"].default,
            fields["ai_image_concurrency"].default,
            fields["ai_slot_wait_seconds"].default,
        )

    def slot(self, kind: AICallKind) -> AISlots:
        return self.text if kind == "text" else self.image
