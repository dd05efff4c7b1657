"""API5:2023 Broken Function Level Authorization: every route needs a token unless listed public.

The walk covers the OpenAPI operations, the undocumented routes (docs) and the WebSocket, so a
route added later without `CurrentUser` fails here until it is made private or listed below.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.helpers.envelope import assert_refused
from tests.helpers.routes import API, RouteInfo, all_routes, concrete_path
from tests.helpers.websocket import websocket_call

# The whole public surface, and why each entry is public.
PUBLIC = {
    RouteInfo("/health", "GET"): "liveness probe",
    RouteInfo("/health/ready", "GET"): "readiness probe",
    RouteInfo("/metrics", "GET"): "Prometheus scrape (keep it off the public network)",
    RouteInfo(f"{API}/emotions", "GET"): "the catalog is the same for everyone",
    RouteInfo(f"{API}/auth/register", "POST"): "how an account starts",
    RouteInfo(f"{API}/auth/login", "POST"): "how a token is obtained",
    RouteInfo(f"{API}/media/{{key}}", "GET"): "the URL's signature is the permission",
    RouteInfo(f"{API}/visualizations/feeling", "POST"): "the app's drawing screen needs no account",
    RouteInfo(f"{API}/visualizations/story", "POST"): "the app's drawing screen needs no account",
    RouteInfo(f"{API}/visualizations/health", "GET"): "the drawing screen's own probe",
    RouteInfo("/openapi.json", "GET"): "API description",
    RouteInfo("/docs", "GET"): "Swagger UI",
    RouteInfo("/docs/oauth2-redirect", "GET"): "Swagger UI helper",
    RouteInfo("/redoc", "GET"): "ReDoc",
}
WEBSOCKET = RouteInfo(f"{API}/ws/visualizations/{{visualization_id}}", "WEBSOCKET")

BAD_CREDENTIALS: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Basic YWRtaW46YWRtaW4="},
]


def _media_path(path: str) -> str:
    return path.replace("{key:path}", "{key}")


async def test_every_route_requires_a_token_unless_it_is_public(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    routes = {RouteInfo(_media_path(r.path), r.method) for r in all_routes(app)}
    assert set(PUBLIC) <= routes, f"stale public entries: {set(PUBLIC) - routes}"
    assert WEBSOCKET in routes
    private = sorted(
        (r for r in routes if r not in PUBLIC and r.method not in {"WEBSOCKET", "MOUNT"}),
        key=lambda r: (r.path, r.method),
    )
    assert len(private) >= 14

    unprotected = []
    for route in private:
        for headers in BAD_CREDENTIALS:
            response = await client.request(
                route.method, concrete_path(route.path), headers=headers, json={}
            )
            if response.status_code != 401 or response.json()["error"]["code"] != "UNAUTHORIZED":
                unprotected.append((route, headers, response.status_code))
    assert unprotected == []


async def test_the_websocket_requires_a_token(app: FastAPI, client: httpx.AsyncClient) -> None:
    path = concrete_path(WEBSOCKET.path)
    for query in ("", "token=", "token=not-a-token"):
        outcome = await websocket_call(app, path, query)
        assert (outcome.close_code, outcome.messages) == (1008, [])


async def test_public_routes_answer_without_a_token(client: httpx.AsyncClient) -> None:
    for route in PUBLIC:
        if route.path.endswith("{key}"):
            continue
        if route.method == "GET":
            response = await client.get(route.path)
            assert response.status_code in (200, 307), (route, response.status_code)


async def test_the_public_media_route_still_needs_a_valid_signature(
    client: httpx.AsyncClient,
) -> None:
    path = concrete_path(f"{API}/media/{{key}}")
    assert_refused(await client.get(path), 400, "VALIDATION_ERROR")
    forged = await client.get(path, params={"expires": 4102444800, "signature": "AAAA"})
    assert_refused(forged, 403, "FORBIDDEN")
