"""API9:2023 Improper Inventory Management: one versioned API, every route documented.

What the service answers is what /openapi.json says, under /api/v1; the probes and docs are the
only unversioned paths, and the WebSocket (which OpenAPI cannot describe) is the one route known
only from the docs.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from app.platform.config import APP_VERSION
from tests.helpers.routes import API, RouteInfo, all_routes

UNVERSIONED = {"/health", "/health/ready", "/metrics"}
UNDOCUMENTED = {
    RouteInfo("/openapi.json", "GET"),
    RouteInfo("/docs", "GET"),
    RouteInfo("/docs/oauth2-redirect", "GET"),
    RouteInfo("/redoc", "GET"),
    RouteInfo("/docs-assets", "MOUNT"),  # the scripts and styles of /docs and /redoc
    RouteInfo(f"{API}/ws/visualizations/{{visualization_id}}", "WEBSOCKET"),
}


async def test_every_route_is_in_the_openapi_document_or_knowingly_outside_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    spec = (await client.get("/openapi.json")).json()
    documented = {
        RouteInfo(path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
    }
    served = {RouteInfo(r.path.replace("{key:path}", "{key}"), r.method) for r in all_routes(app)}

    assert served - documented == UNDOCUMENTED
    assert documented <= served


def test_business_routes_live_under_one_api_version(app: FastAPI) -> None:
    for path in app.openapi()["paths"]:
        assert path.startswith(f"{API}/") or path in UNVERSIONED, path


async def test_the_document_states_the_running_version(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["version"] == APP_VERSION
    assert (await client.get("/health")).json()["version"] == APP_VERSION


async def test_old_or_unknown_api_versions_are_not_served(client: httpx.AsyncClient) -> None:
    for path in ("/api/v0/emotions", "/api/v2/emotions", "/api/emotions", "/emotions"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
