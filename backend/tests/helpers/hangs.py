"""What a hung asyncio test was waiting on, for the report of a test that timed out.

A stuck coroutine is invisible in thread stacks (the loop's thread just sits in select()), so
each pending task is shown with its await chain, from the task's coroutine down to the future
it is blocked on.
"""

from __future__ import annotations

import asyncio
from typing import Any

MAX_TASKS = 30


def _frame_of(awaitable: Any) -> Any:
    for name in ("cr_frame", "gi_frame", "ag_frame"):
        frame = getattr(awaitable, name, None)
        if frame is not None:
            return frame
    return None


def _awaited_by(awaitable: Any) -> Any:
    for name in ("cr_await", "gi_yieldfrom", "ag_await"):
        inner = getattr(awaitable, name, None)
        if inner is not None:
            return inner
    return None


def await_chain(task: asyncio.Task[Any]) -> str:
    lines = [f"Task {task.get_name()!r}:"]
    awaitable: Any = task.get_coro()
    while awaitable is not None:
        frame = _frame_of(awaitable)
        if frame is None:
            lines.append(f"    waiting on {awaitable!r}")
            break
        code = frame.f_code
        lines.append(f'  File "{code.co_filename}", line {frame.f_lineno}, in {code.co_name}')
        awaitable = _awaited_by(awaitable)
    return "\n".join(lines)


def pending_tasks() -> str:
    """The await chain of every pending task of the current event loop (the tests' loop)."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return "no event loop"
    tasks = sorted(asyncio.all_tasks(loop), key=lambda task: task.get_name())
    if not tasks:
        return "no pending asyncio task"
    shown = [await_chain(task) for task in tasks[:MAX_TASKS]]
    if len(tasks) > MAX_TASKS:
        shown.append(f"... and {len(tasks) - MAX_TASKS} more")
    return "\n\n".join(shown)
