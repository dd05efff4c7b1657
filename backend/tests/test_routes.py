"""Routes added to the app itself (app.platform.http.routes) serve what include_router would
have: the same OpenAPI document, every documented operation routed, logs naming the full route
template; and /openapi.json says which operations need a token (app.platform.http.openapi)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route, WebSocketRoute

from app.health.metrics import router as metrics_router
from app.health.router import router as health_router
from app.main import API_PREFIX, API_ROUTERS, _operation_id, create_app
from app.platform.config import Settings
from app.platform.http.envelope import ERROR_RESPONSES
from tests.helpers.routes import concrete_path

# What the router itself answers for a path no route matches (app.platform.http.handlers).
NO_ROUTE = "No route matches this path."


def _included(app: FastAPI) -> FastAPI:
    """The same application built the stock way, for comparison."""
    reference = FastAPI(
        title=app.title,
        version=app.version,
        summary=app.summary,
        generate_unique_id_function=_operation_id,
    )
    for router in API_ROUTERS:
        reference.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    reference.include_router(health_router)
    reference.include_router(metrics_router)
    return reference


def _without_security(schema: dict[str, Any]) -> dict[str, Any]:
    """The document minus what app.platform.http.openapi adds (tested on its own below)."""
    schema = copy.deepcopy(schema)
    schema["components"].pop("securitySchemes", None)
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
    return schema


def test_the_openapi_document_is_what_include_router_gives(settings: Settings) -> None:
    app = create_app(settings)
    assert _without_security(app.openapi()) == _without_security(_included(app).openapi())


def test_every_api_route_sits_directly_on_the_app(settings: Settings) -> None:
    app = create_app(settings)
    paths = {route.path for route in app.router.routes if isinstance(route, APIRoute)}
    assert {"/api/v1/entries", "/api/v1/auth/login", "/health/ready"} <= paths
    # Plain routes and the docs' static files only: no included router for FastAPI to walk on
    # each request.
    assert all(isinstance(route, Route | WebSocketRoute | Mount) for route in app.router.routes)


async def test_every_documented_operation_reaches_its_route(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Without a token or a body each route refuses, but it is the route that answers: never the
    router's 404 or 405."""
    operations = [
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        for method in methods
    ]
    assert ("GET", "/api/v1/entries") in operations
    assert ("GET", "/health/ready") in operations
    for method, path in operations:
        response = await client.request(method, concrete_path(path))
        assert response.status_code != 405, (method, path)
        if response.status_code == 404:
            assert response.json()["error"]["message"] != NO_ROUTE, (method, path)


async def test_a_path_outside_every_route_is_the_routers_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/entries-and-more")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == NO_ROUTE
    assert (await client.patch("/api/v1/entries")).status_code == 405


async def test_the_access_log_names_the_full_template_of_a_route(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="app.access")
    await client.get(f"/api/v1/entries/{uuid.uuid4()}")  # 401 without a token
    routes = [getattr(r, "route", None) for r in caplog.records if r.name == "app.access"]
    assert routes == ["/api/v1/entries/{entry_id}"]


def test_operations_that_need_a_token_say_so_in_the_openapi_document(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "JWT from /auth/login or /auth/register",
    }
    secured = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{"HTTPBearer": []}]
    }
    public = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "security" not in operation
    }
    assert {"GET /api/v1/entries", "POST /api/v1/entries", "GET /api/v1/auth/me"} <= secured
    assert {"POST /api/v1/visualizations", "GET /api/v1/analytics/summary"} <= secured
    assert public == {
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/register",
        "GET /api/v1/emotions",
        "GET /api/v1/media/{key}",  # signed URLs, not tokens
        "GET /health",
        "GET /health/ready",
        "GET /metrics",
        # The drawing screen: a token is optional (it keeps the drawing in the journal).
        "POST /api/v1/visualizations/feeling",
        "POST /api/v1/visualizations/story",
        "GET /api/v1/visualizations/health",
    }
