"""Fixtures for analytics: rows inserted with explicit timestamps, and a pinned clock."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.deps import current_time
from app.models import EmotionEntry, User, Visualization
from tests.conftest import UserFactory

# Wednesday 2 April 2025, 12:00 UTC (14:00 in Berlin, which went to summer time on 30 March).
NOW = dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)


def utc(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_now(request: pytest.FixtureRequest) -> Iterator[dt.datetime]:
    """Every analytics request sees NOW (pure-function tests don't build an app for it)."""
    if "app" not in request.fixturenames:
        yield NOW
        return
    app: FastAPI = request.getfixturevalue("app")
    app.dependency_overrides[current_time] = lambda: NOW
    yield NOW
    app.dependency_overrides.pop(current_time, None)


class Rows:
    """Inserts entries and visualizations directly, with the timestamps a test needs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entry(
        self,
        user: User,
        created_at: dt.datetime,
        emotions: list[str],
        intensity: str,
        situation: str = "Something happened",
    ) -> EmotionEntry:
        entry = EmotionEntry(
            user_id=user.id,
            situation=situation,
            emotions=emotions,
            intensity=Decimal(intensity),
            created_at=created_at,
            updated_at=created_at,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def visualization(
        self, entry: EmotionEntry, status: str, created_at: dt.datetime
    ) -> uuid.UUID:
        visualization = Visualization(
            entry_id=entry.id,
            user_id=entry.user_id,
            status=status,
            created_at=created_at,
            updated_at=created_at,
        )
        self.session.add(visualization)
        await self.session.flush()
        return visualization.id


@pytest.fixture
def rows(users: UserFactory) -> Rows:
    # The factory's own session: a second session on the test connection would open savepoints
    # that the factory's commit releases underneath it.
    return Rows(users.session)
