"""Each request's transaction (app.platform.http.middleware.RequestDbMiddleware): what is kept,
and when."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.platform.db.database import Database, SessionDep
from app.platform.http.errors import Conflict
from tests.helpers.envelope import assert_error


def _add_writing_routes(app: FastAPI) -> None:
    async def write(session: SessionDep, email: str) -> None:
        session.add(User(email=email, hashed_password="!", name="Probe"))
        await session.flush()

    async def then_succeed(session: SessionDep) -> JSONResponse:
        await write(session, "kept@example.com")
        return JSONResponse({"ok": True}, status_code=201)

    async def then_answer_409(session: SessionDep) -> JSONResponse:
        await write(session, "answered-409@example.com")
        return JSONResponse({"ok": False}, status_code=409)  # returned, not raised

    async def then_raise_conflict(session: SessionDep) -> None:
        await write(session, "raised-409@example.com")
        raise Conflict("refused after writing")

    async def then_crash(session: SessionDep) -> None:
        await write(session, "crashed@example.com")
        raise ZeroDivisionError  # a bug

    for path, endpoint in (
        ("/test/succeed", then_succeed),
        ("/test/answer-409", then_answer_409),
        ("/test/raise-409", then_raise_conflict),
        ("/test/crash", then_crash),
    ):
        app.add_api_route(path, endpoint, methods=["POST"])


async def _stored(session: AsyncSession, email: str) -> int:
    return int(await session.scalar(select(func.count()).where(User.email == email)) or 0)


@pytest.fixture
def writing_app(app: FastAPI) -> FastAPI:
    _add_writing_routes(app)
    return app


async def test_a_successful_answer_keeps_the_requests_writes(
    writing_app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assert (await client.post("/test/succeed")).status_code == 201
    assert await _stored(session, "kept@example.com") == 1


@pytest.mark.parametrize(
    ("path", "email", "status"),
    [
        ("/test/answer-409", "answered-409@example.com", 409),
        ("/test/raise-409", "raised-409@example.com", 409),
        ("/test/crash", "crashed@example.com", 500),
    ],
)
async def test_an_error_answer_keeps_none_of_them(
    writing_app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    path: str,
    email: str,
    status: int,
) -> None:
    response = await client.post(path)
    assert response.status_code == status
    if status == 500:
        assert_error(response, 500, "INTERNAL_ERROR")
    assert await _stored(session, email) == 0


async def test_a_route_without_the_database_takes_no_connection(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    checkouts: list[object] = []

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(committed_db.engine.sync_engine, "checkout", count)
    try:
        assert (await committed_client.get("/api/v1/emotions")).status_code == 200
        assert checkouts == []
        assert (await committed_client.get("/health/ready")).status_code == 200
        assert checkouts  # the probe does use one: the listener is really listening
    finally:
        event.remove(committed_db.engine.sync_engine, "checkout", count)
