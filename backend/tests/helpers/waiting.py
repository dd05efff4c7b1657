"""Waiting for a condition instead of sleeping on a guess."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool | Awaitable[bool]]


async def eventually(condition: Condition, *, within: float = 15.0, what: str = "") -> None:
    """Poll `condition` until it holds; fail naming `what` if it does not within `within` s.

    The bound only turns a hang into a clear failure: nothing is asserted about time.
    """
    loop = asyncio.get_running_loop()
    give_up = loop.time() + within
    while True:
        outcome = condition()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() > give_up:
            raise AssertionError(f"still waiting after {within:g} s for: {what or condition}")
        await asyncio.sleep(0.02)
