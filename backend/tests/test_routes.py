"""Routes added to the app itself (app.core.routes) serve what include_router would have."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.core.config import Settings
from app.core.envelope import ERROR_RESPONSES
from app.health.metrics import router as metrics_router
from app.health.router import router as health_router
from app.main import API_PREFIX, API_ROUTERS, _operation_id, create_app


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
    """The document minus what app.core.openapi adds (tested on its own below)."""
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
    assert "/api/v1/entries" in paths
    assert "/api/v1/auth/login" in paths
    assert "/health/ready" in paths
    # Nothing left for FastAPI to walk as a nested router on each request.
    assert all(type(route).__name__ != "_IncludedRouter" for route in app.router.routes)


def test_operations_that_need_a_token_say_so_in_the_openapi_document(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
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
