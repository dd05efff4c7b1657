"""The envelope, request ids, limits and probes of the foundation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from app.catalog.data import EMOTION_IDS
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database, SessionDep, create_engine
from app.platform.http.schemas import RequestModel
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.settings import unreachable_db_settings

_db_probe = APIRouter()


@_db_probe.get("/probe-db")
async def _probe_db(session: SessionDep) -> dict[str, int]:
    return {"one": (await session.execute(text("SELECT 1"))).scalar_one()}


class _ProbeBody(RequestModel):
    name: str
    count: int


_probe = APIRouter()


@_probe.post("/probe-validate")
async def _validate(body: _ProbeBody) -> dict[str, str]:
    return {"name": body.name}


@_probe.get("/probe-crash")
async def _crash() -> None:
    raise RuntimeError("secret internals /etc/passwd")


async def test_health_returns_bare_object_with_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert set(body) == {"status", "timestamp", "version"}


async def test_ready_reports_database_and_ai_checks(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "healthy"
    assert body["checks"]["gemini_api"] == "not_configured"
    assert body["checks"]["nanobanana_api"] == "not_configured"


@pytest.fixture
def unreachable_db_app(settings: Settings) -> FastAPI:
    """The app pointed at a port where no PostgreSQL listens."""
    dead = unreachable_db_settings(settings)
    app = create_app(dead, database=Database.from_engine(create_engine(dead)))
    app.include_router(_db_probe)
    return app


async def test_ready_is_503_not_ready_when_database_unreachable(
    unreachable_db_app: FastAPI,
) -> None:
    async for client in client_for(unreachable_db_app):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["database"] == "unhealthy"


async def test_unreachable_database_gives_503_envelope_on_api_routes(
    unreachable_db_app: FastAPI,
) -> None:
    """A route that needs the database answers SERVICE_UNAVAILABLE, never a 500 or a hang."""
    async for client in client_for(unreachable_db_app):
        assert_error(await client.get("/probe-db"), 503, "SERVICE_UNAVAILABLE")


async def test_emotion_catalog_lists_the_journals_ten_then_the_drawing_screens_eleven(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/emotions")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    emotions = body["data"]["emotions"]
    assert [e["id"] for e in emotions] == list(EMOTION_IDS)
    assert len(emotions) == 21
    by_id = {e["id"]: e for e in emotions}
    assert by_id["joy"]["color"] == "#FFD700"
    assert by_id["joy"]["icon"] == "smile"
    assert by_id["anxiety"]["color"] == "#808080"
    assert by_id["anxiety"]["icon"] == "cloud"
    assert {e["id"] for e in emotions[:10]} >= {"joy", "anxiety", "frustration"}
    assert all(e["category"] is None for e in emotions[:10])
    drawing = emotions[10:]
    assert [e["id"] for e in drawing][:3] == ["super_happy", "pumped", "cozy"]
    assert by_id["mad_as_hell"] == {
        "id": "mad_as_hell",
        "name": "Mad as Hell",
        "description": by_id["mad_as_hell"]["description"],
        "color": "#E8B0A0",
        "icon": by_id["mad_as_hell"]["icon"],
        "category": "bad",
    }
    assert [e["category"] for e in drawing].count("good") == 5
    for e in emotions:
        assert set(e) == {"id", "name", "description", "color", "icon", "category"}


async def test_unknown_route_is_404_envelope(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/nowhere"), 404, "NOT_FOUND")


async def test_wrong_method_is_405_envelope(client: httpx.AsyncClient) -> None:
    assert_error(await client.delete("/api/v1/emotions"), 405, "METHOD_NOT_ALLOWED")


async def test_trace_is_405(client: httpx.AsyncClient) -> None:
    assert_error(await client.request("TRACE", "/api/v1/emotions"), 405, "METHOD_NOT_ALLOWED")


async def test_request_id_is_echoed_when_given(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/emotions", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert response.json()["meta"]["request_id"] == "abc-123"


async def test_request_id_is_generated_when_missing(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/emotions")
    rid = response.headers["x-request-id"]
    assert len(rid) == 32
    assert response.json()["meta"]["request_id"] == rid


def _app_with_probe_routes(app: FastAPI) -> FastAPI:
    app.include_router(_probe)
    return app


@pytest.fixture
async def probe_client(app: FastAPI) -> object:
    async for c in client_for(_app_with_probe_routes(app)):
        yield c


async def test_validation_error_is_400_naming_fields(probe_client: httpx.AsyncClient) -> None:
    response = await probe_client.post("/probe-validate", json={"name": 5})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    fields = {d["field"] for d in body["error"]["details"]}
    assert fields == {"name", "count"}
    assert "detail" not in body


async def test_malformed_json_is_400(probe_client: httpx.AsyncClient) -> None:
    response = await probe_client.post(
        "/probe-validate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_nul_character_is_rejected_with_400(probe_client: httpx.AsyncClient) -> None:
    response = await probe_client.post("/probe-validate", json={"name": "a\x00b", "count": 1})
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_body_over_limit_is_413(probe_client: httpx.AsyncClient) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'", "count": 1}'
    response = await probe_client.post(
        "/probe-validate", content=big, headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_streamed_body_over_limit_is_413(probe_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 32768
        yield b'", "count": 1}'

    response = await probe_client.post(
        "/probe-validate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_unhandled_exception_is_500_without_trace(
    probe_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await probe_client.get("/probe-crash")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "Traceback" not in response.text
    assert "/etc/passwd" not in response.text
    assert body["error"]["message"] == "An unexpected error occurred."
    logged = [r for r in caplog.records if r.name == "app.error"]
    assert logged
    assert logged[0].exc_info is not None


async def test_openapi_has_clean_operation_ids(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert "emotions-list_emotions" in ids
    assert "health-health" in ids
    assert (await client.get("/docs")).status_code == 200
    assert (await client.get("/redoc")).status_code == 200


async def test_cors_allows_only_configured_origins(client: httpx.AsyncClient) -> None:
    allowed = await client.options(
        "/api/v1/emotions",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:3000"
    denied = await client.options(
        "/api/v1/emotions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_access_log_names_the_full_route_template(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="app.access")
    await client.get("/api/v1/emotions", headers={"X-Request-ID": "log-check"})
    await client.get("/api/v1/does-not-exist")
    records = [r for r in caplog.records if r.name == "app.access"]
    routes = [(getattr(r, "route", None), getattr(r, "status", None)) for r in records]
    assert ("/api/v1/emotions", 200) in routes
    assert ("<unmatched>", 404) in routes
    first = next(r for r in records if getattr(r, "route", None) == "/api/v1/emotions")
    assert isinstance(getattr(first, "duration_ms", None), float)
