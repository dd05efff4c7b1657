"""API8:2023 Security Misconfiguration: no stack traces, no TRACE, CORS for configured origins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import ProgrammingError

from app.entries import service as entries_service
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_refused
from tests.helpers.parties import Party
from tests.helpers.routes import API, all_routes, concrete_path

INTERNALS = ("Traceback", 'File "', "/etc/passwd", "hunter2", "SELECT", "entries_service")


def _explode(kind: str) -> Exception:
    if kind == "runtime error":
        return RuntimeError("secret internals /etc/passwd password=hunter2")
    return ProgrammingError("SELECT secret FROM users", {}, Exception("relation does not exist"))


@pytest.fixture(params=[False, True], ids=["debug off", "debug on"])
async def fragile_client(
    request: pytest.FixtureRequest, settings: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(update={"debug": request.param})
    async for client in client_for(create_app(configured, database=database)):
        yield client


@pytest.mark.parametrize("kind", ["runtime error", "database error"])
async def test_an_unexpected_exception_is_a_500_envelope_without_internals(
    kind: str,
    fragile_client: httpx.AsyncClient,
    owner: Party,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def explode(*_: object, **__: object) -> None:
        raise _explode(kind)

    monkeypatch.setattr(entries_service, "list_entries", explode)

    response = await fragile_client.get(f"{API}/entries", headers=owner.headers)

    assert_refused(response, 500, "INTERNAL_ERROR")
    assert response.json()["error"] == {
        "code": "INTERNAL_ERROR",
        "message": "An unexpected error occurred.",
        "details": None,
    }
    for leaked in INTERNALS:
        assert leaked not in response.text


async def test_validation_errors_never_echo_the_input(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{API}/auth/register",
        json={"email": "not-an-email", "password": ["Secret-Value-9"], "name": {"x": "hunter2"}},
    )
    assert_refused(response, 400, "VALIDATION_ERROR")
    assert "Secret-Value-9" not in response.text
    assert "hunter2" not in response.text


async def test_trace_is_405_on_every_route(app: FastAPI, client: httpx.AsyncClient) -> None:
    paths = {
        r.path.replace("{key:path}", "{key}")
        for r in all_routes(app)
        if r.method not in {"WEBSOCKET", "MOUNT"}
    }
    assert len(paths) > 10
    for path in sorted(paths):
        response = await client.request(
            "TRACE", concrete_path(path), headers={"X-Secret-Header": "reflect-me"}
        )
        assert_refused(response, 405, "METHOD_NOT_ALLOWED")
        assert "reflect-me" not in response.text


@pytest.fixture
async def cors_client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(update={"allowed_origins": ["https://app.example"]})
    async for client in client_for(create_app(configured, database=database)):
        yield client


async def _preflight(client: httpx.AsyncClient, origin: str, method: str = "GET") -> httpx.Response:
    return await client.options(
        f"{API}/entries",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization",
        },
    )


async def test_cors_grants_only_the_configured_origins(cors_client: httpx.AsyncClient) -> None:
    allowed = await _preflight(cors_client, "https://app.example")
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "access-control-allow-credentials" not in allowed.headers

    for origin in (
        "https://evil.example",
        "http://localhost:3000",  # a default, but not configured here
        "null",
        "https://app.example.evil.example",
        "http://app.example",
    ):
        refused = await _preflight(cors_client, origin)
        assert_refused(refused, 400, "VALIDATION_ERROR")
        assert not any(h.startswith("access-control-allow") for h in refused.headers), origin
        simple = await cors_client.get(f"{API}/emotions", headers={"Origin": origin})
        assert "access-control-allow-origin" not in simple.headers


async def test_cors_refuses_methods_outside_the_api(cors_client: httpx.AsyncClient) -> None:
    for method in ("PATCH", "TRACE", "CONNECT"):
        assert_refused(
            await _preflight(cors_client, "https://app.example", method), 400, "VALIDATION_ERROR"
        )
