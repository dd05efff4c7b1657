"""Every route the app serves, and what a request to one needs (paths, body schemas)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount

API = "/api/v1"


@dataclass(frozen=True)
class RouteInfo:
    path: str
    method: str  # "WEBSOCKET" for the WebSocket route, "MOUNT" for static files


def _walk(routes: list[Any]) -> Iterator[RouteInfo]:
    # Every route sits on the app itself with its full path (app.platform.http.routes).
    for route in routes:
        if isinstance(route, Mount):  # static files (the docs pages' assets)
            yield RouteInfo(route.path, "MOUNT")
            continue
        methods = getattr(route, "methods", None)
        if not methods:
            yield RouteInfo(route.path, "WEBSOCKET")
            continue
        for method in sorted(methods - {"HEAD"}):
            yield RouteInfo(route.path, method)


def all_routes(app: FastAPI) -> set[RouteInfo]:
    """Every (path, method) the app answers: the OpenAPI operations plus undocumented routes."""
    found = set(_walk(app.routes))
    for path, operations in app.openapi()["paths"].items():
        found.update(RouteInfo(path, method.upper()) for method in operations)
    return found


def concrete_path(template: str) -> str:
    """A template with its parameters filled by values of the right shape for no real row."""
    path = template.replace("{key:path}", "{key}").replace(
        "{key}", f"visualizations/{uuid.uuid4()}/image.png"
    )
    for name in ("entry_id", "visualization_id"):
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    assert "{" not in path, f"fill the parameters of {template} in concrete_path"
    return path


def body_schema_name(operation: dict[str, Any]) -> str | None:
    """The component name of an operation's JSON body schema (an optional body is anyOf
    [schema, null]), or None when it takes no JSON body."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return None
    schema = body["schema"]
    refs = [s["$ref"] for s in schema.get("anyOf", [schema]) if "$ref" in s]
    assert len(refs) == 1, schema
    ref: str = refs[0]
    return ref.rsplit("/", 1)[1]
