"""Adding a domain router's routes to the application itself, instead of `include_router`.

FastAPI >= 0.16x keeps included routers as a tree that it walks on every request, twice (to match,
then to handle), re-checking at each level whether any router below has changed. For
/api/v1/entries that walk was the largest single cost of routing (bench/profile.py: ~16 % of a
request's CPU). Routes registered on the application are plain APIRoutes in one list, matched by
their regex in order, as Starlette does. The route objects are made anew for each application
(tests build many), with the settings the project's routers use copied across (paths, methods,
models, status codes, tags, summaries, responses, dependencies, OpenAPI extras). Per-route
`max_body_size`, `form_limits`, `strict_content_type` and custom route classes are not: none is
used, and `add_routes` refuses a route that sets one rather than drop it silently.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute


def add_routes(
    app: FastAPI,
    router: APIRouter,
    *,
    prefix: str = "",
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    """What `app.include_router(router, prefix=prefix, responses=responses)` would serve."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            if type(route) is not APIRoute or route.max_body_size is not None:
                raise TypeError(f"add_routes does not copy {route.path}'s route class or limits")
            app.router.add_api_route(
                prefix + route.path,
                route.endpoint,
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                dependencies=route.dependencies,
                summary=route.summary,
                description=route.description,
                response_description=route.response_description,
                responses={**(responses or {}), **route.responses},
                deprecated=route.deprecated,
                methods=sorted(route.methods or ()),
                operation_id=route.operation_id,
                response_model_include=route.response_model_include,
                response_model_exclude=route.response_model_exclude,
                response_model_by_alias=route.response_model_by_alias,
                response_model_exclude_unset=route.response_model_exclude_unset,
                response_model_exclude_defaults=route.response_model_exclude_defaults,
                response_model_exclude_none=route.response_model_exclude_none,
                include_in_schema=route.include_in_schema,
                response_class=route.response_class,
                name=route.name,
                callbacks=route.callbacks,
                openapi_extra=route.openapi_extra,
            )
        elif isinstance(route, APIWebSocketRoute):
            app.add_api_websocket_route(
                prefix + route.path,
                route.endpoint,
                name=route.name,
                dependencies=route.dependencies,
            )
        else:  # mounts, plain Starlette routes: none are used; fail rather than drop one
            raise TypeError(f"cannot add {route!r} to the application")
