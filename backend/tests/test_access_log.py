"""Access lines and request metrics written in batches (ACCESS_LOG_BATCH_MS,
app.platform.observability.access_log).

The other tests run with ACCESS_LOG_BATCH_MS=0 (each line as its request ends); these run the
default way `emotionviz serve` does, and check that batching loses and mixes up nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.entries.repository import EntriesPageJson, EntryJson
from app.entries.schemas import EntriesPublic, EntryPublic
from app.main import create_app
from app.models import User
from app.platform.config import Settings
from app.platform.db.database import Database
from app.platform.observability import access_log
from app.platform.observability.metrics import HTTP_REQUESTS
from tests.helpers.clients import client_for
from tests.helpers.logs import FormattedLines
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually

EMOTIONS = "/api/v1/emotions"
ME = "/api/v1/auth/me"


@pytest.fixture
def lines() -> Iterator[FormattedLines]:
    access = logging.getLogger("app.access")
    capture, level = FormattedLines(), access.level
    access.addHandler(capture)
    access.setLevel(logging.INFO)
    yield capture
    access.removeHandler(capture)
    access.setLevel(level)


def _app(settings: Settings, database: Database, batch_ms: int) -> FastAPI:
    return create_app(
        settings.model_copy(update={"access_log_batch_ms": batch_ms}), database=database
    )


def _served(route: str, status: int) -> float:
    return float(HTTP_REQUESTS.labels("GET", route, status)._value.get())


async def test_a_batch_is_written_after_the_delay_each_line_with_its_own_request(
    settings: Settings, database: Database, users: UserFactory, lines: FormattedLines
) -> None:
    # Long enough for four requests on a loaded machine; the test waits for the timer anyway.
    app = _app(settings, database, batch_ms=2000)
    user = await users.create()
    async for client in client_for(app):
        counted = _served(EMOTIONS, 200)
        spans = []
        requests = [
            (ME, users.headers(user)),
            (EMOTIONS, {}),
            (ME, users.headers(user)),
            ("/api/v1/nowhere", {}),
        ]
        for n, (path, headers) in enumerate(requests):
            started = time.time()
            await client.get(path, headers={**headers, "X-Request-ID": f"batch-{n}"})
            spans.append((started, time.time()))

        assert lines.lines == []  # nothing written during the requests
        assert _served(EMOTIONS, 200) == counted
        # The timer started with the first request; its flush writes the whole batch at once.
        await eventually(lambda: bool(lines.lines), what="the batch timer to write the lines")

        assert lines.request_ids() == [f"batch-{n}" for n in range(4)]
        assert [line["user_id"] for line in lines.lines] == [
            str(user.id),
            None,
            str(user.id),
            None,
        ]
        assert [(line["route"], line["status"]) for line in lines.lines] == [
            (ME, 200),
            (EMOTIONS, 200),
            (ME, 200),
            ("<unmatched>", 404),
        ]
        assert _served(EMOTIONS, 200) == counted + 1
        # Each line carries the time its request ended, not the time the batch was written
        # (up to two seconds later); `ts` has millisecond precision.
        for line, (started, ended) in zip(lines.lines, spans, strict=True):
            stamped = datetime.fromisoformat(str(line["ts"])).timestamp()
            assert started - 0.001 <= stamped <= ended + 0.001


async def test_what_is_pending_is_written_when_the_app_stops(
    settings: Settings, database: Database, lines: FormattedLines
) -> None:
    app = _app(settings, database, batch_ms=10_000)
    async for client in client_for(app):
        await client.get(EMOTIONS, headers={"X-Request-ID": "at-shutdown"})
        assert lines.lines == []
    assert lines.request_ids() == ["at-shutdown"]


async def test_a_full_batch_is_written_at_once(
    settings: Settings,
    database: Database,
    lines: FormattedLines,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(access_log, "MAX_PENDING", 3)
    app = _app(settings, database, batch_ms=10_000)
    async for client in client_for(app):
        for n in range(4):
            await client.get(EMOTIONS, headers={"X-Request-ID": f"flood-{n}"})
        assert lines.request_ids() == ["flood-0", "flood-1", "flood-2"]
    assert len(lines.lines) == 4


async def test_with_no_delay_each_line_is_written_as_its_request_ends(
    settings: Settings, database: Database, lines: FormattedLines
) -> None:
    app = _app(settings, database, batch_ms=0)
    async for client in client_for(app):
        await client.get(EMOTIONS, headers={"X-Request-ID": "at-once"})
        assert lines.request_ids() == ["at-once"]


def test_a_timer_lost_with_its_loop_is_replaced_on_the_next_loop(
    lines: FormattedLines,
) -> None:
    """An app run on one loop after another without its lifespan (no shutdown flush): the
    first loop's timer never fires, and must not keep the second loop's batch waiting."""
    recorder = access_log.AccessRecorder(10)  # the first loop closes long before this
    scope = {"method": "GET", "path": "/x", "client": ("127.0.0.1", 1), "state": {}}

    async def record_first() -> None:
        recorder.record(scope, 200, 0.001, "first")

    async def record_second_and_wait_for_its_batch() -> None:
        recorder.record(scope, 200, 0.001, "second")
        await eventually(lambda: bool(lines.lines), what="the second loop's timer to flush")

    asyncio.run(record_first())  # the loop closes before its timer fires
    assert lines.lines == []
    recorder.batch_seconds = 0.05
    asyncio.run(record_second_and_wait_for_its_batch())
    assert lines.request_ids() == ["first", "second"]


def test_a_line_that_cannot_be_written_costs_only_itself(
    lines: FormattedLines, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = access_log.AccessRecorder(10)
    write = access_log._write

    def fragile(request: Any) -> None:
        if request.request_id == "broken":
            raise RuntimeError("a handler failed")
        write(request)

    monkeypatch.setattr(access_log, "_write", fragile)

    async def three() -> None:
        for request_id in ("before", "broken", "after"):
            recorder.record({"method": "GET", "path": "/x", "state": {}}, 200, 0.001, request_id)

    asyncio.run(three())
    recorder.flush()
    assert lines.request_ids() == ["before", "after"]
    assert "1 of 3 access lines could not be written" in caplog.text


async def test_a_refused_account_is_logged_as_its_route_attributes_it(
    client: httpx.AsyncClient, users: UserFactory, session: AsyncSession, lines: FormattedLines
) -> None:
    """CurrentUser routes name a user only once the account is accepted; the two hot routes,
    whose statement does the check, log the id the token names (docs/SECURITY.md)."""
    user = await users.create()
    await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    await session.flush()
    for path in (ME, "/api/v1/entries"):
        response = await client.get(path, headers={**users.headers(user), "X-Request-ID": path})
        assert response.status_code == 401
    logged = {line["request_id"]: line["user_id"] for line in lines.lines}
    assert logged == {ME: None, "/api/v1/entries": str(user.id)}


def test_the_hot_routes_rows_have_the_documented_fields_in_order() -> None:
    assert list(EntryJson.__annotations__) == list(EntryPublic.model_fields)
    assert list(EntriesPageJson.__annotations__) == list(EntriesPublic.model_fields)
