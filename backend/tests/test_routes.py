"""Routes added to the app itself (app.core.routes) serve what include_router would have."""

from __future__ import annotations

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


def test_the_openapi_document_is_what_include_router_gives(settings: Settings) -> None:
    app = create_app(settings)
    assert app.openapi() == _included(app).openapi()


def test_every_api_route_sits_directly_on_the_app(settings: Settings) -> None:
    app = create_app(settings)
    paths = {route.path for route in app.router.routes if isinstance(route, APIRoute)}
    assert "/api/v1/entries" in paths
    assert "/api/v1/auth/login" in paths
    assert "/health/ready" in paths
    # Nothing left for FastAPI to walk as a nested router on each request.
    assert all(type(route).__name__ != "_IncludedRouter" for route in app.router.routes)
