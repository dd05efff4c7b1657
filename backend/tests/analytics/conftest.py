"""Fixtures for analytics: rows inserted with explicit timestamps, and a pinned clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.analytics.deps import current_time
from tests.helpers.dated_rows import Rows
from tests.helpers.users import UserFactory

# Wednesday 2 April 2025, 12:00 UTC (14:00 in Berlin, which went to summer time on 30 March).
NOW = dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)


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


@pytest.fixture
def rows(users: UserFactory) -> Rows:
    # The factory's own session: a second session on the test connection would open savepoints
    # that the factory's commit releases underneath it.
    return Rows(users.session)
