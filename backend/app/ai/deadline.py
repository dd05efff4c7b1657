"""One time budget for every AI call a request makes: waiting for a slot, attempts, pauses.

A request opens `ai_deadline(seconds)`; the providers read `remaining()` so that no attempt,
backoff or wait for a slot runs past it (a nested budget can only shorten the outer one). It is a
context variable because the budget belongs to the request, and the calls it covers are several
layers down.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("ai_deadline", default=None)


@contextmanager
def ai_deadline(seconds: float) -> Iterator[None]:
    when = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(when if outer is None else min(when, outer))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in the current budget (never negative), or None outside any budget."""
    when = _deadline.get()
    return None if when is None else max(0.0, when - time.monotonic())
