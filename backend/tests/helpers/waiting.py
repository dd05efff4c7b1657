"""Waiting for a condition instead of sleeping on a guess.

Every bound here only turns a hang into a clear failure: nothing is asserted about time, and a
condition that holds at once returns at once.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool | Awaitable[bool]]


async def eventually(condition: Condition, *, within: float = 15.0, what: str = "") -> None:
    """Poll `condition` until it holds; fail naming `what` if it does not within `within` s."""
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


def eventually_sync(
    condition: Callable[[], bool], *, within: float = 15.0, what: str = "", every: float = 0.1
) -> None:
    """`eventually` for synchronous tests (a subprocess, a server in another thread)."""
    give_up = time.monotonic() + within
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"still waiting after {within:g} s for: {what or condition}")
        time.sleep(every)


def loop_turns_meanwhile(loop: asyncio.AbstractEventLoop, *, within: float = 10.0) -> bool:
    """Called from inside blocking work: whether `loop` runs a callback while the work goes on.

    Work off the loop's thread gets True as soon as the loop turns. Work on the loop's own thread
    blocks the loop, so the answer cannot come: False after `within` s.
    """
    answered = threading.Event()
    loop.call_soon_threadsafe(answered.set)
    return answered.wait(within)
